//! Step 9, the published register (`render --all` writes `index.html`), through the real
//! binary: counts per state at the top, each linking to its first row; words that follow the
//! state (a tampered agreement's signatures "do not match", never "awaiting"; no "review in N
//! days" for drafts or tampered agreements); the table region takes keyboard focus and is
//! labelled; no "Markdown" jargon; the bytes per row stay bounded; and a register larger than
//! `[workspace] register_page_size` is split into `index.html` (the most urgent) and pages per
//! state, so no page of a 10,000-agreement register is large; a file of the user's at a page's
//! name found while the site streams refuses the run with nothing written. Today is always
//! injected.

use crate::common;

use common::{TempWorkspace, signed_examples};

const TODAY: &str = "2026-12-01";
const EXAMPLE: &str = include_str!("../../agreements/icb-ecc-adult-social-care.toml");

/// The register of `ws`, rendered with `extra` flags.
fn register(ws: &TempWorkspace, extra: &[&str]) -> String {
    let mut args = vec!["--today", TODAY, "render", "--all", "--out", "site"];
    args.extend_from_slice(extra);
    let (code, _, err) = ws.run(&args);
    assert_eq!(code, 0, "{err}");
    std::fs::read_to_string(ws.root().join("site/index.html")).unwrap()
}

/// The `<tr>` of the agreement whose page is `id.html`.
fn row<'a>(index: &'a str, id: &str) -> &'a str {
    let at = index
        .find(&format!("href=\"{id}.html\""))
        .unwrap_or_else(|| panic!("no row for {id}:\n{index}"));
    let start = index[..at].rfind("<tr").unwrap();
    let end = at + index[at..].find("</tr>").unwrap();
    &index[start..end]
}

/// Examples signed as in the repository, one of them changed after signing (tampered) and a
/// new unsigned copy of it (a draft).
fn tampered_and_draft() -> TempWorkspace {
    let ws = signed_examples();
    let file = "agreements/icb-ecc-adult-social-care.toml";
    let text = std::fs::read_to_string(ws.root().join(file)).unwrap();
    ws.write(
        file,
        text.replace("social care practitioner", "social care worker"),
    );
    ws.write(
        "agreements/draft-copy.toml",
        EXAMPLE.replace("id = \"icb-ecc-adult-social-care\"", "id = \"draft-copy\""),
    );
    ws
}

#[test]
fn counts_per_state_link_to_their_first_row() {
    let ws = tampered_and_draft();
    let index = register(&ws, &[]);
    for (state, count) in [
        ("signatures-invalid", 1),
        ("review-due", 1),
        ("draft", 1),
        ("active", 4),
    ] {
        let link = format!("<a href=\"#state-{state}\">");
        let at = index
            .find(&link)
            .unwrap_or_else(|| panic!("no count for {state}:\n{index}"));
        let item = &index[at..at + index[at..].find("</li>").unwrap()];
        assert!(item.contains(&format!("<b>{count}</b>")), "{item}");
        assert_eq!(
            index.matches(&format!("id=\"state-{state}\"")).count(),
            1,
            "one anchor for {state}"
        );
    }
    // The anchor is on the state's first row, most urgent first: the tampered one leads.
    let first = &index[index.find("<tbody>").unwrap()..];
    assert!(
        first.starts_with("<tbody>\n<tr id=\"state-signatures-invalid\">"),
        "{first}"
    );
    assert!(
        !index.contains("#state-expired"),
        "no count for an absent state"
    );
}

#[test]
fn a_tampered_row_says_its_signatures_do_not_match_and_drafts_name_no_review() {
    let ws = tampered_and_draft();
    let index = register(&ws, &[]);
    let tampered = row(&index, "icb-ecc-adult-social-care");
    assert!(tampered.contains("Signatures not valid"), "{tampered}");
    assert!(
        tampered.contains("signatures do not match the current text"),
        "{tampered}"
    );
    assert!(!tampered.contains("awaiting"), "{tampered}");
    assert!(tampered.contains("to be signed again"), "{tampered}");
    let draft = row(&index, "draft-copy");
    assert!(draft.contains("Draft"), "{draft}");
    assert!(draft.contains("0 of 2 signed"), "{draft}");
    for r in [tampered, draft] {
        assert!(!r.contains("review in"), "{r}");
        assert!(!r.contains("review today"), "{r}");
        assert!(!r.contains("overdue"), "{r}");
    }
    // An agreement in force still shows its next date.
    let due = row(&index, "mse-hospital-police-safeguarding");
    assert!(due.contains("review in 62 days"), "{due}");
}

#[test]
fn the_table_region_takes_keyboard_focus_with_a_label() {
    let ws = signed_examples();
    let index = register(&ws, &[]);
    let wrap = "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-labelledby=\"register-caption\">";
    assert!(index.contains(wrap), "{index}");
    assert!(
        index.contains("<caption id=\"register-caption\">Agreements, most urgent first</caption>"),
        "{index}"
    );
    // The row header is the title alone: no summary re-read with every cell.
    let r = row(&index, "icb-ecc-adult-social-care");
    let header = &r[r.find("<th scope=\"row\">").unwrap()..r.find("</th>").unwrap()];
    assert!(!header.contains("share the health information"), "{header}");
}

