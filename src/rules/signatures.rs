//! Catalogue entries for signatures and the trust store (DP2xx), reported by verification
//! (`signing/verify.rs`) and the trust store reader (`signing/trust.rs`).

use crate::diagnostics::{Family, Rule, Severity};

pub static SIGNATURE_STALE: Rule = Rule {
    code: "DP201",
    name: "signature-stale",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a signature counts only for the exact bytes it covers.",
    applies: "always",
    summary: "A party signed this version, but the agreement file changed afterwards (its SHA-256 no longer matches).",
    hint: "bump `version` in the agreement and ask every party to sign the new version; or undo the change",
    source: "Signing design: a signature covers the exact bytes; change means a new version and new signatures.",
};

pub static SIGNATURE_WRONG_AGREEMENT: Rule = Rule {
    code: "DP202",
    name: "signature-wrong-agreement",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a signature copied from another agreement must never count for this one.",
    applies: "always",
    summary: "A statement names another agreement (a signature copied from elsewhere).",
    hint: "remove the file; the party signs this agreement version itself with `datapact sign`",
    source: "Signing design, threat table: signature copied from another agreement.",
};

pub static SIGNATURE_WRONG_VERSION: Rule = Rule {
    code: "DP203",
    name: "signature-wrong-version",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a signature on one version must never count for another.",
    applies: "always",
    summary: "A statement is for another version than the one it is filed under, or signatures exist for a later version than the agreement's.",
    hint: "remove the file; the party signs this agreement version itself with `datapact sign`",
    source: "Signing design, threat table: signature from version N presented for N+1; version rollback.",
};

pub static SIGNATURE_UNKNOWN_KEY: Rule = Rule {
    code: "DP204",
    name: "signature-unknown-key",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: only keys enrolled in the reviewed trust store are trusted.",
    applies: "always",
    summary: "The signing key is not in the workspace trust store (keys/).",
    hint: "enrol the signer's public key with `datapact keys add`, after checking its key id with them out of band",
    source: "Signing design: only enrolled keys are trusted.",
};

pub static SIGNATURE_WRONG_PARTY: Rule = Rule {
    code: "DP205",
    name: "signature-wrong-party",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: a key signs only for the party it is enrolled for.",
    applies: "always",
    summary: "The signing key belongs to another party, or the statement is filed under another party's name.",
    hint: "remove the file; the party signs this agreement version itself with `datapact sign`",
    source: "Signing design, threat table: key belonging to another party.",
};

pub static SIGNATURE_REVOKED_KEY: Rule = Rule {
    code: "DP206",
    name: "signature-revoked-key",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: a revoked key's signatures never count.",
    applies: "always",
    summary: "The signing key is revoked; its signatures never count, whatever their claimed date.",
    hint: "the party signs the same version again with a valid key, replacing the statement that no longer counts: `datapact sign ID --party PARTY --key KEYFILE --replace`",
    source: "Signing design: git's revocation semantics.",
};

pub static SIGNATURE_KEY_VALIDITY: Rule = Rule {
    code: "DP207",
    name: "signature-key-validity",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: a key counts only inside its validity window.",
    applies: "always",
    summary: "The key was used outside its validity window (judged at the claimed signing time).",
    hint: "the party signs the same version again with a valid key, replacing the statement that no longer counts: `datapact sign ID --party PARTY --key KEYFILE --replace`",
    source: "Signing design: valid_from / valid_until in the trust store.",
};

pub static SIGNATURE_BAD: Rule = Rule {
    code: "DP208",
    name: "signature-bad",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a signature that does not verify proves nothing.",
    applies: "always",
    summary: "The signature does not verify (verify_strict), its key is weak or unusable, or it was made with another key than the statement names.",
    hint: "remove the statement and signature files and sign again with `datapact sign`",
    source: "OpenSSH PROTOCOL.sshsig; Ed25519 strict verification.",
};

pub static SIGNATURE_NAMESPACE: Rule = Rule {
    code: "DP209",
    name: "signature-namespace",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a signature made for another purpose (namespace) must not count as agreement to this text.",
    applies: "always",
    summary: "The signature was made for another SSHSIG namespace (such as `git` or `file`).",
    hint: "remove the statement and signature files and sign again with `datapact sign`",
    source: "OpenSSH PROTOCOL.sshsig: namespaces separate signing domains.",
};

