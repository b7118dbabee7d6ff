//! `datapact sign ID --party ORG_ID --key FILE [--role ROLE]`: sign the current version of an
//! agreement for one party. Writes one statement and one SSHSIG signature file for that party
//! and version, so parties signing in different clones never conflict.
//!
//! The pair appears whole or not at all: the signature is published first and the statement
//! last (see [`signer::publish`]), so a run killed at any moment, or stopped by a full disk, leaves
//! either nothing, or a signature without its statement, which counts for nothing, which
//! `verify` names as an interrupted signing, and which the next `sign` replaces. The signing
//! time is the clock's; only debug builds (the test suite's) can claim another.
//!
//! `--replace` signs the same version again when the party's statement no longer counts (its
//! key was revoked, expired or removed, say); a statement that counts is never replaced, and
//! one whose agreement changed after signing is not either (that needs a new version).
//!
//! Several ids, or `--all-awaiting` (every agreement whose current version awaits the party's
//! signature), sign many agreements in one run: every agreement is checked first, one summary
//! says what will be signed (agreements, versions, party, role, key) and what is skipped and
//! why, the signer confirms (`--yes` on a terminal; required without one), and the key is
//! unlocked once, with one passphrase, for all of them. An id named that is unknown or
//! unreadable refuses the whole run before anything is signed. With `--commit` every agreement
//! signed is committed with its statement and signature in one commit.

use crate::error::{Error, Outcome, Result};
use crate::rules;
use crate::signing::AgreementFacts;
use crate::signing::key_source::KeySource;
use crate::signing::keyfile::Passphrase;
use crate::signing::signer::{self, Leftover};
use crate::signing::statement::{Statement, signature_path, statement_path};
use crate::signing::trust::{TrustStore, TrustedKey};
use crate::signing::verify::PartyStatus;
use crate::signing::{facts, verify};
use crate::workspace::Workspace;
use crate::{git, term};
use rayon::prelude::*;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Sign the current version of one or more agreements for one party.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact sign icb-ecc-adult-social-care --party nhs-essex-icb --key ~/.ssh/datapact_dpo \\
        --role dpo
  # sign again after a key was revoked
  datapact sign icb-ecc-adult-social-care --party nhs-essex-icb --key ~/.ssh/datapact_dpo \\
        --replace --commit
  # every agreement awaiting your signature: one summary, one confirmation, one passphrase
  datapact sign --all-awaiting --party nhs-essex-icb --key ~/.ssh/datapact_dpo --commit
  # several named agreements, without the question (in a script, after reading the summary)
  datapact sign icb-ecc-adult-social-care mse-hospital-police-safeguarding \\
        --party nhs-essex-icb --key ~/.ssh/datapact_dpo --yes

  # sign with a key an ssh-agent holds (or a hardware token behind it): name its public key
  datapact sign icb-ecc-adult-social-care --party nhs-essex-icb --key ~/.ssh/datapact_dpo.pub")]
