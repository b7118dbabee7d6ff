//! The trust store: the public keys of every party, as TOML files `keys/<party-id>.toml` in the
//! workspace, reviewed in git like everything else. Each `[[keys]]` entry names the key id (the
//! OpenSSH `SHA256:` fingerprint), the `ssh-ed25519` public key, who holds it (principal), the
//! roles it may sign in, its validity window and, once revoked, the date and reason.
//!
//! Reading is strict about shape (an unreadable file is an input error naming file, line and
//! column); an entry whose key is unusable (weak, malformed, wrong key id, enrolled twice) is
//! kept but marked, so signatures made with it are reported invalid with the reason. Anything
//! else in `keys/` (other files, directories, FIFOs, and above all private keys) is reported as
//! a DP216 finding, so `check` fails.
//! Edits go through `toml_edit`, so comments and layout are kept, and are written atomically.

use super::keyfile::{DecodedKey, decode_public_key_line};
use super::sshsig::{self, NAMESPACE};
use crate::config::Config;
use crate::diagnostics::{Finding, LineIndex, Position};
use crate::error::{Error, Result};
use crate::gate::{self, FileKind, Kind, Overwrite, ReadError};
use crate::rules;
use crate::workspace::{KEYS_DIR, Workspace, check_id};
use chrono::{Datelike, NaiveDate};
use ed25519_dalek::VerifyingKey;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// One enrolled key. No text here holds a control or formatting character
/// ([`super::forbidden_char`]): an entry whose values do is unusable, and its values are kept
/// escaped (`\n`), so they cannot break a line of output or an allowed_signers file.
#[derive(Debug, Clone, serde::Serialize)]
pub struct TrustedKey {
    /// The party whose file lists this key.
    pub party: String,
    /// The key id computed from `public_key` (never the entry's own `key_id` field, which is
    /// only checked against it); the `key_id` field as written when the key cannot be decoded.
    pub key_id: String,
    /// `ssh-ed25519 AAAA...` re-encoded from the key as written (type and base64, no comment);
    /// the value as written when it cannot be decoded.
    pub public_key: String,
    pub principal: String,
    pub roles: Vec<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
    pub revoked: Option<NaiveDate>,
    pub revocation_reason: Option<String>,
    /// Why signatures made with this key cannot be accepted, when the entry itself is unusable.
    pub problem: Option<String>,
    /// Trust store file (workspace-relative) and line of the entry.
    pub file: String,
    pub line: usize,
    /// The entry's `key_id` field as written, checked against the key; nothing is looked up by it.
    #[serde(skip)]
    pub stated_key_id: String,
    /// The key id computed from `public_key` ([`sshsig::key_id_of`]), when it decodes: what lookups
    /// and the once-only rule go by.
    #[serde(skip)]
    pub identity: Option<String>,
    /// The key, when it is usable ([`sshsig::usable_key`]).
    #[serde(skip)]
    pub key: Option<VerifyingKey>,
    /// For a key enrolled for no role in particular (`roles` empty): the workspace's roles
    /// (`datapact.toml`, [`Config::roles`]), any of which it may sign in, and no other.
    #[serde(skip)]
    pub any_role: Vec<String>,
}

/// Why an enrolled key does not authorise a signature. One decision, made in this order, by
/// `datapact sign` before it signs and by verification for each statement; each caller words the
/// refusal for its reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The trust store entry itself cannot be used (a key enrolled twice among the reasons,
    /// whichever party's entry was found); the reason.
    Unusable(String),
    /// The key is enrolled for another party (`TrustedKey::party`).
    OtherParty,
    /// The key was revoked on this date; its signatures never count, whatever their date.
    Revoked(NaiveDate),
    /// The signing day (given) is outside the key's validity window.
    OutsideWindow(NaiveDate),
    /// The key is not enrolled for the role.
    Role,
}

impl Refusal {
    /// The rule a statement breaks when verification meets this refusal.
    pub fn rule(&self) -> &'static crate::diagnostics::Rule {
        use crate::rules::signatures::*;
        match self {
            Refusal::Unusable(_) => &SIGNATURE_BAD,
            Refusal::OtherParty => &SIGNATURE_WRONG_PARTY,
            Refusal::Revoked(_) => &SIGNATURE_REVOKED_KEY,
            Refusal::OutsideWindow(_) => &SIGNATURE_KEY_VALIDITY,
            Refusal::Role => &SIGNATURE_ROLE,
        }
    }
}

impl TrustedKey {
    /// Whether a signature by this key can be attributed to `party`: its entry is usable (a key
    /// enrolled twice is not, whichever party's entry was found) and the key is that party's.
    /// This is all the hash chain needs to know which content an earlier version's signatures
    /// covered.
    pub fn attributes_to(&self, party: &str) -> Result<(), Refusal> {
        if let Some(problem) = &self.problem {
            return Err(Refusal::Unusable(problem.clone()));
        }
        if self.party != party {
            return Err(Refusal::OtherParty);
        }
        Ok(())
    }

    /// Whether the key, attributed to its party, may sign in `role` on `day`: not revoked,
    /// inside its validity window, enrolled for the role (a key enrolled for no role in
    /// particular may sign in any role of the workspace).
    pub fn permits(&self, role: &str, day: NaiveDate) -> Result<(), Refusal> {
        if let Some(date) = self.revoked {
            return Err(Refusal::Revoked(date));
        }
        if !self.valid_on(day) {
            return Err(Refusal::OutsideWindow(day));
        }
        let allowed = if self.roles.is_empty() {
            &self.any_role
        } else {
            &self.roles
        };
        if !allowed.iter().any(|r| r == role) {
            return Err(Refusal::Role);
        }
        Ok(())
    }

    /// Whether this entry holds the key whose key id is `key_id` (computed from its public key).
    pub fn holds(&self, key_id: &str) -> bool {
        self.identity.as_deref() == Some(key_id)
    }

    /// Whether the key was inside its validity window on `date` (both ends inclusive).
    pub fn valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| date >= from)
            && self.valid_until.is_none_or(|until| date <= until)
    }

    /// The validity window in words, for messages ("valid ..."): both ends, one, or none.
    pub fn window(&self) -> String {
        match (self.valid_from, self.valid_until) {
            (Some(from), Some(until)) => format!("{from} to {until}"),
            (Some(from), None) => format!("from {from}, with no end date"),
            (None, Some(until)) => format!("until {until}"),
            (None, None) => "on any date".to_string(),
        }
    }
}

