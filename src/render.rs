//! Rendering agreements for people: the view model that templates read, the public rendition,
//! and the static site (register plus one page per agreement, and the manifest that lets a
//! re-render remove the pages it no longer writes).
//!
//! Templates never see the [`Agreement`] itself. They see an [`AgreementView`] built here, so
//! what a public rendition leaves out is left out before any template (built-in or a workspace
//! override) runs: the `[security]` section, `transfer.methods`, `transfer.protection`, every
//! contact's `name`, `email` and `phone` (the party contacts, `[[parties.contacts]]` and
//! `query_contact` included), each `[[data.flows]]` entry's `method`, and each signer's
//! principal (with the detailed reason a signature is not valid, which can name it). docs/format.md documents that list; keep the
//! two equal.
//!
//! Signatures and states come from [`crate::register::Session`] (verification by
//! `crate::signing`, state by `crate::lifecycle`) at render time. A party is shown as signed only
//! when its signature verified against the current content.

use crate::agreement::model::{
    Agreement, Change, Consent, Contact, Dates, Incidents, LawfulBasis, Necessity, OnwardSharing,
    Purpose, Research, Responsibilities, Rights, Risk, Security,
};
use crate::agreement::model::{
    Annex, DataQuality, Definition, Disputes, PartyContact, QueryContact, Requests, Termination,
    Uses,
};
use crate::agreement::model::{Approval, Assurance, HumanRights, Outputs};
use crate::error::{Error, Result};
use crate::lifecycle::{Standing, State};
use crate::register::{Assessment, LastReview, Row};
use crate::signing::verify::{AgreementSignatures, PartyStatus};
use crate::templates::Templates;
use crate::vocab::Entry;
use chrono::NaiveDate;
use serde::Serialize;

/// The sentence that replaces the security section in a public rendition.
pub const PUBLIC_SECURITY_NOTICE: &str =
    "Security measures are described in the full agreement, which is held by the parties.";

/// The built-in template for one agreement in Markdown.
pub const AGREEMENT_MD: &str = "agreement.md.j2";
/// The built-in template for one agreement as an HTML page.
pub const AGREEMENT_HTML: &str = "agreement.html.j2";
/// The built-in template for the register page (`index.html`) of a site.
pub const REGISTER_HTML: &str = "register.html.j2";

/// The output format of one rendered agreement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown, for reading on GitHub or in an editor.
    Md,
    /// A standalone HTML page with an A4 print stylesheet.
    Html,
}

impl Format {
    pub fn template(self) -> &'static str {
        match self {
            Format::Md => AGREEMENT_MD,
            Format::Html => AGREEMENT_HTML,
        }
    }
    pub fn extension(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
        }
    }
}

/// Whether a rendition is the full text or the public one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Audience {
    /// The full agreement, for the parties.
    Full,
    /// The published rendition: see the module documentation for what it leaves out.
    Public,
}

impl Audience {
    pub fn from_public_flag(public: bool) -> Audience {
        if public {
            Audience::Public
        } else {
            Audience::Full
        }
    }
}

type V = &'static Entry;

/// One named contact of a party, or the agreement's `query_contact`, as a rendition may show it.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// What the contact is for this party ("Data Protection Officer", or a further contact's
    /// `purpose`); `none` for the query contact.
    pub role: Option<String>,
    /// The person's name; `none` in a public rendition.
    pub name: Option<String>,
    pub title: Option<String>,
    /// Personal e-mail address; `none` in a public rendition.
    pub email: Option<String>,
    /// Role mailbox: always shown.
    pub mailbox: Option<String>,
    /// `none` in a public rendition.
    pub phone: Option<String>,
    /// What a one-line rendition shows of it: [`contact_details`].
    pub details: Vec<String>,
}

/// A contact's details as one line shows them, in this order and each only when the rendition
/// has it: the name, the title, `mailbox <address>`, `e-mail <address>` and `phone <number>`.
/// (The Markdown rendition joins them with commas; a page lays them out itself.)
fn contact_details(
    name: Option<&str>,
    title: Option<&str>,
    mailbox: Option<&str>,
    email: Option<&str>,
    phone: Option<&str>,
) -> Vec<String> {
    let labelled = |label: &str, v: Option<&str>| v.map(|v| format!("{label} {v}"));
    [
        name.map(str::to_string),
        title.map(str::to_string),
        labelled("mailbox", mailbox),
        labelled("e-mail", email),
        labelled("phone", phone),
    ]
    .into_iter()
    .flatten()
    .collect()
}

impl ContactView {
    fn new(role: &str, contact: &Contact, audience: Audience) -> ContactView {
        ContactView::shown(
            Some(role.to_string()),
            audience,
            Some(&contact.name),
            contact.title.as_ref(),
            contact.email.as_ref(),
            contact.mailbox.as_ref(),
            contact.phone.as_ref(),
        )
    }

    /// A further named contact (`[[parties.contacts]]`), its `purpose` as its role.
    fn further(contact: &PartyContact, audience: Audience) -> ContactView {
        ContactView::shown(
            Some(contact.purpose.clone()),
            audience,
            Some(&contact.name),
            contact.title.as_ref(),
            contact.email.as_ref(),
            contact.mailbox.as_ref(),
            contact.phone.as_ref(),
        )
    }

    /// A contact as `audience`'s rendition shows it: the name, personal e-mail and phone are
    /// `none` in a public rendition, title and mailbox stay; with the [`contact_details`] of
    /// what is shown.
    fn shown(
        role: Option<String>,
        audience: Audience,
        name: Option<&String>,
        title: Option<&String>,
        email: Option<&String>,
        mailbox: Option<&String>,
        phone: Option<&String>,
    ) -> ContactView {
        let personal = |v: Option<&String>| v.filter(|_| audience != Audience::Public).cloned();
        let (name, email, phone) = (personal(name), personal(email), personal(phone));
        let (title, mailbox) = (title.cloned(), mailbox.cloned());
        let details = contact_details(
            name.as_deref(),
            title.as_deref(),
            mailbox.as_deref(),
            email.as_deref(),
            phone.as_deref(),
        );
        ContactView {
            role,
            name,
            title,
            email,
            mailbox,
            phone,
            details,
        }
    }
}

/// `query_contact` as a rendition shows it (no role: it is the agreement's, not a party's).
fn query_contact_view(contact: &QueryContact, audience: Audience) -> ContactView {
    ContactView::shown(
        None,
        audience,
        contact.name.as_ref(),
        contact.title.as_ref(),
        contact.email.as_ref(),
        contact.mailbox.as_ref(),
        contact.phone.as_ref(),
    )
}