#[test]
fn the_public_register_has_no_markdown_jargon() {
    let ws = signed_examples();
    for extra in [&[][..], &["--public"][..]] {
        let index = register(&ws, extra);
        assert!(!index.contains(">Markdown<"), "{index}");
        assert!(!index.contains(".md\""), "{index}");
    }
}

/// The bytes a register of `n` generated unsigned agreements (copies of an example) takes.
fn register_bytes(n: usize) -> usize {
    let ws = TempWorkspace::init();
    for i in 0..n {
        let id = format!("agreement-{i:05}");
        ws.write(
            &format!("agreements/{id}.toml"),
            EXAMPLE.replace(
                "id = \"icb-ecc-adult-social-care\"",
                &format!("id = \"{id}\""),
            ),
        );
    }
    register(&ws, &[]).len()
}

/// A register row of an unsigned agreement (a 72-character title, two organisations, a draft
/// badge and "0 of 2 signed") stays within 360 bytes, so 10,000 such drafts make a page of
/// about 3.6 MB and 10,000 signed ones (about 315 bytes a row) about 3.2 MB, against 15 MB
/// before (docs/rendering.md has the measured numbers).
#[test]
fn bytes_per_row_stay_bounded() {
    let (small, large) = (register_bytes(2), register_bytes(42));
    let per_row = (large - small) / 40;
    assert!(per_row > 200, "rows are there: {per_row} bytes each");
    assert!(per_row <= 360, "{per_row} bytes a row");
    assert!(small < 20_000, "the page without rows: {small} bytes");
}

/// Sets `[workspace] register_page_size` in the workspace's settings.
fn set_page_size(ws: &TempWorkspace, size: &str) {
    let settings: String = std::fs::read_to_string(ws.root().join("datapact.toml"))
        .unwrap()
        .lines()
        .filter(|line| !line.starts_with("register_page_size"))
        .map(|line| format!("{line}\n"))
        .collect();
    let changed = settings.replacen(
        "timezone = \"Europe/London\"",
        &format!("timezone = \"Europe/London\"\nregister_page_size = {size}"),
        1,
    );
    assert_ne!(settings, changed, "the settings have a timezone line");
    ws.write("datapact.toml", changed);
}

/// The agreement pages a register page lists, in order.
fn listed(page: &str) -> Vec<String> {
    page.split("<th scope=\"row\"><a href=\"")
        .skip(1)
        .map(|rest| rest[..rest.find(".html\"").unwrap()].to_string())
        .collect()
}

#[test]
fn a_register_larger_than_a_page_gets_a_page_per_state() {
    let ws = tampered_and_draft();
    set_page_size(&ws, "2");
    let index = register(&ws, &[]);
    let site = |name: &str| std::fs::read_to_string(ws.root().join("site").join(name)).unwrap();

    // The index: every count, the two most urgent agreements, and links to each state's list.
    assert_eq!(
        listed(&index),
        [
            "icb-ecc-adult-social-care",
            "mse-hospital-police-safeguarding"
        ]
    );
    assert!(
        index.contains("This page lists the 2 most urgent of the 7 agreements."),
        "{index}"
    );
    assert!(
        index.contains("Filter the agreements on this page"),
        "{index}"
    );
    for state in ["signatures-invalid", "review-due", "draft", "active"] {
        assert!(
            index.contains(&format!("<a href=\"register.{state}.html\">")),
            "{state}: {index}"
        );
    }

    // Each state's pages list its agreements, at most two a page, every agreement once.
    let mut everything = Vec::new();
    for (name, state, rows) in [
        ("register.signatures-invalid.html", "signatures-invalid", 1),
        ("register.review-due.html", "review-due", 1),
        ("register.draft.html", "draft", 1),
        ("register.active.html", "active", 2),
        ("register.active.2.html", "active", 2),
    ] {
        let page = site(name);
        let ids = listed(&page);
        assert_eq!(ids.len(), rows, "{name}: {ids:?}");
        assert!(
            page.contains(&format!(
                "<a href=\"register.{state}.html\" aria-current=\"page\">"
            )),
            "{name} marks its state's count as the current page"
        );
        assert!(page.contains("<a href=\"index.html\">"), "{name}");
        everything.extend(ids);
    }
    everything.sort();
    everything.dedup();
    assert_eq!(everything.len(), 7, "{everything:?}");
    let second = site("register.active.2.html");
    assert!(
        second.contains("Active: 4 agreements, 3 to 4 on this page"),
        "{second}"
    );
    assert!(
        second.contains("<a href=\"register.active.2.html\" aria-current=\"page\">2</a>"),
        "{second}"
    );
    assert!(
        second.contains("<a href=\"register.active.html\">1</a>"),
        "{second}"
    );
    assert!(!site("register.draft.html").contains("class=\"parts\""));
    assert!(!ws.root().join("site/register.active.3.html").exists());
    let manifest = site(".datapact-site");
    assert!(
        manifest.contains("\nregister.active.2.html\n"),
        "{manifest}"
    );

    // Back to one page: the state pages go, and the counts link to the rows again.
    set_page_size(&ws, "1000");
    let index = register(&ws, &[]);
    assert_eq!(listed(&index).len(), 7);
    assert!(index.contains("<a href=\"#state-active\">"), "{index}");
    assert!(!index.contains("most urgent of the"), "{index}");
    assert!(!ws.root().join("site/register.active.html").exists());
    assert!(!ws.root().join("site/register.active.2.html").exists());
}