/// Every key of every party in the workspace.
#[derive(Debug, Clone, Default)]
pub struct TrustStore {
    pub keys: Vec<TrustedKey>,
    /// Problems with individual entries (DP216), pointing at the trust store file.
    pub findings: Vec<Finding>,
}

/// A trust store file, `keys/<party>.toml`, as read (its JSON Schema is
/// `datapact schema keys`).
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    /// `[[keys]]`: one table per public key of the party, as `datapact keys add` or
    /// `keys generate` writes it.
    #[serde(default)]
    #[schemars(with = "Vec<RawKey>")]
    keys: Vec<toml::Spanned<RawKey>>,
}

/// One `[[keys]]` entry.
#[derive(Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
struct RawKey {
    /// The key's OpenSSH SHA-256 fingerprint (`SHA256:...`), as `ssh-keygen -lf` shows it.
    key_id: String,
    /// The OpenSSH public key, `ssh-ed25519 AAAA...` (Ed25519 only).
    public_key: String,
    /// Who holds the key: letters, digits and `. _ @ + -`, such as an e-mail address.
    #[schemars(regex(pattern = r"^[A-Za-z0-9._@+][A-Za-z0-9._@+-]{0,127}$"))]
    principal: String,
    /// The roles the holder may sign in (`dpo`, `caldicott-guardian`, `senior-officer`... or a
    /// role of the workspace's `[signing] roles`).
    #[serde(default)]
    roles: Vec<String>,
    /// The first day the key may sign (a date, without quotes).
    #[schemars(with = "Option<Day>")]
    valid_from: Option<toml::value::Datetime>,
    /// The last day the key may sign (a date, without quotes).
    #[schemars(with = "Option<Day>")]
    valid_until: Option<toml::value::Datetime>,
    /// The day the key was revoked: signatures made from then on do not count.
    #[schemars(with = "Option<Day>")]
    revoked: Option<toml::value::Datetime>,
    /// Why the key was revoked.
    revocation_reason: Option<String>,
}

/// A TOML local date, for the schema: what a user writes is `2026-04-01`, without quotes.
struct Day;

impl schemars::JsonSchema for Day {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string", "format": "date" })
    }
}

/// A TOML local date (`2026-04-01`) of a year from 1900 to 9999 as a calendar date; anything
/// else is refused, saying why.
fn local_date(dt: &toml::value::Datetime) -> Result<NaiveDate, String> {
    match (dt.date, dt.time, dt.offset) {
        (Some(d), None, None) => {
            crate::dates::from_ymd(i32::from(d.year), u32::from(d.month), u32::from(d.day))
                .map_err(|why| format!("{dt}: {why}"))
        }
        _ => Err(format!("{dt} is not a plain date (YYYY-MM-DD)")),
    }
}

/// `value` as it may be shown: itself, or escaped (`\n`, `\u{202e}`) when it holds a
/// character that must never be in the trust store.
fn shown(value: &str) -> String {
    if value.chars().any(super::forbidden_char) {
        value.escape_debug().to_string()
    } else {
        value.to_string()
    }
}

/// Checks a principal (who holds a key): it goes into OpenSSH allowed_signers files, so it is
/// limited to letters, digits and `. _ @ + -`, like an email address.
pub fn check_principal(principal: &str) -> Result<(), String> {
    if principal.is_empty() || principal.len() > 128 {
        return Err("a principal must be 1 to 128 characters long".into());
    }
    if principal.starts_with('-') {
        return Err("a principal must not start with a hyphen".into());
    }
    if let Some(c) = principal
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || "._@+-".contains(*c)))
    {
        return Err(format!(
            "a principal may contain only letters, digits and . _ @ + - (found {c:?}); an email address works"
        ));
    }
    Ok(())
}

/// Whether `bytes` hold a PEM private key block (`-----BEGIN OPENSSH PRIVATE KEY-----`, or the
/// RSA, EC and PKCS#8 kinds).
fn contains_private_key(bytes: &[u8]) -> bool {
    bytes.windows(16).any(|w| w == b"PRIVATE KEY-----")
}

/// Whether the (regular) file at `path` may hold private key material: a PEM private key block,
/// or bytes that are not text at all (a DER-encoded key has no PEM markers). Only its first
/// bytes are read, through the gate (so never a file outside the workspace, nor a FIFO).
fn looks_like_private_key(ws: &Workspace, path: &Path) -> bool {
    let cap = FileKind::TrustStore.cap() as usize;
    gate::read_bounded(&ws.root, path, FileKind::TrustStore).is_ok_and(|bytes| {
        let head = zeroize::Zeroizing::new(bytes);
        let head = &head[..head.len().min(cap)];
        contains_private_key(head) || std::str::from_utf8(head).is_err()
    })
}

/// How deep and how wide a folder inside `keys/` is searched for private keys.
const MAX_STRAY_DEPTH: usize = 8;
const MAX_STRAY_ENTRIES: usize = 10_000;

fn keys_dir(ws: &Workspace) -> PathBuf {
    ws.root.join(KEYS_DIR)
}

/// The trust store file of `party` (a valid id).
pub fn party_file(ws: &Workspace, party: &str) -> PathBuf {
    keys_dir(ws).join(format!("{party}.toml"))
}

impl TrustStore {
    /// Reads every `keys/*.toml` file. A missing `keys/` directory is an empty store. Anything
    /// else in `keys/` is not read as a trust store file: private key material (anywhere below
    /// `keys/`) and unreadable entries are DP216 errors, other files and folders DP218 warnings;
    /// `init`'s `.gitkeep` is allowed.
    pub fn load(ws: &Workspace) -> Result<TrustStore> {
        let dir = keys_dir(ws);
        let mut store = TrustStore::default();
        for path in gate::list_dir(&ws.root, &dir)? {
            // Following links that stay inside (a link inside the workspace to a trust store
            // file is fine); a FIFO or device is never opened, so reading cannot hang; an entry
            // that cannot be examined (a link loop, say) is not a regular file. A `.toml` that
            // leads outside is refused by the gate as it is read; any other entry that does is
            // a DP216 error, never read.
            let kind = gate::check_inside(&ws.root, &path)
                .map(|()| gate::kind_of(&ws.root, &path).unwrap_or(Kind::Other));
            let toml = path.extension().is_some_and(|e| e == "toml");
            if toml && matches!(kind, Ok(Kind::File) | Err(_)) {
                store.load_file(ws, &path)?;
            } else {
                store.stray_entry(ws, &path, kind);
            }
        }
        store.mark_duplicates();
        // Configurable severities (DP218) follow datapact.toml like every other finding.
        store.findings = ws.config.apply(store.findings);
        Ok(store)
    }