/// One party to the agreement.
#[derive(Debug, Clone, Serialize)]
pub struct PartyView {
    pub id: String,
    pub name: String,
    pub is_lead: bool,
    pub public_authority: bool,
    pub health_or_care: bool,
    pub role: V,
    pub ico_registration: String,
    /// Why the party has no ICO registration number, shown instead of a number.
    pub no_ico_registration: Option<String>,
    /// Data Protection Officer, Caldicott Guardian (when named), senior officer, in that order,
    /// then the further contacts of `[[parties.contacts]]`.
    pub contacts: Vec<ContactView>,
    /// The organisation's postal address (shown in both renditions).
    pub address: Option<String>,
    /// Whether the party is a class of organisations (standard terms members join).
    pub class: bool,
    /// Who may join the class.
    pub eligibility: Option<String>,
    /// The class's members with a valid accession (filled in by [`Document::new`]): name,
    /// joined on, left on, and a status ("joined v1 on 2026-04-20, not yet v2").
    pub members: Vec<crate::signing::membership::Member>,
}

/// A party a processor acts for: its id and name.
#[derive(Debug, Clone, Serialize)]
pub struct PartyRef {
    pub id: String,
    pub name: String,
}

/// A processor acting for parties (`[[processors]]`): not a party, never a signatory. Shown in
/// full in both renditions (it names organisations, not people).
#[derive(Debug, Clone, Serialize)]
pub struct ProcessorView {
    pub name: String,
    pub acting_for: Vec<PartyRef>,
    pub service: String,
    pub location: String,
    pub outside_uk: bool,
    pub safeguards: Option<String>,
    pub contract_reference: Option<String>,
}

/// The data shared, with the special categories collected from the items.
#[derive(Debug, Clone, Serialize)]
pub struct DataView {
    pub subjects: Vec<String>,
    pub identifiability: V,
    pub why_not_anonymised: Option<String>,
    pub items: Vec<crate::agreement::model::DataItem>,
    /// Each special category present in the items, once.
    pub special_categories: Vec<V>,
    /// `[[data.flows]]`, with the parties' names resolved.
    pub flows: Vec<FlowView>,
}

/// One data flow (`[[data.flows]]`) as a rendition shows it: the parties named, how often and
/// how much in both renditions; the `method`, like `transfer.methods`, is `none` in a public
/// rendition (how data moves is a security detail).
#[derive(Debug, Clone, Serialize)]
pub struct FlowView {
    pub from_id: String,
    pub from_name: String,
    pub to_id: String,
    pub to_name: String,
    pub method: Option<String>,
    pub frequency: String,
    pub volume: Option<String>,
}

/// How data moves; `methods` and `protection` are `none` in a public rendition.
#[derive(Debug, Clone, Serialize)]
pub struct TransferView {
    pub methods: Option<Vec<String>>,
    pub protection: Option<String>,
    pub outside_uk: bool,
    pub safeguards: Option<String>,
}

/// One party's retention rule, with the party's name resolved.
#[derive(Debug, Clone, Serialize)]
pub struct RetentionView {
    pub party_id: String,
    pub party_name: String,
    pub period: String,
    pub disposal: String,
}

/// The law the agreement is made under, as a rendition names it (`agreement.jurisdiction`).
/// The vocabulary entries of the view are already in its wording (see
/// [`crate::vocab::Jurisdiction`]); these are the few names the templates write themselves.
#[derive(Debug, Clone, Serialize)]
pub struct LawView {
    /// "uk" or "ireland".
    pub jurisdiction: crate::vocab::Jurisdiction,
    /// Whether it is UK law: the lines that cite the DPA 2018 are shown only then.
    pub uk: bool,
    /// The Regulation: "UK GDPR", or "GDPR" under Ireland (the article numbers are the same).
    pub gdpr: &'static str,
    /// The area data leaves in a transfer under GDPR Chapter V: "the UK", "the EEA".
    pub area: &'static str,
}

impl LawView {
    pub fn new(jurisdiction: crate::vocab::Jurisdiction) -> LawView {
        use crate::vocab::Jurisdiction;
        LawView {
            jurisdiction,
            uk: jurisdiction.is_uk(),
            gdpr: match jurisdiction {
                Jurisdiction::Uk => "UK GDPR",
                Jurisdiction::Ireland => "GDPR",
            },
            area: jurisdiction.area(),
        }
    }
}

/// Everything a template may show about one agreement.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementView {
    pub audience: Audience,
    pub id: String,
    pub title: String,
    pub version: u32,
    /// `agreement.version_label`: the version as the published text names it ("1.6").
    pub version_label: Option<String>,
    pub kind: V,
    /// The law the agreement is made under and the names the templates use for it.
    pub law: LawView,
    pub reference: Option<String>,
    pub summary: Option<String>,
    pub lead_id: String,
    pub lead_name: String,
    pub parties: Vec<PartyView>,
    pub processors: Vec<ProcessorView>,
    pub purpose: Purpose,
    pub necessity: Necessity,
    pub data: DataView,
    pub lawful_basis: LawfulBasis,
    pub consent: Consent,
    pub risk: Risk,
    /// `none` in a public rendition; `security_notice` says why.
    pub security: Option<Security>,
    /// In a public rendition, the sentence shown instead of the security section.
    pub security_notice: Option<&'static str>,
    pub transfer: TransferView,
    pub retention: Vec<RetentionView>,
    pub onward_sharing: OnwardSharing,
    pub rights: Rights,
    pub research: Option<Research>,
    pub responsibilities: Responsibilities,
    pub incidents: Incidents,
    pub dates: Dates,
    pub changes: Vec<Change>,
    // Optional sections of published agreements, shown in both renditions except the personal
    // details of `query_contact` (see `query_contact_view`).
    pub termination: Option<Termination>,
    pub disputes: Option<Disputes>,
    pub requests: Option<Requests>,
    pub definitions: Vec<Definition>,
    pub query_contact: Option<ContactView>,
    pub uses: Option<Uses>,
    pub data_quality: Option<DataQuality>,
    pub audit: Option<String>,
    pub protective_marking: Option<String>,
    pub liability: Option<String>,
    pub charges: Option<String>,
    pub annexes: Vec<Annex>,
    pub notes: Option<String>,
    /// The author's answers to judgement rules (`[[acknowledgements]]`), shown in both renditions.
    pub acknowledgements: Vec<crate::agreement::model::Acknowledgement>,
    // Optional sections, third set: shown in full in both renditions (they name organisations,
    // committees and certificates, not people).
    pub assurance: Option<Assurance>,
    pub human_rights: Option<HumanRights>,
    pub outputs: Option<Outputs>,
    pub approval: Option<Approval>,
}