pub struct Args {
    /// The agreement ids (or their files). Several are signed in one run, with one summary, one
    /// confirmation and one passphrase.
    #[arg(value_name = "ID", required_unless_present = "all_awaiting")]
    pub targets: Vec<String>,
    /// Sign every agreement awaiting this party's signature: each whose current version names
    /// the party and has no statement of its that counts (not with ids).
    #[arg(long, conflicts_with = "targets")]
    pub all_awaiting: bool,
    /// Sign several agreements without asking for confirmation (the summary is still printed
    /// first); without a terminal to ask on, several agreements are signed only with --yes.
    #[arg(short = 'y', long)]
    pub yes: bool,
    /// The party you sign for (its id in the agreement).
    #[arg(long, value_name = "ORG_ID")]
    pub party: String,
    /// Your OpenSSH Ed25519 private key file (such as ~/.ssh/id_ed25519); or, for a key an
    /// ssh-agent holds (SSH_AUTH_SOCK; a hardware token through it too), its public key file
    /// (~/.ssh/id_ed25519.pub) or key id (SHA256:...), and the agent signs. It must be enrolled
    /// for the party.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,
    /// The role you sign in: a built-in role (dpo, siro, authorised-signatory, ...) or one of
    /// datapact.toml's [signing] roles (default: the key's only role).
    #[arg(long, value_name = "ROLE")]
    pub role: Option<String>,
    /// Read the key's passphrase from the first line of FILE instead of asking.
    #[arg(long, value_name = "FILE")]
    pub passphrase_file: Option<PathBuf>,
    /// Sign again when this party's statement for this version no longer counts (revoked,
    /// expired or unknown key, damaged file): the new statement and signature replace it. A
    /// statement that counts is never replaced.
    #[arg(long)]
    pub replace: bool,
    /// Commit the agreement file, the statement and the signature (and nothing else) to git,
    /// so that what was signed is committed with its signature; several agreements are
    /// committed together, in one commit.
    #[arg(long)]
    pub commit: bool,
    #[command(flatten)]
    pub time: super::SigningTime,
    #[command(flatten)]
    pub today: super::TodayArg,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let ws = cx.workspace()?;
    cx.check_commit(&ws, args.commit)?;
    match (args.all_awaiting, args.targets.as_slice()) {
        (false, [one]) => sign_one(cx, &ws, args, one),
        _ => sign_many(cx, &ws, args),
    }
}

/// Signs one agreement (`target`), showing what is signed in full.
fn sign_one(cx: &super::Context, ws: &Workspace, args: &Args, target: &str) -> Result<Outcome> {
    let today = cx.today_in(ws);
    let path = ws.resolve_target(target)?;
    let facts = facts::load(ws, &path)?;
    signer::check_signable(&facts, &args.party)?;
    let trust = TrustStore::load(ws)?;
    warn_if_uncommitted(
        ws,
        &facts,
        if args.commit {
            "--commit commits it with your signature"
        } else {
            "commit it with your signature (`--commit` does), or the other parties cannot verify what you signed"
        },
    );
    let passphrase = Passphrase::from_options(args.passphrase_file.as_deref(), false);
    let (signing, locked) = Signing::check(ws, &trust, today, args)?;
    cx.note_signing_time(ws, signing.signed_at);
    let planned = signing.plan(&facts, true)?;
    // What the signer confirms: every value escaped (`term::escape`), so that text in the
    // agreement or the trust store cannot fake a line of this screen.
    let e = |s: &str| term::escape(s).into_owned();
    // Under -q not shown: nothing is asked about it (a passphrase prompt is not a question
    // about what is signed, and -q was the signer's choice).
    let mut err = term::summary_stderr(false);
    let _ = writeln!(err, "Signing {}", e(&facts.display_path));
    let _ = writeln!(err, "  id:       {}", e(facts.id.as_str()));
    let _ = writeln!(err, "  title:    {}", e(&facts.title));
    let _ = writeln!(err, "  version:  {}", facts.version);
    let _ = writeln!(
        err,
        "  sha256:   {}",
        e(&planned.statement.agreement_sha256)
    );
    if let Some((v, d)) = &planned.previous {
        let _ = writeln!(err, "  previous: v{v} sha256 {}", e(d));
    }
    let _ = writeln!(err, "  parties:  {}", e(&facts.party_ids.join(", ")));
    let _ = writeln!(err, "  as:       {}", signing.signer_line());
    let mine = signing.mine(&planned, false);
    signer::sign_and_publish(
        ws,
        locked,
        &passphrase,
        &planned.statement.to_text(),
        &planned.stmt,
        &planned.sig,
        || mine.leftover(),
    )?;
    term::note(&format!("Signed: {}", ws.display(&planned.stmt)));
    term::note(&format!("        {}", ws.display(&planned.sig)));
    cx.commit_if_asked(
        ws,
        args.commit,
        &planned.files(),
        &format!(
            "Sign {} v{} for {} ({}, key {})",
            facts.id, facts.version, args.party, signing.role, signing.key_id
        ),
    )?;
    Ok(Outcome::Clean)
}