    /// Reports an entry of `keys/` that is not a trust store file `<party-id>.toml`: private
    /// key material (also inside folders, and any binary file), unreadable entries and links
    /// out of the workspace are errors (DP216); an ordinary extra file or folder is a warning
    /// (DP218).
    fn stray_entry(&mut self, ws: &Workspace, path: &Path, kind: Result<Kind>) {
        let display = ws.display(path);
        let kind = match kind {
            Ok(kind) => kind,
            // A link out of the workspace: never read.
            Err(refusal) => {
                self.findings.push(Finding::new(
                    &rules::signatures::TRUST_STORE_ENTRY,
                    &display,
                    Position::START,
                    refusal.message,
                    refusal.hint.unwrap_or_default(),
                ));
                return;
            }
        };
        let (regular, is_dir) = (kind == Kind::File, kind == Kind::Dir);
        if is_dir {
            let mut found_key = false;
            for file in gate::files_under(&ws.root, path, MAX_STRAY_DEPTH, MAX_STRAY_ENTRIES) {
                if looks_like_private_key(ws, &file) {
                    self.private_key_finding(&ws.display(&file));
                    found_key = true;
                }
            }
            if found_key {
                return;
            }
        } else if regular && looks_like_private_key(ws, path) {
            self.private_key_finding(&display);
            return;
        }
        // `datapact init` keeps the empty directory in git with an empty .gitkeep.
        if regular && path.file_name().is_some_and(|n| n == ".gitkeep") {
            return;
        }
        let (rule, what) = if is_dir {
            (&rules::signatures::TRUST_STORE_STRAY, "a directory")
        } else if regular {
            (&rules::signatures::TRUST_STORE_STRAY, "a file")
        } else {
            (
                &rules::signatures::TRUST_STORE_ENTRY,
                "not a regular file (a FIFO, device, socket or broken link)",
            )
        };
        self.findings.push(Finding::new(
            rule,
            &display,
            Position::START,
            format!("{display} is {what}, not a trust store file (keys/<party-id>.toml)"),
            "keys/ holds only the trust store files keys/<party-id>.toml; move anything else out of keys/",
        ));
    }

    /// Reports a private key found in the trust store directory, without quoting any of it.
    fn private_key_finding(&mut self, display: &str) {
        self.findings.push(Finding::new(
            &rules::signatures::TRUST_STORE_ENTRY,
            display,
            Position::START,
            format!(
                "{display} looks like a private key (it holds a PRIVATE KEY block): a private key must never be in the workspace"
            ),
            "move it out of the workspace now (for example to ~/.config/datapact/keys/, mode 0600); \
             if it was ever committed, pushed or shared, revoke its key (`datapact keys revoke`) and generate a new one",
        ));
    }

    fn load_file(&mut self, ws: &Workspace, path: &Path) -> Result<()> {
        let display = ws.display(path);
        let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        check_id(stem).map_err(|why| {
            Error::input(format!("{display}: trust store file name is not a party id ({why})"))
                .with_hint("name each trust store file keys/<party-id>.toml, using the party's id from the agreement")
        })?;
        let bytes = gate::try_read(&ws.root, path, FileKind::TrustStore).map_err(|e| match e {
            ReadError::TooLarge { max } => Error::input(format!(
                "{display} is larger than {max} bytes"
            ))
            .with_hint("a trust store file lists a few keys; check that this is the right file"),
            e => e.into_error(path, FileKind::TrustStore),
        })?;
        self.parse_file(&ws.config, &display, stem, bytes)
    }

    /// The trust store of one file's bytes: `keys/<party>.toml` as it is (or was, in git
    /// history), read as [`TrustStore::load`] reads each file (keys enrolled twice in it
    /// marked unusable). `display` names the file in messages. An error says why the bytes are
    /// not a trust store file at all.
    pub fn from_file_bytes(
        config: &Config,
        display: &str,
        party: &str,
        bytes: Vec<u8>,
    ) -> Result<TrustStore> {
        check_id(party).map_err(|why| {
            Error::input(format!(
                "{display}: trust store file name is not a party id ({why})"
            ))
        })?;
        let mut store = TrustStore::default();
        store.parse_file(config, display, party, bytes)?;
        store.mark_duplicates();
        Ok(store)
    }