/// Builds the view of `agreement` for `audience`. This is where the public rendition's
/// omissions happen.
pub fn agreement_view(agreement: &Agreement, audience: Audience) -> AgreementView {
    let public = audience == Audience::Public;
    let party_name = |id: &str| {
        agreement
            .party(id)
            .map_or_else(|| id.to_string(), |p| p.name.clone())
    };
    let parties = agreement
        .parties
        .iter()
        .map(|p| {
            // A class party's contacts are optional: those it does not give are left out.
            let given = |c: &crate::agreement::model::Contact| {
                !p.class || !c.name.is_empty() || c.mailbox.is_some() || c.email.is_some()
            };
            let mut contacts = Vec::new();
            if given(&p.dpo) {
                contacts.push(ContactView::new(
                    "Data Protection Officer",
                    &p.dpo,
                    audience,
                ));
            }
            if let Some(cg) = &p.caldicott_guardian {
                contacts.push(ContactView::new("Caldicott Guardian", cg, audience));
            }
            if given(&p.senior_officer) {
                contacts.push(ContactView::new(
                    "Senior officer",
                    &p.senior_officer,
                    audience,
                ));
            }
            contacts.extend(p.contacts.iter().map(|c| ContactView::further(c, audience)));
            PartyView {
                id: p.id.clone(),
                name: p.name.clone(),
                is_lead: p.id == agreement.lead,
                public_authority: p.public_authority,
                health_or_care: p.health_or_care,
                role: p.role,
                ico_registration: p.ico_registration.clone(),
                no_ico_registration: p.no_ico_registration.clone(),
                contacts,
                address: p.address.clone(),
                class: p.class,
                eligibility: p.eligibility.clone(),
                members: Vec::new(),
            }
        })
        .collect();
    let t = &agreement.transfer;
    AgreementView {
        audience,
        id: agreement.id.as_str().to_string(),
        title: agreement.title.clone(),
        version: agreement.version,
        version_label: agreement.version_label.clone(),
        kind: agreement.kind,
        law: LawView::new(agreement.jurisdiction),
        reference: agreement.reference.clone(),
        summary: agreement.summary.clone(),
        lead_id: agreement.lead.clone(),
        lead_name: agreement.lead_name().to_string(),
        parties,
        processors: agreement
            .processors
            .iter()
            .map(|p| ProcessorView {
                name: p.name.clone(),
                acting_for: p
                    .acting_for
                    .iter()
                    .map(|id| PartyRef {
                        id: id.clone(),
                        name: party_name(id),
                    })
                    .collect(),
                service: p.service.clone(),
                location: p.location.clone(),
                outside_uk: p.outside_uk,
                safeguards: p.safeguards.clone(),
                contract_reference: p.contract_reference.clone(),
            })
            .collect(),
        purpose: agreement.purpose.clone(),
        necessity: agreement.necessity.clone(),
        data: DataView {
            subjects: agreement.data.subjects.clone(),
            identifiability: agreement.data.identifiability,
            why_not_anonymised: agreement.data.why_not_anonymised.clone(),
            items: agreement.data.items.clone(),
            special_categories: agreement.data.special_categories(),
            flows: agreement
                .data
                .flows
                .iter()
                .map(|f| FlowView {
                    from_id: f.from.clone(),
                    from_name: party_name(&f.from),
                    to_id: f.to.clone(),
                    to_name: party_name(&f.to),
                    method: (!public).then(|| f.method.clone()),
                    frequency: f.frequency.clone(),
                    volume: f.volume.clone(),
                })
                .collect(),
        },
        lawful_basis: agreement.lawful_basis.clone(),
        consent: agreement.consent.clone(),
        risk: agreement.risk.clone(),
        security: if public {
            None
        } else {
            Some(agreement.security.clone())
        },
        security_notice: public.then_some(PUBLIC_SECURITY_NOTICE),
        transfer: TransferView {
            methods: if public {
                None
            } else {
                Some(t.methods.clone())
            },
            protection: if public {
                None
            } else {
                Some(t.protection.clone())
            },
            outside_uk: t.outside_uk,
            safeguards: t.safeguards.clone(),
        },
        retention: agreement
            .retention
            .iter()
            .map(|r| RetentionView {
                party_id: r.party.clone(),
                party_name: party_name(&r.party),
                period: r.period.clone(),
                disposal: r.disposal.clone(),
            })
            .collect(),
        onward_sharing: agreement.onward_sharing.clone(),
        rights: agreement.rights.clone(),
        research: agreement.research.clone(),
        responsibilities: agreement.responsibilities.clone(),
        incidents: agreement.incidents.clone(),
        dates: agreement.dates.clone(),
        changes: agreement.changes.clone(),
        termination: agreement.termination.clone(),
        disputes: agreement.disputes.clone(),
        requests: agreement.requests.clone(),
        definitions: agreement.definitions.clone(),
        query_contact: agreement
            .query_contact
            .as_ref()
            .map(|c| query_contact_view(c, audience)),
        uses: agreement.uses.clone(),
        data_quality: agreement.data_quality.clone(),
        audit: agreement.audit.clone(),
        protective_marking: agreement.protective_marking.clone(),
        liability: agreement.liability.clone(),
        charges: agreement.charges.clone(),
        annexes: agreement.annexes.clone(),
        notes: agreement.notes.clone(),
        acknowledgements: agreement.acknowledgements.clone(),
        assurance: agreement.assurance.clone(),
        human_rights: agreement.human_rights.clone(),
        outputs: agreement.outputs.clone(),
        approval: agreement.approval.clone(),
    }
}

/// Whether a party's signature counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SignatureStatus {
    /// Verified against the current content at render time.
    Valid,
    /// No signature on the current version.
    Missing,
    /// A signature is there but does not verify (`reason` says why).
    Invalid,
}