pub static SIGNATURE_MALFORMED: Rule = Rule {
    code: "DP210",
    name: "signature-malformed",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing and the tool itself: a damaged or misplaced file is never read as a signature.",
    applies: "always",
    summary: "A statement or signature file is malformed (its SSHSIG hash neither sha512 nor sha256, say), truncated or too large, is not a regular file, or is reached through a symbolic link that leads outside the workspace (nothing behind such a link is read).",
    hint: "remove the statement and signature files and sign again with `datapact sign`",
    source: "Robustness: a damaged file gets a clear error naming it.",
};

pub static SIGNATURE_LINE_ENDINGS: Rule = Rule {
    code: "DP211",
    name: "signature-line-endings",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: converted line endings change the bytes that were signed.",
    applies: "always",
    summary: "A signed file has CRLF line endings: git (core.autocrlf) converted them, so the signed bytes changed.",
    hint: "run `datapact normalise` on the file named: it restores the LF line endings that were signed, in place, and keeps every other change (no need to sign again). Then add `*.toml -text` and `signatures/** -text` to .gitattributes (`datapact init` writes them), so that git does not convert them again",
    source: "Signing design: .gitattributes must stop git converting signed files.",
};

pub static SIGNATURE_ROLE: Rule = Rule {
    code: "DP212",
    name: "signature-role",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: a person signs only in the roles their key is enrolled for.",
    applies: "always",
    summary: "The statement's role is not one the key is enrolled for.",
    hint: "sign again in a role the key is enrolled for, or enrol the key for that role",
    source: "Signing design: the role in which a party signs (DPO, Caldicott Guardian, senior officer).",
};

pub static SIGNATURE_MISSING: Rule = Rule {
    code: "DP213",
    name: "signature-missing",
    family: Family::Signatures,
    default_severity: Severity::Warning,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: whether every party has signed decides whether the agreement is in force, so `verify` always shows it (`check` reports it only when asked, as DP306).",
    applies: "with `verify`; `check` reports DP306 instead with --require-signed",
    summary: "A party named in the agreement has not signed the current version.",
    hint: "the party signs with `datapact sign ID --party ORG --key KEYFILE`",
    source: "Signing design: fully signed means every party holds a valid signature on the current version.",
};

pub static SIGNATURE_UNEXPECTED_FILE: Rule = Rule {
    code: "DP214",
    name: "signature-unexpected-file",
    family: Family::Signatures,
    default_severity: Severity::Warning,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a file where statements go that is not one is never read, and must not be mistaken for a signature.",
    applies: "always",
    summary: "An entry under `signatures/` is not where signatures go: a file in a version directory that is not a party's statement or signature, a statement or signature without its pair (an interrupted signing: the party has not signed, and `datapact sign` completes it), a temporary file a killed run left (the next run that writes there removes it), a version directory not named `v<N>` in canonical form (`v03`, `V9`, `vx`, a number above 4294967295) or empty, a loose file, or `signatures/<name>/` with no `agreements/<name>.toml` (reported once for the workspace). None of them is read.",
    hint: "remove the file; the party signs this agreement version itself with `datapact sign`",
    source: "Signing design: one statement and one signature per party per version.",
};

pub static SIGNATURE_DUPLICATE: Rule = Rule {
    code: "DP215",
    name: "signature-duplicate",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: one key counts once, so one signer cannot stand for two parties.",
    applies: "always",
    summary: "One key signed for two parties; each key counts once.",
    hint: "remove the statement and signature files and sign again with `datapact sign`",
    source: "Signing design, threat table: the same key twice counts once.",
};

pub static TRUST_STORE_ENTRY: Rule = Rule {
    code: "DP216",
    name: "trust-store-entry",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: an unusable trust store entry, or a private key in `keys/`, undermines every signature.",
    applies: "always",
    summary: "A trust store entry cannot be used (weak, mixed-order or malformed key, key id not matching the key, key enrolled twice, bad role, a date that is not a plain date of a year from 1900 to 9999, a control or formatting character such as a newline in any value), or `keys/` holds private key material (a PEM private key block or a binary file, also inside folders), which must never be in the workspace, or an entry that cannot be read as a file (a FIFO, a device, a symbolic link leading outside the workspace).",
    hint: concat!(
        "fix or remove the entry with `datapact keys` (see ",
        docs_url!("signing.md#file-formats"),
        "); move any private key out of the workspace at once and replace it"
    ),
    source: "Signing design: weak keys refused at enrolment and rejected at verification.",
};

