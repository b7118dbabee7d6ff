//! `datapact keys ...`: generate key pairs, enrol partners' public keys, list and revoke keys,
//! and export an OpenSSH allowed_signers file from the trust store.

use super::parse_date;
use crate::error::{Error, Outcome, Result};
use crate::gate::{self, Overwrite};
use crate::signing::keyfile::{self, Passphrase};
use crate::signing::sshsig;
use crate::signing::trust::{self, NewKey, TrustStore, check_principal};
use crate::term;
use crate::workspace::{ID_RULE, Workspace, check_id};
use chrono::NaiveDate;
use ed25519_dalek::SigningKey;
use std::path::PathBuf;

/// Manage signing keys and the workspace trust store (keys/).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact keys list                          # the trust store
  datapact keys generate --party nhs-essex-icb --principal dpo@essexicb.nhs.uk --role dpo")]
pub struct Args {
    #[command(subcommand)]
    pub command: KeysCommand,
}

#[derive(Debug, clap::Subcommand)]
pub enum KeysCommand {
    /// Create an Ed25519 key pair and enrol its public key for a party.
    #[command(after_help = "\
Examples:
  datapact keys generate --party nhs-essex-icb --principal dpo@essexicb.nhs.uk --role dpo")]
    Generate(GenerateArgs),
    /// Enrol a partner's existing OpenSSH Ed25519 public key (`ssh-ed25519 AAAA... comment`).
    #[command(after_help = "\
Examples:
  datapact keys add --party essex-county-council --principal dpo@essex.gov.uk partner_key.pub")]
    Add(AddArgs),
    /// List the keys in the trust store.
    #[command(after_help = "\
Examples:
  datapact keys list
  datapact keys list --format json")]
    List(ListArgs),
    /// Revoke a key: no signature made with it counts any more, whatever its date.
    #[command(after_help = "\
Examples:
  # a key id as `keys list` shows it
  datapact keys revoke SHA256:Zm9vYmFyYmF6 --reason \"Laptop lost\" --commit")]
    Revoke(RevokeArgs),
    /// Write an OpenSSH allowed_signers file, so partners can verify with ssh-keygen alone.
    #[command(after_help = "\
Examples:
  datapact keys export-allowed-signers --out allowed_signers   # for ssh-keygen -Y verify")]
    ExportAllowedSigners(ExportArgs),
}

/// Who a key belongs to and what it may do.
#[derive(Debug, clap::Args)]
pub struct Enrolment {
    /// The party (organisation id, as in the agreements) the key signs for.
    #[arg(long, value_name = "ORG_ID")]
    pub party: String,
    /// Who holds the key, such as an email address.
    #[arg(long, value_name = "NAME")]
    pub principal: String,
    /// A role the key may sign in: a built-in role (dpo, siro, authorised-signatory, ...) or one
    /// of datapact.toml's [signing] roles (repeatable; none means any of them).
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,
    /// First day the key may sign (YYYY-MM-DD, a year from 1900 to 9999).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub valid_from: Option<NaiveDate>,
    /// Last day the key may sign (YYYY-MM-DD, a year from 1900 to 9999).
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub valid_until: Option<NaiveDate>,
    /// Commit the trust store file (and nothing else) to git.
    #[arg(long)]
    pub commit: bool,
}

#[derive(Debug, clap::Args)]
pub struct GenerateArgs {
    #[command(flatten)]
    pub enrolment: Enrolment,
    /// Where to write the private key (default: your config directory, datapact/keys/). Never
    /// inside the workspace or a git work tree. The public key goes beside it with `.pub` added.
    #[arg(short = 'o', long, alias = "output", value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Read the new key's passphrase from the first line of FILE instead of asking.
    #[arg(long, value_name = "FILE", conflicts_with = "no_passphrase")]
    pub passphrase_file: Option<PathBuf>,
    /// Store the private key unencrypted (protect the file yourself).
    #[arg(long)]
    pub no_passphrase: bool,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub enrolment: Enrolment,
    /// The OpenSSH public key file (`ssh-ed25519 AAAA... comment`).
    #[arg(value_name = "PUBKEY_FILE")]
    pub pubkey_file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Human)]
    pub format: ListFormat,
    #[command(flatten)]
    pub today: super::TodayArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Human,
    Json,
}