    /// Adds the entries of one trust store file's bytes (`display` names it, `stem` is its
    /// party).
    fn parse_file(
        &mut self,
        config: &Config,
        display: &str,
        stem: &str,
        bytes: Vec<u8>,
    ) -> Result<()> {
        let display = display.to_string();
        if contains_private_key(&bytes) {
            self.private_key_finding(&display);
            return Ok(());
        }
        let text = String::from_utf8(bytes).map_err(|_| {
            Error::input(format!("{display} is not valid UTF-8"))
                .with_hint("save the trust store file as UTF-8")
        })?;
        let lines = LineIndex::new(&text);
        let raw: RawFile = toml::from_str(&text).map_err(|e| {
            let pos = lines.position(&text, e.span().map_or(0, |s| s.start));
            Error::input(format!(
                "{display}:{}:{}: invalid trust store file: {}",
                pos.line,
                pos.column,
                e.message().trim()
            ))
            .with_hint(concat!(
                "see ",
                docs_url!("signing.md#file-formats"),
                " for the fields of a [[keys]] entry"
            ))
        })?;
        for spanned in raw.keys {
            let pos = lines.position(&text, spanned.span().start);
            let raw = spanned.into_inner();
            let mut problems = Vec::new();
            // No value may hold a control or formatting character: a newline in a public key's
            // comment or a principal would become a line of its own in allowed_signers. (The
            // public key's decoding refuses them too.)
            let texts = [
                ("key_id", Some(&raw.key_id)),
                ("principal", Some(&raw.principal)),
                ("revocation_reason", raw.revocation_reason.as_ref()),
            ];
            let roles = raw.roles.iter().map(|r| ("roles", Some(r)));
            for (name, value) in texts.into_iter().chain(roles) {
                if let Some(c) = value.and_then(|v| v.chars().find(|&c| super::forbidden_char(c))) {
                    problems.push(format!(
                        "{name} contains the control or formatting character {}, which a trust store value must never hold",
                        c.escape_unicode()
                    ));
                }
            }
            let decoded = decode_public_key_line(&raw.public_key)
                .map_err(|why| problems.push(format!("public_key cannot be used: {why}")))
                .ok();
            let identity = decoded.as_ref().map(|d| sshsig::key_id_of(&d.bytes));
            let key = decoded.as_ref().and_then(|d| {
                sshsig::usable_key(&d.bytes)
                    .map_err(|why| problems.push(format!("public_key cannot be used: {why}")))
                    .ok()
            });
            if let Some(id) = &identity {
                if *id != raw.key_id {
                    problems.push(format!(
                        "key_id {} does not match the public key, whose key id is {id}",
                        shown(&raw.key_id)
                    ));
                }
            }
            if let Err(why) = check_principal(&raw.principal) {
                problems.push(format!("principal {:?}: {why}", raw.principal));
            }
            for role in &raw.roles {
                if let Err(why) = config.check_role(role) {
                    problems.push(why);
                }
            }
            let mut date = |name: &str, v: &Option<toml::value::Datetime>| match v {
                None => None,
                Some(dt) => local_date(dt)
                    .map_err(|why| problems.push(format!("{name} = {why}")))
                    .ok(),
            };
            let valid_from = date("valid_from", &raw.valid_from);
            let valid_until = date("valid_until", &raw.valid_until);
            let revoked = match (&raw.revoked, date("revoked", &raw.revoked)) {
                // An unreadable revocation date still revokes the key.
                (Some(_), None) => Some(NaiveDate::MIN),
                (_, d) => d,
            };
            if let (Some(from), Some(until)) = (valid_from, valid_until) {
                if until < from {
                    problems.push(format!(
                        "valid_until ({until}) is before valid_from ({from}), so the key can never sign"
                    ));
                }
            }
            let key_id = identity.clone().unwrap_or_else(|| shown(&raw.key_id));
            let problem = (!problems.is_empty()).then(|| problems.join("; "));
            if let Some(problem) = &problem {
                self.findings.push(Finding::new(
                    &rules::signatures::TRUST_STORE_ENTRY,
                    &display,
                    pos,
                    format!("trust store entry for {key_id} cannot be used: {problem}"),
                    "fix the entry, or remove it and enrol the key again with `datapact keys add`",
                ));
            }
            self.keys.push(TrustedKey {
                party: stem.to_string(),
                key_id,
                public_key: decoded
                    .as_ref()
                    .map_or_else(|| shown(&raw.public_key), DecodedKey::openssh),
                principal: shown(&raw.principal),
                roles: raw.roles.iter().map(|r| shown(r)).collect(),
                valid_from,
                valid_until,
                revoked,
                revocation_reason: raw.revocation_reason.as_deref().map(shown),
                problem,
                file: display.clone(),
                line: pos.line,
                stated_key_id: raw.key_id,
                identity,
                key,
                any_role: if raw.roles.is_empty() {
                    config
                        .roles()
                        .iter()
                        .map(|(id, _)| id.to_string())
                        .collect()
                } else {
                    Vec::new()
                },
            });
        }
        Ok(())
    }

    /// A key enrolled twice (for one party or two) cannot be attributed
    /// to one holder: every entry of it is marked unusable, naming where each one is.
    fn mark_duplicates(&mut self) {
        let mut places = std::collections::HashMap::<String, Vec<String>>::new();
        for k in &self.keys {
            if let Some(id) = &k.identity {
                places
                    .entry(id.clone())
                    .or_default()
                    .push(format!("{}:{}", k.file, k.line));
            }
        }
        for k in &mut self.keys {
            let Some(at) = k.identity.as_ref().and_then(|id| places.get(id)) else {
                continue;
            };
            if at.len() < 2 {
                continue;
            }
            let why = format!(
                "key {} is enrolled more than once ({} entries: {}); a key belongs to one party, once, so it counts for nobody until one entry is left",
                k.key_id,
                at.len(),
                at.join(", ")
            );
            self.findings.push(Finding::new(
                &rules::signatures::TRUST_STORE_ENTRY,
                &k.file,
                Position {
                    line: k.line,
                    column: 1,
                },
                why.clone(),
                "keep one entry for the key, under the party that holds it",
            ));
            k.problem = Some(match k.problem.take() {
                Some(other) => format!("{why}; {other}"),
                None => why,
            });
        }
    }

