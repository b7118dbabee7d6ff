//! Rendering under attack. `render --all` killed at random moments (`kill -9`): the site
//! folder is never left half written, never wedged (the next render works), and a public
//! render after a killed full one contains no full content, beside the site or in it
//! (`DATAPACT_KILL_RUNS=400` runs it hundreds of times by hand; CI runs a few dozen). And
//! template overrides are bounded in size and in work.

use crate::common::{TempWorkspace, dir_names};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// A personal e-mail address in the examples, shown in full renditions and never in public ones.
const PERSONAL: &str = "priya.shah@nhs.net";

fn render(ws: &TempWorkspace, public: bool) -> Command {
    let mut cmd = Command::new(assert_cmd::cargo::cargo_bin("datapact"));
    cmd.current_dir(ws.root())
        .env("XDG_CONFIG_HOME", ws.config_home.path())
        .env_remove("DATAPACT_TODAY")
        .args(["--today", "2026-12-01", "render", "--all", "--out", "site"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    if public {
        cmd.arg("--public");
    }
    cmd
}

/// The site as a reader sees it: absent, or whole (every page its manifest lists, and nothing
/// of ours besides them).
fn assert_whole_or_absent(site: &Path) {
    if !site.exists() {
        return;
    }
    let manifest = std::fs::read_to_string(site.join(".datapact-site"))
        .unwrap_or_else(|e| panic!("a site without its manifest ({e}): {:?}", dir_names(site)));
    let listed: Vec<&str> = manifest
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    let mut present = dir_names(site);
    present.retain(|n| n != ".datapact-site");
    let mut expected: Vec<String> = listed.iter().map(|s| s.to_string()).collect();
    expected.sort();
    assert_eq!(present, expected, "the site is not whole");
}

#[test]
fn a_killed_render_never_leaves_half_a_site_or_a_full_rendition_behind_a_public_one() {
    let runs: u64 = std::env::var("DATAPACT_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(24);
    let ws = TempWorkspace::init();
    ws.write_examples();
    // How long a whole full render takes here: kills land anywhere from the start to the end.
    let start = Instant::now();
    assert!(render(&ws, false).status().unwrap().success());
    let span = start.elapsed().as_micros().max(1000) as u64;
    std::fs::remove_dir_all(ws.root().join("site")).unwrap();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    for run in 0..runs {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let delay = (seed >> 33) % (span + span / 4);
        // Every other run starts from no site, so kills also land on a site's first render.
        if run % 2 == 0 {
            let _ = std::fs::remove_dir_all(ws.root().join("site"));
        }
        let mut child = render(&ws, false).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(delay));
        let _ = child.kill();
        let _ = child.wait();
        assert_whole_or_absent(&ws.root().join("site"));
        // The next render works, and a public one leaves no full content anywhere.
        let out = render(&ws, true).output().unwrap();
        assert!(
            out.status.success(),
            "run {run} (killed after {delay} us): {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_whole_or_absent(&ws.root().join("site"));
        for entry in walk(ws.root()) {
            if entry.starts_with(ws.root().join("agreements")) {
                continue;
            }
            let text = std::fs::read(&entry).unwrap_or_default();
            assert!(
                !String::from_utf8_lossy(&text).contains(PERSONAL),
                "run {run}: {} holds a full rendition after a public render",
                entry.display()
            );
        }
        let beside: Vec<String> = dir_names(ws.root())
            .into_iter()
            .filter(|n| n.contains("datapact-stage"))
            .collect();
        assert_eq!(
            beside,
            Vec::<String>::new(),
            "run {run}: leftovers beside the site"
        );
    }
}

/// Every file under `dir`, not following links.
fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let meta = std::fs::symlink_metadata(&path).unwrap();
        if meta.is_dir() {
            out.extend(walk(&path));
        } else if meta.is_file() {
            out.push(path);
        }
    }
    out
}

/// Template overrides are workspace input: a runaway loop stops with an error naming the
/// template, quickly, and the real documents need a small fraction of the allowance.
#[test]
fn a_runaway_template_runs_out_of_fuel_and_real_documents_need_a_hundredth_of_it() {
    let ws = TempWorkspace::init();
    ws.write_examples();
    ws.write(
        "templates/agreement.md.j2",
        "{% for i in range(100000) %}{% for j in range(100000) %}x{% endfor %}{% endfor %}\n",
    );
    let (code, _, err) = ws.run(&[
        "--today",
        "2026-12-01",
        "render",
        "icb-ecc-adult-social-care",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("templates/agreement.md.j2"), "{err}");
    assert!(err.contains("does too much work"), "{err}");
    // A template larger than the cap (1 MiB) is refused before it is read whole.
    ws.write(
        "templates/agreement.md.j2",
        "x".repeat(datapact::gate::MAX_TEXT_FILE_BYTES as usize + 1),
    );
    let (code, _, err) = ws.run(&[
        "--today",
        "2026-12-01",
        "render",
        "icb-ecc-adult-social-care",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("templates/agreement.md.j2"), "{err}");
    assert!(err.contains("larger than"), "{err}");

    // Every example, in every format and audience, renders on a hundredth of the fuel.
    use datapact::render::{Audience, Document, Format};
    let repo = crate::common::repo();
    let ws = datapact::workspace::Workspace::locate(Some(&repo)).unwrap();
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
    let session = datapact::register::Session::new(ws, today).unwrap();
    let templates =
        datapact::templates::Templates::new(None).with_fuel(datapact::templates::FUEL / 100);
    for path in session.ws.agreement_files().unwrap() {
        let assessed = session.assess_file(&path).unwrap();
        for audience in [Audience::Full, Audience::Public] {
            let doc = Document::new(&assessed, audience, today).unwrap();
            for format in [Format::Html, Format::Md] {
                doc.render(&templates, format)
                    .unwrap_or_else(|e| panic!("{} ({format:?}): {}", path.display(), e.message));
            }
        }
    }
}
