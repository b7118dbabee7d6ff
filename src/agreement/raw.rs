//! The raw, unvalidated shape of an agreement file, exactly as serde reads it. Every leaf is a
//! [`Slot`], so a wrong type or a `TODO` placeholder becomes a finding at its own line rather
//! than stopping the parse. Tables stay flat (no `flatten`, no `untagged`) so positions hold.
//! `validate` turns this into the domain types in `model`. The same types give the agreement's
//! JSON Schema (`datapact schema agreement`, made by the `schema` module): field docs become
//! descriptions.

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::Deserialize;
use serde::de::Deserializer;
use std::borrow::Cow;

/// A leaf value: the expected type, a placeholder still to fill in, or a value of another type.
#[derive(Debug, Clone, PartialEq)]
pub enum Slot<T> {
    Value(T),
    /// A text starting with `TODO` (the templates' marker for "still to fill in").
    Placeholder(String),
    /// Anything else that is not a `T`; kept so the message can say what was found.
    WrongType(toml::Value),
}

/// Whether a text is a template placeholder.
pub fn is_placeholder(s: &str) -> bool {
    s.trim_start().starts_with("TODO")
}

impl<'de, T: SlotShape> Deserialize<'de> for Slot<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        toml::Value::deserialize(d).map(Slot::of)
    }
}

impl<T: SlotShape> Slot<T> {
    /// What `value` is as a slot of `T`: taken apart without copying (a leaf of every
    /// agreement goes through here).
    fn of(value: toml::Value) -> Slot<T> {
        match value {
            toml::Value::String(s) if is_placeholder(&s) => Slot::Placeholder(s),
            value => T::from_value(value).map_or_else(Slot::WrongType, Slot::Value),
        }
    }
}

/// The schema of a slot is the expected type alone: what a user writes in TOML. A placeholder or
/// a value of another type is read (and reported) by validation, never valid.
impl<T: SlotShape> JsonSchema for Slot<T> {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        T::name().into()
    }
    fn json_schema(g: &mut SchemaGenerator) -> Schema {
        T::shape(g)
    }
}

/// The types a [`Slot`] holds, with the JSON Schema of what a user writes for each.
pub trait SlotShape: Sized {
    fn name() -> &'static str;
    fn shape(g: &mut SchemaGenerator) -> Schema;
    /// The value as this type, or back unchanged when it is of another type: what
    /// `T::deserialize(value)` gives, without copying the value first to keep it for the error.
    fn from_value(value: toml::Value) -> Result<Self, toml::Value>;
}

impl SlotShape for String {
    fn name() -> &'static str {
        "Text"
    }
    fn from_value(value: toml::Value) -> Result<Self, toml::Value> {
        match value {
            toml::Value::String(s) => Ok(s),
            other => Err(other),
        }
    }
    fn shape(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string" })
    }
}

impl SlotShape for bool {
    fn name() -> &'static str {
        "Flag"
    }
    fn from_value(value: toml::Value) -> Result<Self, toml::Value> {
        match value {
            toml::Value::Boolean(b) => Ok(b),
            other => Err(other),
        }
    }
    fn shape(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "boolean" })
    }
}

impl SlotShape for i64 {
    fn name() -> &'static str {
        "Int"
    }
    fn from_value(value: toml::Value) -> Result<Self, toml::Value> {
        match value {
            toml::Value::Integer(i) => Ok(i),
            other => Err(other),
        }
    }
    fn shape(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "integer" })
    }
}

/// A TOML local date (`2026-04-01`, without quotes); editors see it as a `date` string.
impl SlotShape for toml::value::Datetime {
    fn name() -> &'static str {
        "Date"
    }
    fn from_value(value: toml::Value) -> Result<Self, toml::Value> {
        match value {
            toml::Value::Datetime(d) => Ok(d),
            other => Err(other),
        }
    }
    fn shape(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "string", "format": "date" })
    }
}

impl SlotShape for Vec<Slot<String>> {
    fn name() -> &'static str {
        "TextList"
    }
    fn from_value(value: toml::Value) -> Result<Self, toml::Value> {
        match value {
            toml::Value::Array(items) => Ok(items.into_iter().map(Slot::of).collect()),
            other => Err(other),
        }
    }
    fn shape(_: &mut SchemaGenerator) -> Schema {
        json_schema!({ "type": "array", "items": { "type": "string" } })
    }
}