pub static SIGNATURE_CHAIN: Rule = Rule {
    code: "DP217",
    name: "signature-chain",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: the hash chain binds each version to the one before, so earlier signed history cannot be replaced unseen.",
    applies: "always",
    summary: "A statement's `previous_sha256` does not name the content that the latest earlier signed version's signatures cover: absent, different, naming an earlier version whose signatures are gone, or that version's signatures cover different contents. See docs/signing.md, \"The hash chain\".",
    hint: concat!(
        "check signatures/ in git history: restore the earlier version's signatures if they were removed, or remove this statement and its .sig and have the party sign again (`datapact sign` chains to the latest earlier signed version); see ",
        docs_url!("signing.md#the-hash-chain")
    ),
    source: "Signing design: the statement binds the digest of the previous version, a hash chain across versions.",
};

pub static TRUST_STORE_STRAY: Rule = Rule {
    code: "DP218",
    name: "trust-store-stray-file",
    family: Family::Signatures,
    default_severity: Severity::Warning,
    unreadable: false,
    acknowledgeable: false,
    standing: "A stray file in `keys/` is not read and trusts no one; it is only easy to mistake for the trust store, so a workspace may make it an error or switch it off.",
    applies: "always",
    configurable: true,
    summary: "A file or folder in `keys/` that is not a trust store file `keys/<party-id>.toml` and holds no private key material (that is DP216). The only signature rule that `[rules]` may change.",
    hint: "remove it, or move it out of keys/; keys/ holds only trust store files keys/<party-id>.toml",
    source: "Signing design: `keys/` holds only the reviewed trust store; anything else there is easy to mistake for it.",
};

pub static SIGNATURE_FROM_THE_FUTURE: Rule = Rule {
    code: "DP219",
    name: "signature-from-the-future",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: a signing time that has not come yet would let a key sign outside its validity window.",
    applies: "always",
    summary: "A statement's `signed_at` is after today (in the workspace time zone, allowing 5 minutes of clock skew): a signing time that has not come yet is never accepted, so a key whose validity window starts later cannot sign now.",
    hint: "the party signs again with `datapact sign` (it records the time of signing); check the signer's clock",
    source: "Signing design: the validity window is judged at the claimed signing time, which cannot be later than today.",
};

pub static PRIVATE_KEY_IN_WORKSPACE: Rule = Rule {
    code: "DP220",
    name: "private-key-in-workspace",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards security: a private key in a file git would commit lets anyone sign as its holder.",
    applies: "with `check` on the whole workspace (not `check ID`, which does not scan the workspace), in a workspace inside a git work tree",
    summary: "A file of the workspace that git tracks, or would commit (untracked and not ignored), holds a private key: a line opening a PEM private key block (`-----BEGIN OPENSSH PRIVATE KEY-----` and the like), an SSH.COM or a PuTTY private key. `keys/` is covered by DP216.",
    hint: "move the file out of the workspace (for example to ~/.config/datapact/keys/, mode 0600); if it was ever committed, pushed or shared, revoke its key (`datapact keys revoke`) and generate a new one",
    source: "Signing design: private keys never enter the workspace or its history.",
};

pub static REVIEW_INVALID: Rule = Rule {
    code: "DP221",
    name: "review-invalid",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a review moves the review date only when each of its statements verifies for the version reviewed.",
    applies: "to fully signed agreements, for the review statements of the current version",
    summary: "A review statement (`signatures/<id>/v<N>/reviews/<date>/<party>.toml`) does not count: its signature does not verify or is malformed, its key is unknown, another party's, revoked, outside its validity window or not enrolled for the role, it is signed after today, it names another agreement, version, party, date or content than the version it is filed under, its review date is in the future or after its signing day, its `next_review` is not after the review or further away than the agreement's `review_interval_months`, its outcome is empty or holds a control character, or it disagrees with the other statements of the same review on `next_review`. The message gives the reason; the review date stays what it was.",
    hint: "remove the review statement and its .sig, and have the party record the review again with `datapact review ID --party ORG --key KEYFILE --outcome TEXT --next-review DATE`",
    source: "Review design: a review counts only when every statement of it verifies for the exact bytes of the version reviewed.",
};

pub static REVIEW_INCOMPLETE: Rule = Rule {
    code: "DP222",
    name: "review-incomplete",
    family: Family::Signatures,
    default_severity: Severity::Warning,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: which parties must sign a review is the workspace's choice in `[reviews] signers`, and this finding says a review is not yet complete under that choice.",
    applies: "to fully signed agreements, for a review later than the latest complete one",
    summary: "A review has valid statements from some parties but still awaits a party that `[reviews] signers` in datapact.toml requires (the lead organisation, or every party), so it does not count yet and the review date stays what it was.",
    hint: "each party named signs the same review with `datapact review ID --party ORG --key KEYFILE --reviewed-on DATE --outcome TEXT --next-review DATE`",
    source: "Review design: a review counts once the parties the workspace's policy requires have signed it.",
};