#[derive(Debug, clap::Args)]
pub struct RevokeArgs {
    /// The key id (`SHA256:...`, as `datapact keys list` shows it), or a unique prefix of it
    /// (at least 4 characters of the digest, `SHA256:` optional).
    #[arg(value_name = "KEY_ID")]
    pub key_id: String,
    /// Why the key is revoked (lost, holder left, compromised...).
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Revocation date (YYYY-MM-DD), today or earlier; default: today. The key stops counting
    /// at once, whatever the date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    pub date: Option<NaiveDate>,
    /// Commit the trust store file to git.
    #[arg(long)]
    pub commit: bool,
    #[command(flatten)]
    pub today: super::TodayArg,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Write to FILE instead of standard output.
    #[arg(short = 'o', long, alias = "output", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let ws = cx.workspace()?;
    match &args.command {
        KeysCommand::Generate(a) => generate(cx, &ws, a),
        KeysCommand::Add(a) => add(cx, &ws, a),
        KeysCommand::List(a) => list(&ws, a, cx.today_in(&ws)),
        KeysCommand::Revoke(a) => revoke(cx, &ws, a),
        KeysCommand::ExportAllowedSigners(a) => export(cx, &ws, a),
    }
}

/// Checks the enrolment options and returns the entry to add for `key`.
fn new_key(ws: &Workspace, e: &Enrolment, key_id: String, public_key: String) -> Result<NewKey> {
    check_id(&e.party).map_err(|why| {
        Error::usage(format!("invalid party id {:?}: it {why}", e.party))
            .with_hint(format!("a party id must be {ID_RULE}"))
    })?;
    check_principal(&e.principal).map_err(|why| {
        Error::usage(format!("invalid --principal {:?}: {why}", e.principal))
            .with_hint("use an email address")
    })?;
    for role in &e.roles {
        ws.config.check_role(role).map_err(|why| {
            Error::usage(format!("invalid --role: {why}")).with_hint("repeat --role for each role")
        })?;
    }
    if let (Some(from), Some(until)) = (e.valid_from, e.valid_until) {
        if until < from {
            return Err(Error::usage(format!(
                "--valid-until {until} is before --valid-from {from}"
            ))
            .with_hint("give the first and last day the key may sign, in that order"));
        }
    }
    Ok(NewKey {
        party: e.party.clone(),
        key_id,
        public_key,
        principal: e.principal.clone(),
        roles: e.roles.clone(),
        valid_from: e.valid_from,
        valid_until: e.valid_until,
    })
}

fn generate(cx: &super::Context, ws: &Workspace, a: &GenerateArgs) -> Result<Outcome> {
    cx.check_commit(ws, a.enrolment.commit)?;
    let signing_key = SigningKey::generate(&mut rand_core::OsRng);
    let verifying = signing_key.verifying_key();
    let key_id = sshsig::key_id(&verifying);
    let entry = new_key(
        ws,
        &a.enrolment,
        key_id.clone(),
        sshsig::public_key_line(&verifying),
    )?;
    // Everything is checked before anything is written: the trust store edit, the
    // destination, and that neither key file exists.
    let store = TrustStore::load(ws)?;
    let (file, trust_text) = trust::prepare_add(ws, &store, &entry)?;
    let out = match &a.out {
        Some(p) => p.clone(),
        None => {
            keyfile::default_key_dir()?.join(format!("{}_{}_ed25519", entry.party, entry.principal))
        }
    };
    let passphrase = Passphrase::from_options(a.passphrase_file.as_deref(), a.no_passphrase);
    keyfile::write_private_key(&out, &signing_key, &entry.principal, &passphrase, &ws.root)?;
    drop(signing_key);
    if let Err(e) = gate::write_atomic(&ws.root, &file, trust_text.as_bytes(), Overwrite::Allow) {
        // Not enrolled: remove the new key rather than leave an unusable private key behind.
        keyfile::remove_key_files(&out);
        return Err(e);
    }
    term::note(&format!(
        "Private key: {} (keep it secret; mode 0600)",
        out.display()
    ));
    term::note(&format!(
        "Public key:  {}",
        keyfile::public_path(&out).display()
    ));
    term::note(&format!("Enrolled in: {}", ws.display(&file)));
    term::note(&format!("Key id:      {key_id}"));
    term::note("Confirm this key id with your partners by another channel (phone, in person).");
    cx.commit_if_asked(
        ws,
        a.enrolment.commit,
        &[file],
        &format!(
            "Enrol key {key_id} for {} ({})",
            entry.party, entry.principal
        ),
    )?;
    Ok(Outcome::Clean)
}

