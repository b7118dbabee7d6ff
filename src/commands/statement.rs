//! `datapact statement ID --party ORG_ID --key FILE.pub [--role ROLE] [--out FILE]`: print the
//! exact statement bytes `datapact sign` would sign for one party of the current version, so
//! that a partner who has only OpenSSH can sign them with `ssh-keygen -Y sign` and place the
//! statement and its `.sig` where datapact reads them (docs/signing.md, "Signing with OpenSSH
//! only").
//!
//! The statement is made by the same code as `sign`'s (`signer::check_signable`,
//! `signer::check_enrolled`, `signer::agreement_statement`), so it makes the same checks before
//! printing anything: an agreement without errors, a party it names, a public key enrolled for
//! that party in that role and valid now, and no statement of the party's that already counts
//! for this version. Nothing is written to the workspace except with `--out`.

use crate::error::{Outcome, Result};
use crate::signing::signer::{self, Enrolled};
use crate::signing::statement::{signature_path, statement_path};
use crate::signing::trust::TrustStore;
use crate::signing::{facts, keyfile, sshsig};
use crate::{gate, term};
use std::path::PathBuf;

/// Print the statement a party signs for the current version of an agreement (the exact bytes
/// `datapact sign` would sign), to sign with `ssh-keygen -Y sign`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  # the statement to sign with OpenSSH alone (docs/signing.md)
  datapact statement icb-ecc-adult-social-care --party nhs-essex-icb \\
        --key ~/.ssh/datapact_dpo.pub --role dpo --out statement.toml
  ssh-keygen -Y sign -n datapact-agreement@datapact.dev -f ~/.ssh/datapact_dpo statement.toml")]
pub struct Args {
    /// The agreement id (or its file).
    #[arg(value_name = "ID")]
    pub target: String,
    /// The party you sign for (its id in the agreement).
    #[arg(long, value_name = "ORG_ID")]
    pub party: String,
    /// Your OpenSSH Ed25519 public key file (such as ~/.ssh/id_ed25519.pub); it must be
    /// enrolled for the party.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The role you sign in: a built-in role (dpo, siro, authorised-signatory, ...) or one of
    /// datapact.toml's [signing] roles (default: the key's only role).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Write the statement to FILE (atomically) instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub time: super::SigningTime,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let ws = cx.workspace()?;
    let today = cx.today_in(&ws);
    let path = ws.resolve_target(&args.target)?;
    let facts = facts::load(&ws, &path)?;
    signer::check_signable(&facts, &args.party)?;
    let trust = TrustStore::load(&ws)?;
    let public = keyfile::read_public_key_file(&args.key)?;
    let signed_at = args.time.get();
    let (_, role) = signer::check_enrolled(
        &ws,
        &trust,
        Enrolled {
            key_id: &public.key_id,
            file: &args.key,
            public: &args.key,
        },
        &args.party,
        args.role.as_deref(),
        signed_at,
        today,
    )?;
    let (statement, _) = signer::agreement_statement(
        &ws,
        &facts,
        &trust,
        &args.party,
        &public.key_id,
        &role,
        signed_at,
    )?;
    let stmt_path = statement_path(&ws, facts.id.as_str(), facts.version, &args.party);
    let sig_path = signature_path(&stmt_path);
    // A statement of the party's that counts is never replaced, nor one whose agreement changed
    // since (that needs a new version); one that no longer counts is replaced by the files placed.
    if gate::kind_of(&ws.root, &stmt_path)? == gate::Kind::File {
        let replaced =
            super::sign::replaceable(&ws, &facts, &trust, today, &args.party, &stmt_path, true)?;
        if let Some(reason) = replaced {
            term::note(&format!(
                "note: the files you place will replace {}, which no longer counts: {reason}",
                ws.display(&stmt_path)
            ));
        }
    }
    super::sign::warn_if_uncommitted(
        &ws,
        &facts,
        "commit it with your statement and signature, or the other parties cannot verify what you signed",
    );
    let text = statement.to_text();
    cx.write_output(Some(&ws.root), args.out.as_deref(), text.as_bytes(), |p| {
        format!("Wrote the statement to {}", p.display())
    })?;
    term::note(&format!(
        "Sign it with `ssh-keygen -Y sign -n {} -f KEY FILE`, then place the statement at {} and its signature at {} (docs/signing.md, \"Signing with OpenSSH only\").",
        sshsig::NAMESPACE,
        ws.display(&stmt_path),
        ws.display(&sig_path)
    ));
    Ok(Outcome::Clean)
}