    /// The entry for the key whose key id is `key_id`, if enrolled. Entries are matched by the
    /// key computed from their public key, never by their (hand-editable) `key_id` field. A key
    /// enrolled more than once gives one of its entries, each marked unusable for that reason.
    pub fn find<'a>(&'a self, key_id: &str) -> Option<&'a TrustedKey> {
        self.keys.iter().find(|k| k.holds(key_id))
    }

    /// Every entry holding the key whose key id is `key_id` (more than one when it is enrolled
    /// twice).
    pub fn find_all<'a>(&'a self, key_id: &'a str) -> impl Iterator<Item = &'a TrustedKey> {
        self.keys.iter().filter(move |k| k.holds(key_id))
    }

    /// An OpenSSH allowed_signers file for every usable, unrevoked key, restricted to the
    /// datapact namespace, with the validity window as `valid-after`/`valid-before`, widened for
    /// OpenSSH before 9.1 ([`openssh_window`]). Each
    /// key line is built from checked parts only: the principal ([`check_principal`]), the
    /// options, and the key re-encoded from its bytes (type and base64, no comment). Comment lines
    /// name only the computed key id, the principal of a usable entry and the file and line.
    pub fn allowed_signers(&self) -> String {
        let mut out = String::from(
            "# OpenSSH allowed_signers file written by `datapact keys export-allowed-signers`.\n\
             # Verify a statement with:\n\
             #   ssh-keygen -Y verify -f allowed_signers -I PRINCIPAL -n ",
        );
        out.push_str(NAMESPACE);
        out.push_str(" -s STATEMENT.toml.sig < STATEMENT.toml\n");
        out.push_str(
            "# Readable by OpenSSH 8.7 and later. Validity windows are widened by a day on each\n\
             # side (OpenSSH before 9.1 reads these dates in local time only); datapact itself\n\
             # applies the exact window from keys/.\n",
        );
        for k in &self.keys {
            let usable = k.key.as_ref().filter(|_| k.problem.is_none());
            let Some(key) = usable.filter(|_| check_principal(&k.principal).is_ok()) else {
                out.push_str(&format!(
                    "# left out (unusable entry at {}:{})\n",
                    k.file, k.line
                ));
                continue;
            };
            let key_id = sshsig::key_id(key);
            if let Some(date) = k.revoked {
                out.push_str(&format!(
                    "# left out (revoked {date}): {} {key_id}\n",
                    k.principal
                ));
                continue;
            }
            let Some(window) = openssh_window(k.valid_from, k.valid_until) else {
                out.push_str(&format!(
                    "# left out (its validity ended before 1970, which allowed_signers cannot express): {} {key_id}\n",
                    k.principal
                ));
                continue;
            };
            let mut options = vec![format!("namespaces=\"{NAMESPACE}\"")];
            options.extend(window);
            out.push_str(&format!("# party {}, key {key_id}\n", k.party));
            out.push_str(&format!(
                "{} {} {}\n",
                k.principal,
                options.join(","),
                sshsig::public_key_line(key)
            ));
        }
        out
    }
}

/// The `valid-after`/`valid-before` options of a validity window in the form every OpenSSH
/// from 8.7 reads: `YYYYMMDD` without the `Z` suffix (which OpenSSH reads only from 9.1; without
/// it, each version reads the date as midnight local time). So that no time zone shortens the
/// window, it is widened by a day on each side: `valid-after` is the day before the first day,
/// `valid-before` two days after the last (midnight local time starting the day after the day
/// after). datapact itself applies the exact window; this one is only for `ssh-keygen -Y
/// verify`. OpenSSH reads no time before 1970 (a date whose local midnight is before the epoch
/// is refused, making the line unreadable), so a `valid-after` before 1970-01-02 is left out, a
/// window whose `valid-before` would fall before 1970-01-02 gives `None` (the key is left out),
/// and a `valid-before` beyond 9999 (a window ending on 9999-12-30 or later) is left out.
fn openssh_window(from: Option<NaiveDate>, until: Option<NaiveDate>) -> Option<Vec<String>> {
    // The first date whose local midnight is after the epoch in every time zone.
    let earliest = NaiveDate::from_ymd_opt(1970, 1, 2).unwrap_or(NaiveDate::MIN);
    let mut options = Vec::new();
    if let Some(after) = from.and_then(|d| d.pred_opt()).filter(|&d| d >= earliest) {
        options.push(format!("valid-after=\"{}\"", openssh_date(after)));
    }
    if let Some(until) = until {
        match until
            .checked_add_days(chrono::Days::new(2))
            .filter(|d| crate::dates::YEARS.contains(&d.year()))
        {
            Some(before) if before < earliest => return None,
            Some(before) => options.push(format!("valid-before=\"{}\"", openssh_date(before))),
            None => {}
        }
    }
    Some(options)
}

/// A date as OpenSSH 8.7 and later read it in allowed_signers options: `YYYYMMDD`, no `Z`.
fn openssh_date(day: NaiveDate) -> String {
    day.format("%Y%m%d").to_string()
}

/// A key to enrol.
#[derive(Debug, Clone)]
pub struct NewKey {
    pub party: String,
    pub key_id: String,
    /// `ssh-ed25519 AAAA...`
    pub public_key: String,
    pub principal: String,
    pub roles: Vec<String>,
    pub valid_from: Option<NaiveDate>,
    pub valid_until: Option<NaiveDate>,
}

/// `d` as a TOML date to write; a year outside 1900 to 9999 is refused (it would not be read
/// back, or read back as another year).
fn edit_date(d: NaiveDate, name: &str) -> Result<toml_edit::Value> {
    let refuse = || {
        Error::usage(format!(
            "{name} {d} is not a date datapact can record: the year must be from {} to {}",
            crate::dates::YEARS.start(),
            crate::dates::YEARS.end()
        ))
        .with_hint("give a date written YYYY-MM-DD with a year from 1900 to 9999")
    };
    let year = u16::try_from(d.year())
        .ok()
        .filter(|_| crate::dates::YEARS.contains(&d.year()))
        .ok_or_else(refuse)?;
    let date = toml_edit::Date {
        year,
        month: d.month() as u8,
        day: d.day() as u8,
    };
    Ok(toml_edit::Value::from(toml_edit::Datetime {
        date: Some(date),
        time: None,
        offset: None,
    }))
}

fn read_document(
    root: &Path,
    path: &Path,
    display: &str,
) -> Result<Option<toml_edit::DocumentMut>> {
    let bytes = match gate::try_read(root, path, FileKind::TrustStore) {
        Ok(b) => b,
        Err(e) if e.is_missing() => return Ok(None),
        Err(ReadError::TooLarge { max }) => {
            return Err(
                Error::input(format!("{display} is larger than {max} bytes"))
                    .with_hint("check the trust store file"),
            );
        }
        Err(e) => return Err(e.into_error(path, FileKind::TrustStore)),
    };
    let text = String::from_utf8(bytes).map_err(|_| {
        Error::input(format!("{display} is not valid UTF-8")).with_hint("save it as UTF-8")
    })?;
    let doc = text.parse::<toml_edit::DocumentMut>().map_err(|e| {
        Error::input(format!(
            "{display}: cannot edit the trust store file: {}",
            e.message()
        ))
        .with_hint(
            "fix the TOML syntax error first (run `datapact keys list` to see it with its line)",
        )
    })?;
    Ok(Some(doc))
}