fn add(cx: &super::Context, ws: &Workspace, a: &AddArgs) -> Result<Outcome> {
    cx.check_commit(ws, a.enrolment.commit)?;
    let parsed = keyfile::read_public_key_file(&a.pubkey_file)?;
    let entry = new_key(
        ws,
        &a.enrolment,
        parsed.key_id.clone(),
        parsed.openssh.clone(),
    )?;
    let store = TrustStore::load(ws)?;
    let file = trust::add_key(ws, &store, &entry)?;
    term::note(&format!(
        "Enrolled key {} for {} ({}) in {}",
        parsed.key_id,
        entry.party,
        entry.principal,
        ws.display(&file)
    ));
    term::note("Check this key id with its holder by another channel before relying on it.");
    cx.commit_if_asked(
        ws,
        a.enrolment.commit,
        &[file],
        &format!(
            "Enrol key {} for {} ({})",
            parsed.key_id, entry.party, entry.principal
        ),
    )?;
    Ok(Outcome::Clean)
}

fn list(ws: &Workspace, a: &ListArgs, today: NaiveDate) -> Result<Outcome> {
    let store = TrustStore::load(ws)?;
    term::emit(|out| match a.format {
        ListFormat::Json => {
            let json = crate::report::Envelope::new("keys list", Some(today))
                .with(serde_json::json!({ "keys": store.keys, "findings": store.findings }));
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&json).unwrap_or_default()
            )
        }
        ListFormat::Human => {
            if store.keys.is_empty() {
                writeln!(
                    out,
                    "No keys in the trust store (keys/). Add one with `datapact keys generate` or `datapact keys add`."
                )?;
            }
            // Every value comes from a trust store file: escaped, so that none acts on the
            // terminal.
            let e = |s: &str| term::escape(s).into_owned();
            for k in &store.keys {
                let state = match (&k.problem, k.revoked) {
                    (Some(p), _) => term::paint(term::ERROR, &format!("unusable: {}", e(p))),
                    (None, Some(d)) => term::paint(term::WARNING, &format!("revoked {d}")),
                    (None, None) => term::paint(term::GOOD, "active"),
                };
                let roles = if k.roles.is_empty() {
                    "any role".to_string()
                } else {
                    e(&k.roles.join(", "))
                };
                writeln!(out, "{}  {}  {}", e(&k.party), e(&k.key_id), state)?;
                writeln!(
                    out,
                    "    {} ({roles}), valid {}  [{}:{}]",
                    e(&k.principal),
                    e(&k.window()),
                    e(&k.file),
                    k.line
                )?;
            }
            Ok(())
        }
    })?;
    Ok(Outcome::from_problems(!store.findings.is_empty()))
}

fn revoke(cx: &super::Context, ws: &Workspace, a: &RevokeArgs) -> Result<Outcome> {
    let today = cx.today_in(ws);
    if a.reason.trim().is_empty() {
        return Err(Error::usage("--reason is empty")
            .with_hint("say why the key is revoked, for the record"));
    }
    let date = a.date.unwrap_or(today);
    if date > today {
        return Err(Error::usage(format!(
            "--date {date} is in the future (today is {today}); a revocation takes effect at once, \
             whatever its date, so a future date would only misstate when the key was revoked"
        ))
        .with_hint(
            "leave out --date to revoke today, or give the day it was in fact revoked; to let a key \
             sign only until a date, enrol it with --valid-until",
        ));
    }
    cx.check_commit(ws, a.commit)?;
    let store = TrustStore::load(ws)?;
    let file = trust::revoke(ws, &store, &a.key_id, date, a.reason.trim())?;
    term::note(&format!(
        "Revoked key {} on {date} in {}",
        a.key_id,
        ws.display(&file)
    ));
    cx.commit_if_asked(
        ws,
        a.commit,
        &[file],
        &format!("Revoke key {}: {}", a.key_id, a.reason.trim()),
    )?;
    Ok(Outcome::Clean)
}

fn export(cx: &super::Context, ws: &Workspace, a: &ExportArgs) -> Result<Outcome> {
    let store = TrustStore::load(ws)?;
    let text = store.allowed_signers();
    cx.write_output(Some(&ws.root), a.out.as_deref(), text.as_bytes(), |path| {
        format!("Wrote {}", path.display())
    })?;
    Ok(Outcome::Clean)
}
