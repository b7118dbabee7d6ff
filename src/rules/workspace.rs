//! Catalogue entries for the workspace as a whole (DP023, DP024) and the scans that report them:
//! entries of `agreements/` that are not agreement files, and a workspace with no agreement at
//! all. Like the entries of `signatures/` that belong to no agreement
//! (`signing::verify::orphan_signature_entries`), they are looked for only by whole-workspace
//! runs of `validate` and `check`; a run on named agreements does not scan the workspace.

use crate::diagnostics::{Family, Finding, Position, Rule, Severity};
use crate::gate::{self, Kind};
use crate::workspace::{AGREEMENTS_DIR, Workspace};

pub static AGREEMENTS_STRAY_ENTRY: Rule = Rule {
    code: "DP023",
    name: "agreements-stray-entry",
    family: Family::Structure,
    default_severity: Severity::Warning,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards the register: a file or folder in agreements/ that is not read is easily taken for an agreement that is checked. A workspace may switch it off in `[rules]`.",
    applies: "to every entry of `agreements/` that is not a file `<id>.toml` (hidden entries such as `.gitkeep` excepted), in whole-workspace runs of `validate` and `check`",
    summary: "An entry of `agreements/` is not read: a folder (such as `archive/`), a file with another extension (`README.md`), or an agreement whose extension is not written `.toml` in lower case (`x.TOML`). Nothing in it is validated, signed or listed.",
    hint: "move it out of agreements/ (git history keeps withdrawn agreements), or rename an agreement file to end in `.toml`",
    source: "Design: agreements/ holds only agreement files, so that what the register lists is everything there is.",
};

pub static NO_AGREEMENTS: Rule = Rule {
    code: "DP024",
    name: "no-agreements",
    family: Family::Structure,
    default_severity: Severity::Error,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards the CI gate: a check that passes on an empty or wrongly pointed workspace checks nothing. A workspace that is empty on purpose (just initialised) may relax it in `[rules]`.",
    applies: "to whole-workspace runs of `validate` and `check` when `agreements/` holds no `<id>.toml` file or does not exist",
    summary: "The workspace has no agreement files, so nothing was checked.",
    hint: "check that the run points at the right workspace (`-C DIR`) and that agreements are in agreements/ as `<id>.toml`; in a workspace that is empty on purpose, set `DP024 = \"warning\"` under `[rules]` in datapact.toml",
    source: "CI practice: a gate that passes when it found nothing to check hides a mis-pointed or emptied workspace.",
};

/// The workspace rules, in code order.
pub static RULES: &[&Rule] = &[&AGREEMENTS_STRAY_ENTRY, &NO_AGREEMENTS];

/// The findings about the workspace as a whole (`agreements` is how many agreement files the run
/// found): DP023 for each entry of `agreements/` that is not an agreement file, DP024 when there
/// is no agreement. Severities as the rule's defaults; the caller applies `[rules]`.
pub fn findings(ws: &Workspace, agreements: usize) -> Vec<Finding> {
    let dir = ws.agreements_dir();
    let mut findings: Vec<Finding> = gate::list_dir_kinds(&ws.root, &dir)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(path, kind)| stray(ws, &path, kind))
        .collect();
    if agreements == 0 {
        let display = format!("{AGREEMENTS_DIR}/");
        let message = if gate::kind_of(&ws.root, &dir).ok() == Some(Kind::Dir) {
            format!("{display} holds no agreement file (<id>.toml): nothing was checked")
        } else {
            format!("there is no {display} folder in the workspace: nothing was checked")
        };
        findings.push(Finding::new(
            &NO_AGREEMENTS,
            &display,
            Position::START,
            message,
            NO_AGREEMENTS.hint,
        ));
    }
    findings
}

/// DP023 for one entry of `agreements/`, or `None` when it is an agreement file (`*.toml`, which
/// validation judges) or hidden (`.gitkeep`, a temporary file of an interrupted write).
fn stray(ws: &Workspace, path: &std::path::Path, kind: Kind) -> Option<Finding> {
    let name = path.file_name()?.to_string_lossy().into_owned();
    if name.starts_with('.') || name.ends_with(".toml") {
        return None;
    }
    let display = ws.display(path);
    let (what, hint) = match kind {
        Kind::Dir => (
            "a folder; nothing in a folder of agreements/ is read".to_string(),
            "move it out of agreements/ (withdrawn agreements stay in git history)".to_string(),
        ),
        _ if name.to_lowercase().ends_with(".toml") => {
            let stem = &name[..name.len() - ".toml".len()];
            (
                "not read: an agreement file's name ends in `.toml`, in lower case".to_string(),
                format!("rename it to {AGREEMENTS_DIR}/{stem}.toml"),
            )
        }
        _ => (
            "not an agreement file (<id>.toml) and is not read".to_string(),
            "move it out of agreements/; notes about the agreements belong beside the folder, not in it".to_string(),
        ),
    };
    Some(Finding::new(
        &AGREEMENTS_STRAY_ENTRY,
        &display,
        Position::START,
        format!("{display} is {what}"),
        hint,
    ))
}