/// Signs several agreements (the ids named, or every one awaiting the party's signature with
/// `--all-awaiting`): everything is checked first, one summary says what will be signed and
/// what is skipped and why, the signer confirms (or passed `--yes`), the key is unlocked once,
/// then each is signed; with `--commit` all of them in one commit. Exit 1 when an agreement
/// was skipped (one named, or one awaiting the party that cannot be signed).
fn sign_many(cx: &super::Context, ws: &Workspace, args: &Args) -> Result<Outcome> {
    let today = cx.today_in(ws);
    let party = args.party.as_str();
    // Every agreement is read first. An id named that is unknown or unreadable refuses the
    // run, before any key is opened; with --all-awaiting an unreadable file is only skipped.
    let files = if args.all_awaiting {
        ws.agreement_files()?
    } else {
        ws.target_files(&args.targets)?
    };
    let loaded: Vec<(PathBuf, Result<AgreementFacts>)> = files
        .into_par_iter()
        .map(|path| {
            let facts = facts::load(ws, &path);
            (path, facts)
        })
        .collect();
    let loaded: Vec<(PathBuf, Result<AgreementFacts>)> = if args.all_awaiting {
        loaded
    } else {
        let mut read = Vec::with_capacity(loaded.len());
        for (path, facts) in loaded {
            read.push((path, Ok(facts?)));
        }
        read
    };
    let trust = TrustStore::load(ws)?;
    // The key checks, made once: the key, its enrolment for the party, the role and the time
    // are the same for every agreement.
    let (signing, locked) = Signing::check(ws, &trust, today, args)?;
    cx.note_signing_time(ws, signing.signed_at);
    let judged: Vec<Result<Planned, Skipped>> = loaded
        .into_par_iter()
        .map(|(path, facts)| signing.judge(&path, facts))
        .collect();
    let (mut planned, mut listed, mut signed_already, mut not_party) =
        (Vec::new(), Vec::new(), 0, 0);
    for verdict in judged {
        match verdict {
            Ok(p) => planned.push(p),
            Err(s) if args.all_awaiting && s.kind == SkipKind::Signed => signed_already += 1,
            Err(s) if args.all_awaiting && s.kind == SkipKind::NotAParty => not_party += 1,
            Err(s) => listed.push(s),
        }
    }
    let e = |s: &str| term::escape(s).into_owned();
    // The summary, before anything is signed: every value escaped, so that no text in an
    // agreement or the trust store can fake a line of it. Under -q only when it is asked about
    // (without --yes); the reasons agreements are skipped are always shown.
    let mut err = term::summary_stderr(!args.yes);
    let history = git::History::open(&ws.root).ok().flatten();
    let mut uncommitted = 0;
    if !planned.is_empty() {
        let _ = writeln!(
            err,
            "Signing {} as {}:",
            count(planned.len(), "agreement"),
            signing.signer_line()
        );
        for p in &planned {
            let state = uncommitted_state(history.as_ref(), &p.facts);
            uncommitted += usize::from(state.is_some());
            let _ = writeln!(
                err,
                "  {} v{}  sha256 {}  {}{}{}",
                e(p.facts.id.as_str()),
                p.facts.version,
                e(&p.statement.agreement_sha256),
                e(&p.facts.title),
                state
                    .map(|s| format!("  (the file {s})"))
                    .unwrap_or_default(),
                p.replacing
                    .as_ref()
                    .map(|why| format!(
                        "  (replacing a statement that no longer counts: {})",
                        e(why)
                    ))
                    .unwrap_or_default(),
            );
        }
    }
    if !listed.is_empty() {
        let mut err = term::stderr();
        let _ = writeln!(err, "Skipping {}:", count(listed.len(), "agreement"));
        for s in &listed {
            let _ = writeln!(err, "  {}: {}", e(&s.what), e(&s.why));
        }
    }
    let not_awaiting: Vec<String> = [
        (signed_already, "already signed by it"),
        (not_party, "not naming it"),
    ]
    .into_iter()
    .filter(|&(n, _)| n > 0)
    .map(|(n, why)| format!("{} {why}", count(n, "agreement")))
    .collect();
    if !not_awaiting.is_empty() {
        let _ = writeln!(
            err,
            "Not awaiting {}'s signature: {}.",
            e(party),
            not_awaiting.join(", ")
        );
    }
    if uncommitted > 0 {
        term::note(&format!(
            "warning: {} differ from what git has committed: you are signing the text on disk; {}",
            count(uncommitted, "agreement file"),
            if args.commit {
                "--commit commits them with your signatures"
            } else {
                "commit them with your signatures (`--commit` does), or the other parties cannot verify what you signed"
            }
        ));
    }
    if planned.is_empty() {
        if listed.is_empty() {
            term::note(&format!(
                "Nothing to sign: no agreement awaits {party}'s signature."
            ));
            return Ok(Outcome::Clean);
        }
        return Err(Error::refused(format!(
            "nothing was signed: none of these agreements can be signed for {party} (the reasons are listed above)"
        ))
        .with_hint("mend what the reasons say, then sign again"));
    }
    if !args.yes {
        if !term::stdin_is_terminal() {
            return Err(Error::usage(
                "nothing was signed: signing several agreements needs your confirmation, and there is no terminal to ask on",
            )
            .with_hint("check the list above, then run the command again with --yes to sign them"));
        }
        let question = format!(
            "Sign these {} for {party}?",
            count(planned.len(), "agreement")
        );
        if !term::confirm(&question) {
            return Err(Error::refused("nothing was signed: you did not confirm")
                .with_hint("run the command again and answer y to sign them"));
        }
    }
    // One passphrase, one decryption, for every agreement.
    let passphrase = Passphrase::from_options(args.passphrase_file.as_deref(), false);
    let mut key = locked.unlock(&passphrase)?;
    let mut done: Vec<&Planned> = Vec::with_capacity(planned.len());
    for p in &planned {
        let mine = signing.mine(p, false);
        let text = p.statement.to_text();
        if let Err(error) =
            signer::sign_and_publish_unlocked(ws, &mut key, &text, &p.stmt, &p.sig, || {
                mine.leftover()
            })
        {
            // What was signed stays signed (each pair is whole); it is committed when asked,
            // and signing again with --all-awaiting takes up the rest.
            term::note(&format!(
                "stopped at {} v{}: signed {} of {} before this error",
                e(p.facts.id.as_str()),
                p.facts.version,
                done.len(),
                planned.len()
            ));
            if !done.is_empty() {
                commit_many(cx, ws, args.commit, &signing, &done)?;
            }
            return Err(error);
        }
        term::note(&format!(
            "Signed {} v{}: {}",
            p.facts.id,
            p.facts.version,
            ws.display(&p.stmt)
        ));
        done.push(p);
    }
    drop(key);
    term::note(&format!(
        "Signed {} for {} ({}, key {}){}",
        count(done.len(), "agreement"),
        party,
        signing.role,
        signing.key_id,
        if listed.is_empty() {
            String::new()
        } else {
            format!("; skipped {} (listed above)", listed.len())
        }
    ));
    commit_many(cx, ws, args.commit, &signing, &done)?;
    Ok(Outcome::from_problems(!listed.is_empty()))
}

