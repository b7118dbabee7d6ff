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
    /// The version as the published text names it ("1.6"), shown beside `version`; the integer
    /// `version` is what signatures and history use.
    pub version_label: Option<String>,
    pub kind: V,
    /// The law the agreement is made under (`agreement.jurisdiction`, "uk" unless it says
    /// "ireland"): its vocabulary entries are in that law's wording, and UK-only rules and keys
    /// do not apply under Ireland.
    pub jurisdiction: crate::vocab::Jurisdiction,
    pub reference: Option<String>,
    /// Id of the lead organisation (one of `parties`).
    pub lead: String,
    pub summary: Option<String>,
    pub parties: Vec<Party>,
    /// Processors acting for parties (`[[processors]]`): named, never signing.
    pub processors: Vec<Processor>,
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
    // Optional sections of published agreements (types in the block at the end).
    pub termination: Option<Termination>,
    pub disputes: Option<Disputes>,
    pub requests: Option<Requests>,
    pub definitions: Vec<Definition>,
    /// Where questions about the agreement go (`query_contact`).
    pub query_contact: Option<QueryContact>,
    pub uses: Option<Uses>,
    pub data_quality: Option<DataQuality>,
    /// Audit rights (`audit`).
    pub audit: Option<String>,
    /// The protective marking of the document (`protective_marking`, "OFFICIAL").
    pub protective_marking: Option<String>,
    /// Indemnity and liability between the parties (`liability`).
    pub liability: Option<String>,
    /// Costs, charges or funding of the sharing (`charges`).
    pub charges: Option<String>,
    pub annexes: Vec<Annex>,
    /// Free-text notes (`notes`).
    pub notes: Option<String>,
    /// The author's answers to findings of judgement rules (`[[acknowledgements]]`).
    pub acknowledgements: Vec<Acknowledgement>,
    // Optional sections, third set (types in the block at the end).
    pub assurance: Option<Assurance>,
    pub human_rights: Option<HumanRights>,
    pub outputs: Option<Outputs>,
    pub approval: Option<Approval>,
}

