//! Step 9, the rendered site in a real browser (headless Chromium): no page of the example site,
//! full or public, clean or with a tampered agreement, nor any page of a register split into
//! pages per state, scrolls sideways at 320, 390, 768, 1024 or
//! 1280 px; the tamper warning is on the first screen at 390 x 800 and 1024 x 768; every state tag
//! has an opaque background of its own, different from every other state's and from the page's;
//! printing an agreement to PDF numbers its pages "Page N of M", one per page,
//! read back with `pdftotext`.
//!
//! The measuring is done by `tests/fixtures/browser/probe.html`, which loads each page in an
//! iframe of each size and writes what the browser's layout says as JSON into its DOM; `chromium
//! --dump-dom` prints it. A deliberately broken page (a 2000 px wide element) is measured with the
//! others and must be caught, so the probe cannot pass by measuring nothing.
//!
//! Without Chromium or poppler-utils the tests say "skipped" on stderr and pass, unless `CI` is
//! set: then they fail, naming what to install (docs/testing.md).

use crate::common;

use common::{SAFEGUARDING, TempWorkspace, example_ids, signed_examples, tamper_safeguarding};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const TODAY: &str = "2026-12-01";
/// The example `tamper_safeguarding` changes.
const TAMPERED: &str = SAFEGUARDING;
const PROBE: &str = include_str!("../fixtures/browser/probe.html");

/// Widths (with the viewport height each is measured at): a small phone, a common phone, a
/// tablet, a small laptop, a desktop.
const SIZES: [(u32, u32); 5] = [
    (320, 568),
    (390, 800),
    (768, 1024),
    (1024, 768),
    (1280, 800),
];
/// The sizes at which the tamper warning must be on the first screen.
const WARNING_SIZES: [(u32, u32); 2] = [(390, 800), (1024, 768)];

/// Every lifecycle state (`State::class` in src/lifecycle.rs): each tag's background differs from
/// every other state's (templates/style.css.j2), besides the state in words.
const STATES: [&str; 9] = [
    "active",
    "signed-not-yet-effective",
    "draft",
    "expiring",
    "review-due",
    "review-overdue",
    "expired",
    "invalid",
    "signatures-invalid",
];

/// A program on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// Chromium and poppler's `pdftotext` and `pdfinfo`; `None` (with a "skipped" line on stderr)
/// when one is missing outside CI. In CI (`CI` set) a missing tool fails the test.
fn tools(test: &str) -> Option<PathBuf> {
    let chromium = on_path("chromium").or_else(|| on_path("chromium-browser"));
    let missing: Vec<&str> = [
        ("chromium", chromium.is_some()),
        ("pdftotext", on_path("pdftotext").is_some()),
        ("pdfinfo", on_path("pdfinfo").is_some()),
    ]
    .into_iter()
    .filter(|(_, found)| !found)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        return chromium;
    }
    let what = format!(
        "{} not installed (Debian: apt-get install chromium poppler-utils fonts-liberation)",
        missing.join(", ")
    );
    if std::env::var_os("CI").is_some_and(|v| !v.is_empty()) {
        panic!("the browser tests need a real browser in CI: {what}");
    }
    eprintln!("skipped: {test}: {what}");
    None
}

/// Runs headless Chromium with `args` (a fresh profile in `scratch`), stopping it after a
/// minute; its standard output.
fn chromium(chromium: &Path, scratch: &Path, args: &[&str]) -> String {
    let profile = scratch.join(format!("profile-{}", args.len()));
    let out_path = scratch.join("chromium.out");
    let err_path = scratch.join("chromium.err");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-extensions",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap())
        .spawn()
        .expect("chromium starts");
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!(
                "chromium did not finish in a minute: {args:?}\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(
        status.success(),
        "chromium {args:?}: {status}\n{}",
        std::fs::read_to_string(&err_path).unwrap_or_default()
    );
    std::fs::read_to_string(&out_path).unwrap()
}

/// `render --all --out dir` (`--public` if asked), which must succeed.
fn site(ws: &TempWorkspace, dir: &str, public: bool) {
    let mut args = vec!["--today", TODAY, "render", "--all", "--out", dir];
    if public {
        args.push("--public");
    }
    let (code, _, err) = ws.run(&args);
    assert_eq!(code, 0, "render {dir}: {err}");
}

/// A colour Chromium computed (`rgb(r, g, b)` or `rgba(r, g, b, a)`) is fully transparent.
fn transparent(colour: &str) -> bool {
    colour == "transparent" || colour.starts_with("rgba(") && colour.ends_with(", 0)")
}

