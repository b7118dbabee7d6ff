//! Step 9, the agreement page, through the real binary: a tampered agreement carries a warning
//! in plain words before its first section and `render --all` reports how many pages carry
//! invalid signatures (exit 0); the signature table has no percentage column widths (which
//! squeezed names on a phone); the full rendition is marked not for publication on screen and
//! on every printed page, the public one as the public version; the contents list links every
//! section; the skip link targets `<main>`, which holds the title; the Markdown keeps its
//! "Purpose:" and "Frequency:" labels and has no empty table headers; criminal offence data is
//! never called special category. Today is always injected.

use crate::common;

use common::{SAFEGUARDING, TempWorkspace, example_ids, signed_examples, tamper_safeguarding};

const TODAY: &str = "2026-12-01";
/// The example `tamper_safeguarding` changes.
const TAMPERED: &str = SAFEGUARDING;

/// `render --all` into `dir`: exit code, stderr.
fn site(ws: &TempWorkspace, dir: &str, public: bool) -> (i32, String) {
    let mut args = vec!["--today", TODAY, "render", "--all", "--out", dir];
    if public {
        args.push("--public");
    }
    let (code, _, err) = ws.run(&args);
    (code, err)
}

fn read(ws: &TempWorkspace, rel: &str) -> String {
    std::fs::read_to_string(ws.root().join(rel)).unwrap()
}

const WARNING: &str = "the signatures do not match this text: do not rely on it";

#[test]
fn a_tampered_agreement_warns_at_the_top_and_render_all_counts_it() {
    let ws = signed_examples();
    // Untampered: no page warns, and the run says nothing about invalid signatures.
    let (code, err) = site(&ws, "clean", false);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("not valid"), "{err}");
    for id in example_ids() {
        let page = read(&ws, &format!("clean/{id}.html"));
        assert!(!page.contains(WARNING), "{id} warns without cause");
    }

    tamper_safeguarding(&ws);
    let (code, err) = site(&ws, "site", false);
    assert_eq!(
        code, 0,
        "a page with invalid signatures is rendered, with its warning: {err}"
    );
    assert!(
        err.contains("warning: 1 page carries signatures that are not valid")
            && err.contains(TAMPERED),
        "render --all reports the count and the page: {err}"
    );
    for id in example_ids() {
        let page = read(&ws, &format!("site/{id}.html"));
        if id != TAMPERED {
            assert!(!page.contains(WARNING), "{id} warns without cause");
            continue;
        }
        let warning = page.find(WARNING).expect("the tampered page warns");
        let first_section = page.find("<section").unwrap();
        assert!(
            warning < first_section,
            "the warning comes before the first section"
        );
        assert!(
            warning < page.find("<dl class=\"facts\"").unwrap(),
            "the warning comes before the key facts"
        );
        // The technical detail stays, in the signature block below.
        let detail = page.find("(DP201)").expect("the rule code is kept");
        assert!(detail > page.find("id=\"signatures\"").unwrap());
        let md = read(&ws, &format!("site/{id}.md"));
        let warning = md.find(WARNING).expect("the Markdown warns too");
        assert!(
            warning < md.find("\n## ").unwrap(),
            "before the first section"
        );
    }
    // The public rendition warns as well.
    let (code, err) = site(&ws, "public", true);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("1 page carries signatures that are not valid"),
        "{err}"
    );
    assert!(read(&ws, &format!("public/{TAMPERED}.html")).contains(WARNING));

    // One agreement rendered alone says so on standard error too.
    let (code, out, err) = ws.run(&["--today", TODAY, "render", TAMPERED]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(WARNING));
    assert!(err.contains("do not verify against its text"), "{err}");
}