/// Commits the agreements signed in one run, with their statements and signatures, in one
/// commit (when asked), whose message lists them.
fn commit_many(
    cx: &super::Context,
    ws: &Workspace,
    commit: bool,
    signing: &Signing<'_>,
    done: &[&Planned],
) -> Result<()> {
    let mut message = format!(
        "Sign {} for {} ({}, key {})\n\n",
        count(done.len(), "agreement"),
        signing.party,
        signing.role,
        signing.key_id
    );
    for p in done {
        message.push_str(&format!("{} v{}\n", p.facts.id, p.facts.version));
    }
    let files: Vec<PathBuf> = done.iter().flat_map(|p| p.files()).collect();
    cx.commit_if_asked(ws, commit, &files, &message)
}

/// `n` things: "1 agreement", "3 agreements".
fn count(n: usize, thing: &str) -> String {
    crate::text::plural(n, thing, &format!("{thing}s"))
}

/// What every signing of a run shares: the workspace, the trust store, today, and the party,
/// key, role and time the key checks accepted.
struct Signing<'a> {
    ws: &'a Workspace,
    trust: &'a TrustStore,
    today: chrono::NaiveDate,
    party: &'a str,
    /// The trust store entry of the key.
    entry: &'a TrustedKey,
    key_id: String,
    role: String,
    signed_at: chrono::DateTime<chrono::Utc>,
    replace: bool,
}