/// One party's signature as a rendition shows it. Signer details are filled in only for
/// `Valid` signatures, so nothing unverified can look signed. A public rendition never has the
/// signer's `principal` (often a personal e-mail address), and gives the reason a signature is
/// not valid only as the rule's summary, since the detailed reason can name the principal.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    pub party_id: String,
    pub party_name: String,
    pub status: SignatureStatus,
    /// Plain-English status for the signature block.
    pub status_label: &'static str,
    /// Who signed (the trust store's principal); `none` in a public rendition.
    pub principal: Option<String>,
    pub role: Option<String>,
    pub key_id: Option<String>,
    pub signed_at: Option<String>,
    pub reason: Option<String>,
    /// Who signs for the party as the agreement states it (`[[parties]] signatory`): "Jane
    /// Smith, Deputy Director, under delegated authority"; a public rendition leaves out the
    /// name. What the agreement says, never a signature: `status` alone says whether the party
    /// signed.
    pub signatory: Option<String>,
    /// For a party without a verified signature: its recorded acceptance of this version
    /// ("accepted by e-mail on 2026-05-01 by ... (evidence: ...); recorded, not signed"), and
    /// whether the workspace counts it. Never changes `status`.
    pub acceptance: Option<String>,
}

impl SignatureStatus {
    pub fn label(self) -> &'static str {
        match self {
            SignatureStatus::Valid => "Signed (signature verified)",
            SignatureStatus::Missing => "Not signed",
            SignatureStatus::Invalid => "Signature not valid",
        }
    }
}

/// The plain-English name of a built-in signing role ([`crate::config::BUILT_IN_ROLES`]); a
/// workspace's own role is shown by its id.
pub fn officer_label(role: &str) -> &str {
    crate::config::BUILT_IN_ROLES
        .iter()
        .find(|(id, _)| *id == role)
        .map_or(role, |(_, label)| label)
}

/// The signatory as a signature block names them: name (not in a public rendition), title,
/// capacity, joined with commas; `None` when nothing is left to show.
fn signatory_text(s: &crate::agreement::model::Signatory, audience: Audience) -> Option<String> {
    let name = (audience == Audience::Full).then_some(&s.name);
    let parts: Vec<&str> = name
        .into_iter()
        .chain(s.title.as_ref())
        .chain(s.capacity.as_ref())
        .map(String::as_str)
        .filter(|p| !p.is_empty())
        .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// The signature block of `agreement` for `audience`: one entry per party that signs (not a
/// class party, whose members join instead), from the
/// verification done at render time. A party without a verification result (`signatures` is
/// `None`) is shown as missing; signer details appear only for verified signatures. A public
/// rendition leaves out the principal and shows an invalid signature's rule summary instead of
/// its detailed reason (see [`SignatureView`]).
pub fn signature_views(
    agreement: &Agreement,
    signatures: Option<&AgreementSignatures>,
    audience: Audience,
) -> Vec<SignatureView> {
    let public = audience == Audience::Public;
    agreement
        .parties
        .iter()
        // A class party does not sign the agreement: its members join (listed with the party).
        .filter(|p| !p.class)
        .map(|p| {
            let status = signatures
                .and_then(|s| s.parties.iter().find(|ps| ps.party == p.id))
                .map(|ps| &ps.status);
            let mut view = SignatureView {
                party_id: p.id.clone(),
                party_name: p.name.clone(),
                status: SignatureStatus::Missing,
                status_label: SignatureStatus::Missing.label(),
                principal: None,
                role: None,
                key_id: None,
                signed_at: None,
                reason: None,
                signatory: p
                    .signatory
                    .as_ref()
                    .and_then(|s| signatory_text(s, audience)),
                acceptance: None,
            };
            match status {
                Some(PartyStatus::Signed {
                    key_id,
                    principal,
                    role,
                    signed_at,
                    ..
                }) => {
                    view.status = SignatureStatus::Valid;
                    view.principal = (!public).then(|| principal.clone());
                    view.role = Some(officer_label(role).to_string());
                    view.key_id = Some(key_id.clone());
                    view.signed_at = Some(signing_time(signed_at));
                }
                Some(PartyStatus::Invalid { rule, reason, .. }) => {
                    view.status = SignatureStatus::Invalid;
                    let reason = if public { rule.summary } else { reason };
                    view.reason = Some(format!("{reason} ({})", rule.code));
                }
                Some(PartyStatus::Missing {
                    last_signed_version: Some(v),
                }) => {
                    view.reason = Some(format!("signed version {v}, not this one"));
                }
                Some(PartyStatus::Missing {
                    last_signed_version: None,
                })
                | None => {}
            }
            view.status_label = view.status.label();
            view
        })
        .collect()
}

/// An agreement's state on the render date, with the next date that matters.
#[derive(Debug, Clone, Serialize)]
pub struct StateView {
    /// Machine id: draft, signed-not-yet-effective, active, review-due, review-overdue,
    /// expiring, expired.
    pub state: &'static str,
    pub label: &'static str,
    /// What the next date is ("effective", "review", "expires").
    pub next: &'static str,
    pub next_date: NaiveDate,
    /// Days from the render date to `next_date`; negative once it has passed.
    pub days: i64,
    /// The next date in words: "review in 12 days", "expired 3 days ago".
    pub next_text: String,
}

impl StateView {
    /// The view of a standing derived by [`crate::lifecycle::standing`].
    pub fn of(standing: &Standing) -> StateView {
        let next = standing.next.field();
        StateView {
            state: standing.state.as_str(),
            label: standing.state.label(),
            next,
            next_date: standing.next_date,
            days: standing.days,
            next_text: next_date_text(next, standing.days),
        }
    }
}

/// A claimed signing time (RFC 3339) in plain English: "25 November 2026, 17:12 UTC". Text
/// that is not RFC 3339 is shown as it is.
fn signing_time(rfc3339: &str) -> String {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .map(|t| {
            t.with_timezone(&chrono::Utc)
                .format("%-d %B %Y, %H:%M UTC")
                .to_string()
        })
        .unwrap_or_else(|_| rfc3339.to_string())
}

/// "review in 12 days", "review tomorrow", "review today", "review 3 days overdue",
/// "expired 3 days ago".
fn next_date_text(next: &str, days: i64) -> String {
    use crate::text::{plural, relative_days};
    match (next, days) {
        ("expires", d) if d < 0 => format!("expired {}", relative_days(d)),
        ("effective", 0) => "in force from today".into(),
        ("effective", d) if d < 0 => format!("effective {}", relative_days(d)),
        ("effective", d) => format!("in force {}", relative_days(d)),
        (what, d) if d < 0 => format!("{what} {} overdue", plural(d.unsigned_abs(), "day", "days")),
        (what, d) => format!("{what} {}", relative_days(d)),
    }
}

/// Which version of an agreement is in force, as a document shows it beside its own version.
#[derive(Debug, Clone, Serialize)]
pub struct VersionsView {
    /// The version in force (this one, an earlier one, or none).
    pub in_force: Option<u32>,
    /// Whether the version shown is the one in force.
    pub this_in_force: bool,
    /// When an earlier version is in force: the day its text was first committed.
    pub in_force_committed: Option<NaiveDate>,
    /// In a sentence, when the version shown is not the one in force; empty when it is.
    pub note: String,
}

impl VersionsView {
    fn of(a: &Assessment, agreement: &Agreement, signatures: &[SignatureView]) -> VersionsView {
        let in_force = a.in_force();
        let this = agreement.version;
        let awaiting: Vec<&str> = signatures
            .iter()
            .filter(|s| s.status != SignatureStatus::Valid)
            .map(|s| s.party_name.as_str())
            .collect();
        let awaits = if awaiting.is_empty() {
            format!("this version {this} awaits signatures")
        } else {
            format!(
                "this version {this} awaits the {} of {}",
                if awaiting.len() == 1 {
                    "signature"
                } else {
                    "signatures"
                },
                awaiting.join(", ")
            )
        };
        let earlier = a.earlier_in_force();
        let note = match in_force {
            Some(v) if v == this => String::new(),
            Some(v) => {
                let when = earlier
                    .map(|e| {
                        format!(
                            " (its text committed on {})",
                            crate::text::long_date(e.commit.time.date_naive())
                        )
                    })
                    .unwrap_or_default();
                format!("Version {v} is in force{when}; {awaits}.")
            }
            None => format!("No version is in force yet: {awaits}."),
        };
        VersionsView {
            in_force,
            this_in_force: in_force == Some(this),
            in_force_committed: earlier.map(|e| e.commit.time.date_naive()),
            note,
        }
    }
}

/// An agreement's reviews as a rendition shows them.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewView {
    /// The review date that applies: the next review named by the latest complete signed
    /// review of this version, else the agreement's `dates.review`.
    pub next: NaiveDate,
    /// Whether `next` is the agreement's own review date derived from its interval (the file
    /// gives no `dates.review`): `review_interval_months` after `from`.
    pub derived: bool,
    /// The later of `approved` and `effective`, from which a derived review date is counted.
    pub from: NaiveDate,
    /// The latest complete review (`reviewed_on`, `outcome`, `next_review`, `signers` (ids),
    /// `signer_names`), or `none`. It names parties, never the people who signed.
    pub last: Option<LastReview>,
}