#[test]
fn a_page_size_out_of_range_is_refused() {
    for size in ["0", "5001"] {
        let ws = signed_examples();
        set_page_size(&ws, size);
        let (code, _, err) = ws.run(&["--today", TODAY, "render", "--all", "--out", "site"]);
        assert_eq!(code, 2, "{size}: {err}");
        assert!(err.contains("datapact.toml:9:22:"), "{size}: {err}");
        assert!(err.contains("register_page_size is"), "{size}: {err}");
        assert!(!ws.root().join("site").exists());
    }
}

/// Every file in `dir` with its contents, by name.
fn contents(dir: &std::path::Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

/// Step 10: `render --all` streams, writing each agreement's pages into its staging folder as
/// the agreement is assessed. A file of the user's at the name of a page found on the way (an
/// agreement's, or a register state page, known only once every agreement is assessed) still
/// refuses the run (exit 2) with the site unchanged and no staging folder left beside it.
#[test]
fn a_taken_name_found_mid_stream_publishes_nothing() {
    let ws = tampered_and_draft();
    register(&ws, &[]);
    let site = ws.root().join("site");
    let leftovers = || {
        std::fs::read_dir(ws.root())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.contains("datapact-stage"))
            .collect::<Vec<_>>()
    };
    // A register state page: written only once the register has more than a page.
    std::fs::write(site.join("register.active.2.html"), "mine").unwrap();
    set_page_size(&ws, "2");
    let before = contents(&site);
    let (code, _, err) = ws.run(&["--today", TODAY, "render", "--all", "--out", "site"]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("register.active.2.html already exists"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(contents(&site), before, "refused, yet the site changed");
    assert_eq!(leftovers(), Vec::<String>::new());
    std::fs::remove_file(site.join("register.active.2.html")).unwrap();

    // An agreement's Markdown file, in the middle of the agreements.
    ws.write(
        "agreements/late-copy.toml",
        EXAMPLE.replace("id = \"icb-ecc-adult-social-care\"", "id = \"late-copy\""),
    );
    std::fs::write(site.join("late-copy.md"), "mine").unwrap();
    let before = contents(&site);
    let (code, _, err) = ws.run(&["--today", TODAY, "render", "--all", "--out", "site"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("late-copy.md already exists"), "{err}");
    assert_eq!(contents(&site), before, "refused, yet the site changed");
    assert_eq!(leftovers(), Vec::<String>::new());

    // Moved away, the site renders.
    std::fs::remove_file(site.join("late-copy.md")).unwrap();
    register(&ws, &[]);
    assert!(site.join("late-copy.html").is_file());
    assert!(site.join("late-copy.md").is_file());
    assert!(site.join("register.active.2.html").is_file());
}

/// Step 10: whole-workspace passes validate files in batches (`agreement::BATCH`), each thread
/// a batch in a row before mapping them: every file of every batch still gets one result, and
/// every agreement its pages, with more files than fit in two batches.
#[test]
fn every_file_of_every_batch_is_checked_and_rendered() {
    let ws = TempWorkspace::new();
    let ids: Vec<String> = (0..75).map(|i| format!("batch-{i:03}")).collect();
    for id in &ids {
        ws.write(
            &format!("agreements/{id}.toml"),
            EXAMPLE.replace(
                "id = \"icb-ecc-adult-social-care\"",
                &format!("id = \"{id}\""),
            ),
        );
    }
    let (code, out, err) = ws.run(&["--today", TODAY, "status", "--format", "json"]);
    assert!(code <= 1, "{err}");
    let status: serde_json::Value = serde_json::from_str(&out).unwrap();
    let mut listed: Vec<&str> = status["agreements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    listed.sort_unstable();
    assert_eq!(listed, ids, "one row a file");
    let index = register(&ws, &[]);
    for id in &ids {
        assert_eq!(
            index.matches(&format!("href=\"{id}.html\"")).count(),
            1,
            "{id}"
        );
        assert!(ws.root().join(format!("site/{id}.html")).is_file(), "{id}");
        assert!(ws.root().join(format!("site/{id}.md")).is_file(), "{id}");
    }
}