/// Adds `key` to its party's trust store file (created if needed) and returns the file.
/// Refuses a key already enrolled for any party.
pub fn add_key(ws: &Workspace, store: &TrustStore, key: &NewKey) -> Result<PathBuf> {
    let (path, text) = prepare_add(ws, store, key)?;
    gate::write_atomic(&ws.root, &path, text.as_bytes(), Overwrite::Allow)?;
    Ok(path)
}

/// Everything [`add_key`] does except writing: the trust store file of `key`'s party and its
/// new text. Lets `keys generate` check that enrolment will work before it writes a private key.
pub fn prepare_add(ws: &Workspace, store: &TrustStore, key: &NewKey) -> Result<(PathBuf, String)> {
    if let Some(existing) = store.find(&key.key_id) {
        return Err(Error::refused(format!(
            "key {} is already enrolled for party {} ({}:{})",
            key.key_id, existing.party, existing.file, existing.line
        ))
        .with_hint(
            "a key belongs to one party once; to change its details, revoke it or edit that entry",
        ));
    }
    let path = party_file(ws, &key.party);
    // Never written through a linked keys/ directory to a place outside the workspace.
    ws.check_inside(&path)?;
    let display = ws.display(&path);
    let mut doc = read_document(&ws.root, &path, &display)?.unwrap_or_else(|| {
        let mut d = toml_edit::DocumentMut::new();
        d.decor_mut().set_prefix(format!(
            concat!(
                "# Trust store: public keys of party {}. Reviewed in git like every other file.\n\
                 # Managed with `datapact keys add|generate|revoke`; see ",
                docs_url!("signing.md"),
                ".\n"
            ),
            key.party
        ));
        d
    });
    let array = doc
        .entry("keys")
        .or_insert(toml_edit::Item::ArrayOfTables(
            toml_edit::ArrayOfTables::new(),
        ))
        .as_array_of_tables_mut()
        .ok_or_else(|| {
            Error::input(format!(
                "{display}: `keys` is not an array of [[keys]] tables"
            ))
            .with_hint("fix the file so that every key is a [[keys]] table")
        })?;
    let mut table = toml_edit::Table::new();
    table["key_id"] = toml_edit::value(key.key_id.as_str());
    table["public_key"] = toml_edit::value(key.public_key.as_str());
    table["principal"] = toml_edit::value(key.principal.as_str());
    table["roles"] = toml_edit::value(
        key.roles
            .iter()
            .map(String::as_str)
            .collect::<toml_edit::Array>(),
    );
    if let Some(d) = key.valid_from {
        table["valid_from"] = toml_edit::value(edit_date(d, "--valid-from")?);
    }
    if let Some(d) = key.valid_until {
        table["valid_until"] = toml_edit::value(edit_date(d, "--valid-until")?);
    }
    array.push(table);
    Ok((path, doc.to_string()))
}

/// Marks key `key_id` revoked on `date` with `reason`; returns the file changed. The entry is
/// the one holding that key, found by the key computed from each entry's public key (an entry
/// whose `key_id` field merely claims that id is never touched); a key enrolled more than once
/// is refused as ambiguous, naming every entry.
pub fn revoke(
    ws: &Workspace,
    store: &TrustStore,
    key_id: &str,
    date: NaiveDate,
    reason: &str,
) -> Result<PathBuf> {
    if let Some(c) = reason.chars().find(|&c| super::forbidden_char(c)) {
        return Err(Error::usage(format!(
            "--reason contains the control or formatting character {}",
            c.escape_unicode()
        ))
        .with_hint("give the reason as one line of plain text"));
    }
    let resolved = resolve_key_id(store, key_id)?;
    let key_id = resolved.as_str();
    let entries: Vec<&TrustedKey> = store.find_all(key_id).collect();
    let entry = match entries.as_slice() {
        [one] => *one,
        [] => return Err(not_enrolled(store, key_id)),
        many => {
            let places: Vec<String> = many
                .iter()
                .map(|k| format!("{}:{} (party {})", k.file, k.line, k.party))
                .collect();
            return Err(Error::refused(format!(
                "key {key_id} is enrolled {} times: {}; datapact cannot tell which entry to revoke",
                many.len(),
                places.join(", ")
            ))
            .with_hint(
                "a key belongs to one party, once, and counts for nobody while it is enrolled twice; \
                 remove the entries that are wrong, then revoke it",
            ));
        }
    };
    if let Some(when) = entry.revoked {
        return Err(
            Error::refused(format!("key {key_id} is already revoked (since {when})"))
                .with_hint("nothing to do; a revoked key stays revoked"),
        );
    }
    let path = party_file(ws, &entry.party);
    ws.check_inside(&path)?;
    let display = ws.display(&path);
    let mut doc = read_document(&ws.root, &path, &display)?.ok_or_else(|| {
        Error::usage(format!("{display} has gone missing")).with_hint("run the command again")
    })?;
    // The table holding the key, judged by its public key as the store was: exactly one.
    let holds_key = |t: &toml_edit::Table| {
        t.get("public_key")
            .and_then(|v| v.as_str())
            .and_then(|v| decode_public_key_line(v).ok())
            .is_some_and(|d| sshsig::key_id_of(&d.bytes) == key_id)
    };
    let mut tables: Vec<&mut toml_edit::Table> = doc
        .get_mut("keys")
        .and_then(|k| k.as_array_of_tables_mut())
        .map(|a| a.iter_mut().filter(|t| holds_key(t)).collect())
        .unwrap_or_default();
    let table = match tables.as_mut_slice() {
        [one] => one,
        _ => {
            return Err(Error::input(format!(
                "{display} changed while it was read: it no longer holds exactly one [[keys]] entry for {key_id}"
            ))
            .with_hint("run the command again"));
        }
    };
    table["revoked"] = toml_edit::value(edit_date(date, "--date")?);
    table["revocation_reason"] = toml_edit::value(reason);
    gate::write_atomic(
        &ws.root,
        &path,
        doc.to_string().as_bytes(),
        Overwrite::Allow,
    )?;
    Ok(path)
}