/// Everything the agreement templates receive.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub agreement: AgreementView,
    pub signatures: Vec<SignatureView>,
    /// How many parties hold a verified signature.
    pub signed_count: usize,
    /// How many parties' signatures do not verify against this text (tampered text, a
    /// damaged signature): a page with any says at its top not to rely on it.
    pub invalid_count: usize,
    pub state: StateView,
    /// Which version is in force, when it is not simply this one.
    pub versions: VersionsView,
    /// The review date that applies and the latest signed review.
    pub review: ReviewView,
    /// The date the document was rendered (and signatures verified).
    pub today: NaiveDate,
    /// Whether this page is part of a site with a register to link back to.
    pub in_site: bool,
}

impl Document {
    /// Builds the document for an assessed agreement (validated, signatures verified, state
    /// derived). Refuses (exit 1) when validation found errors: a document must not present an
    /// agreement that does not meet the rules.
    pub fn new(assessment: &Assessment, audience: Audience, today: NaiveDate) -> Result<Document> {
        let checked = &assessment.checked;
        let (agreement, standing) = match (&checked.agreement, &assessment.standing) {
            (Some(a), Some(standing)) if !checked.has_errors() => (a, standing),
            _ => {
                let name = checked
                    .id()
                    .unwrap_or_else(|| checked.source.display.clone());
                return Err(Error::refused(format!(
                    "{} has validation errors, so it cannot be rendered",
                    checked.source.display
                ))
                .with_hint(format!(
                    "run `datapact validate {name}` to see them, fix them, then render again"
                )));
            }
        };
        let mut signatures = signature_views(agreement, assessment.signatures.as_ref(), audience);
        for view in &mut signatures {
            if view.status == SignatureStatus::Valid {
                continue;
            }
            view.acceptance = assessment.accepted(&view.party_id).map(|a| {
                let counts = if assessment.acceptances_count {
                    "it counts as agreement under this workspace's policy"
                } else {
                    "it does not count as agreement under this workspace's policy"
                };
                format!("{}; {counts}", a.sentence())
            });
        }
        let versions = VersionsView::of(assessment, agreement, &signatures);
        let mut view = agreement_view(agreement, audience);
        for p in view.parties.iter_mut().filter(|p| p.class) {
            p.members = assessment
                .members
                .iter()
                .flat_map(|m| m.of_class(&p.id))
                .cloned()
                .collect();
        }
        Ok(Document {
            versions,
            agreement: view,
            signed_count: signatures
                .iter()
                .filter(|s| s.status == SignatureStatus::Valid)
                .count(),
            invalid_count: signatures
                .iter()
                .filter(|s| s.status == SignatureStatus::Invalid)
                .count(),
            signatures,
            state: StateView::of(standing),
            review: {
                let next = assessment.review_date().unwrap_or(agreement.dates.review);
                let last = LastReview::of(assessment);
                ReviewView {
                    derived: last.is_none()
                        && agreement.dates.review_derived
                        && next == agreement.dates.review,
                    from: agreement.dates.approved.max(agreement.dates.effective),
                    next,
                    last,
                }
            },
            today,
            in_site: false,
        })
    }

    /// The document of an earlier (or other) version's text, `from` where it was found ("commit
    /// 0123456789ab (2026-04-01)"), placed among the agreement's versions as `current` (the
    /// working tree's assessment) has them: unless it is the version in force, its state says
    /// it is superseded, or not in force.
    pub fn as_version_of(mut self, current: &Assessment, from: &str) -> Document {
        let this = self.agreement.version;
        let in_force = current.in_force();
        let pending = current
            .checked
            .agreement
            .as_ref()
            .map(|a| a.version)
            .filter(|v| Some(*v) != in_force);
        let awaiting = pending
            .map(|p| format!("; version {p} awaits signatures"))
            .unwrap_or_default();
        self.versions = VersionsView {
            in_force,
            this_in_force: in_force == Some(this),
            in_force_committed: current
                .earlier_in_force()
                .map(|e| e.commit.time.date_naive()),
            note: match in_force {
                Some(v) if v == this => {
                    format!("This version {this}, from {from}, is the version in force{awaiting}.")
                }
                Some(v) => format!(
                    "Version {v} is in force; this is version {this}, from {from}{awaiting}."
                ),
                None => format!(
                    "No version is in force; this is version {this}, from {from}{awaiting}."
                ),
            },
        };
        match in_force {
            Some(v) if v == this => {}
            Some(v) if v > this => {
                self.state.state = "superseded";
                self.state.label = "Superseded";
                self.state.next_text = format!("version {v} is in force");
            }
            _ => {
                self.state.state = "not-in-force";
                self.state.label = "Not in force";
                self.state.next_text = match in_force {
                    Some(v) => format!("version {v} is in force"),
                    None => "no version is in force".to_string(),
                };
            }
        }
        self
    }