impl Agreement {
    pub fn party(&self, id: &str) -> Option<&Party> {
        self.parties.iter().find(|p| p.id == id)
    }
    pub fn party_ids(&self) -> impl Iterator<Item = &str> {
        self.parties.iter().map(|p| p.id.as_str())
    }
    /// The ids of the parties that sign the agreement itself: every party but a class of
    /// organisations, whose members join it instead (`datapact join`).
    pub fn signing_party_ids(&self) -> impl Iterator<Item = &str> {
        self.parties
            .iter()
            .filter(|p| !p.class)
            .map(|p| p.id.as_str())
    }
    /// The ids of the class parties.
    pub fn class_party_ids(&self) -> impl Iterator<Item = &str> {
        self.parties
            .iter()
            .filter(|p| p.class)
            .map(|p| p.id.as_str())
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
        let special: Vec<V> = categories
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
                .is_some_and(|c| c.is(terms::CONFIDENTIALITY_IMPLIED_CONSENT));
        let identifiable = !self.data.identifiability.is(terms::ANONYMISED);
        let health_data = special.iter().any(|c| c.is(terms::HEALTH));
        let confidential_patient_information =
            identifiable && health_data && self.parties.iter().any(|p| p.health_or_care);
        let beyond_individual_care = self
            .purpose
            .categories
            .iter()
            .any(|c| !c.is(terms::DIRECT_CARE) && !c.is(terms::SAFEGUARDING));
        Facts {
            confidential_patient_information,
            duty_of_confidence: confidential_patient_information
                || lb.duty_of_confidence == Some(true),
            beyond_individual_care,
            special,
            criminal_offence,
            identifiable,
            planning_or_research: self.is_planning_or_research(),
            research: has(&self.purpose.categories, terms::RESEARCH),
            consent_is_a_basis: has(&lb.article6, terms::ART6_CONSENT)
                || has(&lb.article9, terms::ART9_EXPLICIT_CONSENT)
                || lb
                    .confidentiality
                    .is_some_and(|c| c.is(terms::CONFIDENTIALITY_EXPLICIT_CONSENT)),
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
    /// Whether the data is confidential patient information: identifiable or pseudonymised
    /// health data (special category `health`) where a party is a health or care body
    /// (`health_or_care = true`). The format does not say which party supplies the data, so a
    /// health or care body among the parties stands for "from a health or care body". Only such
    /// data brings the NHS duties: s251 support, the `[research]` section, Art 9(2)(j) for
    /// research, the national data opt-out, the common-law duty of confidentiality.
    pub confidential_patient_information: bool,
    /// Whether a common-law duty of confidence applies: to confidential patient information
    /// always, to other information when the agreement says so
    /// (`lawful_basis.duty_of_confidence = true`).
    pub duty_of_confidence: bool,
    /// Whether a purpose goes beyond individual care: a category other than `direct-care` and
    /// `safeguarding` (safeguarding an individual is part of their care).
    pub beyond_individual_care: bool,
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
    /// Empty when the party gives `no_ico_registration` instead (or is a class party).
    pub ico_registration: String,
    /// Why the party has no ICO registration number, as the agreement states it (an Irish
    /// public body, a body exempt from the data protection fee).
    pub no_ico_registration: Option<String>,
    pub dpo: Contact,
    pub caldicott_guardian: Option<Contact>,
    pub senior_officer: Contact,
    /// Who signs for the party, as the agreement states it; never a signature.
    pub signatory: Option<Signatory>,
    /// Postal address of the organisation.
    pub address: Option<String>,
    /// Further named contacts (`[[parties.contacts]]`).
    pub contacts: Vec<PartyContact>,
    /// A class of organisations (`class = true`): standard terms any eligible organisation
    /// joins. It has no ICO number, DPO or senior officer of its own (those fields are then
    /// empty unless given) and does not sign; its members sign accessions.
    pub class: bool,
    /// Who may join the class (required for a class party, refused on another).
    pub eligibility: Option<String>,
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

/// A processor named in the agreement that is not a party: it acts for one or more parties
/// (UK GDPR Art 28) and does not sign.
#[derive(Debug, Clone, Serialize)]
pub struct Processor {
    pub name: String,
    /// Ids of the parties (controllers) it acts for.
    pub acting_for: Vec<String>,
    /// What it does with the data.
    pub service: String,
    /// Where it processes the data.
    pub location: String,
    /// Whether it processes the data outside the UK (`outside_uk`), or, under Ireland, outside
    /// the EEA (`outside_eea`).
    pub outside_uk: bool,
    /// The GDPR Chapter V safeguard, when outside the UK (the EEA under Ireland).
    pub safeguards: Option<String>,
    pub contract_reference: Option<String>,
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
    /// `[[data.flows]]` (optional): which party sends the data to which.
    pub flows: Vec<DataFlow>,
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
    /// Whether the item is the key that links pseudonyms to people, held apart from the
    /// pseudonymised data (`pseudonymisation_key = true`). Left out of the serialised form when
    /// false, so a diff or a template sees it only where it is said.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub pseudonymisation_key: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct LawfulBasis {
    pub article6: Vec<V>,
    pub recognised_interest: Option<V>,
    pub article9: Vec<V>,
    pub dpa_schedule1: Vec<V>,
    /// The common-law confidentiality basis; optional where no duty of confidence applies.
    pub confidentiality: Option<V>,
    /// What the agreement says about whether a duty of confidence applies, when it says.
    pub duty_of_confidence: Option<bool>,
    pub s251_reference: Option<String>,
    pub explanation: String,
    /// The DPA 2018 Schedule 1 conditions relied on for criminal offence data (UK GDPR Art 10,
    /// DPA 2018 s.10(5)): Part 1, Part 2 (without its substantial public interest test, para 36)
    /// or Part 3. Empty when not stated; an agreement of the earlier form names them in
    /// `dpa_schedule1` only.
    pub criminal_offence: Vec<V>,
    /// The appropriate policy document the controllers have in place (Sch 1 Part 4 para 39), as
    /// the agreement names it.
    pub policy_document: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Consent {
    pub sought: bool,
    pub model: Option<V>,
    pub exception: Option<V>,
    pub justification: Option<String>,
    pub objections: String,
    /// Optional unless confidential patient information is used beyond individual care.
    pub national_data_opt_out: Option<V>,
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
    /// Whether data leaves the UK (`transfer.outside_uk`), or, under Ireland, the EEA
    /// (`transfer.outside_eea`).
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
    /// Why anonymised data is not used where it would serve (required when
    /// `anonymised_where_possible = false`, DP150).
    pub not_anonymised_reason: Option<String>,
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
    /// Within how many hours a party tells the others; required under the NHS Essex policy,
    /// optional under another (the procedure then says how quickly).
    pub report_within_hours: Option<u32>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Dates {
    pub approved: NaiveDate,
    pub effective: NaiveDate,
    /// The review date: `dates.review` as written, or, when the file gives none,
    /// `review_interval_months` after the later of `approved` and `effective`
    /// (`review_derived`).
    pub review: NaiveDate,
    /// Whether `review` was derived rather than written.
    pub review_derived: bool,
    /// The last day in force; `None` for an open-ended term, which has `end_condition`.
    pub expires: Option<NaiveDate>,
    /// How an open-ended term ends ("until either party ends it with three months' notice");
    /// exactly one of `expires` and `end_condition` is given.
    pub end_condition: Option<String>,
    pub review_interval_months: u32,
    /// Why the review interval is longer than the workspace's `[limits]
    /// max_review_interval_months` (a statutory interval, say); allows it.
    pub review_interval_reason: Option<String>,
}

impl Dates {
    /// Whether the term has no end date (only an end condition).
    pub fn open_ended(&self) -> bool {
        self.expires.is_none()
    }

    /// The review date derived from the interval: `review_interval_months` after the later of
    /// `approved` and `effective` (the last day of the month when that month is shorter).
    pub fn derived_review(
        approved: NaiveDate,
        effective: NaiveDate,
        months: u32,
    ) -> Option<NaiveDate> {
        approved
            .max(effective)
            .checked_add_months(chrono::Months::new(months))
    }
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

// ---- Optional sections of published agreements. ----

#[derive(Debug, Clone, Serialize)]
pub struct Termination {
    /// The notice a party gives to end the agreement ("three months' written notice").
    pub notice: Option<String>,
    /// Grounds on which a party may end it at once.
    pub immediate_grounds: Vec<String>,
    /// What happens when a party breaches the agreement.
    pub on_breach: Option<String>,
    /// What happens to the shared data when the agreement ends (returned, destroyed).
    pub on_termination: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Disputes {
    /// The escalation steps, in order.
    pub escalation: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Requests {
    /// How Freedom of Information and Environmental Information Regulations requests about the
    /// shared data are handled.
    pub foi_eir: Option<String>,
    /// How complaints are handled.
    pub complaints: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Definition {
    pub term: String,
    pub meaning: String,
}

/// A further named contact of a party: the person's name, e-mail and phone are left out of
/// public renditions; title, purpose and mailbox are published.
#[derive(Debug, Clone, Serialize)]
pub struct PartyContact {
    pub name: String,
    pub title: Option<String>,
    /// What the contact is for ("Authorised representative").
    pub purpose: String,
    pub email: Option<String>,
    pub mailbox: Option<String>,
    pub phone: Option<String>,
}

/// Where questions about the agreement go: a person or an office (`name` optional) with at least
/// one of a mailbox, an e-mail address or a phone number. Name, e-mail and phone are left out of
/// public renditions, as for every contact.
#[derive(Debug, Clone, Serialize)]
pub struct QueryContact {
    pub name: Option<String>,
    pub title: Option<String>,
    pub email: Option<String>,
    pub mailbox: Option<String>,
    pub phone: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Uses {
    pub permitted: Vec<String>,
    pub prohibited: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DataQuality {
    pub duties: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Annex {
    pub title: String,
    pub reference: Option<String>,
    pub summary: Option<String>,
}

/// One `[[acknowledgements]]` entry: a finding of a judgement rule (a word list, a threshold)
/// that the author answers with a reason, in the agreement's signed text. The finding is not
/// reported; the rendered document shows the acknowledgement.
#[derive(Debug, Clone, Serialize)]
pub struct Acknowledgement {
    /// The rule's code (`DP144`), whichever of its code or name the file gave.
    pub rule: &'static str,
    /// The rule's name (`likely-special-category`).
    pub rule_name: &'static str,
    /// What the finding is about, where the rule's findings name something (a data item's
    /// name); matched exactly, ignoring case and surrounding spaces.
    pub item: Option<String>,
    pub reason: String,
}

impl Acknowledgement {
    /// What a finding of `rule` about `item` (`None` when it names nothing in particular) is
    /// matched by: the rule's code and the item without surrounding spaces, ASCII letters in
    /// lower case. An entry answers the findings whose key is its own ([`Acknowledgement::key`]).
    pub fn key_of(rule: &'static str, item: Option<&str>) -> (&'static str, Option<String>) {
        (rule, item.map(|i| i.trim().to_ascii_lowercase()))
    }

    /// This entry's key (see [`Acknowledgement::key_of`]).
    pub fn key(&self) -> (&'static str, Option<String>) {
        Self::key_of(self.rule, self.item.as_deref())
    }
}

// ---- Optional sections, third set: assurance, data flows, human rights, outputs, approval. ----

/// `[assurance]`: the security assurance the parties hold (at least one key).
#[derive(Debug, Clone, Serialize)]
pub struct Assurance {
    /// Data Security and Protection Toolkit status or standard met.
    pub dspt: Option<String>,
    pub cyber_essentials: Option<&'static CyberEssentials>,
    /// ISO/IEC 27001 certificate reference or scope.
    pub iso27001: Option<String>,
    pub other: Vec<String>,
}

/// A Cyber Essentials level (`assurance.cyber_essentials`): a small fixed list checked in
/// structure (DP015), serialised like a vocabulary term (id, label, wording) so `diff` compares
/// it by id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CyberEssentials {
    pub id: &'static str,
    pub label: &'static str,
    pub wording: &'static str,
}

/// The Cyber Essentials levels `assurance.cyber_essentials` accepts.
pub static CYBER_ESSENTIALS: [CyberEssentials; 3] = [
    CyberEssentials {
        id: "none",
        label: "Not certified",
        wording: "The parties do not hold Cyber Essentials certification.",
    },
    CyberEssentials {
        id: "certified",
        label: "Cyber Essentials",
        wording: "Certified under the Cyber Essentials scheme (self-assessment, independently verified).",
    },
    CyberEssentials {
        id: "plus",
        label: "Cyber Essentials Plus",
        wording: "Certified under Cyber Essentials Plus (with a hands-on technical audit).",
    },
];

/// One `[[data.flows]]` entry: data sent from one party (`from`) to another (`to`), both party
/// ids (DP103 when one is not).
#[derive(Debug, Clone, Serialize)]
pub struct DataFlow {
    pub from: String,
    pub to: String,
    pub method: String,
    pub frequency: String,
    pub volume: Option<String>,
}

/// `[human_rights]`: the Human Rights Act 1998 assessment.
#[derive(Debug, Clone, Serialize)]
pub struct HumanRights {
    /// Why any interference with private and family life (ECHR Art 8) is in accordance with the
    /// law, necessary and proportionate.
    pub article8: String,
}

/// `[outputs]`: what is produced or published from the shared data, and the disclosure control
/// applied to it. At least one of the two is given: published agreements often state only one.
#[derive(Debug, Clone, Serialize)]
pub struct Outputs {
    pub description: Option<String>,
    pub disclosure_control: Option<String>,
}

/// `[approval]`: who approved the agreement (a committee or role); not a signature.
#[derive(Debug, Clone, Serialize)]
pub struct Approval {
    pub approved_by: String,
    pub minute_reference: Option<String>,
}