pub static ACCEPTANCE_INVALID: Rule = Rule {
    code: "DP223",
    name: "acceptance-invalid",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards the version in force: an acceptance counts only as a well-formed record of this version.",
    applies: "to acceptance files, signatures/<id>/v<N>/acceptances/<party>.toml",
    summary: "An acceptance file does not hold: it is not a `datapact-acceptance/1` file, names another agreement, version or party than where it is filed, a party not in the agreement, a date after today, or text with control characters. It never counts.",
    hint: "remove the file and record the acceptance again with `datapact accept ID --party P --method M --on DATE --by TEXT --evidence TEXT`",
    source: "Acceptances record evidence held elsewhere; only a well-formed record of this version can be relied on.",
};

pub static ACCEPTANCE_STALE: Rule = Rule {
    code: "DP224",
    name: "acceptance-stale",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards the version in force: agreement to a text binds its exact bytes, as a signature does.",
    applies: "to acceptance files, signatures/<id>/v<N>/acceptances/<party>.toml",
    summary: "An acceptance names other bytes (SHA-256) than the version as it is now: the party accepted another text, so the acceptance never counts.",
    hint: "the text changed after it was accepted: bump the version (`datapact bump`) and have the party accept or sign the new one",
    source: "As for signatures (DP201): agreement to a text binds its exact bytes.",
};

pub static MEMBERSHIP_INVALID: Rule = Rule {
    code: "DP226",
    name: "membership-invalid",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards trust: a member is listed only on a statement that verifies with its own enrolled key.",
    applies: "to accessions and withdrawals, signatures/<id>/members/<class-party>/<member>/",
    summary: "A member's accession or withdrawal does not count: its signature does not verify or is malformed, its key is unknown, not the member's, revoked, outside its validity window or not enrolled for the role, it is signed after today, it names another agreement, member, class party or a later version than where it is filed, the class party is not a class party of the agreement, its name is empty or holds a control character, its day is after its signing day, or it is a withdrawal without a valid accession or before it. The member is not listed (or not as having left).",
    hint: "remove the statement and its .sig, and have the member sign again with `datapact join ID --class PARTY --member MEMBER --name TEXT --key KEYFILE` (or `datapact withdraw`)",
    source: "Membership design: a member is listed only on a statement that verifies with its own enrolled key.",
};

pub static MEMBERSHIP_STALE: Rule = Rule {
    code: "DP227",
    name: "membership-stale",
    family: Family::Signatures,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a member's agreement binds the exact bytes of the version it names.",
    applies: "to accessions and withdrawals, signatures/<id>/members/<class-party>/<member>/",
    summary: "A member's accession or withdrawal names other bytes (SHA-256) than the version it names: for the current version, the agreement file as it is now; for an earlier version, the content its parties' signatures cover. The member agreed to another text, so it does not count.",
    hint: "the member signs the agreement as it is: remove the statement and its .sig and run `datapact join` (or `datapact withdraw`) again",
    source: "As for signatures (DP201): agreement to a text binds its exact bytes.",
};

/// The signatures rules, in code order.
pub static RULES: &[&Rule] = &[
    &SIGNATURE_STALE,
    &SIGNATURE_WRONG_AGREEMENT,
    &SIGNATURE_WRONG_VERSION,
    &SIGNATURE_UNKNOWN_KEY,
    &SIGNATURE_WRONG_PARTY,
    &SIGNATURE_REVOKED_KEY,
    &SIGNATURE_KEY_VALIDITY,
    &SIGNATURE_BAD,
    &SIGNATURE_NAMESPACE,
    &SIGNATURE_MALFORMED,
    &SIGNATURE_LINE_ENDINGS,
    &SIGNATURE_ROLE,
    &SIGNATURE_MISSING,
    &SIGNATURE_UNEXPECTED_FILE,
    &SIGNATURE_DUPLICATE,
    &TRUST_STORE_ENTRY,
    &SIGNATURE_CHAIN,
    &TRUST_STORE_STRAY,
    &SIGNATURE_FROM_THE_FUTURE,
    &PRIVATE_KEY_IN_WORKSPACE,
    &REVIEW_INVALID,
    &REVIEW_INCOMPLETE,
    &ACCEPTANCE_INVALID,
    &ACCEPTANCE_STALE,
    &MEMBERSHIP_INVALID,
    &MEMBERSHIP_STALE,
];