pub type Text = Option<Slot<String>>;
pub type Flag = Option<Slot<bool>>;
pub type Int = Option<Slot<i64>>;
pub type Date = Option<Slot<toml::value::Datetime>>;
pub type TextList = Option<Slot<Vec<Slot<String>>>>;

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawFile {
    /// The format version; always `1` for this format. Put it first.
    #[schemars(required)]
    pub schema: Int,
    /// `[agreement]`: the identity of the agreement (required).
    #[schemars(required)]
    pub agreement: Option<RawIdentity>,
    /// `[[parties]]`: the organisations that share or receive the data, one table each (required, at least two).
    #[schemars(required)]
    pub parties: Option<Vec<RawParty>>,
    /// `[[processors]]`: processors that act for a party but are not parties and do not sign (optional).
    pub processors: Option<Vec<RawProcessor>>,
    /// `[purpose]`: the clear reason for sharing (required).
    #[schemars(required)]
    pub purpose: Option<RawPurpose>,
    /// `[necessity]`: why sharing, and personal data, are necessary (required).
    #[schemars(required)]
    pub necessity: Option<RawNecessity>,
    /// `[data]`: minimisation and identifiability (required).
    #[schemars(required)]
    pub data: Option<RawData>,
    /// `[lawful_basis]`: the UK GDPR Art 6 and Art 9 bases, DPA 2018 conditions and the common-law duty of confidence (required).
    #[schemars(required)]
    pub lawful_basis: Option<RawLawfulBasis>,
    /// `[consent]`: consent and choice (required).
    #[schemars(required)]
    pub consent: Option<RawConsent>,
    /// `[risk]`: the DPIA and the main risks (required).
    #[schemars(required)]
    pub risk: Option<RawRisk>,
    /// `[security]`: storage and access (required; left out of the public rendition).
    #[schemars(required)]
    pub security: Option<RawSecurity>,
    /// `[transfer]`: how data moves between the organisations (required).
    #[schemars(required)]
    pub transfer: Option<RawTransfer>,
    /// `[retention]`: how long each party keeps the data (required).
    #[schemars(required)]
    pub retention: Option<RawRetention>,
    /// `[onward_sharing]`: whether a recipient may pass the data on (required).
    #[schemars(required)]
    pub onward_sharing: Option<RawOnwardSharing>,
    /// `[rights]`: rights and transparency (required).
    #[schemars(required)]
    pub rights: Option<RawRights>,
    /// `[research]`: planning and research (required for confidential patient information when `purpose.categories` has `planning` or `research`).
    pub research: Option<RawResearch>,
    /// `[responsibilities]`: roles and responsibilities (required).
    #[schemars(required)]
    pub responsibilities: Option<RawResponsibilities>,
    /// `[incidents]`: incidents and concerns (required).
    #[schemars(required)]
    pub incidents: Option<RawIncidents>,
    /// `[dates]`: approval, effect, review and expiry (required).
    #[schemars(required)]
    pub dates: Option<RawDates>,
    /// `[[changes]]`: version notes, one table per version, oldest first (required from version 2).
    pub changes: Option<Vec<RawChange>>,
    // Optional sections of published agreements (see the block of types further down).
    /// `[termination]`: how the agreement ends early (optional).
    pub termination: Option<RawTermination>,
    /// `[disputes]`: dispute escalation (optional).
    pub disputes: Option<RawDisputes>,
    /// `[requests]`: FOI, EIR and complaints (optional).
    pub requests: Option<RawRequests>,
    /// `[[definitions]]`: defined terms (optional).
    pub definitions: Option<Vec<RawDefinition>>,
    /// `[query_contact]`: who answers questions about the agreement (optional).
    pub query_contact: Option<RawContact>,
    /// `[uses]`: permitted and prohibited uses (optional).
    pub uses: Option<RawUses>,
    /// `[data_quality]`: data quality duties (optional).
    pub data_quality: Option<RawDataQuality>,
    /// The parties' audit rights: who may audit whom, how often, on what notice. See [Optional
    /// sections](#optional-sections-of-published-agreements).
    pub audit: Text,
    /// The protective marking the publisher gives the document ("OFFICIAL").
    pub protective_marking: Text,
    /// Indemnity and liability between the parties.
    pub liability: Text,
    /// Costs, charges or funding of the sharing.
    pub charges: Text,
    /// `[[annexes]]`: documents attached or referred to (optional).
    pub annexes: Option<Vec<RawAnnex>>,
    /// Free-text notes that are part of the agreement (shown in both renditions).
    pub notes: Text,
    /// `[[acknowledgements]]`: the author's answers to judgement rules' findings (optional).
    pub acknowledgements: Option<Vec<RawAcknowledgement>>,
    // Optional sections, third set (see the block of types further down).
    /// `[assurance]`: security assurance (optional; at least one key).
    pub assurance: Option<RawAssurance>,
    /// `[human_rights]`: the Human Rights Act 1998 assessment (optional).
    pub human_rights: Option<RawHumanRights>,
    /// `[outputs]`: what is produced or published from the shared data (optional).
    pub outputs: Option<RawOutputs>,
    /// `[approval]`: who approved the agreement, a committee or role; not a signature (optional).
    pub approval: Option<RawApproval>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawIdentity {
    /// The stable id; the file must be `agreements/<id>.toml`. Never changes.
    #[schemars(required)]
    pub id: Text,
    /// A title that says who shares what, and why.
    #[schemars(required)]
    pub title: Text,
    /// The version of the agreement text. Raise it for every change that is signed again, with a
    /// `[[changes]]` entry for the new version (`datapact bump` does both; see [Versions](#versions-
    /// and-datapact-bump)).
    #[schemars(required)]
    pub version: Int,
    /// The version as the published text names it, such as `"1.6"`; shown beside `version` in
    /// documents and the register. Only a label: signatures, statements, history and `[[changes]]`
    /// use the whole-number `version`, and `datapact bump` leaves the label for you to update.
    pub version_label: Text,
    /// `overarching` protocol or `specific`-purpose agreement.
    #[schemars(required)]
    pub kind: Text,
    /// An external reference number (WEISF register, DARS).
    pub reference: Text,
    /// The lead organisation: the party that owns the agreement and is told when review is due.
    #[schemars(required)]
    pub lead: Text,
    /// Two or three sentences a member of the public can understand; shown in the register.
    pub summary: Text,
    /// The information sharing policy the agreement follows, when not the workspace's.
    pub policy: Text,
    /// The law the agreement is made under: "uk" (the default) or "ireland".
    pub jurisdiction: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawParty {
    /// The party's id within this agreement (and its signing identity).
    #[schemars(required)]
    pub id: Text,
    /// The organisation's legal name.
    #[schemars(required)]
    pub name: Text,
    /// Whether it is a public authority (UK GDPR / FOIA sense). A public authority may not rely on
    /// Art 6(1)(f) or (ea) for its tasks.
    #[schemars(required)]
    pub public_authority: Flag,
    /// Whether it is a health or adult social care body; such a body must name a Caldicott Guardian.
    /// Health data (`special_category = "health"`), identifiable or pseudonymised, in an agreement
    /// with such a party is *confidential patient information* (see below), which brings in the NHS
    /// duties.
    #[schemars(required)]
    pub health_or_care: Flag,
    /// `controller`, `joint-controller`, `processor` or `recipient`.
    #[schemars(required)]
    pub role: Text,
    /// Its ICO data protection fee registration number.
    pub ico_registration: Text,
    /// Why the party has no ICO registration number (an Irish public body, a body exempt from
    /// the data protection fee), instead of `ico_registration`.
    pub no_ico_registration: Text,
    /// Its Data Protection Officer.
    pub dpo: Option<RawContact>,
    /// Its Caldicott Guardian.
    pub caldicott_guardian: Option<RawContact>,
    /// Its senior sign-off officer: the Senior Information Risk Owner or equivalent.
    pub senior_officer: Option<RawContact>,
    /// Who signs for the party, as the agreement states it (not a signature).
    pub signatory: Option<RawSignatory>,
    /// The organisation's postal address (optional).
    pub address: Text,
    /// Further named contacts (`[[parties.contacts]]`, optional).
    pub contacts: Option<Vec<RawPartyContact>>,
    /// A class of organisations (standard terms): it does not sign; its members join.
    pub class: Flag,
    /// Who may join a class party.
    pub eligibility: Text,
}

/// `[[parties]] signatory = { name, title, capacity }`.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawSignatory {
    pub name: Text,
    pub title: Text,
    /// "under delegated authority", "for and on behalf of the Chief Executive".
    pub capacity: Text,
}

/// A processor that acts for a party but is not a party and does not sign.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawProcessor {
    /// The processor's legal name.
    #[schemars(required)]
    pub name: Text,
    /// The parties (controllers) it acts for. Each must be a party's id.
    pub acting_for: TextList,
    /// What it does with the data.
    #[schemars(required)]
    pub service: Text,
    /// Where it processes the data (country, or data centre region).
    #[schemars(required)]
    pub location: Text,
    /// Whether it processes the data outside the UK. Under `jurisdiction = "ireland"` it is DP010:
    /// write `outside_eea`.
    pub outside_uk: Flag,
    /// Under `jurisdiction = "ireland"`, instead of `outside_uk`.
    pub outside_eea: Flag,
    /// The GDPR Chapter V safeguard for the transfer (UK: adequacy regulations, the International
    /// Data Transfer Agreement, ...; Ireland: an adequacy decision, standard contractual clauses,
    /// ...).
    pub safeguards: Text,
    /// The reference of the processing contract (Art 28(3)).
    pub contract_reference: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawContact {
    /// The person's name, or the name of the office or service.
    pub name: Text,
    /// The role title (published).
    pub title: Text,
    /// A personal e-mail address (left out of public renditions).
    pub email: Text,
    /// A role mailbox (published).
    pub mailbox: Text,
    /// A telephone number (left out of public renditions).
    pub phone: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawPurpose {
    /// The clear reason for sharing (Policy: "information is only shared when there is a clear
    /// reason"; Caldicott Principle 1).
    #[schemars(required)]
    pub description: Text,
    /// What kind of purpose: `direct-care`, `safeguarding`, `planning`, `research`, `public-health`,
    /// `service-improvement`, `law-enforcement`. `planning` or `research` brings in the planning and
    /// research rules (DP111, DP112, DP113) for confidential patient information; a category other
    /// than `direct-care` and `safeguarding` is use beyond individual care (DP134).
    pub categories: TextList,
    /// The legal powers or functions the sharing relies on (statute and section).
    pub legal_powers: TextList,
    /// The expected benefits.
    pub benefits: TextList,
    /// `one-off` or `ongoing`.
    #[schemars(required)]
    pub frequency: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawNecessity {
    /// Why sharing is necessary at all (Policy: "if sharing is necessary"; Caldicott Principle 2).
    #[schemars(required)]
    pub why_sharing: Text,
    /// Why the aim cannot be met without personal data.
    #[schemars(required)]
    pub why_personal_data: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawData {
    /// The categories of people the data is about.
    pub subjects: TextList,
    /// `identifiable`, `pseudonymised` or `anonymised`.
    #[schemars(required)]
    pub identifiability: Text,
    /// Why anonymised data would not serve (Policy: "if the information can be anonymised"; Caldicott
    /// Principles 2 and 3).
    pub why_not_anonymised: Text,
    /// `[[data.items]]`: each data item shared, with why it is needed (required, at least one).
    pub items: Option<Vec<RawDataItem>>,
    /// `[[data.flows]]`: which party sends what to which (optional).
    pub flows: Option<Vec<RawDataFlow>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawDataItem {
    /// The item (for example "NHS number", "Current medication").
    #[schemars(required)]
    pub name: Text,
    /// Why this item is needed.
    #[schemars(required)]
    pub justification: Text,
    /// When the item is special category data (`health`, `racial-or-ethnic-origin`, ...) or criminal
    /// offence data (`criminal-offence`). Special category data needs an Art 9 condition; criminal
    /// offence data a Schedule 1 condition (`lawful_basis.criminal_offence`).
    pub special_category: Text,
    /// The item is the key that links pseudonyms to people (a lookup of NHS numbers to pseudonyms),
    /// held apart from the pseudonymised data by the party named in the agreement. Only such an item
    /// may be a direct identifier in pseudonymised data.
    pub pseudonymisation_key: Flag,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawLawfulBasis {
    /// The UK GDPR Art 6(1) basis: `a` to `f`, or `ea`.
    pub article6: TextList,
    /// The recognised legitimate interest condition (UK GDPR Annex 1).
    pub recognised_interest: Text,
    /// The Art 9(2) conditions, `a` to `j`; `[]` or absent when there is no special category data.
    /// Research with confidential patient information needs `j`; other research may rely on another
    /// condition, such as (g) with a Schedule 1 Part 2 condition.
    pub article9: TextList,
    /// The DPA 2018 Schedule 1 conditions for the special category data. Each Art 9 point that needs
    /// one must be satisfied by one listed here (see the vocabulary's "satisfies" column). Part 3
    /// conditions serve criminal offence data only and belong in `criminal_offence` (DP139). An
    /// agreement without `criminal_offence` may name the criminal offence data's condition here (the
    /// earlier form, still accepted by DP122).
    pub dpa_schedule1: TextList,
    /// The common-law duty of confidentiality basis, recorded separately from UK GDPR: `explicit-
    /// consent`, `implied-consent`, `overriding-public-interest`, `legal-duty`, `s251`, `not-
    /// applicable` (anonymised data only) or `no-duty-of-confidence` (information that was not given
    /// in confidence). Required for confidential patient information and when `duty_of_confidence =
    /// true`; otherwise it may be left out.
    pub confidentiality: Text,
    /// Whether a common-law duty of confidence applies (optional; implied by confidential
    /// patient information).
    pub duty_of_confidence: Flag,
    /// The Confidentiality Advisory Group reference, for example `"24/CAG/0157"`.
    pub s251_reference: Text,
    /// How the bases apply to this sharing, in words.
    #[schemars(required)]
    pub explanation: Text,
    /// The DPA 2018 Schedule 1 conditions relied on for criminal offence data (UK GDPR Art 10,
    /// DPA 2018 s.10(5)).
    pub criminal_offence: TextList,
    /// The appropriate policy document (Sch 1 Part 4 para 39) the conditions rely on.
    pub policy_document: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawConsent {
    /// Whether consent is sought for the sharing.
    #[schemars(required)]
    pub sought: Flag,
    /// `implied` (direct care only) or `explicit`. Planning or research with confidential patient
    /// information on consent needs `explicit`, and so does consent named as a lawful basis.
    pub model: Text,
    /// Which of the workspace policy's exceptions applies (see below): by default the NHS Essex
    /// policy's three, `required-by-law`, `protect-from-harm`, `public-interest`.
    pub exception: Text,
    /// Why the exception applies.
    pub justification: Text,
    /// How objections are handled.
    #[schemars(required)]
    pub objections: Text,
    /// `applied` or `not-applicable`. Required when the data is confidential patient information and
    /// a purpose category is other than `direct-care` and `safeguarding`; otherwise optional (the
    /// opt-out concerns only confidential patient information, so a government statistics collection
    /// leaves it out).
    pub national_data_opt_out: Text,
    /// Why the national data opt-out does or does not apply.
    pub opt_out_explanation: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawRisk {
    /// `completed` or `not-required`.
    #[schemars(required)]
    pub dpia: Text,
    /// The DPIA's reference.
    pub dpia_reference: Text,
    /// Its outcome (residual risk, who accepted it, when).
    pub dpia_outcome: Text,
    /// The screening outcome that found no DPIA was needed.
    pub no_dpia_reason: Text,
    /// `[[risk.risks]]`: the main risks and how each is mitigated.
    pub risks: Option<Vec<RawRiskItem>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawRiskItem {
    /// A main risk of the sharing (Policy: "what the possible risks are").
    #[schemars(required)]
    pub risk: Text,
    /// How it is mitigated.
    #[schemars(required)]
    pub mitigation: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawSecurity {
    /// How and where the data is stored (Policy: "information is handled securely at all times").
    #[schemars(required)]
    pub storage: Text,
    /// Who may access it, on a need-to-know basis (Caldicott Principle 4).
    #[schemars(required)]
    pub access: Text,
    /// The systems used.
    pub systems: TextList,
    /// Security standards met (for example the Data Security and Protection Toolkit).
    pub standards: TextList,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawTransfer {
    /// How data moves between the organisations (left out of the public rendition).
    pub methods: TextList,
    /// How it is protected in transit (Policy: "information is protected during transfer"; left out
    /// of the public rendition).
    #[schemars(required)]
    pub protection: Text,
    /// Whether any data leaves the UK (a processor outside the UK says so in its `[[processors]]`
    /// entry). Under `jurisdiction = "ireland"` it is DP010: write `outside_eea`.
    pub outside_uk: Flag,
    /// Under `jurisdiction = "ireland"`, instead of `outside_uk`.
    pub outside_eea: Flag,
    /// The GDPR Chapter V safeguard (UK: adequacy regulations, the International Data Transfer
    /// Agreement, ...; Ireland: an adequacy decision, standard contractual clauses, ...).
    pub safeguards: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawRetention {
    /// `[[retention.rules]]`: one rule per party: how long it keeps the data and how it disposes of it.
    pub rules: Option<Vec<RawRetentionRule>>,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawRetentionRule {
    /// The party the rule is for.
    #[schemars(required)]
    pub party: Text,
    /// How long that party keeps the data.
    #[schemars(required)]
    pub period: Text,
    /// How it is destroyed or returned.
    #[schemars(required)]
    pub disposal: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawOnwardSharing {
    /// Whether a recipient may pass the data on.
    #[schemars(required)]
    pub permitted: Flag,
    /// When and to whom it may be passed on (or, when not permitted, the exceptions such as a legal
    /// requirement).
    pub conditions: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawRights {
    /// How individuals are told: the privacy notices that describe the sharing (Caldicott Principle
    /// 8).
    #[schemars(required)]
    pub privacy_notice: Text,
    /// How access, rectification and objection requests are handled between the parties (UK GDPR Art
    /// 26(2)).
    #[schemars(required)]
    pub requests: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawResearch {
    /// Whether anonymised data is used wherever it will serve (Policy: "anonymised data is used where
    /// possible"; UK GDPR Art 89(1)). `false` says anonymised data would serve but is not used.
    #[schemars(required)]
    pub anonymised_where_possible: Flag,
    /// Why anonymised data is not used where it would serve. `data.why_not_anonymised` says why the
    /// purpose needs identifiable or pseudonymised data at all; this says why the policy's "where
    /// possible" is not met.
    pub not_anonymised_reason: Text,
    /// The measures that protect identity (Policy: "strict rules protect your identity"):
    /// pseudonymisation at source, small-number suppression, a trusted research environment, ...
    #[schemars(required)]
    pub identity_protection: Text,
    /// Approvals held: CAG support, ethics committee, data access committee.
    pub approvals: TextList,
    /// What leaves the research environment and how it is checked.
    pub outputs: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawResponsibilities {
    /// Staff training (Policy: "staff must understand how to share information safely"; Caldicott
    /// Principle 5).
    #[schemars(required)]
    pub training: Text,
    /// Confidentiality duties (Policy: "staff must protect confidential information at all times").
    #[schemars(required)]
    pub confidentiality: Text,
    /// Who provides secure systems and guidance (Policy: "NHS Essex must provide secure systems and
    /// guidance").
    #[schemars(required)]
    pub systems_and_guidance: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawIncidents {
    /// How breaches, concerns and risks are reported between the parties (Policy: "concerns or risks
    /// must be reported and managed quickly").
    #[schemars(required)]
    pub procedure: Text,
    /// Within how many hours a party tells the others; 1 to 72, because the controller must tell the
    /// ICO of a reportable breach within 72 hours (24 is usual).
    pub report_within_hours: Int,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawDates {
    /// When every party approved this version (the current one, not the first). For version 1 at most
    /// `effective`; for a later version at most `expires`.
    #[schemars(required)]
    pub approved: Date,
    /// When sharing may start.
    #[schemars(required)]
    pub effective: Date,
    /// When the agreement is next reviewed; at most `review_interval_months` after `effective`, or
    /// after `approved` when this version was approved later. When it is left out, the review date is
    /// **derived**: `review_interval_months` calendar months after the later of `approved` and
    /// `effective` (from 2026-04-01 with 24 months: 2028-04-01; from 2026-08-31 with 6 months:
    /// 2027-02-28, the month's last day when it is shorter). `status`, `check` and `calendar` use the
    /// derived date like a written one (`status --format json` and CSV say `"review_derived": true`),
    /// and documents show it marked as derived. Once a signed review of this version is complete
    /// (`datapact review`, see [signing.md](signing.md#reviews)), the review's `next_review` applies
    /// instead.
    pub review: Date,
    /// When the agreement ends, its last day in force; at most `[limits] max_term_months` (default
    /// 36) after `effective`.
    pub expires: Date,
    /// For an open-ended term instead of `expires`: how the term ends, in the agreement's words.
    /// Documents show "Open-ended: " and the condition; `status` shows `open-ended` as the expiry.
    pub end_condition: Text,
    /// The review interval; at most `[limits] max_review_interval_months` (default 24) unless
    /// `review_interval_reason` is given. A review's `next_review` is at most this many months after
    /// the review.
    #[schemars(required)]
    pub review_interval_months: Int,
    /// Why this agreement is reviewed less often than the workspace's `[limits]
    /// max_review_interval_months` allows (for example "Data Sharing and Governance Act 2019 s.20:
    /// reviewed at least every 5 years"). When given, an interval above the limit is accepted (DP132
    /// does not report it); the `review` date must still be within the agreement's own interval.
    /// Documents show it beside the interval.
    pub review_interval_reason: Text,
}

#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawChange {
    /// The version the note is for: strictly increasing from entry to entry, none above
    /// `agreement.version`.
    #[schemars(required)]
    pub version: Int,
    /// `amendment` (the terms change), `correction` (an error corrected or the text clarified,
    /// nothing of substance changed), `renewal` (the same terms for a further term), or `new` for the
    /// first version. `minor` and `major` are the earlier names of `correction` and `amendment`,
    /// still accepted for the entries written with them.
    #[serde(rename = "type")]
    #[schemars(required)]
    pub change_type: Text,
    /// What changed.
    #[schemars(required)]
    pub change: Text,
    /// Why.
    #[schemars(required)]
    pub reason: Text,
    /// When the change was made or approved (optional).
    pub date: Date,
}

// ---- Optional sections of published agreements: termination, disputes, requests,
// definitions, further contacts, uses, data quality, annexes. ----

/// `[termination]`: how the agreement ends early and what happens to the data.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawTermination {
    /// The notice a party gives to leave or end the agreement ("three months' written notice").
    pub notice: Text,
    /// Grounds on which a party may end it at once (a serious breach, the law changing).
    pub immediate_grounds: TextList,
    /// What happens when a party breaches the agreement (suspension, remedy period).
    pub on_breach: Text,
    /// What happens to the shared data when the agreement ends: returned, destroyed, and how that is
    /// confirmed.
    pub on_termination: Text,
}

/// `[disputes]`: how disagreements between the parties are resolved.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawDisputes {
    /// The steps, in order.
    pub escalation: TextList,
}

/// `[requests]`: requests and complaints about the shared data.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawRequests {
    /// How Freedom of Information and Environmental Information Regulations requests about the shared
    /// data are handled between the parties.
    pub foi_eir: Text,
    /// How complaints about the sharing are handled.
    pub complaints: Text,
}

/// One `[[definitions]]` entry.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawDefinition {
    /// The term defined.
    #[schemars(required)]
    pub term: Text,
    /// What it means in this agreement.
    #[schemars(required)]
    pub meaning: Text,
}

/// One `[[parties.contacts]]` entry: a further named contact of a party.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawPartyContact {
    /// The person's name, or the name of the office. Left out of public renditions.
    #[schemars(required)]
    pub name: Text,
    /// The role title (published).
    pub title: Text,
    /// What the contact is for ("authorised representative", "operational lead").
    #[schemars(required)]
    pub purpose: Text,
    /// A personal e-mail address (left out of public renditions).
    pub email: Text,
    /// A role mailbox (published).
    pub mailbox: Text,
    /// A telephone number (left out of public renditions).
    pub phone: Text,
}

/// `[uses]`: what the data may and may not be used for.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawUses {
    /// What the shared data may be used for, beyond the purpose's own words.
    pub permitted: TextList,
    /// What it must never be used for ("never used to make decisions about individuals").
    pub prohibited: TextList,
}

/// `[data_quality]`: the parties' duties for accurate, up-to-date data.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawDataQuality {
    /// Each party's duties for accurate, up-to-date data: checking, correcting, telling the others of
    /// errors.
    pub duties: TextList,
}

/// One `[[acknowledgements]]` entry: the author's answer to a judgement rule's finding.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawAcknowledgement {
    /// The rule's code (`DP144`, in any case) or name (`likely-special-category`).
    #[schemars(required)]
    pub rule: Text,
    /// What the finding is about, as the finding names it (a data item's `name`); matched ignoring
    /// case and surrounding spaces. Leave it out for a finding about the agreement as a whole.
    pub item: Text,
    /// Why the finding does not apply, or how the agreement meets the concern, in a sentence the
    /// reader can check.
    #[schemars(required)]
    pub reason: Text,
}

/// One `[[annexes]]` entry: a document attached to or referred to by the agreement.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawAnnex {
    /// The annex's title.
    #[schemars(required)]
    pub title: Text,
    /// Where it is found: a document reference or an address.
    pub reference: Text,
    /// What it says, in a sentence or two.
    pub summary: Text,
}

// ---- Optional sections, third set: assurance, data flows, human rights, outputs,
// approval. ----

/// `[assurance]`: the security assurance the parties hold.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawAssurance {
    /// Data Security and Protection Toolkit status or standard met.
    pub dspt: Text,
    /// `none`, `certified` or `plus`.
    pub cyber_essentials: Text,
    /// ISO/IEC 27001 certificate reference or scope.
    pub iso27001: Text,
    /// Other assurance (standards met, audits passed).
    pub other: TextList,
}

/// One `[[data.flows]]` entry: data sent from one party to another.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawDataFlow {
    /// The sending party's id.
    #[schemars(required)]
    pub from: Text,
    /// The receiving party's id.
    #[schemars(required)]
    pub to: Text,
    /// How it is sent (left out of the public rendition).
    #[schemars(required)]
    pub method: Text,
    /// How often ("Daily", "On each referral").
    #[schemars(required)]
    pub frequency: Text,
    /// How much (optional).
    pub volume: Text,
}

/// `[human_rights]`: the Human Rights Act 1998 assessment.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawHumanRights {
    /// Why any interference with private and family life (ECHR Art 8) is in accordance with the
    /// law, necessary and proportionate.
    #[schemars(required)]
    pub article8: Text,
}

/// `[outputs]`: what is produced or published from the shared data.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawOutputs {
    /// What is produced or published from the shared data (reports, dashboards, statistics).
    pub description: Text,
    /// Statistical disclosure control (small-number suppression, rounding).
    pub disclosure_control: Text,
}

/// `[approval]`: who approved the agreement (a committee or role), distinct from signatures.
#[derive(Debug, Default, Deserialize, JsonSchema)]
pub struct RawApproval {
    /// The committee or role ("Essex Information Governance Steering Group").
    #[schemars(required)]
    pub approved_by: Text,
    /// The minute or decision reference.
    pub minute_reference: Text,
}

/// What serde's derived `Deserialize` of a type asks the file for: a table of known keys (each
/// with the shape of its value), a list of values of one shape, or a leaf (a [`Slot`], which
/// takes any value whole, so nothing below it is a key of the format). Read from the types'
/// own `Deserialize` impls ([`Shape::of`]), so it cannot drift from them.
#[derive(Debug)]
pub enum Shape {
    Leaf,
    List(Box<Shape>),
    Table(Vec<(&'static str, Shape)>),
}

/// The shape of an agreement file ([`RawFile`]), worked out once.
pub fn file_shape() -> &'static Shape {
    static SHAPE: std::sync::OnceLock<Shape> = std::sync::OnceLock::new();
    SHAPE.get_or_init(Shape::of::<RawFile>)
}

impl Shape {
    /// The shape `T`'s `Deserialize` asks for: it is given a probe that answers each request
    /// with what the request says (every field of a struct, one element of a list, an
    /// option present) and notes it. A type that asks for anything else is a leaf.
    pub fn of<T: for<'de> Deserialize<'de>>() -> Shape {
        let mut shape = Shape::Leaf;
        let _ = T::deserialize(Probe {
            shape: &mut shape,
            depth: 0,
        });
        shape
    }

    /// The known keys of a table shape (none for a list or a leaf).
    pub fn keys(&self) -> impl Iterator<Item = &'static str> + '_ {
        let fields = match self {
            Shape::Table(fields) => fields.as_slice(),
            _ => &[],
        };
        fields.iter().map(|(k, _)| *k)
    }

    /// The shape of the value at `key` of a table shape.
    fn field(&self, key: &str) -> Option<&Shape> {
        match self {
            Shape::Table(fields) => fields.iter().find(|(k, _)| *k == key).map(|(_, s)| s),
            _ => None,
        }
    }

    /// The table shape a value of this shape holds tables of: itself, or a list's elements.
    fn tables(&self) -> &Shape {
        match self {
            Shape::List(item) => item,
            other => other,
        }
    }
}

/// The deserializer [`Shape::of`] hands a type: it notes what the type asks for and answers
/// with the least that lets the type go on (a leaf gets `false`, which a [`Slot`] keeps as a
/// value of another type). Types nest a few levels; deeper than [`Probe::MAX_DEPTH`] is a leaf.
struct Probe<'s> {
    shape: &'s mut Shape,
    depth: usize,
}

impl Probe<'_> {
    const MAX_DEPTH: usize = 8;
}

type ProbeError = serde::de::value::Error;

impl<'de> Deserializer<'de> for Probe<'_> {
    type Error = ProbeError;

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        if self.depth >= Probe::MAX_DEPTH {
            return Err(serde::de::Error::custom("nested too deeply"));
        }
        let mut shapes: Vec<(&'static str, Shape)> =
            fields.iter().map(|&f| (f, Shape::Leaf)).collect();
        let result = visitor.visit_map(ProbeFields {
            fields: &mut shapes,
            next: 0,
            depth: self.depth + 1,
        });
        *self.shape = Shape::Table(shapes);
        result
    }

    fn deserialize_seq<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        let mut item = Shape::Leaf;
        let result = visitor.visit_seq(ProbeItem {
            item: Some(&mut item),
            depth: self.depth + 1,
        });
        *self.shape = Shape::List(Box::new(item));
        result
    }

    fn deserialize_option<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        visitor.visit_some(self)
    }

    fn deserialize_any<V: serde::de::Visitor<'de>>(
        self,
        visitor: V,
    ) -> Result<V::Value, ProbeError> {
        *self.shape = Shape::Leaf;
        visitor.visit_bool(false)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf unit
        unit_struct newtype_struct tuple tuple_struct map enum identifier ignored_any
    }
}

