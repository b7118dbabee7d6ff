//! The validated agreement: every required part present, typed, and vocabulary values resolved
//! to their entries (so a renderer can show the legal wording). Built only by `validate`.
//! Serialisable, because templates render from it.

use crate::ids::AgreementId;
use crate::vocab::{Entry, terms};
use chrono::NaiveDate;
use serde::Serialize;

type V = &'static Entry;

#[derive(Debug, Clone, Serialize)]
pub struct Agreement {
    pub schema: i64,
    pub id: AgreementId,
    pub title: String,
    pub version: u32,
    pub kind: V,
    pub reference: Option<String>,
    /// Id of the lead organisation (one of `parties`).
    pub lead: String,
    pub summary: Option<String>,
    pub parties: Vec<Party>,
    pub purpose: Purpose,
    pub necessity: Necessity,
    pub data: Data,
    pub lawful_basis: LawfulBasis,
    pub consent: Consent,
    pub risk: Risk,
    pub security: Security,
    pub transfer: Transfer,
    pub retention: Vec<RetentionRule>,
    pub onward_sharing: OnwardSharing,
    pub rights: Rights,
    pub research: Option<Research>,
    pub responsibilities: Responsibilities,
    pub incidents: Incidents,
    pub dates: Dates,
    pub changes: Vec<Change>,
}

impl Agreement {
    pub fn party(&self, id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }
    pub fn party_ids(&self) -> impl Iterator<Item = &str> {
        self.parties.iter().map(|p| p.id.as_str())
    }
    /// The lead organisation's name (its id if it is not a party, which validation forbids).
    pub fn lead_name(&self) -> &str {
        self.party(&self.lead).map_or(&self.lead, |p| &p.name)
    }
    /// Whether a purpose category is planning or research (the policy's "beyond direct care").
    pub fn is_planning_or_research(&self) -> bool {
        self.purpose
            .categories
            .iter()
            .any(|c| c.is(terms::PLANNING) || c.is(terms::RESEARCH))
    }

    /// The facts several rules depend on, derived from the clauses once per validation.
    pub fn facts(&self) -> Facts {
        let lb = &self.lawful_basis;
        let categories = self.data.special_categories();
        let criminal_offence = categories.iter().any(|c| c.is(terms::CRIMINAL_OFFENCE));
        let special = categories
            .into_iter()
            .filter(|c| !c.is(terms::CRIMINAL_OFFENCE))
            .collect();
        let has = |list: &[V], term| list.iter().any(|e| e.is(term));
        let explicit_consent = self.consent.sought
            && self
                .consent
                .model
                .is_some_and(|m| m.is(terms::CONSENT_EXPLICIT));
        let implied_consent = (self.consent.sought
            && self
                .consent
                .model
                .is_some_and(|m| m.is(terms::CONSENT_IMPLIED)))
            || lb
                .confidentiality
                .is(terms::CONFIDENTIALITY_IMPLIED_CONSENT);
        Facts {
            special,
            criminal_offence,
            identifiable: !self.data.identifiability.is(terms::ANONYMISED),
            planning_or_research: self.is_planning_or_research(),
            research: has(&self.purpose.categories, terms::RESEARCH),
            consent_is_a_basis: has(&lb.article6, terms::ART6_CONSENT)
                || has(&lb.article9, terms::ART9_EXPLICIT_CONSENT)
                || lb
                    .confidentiality
                    .is(terms::CONFIDENTIALITY_EXPLICIT_CONSENT),
            explicit_consent,
            implied_consent,
        }
    }
}