/// The error for revoking a key no entry holds; names an entry whose `key_id` field claims the
/// id without holding the key (a decoy, or an entry edited by mistake).
/// The key id `given` names: itself when a key has it, else the one enrolled key id it begins
/// (with or without `SHA256:`, at least 4 characters of the digest), as `git` takes a commit
/// prefix; a prefix of several keys is a usage error naming them.
fn resolve_key_id(store: &TrustStore, given: &str) -> Result<String> {
    const MIN_PREFIX: usize = 4;
    if store.find_all(given).next().is_some() {
        return Ok(given.to_string());
    }
    let digest = given.strip_prefix("SHA256:").unwrap_or(given);
    if digest.chars().count() < MIN_PREFIX {
        return Ok(given.to_string());
    }
    let wanted = format!("SHA256:{digest}");
    // Only keys whose entry was judged to hold them (never an id an entry merely claims).
    let mut matches: Vec<&str> = store
        .keys
        .iter()
        .filter_map(|k| k.identity.as_deref())
        .filter(|id| id.starts_with(&wanted))
        .collect();
    matches.sort_unstable();
    matches.dedup();
    match matches.as_slice() {
        [one] => Ok(one.to_string()),
        [] => Ok(given.to_string()),
        many => Err(Error::usage(format!(
            "{given:?} begins {} key ids: {}",
            many.len(),
            many.join(", ")
        ))
        .with_hint("give more of the key id (`datapact keys list` shows them whole)")),
    }
}