/// A struct's fields, each given once as a key, its value probed.
struct ProbeFields<'f> {
    fields: &'f mut [(&'static str, Shape)],
    next: usize,
    depth: usize,
}

impl<'de> serde::de::MapAccess<'de> for ProbeFields<'_> {
    type Error = ProbeError;

    fn next_key_seed<K: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, ProbeError> {
        let Some((name, _)) = self.fields.get(self.next) else {
            return Ok(None);
        };
        seed.deserialize(serde::de::value::BorrowedStrDeserializer::new(name))
            .map(Some)
    }

    fn next_value_seed<V: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, ProbeError> {
        let (_, shape) = &mut self.fields[self.next];
        self.next += 1;
        seed.deserialize(Probe {
            shape,
            depth: self.depth,
        })
    }
}

/// A list of one element, probed.
struct ProbeItem<'s> {
    item: Option<&'s mut Shape>,
    depth: usize,
}

impl<'de> serde::de::SeqAccess<'de> for ProbeItem<'_> {
    type Error = ProbeError;

    fn next_element_seed<T: serde::de::DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, ProbeError> {
        match self.item.take() {
            Some(shape) => seed
                .deserialize(Probe {
                    shape,
                    depth: self.depth,
                })
                .map(Some),
            None => Ok(None),
        }
    }
}

