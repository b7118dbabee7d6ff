//! `datapact verify [ID]... [--format json] [--require-signed]`: for each agreement and each
//! party named in it, whether the current version is signed (by whom, with which key, when),
//! missing, or invalid with the reason. Exit 1 when any signature is invalid, or, with
//! `--require-signed` (as `check` names it; `--require-complete` is its former name), when any
//! agreement is not fully signed.

use crate::diagnostics::{Finding, Severity};
use crate::error::{Error, Outcome, Result};
use crate::signing::acceptance::Accepted;
use crate::signing::membership::Member;
use crate::signing::verify::{self, AgreementSignatures, PartyStatus, SignatureState};
use crate::signing::{facts, sshsig};
use crate::term::{self, escape};
use std::io::Write;

/// Verify the signatures on agreements.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact verify                             # who has signed which version of every agreement
  # exit 1 unless every party signed
  datapact verify icb-ecc-adult-social-care --require-signed
  datapact verify --history                   # and the branch's git history")]
pub struct Args {
    /// Agreement ids or files; default: every agreement in the workspace.
    #[arg(value_name = "ID|PATH")]
    pub targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Exit 1 unless every agreement is fully signed.
    #[arg(long, alias = "require-complete")]
    pub require_signed: bool,
    /// Also verify the current branch's git history (DP4xx): every version, statement and
    /// trust store change it ever held.
    #[arg(long)]
    pub history: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
}

/// One agreement's signatures, with the earlier version in force while the current one is not
/// fully signed.
#[derive(Debug, serde::Serialize)]
struct Verified {
    #[serde(flatten)]
    signatures: AgreementSignatures,
    /// The derived state, as `status` and `check` judge it (the one set of state values).
    state: crate::lifecycle::State,
    state_label: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    in_force: Option<EarlierInForce>,
    /// The members of the agreement's class parties (`datapact join`), those that left
    /// included: listed, never required, and not signatures of the agreement.
    members: Vec<Member>,
    /// The recorded acceptances of the current version (`datapact accept`): recorded, not
    /// signatures.
    acceptances: Vec<Accepted>,
}

/// An earlier version in force: its number, the digest its signatures cover, and the first
/// commit of the current branch with that text.
#[derive(Debug, serde::Serialize)]
struct EarlierInForce {
    version: u32,
    /// The parties that accepted that version rather than signing it (where the workspace
    /// counts acceptances).
    accepted_by: Vec<String>,
    sha256: String,
    commit: String,
    commit_date: chrono::NaiveDate,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?.states_only();
    let trust = &session.trust;
    // Entries of signatures/ that belong to no agreement are a whole-workspace finding: a run
    // on named agreements does not scan for them (it must not cost a scan of the workspace).
    let orphans = if args.targets.is_empty() {
        verify::orphan_signature_entries(&session.ws)
    } else {
        Vec::new()
    };
    // The same parallel pass as `check`: each file read, validated and verified once. A file
    // whose id, version and parties cannot be read at all stops the command (exit 2).
    let results: Vec<Verified> = session
        .map_assessed(&args.targets, |a| match &a.signatures {
            // The review statements of the version in force are judged with its signatures.
            Some(signatures) => Ok(Verified {
                state: a.state(),
                state_label: a.state().label(),
                in_force: a.earlier_in_force().map(|e| EarlierInForce {
                    version: e.version,
                    accepted_by: e
                        .acceptances
                        .valid
                        .iter()
                        .map(|x| x.party.clone())
                        .collect(),
                    sha256: e.signatures.sha256.clone(),
                    commit: e.commit.id.clone(),
                    commit_date: e.commit.time.date_naive(),
                }),
                signatures: {
                    let mut signatures = signatures.clone();
                    signatures
                        .findings
                        .extend(a.review_findings().iter().cloned());
                    signatures
                },
                members: a
                    .members
                    .as_ref()
                    .map(|m| m.members.clone())
                    .unwrap_or_default(),
                acceptances: a
                    .acceptances
                    .as_ref()
                    .map(|acc| acc.valid.clone())
                    .unwrap_or_default(),
            }),
            None => Err(facts::of_checked(&a.checked).err().unwrap_or_else(|| {
                Error::input(format!(
                    "{}: cannot read the agreement's signatures",
                    a.checked.source.display
                ))
            })),
        })?
        .into_iter()
        .collect::<Result<_>>()?;
    let mut history = match args.history {
        true => Some(crate::history::audit::audit(&session.ws, trust)?),
        false => None,
    };
    if let Some(history) = history.as_mut().filter(|_| !args.targets.is_empty()) {
        history.keep_only(
            &results
                .iter()
                .map(|r| r.signatures.agreement.clone())
                .collect(),
        );
    }
    for note in history.iter().flat_map(|h| &h.notes) {
        term::note(&format!("note: {note}"));
    }
    term::emit(|out| match args.format {
        VerifyFormat::Json => {
            let mut json = crate::report::Envelope::new("verify", Some(session.today)).with(
                serde_json::json!({
                    "namespace": sshsig::NAMESPACE,
                    "agreements": results,
                    "trust_store_findings": trust.findings,
                    "signatures_findings": orphans,
                }),
            );
            if let Some(history) = &history {
                json["history"] = serde_json::json!(history);
            }
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )
        }
        VerifyFormat::Human => {
            let top: Vec<Finding> = trust.findings.iter().chain(&orphans).cloned().collect();
            write_human(out, &results, &top)?;
            match &history {
                Some(history) => write_history(out, history),
                None => Ok(()),
            }
        }
    })?;
    // Every invalid party signature is also an error finding of its agreement.
    let invalid = results
        .iter()
        .flat_map(|r| &r.signatures.findings)
        .chain(&trust.findings)
        .any(|f| f.severity == Severity::Error);
    let incomplete = results
        .iter()
        .any(|r| r.signatures.state != SignatureState::Full);
    let history_errors = history.as_ref().is_some_and(|h| h.has_errors());
    Ok(Outcome::from_problems(
        invalid || history_errors || (args.require_signed && incomplete),
    ))
}

