//! The rule on the version notes (`[[changes]]`): one entry for every version after the first,
//! in order, the newest for the agreement's own version.

use super::{ContentRule, Cx, at};
use crate::diagnostics::{Family, Rule, Severity};

pub static CHANGES_SEQUENCE: ContentRule = ContentRule {
    rule: Rule {
        code: "DP133",
        name: "changes-sequence",
        family: Family::Content,
        default_severity: Severity::Error,
        configurable: true,
        unreadable: false,
        acknowledgeable: false,
        standing: "A change table is the practice of WEISF and of published national agreements, not the law, and versions stay bound by the signatures' hash chain whatever it says; a workspace may relax it.",
        applies: "to `[[changes]]` and `agreement.version` (an agreement at version 1 needs no entry)",
        summary: "The `[[changes]]` entries do not match the versions: their versions must increase strictly, the newest must be `agreement.version`, none may be above it, and every version after the first needs an entry (one for version 1 is optional).",
        hint: "add a [[changes]] entry (version, type, change, reason) for each version after the first, oldest first; `datapact bump ID` raises the version and adds its entry",
        source: "WEISF (Whole Essex Information Sharing Framework): any change needs every partner's approval again; published national DSAs (GP Connect, National Record Locator) record each version in a change table (version, type of change, change, reason).",
    },
    check: changes_sequence,
};

fn changes_sequence(cx: &mut Cx<'_>) {
    let a = cx.a;
    let version = a.version;
    let entries = at(&["changes"]);
    // Each entry out of place: above the agreement's version, or not above the entries before
    // it (those above the version, already reported, left aside).
    let mut newest: Option<u32> = None;
    for (i, c) in a.changes.iter().enumerate() {
        let path = entries.i(i).k("version");
        if c.version > version {
            cx.report_with_hint(
                &CHANGES_SEQUENCE,
                &path,
                format!(
                    "[[changes]] has an entry for version {}, above agreement.version ({version})",
                    c.version
                ),
                format!(
                    "remove the entry or correct its version; if the agreement is now at version {}, set agreement.version to it",
                    c.version
                ),
            );
        } else if let Some(before) = newest.filter(|&n| c.version <= n) {
            cx.report_with_hint(
                &CHANGES_SEQUENCE,
                &path,
                format!(
                    "[[changes]] entry for version {} follows an entry for version {before}; each version has one entry, oldest first",
                    c.version
                ),
                "put the entries in order of version, one per version, and correct any repeated version",
            );
        }
        if c.version <= version {
            newest = Some(newest.map_or(c.version, |n| n.max(c.version)));
        }
    }
    // The versions after the first that have no entry, as runs (the version may be as high
    // as a million: never listed one by one).
    let gaps = gaps(version, a.changes.iter().map(|c| c.version));
    let Some(&(first_missing, _)) = gaps.first() else {
        return;
    };
    let count: u64 = gaps.iter().map(|&(lo, hi)| u64::from(hi - lo) + 1).sum();
    let noun = if count == 1 { "version" } else { "versions" };
    let listed = describe(&gaps);
    let hint = format!(
        "add a [[changes]] entry (version, type, change, reason) for {noun} {listed}, in order of version; `datapact bump ID` raises the version and adds its entry"
    );
    if gaps.last().is_some_and(|&(_, hi)| hi == version) {
        // The agreement's own version has no entry: reported at the version.
        let newest_below = a
            .changes
            .iter()
            .map(|c| c.version)
            .filter(|&v| v <= version)
            .max();
        let message = match newest_below {
            Some(n) => format!(
                "agreement.version is {version} but the newest [[changes]] entry is for version {n}; no entry for {noun} {listed}"
            ),
            None => format!(
                "agreement.version is {version} but [[changes]] has no entry for it; no entry for {noun} {listed}"
            ),
        };
        cx.report_with_hint(
            &CHANGES_SEQUENCE,
            &at(&["agreement", "version"]),
            message,
            hint,
        );
    } else {
        // Only gaps below the version: reported at the first entry after the first gap.
        let after = a
            .changes
            .iter()
            .position(|c| c.version > first_missing && c.version <= version)
            .unwrap_or(0);
        cx.report_with_hint(
            &CHANGES_SEQUENCE,
            &entries.i(after).k("version"),
            format!(
                "[[changes]] has no entry for {noun} {listed}; every version after the first needs one"
            ),
            hint,
        );
    }
}

/// The runs `(first, last)` of versions from 2 to `version` that none of `have` is, in order.
fn gaps(version: u32, have: impl Iterator<Item = u32>) -> Vec<(u32, u32)> {
    let mut have: Vec<u32> = have.filter(|v| (2..=version).contains(v)).collect();
    have.sort_unstable();
    have.dedup();
    let mut out = Vec::new();
    let mut next = 2u32;
    for v in have {
        if v > next {
            out.push((next, v - 1));
        }
        next = v + 1;
    }
    if next <= version {
        out.push((next, version));
    }
    out
}

/// The versions of `gaps` in words: `2`, `2 and 3`, `2, 3 and 5`, `2 to 40`; at most
/// [`SHOWN`] runs, then how many more versions.
fn describe(gaps: &[(u32, u32)]) -> String {
    const SHOWN: usize = 6;
    let mut items: Vec<String> = Vec::new();
    for &(lo, hi) in gaps.iter().take(SHOWN) {
        match hi - lo {
            0 => items.push(lo.to_string()),
            1 => items.extend([lo.to_string(), hi.to_string()]),
            _ => items.push(format!("{lo} to {hi}")),
        }
    }
    let more: u64 = gaps
        .iter()
        .skip(SHOWN)
        .map(|&(lo, hi)| u64::from(hi - lo) + 1)
        .sum();
    if more > 0 {
        items.push(format!("{more} more"));
    }
    match items.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, init)) => format!("{} and {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::{describe, gaps};

    #[test]
    fn missing_versions_are_found_as_runs() {
        assert_eq!(gaps(1, [].into_iter()), vec![]);
        assert_eq!(gaps(2, [1].into_iter()), vec![(2, 2)]);
        assert_eq!(gaps(3, [1, 3].into_iter()), vec![(2, 2)]);
        assert_eq!(gaps(3, [3, 2, 2, 9].into_iter()), vec![]);
        assert_eq!(gaps(6, [3].into_iter()), vec![(2, 2), (4, 6)]);
        assert_eq!(gaps(1_000_000, [].into_iter()), vec![(2, 1_000_000)]);
    }

    #[test]
    fn missing_versions_are_listed_in_words() {
        assert_eq!(describe(&[(2, 2)]), "2");
        assert_eq!(describe(&[(2, 3)]), "2 and 3");
        assert_eq!(describe(&[(2, 3), (5, 5)]), "2, 3 and 5");
        assert_eq!(describe(&[(2, 4)]), "2 to 4");
        assert_eq!(describe(&[(2, 1_000_000)]), "2 to 1000000");
        let many: Vec<(u32, u32)> = (0..10).map(|i| (2 + 2 * i, 2 + 2 * i)).collect();
        assert_eq!(describe(&many), "2, 4, 6, 8, 10, 12 and 4 more");
    }
}