    /// Renders the document with the agreement template for `format`.
    pub fn render(&self, templates: &Templates, format: Format) -> Result<String> {
        Document::render_context(templates, format, self.context())
    }

    /// The document as the templates see it, made once for the several formats a site
    /// renders it in ([`Document::render_context`]): building it (and dropping it) is a good
    /// part of a rendering's work.
    pub fn context(&self) -> minijinja::Value {
        crate::templates::context::to_value(self)
    }

    /// Renders a document's [`Document::context`] with the agreement template for `format`.
    pub fn render_context(
        templates: &Templates,
        format: Format,
        context: minijinja::Value,
    ) -> Result<String> {
        templates.render(format.template(), context)
    }
}

/// One row of the register: the row `datapact status` shows, plus what a web page needs.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterEntry {
    #[serde(flatten)]
    pub row: Row,
    /// The external reference when there is one, else the id.
    pub number: String,
    /// Names of the parties without a verified signature.
    pub unsigned: Vec<String>,
    /// What happens next, in words that follow the state: "review in 12 days" for an agreement
    /// in force, "in force in 3 days" once signed, "to be signed" for a draft, "to be signed
    /// again" when signatures do not match, "to be corrected" when it fails validation.
    pub next_text: String,
    /// The signatures in words that follow the state: empty when every party agreed, "0 of 2
    /// signed", "1 of 2 signed; awaiting Essex County Council", or "0 of 2 valid; signatures do
    /// not match the current text (it changed after signing)".
    pub signatures_text: String,
    /// The agreement's page, relative to the register; `none` for an agreement that fails
    /// validation (it has no page).
    pub href: Option<String>,
    /// Its Markdown file (the register does not link it: the page does).
    pub markdown_href: Option<String>,
}

/// How many agreements of the register are in one state, for the counts at its top.
#[derive(Debug, Clone, Serialize)]
pub struct StateCount {
    /// The state's id (`active`, `draft`...), also the anchor of its first row (`state-ID`).
    pub state: &'static str,
    pub label: &'static str,
    pub count: usize,
    /// Where the count links: its first row (`#state-ID`) on a register of one page, else the
    /// state's own page (`register.ID.html`).
    pub href: String,
}

/// The file name of part `part` (from 1) of the register page of the state `state`.
pub fn state_page_name(state: &str, part: usize) -> String {
    if part <= 1 {
        format!("register.{state}.html")
    } else {
        format!("register.{state}.{part}.html")
    }
}

/// A link to one part of a state's register page.
#[derive(Debug, Clone, Serialize)]
pub struct PartLink {
    pub number: usize,
    pub href: String,
    pub current: bool,
}

/// Which page of the register the template is rendering (see docs/rendering.md).
#[derive(Debug, Clone, Serialize)]
pub struct RegisterPageInfo {
    /// `true` when the register has more than one page.
    pub paged: bool,
    /// The state this page lists (`none` on `index.html`).
    pub state: Option<&'static str>,
    pub state_label: Option<&'static str>,
    /// How many agreements the list this page belongs to holds (all of them on
    /// `index.html`, the state's on a state page), and the positions (from 1) of the first and
    /// last shown here.
    pub of: usize,
    pub first: usize,
    pub last: usize,
    /// Which part of its list this page is (from 1).
    pub part: usize,
    /// The parts of this state's list when it needs more than one page (else empty).
    pub parts: Vec<PartLink>,
}

/// What the register template receives for one page.
#[derive(Debug, Clone, Serialize)]
struct RegisterPage<'a> {
    title: &'a str,
    audience: Audience,
    today: NaiveDate,
    /// How many agreements the whole register holds.
    total: usize,
    counts: &'a [StateCount],
    rows: &'a [RegisterEntry],
    page: RegisterPageInfo,
}

/// What the register template receives.
#[derive(Debug, Clone, Serialize)]
pub struct Register {
    /// The workspace's name (datapact.toml `workspace.name`).
    pub title: String,
    pub audience: Audience,
    pub today: NaiveDate,
    /// Most urgent first (the order of [`crate::register::Session::assess_targets`]).
    pub rows: Vec<RegisterEntry>,
    /// The states that occur, most urgent first, with how many agreements are in each.
    pub counts: Vec<StateCount>,
    /// The most rows one page lists (`[workspace] register_page_size`).
    pub page_size: usize,
}

/// The template work allowed per register row, on top of [`crate::templates::FUEL`]: a row
/// of the built-in register takes a few hundred steps.
const FUEL_PER_ROW: u64 = 5_000;

/// "to be signed", "review in 12 days": what happens next to an agreement, following its state.
fn register_next_text(state: State, standing: Option<&Standing>) -> String {
    match (state, standing) {
        (State::Invalid, _) => "to be corrected".into(),
        (State::SignaturesInvalid, _) => "to be signed again".into(),
        (State::Draft, _) => "to be signed".into(),
        (_, Some(s)) => StateView::of(s).next_text,
        (_, None) => String::new(),
    }
}

/// "2 of 2 signed", "1 of 2 signed; awaiting Essex County Council", or, when a signature on
/// the current version does not verify, what is wrong with it (never "awaiting": the parties
/// did sign, and the text changed after).
fn register_signatures_text(a: &Assessment, row: &Row, unsigned: &[String]) -> String {
    if row.state == State::Invalid || row.parties == 0 {
        return String::new();
    }
    let invalid: Vec<&PartyStatus> = a
        .signatures
        .iter()
        .flat_map(|s| s.parties.iter())
        .map(|p| &p.status)
        .filter(|s| matches!(s, PartyStatus::Invalid { .. }))
        .collect();
    let stale = invalid.iter().any(|s| {
        matches!(s, PartyStatus::Invalid { rule, .. }
            if std::ptr::eq(*rule, &crate::rules::signatures::SIGNATURE_STALE))
    });
    if row.state == State::SignaturesInvalid || !invalid.is_empty() {
        let what = if stale {
            "signatures do not match the current text (it changed after signing)"
        } else {
            "signatures not valid"
        };
        return format!("{} of {} valid; {what}", row.signed, row.parties);
    }
    if unsigned.is_empty() {
        return String::new();
    }
    let mut text = format!("{} of {} signed", row.signed, row.parties);
    // Everyone is awaited when no one has signed: the organisations are listed beside it.
    if row.signed > 0 {
        text.push_str("; awaiting ");
        text.push_str(&unsigned.join(", "));
    }
    text
}