/// The keys of a parsed agreement file that its typed reading ignores, in the order of the
/// file's tables: each as its path of keys, a list element as `#<index>`. A key below an
/// unknown key is not one of them (the whole value is ignored), nor is anything below a leaf.
/// Walks `root` against [`file_shape`]; a value of another shape than the one expected (which
/// the typed reading refuses) is not looked into.
pub fn unknown_keys(root: &toml::de::DeTable<'_>) -> Vec<Vec<String>> {
    use toml::de::{DeTable, DeValue};
    /// A step of the path walked: a key (borrowed from the document) or a list index. Made
    /// into text only for an unknown key: the walk passes hundreds of known ones a file.
    enum Step<'t> {
        Key(&'t str),
        Index(usize),
    }
    fn table<'t>(
        t: &'t DeTable<'_>,
        shape: &Shape,
        path: &mut Vec<Step<'t>>,
        out: &mut Vec<Vec<String>>,
    ) {
        for (key, v) in t.iter() {
            path.push(Step::Key(key.get_ref()));
            match shape.field(key.get_ref()) {
                None => out.push(
                    path.iter()
                        .map(|step| match step {
                            Step::Key(k) => k.to_string(),
                            Step::Index(i) => format!("#{i}"),
                        })
                        .collect(),
                ),
                Some(field) => value(v.get_ref(), field, path, out),
            }
            path.pop();
        }
    }
    fn value<'t>(
        v: &'t DeValue<'_>,
        shape: &Shape,
        path: &mut Vec<Step<'t>>,
        out: &mut Vec<Vec<String>>,
    ) {
        match (v, shape) {
            (DeValue::Table(t), Shape::Table(_)) => table(t, shape, path, out),
            (DeValue::Array(items), Shape::List(item)) => {
                for (i, v) in items.iter().enumerate() {
                    path.push(Step::Index(i));
                    value(v.get_ref(), item, path, out);
                    path.pop();
                }
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    table(root, file_shape(), &mut Vec::new(), &mut out);
    out
}

/// Known keys of the table at `path` (keys only, array indices removed), for suggestions:
/// none for a path that is not a table of the format.
pub fn known_keys(path: &[&str]) -> Vec<&'static str> {
    let mut shape = file_shape();
    for key in path {
        match shape.tables().field(key) {
            Some(s) => shape = s,
            None => return Vec::new(),
        }
    }
    shape.tables().keys().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_keys_come_from_serde() {
        assert!(known_keys(&["dates"]).contains(&"review_interval_months"));
        assert!(known_keys(&["changes"]).contains(&"type"));
        assert!(known_keys(&["parties", "dpo"]).contains(&"mailbox"));
        assert!(known_keys(&[]).contains(&"lawful_basis"));
        assert!(known_keys(&["dates", "review"]).is_empty(), "a leaf");
        assert!(known_keys(&["nowhere"]).is_empty());
    }

    #[test]
    fn slots_keep_wrong_types_and_placeholders() {
        #[derive(Deserialize)]
        struct T {
            a: Int,
            b: Int,
            c: Text,
        }
        let t: T = toml::from_str("a = \"x\"\nb = \"TODO: a number\"\nc = \"ok\"").unwrap();
        assert!(matches!(t.a, Some(Slot::WrongType(_))));
        assert!(matches!(t.b, Some(Slot::Placeholder(_))));
        assert_eq!(t.c, Some(Slot::Value("ok".into())));
    }
}