/// One agreement's signing, checked and ready: its statement (with the earlier signed version
/// it chains to) and where the pair goes.
struct Planned {
    facts: AgreementFacts,
    statement: Statement,
    previous: Option<(u32, String)>,
    stmt: PathBuf,
    sig: PathBuf,
    /// Why the party's statement there is replaced (`--replace`), when it is.
    replacing: Option<String>,
}

impl Planned {
    /// The files a commit of this signing holds: the agreement, the statement, the signature.
    fn files(&self) -> Vec<PathBuf> {
        vec![self.facts.path.clone(), self.stmt.clone(), self.sig.clone()]
    }
}

/// Why an agreement is not signed in a run of several.
struct Skipped {
    /// The agreement (`id vN`), or its file when it cannot be read.
    what: String,
    why: String,
    kind: SkipKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SkipKind {
    /// The party's statement for the current version counts already.
    Signed,
    /// The agreement does not name the party.
    NotAParty,
    /// Anything else: errors, a statement that no longer counts, a file that cannot be read.
    Other,
}

impl<'a> Signing<'a> {
    /// The key checks verification makes for each statement, made before signing
    /// ([`signer::check_key`]) for `args`' key, party and role at the signing time: what every
    /// signing of the run shares, and the key, still locked.
    fn check(
        ws: &'a Workspace,
        trust: &'a TrustStore,
        today: chrono::NaiveDate,
        args: &'a Args,
    ) -> Result<(Signing<'a>, KeySource)> {
        let signed_at = args.time.get();
        let checked = signer::check_key(
            ws,
            trust,
            &args.key,
            &args.party,
            args.role.as_deref(),
            signed_at,
            today,
        )?;
        let signing = Signing {
            ws,
            trust,
            today,
            party: &args.party,
            entry: checked.entry,
            key_id: checked.key_id,
            role: checked.role,
            signed_at,
            replace: args.replace,
        };
        Ok((signing, checked.locked))
    }

    /// Who signs, in the summary's words: principal, role, party and key, escaped.
    fn signer_line(&self) -> String {
        let e = |s: &str| term::escape(s).into_owned();
        format!(
            "{} ({}) for {} with key {}",
            e(&self.entry.principal),
            e(&self.role),
            e(self.party),
            e(&self.key_id)
        )
    }

    /// Plans signing `facts` (already found signable): the statement, its paths (never through
    /// a linked signatures/ directory to a place outside the workspace), and what an earlier
    /// signing left there, checked now, before the passphrase is asked for, and again under the
    /// lock when writing. `announce`: say so on stderr when a statement is replaced.
    fn plan(&self, facts: &AgreementFacts, announce: bool) -> Result<Planned> {
        let (statement, previous) = signer::agreement_statement(
            self.ws,
            facts,
            self.trust,
            self.party,
            &self.key_id,
            &self.role,
            self.signed_at,
        )?;
        let stmt = statement_path(self.ws, facts.id.as_str(), facts.version, self.party);
        let sig = signature_path(&stmt);
        self.ws.check_inside(&stmt)?;
        let mut planned = Planned {
            facts: facts.clone(),
            statement,
            previous,
            stmt,
            sig,
            replacing: None,
        };
        let mine = self.mine(&planned, announce);
        mine.leftover()?;
        planned.replacing = mine.replacing.into_inner();
        Ok(planned)
    }