/// Facts about an agreement that several rules depend on: [`Agreement::facts`].
#[derive(Debug, Clone)]
pub struct Facts {
    /// The special categories shared, each once; criminal offence data is left out (it has
    /// rules of its own).
    pub special: Vec<V>,
    /// Whether criminal offence data is shared.
    pub criminal_offence: bool,
    /// Whether the data is identifiable or pseudonymised, not anonymised.
    pub identifiable: bool,
    /// Whether a purpose is planning or research (the policy's "beyond direct care").
    pub planning_or_research: bool,
    /// Whether a purpose is research.
    pub research: bool,
    /// Whether consent is a lawful or confidentiality basis: Art 6(1)(a), Art 9(2)(a) or
    /// explicit consent for the duty of confidentiality.
    pub consent_is_a_basis: bool,
    /// Whether consent is sought, as explicit consent.
    pub explicit_consent: bool,
    /// Whether implied consent is relied on: sought as implied consent (a model named while
    /// consent is not sought is not relied on), or the confidentiality basis.
    pub implied_consent: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct Party {
    pub id: String,
    pub name: String,
    pub public_authority: bool,
    pub health_or_care: bool,
    pub role: V,
    pub ico_registration: String,
    pub dpo: Contact,
    pub caldicott_guardian: Option<Contact>,
    pub senior_officer: Contact,
    /// Who signs for the party, as the agreement states it; never a signature.
    pub signatory: Option<Signatory>,
}

/// The person the agreement names as signing for a party (`[[parties]] signatory`).
#[derive(Debug, Clone, Serialize)]
pub struct Signatory {
    /// Left out of public renditions.
    pub name: String,
    pub title: Option<String>,
    /// The capacity they sign in ("under delegated authority").
    pub capacity: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Contact {
    pub name: String,
    pub title: Option<String>,
    /// Personal address: left out of public renditions.
    pub email: Option<String>,
    /// Role mailbox: published.
    pub mailbox: Option<String>,
    /// Left out of public renditions.
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Purpose {
    pub description: String,
    pub categories: Vec<V>,
    pub legal_powers: Vec<String>,
    pub benefits: Vec<String>,
    pub frequency: V,
}

#[derive(Debug, Clone, Serialize)]
pub struct Necessity {
    pub why_sharing: String,
    pub why_personal_data: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Data {
    pub subjects: Vec<String>,
    pub identifiability: V,
    pub why_not_anonymised: Option<String>,
    pub items: Vec<DataItem>,
}

impl Data {
    /// The special categories present in the items (criminal offence data included), each once.
    pub fn special_categories(&self) -> Vec<V> {
        let mut seen: Vec<V> = Vec::new();
        for c in self.items.iter().filter_map(|i| i.special_category) {
            if !seen.iter().any(|s| s.id == c.id) {
                seen.push(c);
            }
        }
        seen
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct DataItem {
    pub name: String,
    pub justification: String,
    pub special_category: Option<V>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LawfulBasis {
    pub article6: Vec<V>,
    pub recognised_interest: Option<V>,
    pub article9: Vec<V>,
    pub dpa_schedule1: Vec<V>,
    pub confidentiality: V,
    pub s251_reference: Option<String>,
    pub explanation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Consent {
    pub sought: bool,
    pub model: Option<V>,
    pub exception: Option<V>,
    pub justification: Option<String>,
    pub objections: String,
    pub national_data_opt_out: V,
    pub opt_out_explanation: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub dpia: V,
    pub dpia_reference: Option<String>,
    pub dpia_outcome: Option<String>,
    pub no_dpia_reason: Option<String>,
    pub risks: Vec<RiskItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RiskItem {
    pub risk: String,
    pub mitigation: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Security {
    pub storage: String,
    pub access: String,
    pub systems: Vec<String>,
    pub standards: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Transfer {
    pub methods: Vec<String>,
    pub protection: String,
    pub outside_uk: bool,
    pub safeguards: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RetentionRule {
    pub party: String,
    pub period: String,
    pub disposal: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct OnwardSharing {
    pub permitted: bool,
    pub conditions: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Rights {
    pub privacy_notice: String,
    pub requests: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Research {
    pub anonymised_where_possible: bool,
    pub identity_protection: String,
    pub approvals: Vec<String>,
    pub outputs: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Responsibilities {
    pub training: String,
    pub confidentiality: String,
    pub systems_and_guidance: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Incidents {
    pub procedure: String,
    pub report_within_hours: u32,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct Dates {
    pub approved: NaiveDate,
    pub effective: NaiveDate,
    pub review: NaiveDate,
    pub expires: NaiveDate,
    pub review_interval_months: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub version: u32,
    pub change_type: V,
    pub change: String,
    pub reason: String,
    /// When the change was made or approved, when the entry says.
    pub date: Option<NaiveDate>,
}