#[test]
fn no_page_scrolls_sideways_the_tamper_warning_is_on_the_first_screen_and_tags_differ() {
    let Some(chromium_path) = tools("browser_cli no_page_scrolls_sideways") else {
        return;
    };
    let ws = signed_examples();
    site(&ws, "full", false);
    site(&ws, "public", true);
    tamper_safeguarding(&ws);
    site(&ws, "tampered", false);
    site(&ws, "tampered-public", true);
    // A register split into pages (two agreements a page): the index and each state's pages.
    let settings = std::fs::read_to_string(ws.root().join("datapact.toml")).unwrap();
    let paged = settings.replacen(
        "timezone = \"Europe/London\"",
        "timezone = \"Europe/London\"\nregister_page_size = 2",
        1,
    );
    assert_ne!(settings, paged);
    ws.write("datapact.toml", paged);
    site(&ws, "paged", false);

    // The control: a copy of an agreement page with a 2000 px wide element, which the probe
    // must report as scrolling sideways at every width.
    let page = std::fs::read_to_string(ws.root().join("full/icb-ecc-adult-social-care.html"))
        .unwrap()
        .replacen(
            "<main id=\"main\">",
            "<main id=\"main\"><div id=\"too-wide\" style=\"width: 2000px\">wide</div>",
            1,
        );
    assert!(page.contains("too-wide"));
    ws.write("broken/too-wide.html", page);

    let mut pages = vec!["broken/too-wide.html".to_string()];
    for dir in ["full", "public", "tampered-public"] {
        pages.push(format!("{dir}/index.html"));
        for id in example_ids() {
            pages.push(format!("{dir}/{id}.html"));
        }
    }
    pages.push("tampered/index.html".to_string());
    pages.push(format!("tampered/{TAMPERED}.html"));
    let mut state_pages: Vec<String> = std::fs::read_dir(ws.root().join("paged"))
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with("register."))
        .map(|name| format!("paged/{name}"))
        .collect();
    state_pages.sort();
    assert!(state_pages.len() >= 3, "{state_pages:?}");
    pages.push("paged/index.html".to_string());
    pages.extend(state_pages);
    let states: Vec<&str> = STATES.to_vec();
    let plan = serde_json::json!({ "pages": pages, "sizes": SIZES, "states": states });
    ws.write(
        "probe.html",
        PROBE.replace("/*PLAN*/null", &plan.to_string()),
    );

    let started = Instant::now();
    let scratch = tempfile::tempdir().unwrap();
    let url = format!("file://{}", ws.root().join("probe.html").display());
    let dom = chromium(
        &chromium_path,
        scratch.path(),
        &[
            "--allow-file-access-from-files",
            "--virtual-time-budget=30000",
            "--dump-dom",
            &url,
        ],
    );
    let json = dom
        .split_once("RESULTS ")
        .and_then(|(_, rest)| rest.split_once(" END"))
        .map(|(json, _)| json)
        .unwrap_or_else(|| panic!("the probe wrote no results:\n{dom}"));
    let results: Vec<Value> = serde_json::from_str(json).unwrap();
    assert_eq!(
        results.len(),
        pages.len() * SIZES.len(),
        "every page at every size"
    );
    eprintln!(
        "browser_cli: {} pages at {} sizes measured in {:.1} s",
        pages.len(),
        SIZES.len(),
        started.elapsed().as_secs_f64()
    );

    let mut problems = Vec::new();
    let mut seen_states = std::collections::BTreeSet::new();
    for r in &results {
        let page = r["page"].as_str().unwrap();
        let (width, height) = (r["width"].as_u64().unwrap(), r["height"].as_u64().unwrap());
        let at = format!("{page} at {width} x {height}");
        assert!(r["error"].is_null(), "{at}: {}", r["error"]);
        let (scroll, client) = (
            r["scroll_width"].as_u64().unwrap(),
            r["client_width"].as_u64().unwrap(),
        );
        assert_eq!(client, width, "{at}: the viewport is the iframe's width");

        if page.starts_with("broken/") {
            // The control is caught, and the element named.
            assert!(scroll >= 2000, "{at}: the probe misses a 2000 px element");
            assert!(
                r["wide"].to_string().contains("div#too-wide"),
                "{at}: {}",
                r["wide"]
            );
            continue;
        }
        if scroll > client {
            problems.push(format!(
                "{at}: scrolls sideways ({scroll} px of content in {client} px); sticking out: {}",
                r["wide"]
            ));
        }
        // Text renders (fonts are installed): the title has a width and a height.
        let title = &r["title_size"];
        assert!(
            title[0].as_u64().unwrap() > 100 && title[1].as_u64().unwrap() > 15,
            "{at}: the title has no size ({title}): are fonts installed?"
        );

        // The tamper warning: only on the tampered agreement, and within the first screen.
        let tampered = page.starts_with("tampered") && page.ends_with(&format!("/{TAMPERED}.html"));
        let alert = &r["alert"];
        if !tampered {
            assert!(alert.is_null(), "{at}: a warning without cause: {alert}");
        } else {
            assert!(
                alert["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("do not rely on it")),
                "{at}: the tampered page warns: {alert}"
            );
            let bottom = alert["bottom"].as_f64().unwrap();
            eprintln!("browser_cli: {at}: the tamper warning ends at {bottom:.0} px");
            if WARNING_SIZES.contains(&(width as u32, height as u32)) && bottom > height as f64 {
                problems.push(format!(
                    "{at}: the tamper warning ends at {bottom:.0} px, below the first screen"
                ));
            }
        }

        // The tags the page shows: opaque, and drawn as their state's tag is.
        let page_background = r["page_background"].as_str().unwrap();
        for tag in r["tags"].as_array().unwrap() {
            let class = tag["class"].as_str().unwrap();
            let state = class
                .split_whitespace()
                .find_map(|c| c.strip_prefix("state-"))
                .unwrap_or_else(|| panic!("{at}: a tag without its state: {class}"));
            seen_states.insert(state.to_string());
            let expected = &r["states"][state];
            assert!(!expected.is_null(), "{at}: an unknown state {state}");
            assert_eq!(tag["background"], expected["background"], "{at}: {class}");
        }
        // One tag per state: an opaque background, not the page's, its text a different colour,
        // and no two states alike.
        for (i, state) in STATES.iter().enumerate() {
            let tag = &r["states"][state];
            let background = tag["background"].as_str().unwrap();
            assert!(!transparent(background), "{at}: {state} tag: {tag}");
            assert_ne!(background, page_background, "{at}: {state} tag: {tag}");
            assert_ne!(tag["color"], tag["background"], "{at}: {state} tag: {tag}");
            for other in &STATES[i + 1..] {
                assert_ne!(
                    r["states"][other]["background"], tag["background"],
                    "{at}: the {state} and {other} tags look alike"
                );
            }
        }
    }
    // The example site shows these states; the tampered one its urgent tag.
    for state in ["active", "review-due", "signatures-invalid"] {
        assert!(seen_states.contains(state), "{state}: {seen_states:?}");
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The text of each page of a PDF (pdftotext separates pages with form feeds), and the page
/// count `pdfinfo` gives.
fn pdf_pages(pdf: &Path) -> (Vec<String>, usize) {
    let out = Command::new("pdfinfo").arg(pdf).output().unwrap();
    assert!(out.status.success(), "pdfinfo {}", pdf.display());
    let info = String::from_utf8(out.stdout).unwrap();
    let count: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .expect("pdfinfo gives the page count")
        .trim()
        .parse()
        .unwrap();
    let out = Command::new("pdftotext")
        .args([pdf, Path::new("-")])
        .output()
        .unwrap();
    assert!(out.status.success(), "pdftotext {}", pdf.display());
    let text = String::from_utf8(out.stdout).unwrap();
    let mut pages: Vec<String> = text.split('\u{c}').map(str::to_string).collect();
    if pages.last().is_some_and(|p| p.trim().is_empty()) {
        pages.pop();
    }
    (pages, count)
}

/// Every "Page N of M" in `text`.
fn page_numbers(text: &str) -> Vec<String> {
    let digits = |s: &str| s.len() - s.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    text.match_indices("Page ")
        .filter_map(|(at, _)| {
            let rest = &text[at + 5..];
            let n = digits(rest);
            let after = rest[n..].strip_prefix(" of ")?;
            let m = digits(after);
            (n > 0 && m > 0).then(|| format!("Page {} of {}", &rest[..n], &after[..m]))
        })
        .collect()
}

#[test]
fn printing_an_agreement_to_pdf_numbers_every_page() {
    let Some(chromium_path) = tools("browser_cli printing_an_agreement_to_pdf") else {
        return;
    };
    let ws = signed_examples();
    site(&ws, "full", false);
    site(&ws, "public", true);
    let scratch = tempfile::tempdir().unwrap();
    let id = "icb-ecc-adult-social-care";
    for (dir, marking) in [
        ("full", "Full rendition — not for publication"),
        ("public", "Public version"),
    ] {
        let pdf = scratch.path().join(format!("{dir}.pdf"));
        let url = format!(
            "file://{}",
            ws.root().join(format!("{dir}/{id}.html")).display()
        );
        chromium(
            &chromium_path,
            scratch.path(),
            &[
                "--no-pdf-header-footer",
                &format!("--print-to-pdf={}", pdf.display()),
                &url,
            ],
        );
        let (pages, count) = pdf_pages(&pdf);
        assert!(count >= 2, "{dir}: an agreement prints on several pages");
        assert_eq!(pages.len(), count, "{dir}: pdftotext reads every page");
        for (i, text) in pages.iter().enumerate() {
            let n = i + 1;
            let label = format!("Page {n} of {count}");
            assert_eq!(
                text.matches(&label).count(),
                1,
                "{dir}: page {n} says \"{label}\" once:\n{text}"
            );
            assert_eq!(
                page_numbers(text),
                vec![label.clone()],
                "{dir}: page {n} carries one page number"
            );
            assert!(
                text.contains(marking),
                "{dir}: page {n} is marked \"{marking}\""
            );
            assert!(
                text.contains(", version 1"),
                "{dir}: page {n} has the reference and version:\n{text}"
            );
        }
    }
}
