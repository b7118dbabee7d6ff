//! Catalogue entries for the history of the current branch (DP4xx), reported by history
//! verification (`history/audit.rs`): `datapact verify --history` and `datapact check --history`
//! walk the branch's git history once and judge every version, statement and trust store change
//! it ever held. A problem the branch still carries at HEAD is reported at the rule's severity;
//! one repaired since (reverted, bumped and signed again, the statement replaced) is reported
//! as a warning, so the record stays visible without failing every later run.

use crate::diagnostics::{Family, Rule, Severity};

pub static HISTORY_ROLLBACK: Rule = Rule {
    code: "DP401",
    name: "history-rollback",
    family: Family::History,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: a return to an earlier version's text must never pass unseen.",
    applies: "with `--history`",
    summary: "A commit lowered the agreement's `version`, or gave the file again the exact bytes of an earlier version that a later one had superseded (the v1 text restored in a new commit). Reported at the agreement file, naming the commit; a warning once the branch is back at or above the version it had reached.",
    hint: "restore the later version with `git revert <commit>`, or bump `version` above every version used so far and have every party sign it",
    source: "Signing design, threat table (docs/signing.md, \"Threats and defences\"; /work/shared/reference/signing.md): \"version number going backwards in git history (rollback) | reported by history verification\".",
};

pub static HISTORY_CHANGED_AFTER_SIGNING: Rule = Rule {
    code: "DP402",
    name: "history-changed-after-signing",
    family: Family::History,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: signed bytes changed under the same version number would make its signatures lie.",
    applies: "with `--history`",
    summary: "A commit changed the agreement's bytes without changing `version`, after a statement for that version naming the bytes before the change had been committed: signed content changed under a signed version number. A warning once no statement at HEAD covers the old bytes of the version the agreement still has (bumped, reverted or signed again).",
    hint: "bump `version` and have every party sign the new version, or undo the change with `git revert <commit>`",
    source: "Signing design, threat table (docs/signing.md; /work/shared/reference/signing.md): \"one byte of a signed agreement changed\", judged over the branch's history.",
};

pub static HISTORY_SKIPPED_VERSION: Rule = Rule {
    code: "DP403",
    name: "history-skipped-version",
    family: Family::History,
    default_severity: Severity::Warning,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "A skipped version number cannot be undone without rewriting history, and the hash chain still links the versions around it; a workspace may change its severity or switch it off.",
    applies: "with `--history`",
    summary: "A commit raised `version` by more than one above every version the agreement had had on the branch (v1 to v3): the skipped number may have been signed elsewhere and dropped. A warning: the skip cannot be undone without rewriting history, and the hash chain (DP405) still links the versions around it.",
    hint: "check that no party signed the skipped version on another branch; from now on raise `version` by one at a time",
    source: "Signing design, threat table (docs/signing.md; /work/shared/reference/signing.md): earlier signed history removed, replaced or skipped.",
};

pub static HISTORY_SIGNATURES_REMOVED: Rule = Rule {
    code: "DP404",
    name: "history-signatures-removed",
    family: Family::History,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: signatures are history, and removing them hides who agreed to what.",
    applies: "with `--history`, to agreements whose file still exists at HEAD",
    summary: "A statement, a signature or a whole version directory `signatures/<id>/v<N>/` that a commit of the branch held is gone at HEAD (removed or renamed: `v2` to `v02` is a removal, and the new name a DP214 warning). Reported at the path that is gone, naming the commit that removed it. Not reported: statements that no longer counted (their signature did not verify, or they covered bytes their version no longer had, the removal docs/signing.md asks for), lone halves of an interrupted signing, and the signatures of an agreement whose file was removed (withdrawn).",
    hint: "restore the files with `git checkout <commit>~1 -- <path>` and commit them; signatures are history and are never removed",
    source: "Signing design, threat table (docs/signing.md; /work/shared/reference/signing.md): earlier signed history removed, replaced or skipped.",
};

pub static HISTORY_CHAIN_BROKEN: Rule = Rule {
    code: "DP405",
    name: "history-chain-broken",
    family: Family::History,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing: the hash chain binds every version to the one before, in history as at HEAD.",
    applies: "with `--history`",
    summary: "A statement committed on the branch names a `previous_sha256` that is not what the statements of the latest earlier signed version covered in history (or names one when no earlier version was signed, or none when one was): every version is judged, not only the current one (DP217). A warning once that statement has been replaced or removed.",
    hint: "have the party sign again with `datapact sign`, which chains to the latest earlier signed version; look at that version's statements in git history first",
    source: "Signing design, the hash chain (docs/signing.md, \"The hash chain\"; /work/shared/reference/signing.md: \"the digest of the previous version (a hash chain across versions)\").",
};

pub static HISTORY_SIGNATURE_INVALID: Rule = Rule {
    code: "DP406",
    name: "history-signature-invalid",
    family: Family::History,
    default_severity: Severity::Error,
    configurable: false,
    unreadable: false,
    acknowledgeable: false,
    standing: "It guards signing and trust: a statement in history that does not verify is a signature copied, altered or made with a key never trusted.",
    applies: "with `--history`",
    summary: "A statement committed on the branch does not verify against what it names: its SSHSIG signature does not verify over the statement's bytes with the statement's key, the key was never enrolled for the party in any version of the trust store on the branch, the statement cannot be read, names another agreement, version or party than its path, or names agreement bytes (`agreement_sha256`) that the agreement file never had under that version on the branch. A warning once the statement has been replaced or removed.",
    hint: "remove the statement and its .sig and have the party sign again with `datapact sign`; find out who committed the bad one",
    source: "Signing design, threat table (docs/signing.md; /work/shared/reference/signing.md): a signature copied, altered or made with a key not in the trust store, judged over the branch's history.",
};

pub static HISTORY_TRUST_CHANGE: Rule = Rule {
    code: "DP407",
    name: "history-trust-change",
    family: Family::History,
    default_severity: Severity::Warning,
    configurable: true,
    unreadable: false,
    acknowledgeable: false,
    standing: "A change to the trust store is normal work that needs a person to check it, not a fault; where `keys/` is reviewed by other means a workspace may change its severity or switch the listing off.",
    applies: "with `--history`",
    summary: "A commit added, changed or removed a trust store file `keys/<party>.toml`: which key ids it enrolled, revoked, changed or removed, and for which party. Informational (datapact has no severity below warning): every change of who may sign is listed with its commit, so reviewers see who changed trust and when; `verify --history` lists them apart from the problems.",
    hint: "check that each change was reviewed and that each new key id was confirmed with its holder by another channel; set `history-trust-change = \"off\"` in [rules] to leave these out",
    source: "SECURITY.md, \"Whoever may change keys/\": a change to keys/ must be reviewed like a change of signatories.",
};

/// The history rules, in code order.
pub static RULES: &[&Rule] = &[
    &HISTORY_ROLLBACK,
    &HISTORY_CHANGED_AFTER_SIGNING,
    &HISTORY_SKIPPED_VERSION,
    &HISTORY_SIGNATURES_REMOVED,
    &HISTORY_CHAIN_BROKEN,
    &HISTORY_SIGNATURE_INVALID,
    &HISTORY_TRUST_CHANGE,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_history_rule_cites_the_threat_list_or_the_design() {
        for rule in RULES {
            assert_eq!(rule.family, Family::History);
            assert!(
                rule.source.starts_with("Signing design") || rule.source.starts_with("SECURITY.md"),
                "{}",
                rule.code
            );
        }
        assert!(HISTORY_ROLLBACK.source.contains(
            "version number going backwards in git history (rollback) | reported by history verification"
        ));
    }
}
