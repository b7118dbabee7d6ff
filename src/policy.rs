//! The information sharing policy a workspace follows (`[policy]` in `datapact.toml`): its name,
//! as findings and rendered documents attribute to it, and the consent exceptions it allows
//! (`consent.exception`). Two profiles are built in: `nhs-essex`, the NHS Essex information
//! sharing policy this project started from (the default), and `uk-public-sector`, the gateways
//! of UK law for any public body. A workspace may rename its policy and add exceptions of its
//! own, each with its wording and source.

use crate::vocab::{self, Entry, List};
use serde::Deserialize;

/// A built-in policy profile.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Profile {
    /// The NHS Essex information sharing policy: consent may be set aside when the law requires
    /// it, to protect someone from harm, or for a strong public interest.
    #[default]
    NhsEssex,
    /// UK GDPR, the Data Protection Act 2018 and the ICO data sharing code of practice: the
    /// gateways of `vocabulary.toml`'s `public_sector_exception`.
    UkPublicSector,
}

impl Profile {
    /// Every profile, in the order docs list them.
    pub const ALL: [Profile; 2] = [Profile::NhsEssex, Profile::UkPublicSector];

    /// The profile as `datapact.toml` names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::NhsEssex => "nhs-essex",
            Profile::UkPublicSector => "uk-public-sector",
        }
    }

    /// The policy's name, as findings and documents attribute to it.
    pub fn name(self) -> &'static str {
        match self {
            Profile::NhsEssex => "the NHS Essex information sharing policy",
            Profile::UkPublicSector => {
                "UK GDPR, the Data Protection Act 2018 and the ICO data sharing code of practice"
            }
        }
    }

    /// The consent exceptions the profile allows.
    pub fn consent_exceptions(self) -> List {
        match self {
            Profile::NhsEssex => vocab::consent_exception(),
            Profile::UkPublicSector => vocab::public_sector_exception(),
        }
    }
}

/// The policy in force in a workspace: resolved from `[policy]`.
#[derive(Debug, Clone)]
pub struct Policy {
    pub profile: Profile,
    /// The name findings and rendered documents give the policy.
    pub name: String,
    /// The exceptions `consent.exception` may name: the profile's, then the workspace's own.
    pub consent_exceptions: List,
}

impl Default for Policy {
    fn default() -> Self {
        Policy::of(Profile::default())
    }
}

impl Policy {
    /// A built-in profile as it ships.
    pub fn of(profile: Profile) -> Policy {
        Policy {
            profile,
            name: profile.name().to_string(),
            consent_exceptions: profile.consent_exceptions(),
        }
    }

    /// `profile` named `name` (its own name when `None`), with `added` exceptions after its own.
    /// The default profile unchanged keeps the built-in entries themselves; otherwise every
    /// entry carries the policy's name (`Entry::policy`), so a rendered document attributes it.
    pub fn resolve(profile: Profile, name: Option<String>, added: Vec<Entry>) -> Policy {
        if name.is_none() && added.is_empty() && profile == Profile::NhsEssex {
            return Policy::of(profile);
        }
        let name = name.unwrap_or_else(|| profile.name().to_string());
        let entries: Vec<Entry> = profile
            .consent_exceptions()
            .entries
            .iter()
            .cloned()
            .chain(added)
            .map(|mut e| {
                e.policy = Some(name.clone());
                e
            })
            .collect();
        // The workspace settings are read once a run; the resolved list lives as long as the
        // built-in vocabulary, so agreements hold `&'static` entries of either alike.
        let entries: &'static [Entry] = Box::leak(entries.into_boxed_slice());
        Policy {
            profile,
            name,
            consent_exceptions: List {
                name: "consent_exception",
                entries,
            },
        }
    }

    /// A built-in profile as an agreement names it (`agreement.policy`): as it ships, with its
    /// exceptions attributed to it unless it is the default. Made once per profile and run.
    pub fn built_in(profile: Profile) -> &'static Policy {
        static MADE: [std::sync::OnceLock<Policy>; 2] =
            [std::sync::OnceLock::new(), std::sync::OnceLock::new()];
        let i = Profile::ALL
            .iter()
            .position(|p| *p == profile)
            .unwrap_or_default();
        MADE[i].get_or_init(|| Policy::resolve(profile, None, Vec::new()))
    }

    /// When `id` is not an exception of this policy but of another built-in profile: which.
    pub fn elsewhere(&self, id: &str) -> Option<Profile> {
        if self.consent_exceptions.find(id).is_some() {
            return None;
        }
        Profile::ALL
            .into_iter()
            .find(|p| *p != self.profile && p.consent_exceptions().find(id).is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_the_seed_policy_unchanged() {
        let p = Policy::default();
        assert_eq!(p.profile, Profile::NhsEssex);
        assert!(std::ptr::eq(
            p.consent_exceptions.entries,
            vocab::consent_exception().entries
        ));
        assert!(
            p.consent_exceptions
                .entries
                .iter()
                .all(|e| e.policy.is_none())
        );
    }

    #[test]
    fn public_sector_leaves_out_the_nhs_essex_only_exceptions() {
        let p = Policy::of(Profile::UkPublicSector);
        for id in ["legal-obligation", "vital-interests", "crime-and-taxation"] {
            assert!(p.consent_exceptions.find(id).is_some(), "{id}");
        }
        assert!(p.consent_exceptions.find("protect-from-harm").is_none());
        assert_eq!(p.elsewhere("protect-from-harm"), Some(Profile::NhsEssex));
        assert_eq!(p.elsewhere("required-by-law"), None);
    }

    #[test]
    fn added_exceptions_carry_the_workspace_policy_name() {
        let added = Entry {
            id: "housing-act".into(),
            label: "Housing Act".into(),
            wording: "words".into(),
            dpv: None,
            needs_schedule1: false,
            satisfies: Vec::new(),
            source: Some("Housing Act 1996".into()),
            policy: None,
            part: None,
            paragraph: None,
            policy_document: false,
            ireland: None,
            uk_only: false,
        };
        let p = Policy::resolve(
            Profile::UkPublicSector,
            Some("Council policy".into()),
            vec![added],
        );
        let e = p.consent_exceptions.find("housing-act").unwrap();
        assert_eq!(e.policy.as_deref(), Some("Council policy"));
        assert_eq!(p.name, "Council policy");
    }
}