/// The stylesheet of a page: the text of its `<style>` elements.
fn styles(page: &str) -> String {
    page.split("<style>")
        .skip(1)
        .filter_map(|s| s.split("</style>").next())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The styles page `id` of the site in `dir` is shown with: the site's stylesheet, which every
/// page of a site links to (and only that one: a page's own `<style>` holds what is its own),
/// then its own.
fn page_styles(ws: &TempWorkspace, dir: &str, id: &str) -> String {
    let page = read(ws, &format!("{dir}/{id}.html"));
    let links = page.matches("<link rel=\"stylesheet\"").count();
    assert_eq!(links, 1, "{dir}/{id}.html links one stylesheet");
    assert!(
        page.contains(r#"<link rel="stylesheet" href="style.css" />"#),
        "{id}"
    );
    format!(
        "{}\n{}",
        read(ws, &format!("{dir}/style.css")),
        styles(&page)
    )
}

#[test]
fn the_signature_table_has_no_percentage_column_widths_and_the_tags_are_tinted() {
    let ws = signed_examples();
    let (code, err) = site(&ws, "site", false);
    assert_eq!(code, 0, "{err}");
    let css = page_styles(&ws, "site", "icb-ecc-adult-social-care");
    for rule in css.split('}') {
        let Some((selector, body)) = rule.split_once('{') else {
            continue;
        };
        // The register's own table (`table.register`, on index.html) sets its column widths
        // from 768 px up and has its own phone layout; this is about agreement pages' tables.
        let register = selector.contains("table.register");
        if !register && (selector.contains("signature-table") || selector.contains("nth-child")) {
            assert!(
                !(body.contains("width") && body.contains('%')),
                "a percentage width on the signature table overrides the phone cards: {rule}"
            );
            assert!(!body.contains("table-layout: fixed"), "{rule}");
        }
    }
    // Each state and signature status is a tag with a background of its own, not a text colour
    // on a shared grey pill; the urgent ones are solid, with white text.
    for class in [
        ".state-active",
        ".state-expiring",
        ".state-signatures-invalid",
        ".state-expired",
        ".status-valid",
        ".status-missing",
        ".status-invalid",
    ] {
        let rules: Vec<&str> = css
            .split('}')
            .filter(|r| r.split_once('{').is_some_and(|(s, _)| s.contains(class)))
            .collect();
        assert!(!rules.is_empty(), "{class} is defined");
        assert!(
            rules.iter().any(|r| r
                .split_once('{')
                .is_some_and(|(_, b)| b.contains("background"))),
            "{class} has no background: {rules:?}"
        );
    }
    let urgent = css
        .split('}')
        .find(|r| r.contains(".state-signatures-invalid"))
        .unwrap();
    assert!(urgent.contains("color: #fff"), "{urgent}");
}

#[test]
fn the_full_rendition_is_marked_not_for_publication_and_the_public_one_public() {
    let ws = signed_examples();
    assert_eq!(site(&ws, "full", false).0, 0);
    assert_eq!(site(&ws, "public", true).0, 0);
    for id in example_ids() {
        let full = read(&ws, &format!("full/{id}.html"));
        let public = read(&ws, &format!("public/{id}.html"));
        // On screen, at the top of the page.
        let mark = full
            .find("<strong>Full rendition — not for publication.</strong>")
            .unwrap_or_else(|| panic!("{id}: the full rendition is marked"));
        assert!(mark < full.find("<h1>").unwrap(), "{id}: above the title");
        assert!(public.contains("<strong>Public version.</strong>"), "{id}");
        assert!(!public.contains("not for publication"), "{id}");
        // On every printed page: @page margin boxes (the text escaped as CSS: the dash is
        // \2014), with the page number and the reference and version.
        let css = page_styles(&ws, "full", &id);
        for box_name in ["@top-right", "@bottom-left"] {
            let at = css
                .find(box_name)
                .unwrap_or_else(|| panic!("{id}: {box_name}"));
            let rule = &css[at..at + css[at..].find('}').unwrap()];
            assert!(
                rule.contains(r#""Full rendition \2014  not for publication""#),
                "{id}: {rule}"
            );
        }
        let css = page_styles(&ws, "public", &id);
        assert!(
            css.contains(r#"@top-right { content: "Public version""#),
            "{id}"
        );
        assert!(!css.contains("not for publication"), "{id}");
        for css in [
            page_styles(&ws, "full", &id),
            page_styles(&ws, "public", &id),
        ] {
            assert!(
                css.contains(r#"content: "Page " counter(page) " of " counter(pages)"#),
                "{id}: page numbers"
            );
            let at = css
                .find("@top-left { content: \"")
                .expect("reference and version");
            let top_left = &css[at..at + css[at..].find(';').unwrap()];
            assert!(
                top_left.contains(", version 1\"") || top_left.contains(", version 2\""),
                "{id}: {top_left}"
            );
        }
        // The Markdown carries the same marks.
        let md = read(&ws, &format!("full/{id}.md"));
        assert!(
            md.starts_with("> **Full rendition — not for publication.**"),
            "{id}"
        );
        let md = read(&ws, &format!("public/{id}.md"));
        assert!(md.starts_with("> **Public version.**"), "{id}");
    }
}

/// The values of `attr="..."` in `text`, in order.
fn attrs<'a>(text: &'a str, attr: &str) -> Vec<&'a str> {
    let key = format!("{attr}=\"");
    text.match_indices(&key)
        .map(|(at, _)| {
            let rest = &text[at + key.len()..];
            &rest[..rest.find('"').unwrap()]
        })
        .collect()
}

#[test]
fn the_contents_list_links_every_section_and_the_skip_link_targets_main() {
    let ws = signed_examples();
    assert_eq!(site(&ws, "full", false).0, 0);
    assert_eq!(site(&ws, "public", true).0, 0);
    for dir in ["full", "public"] {
        for id in example_ids() {
            let page = read(&ws, &format!("{dir}/{id}.html"));
            let sections: Vec<String> = page
                .match_indices("<section id=\"")
                .map(|(at, _)| {
                    let rest = &page[at + 13..];
                    rest[..rest.find('"').unwrap()].to_string()
                })
                .collect();
            assert!(sections.len() >= 15, "{dir}/{id}: {sections:?}");
            let start = page
                .find("<nav class=\"contents\"")
                .unwrap_or_else(|| panic!("{dir}/{id} has a contents list"));
            let nav = &page[start..start + page[start..].find("</nav>").unwrap()];
            let links: Vec<String> = attrs(nav, "href")
                .into_iter()
                .map(|h| {
                    h.strip_prefix('#')
                        .expect("links within the page")
                        .to_string()
                })
                .collect();
            assert_eq!(links, sections, "{dir}/{id}: contents, in order");
            assert!(start < page.find("<section").unwrap(), "{dir}/{id}");

            // The skip link is the first thing in the body and targets main, which holds the
            // title and the key facts.
            let body = &page[page.find("<body>").unwrap() + 6..];
            assert!(
                body.trim_start()
                    .starts_with(r##"<a class="skip-link" href="#main">Skip to main content</a>"##),
                "{dir}/{id}"
            );
            let main = page.find("<main id=\"main\">").expect("main has the id");
            assert!(
                main < page.find("<h1>").unwrap(),
                "{dir}/{id}: title in main"
            );
            assert!(
                main < page.find("<dl class=\"facts\"").unwrap(),
                "{dir}/{id}"
            );
        }
    }
}

#[test]
fn the_markdown_keeps_its_labels_and_every_table_has_a_header() {
    let ws = signed_examples();
    assert_eq!(site(&ws, "site", false).0, 0);
    for id in example_ids() {
        let md = read(&ws, &format!("site/{id}.md"));
        assert!(md.contains("- **Purpose: "), "{id}: Purpose label");
        assert!(md.contains("- **Frequency: "), "{id}: Frequency label");
        let lines: Vec<&str> = md.lines().collect();
        let mut tables = 0;
        for pair in lines.windows(2) {
            if pair[1].starts_with("|---") {
                tables += 1;
                let cells: Vec<&str> = pair[0]
                    .trim()
                    .trim_matches('|')
                    .split('|')
                    .map(str::trim)
                    .collect();
                assert!(
                    cells.iter().all(|c| !c.is_empty()),
                    "{id}: an empty table header: {}",
                    pair[0]
                );
            }
        }
        assert!(tables >= 4, "{id}: {tables} tables");
    }
}

#[test]
fn criminal_offence_data_is_not_called_special_category() {
    let ws = signed_examples();
    assert_eq!(site(&ws, "site", false).0, 0);
    let id = "mse-hospital-police-safeguarding";
    let html = read(&ws, &format!("site/{id}.html"));
    let md = read(&ws, &format!("site/{id}.md"));
    for (doc, cell) in [
        (
            &html,
            "<td data-label=\"Special category\">No: criminal offence data (UK GDPR Article 10)</td>",
        ),
        (&md, "| no: criminal offence data (UK GDPR Article 10) |"),
    ] {
        assert!(doc.contains(cell), "the item says what it is: {cell}");
        for line in doc
            .lines()
            .filter(|l| l.contains("Special category data shared"))
        {
            assert!(!line.contains("Criminal offence"), "{line}");
        }
        assert!(doc.contains(
            "Criminal offence data is shared (UK GDPR Article 10). It is not special category data"
        ),);
        assert!(!doc.contains("<td data-label=\"Special category\">Criminal offence data</td>"));
        assert!(!doc.contains("| Criminal offence data |"));
    }
}