    /// Judges one agreement of a run of several: planned, or skipped with the reason.
    fn judge(&self, path: &Path, facts: Result<AgreementFacts>) -> Result<Planned, Skipped> {
        let facts = facts.map_err(|error| Skipped {
            what: self.ws.display(path),
            why: error.message,
            kind: SkipKind::Other,
        })?;
        let skipped = |error: Error, kind| Skipped {
            what: format!("{} v{}", facts.id, facts.version),
            why: error.message,
            kind,
        };
        facts
            .require_signing_party(self.party)
            .map_err(|error| skipped(error, SkipKind::NotAParty))?;
        signer::check_signable(&facts, self.party)
            .map_err(|error| skipped(error, SkipKind::Other))?;
        self.plan(&facts, false).map_err(|error| {
            let verified = verify::verify_agreement(self.ws, &facts, self.trust, self.today);
            let counts = verified
                .parties
                .iter()
                .any(|p| p.party == self.party && matches!(p.status, PartyStatus::Signed { .. }));
            skipped(
                error,
                if counts {
                    SkipKind::Signed
                } else {
                    SkipKind::Other
                },
            )
        })
    }

    /// The checks of what is at `planned`'s paths, for [`Mine::leftover`].
    fn mine<'b>(&'b self, planned: &'b Planned, announce: bool) -> Mine<'b> {
        Mine {
            ws: self.ws,
            facts: &planned.facts,
            trust: self.trust,
            today: self.today,
            party: self.party,
            stmt: &planned.stmt,
            sig: &planned.sig,
            replace: self.replace,
            announce,
            replacing: std::cell::RefCell::new(None),
        }
    }
}

/// The signing about to be made: whose, of what, and where it goes.
struct Mine<'a> {
    ws: &'a Workspace,
    facts: &'a AgreementFacts,
    trust: &'a TrustStore,
    today: chrono::NaiveDate,
    party: &'a str,
    stmt: &'a Path,
    sig: &'a Path,
    replace: bool,
    /// Whether to announce a replacement on stderr.
    announce: bool,
    /// Why the party's statement is replaced, once decided.
    replacing: std::cell::RefCell<Option<String>>,
}

impl Mine<'_> {
    /// What is at the party's statement and signature paths: nothing, or one of them alone (an
    /// interrupted signing, which signing again completes), or both. Both are replaced only
    /// with `--replace` and only when the statement no longer counts ([`Mine::replaceable`]);
    /// anything but a regular file at either path is refused.
    fn leftover(&self) -> Result<Leftover> {
        let (id, version, party) = (&self.facts.id, self.facts.version, self.party);
        signer::leftover(
            self.ws,
            self.stmt,
            self.sig,
            |_| self.replaceable().map(|()| Leftover::Both),
            |there| {
                Error::refused(format!(
                    "{party} has already signed {id} v{version}, and {} is not a regular file",
                    self.ws.display(there)
                ))
                .with_hint(format!("look at it and remove it; then sign again: `datapact sign {id} --party {party} --key KEYFILE`"))
            },
        )
    }

    /// Whether the party's existing statement may be replaced ([`replaceable`]); the
    /// replacement is recorded, and announced (when asked) once, when the decision is first
    /// made (it is made again under the lock).
    fn replaceable(&self) -> Result<()> {
        let reason = replaceable(
            self.ws,
            self.facts,
            self.trust,
            self.today,
            self.party,
            self.stmt,
            self.replace,
        )?;
        let mut replacing = self.replacing.borrow_mut();
        if let Some(reason) = reason.filter(|_| replacing.is_none()) {
            if self.announce {
                term::note(&format!(
                    "replacing {}, which no longer counts: {reason}",
                    self.ws.display(self.stmt)
                ));
            }
            *replacing = Some(reason);
        }
        Ok(())
    }
}