fn not_enrolled(store: &TrustStore, key_id: &str) -> Error {
    let claimant = store
        .keys
        .iter()
        .find(|k| k.stated_key_id == key_id && !k.holds(key_id));
    match claimant {
        Some(k) => Error::refused(format!(
            "no entry in the trust store holds key {key_id}: the entry at {}:{} has key_id {key_id} but its public key is {}, another key (DP216)",
            k.file, k.line, k.key_id
        ))
        .with_hint(
            "nothing was revoked; fix or remove that entry (`datapact check` reports it), and check who edited it",
        ),
        None => Error::refused(format!("no key {key_id} in the trust store"))
            .with_hint("run `datapact keys list` to see the key ids (they start with SHA256:)"),
    }
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their files directly
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    /// An enrolled key with the validity window `from`..`until`.
    fn key_valid(from: Option<&str>, until: Option<&str>) -> TrustedKey {
        TrustedKey {
            party: "nhs-essex-icb".into(),
            key_id: "SHA256:x".into(),
            public_key: "ssh-ed25519 AAAA".into(),
            principal: "p@nhs.net".into(),
            roles: Vec::new(),
            valid_from: from.map(date),
            valid_until: until.map(date),
            revoked: None,
            revocation_reason: None,
            problem: None,
            file: "keys/nhs-essex-icb.toml".into(),
            line: 1,
            stated_key_id: "SHA256:x".into(),
            identity: None,
            key: None,
            any_role: vec!["dpo".into()],
        }
    }

    #[test]
    fn a_key_id_prefix_names_the_one_key_it_begins() {
        let held = |id: &str| TrustedKey {
            identity: Some(id.to_string()),
            key_id: id.to_string(),
            ..key_valid(None, None)
        };
        let claimed = TrustedKey {
            identity: None,
            key_id: "SHA256:qqqq9".into(),
            ..key_valid(None, None)
        };
        let store = TrustStore {
            keys: vec![held("SHA256:abcdef1"), held("SHA256:abcdzz2"), claimed],
            ..TrustStore::default()
        };
        let ok = |given: &str| resolve_key_id(&store, given).unwrap();
        assert_eq!(ok("SHA256:abcdef1"), "SHA256:abcdef1");
        assert_eq!(ok("abcde"), "SHA256:abcdef1");
        assert_eq!(ok("SHA256:abcdz"), "SHA256:abcdzz2");
        // Too short to be taken as a prefix, or no key: left as given (not enrolled, later).
        assert_eq!(ok("abc"), "abc");
        assert_eq!(ok("SHA256:zzzz"), "SHA256:zzzz");
        // An id an entry only claims is never completed.
        assert_eq!(ok("qqqq"), "qqqq");
        let err = resolve_key_id(&store, "abcd").unwrap_err().to_string();
        assert!(err.contains("begins 2 key ids"), "{err}");
    }

    #[test]
    fn the_validity_window_in_words_names_both_ends_or_says_there_is_none() {
        for (from, until, words) in [
            (
                Some("2026-01-01"),
                Some("2026-12-31"),
                "2026-01-01 to 2026-12-31",
            ),
            (None, Some("2026-12-31"), "until 2026-12-31"),
            (
                Some("2026-01-01"),
                None,
                "from 2026-01-01, with no end date",
            ),
            (None, None, "on any date"),
        ] {
            assert_eq!(key_valid(from, until).window(), words);
        }
    }

    #[test]
    fn principals_are_1_to_128_safe_characters_not_starting_with_a_hyphen() {
        let longest = format!("{}@nhs.net", "a".repeat(128 - "@nhs.net".len()));
        assert_eq!(longest.len(), 128);
        for good in [
            "dpo@essexicb.nhs.uk",
            "first.last+signing@example.org",
            "a",
            "Caldicott_Guardian-2",
            "x-",
            longest.as_str(),
        ] {
            assert_eq!(check_principal(good), Ok(()), "{good:?}");
        }
        let length = "a principal must be 1 to 128 characters long";
        let too_long = format!("a{longest}");
        assert_eq!(check_principal(""), Err(length.to_string()));
        assert_eq!(check_principal(&too_long), Err(length.to_string()));
        assert_eq!(check_principal(&"a".repeat(1000)), Err(length.to_string()));
        assert_eq!(
            check_principal("-dpo@nhs.net"),
            Err("a principal must not start with a hyphen".to_string())
        );
        for (bad, found) in [
            ("dpo @nhs.net", "' '"),
            ("dpo@nhs.net\n", "'\\n'"),
            ("\"dpo\"@nhs.net", "'\"'"),
            ("dpo=x@nhs.net", "'='"),
            ("dpo,x@nhs.net", "','"),
            ("dpo*@nhs.net", "'*'"),
            ("dpé@nhs.net", "'é'"),
        ] {
            assert_eq!(
                check_principal(bad),
                Err(format!(
                    "a principal may contain only letters, digits and . _ @ + - (found {found}); an email address works"
                )),
                "{bad:?}"
            );
        }
    }

    /// The export writes a key line only for a usable, unrevoked entry with a valid principal,
    /// from the key itself (never the text of the entry); a store built by hand with a bad
    /// principal or a `public_key` text carrying a second line gets no line for that entry.
    #[test]
    fn allowed_signers_lines_come_from_checked_values_only() {
        let key = ed25519_dalek::SigningKey::from_bytes(&[21; 32]).verifying_key();
        let line = sshsig::public_key_line(&key);
        let usable = |principal: &str| TrustedKey {
            principal: principal.into(),
            public_key: format!("{line} c\nvictim@nhs.net {line}"),
            key_id: sshsig::key_id(&key),
            identity: Some(sshsig::key_id(&key)),
            key: Some(key),
            ..key_valid(Some("2026-01-01"), Some("2026-12-31"))
        };
        let store = TrustStore {
            keys: vec![
                usable("p@nhs.net"),
                usable("x@nhs.net\nvictim@nhs.net"),
                usable("victim@nhs.net,*"),
                TrustedKey {
                    revoked: Some(date("2026-05-01")),
                    ..usable("r@nhs.net")
                },
                TrustedKey {
                    problem: Some("enrolled twice".into()),
                    ..usable("u@nhs.net")
                },
                TrustedKey {
                    key: None,
                    ..usable("n@nhs.net")
                },
            ],
            findings: Vec::new(),
        };
        let out = store.allowed_signers();
        let id = sshsig::key_id(&key);
        let body: Vec<&str> = out.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            body,
            [format!(
                "p@nhs.net namespaces=\"{NAMESPACE}\",valid-after=\"20251231\",valid-before=\"20270102\" {line}"
            )]
        );
        let comments: Vec<&str> = out.lines().filter(|l| l.starts_with('#')).skip(6).collect();
        assert_eq!(
            comments,
            [
                format!("# party nhs-essex-icb, key {id}"),
                "# left out (unusable entry at keys/nhs-essex-icb.toml:1)".to_string(),
                "# left out (unusable entry at keys/nhs-essex-icb.toml:1)".to_string(),
                format!("# left out (revoked 2026-05-01): r@nhs.net {id}"),
                "# left out (unusable entry at keys/nhs-essex-icb.toml:1)".to_string(),
                "# left out (unusable entry at keys/nhs-essex-icb.toml:1)".to_string(),
            ]
        );
    }

    /// The validity window in allowed_signers terms: without `Z` (OpenSSH before 9.1 does not
    /// read it), widened by a day on each side (`valid-after` the day before the first day,
    /// `valid-before` two days after the last), and only what OpenSSH can express in any time
    /// zone (local midnights from 1970-01-02, four-digit years) is written.
    #[test]
    fn validity_windows_become_the_options_openssh_8_7_and_later_read() {
        let w = |from: Option<&str>, until: Option<&str>| {
            openssh_window(from.map(date), until.map(date))
        };
        let opts = |v: &[&str]| Some(v.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(w(None, None), opts(&[]));
        assert_eq!(
            w(Some("2026-01-01"), Some("2026-12-31")),
            opts(&["valid-after=\"20251231\"", "valid-before=\"20270102\""])
        );
        // Across the ends of months and a leap day.
        assert_eq!(
            w(Some("2028-03-01"), Some("2028-02-28")),
            opts(&["valid-after=\"20280229\"", "valid-before=\"20280301\""])
        );
        assert_eq!(
            w(Some("1970-01-03"), Some("9999-12-29")),
            opts(&["valid-after=\"19700102\"", "valid-before=\"99991231\""])
        );
        // From 1970-01-02 or earlier: no lower bound OpenSSH reads in every zone; until
        // 9999-12-30: two days after has five digits of year.
        assert_eq!(w(Some("1970-01-02"), Some("9999-12-30")), opts(&[]));
        assert_eq!(w(Some("1900-01-01"), None), opts(&[]));
        // Ended so early that even the widened end is before 1970-01-02: left out.
        assert_eq!(w(Some("1900-01-01"), Some("1969-12-30")), None);
        assert_eq!(w(None, Some("1969-12-29")), None);
        assert_eq!(
            w(None, Some("1969-12-31")),
            opts(&["valid-before=\"19700102\""])
        );
        let options = w(Some("1999-06-15"), Some("2031-03-01")).unwrap();
        assert!(options.iter().all(|o| !o.contains('Z')), "{options:?}");
        assert_eq!(openssh_date(date("2026-07-04")), "20260704");
    }

    /// A trust store file of `len` bytes: one valid entry, then comment lines up to `len`.
    fn trust_file_of(dir: &Path, len: usize) -> PathBuf {
        let mut text = String::from(
            "[[keys]]\n\
             key_id = \"SHA256:kGZrHBPCWysSHkhZTUqHkzFjKjTkizfuszaFwGBoYFA\"\n\
             public_key = \"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIH8\"\n\
             principal = \"p@nhs.net\"\n",
        );
        let comment = "# history: key handed over at the quarterly governance meeting\n";
        while text.len() + comment.len() <= len {
            text.push_str(comment);
        }
        while text.len() < len {
            text.push('\n');
        }
        let path = dir.join("nhs-essex-icb.toml");
        std::fs::write(&path, &text).unwrap();
        path
    }

    /// Trust store files are capped at 256 KiB: a large file (long history in comments) is
    /// edited, one byte over the cap is refused.
    #[test]
    fn trust_store_files_up_to_256_kib_are_read_and_larger_ones_refused() {
        let dir = tempfile::tempdir().unwrap();
        let root = std::fs::canonicalize(dir.path()).unwrap();
        for len in [200 * 1024, 256 * 1024] {
            let path = trust_file_of(&root, len);
            assert_eq!(std::fs::metadata(&path).unwrap().len(), len as u64);
            let doc = read_document(&root, &path, "keys/nhs-essex-icb.toml")
                .unwrap()
                .expect("the file exists");
            assert_eq!(doc["keys"][0]["principal"].as_str(), Some("p@nhs.net"));
        }
        let path = trust_file_of(&root, 256 * 1024 + 1);
        let err = read_document(&root, &path, "keys/nhs-essex-icb.toml").unwrap_err();
        assert_eq!(
            err.message,
            "keys/nhs-essex-icb.toml is larger than 262144 bytes"
        );
    }
}