impl RegisterEntry {
    /// The register row of one assessed agreement: all the register keeps of it (a few
    /// hundred bytes; never its text or model).
    pub fn of(a: &Assessment) -> RegisterEntry {
        let row = Row::of(a);
        let renderable = a.standing.is_some() && !a.checked.has_errors();
        let unsigned: Vec<String> = row.missing.iter().map(|id| a.party_name(id)).collect();
        RegisterEntry {
            number: row.reference.clone().unwrap_or_else(|| row.id.clone()),
            next_text: register_next_text(row.state, a.standing.as_ref()),
            signatures_text: register_signatures_text(a, &row, &unsigned),
            unsigned,
            href: renderable.then(|| format!("{}.html", row.id)),
            markdown_href: renderable.then(|| format!("{}.md", row.id)),
            row,
        }
    }
}

impl Register {
    /// The register of `rows` (see [`RegisterEntry::of`]), in the order given.
    pub fn new(
        title: &str,
        rows: Vec<RegisterEntry>,
        audience: Audience,
        today: NaiveDate,
        page_size: usize,
    ) -> Register {
        let page_size = page_size.max(1);
        let mut counts: Vec<StateCount> = Vec::new();
        for r in &rows {
            match counts.iter_mut().find(|c| c.state == r.row.state.as_str()) {
                Some(c) => c.count += 1,
                None => counts.push(StateCount {
                    state: r.row.state.as_str(),
                    label: r.row.state_label,
                    count: 1,
                    href: String::new(),
                }),
            }
        }
        counts.sort_by_key(|c| {
            rows.iter()
                .find(|r| r.row.state.as_str() == c.state)
                .map_or(u8::MAX, |r| r.row.state.urgency())
        });
        let paged = rows.len() > page_size;
        for c in &mut counts {
            c.href = if paged {
                state_page_name(c.state, 1)
            } else {
                format!("#state-{}", c.state)
            };
        }
        Register {
            title: title.to_string(),
            audience,
            today,
            rows,
            counts,
            page_size,
        }
    }

    /// Renders the register's pages: `index.html` first, then, when it holds more than
    /// `page_size` agreements, each state's pages, most urgent state first. The pages are
    /// rendered side by side (at 10,000 agreements a dozen pages of up to 1,000 rows each).
    pub fn render(&self, templates: &Templates) -> Result<Vec<SiteFile>> {
        use rayon::prelude::*;
        let size = self.page_size;
        let paged = self.rows.len() > size;
        let shown = self.rows.len().min(size);
        let mut pages = vec![(
            SITE_INDEX.to_string(),
            &self.rows[..shown],
            RegisterPageInfo {
                paged,
                state: None,
                state_label: None,
                of: self.rows.len(),
                first: 1,
                last: shown,
                part: 1,
                parts: Vec::new(),
            },
        )];
        // Rows are ordered by urgency, whose first key is the state: each state's rows are
        // one run.
        // A register on one page has `index.html` alone.
        let states = if paged { self.counts.as_slice() } else { &[] };
        let mut start = 0;
        for count in states {
            let rows = &self.rows[start..start + count.count];
            start += count.count;
            let parts = rows.len().div_ceil(size);
            for (i, chunk) in rows.chunks(size).enumerate() {
                let part = i + 1;
                let first = i * size + 1;
                let links = if parts > 1 {
                    (1..=parts)
                        .map(|number| PartLink {
                            number,
                            href: state_page_name(count.state, number),
                            current: number == part,
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                pages.push((
                    state_page_name(count.state, part),
                    chunk,
                    RegisterPageInfo {
                        paged,
                        state: Some(count.state),
                        state_label: Some(count.label),
                        of: count.count,
                        first,
                        last: first + chunk.len() - 1,
                        part,
                        parts: links,
                    },
                ));
            }
        }
        pages
            .into_par_iter()
            .map(|(name, rows, page)| {
                Ok(SiteFile {
                    name,
                    contents: self.render_page(templates, rows, page)?,
                })
            })
            .collect()
    }

    fn render_page(
        &self,
        templates: &Templates,
        rows: &[RegisterEntry],
        page: RegisterPageInfo,
    ) -> Result<String> {
        let view = RegisterPage {
            title: &self.title,
            audience: self.audience,
            today: self.today,
            total: self.rows.len(),
            counts: &self.counts,
            rows,
            page,
        };
        templates.render_with_fuel(
            REGISTER_HTML,
            crate::templates::context::to_value(&view),
            crate::templates::FUEL + FUEL_PER_ROW * rows.len() as u64,
        )
    }
}

/// The file name of the register page in a site.
pub const SITE_INDEX: &str = "index.html";

/// The site's stylesheet, rendered once from [`STYLESHEET`] and linked from every page of the
/// site (a rendition of one agreement carries it inline instead, so that it stands alone).
pub const SITE_STYLESHEET: &str = "style.css";

/// The stylesheet's template.
const STYLESHEET: &str = "style.css.j2";

/// The site's stylesheet ([`SITE_STYLESHEET`]), which every page of the site links to.
pub fn site_stylesheet(templates: &Templates) -> Result<SiteFile> {
    Ok(SiteFile {
        name: SITE_STYLESHEET.to_string(),
        contents: templates.render(STYLESHEET, minijinja::context! {})?,
    })
}

/// The site manifest: a file in the site directory listing the files the last
/// `render --all` wrote there, one name a line. A re-render removes the files it lists that the
/// new run does not write (an agreement deleted, or now invalid), and only a directory with a
/// manifest (or an empty or new one) is rendered into.
pub const SITE_MANIFEST: &str = ".datapact-site";

/// The first line of every site manifest.
const MANIFEST_HEADER: &str = "# Written by `datapact render --all`: the files of this site. The next render removes those it no longer writes.";

/// Whether `name` is a file name a site can hold: `index.html`, `style.css`, a state's register
/// page, `<id>.html` or `<id>.md`, never a path, a hidden file or anything else (so a manifest
/// cannot name a file elsewhere).
pub fn is_site_file_name(name: &str) -> bool {
    if name == SITE_INDEX || name == SITE_STYLESHEET {
        return true;
    }
    // A state's register page: register.STATE.html or register.STATE.N.html.
    if let Some(rest) = name
        .strip_prefix("register.")
        .and_then(|r| r.strip_suffix(".html"))
    {
        let (state, part) = match rest.split_once('.') {
            Some((state, part)) => (state, Some(part)),
            None => (rest, None),
        };
        // The part is 2 or more, in plain digits ("register.active.1.html" is never written).
        let part_ok = part.is_none_or(|p| {
            !p.is_empty()
                && p.bytes().all(|b| b.is_ascii_digit())
                && !p.starts_with('0')
                && p != "1"
        });
        return part_ok && State::ALL.iter().any(|s| s.as_str() == state);
    }
    let stem = name
        .strip_suffix(".html")
        .or_else(|| name.strip_suffix(".md"));
    stem.is_some_and(|id| crate::workspace::check_id(id).is_ok())
}

/// The text of a site manifest listing `names`.
pub fn site_manifest<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let mut text = format!("{MANIFEST_HEADER}\n");
    for name in names {
        text.push_str(name);
        text.push('\n');
    }
    text
}

/// The file names a site manifest lists (comment and blank lines skipped). `Err` names the
/// first line that is not a site file name, with its line number.
pub fn parse_site_manifest(text: &str) -> std::result::Result<Vec<String>, (usize, String)> {
    let mut names = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if !is_site_file_name(line) {
            return Err((i + 1, line.to_string()));
        }
        names.push(line.to_string());
    }
    Ok(names)
}

/// One file of a rendered site: its name inside the site directory and its contents.
#[derive(Debug, Clone)]
pub struct SiteFile {
    pub name: String,
    pub contents: String,
}

/// One agreement of a site, as `render --all` streams it: its register row, and its document
/// when it validates. A site is the register's pages ([`Register::render`] of every entry, most
/// urgent first) and its stylesheet ([`site_stylesheet`]) plus `<id>.html` and `<id>.md` per
/// agreement with a document; each agreement's files are rendered and written as it is
/// assessed, so only the entries are kept.
pub struct SiteAgreement {
    pub entry: RegisterEntry,
    /// Its place in the register ([`Assessment::urgency`]).
    pub urgency: crate::register::Urgency,
    /// `None` for an agreement that fails validation: it is listed without a page.
    pub document: Option<Document>,
}

impl SiteAgreement {
    /// The register row and site document of an assessed agreement.
    pub fn of(a: &Assessment, audience: Audience, today: NaiveDate) -> SiteAgreement {
        let document = Document::new(a, audience, today).ok().map(|mut doc| {
            doc.in_site = true;
            doc
        });
        SiteAgreement {
            entry: RegisterEntry::of(a),
            urgency: a.urgency(),
            document,
        }
    }

