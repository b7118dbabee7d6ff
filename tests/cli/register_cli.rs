//! Step 9, the published register (`render --all` writes `index.html`), through the real
//! binary: counts per state at the top, each linking to its first row; words that follow the
//! state (a tampered agreement's signatures "do not match", never "awaiting"; no "review in N
//! days" for drafts or tampered agreements); the table region takes keyboard focus and is
//! labelled; no "Markdown" jargon; and the bytes per row stay bounded, so that 10,000
//! agreements make a page of a few megabytes. Today is always injected.

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
