//! Rendering agreements for people: the view model that templates read, the public rendition,
//! and the static site (register plus one page per agreement).
//!
//! Templates never see the [`Agreement`] itself. They see an [`AgreementView`] built here, so
//! what a public rendition leaves out is left out before any template (built-in or a workspace
//! override) runs: the `[security]` section, `transfer.methods`, `transfer.protection`, and every
//! contact's `name`, `email` and `phone`. docs/format.md documents that list; keep the two equal.
//!
//! A party is shown as signed only when [`signature_views`] says its signature verified against
//! the current content at render time.

use crate::agreement::Checked;
use crate::agreement::model::{
    Agreement, Change, Consent, Contact, Dates, Incidents, LawfulBasis, Necessity, OnwardSharing,
    Purpose, Research, Responsibilities, Rights, Risk, Security,
};
use crate::error::{Error, Result};
use crate::templates::Templates;
use crate::vocab::Entry;
use crate::workspace::Workspace;
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
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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

/// One named contact of a party, as a rendition may show it.
#[derive(Debug, Clone, Serialize)]
pub struct ContactView {
    /// What the contact is for this party ("Data Protection Officer").
    pub role: &'static str,
    /// The person's name; `none` in a public rendition.
    pub name: Option<String>,
    pub title: Option<String>,
    /// Personal e-mail address; `none` in a public rendition.
    pub email: Option<String>,
    /// Role mailbox: always shown.
    pub mailbox: Option<String>,
    /// `none` in a public rendition.
    pub phone: Option<String>,
}