    /// The id (or file name) it is listed under in the register.
    pub fn name(&self) -> &str {
        &self.entry.row.id
    }

    /// Whether its page carries signatures that are not valid (and so the warning not to rely
    /// on it).
    pub fn untrusted(&self) -> bool {
        self.document.as_ref().is_some_and(|d| d.invalid_count > 0)
    }

    /// The files it has in a site, each with the format to render it in: `<id>.html` and
    /// `<id>.md`; none without a document.
    pub fn files(&self) -> Vec<(String, Format)> {
        self.document.as_ref().map_or_else(Vec::new, |doc| {
            [Format::Html, Format::Md]
                .into_iter()
                .map(|f| (format!("{}.{}", doc.agreement.id, f.extension()), f))
                .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contacts_details_are_what_the_rendition_has_in_order() {
        let contact = Contact {
            name: "Priya Shah".into(),
            title: Some("Data Protection Officer".into()),
            email: Some("priya.shah@example.nhs.uk".into()),
            mailbox: Some("dpo@example.nhs.uk".into()),
            phone: Some("01234 567890".into()),
        };
        let full = ContactView::new("Data Protection Officer", &contact, Audience::Full);
        assert_eq!(
            full.details,
            [
                "Priya Shah",
                "Data Protection Officer",
                "mailbox dpo@example.nhs.uk",
                "e-mail priya.shah@example.nhs.uk",
                "phone 01234 567890"
            ]
        );
        let public = ContactView::new("Data Protection Officer", &contact, Audience::Public);
        assert_eq!(
            public.details,
            ["Data Protection Officer", "mailbox dpo@example.nhs.uk"]
        );
        let query = QueryContact {
            name: None,
            title: None,
            email: Some("team@example.org".into()),
            mailbox: None,
            phone: Some("0300 000 0000".into()),
        };
        assert_eq!(
            query_contact_view(&query, Audience::Full).details,
            ["e-mail team@example.org", "phone 0300 000 0000"]
        );
        assert!(
            query_contact_view(&query, Audience::Public)
                .details
                .is_empty()
        );
    }

    #[test]
    fn site_manifests_name_only_site_files() {
        let names = [
            "index.html",
            "style.css",
            "register.review-overdue.html",
            "register.active.2.html",
            "register.active.12.html",
            "a-b.html",
            "a-b.md",
        ];
        let text = site_manifest(names);
        assert!(text.starts_with("# "), "{text}");
        assert_eq!(
            parse_site_manifest(&text),
            Ok(names.iter().map(|n| n.to_string()).collect())
        );
        for bad in [
            "../x.html",
            "sub/x.md",
            ".datapact-site",
            "notes.txt",
            "README.md",
            "My Notes.html",
            "index.md",
            "ab.html",
            "a\\b.md",
            "register.active.1.html",
            "register.active.02.html",
            "register.active..html",
            "register.active.+2.html",
            "register.active.2.md",
            "register.../x.html",
            "register.Active.html",
            "register.html.html",
            "style.css.j2",
            "Style.css",
            "register.css",
        ] {
            assert_eq!(
                parse_site_manifest(&format!("index.html\n{bad}\n")),
                Err((2, bad.to_string())),
                "{bad}"
            );
        }
    }

    #[test]
    fn signing_times_are_plain_english() {
        assert_eq!(
            signing_time("2026-11-25T17:12:47Z"),
            "25 November 2026, 17:12 UTC"
        );
        assert_eq!(signing_time("yesterday"), "yesterday");
    }
}
