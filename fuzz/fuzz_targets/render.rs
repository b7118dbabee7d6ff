//! Arbitrary text in an agreement's clauses, rendered through the built-in templates: a valid
//! agreement always renders (Markdown and HTML, full and public), never panics, and the title
//! never reaches the HTML unescaped (its <title> and <h1> hold no raw markup).
#![no_main]

use datapact::register::Session;
use datapact::render::{Audience, Document, Format};
use datapact::templates::Templates;
use datapact::workspace::Workspace;
use libfuzzer_sys::fuzz_target;
use std::path::Path;

const ID: &str = "icb-ecc-adult-social-care";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let example = std::fs::read_to_string(repo.join(format!("agreements/{ID}.toml"))).unwrap();
    // The fuzzed text as the title and as the purpose, TOML-escaped.
    let quoted = format!("{text:?}").replace("\\'", "'");
    let agreement = example
        .replacen(
            "title = \"Sharing health information for integrated adult social care assessments\"",
            &format!("title = {quoted}"),
            1,
        );
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("datapact.toml"), "").unwrap();
    std::fs::create_dir(dir.path().join("agreements")).unwrap();
    let path = dir.path().join(format!("agreements/{ID}.toml"));
    std::fs::write(&path, agreement).unwrap();
    let ws = Workspace::open(std::fs::canonicalize(dir.path()).unwrap()).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let session = Session::new(ws, today).unwrap();
    let path = session.ws.agreements_dir().join(format!("{ID}.toml"));
    let assessed = session.assess_file(&path).unwrap();
    let Some(agreement) = &assessed.checked.agreement else {
        return;
    };
    if assessed.checked.has_errors() {
        return;
    }
    let templates = Templates::new(None);
    for audience in [Audience::Full, Audience::Public] {
        let doc = Document::new(&assessed, audience, today).unwrap();
        for format in [Format::Md, Format::Html] {
            let out = doc
                .render(&templates, format)
                .unwrap_or_else(|e| panic!("{format:?} {audience:?}: {}", e.message));
            if format == Format::Html {
                // The title is shown in <title> and <h1>: escaped, neither holds a raw `<`.
                for (open, close) in [("<title>", "</title>"), ("<h1>", "</h1>")] {
                    let start = out.find(open).map(|i| i + open.len()).unwrap_or(0);
                    let inner = &out[start..start + out[start..].find(close).unwrap_or(0)];
                    assert!(
                        !inner.contains('<') && !inner.contains('>'),
                        "the title reached the HTML unescaped in {open}: {:?} -> {inner:?}",
                        agreement.title
                    );
                }
            }
        }
    }
});