impl ContactView {
    fn new(role: &'static str, contact: &Contact, audience: Audience) -> ContactView {
        let personal = |v: Option<&String>| {
            if audience == Audience::Public {
                None
            } else {
                v.cloned()
            }
        };
        ContactView {
            role,
            name: personal(Some(&contact.name)),
            title: contact.title.clone(),
            email: personal(contact.email.as_ref()),
            mailbox: contact.mailbox.clone(),
            phone: personal(contact.phone.as_ref()),
        }
    }
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
    /// Data Protection Officer, Caldicott Guardian (when named), senior officer, in that order.
    pub contacts: Vec<ContactView>,
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

/// Everything a template may show about one agreement.
#[derive(Debug, Clone, Serialize)]
pub struct AgreementView {
    pub audience: Audience,
    pub id: String,
    pub title: String,
    pub version: u32,
    pub kind: V,
    pub reference: Option<String>,
    pub summary: Option<String>,
    pub lead_id: String,
    pub lead_name: String,
    pub parties: Vec<PartyView>,
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
            let mut contacts = vec![ContactView::new(
                "Data Protection Officer",
                &p.dpo,
                audience,
            )];
            if let Some(cg) = &p.caldicott_guardian {
                contacts.push(ContactView::new("Caldicott Guardian", cg, audience));
            }
            contacts.push(ContactView::new(
                "Senior officer",
                &p.senior_officer,
                audience,
            ));
            PartyView {
                id: p.id.clone(),
                name: p.name.clone(),
                is_lead: p.id == agreement.lead,
                public_authority: p.public_authority,
                health_or_care: p.health_or_care,
                role: p.role,
                ico_registration: p.ico_registration.clone(),
                contacts,
            }
        })
        .collect();
    let t = &agreement.transfer;
    AgreementView {
        audience,
        id: agreement.id.as_str().to_string(),
        title: agreement.title.clone(),
        version: agreement.version,
        kind: agreement.kind,
        reference: agreement.reference.clone(),
        summary: agreement.summary.clone(),
        lead_id: agreement.lead.clone(),
        lead_name: agreement.lead_name().to_string(),
        parties,
        purpose: agreement.purpose.clone(),
        necessity: agreement.necessity.clone(),
        data: DataView {
            subjects: agreement.data.subjects.clone(),
            identifiability: agreement.data.identifiability,
            why_not_anonymised: agreement.data.why_not_anonymised.clone(),
            items: agreement.data.items.clone(),
            special_categories: agreement.data.special_categories(),
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
        dates: agreement.dates,
        changes: agreement.changes.clone(),
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
/// `Valid` signatures, so nothing unverified can look signed.
#[derive(Debug, Clone, Serialize)]
pub struct SignatureView {
    pub party_id: String,
    pub party_name: String,
    pub status: SignatureStatus,
    /// Plain-English status for the signature block.
    pub status_label: &'static str,
    pub principal: Option<String>,
    pub role: Option<String>,
    pub key_id: Option<String>,
    pub signed_at: Option<String>,
    pub reason: Option<String>,
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

/// The signatures on the current version of `agreement`, verified now.
///
/// WAITING FOR THE SIGNING MODULE (branch `signing`): until `crate::signing::verify` lands,
/// every party is reported as missing, which is the only safe answer without verification.
pub fn signature_views(
    _ws: &Workspace,
    _checked: &Checked,
    agreement: &Agreement,
) -> Vec<SignatureView> {
    agreement
        .parties
        .iter()
        .map(|p| SignatureView {
            party_id: p.id.clone(),
            party_name: p.name.clone(),
            status: SignatureStatus::Missing,
            status_label: SignatureStatus::Missing.label(),
            principal: None,
            role: None,
            key_id: None,
            signed_at: None,
            reason: None,
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
    /// Lower is more urgent; registers sort by it.
    pub urgency: u8,
}

/// The state of an agreement from its signatures and dates on `today`.
///
/// WAITING FOR THE LIFECYCLE MODULE (`src/lifecycle.rs` on main): until it lands this knows only
/// "expired" and "draft" (not every party has a verified signature), which is all that can be
/// said while signatures are not verified.
pub fn state_view(dates: &Dates, signatures: &[SignatureView], today: NaiveDate) -> StateView {
    let fully_signed = signatures
        .iter()
        .all(|s| s.status == SignatureStatus::Valid);
    let (next, next_date) = if today < dates.effective {
        ("effective", dates.effective)
    } else if today <= dates.review {
        ("review", dates.review)
    } else {
        ("expires", dates.expires)
    };
    let view = |state, label, next, next_date: NaiveDate, urgency| {
        let days = (next_date - today).num_days();
        StateView {
            state,
            label,
            next,
            next_date,
            days,
            next_text: next_date_text(next, days),
            urgency,
        }
    };
    if today > dates.expires {
        return view("expired", "Expired", "expires", dates.expires, 1);
    }
    if fully_signed {
        view("active", "Active", next, next_date, 7)
    } else {
        view("draft", "Draft (awaiting signatures)", next, next_date, 5)
    }
}

/// "review in 12 days", "review today", "review 3 days overdue", "expired 3 days ago".
fn next_date_text(next: &str, days: i64) -> String {
    let n = |d: i64| {
        if d.abs() == 1 {
            "1 day".to_string()
        } else {
            format!("{} days", d.abs())
        }
    };
    match (next, days) {
        ("expires", 0) => "expires today".into(),
        ("expires", d) if d < 0 => format!("expired {} ago", n(d)),
        ("effective", 0) => "in force from today".into(),
        ("effective", d) => format!("in force in {}", n(d)),
        (what, 0) => format!("{what} today"),
        (what, d) if d < 0 => format!("{what} {} overdue", n(d)),
        (what, d) => format!("{what} in {}", n(d)),
    }
}

/// Everything the agreement templates receive.
#[derive(Debug, Clone, Serialize)]
pub struct Document {
    pub agreement: AgreementView,
    pub signatures: Vec<SignatureView>,
    /// How many parties hold a verified signature.
    pub signed_count: usize,
    pub state: StateView,
    /// The date the document was rendered (and signatures verified).
    pub today: NaiveDate,
    /// Whether this page is part of a site with a register to link back to.
    pub in_site: bool,
}

impl Document {
    /// Builds the document for a checked agreement. Refuses (exit 1) when validation found
    /// errors: a document must not present an agreement that does not meet the rules.
    pub fn new(
        ws: &Workspace,
        checked: &Checked,
        audience: Audience,
        today: NaiveDate,
    ) -> Result<Document> {
        let agreement = usable(checked)?;
        let signatures = signature_views(ws, checked, agreement);
        let state = state_view(&agreement.dates, &signatures, today);
        Ok(Document {
            agreement: agreement_view(agreement, audience),
            signed_count: signatures
                .iter()
                .filter(|s| s.status == SignatureStatus::Valid)
                .count(),
            signatures,
            state,
            today,
            in_site: false,
        })
    }

    /// Renders the document with the agreement template for `format`.
    pub fn render(&self, templates: &Templates, format: Format) -> Result<String> {
        templates.render(
            format.template(),
            minijinja::Value::from(minijinja::value::Serde(self)),
        )
    }
}

/// The agreement of a checked file, or the refusal that says how to see what is wrong.
fn usable(checked: &Checked) -> Result<&Agreement> {
    let name = checked
        .id()
        .unwrap_or_else(|| checked.source.display.clone());
    match &checked.agreement {
        Some(a) if !checked.has_errors() => Ok(a),
        _ => Err(Error::refused(format!(
            "{} has validation errors, so it cannot be rendered",
            checked.source.display
        ))
        .with_hint(format!(
            "run `datapact validate {name}` to see them, fix them, then render again"
        ))),
    }
}

/// One row of the register.
#[derive(Debug, Clone, Serialize)]
pub struct RegisterRow {
    pub id: String,
    /// The external reference when there is one, else the id.
    pub number: String,
    pub title: String,
    pub purpose: String,
    pub lead: String,
    pub others: Vec<String>,
    pub version: u32,
    pub state: StateView,
    pub signed_count: usize,
    pub party_count: usize,
    /// Names of the parties without a verified signature.
    pub unsigned: Vec<String>,
    pub review: NaiveDate,
    pub expires: NaiveDate,
    /// The agreement's page, relative to the register.
    pub href: String,
    /// The agreement's Markdown file, relative to the register.
    pub markdown_href: String,
}

/// What the register template receives.
#[derive(Debug, Clone, Serialize)]
pub struct Register {
    /// The workspace's name (datapact.toml `workspace.name`).
    pub title: String,
    pub audience: Audience,
    pub today: NaiveDate,
    /// Most urgent first.
    pub rows: Vec<RegisterRow>,
}

impl Register {
    /// The register of `documents`, ordered by urgency, then days to the next date, then id.
    pub fn new(
        title: &str,
        documents: &[Document],
        audience: Audience,
        today: NaiveDate,
    ) -> Register {
        let mut rows: Vec<RegisterRow> = documents
            .iter()
            .map(|d| {
                let a = &d.agreement;
                RegisterRow {
                    id: a.id.clone(),
                    number: a.reference.clone().unwrap_or_else(|| a.id.clone()),
                    title: a.title.clone(),
                    purpose: a
                        .summary
                        .clone()
                        .unwrap_or_else(|| a.purpose.description.clone()),
                    lead: a.lead_name.clone(),
                    others: a
                        .parties
                        .iter()
                        .filter(|p| !p.is_lead)
                        .map(|p| p.name.clone())
                        .collect(),
                    version: a.version,
                    state: d.state.clone(),
                    signed_count: d.signed_count,
                    party_count: d.signatures.len(),
                    unsigned: d
                        .signatures
                        .iter()
                        .filter(|s| s.status != SignatureStatus::Valid)
                        .map(|s| s.party_name.clone())
                        .collect(),
                    review: a.dates.review,
                    expires: a.dates.expires,
                    href: format!("{}.html", a.id),
                    markdown_href: format!("{}.md", a.id),
                }
            })
            .collect();
        rows.sort_by(|x, y| {
            (x.state.urgency, x.state.days, &x.id).cmp(&(y.state.urgency, y.state.days, &y.id))
        });
        Register {
            title: title.to_string(),
            audience,
            today,
            rows,
        }
    }

    pub fn render(&self, templates: &Templates) -> Result<String> {
        templates.render(
            REGISTER_HTML,
            minijinja::Value::from(minijinja::value::Serde(self)),
        )
    }
}

/// The file name of the register page in a site.
pub const SITE_INDEX: &str = "index.html";

/// One file of a rendered site: its name inside the site directory and its contents.
#[derive(Debug, Clone)]
pub struct SiteFile {
    pub name: String,
    pub contents: String,
}

/// Renders a site from documents: `index.html`, then `<id>.html` and `<id>.md` per agreement.
pub fn site(
    templates: &Templates,
    title: &str,
    documents: &mut [Document],
    audience: Audience,
    today: NaiveDate,
) -> Result<Vec<SiteFile>> {
    let register = Register::new(title, documents, audience, today);
    let mut files = vec![SiteFile {
        name: SITE_INDEX.to_string(),
        contents: register.render(templates)?,
    }];
    for doc in documents.iter_mut() {
        doc.in_site = true;
        for format in [Format::Html, Format::Md] {
            files.push(SiteFile {
                name: format!("{}.{}", doc.agreement.id, format.extension()),
                contents: doc.render(templates, format)?,
            });
        }
    }
    Ok(files)
}

/// Escapes text for Markdown running text: characters that would start emphasis, code, links
/// or raw HTML are backslash-escaped, as is a heading or list marker at the start, so agreement
/// text always renders as written. Hard-wrapped lines are joined (as Markdown would show them);
/// blank lines still separate paragraphs.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    for (i, paragraph) in paragraphs(text).iter().enumerate() {
        if i > 0 {
            out.push_str("\n\n");
        }
        if paragraph.starts_with(['#', '-', '+', '=']) {
            out.push('\\');
        }
        for c in paragraph.chars() {
            if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|') {
                out.push('\\');
            }
            out.push(c);
        }
    }
    out
}

/// The paragraphs of a text (separated by blank lines), each with its lines joined by spaces.
fn paragraphs(text: &str) -> Vec<String> {
    let mut result = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            if !current.is_empty() {
                result.push(current.join(" "));
                current.clear();
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        result.push(current.join(" "));
    }
    result
}

/// Escapes text for one cell of a Markdown table: as [`markdown_text`], with paragraphs joined
/// by spaces too, so the cell stays on its row.
pub fn markdown_cell(text: &str) -> String {
    markdown_text(&paragraphs(text).join(" "))
}

/// A date in plain English: "1 April 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_cells_stay_on_one_row() {
        assert_eq!(markdown_cell("a | b\nc\r\n\nd"), "a \\| b c d");
        assert_eq!(
            markdown_text("<script>*x*</script>"),
            "\\<script\\>\\*x\\*\\</script\\>"
        );
        assert_eq!(
            markdown_text("# not a\nheading\n\n- nor a list"),
            "\\# not a heading\n\n\\- nor a list"
        );
    }

    #[test]
    fn long_dates_are_plain_english() {
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default()),
            "1 April 2026"
        );
    }
}
