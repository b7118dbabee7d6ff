//! `datapact check`: the gate CI runs. One pass over the workspace: validation, signature
//! verification and review/expiry dates, reported in a format CI systems understand.

use crate::diagnostics::Finding;
use crate::error::{Outcome, Result};
use crate::lifecycle;
use crate::register::Assessment;
use crate::report::{FileReport, Format};
use crate::rules::{self, Family};
use crate::signing::in_force::Earlier;
use crate::workspace::Workspace;

pub use super::validate::FailOn;

/// Check every agreement: validation, signatures and review/expiry dates (the CI gate).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact check                              # the CI gate: validation, signatures, dates
  datapact check --format github --fail-on warning   # in GitHub Actions, failing on warnings
  datapact check --require-signed --history   # every agreement signed; the history too
  datapact check --summary                    # one line per file: errors, warnings, top codes")]
pub struct Args {
    /// Agreement ids or files; default: every agreement.
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// One line per file (its errors, warnings and most frequent codes) instead of every finding:
    /// the same as `--format summary`.
    #[arg(long, conflicts_with = "format")]
    pub summary: bool,
    /// Fail (exit 1) on findings of this severity or worse.
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    pub fail_on: FailOn,
    /// The same as `--fail-on warning` (the name `validate` once used), kept so scripts work.
    #[arg(long, hide = true)]
    pub deny_warnings: bool,
    /// Treat an agreement that is not fully signed as an error (DP306).
    #[arg(long)]
    pub require_signed: bool,
    /// Also check the current branch's git history (DP4xx): rollbacks, content changed after
    /// signing, removed signatures, broken chains, bad signatures, trust store changes.
    #[arg(long)]
    pub history: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

/// Every family of checks `check` runs.
pub const FAMILIES: &[Family] = &[
    Family::File,
    Family::Structure,
    Family::Content,
    Family::Signatures,
    Family::Expiry,
];

/// All findings for one assessed agreement.
pub fn findings_of(ws: &Workspace, a: &Assessment, require_signed: bool) -> Vec<Finding> {
    let mut findings = a.checked.findings.clone();
    if let Some(sigs) = &a.signatures {
        // Missing signatures are summarised by the state (and DP306 with --require-signed);
        // a draft is normal, so they are not findings of the gate.
        // A misfiled copy's DP008 is already reported by validation: once is enough.
        findings.extend(
            sigs.findings
                .iter()
                .filter(|f| f.rule != &rules::signatures::SIGNATURE_MISSING)
                .filter(|f| {
                    f.rule != &rules::structure::ID_MISMATCH
                        || !a.checked.findings.iter().any(|c| c.rule == f.rule)
                })
                .cloned(),
        );
    }
    // The review statements of the version in force (invalid or incomplete reviews, stray files).
    findings.extend(a.review_findings().iter().cloned());
    if let (Some(standing), Some(agreement)) = (&a.standing, a.governing()) {
        let mut expiry = lifecycle::findings(
            &a.checked.source.display,
            agreement.id.as_str(),
            &a.checked.places(),
            &agreement.dates,
            standing,
            &ws.config.windows,
            require_signed,
            &a.missing_parties(),
        );
        // The dates of an earlier version in force are not the ones in the file: say whose
        // they are.
        if let Some(earlier) = a.earlier_in_force() {
            for f in &mut expiry {
                f.message = format!(
                    "v{} (in force; the current v{} awaits signatures): {}",
                    earlier.version,
                    earlier_pending(a),
                    f.message
                );
            }
        }
        // Why no earlier version is in force, when the history could not say.
        if let Some(Earlier::Unknown(reasons)) = &a.earlier {
            for f in &mut expiry {
                if f.rule == &rules::expiry::NOT_IN_FORCE
                    || f.rule == &rules::expiry::NOT_FULLY_SIGNED
                {
                    f.message = format!("{} ({})", f.message, reasons.join("; "));
                }
            }
        }
        findings.extend(ws.config.apply(expiry));
    }
    // The dates of signatures against the dates they sign (DP308-DP310), severities applied.
    findings.extend(a.date_findings.iter().cloned());
    findings
}

/// The current version, which awaits signatures while an earlier one is in force.
fn earlier_pending(a: &Assessment) -> u32 {
    a.checked.agreement.as_ref().map_or(0, |ag| ag.version)
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?;
    let (ws, trust) = (&session.ws, &session.trust);
    if args.targets.is_empty() {
        // The search for private keys below uses what the pass finds in the files it reads.
        crate::gate::note_private_keys();
    }
    // A whole-workspace run also looks for private keys wherever git would share them (DP220).
    // Listing those files is a walk of the work tree on one thread: it runs beside the
    // agreements' checks, and the files are searched once the checks have read theirs.
    let whole = args.targets.is_empty();
    let (results, workspace_wide) = rayon::join(
        || {
            session.map_assessed(&args.targets, |a| {
                // A family that could not run (an earlier stage failed) is reported skipped.
                let (families, skipped) = FAMILIES.iter().partition(|&&family| match family {
                    Family::Signatures => a.signatures.is_some(),
                    Family::Expiry => a.standing.is_some() && a.governing().is_some(),
                    _ => super::validate::validation_ran(&a.checked, family),
                });
                let report = FileReport {
                    file: a.checked.source.display.clone(),
                    agreement: a.checked.id(),
                    findings: findings_of(ws, &a, args.require_signed),
                    families,
                    skipped,
                };
                (report, a.checked.is_unreadable())
            })
        },
        // Entries of signatures/ that belong to no agreement, looked for first: the listing
        // of signatures/ it makes answers the pass's judgement of each agreement's folder there.
        || {
            whole.then(|| {
                (
                    crate::signing::verify::orphan_signature_entries(ws),
                    crate::signing::leaks::candidates(ws),
                )
            })
        },
    );
    let results = results?;
    let unreadable = results.iter().any(|(_, u)| *u);
    let mut reports: Vec<FileReport> = results.into_iter().map(|(r, _)| r).collect();
    // Problems in the trust store itself, one report per key file, entries of signatures/
    // that belong to no agreement, one report per entry, and private keys anywhere git would
    // share them (DP220), one report per file.
    // Signature entries of no agreement and private keys are looked for in whole-workspace
    // runs; a run on named agreements does not scan the workspace for them. Private keys
    // after the pass, when its listings and reads are there to use.
    let (orphans, leaks) = match workspace_wide {
        Some((orphans, candidates)) => (
            orphans,
            candidates
                .map(|tracked| crate::signing::leaks::scan(ws, tracked))
                .unwrap_or_default(),
        ),
        None => (Vec::new(), Vec::new()),
    };
    crate::gate::stop_noting();
    // Stray entries of agreements/ and an empty workspace (DP023, DP024), whole runs only.
    let layout = super::validate::workspace_reports(ws, &args.targets, reports.len());
    let mut by_file: std::collections::BTreeMap<&str, Vec<Finding>> = Default::default();
    for f in trust.findings.iter().chain(&orphans).chain(&leaks) {
        by_file.entry(f.file.as_str()).or_default().push(f.clone());
    }
    reports.extend(by_file.into_iter().map(|(file, findings)| FileReport {
        file: file.to_string(),
        agreement: None,
        findings,
        families: vec![Family::Signatures],
        skipped: Vec::new(),
    }));
    reports.extend(layout);
    if args.history {
        let mut audit = crate::history::audit::audit(ws, trust)?;
        for note in &audit.notes {
            crate::term::note(&format!("note: {note}"));
        }
        if !args.targets.is_empty() {
            audit.keep_only(&reports.iter().filter_map(|r| r.agreement.clone()).collect());
        }
        audit.add_to_reports(&mut reports);
    }
    let deny_warnings = args.fail_on == FailOn::Warning || args.deny_warnings;
    cx.finish_report(
        "check",
        super::report_format(args.format, args.summary),
        &reports,
        deny_warnings,
        unreadable,
        &ws.root,
        session.today,
    )
}