/// Whether `party`'s existing statement `stmt` for the current version may be replaced: only
/// with `replace`, and only when it does not count for a reason signing again mends (a key
/// revoked, expired, removed or no longer enrolled for the role; a damaged file), which is
/// returned. A statement that counts is never replaced; nor is one whose agreement changed after
/// signing: the other parties signed the old text, so the change needs a new version. `Ok(None)`:
/// no statement of the party's counts or was found.
pub(super) fn replaceable(
    ws: &Workspace,
    facts: &crate::signing::AgreementFacts,
    trust: &TrustStore,
    today: chrono::NaiveDate,
    party: &str,
    stmt: &Path,
    replace: bool,
) -> Result<Option<String>> {
    let (id, version) = (&facts.id, facts.version);
    let display = ws.display(stmt);
    let verified = verify::verify_agreement(ws, facts, trust, today);
    let status = verified
        .parties
        .iter()
        .find(|p| p.party == party)
        .map(|p| &p.status);
    match status {
        Some(PartyStatus::Signed { .. }) => Err(Error::refused(format!(
            "{party} has already signed {id} v{version} ({display}), and that signature counts"
        ))
        .with_hint(if replace {
            "a valid signature is never replaced; to change what was signed, bump `version` and sign the new version".to_string()
        } else {
            format!("run `datapact verify {id}`; if the agreement changed since, bump its `version` and sign the new version")
        })),
        Some(PartyStatus::Invalid { rule, .. })
            if std::ptr::eq(*rule, &rules::signatures::SIGNATURE_STALE) =>
        {
            Err(Error::refused(format!(
                "{party}'s statement {display} signs other content of v{version}: the agreement changed after signing"
            ))
            .with_hint("re-signing would hide the change from the parties who signed the old text: bump `version` (`datapact bump`) and have every party sign the new version"))
        }
        Some(PartyStatus::Invalid { reason, .. }) if !replace => Err(Error::refused(format!(
            "{party}'s statement {display} for {id} v{version} no longer counts: {reason}"
        ))
        .with_hint(format!(
            "sign again, replacing it: `datapact sign {id} --party {party} --key KEYFILE --replace`"
        ))),
        Some(PartyStatus::Invalid { reason, .. }) => Ok(Some(reason.clone())),
        // A statement the party list does not reach (cannot happen for a party of the
        // agreement), or a missing one: nothing valid would be replaced.
        Some(PartyStatus::Missing { .. }) | None => Ok(None),
    }
}

/// Warns when the agreement file differs from what git has committed: the signature covers
/// the bytes on disk, which nobody else can verify until they are committed; `then` says what
/// to do (`sign --commit` commits them with the signature).
pub(super) fn warn_if_uncommitted(
    ws: &Workspace,
    facts: &crate::signing::AgreementFacts,
    then: &str,
) {
    let history = git::History::open(&ws.root).ok().flatten();
    if let Some(what) = uncommitted_state(history.as_ref(), facts) {
        term::note(&format!(
            "warning: {} {what}: you are signing the text on disk; {then}",
            facts.display_path
        ));
    }
}

/// How the agreement file differs from what git has committed, in words ("has never been
/// committed", "has uncommitted changes"); `None` when it does not, or outside git.
fn uncommitted_state(
    history: Option<&git::History>,
    facts: &crate::signing::AgreementFacts,
) -> Option<&'static str> {
    Some(match history?.uncommitted(&facts.path)? {
        git::Uncommitted::New => "has never been committed",
        git::Uncommitted::Changed => "has uncommitted changes",
    })
}

/// Parses an RFC 3339 command-line time (for the hidden `--signed-at`, used by tests), as UTC.
#[cfg(debug_assertions)]
pub fn parse_time_arg(s: &str) -> Result<chrono::DateTime<chrono::Utc>, String> {
    chrono::DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&chrono::Utc))
        .map_err(|_| format!("{s:?} is not an RFC 3339 time such as 2026-04-01T10:00:00Z"))
}