/// The history section: its problems, then every trust store change, one line each.
fn write_history(
    out: &mut dyn Write,
    history: &crate::history::audit::Audit,
) -> std::io::Result<()> {
    let trust_change = &crate::rules::history::HISTORY_TRUST_CHANGE;
    let head = history.head.as_ref().map_or_else(
        || "no commits yet".to_string(),
        |h| format!("HEAD {}", h.short()),
    );
    writeln!(
        out,
        "{} ({} of the current branch, {head})",
        term::paint(term::BOLD, "History"),
        crate::text::plural(history.commits, "commit", "commits"),
    )?;
    let problems: Vec<&Finding> = history
        .findings()
        .filter(|f| f.rule != trust_change)
        .collect();
    if problems.is_empty() {
        writeln!(
            out,
            "  {}",
            term::paint(term::GOOD, "no problems in history")
        )?;
    }
    for f in problems {
        write_finding(out, f)?;
    }
    writeln!(
        out,
        "{} ({})",
        term::paint(term::BOLD, "Trust store changes"),
        history.trust_changes.len()
    )?;
    for change in &history.trust_changes {
        writeln!(out, "  {}", escape(&change.describe()))?;
    }
    Ok(())
}

fn write_human(
    out: &mut dyn Write,
    results: &[Verified],
    workspace_findings: &[Finding],
) -> std::io::Result<()> {
    for f in workspace_findings {
        write_finding(out, f)?;
    }
    if results.is_empty() {
        writeln!(out, "No agreements to verify.")?;
    }
    for v in results {
        let r = &v.signatures;
        // A version history problem (rolled back, broken chain) makes even a full set of
        // signatures untrustworthy: never show it as plainly "fully signed".
        let errors = r
            .findings
            .iter()
            .filter(|f| f.severity == Severity::Error)
            .count();
        let state = match &r.state {
            SignatureState::Full if errors > 0 => term::paint(
                term::ERROR,
                &format!(
                    "{}, but with {} (below)",
                    r.state.label(),
                    crate::text::plural(errors, "signature error", "signature errors"),
                ),
            ),
            SignatureState::Full => term::paint(term::GOOD, r.state.label()),
            SignatureState::Partial { missing } => term::paint(
                term::WARNING,
                &format!(
                    "{} (not yet: {})",
                    r.state.label(),
                    escape(&missing.join(", "))
                ),
            ),
            SignatureState::Unsigned => term::paint(term::WARNING, r.state.label()),
            SignatureState::Invalid => term::paint(term::ERROR, r.state.label()),
        };
        // Every value below comes from a file (the agreement, a statement, the trust store):
        // escaped, so a control character in one cannot rewrite the lines around it.
        writeln!(
            out,
            "{} v{}: {state}",
            term::paint(term::BOLD, &escape(&r.agreement)),
            r.version
        )?;
        writeln!(out, "  {} sha256 {}", escape(&r.file), escape(&r.sha256))?;
        if let Some(e) = &v.in_force {
            let agreed = if e.accepted_by.is_empty() {
                "fully signed".to_string()
            } else {
                format!(
                    "agreed by every party (accepted, not signed, by {})",
                    escape(&e.accepted_by.join(", "))
                )
            };
            writeln!(
                out,
                "  in force meanwhile: v{}, {agreed} (sha256 {}, committed {} in {})",
                e.version,
                escape(&e.sha256),
                e.commit_date,
                escape(e.commit.get(..12).unwrap_or(&e.commit))
            )?;
        }
        for p in &r.parties {
            match &p.status {
                PartyStatus::Signed {
                    key_id,
                    principal,
                    role,
                    signed_at,
                    ..
                } => writeln!(
                    out,
                    "  {} {}: signed by {} ({}) with {} at {}",
                    term::paint(term::GOOD, "ok     "),
                    escape(&p.party),
                    escape(principal),
                    escape(role),
                    escape(key_id),
                    escape(signed_at)
                )?,
                PartyStatus::Missing {
                    last_signed_version,
                } => {
                    let earlier = last_signed_version
                        .map(|v| format!(" (signed v{v})"))
                        .unwrap_or_default();
                    writeln!(
                        out,
                        "  {} {}: not signed{earlier}",
                        term::paint(term::WARNING, "missing"),
                        escape(&p.party)
                    )?
                }
                PartyStatus::Invalid { rule, reason, file } => {
                    writeln!(
                        out,
                        "  {} {}: {} [{} {}]",
                        term::paint(term::ERROR, "INVALID"),
                        escape(&p.party),
                        escape(reason),
                        rule.code,
                        escape(file)
                    )?;
                    if let Some(f) = r.findings.iter().find(|f| reported_with_party(p, f)) {
                        writeln!(out, "          hint: {}", escape(&f.hint))?;
                    }
                }
            }
        }
        // Members and acceptances are listed, never counted as signatures here.
        for m in &v.members {
            writeln!(
                out,
                "  {} {} ({} of {}): {}",
                term::paint(term::GOOD, "member "),
                escape(&m.name),
                escape(&m.member),
                escape(&m.class),
                escape(&m.status)
            )?;
        }
        for acc in &v.acceptances {
            writeln!(
                out,
                "  {} {}: accepted {} on {} by {}; recorded, not a signature",
                term::paint(term::WARNING, "accept "),
                escape(&acc.party),
                acc.method.words(),
                acc.accepted_on,
                escape(&acc.accepted_by)
            )?;
        }
        for f in r
            .findings
            .iter()
            .filter(|f| !r.parties.iter().any(|p| reported_with_party(p, f)))
        {
            write_finding(out, f)?;
        }
    }
    Ok(())
}

/// Whether a finding was already shown on a party's line.
fn reported_with_party(p: &crate::signing::verify::PartySignature, f: &Finding) -> bool {
    match &p.status {
        PartyStatus::Invalid { rule, .. } => f.party.as_ref() == Some(&p.party) && f.rule == *rule,
        PartyStatus::Missing { .. } => {
            f.party.as_ref() == Some(&p.party)
                && f.rule == &crate::rules::signatures::SIGNATURE_MISSING
        }
        PartyStatus::Signed { .. } => false,
    }
}

fn write_finding(out: &mut dyn Write, f: &Finding) -> std::io::Result<()> {
    let label = match f.severity {
        Severity::Error => term::paint(term::ERROR, "error"),
        Severity::Warning => term::paint(term::WARNING, "warning"),
    };
    writeln!(
        out,
        "  {label}[{}] {}:{}:{}: {}",
        f.code(),
        escape(&f.file),
        f.line,
        f.column,
        escape(&f.message)
    )?;
    writeln!(out, "    hint: {}", escape(&f.hint))
}
