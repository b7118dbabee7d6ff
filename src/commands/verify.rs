//! `datapact verify [ID]... [--format json] [--require-complete]`: for each agreement and each
//! party named in it, whether the current version is signed (by whom, with which key, when),
//! missing, or invalid with the reason. Exit 1 when any signature is invalid, or, with
//! `--require-complete`, when any agreement is not fully signed.

use crate::diagnostics::{Finding, Severity};
use crate::error::{Error, Outcome, Result};
use crate::signing::verify::{self, AgreementSignatures, PartyStatus, SignatureState};
use crate::signing::{facts, sshsig};
use crate::term::{self, escape};
use std::io::Write;

/// Verify the signatures on agreements.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Agreement ids or files; default: every agreement in the workspace.
    #[arg(value_name = "ID")]
    pub targets: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = VerifyFormat::Human)]
    pub format: VerifyFormat,
    /// Exit 1 unless every agreement is fully signed.
    #[arg(long)]
    pub require_complete: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum VerifyFormat {
    Human,
    Json,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?;
    let trust = &session.trust;
    let orphans = verify::orphan_signature_entries(&session.ws);
    // The same parallel pass as `check`: each file read, validated and verified once. A file
    // whose id, version and parties cannot be read at all stops the command (exit 2).
    let results: Vec<AgreementSignatures> = session
        .map_assessed(&args.targets, |a| match a.signatures {
            // The current version's review statements are judged with its signatures.
            Some(mut signatures) => {
                signatures
                    .findings
                    .extend(a.reviews.map(|r| r.findings).unwrap_or_default());
                Ok(signatures)
            }
            None => Err(facts::of_checked(&a.checked).err().unwrap_or_else(|| {
                Error::input(format!(
                    "{}: cannot read the agreement's signatures",
                    a.checked.source.display
                ))
            })),
        })?
        .into_iter()
        .collect::<Result<_>>()?;
    term::emit(|out| match args.format {
        VerifyFormat::Json => {
            let json = serde_json::json!({
                "namespace": sshsig::NAMESPACE,
                "agreements": results,
                "trust_store_findings": trust.findings,
                "signatures_findings": orphans,
            });
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )
        }
        VerifyFormat::Human => {
            let top: Vec<Finding> = trust.findings.iter().chain(&orphans).cloned().collect();
            write_human(out, &results, &top)
        }
    })?;
    // Every invalid party signature is also an error finding of its agreement.
    let invalid = results
        .iter()
        .flat_map(|r| &r.findings)
        .chain(&trust.findings)
        .any(|f| f.severity == Severity::Error);
    let incomplete = results.iter().any(|r| r.state != SignatureState::Full);
    Ok(Outcome::from_problems(
        invalid || (args.require_complete && incomplete),
    ))
}

fn write_human(
    out: &mut dyn Write,
    results: &[AgreementSignatures],
    workspace_findings: &[Finding],
) -> std::io::Result<()> {
    for f in workspace_findings {
        write_finding(out, f)?;
    }
    if results.is_empty() {
        writeln!(out, "No agreements to verify.")?;
    }
    for r in results {
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
                    "{}, but with {errors} signature error{} (below)",
                    r.state.label(),
                    if errors == 1 { "" } else { "s" }
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
