//! The raw, unvalidated shape of an agreement file, exactly as serde reads it. Every leaf is a
//! [`Slot`], so a wrong type or a `TODO` placeholder becomes a finding at its own line rather
//! than stopping the parse. Tables stay flat (no `flatten`, no `untagged`) so positions hold.
//! `validate` turns this into the domain types in `model`.

use serde::Deserialize;
use serde::de::{DeserializeOwned, Deserializer};

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

impl<'de, T: DeserializeOwned> Deserialize<'de> for Slot<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let value = toml::Value::deserialize(d)?;
        if let toml::Value::String(s) = &value {
            if is_placeholder(s) {
                return Ok(Slot::Placeholder(s.clone()));
            }
        }
        match T::deserialize(value.clone()) {
            Ok(v) => Ok(Slot::Value(v)),
            Err(_) => Ok(Slot::WrongType(value)),
        }
    }
}

pub type Text = Option<Slot<String>>;
pub type Flag = Option<Slot<bool>>;
pub type Int = Option<Slot<i64>>;
pub type Date = Option<Slot<toml::value::Datetime>>;
pub type TextList = Option<Slot<Vec<Slot<String>>>>;

#[derive(Debug, Default, Deserialize)]
pub struct RawFile {
    pub schema: Int,
    pub agreement: Option<RawIdentity>,
    pub parties: Option<Vec<RawParty>>,
    pub processors: Option<Vec<RawProcessor>>,
    pub purpose: Option<RawPurpose>,
    pub necessity: Option<RawNecessity>,
    pub data: Option<RawData>,
    pub lawful_basis: Option<RawLawfulBasis>,
    pub consent: Option<RawConsent>,
    pub risk: Option<RawRisk>,
    pub security: Option<RawSecurity>,
    pub transfer: Option<RawTransfer>,
    pub retention: Option<RawRetention>,
    pub onward_sharing: Option<RawOnwardSharing>,
    pub rights: Option<RawRights>,
    pub research: Option<RawResearch>,
    pub responsibilities: Option<RawResponsibilities>,
    pub incidents: Option<RawIncidents>,
    pub dates: Option<RawDates>,
    pub changes: Option<Vec<RawChange>>,
    // Optional sections of published agreements (see the block of types further down).
    pub termination: Option<RawTermination>,
    pub disputes: Option<RawDisputes>,
    pub requests: Option<RawRequests>,
    pub definitions: Option<Vec<RawDefinition>>,
    pub query_contact: Option<RawContact>,
    pub uses: Option<RawUses>,
    pub data_quality: Option<RawDataQuality>,
    pub audit: Text,
    /// The protective marking the publisher gives the document ("OFFICIAL").
    pub protective_marking: Text,
    /// Indemnity and liability between the parties.
    pub liability: Text,
    /// Costs, charges or funding of the sharing.
    pub charges: Text,
    pub annexes: Option<Vec<RawAnnex>>,
    pub notes: Text,
    pub acknowledgements: Option<Vec<RawAcknowledgement>>,
    // Optional sections, third set (see the block of types further down).
    pub assurance: Option<RawAssurance>,
    pub human_rights: Option<RawHumanRights>,
    pub outputs: Option<RawOutputs>,
    pub approval: Option<RawApproval>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawIdentity {
    pub id: Text,
    pub title: Text,
    pub version: Int,
    pub version_label: Text,
    pub kind: Text,
    pub reference: Text,
    pub lead: Text,
    pub summary: Text,
    /// The information sharing policy the agreement follows, when not the workspace's.
    pub policy: Text,
    /// The law the agreement is made under: "uk" (the default) or "ireland".
    pub jurisdiction: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawParty {
    pub id: Text,
    pub name: Text,
    pub public_authority: Flag,
    pub health_or_care: Flag,
    pub role: Text,
    pub ico_registration: Text,
    /// Why the party has no ICO registration number (an Irish public body, a body exempt from
    /// the data protection fee), instead of `ico_registration`.
    pub no_ico_registration: Text,
    pub dpo: Option<RawContact>,
    pub caldicott_guardian: Option<RawContact>,
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
#[derive(Debug, Default, Deserialize)]
pub struct RawSignatory {
    pub name: Text,
    pub title: Text,
    /// "under delegated authority", "for and on behalf of the Chief Executive".
    pub capacity: Text,
}

/// A processor that acts for a party but is not a party and does not sign.
#[derive(Debug, Default, Deserialize)]
pub struct RawProcessor {
    pub name: Text,
    pub acting_for: TextList,
    pub service: Text,
    pub location: Text,
    pub outside_uk: Flag,
    /// Under `jurisdiction = "ireland"`, instead of `outside_uk`.
    pub outside_eea: Flag,
    pub safeguards: Text,
    pub contract_reference: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawContact {
    pub name: Text,
    pub title: Text,
    /// A personal e-mail address (left out of public renditions).
    pub email: Text,
    /// A role mailbox (published).
    pub mailbox: Text,
    pub phone: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawPurpose {
    pub description: Text,
    pub categories: TextList,
    pub legal_powers: TextList,
    pub benefits: TextList,
    pub frequency: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawNecessity {
    pub why_sharing: Text,
    pub why_personal_data: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawData {
    pub subjects: TextList,
    pub identifiability: Text,
    pub why_not_anonymised: Text,
    pub items: Option<Vec<RawDataItem>>,
    /// `[[data.flows]]`: which party sends what to which (optional).
    pub flows: Option<Vec<RawDataFlow>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawDataItem {
    pub name: Text,
    pub justification: Text,
    pub special_category: Text,
    pub pseudonymisation_key: Flag,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawLawfulBasis {
    pub article6: TextList,
    pub recognised_interest: Text,
    pub article9: TextList,
    pub dpa_schedule1: TextList,
    pub confidentiality: Text,
    /// Whether a common-law duty of confidence applies (optional; implied by confidential
    /// patient information).
    pub duty_of_confidence: Flag,
    pub s251_reference: Text,
    pub explanation: Text,
    /// The DPA 2018 Schedule 1 conditions relied on for criminal offence data (UK GDPR Art 10,
    /// DPA 2018 s.10(5)).
    pub criminal_offence: TextList,
    /// The appropriate policy document (Sch 1 Part 4 para 39) the conditions rely on.
    pub policy_document: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawConsent {
    pub sought: Flag,
    pub model: Text,
    pub exception: Text,
    pub justification: Text,
    pub objections: Text,
    pub national_data_opt_out: Text,
    pub opt_out_explanation: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawRisk {
    pub dpia: Text,
    pub dpia_reference: Text,
    pub dpia_outcome: Text,
    pub no_dpia_reason: Text,
    pub risks: Option<Vec<RawRiskItem>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawRiskItem {
    pub risk: Text,
    pub mitigation: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawSecurity {
    pub storage: Text,
    pub access: Text,
    pub systems: TextList,
    pub standards: TextList,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawTransfer {
    pub methods: TextList,
    pub protection: Text,
    pub outside_uk: Flag,
    /// Under `jurisdiction = "ireland"`, instead of `outside_uk`.
    pub outside_eea: Flag,
    pub safeguards: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawRetention {
    pub rules: Option<Vec<RawRetentionRule>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawRetentionRule {
    pub party: Text,
    pub period: Text,
    pub disposal: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawOnwardSharing {
    pub permitted: Flag,
    pub conditions: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawRights {
    pub privacy_notice: Text,
    pub requests: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawResearch {
    pub anonymised_where_possible: Flag,
    pub not_anonymised_reason: Text,
    pub identity_protection: Text,
    pub approvals: TextList,
    pub outputs: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawResponsibilities {
    pub training: Text,
    pub confidentiality: Text,
    pub systems_and_guidance: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawIncidents {
    pub procedure: Text,
    pub report_within_hours: Int,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawDates {
    pub approved: Date,
    pub effective: Date,
    pub review: Date,
    pub expires: Date,
    pub end_condition: Text,
    pub review_interval_months: Int,
    pub review_interval_reason: Text,
}

#[derive(Debug, Default, Deserialize)]
pub struct RawChange {
    pub version: Int,
    #[serde(rename = "type")]
    pub change_type: Text,
    pub change: Text,
    pub reason: Text,
    /// When the change was made or approved (optional).
    pub date: Date,
}

// ---- Optional sections of published agreements: termination, disputes, requests,
// definitions, further contacts, uses, data quality, annexes. ----

/// `[termination]`: how the agreement ends early and what happens to the data.
#[derive(Debug, Default, Deserialize)]
pub struct RawTermination {
    pub notice: Text,
    pub immediate_grounds: TextList,
    pub on_breach: Text,
    pub on_termination: Text,
}

/// `[disputes]`: how disagreements between the parties are resolved.
#[derive(Debug, Default, Deserialize)]
pub struct RawDisputes {
    /// The steps, in order.
    pub escalation: TextList,
}

/// `[requests]`: requests and complaints about the shared data.
#[derive(Debug, Default, Deserialize)]
pub struct RawRequests {
    pub foi_eir: Text,
    pub complaints: Text,
}

/// One `[[definitions]]` entry.
#[derive(Debug, Default, Deserialize)]
pub struct RawDefinition {
    pub term: Text,
    pub meaning: Text,
}

/// One `[[parties.contacts]]` entry: a further named contact of a party.
#[derive(Debug, Default, Deserialize)]
pub struct RawPartyContact {
    pub name: Text,
    pub title: Text,
    /// What the contact is for ("authorised representative", "operational lead").
    pub purpose: Text,
    /// A personal e-mail address (left out of public renditions).
    pub email: Text,
    /// A role mailbox (published).
    pub mailbox: Text,
    pub phone: Text,
}

/// `[uses]`: what the data may and may not be used for.
#[derive(Debug, Default, Deserialize)]
pub struct RawUses {
    pub permitted: TextList,
    pub prohibited: TextList,
}

/// `[data_quality]`: the parties' duties for accurate, up-to-date data.
#[derive(Debug, Default, Deserialize)]
pub struct RawDataQuality {
    pub duties: TextList,
}

/// One `[[acknowledgements]]` entry: the author's answer to a judgement rule's finding.
#[derive(Debug, Default, Deserialize)]
pub struct RawAcknowledgement {
    pub rule: Text,
    pub item: Text,
    pub reason: Text,
}

/// One `[[annexes]]` entry: a document attached to or referred to by the agreement.
#[derive(Debug, Default, Deserialize)]
pub struct RawAnnex {
    pub title: Text,
    pub reference: Text,
    pub summary: Text,
}

// ---- Optional sections, third set: assurance, data flows, human rights, outputs,
// approval. ----

/// `[assurance]`: the security assurance the parties hold.
#[derive(Debug, Default, Deserialize)]
pub struct RawAssurance {
    /// Data Security and Protection Toolkit status or standard met.
    pub dspt: Text,
    /// `none`, `certified` or `plus`.
    pub cyber_essentials: Text,
    /// ISO/IEC 27001 certificate reference or scope.
    pub iso27001: Text,
    pub other: TextList,
}

/// One `[[data.flows]]` entry: data sent from one party to another.
#[derive(Debug, Default, Deserialize)]
pub struct RawDataFlow {
    /// The sending party's id.
    pub from: Text,
    /// The receiving party's id.
    pub to: Text,
    pub method: Text,
    pub frequency: Text,
    /// How much (optional).
    pub volume: Text,
}

/// `[human_rights]`: the Human Rights Act 1998 assessment.
#[derive(Debug, Default, Deserialize)]
pub struct RawHumanRights {
    /// Why any interference with private and family life (ECHR Art 8) is in accordance with the
    /// law, necessary and proportionate.
    pub article8: Text,
}

/// `[outputs]`: what is produced or published from the shared data.
#[derive(Debug, Default, Deserialize)]
pub struct RawOutputs {
    pub description: Text,
    /// Statistical disclosure control (small-number suppression, rounding).
    pub disclosure_control: Text,
}

/// `[approval]`: who approved the agreement (a committee or role), distinct from signatures.
#[derive(Debug, Default, Deserialize)]
pub struct RawApproval {
    pub approved_by: Text,
    pub minute_reference: Text,
}

/// The field names serde knows for a struct type, read from its `Deserialize` impl, so the
/// "did you mean" list for unknown keys never drifts from the model.
pub fn field_names<T: for<'de> Deserialize<'de>>() -> &'static [&'static str] {
    struct Capture(Option<&'static [&'static str]>);
    impl<'de> Deserializer<'de> for &mut Capture {
        type Error = serde::de::value::Error;
        fn deserialize_struct<V: serde::de::Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = Some(fields);
            Err(serde::de::Error::custom("captured"))
        }
        fn deserialize_any<V: serde::de::Visitor<'de>>(
            self,
            _visitor: V,
        ) -> Result<V::Value, Self::Error> {
            Err(serde::de::Error::custom("not a struct"))
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
            unit_struct newtype_struct seq tuple tuple_struct map enum identifier ignored_any
        }
    }
    let mut capture = Capture(None);
    let _ = T::deserialize(&mut capture);
    capture.0.unwrap_or(&[])
}

/// Known keys of the table at `path` (keys only, array indices removed), for suggestions.
pub fn known_keys(path: &[&str]) -> &'static [&'static str] {
    match path {
        [] => field_names::<RawFile>(),
        ["agreement"] => field_names::<RawIdentity>(),
        ["parties"] => field_names::<RawParty>(),
        ["parties", "dpo" | "caldicott_guardian" | "senior_officer"] => field_names::<RawContact>(),
        ["processors"] => field_names::<RawProcessor>(),
        ["parties", "signatory"] => field_names::<RawSignatory>(),
        ["purpose"] => field_names::<RawPurpose>(),
        ["necessity"] => field_names::<RawNecessity>(),
        ["data"] => field_names::<RawData>(),
        ["data", "items"] => field_names::<RawDataItem>(),
        ["lawful_basis"] => field_names::<RawLawfulBasis>(),
        ["consent"] => field_names::<RawConsent>(),
        ["risk"] => field_names::<RawRisk>(),
        ["risk", "risks"] => field_names::<RawRiskItem>(),
        ["security"] => field_names::<RawSecurity>(),
        ["transfer"] => field_names::<RawTransfer>(),
        ["retention"] => field_names::<RawRetention>(),
        ["retention", "rules"] => field_names::<RawRetentionRule>(),
        ["onward_sharing"] => field_names::<RawOnwardSharing>(),
        ["rights"] => field_names::<RawRights>(),
        ["research"] => field_names::<RawResearch>(),
        ["responsibilities"] => field_names::<RawResponsibilities>(),
        ["incidents"] => field_names::<RawIncidents>(),
        ["dates"] => field_names::<RawDates>(),
        ["changes"] => field_names::<RawChange>(),
        // Optional sections of published agreements.
        ["termination"] => field_names::<RawTermination>(),
        ["disputes"] => field_names::<RawDisputes>(),
        ["requests"] => field_names::<RawRequests>(),
        ["definitions"] => field_names::<RawDefinition>(),
        ["parties", "contacts"] => field_names::<RawPartyContact>(),
        ["query_contact"] => field_names::<RawContact>(),
        ["uses"] => field_names::<RawUses>(),
        ["data_quality"] => field_names::<RawDataQuality>(),
        ["annexes"] => field_names::<RawAnnex>(),
        ["acknowledgements"] => field_names::<RawAcknowledgement>(),
        // Optional sections, third set.
        ["assurance"] => field_names::<RawAssurance>(),
        ["data", "flows"] => field_names::<RawDataFlow>(),
        ["human_rights"] => field_names::<RawHumanRights>(),
        ["outputs"] => field_names::<RawOutputs>(),
        ["approval"] => field_names::<RawApproval>(),
        _ => &[],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_names_come_from_serde() {
        assert!(field_names::<RawDates>().contains(&"review_interval_months"));
        assert!(known_keys(&["changes"]).contains(&"type"));
        assert!(known_keys(&["parties", "dpo"]).contains(&"mailbox"));
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
