//! Workspace settings: `datapact.toml` at the workspace root. Every setting has a default, so
//! an empty file is a valid configuration.

use crate::diagnostics::{Rule, Severity};
use crate::error::{Error, Result};
use crate::policy::{Policy, Profile};
use crate::rules;
use crate::source::SourceFile;
use schemars::JsonSchema;
use serde::Deserialize;
use std::collections::BTreeMap;

/// A rule's configured level: a severity, or `off`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Error,
    Warning,
    Off,
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub workspace: WorkspaceSettings,
    pub limits: Limits,
    pub windows: Windows,
    pub reviews: Reviews,
    pub signing: Signing,
    /// `[policy]`: the information sharing policy the workspace follows.
    pub policy: PolicySettings,
    /// The policy resolved from `[policy]` (set by [`Config::parse`]; the default profile
    /// otherwise).
    #[serde(skip)]
    resolved_policy: Policy,
    /// Severity overrides by rule code (`DP104 = "warning"`) or rule name.
    pub rules: BTreeMap<String, RuleLevel>,
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct WorkspaceSettings {
    /// Shown in the register's heading.
    pub name: String,
    /// IANA time zone that decides what "today" is.
    pub timezone: String,
    /// The most agreements one page of the published register lists (1 to
    /// [`REGISTER_PAGE_SIZE_CEILING`]); a larger register gets a page per state.
    #[serde(deserialize_with = "register_page_size")]
    #[schemars(range(min = 1, max = REGISTER_PAGE_SIZE_CEILING))]
    pub register_page_size: usize,
}

/// The default `[workspace] register_page_size`. A register of more agreements has `index.html`
/// with the counts and this many of the most urgent, and a page per state (`register.STATE.html`,
/// then `register.STATE.2.html`...) of at most this many each, so no page of a 10,000-agreement
/// register is more than about 400 KB.
pub const DEFAULT_REGISTER_PAGE_SIZE: usize = 1_000;

/// The most `[workspace] register_page_size` may be: 5,000 rows, about 1.8 MB of HTML, which
/// Chromium opens in about a second on an ordinary laptop.
pub const REGISTER_PAGE_SIZE_CEILING: usize = 5_000;

fn register_page_size<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<usize, D::Error> {
    let rows = usize::deserialize(d)?;
    if rows == 0 || rows > REGISTER_PAGE_SIZE_CEILING {
        return Err(serde::de::Error::custom(format!(
            "[workspace] register_page_size is {rows}; it must be from 1 to {REGISTER_PAGE_SIZE_CEILING} (agreements on one page of the published register; more makes a page too large to open quickly)"
        )));
    }
    Ok(rows)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Longest allowed term, effective to expiry, in months; at most [`TERM_MONTHS_CEILING`].
    #[serde(deserialize_with = "term_months")]
    #[schemars(range(max = TERM_MONTHS_CEILING))]
    pub max_term_months: u32,
    /// Longest allowed review interval in months; at most [`REVIEW_INTERVAL_MONTHS_CEILING`].
    #[serde(deserialize_with = "review_interval_months")]
    #[schemars(range(max = REVIEW_INTERVAL_MONTHS_CEILING))]
    pub max_review_interval_months: u32,
    /// Most findings reported for one file; past it, one DP021 finding says how many more
    /// there are.
    pub max_findings_per_file: usize,
}

/// The most `[limits] max_term_months` may be: 60 months, the longest maximum term a source
/// names (NHS England DARS: 5 years for research archiving, 3 otherwise). The law sets no
/// maximum term; a workspace under a regime without one turns DP131 off rather than writing a
/// limit no source gives.
pub const TERM_MONTHS_CEILING: u32 = 60;

/// The most `[limits] max_review_interval_months` may be: 60 months, the longest interval any
/// regime allows (Ireland's Data Sharing and Governance Act 2019 s.20(1): each review within 5
/// years of the last; NHS England DARS: 3 years; the NHS Essex policy: 2). One agreement that
/// needs longer says why in `review_interval_reason`.
pub const REVIEW_INTERVAL_MONTHS_CEILING: u32 = 60;

fn term_months<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<u32, D::Error> {
    capped(
        d,
        "max_term_months",
        TERM_MONTHS_CEILING,
        "the longest maximum term a source names: NHS England DARS, 5 years for research archiving; where no maximum term applies, turn DP131 off in [rules] instead",
    )
}

fn review_interval_months<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<u32, D::Error> {
    capped(
        d,
        "max_review_interval_months",
        REVIEW_INTERVAL_MONTHS_CEILING,
        "Ireland's Data Sharing and Governance Act 2019 s.20(1) requires a review at least every five years, the longest interval any regime allows; an agreement that needs longer gives review_interval_reason",
    )
}

/// A number of months no greater than `ceiling`; a larger one is refused, saying `why`, and the
/// error carries the value's place in the file.
fn capped<'de, D: serde::Deserializer<'de>>(
    d: D,
    key: &str,
    ceiling: u32,
    why: &str,
) -> std::result::Result<u32, D::Error> {
    let months = u32::deserialize(d)?;
    if months > ceiling {
        return Err(serde::de::Error::custom(format!(
            "[limits] {key} is {months}; it may be at most {ceiling} months ({why})"
        )));
    }
    Ok(months)
}

#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Windows {
    /// Days before the review date when an agreement becomes "review due".
    pub review_notice_days: u32,
    /// Days past the review date after which "review overdue" is an error.
    pub review_grace_days: u32,
    /// Days before expiry when an agreement becomes "expiring".
    pub expiry_notice_days: u32,
    /// Days after its effective date within which the last party may sign the version in
    /// force before the signing is reported as retrospective approval (DP308).
    pub retrospective_approval_days: u32,
}

/// `[policy]`: which information sharing policy the workspace follows, as written.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct PolicySettings {
    /// A built-in profile: `nhs-essex` (the default) or `uk-public-sector`.
    pub profile: Profile,
    /// The policy's own name, replacing the profile's in findings and rendered documents.
    #[schemars(with = "Option<String>")]
    pub name: Option<toml::Spanned<String>>,
    /// Consent exceptions of the workspace's own, after the profile's.
    pub consent_exceptions: Vec<ConsentException>,
}

/// `[[policy.consent_exceptions]]`: an exception of the workspace's own policy.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentException {
    #[schemars(with = "String")]
    pub id: toml::Spanned<String>,
    #[schemars(with = "String")]
    pub label: toml::Spanned<String>,
    /// The wording rendered documents show.
    #[schemars(with = "String")]
    pub wording: toml::Spanned<String>,
    /// Where the wording comes from (the law or policy section it quotes).
    #[schemars(with = "String")]
    pub source: toml::Spanned<String>,
}

/// `[reviews]`: what makes a review of an agreement count.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Reviews {
    /// Which parties must sign a review for it to count.
    pub signers: ReviewSigners,
}

/// `[signing]`: the roles people sign in, and whether recorded acceptances count.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields, default)]
pub struct Signing {
    /// Roles this workspace adds to [`BUILT_IN_ROLES`].
    pub roles: Vec<RoleSetting>,
    /// Whether a party's valid acceptance (`datapact accept`, not a signature) counts as that
    /// party having agreed when deciding which version is in force. Off by default.
    pub acceptances_count: bool,
}

/// One role a workspace adds: `{ id = "relevant-person", label = "Relevant person" }`.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleSetting {
    /// Follows the id rule ([`crate::ids::ID_RULE`]).
    pub id: String,
    /// How documents and listings name the role.
    pub label: String,
}

/// The roles in which a person may sign for a party, with their labels, taken from the
/// signatories of published UK data-sharing agreements; a workspace adds its own in
/// `[signing] roles`.
pub const BUILT_IN_ROLES: &[(&str, &str)] = &[
    ("dpo", "Data Protection Officer"),
    ("caldicott-guardian", "Caldicott Guardian"),
    ("senior-officer", "Senior officer"),
    ("siro", "Senior Information Risk Owner"),
    ("authorised-signatory", "Authorised signatory"),
    ("chief-executive", "Chief Executive"),
    ("director", "Director"),
    ("deputy-director", "Deputy Director"),
    ("information-governance-lead", "Information Governance Lead"),
];

/// Which parties must sign a review statement (`datapact review`) before the review counts and
/// its `next_review` becomes the agreement's review date.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ReviewSigners {
    /// The lead organisation alone (the default): it reviews on behalf of the parties.
    #[default]
    Lead,
    /// Every party to the agreement.
    All,
}

impl ReviewSigners {
    /// The parties of an agreement (`parties`, led by `lead`) that must sign a review, in the
    /// agreement's order.
    pub fn required<'a>(self, lead: &'a str, parties: &'a [String]) -> Vec<&'a str> {
        match self {
            ReviewSigners::Lead => vec![lead],
            ReviewSigners::All => parties.iter().map(String::as_str).collect(),
        }
    }

    /// The setting as it is written in `datapact.toml`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewSigners::Lead => "lead",
            ReviewSigners::All => "all",
        }
    }
}

impl PolicySettings {
    /// The policy these settings declare; a name or exception that cannot be used is an input
    /// error naming file, line and column.
    fn resolve(&self, source: &SourceFile) -> Result<Policy> {
        let at = |span: std::ops::Range<usize>, what: String| {
            let pos = source.position(span.start);
            Error::input(format!(
                "{}:{}:{}: invalid workspace settings: {what}",
                source.display, pos.line, pos.column
            ))
            .with_hint("see docs/format.md, section \"Workspace settings\", for [policy]")
        };
        let name = match &self.name {
            Some(n) => {
                plain_text(n.get_ref(), false)
                    .map_err(|why| at(n.span(), format!("[policy] name {why}")))?;
                Some(n.get_ref().trim().to_string())
            }
            None => None,
        };
        let builtin = self.profile.consent_exceptions();
        let mut added: Vec<crate::vocab::Entry> = Vec::new();
        for e in &self.consent_exceptions {
            let id = e.id.get_ref();
            let what = |field: &str, why: String| {
                format!("[[policy.consent_exceptions]] {field} of {id:?} {why}")
            };
            crate::ids::check_id(id).map_err(|why| {
                at(
                    e.id.span(),
                    format!("[[policy.consent_exceptions]] id {id:?} {why}; ids are 3-64 lowercase letters, digits and single hyphens"),
                )
            })?;
            if builtin.find(id).is_some() {
                return Err(at(
                    e.id.span(),
                    format!(
                        "[[policy.consent_exceptions]] id {id:?} is already an exception of the {} profile",
                        self.profile.as_str()
                    ),
                ));
            }
            if added.iter().any(|a| a.id == *id) {
                return Err(at(
                    e.id.span(),
                    format!("[[policy.consent_exceptions]] id {id:?} is given twice"),
                ));
            }
            for (field, text, lines) in [
                ("label", &e.label, false),
                ("wording", &e.wording, true),
                ("source", &e.source, false),
            ] {
                plain_text(text.get_ref(), lines)
                    .map_err(|why| at(text.span(), what(field, why)))?;
            }
            added.push(crate::vocab::Entry {
                id: id.clone(),
                label: e.label.get_ref().trim().to_string(),
                wording: e.wording.get_ref().trim().to_string(),
                dpv: None,
                needs_schedule1: false,
                satisfies: Vec::new(),
                source: Some(e.source.get_ref().trim().to_string()),
                policy: None,
                part: None,
                paragraph: None,
                policy_document: false,
                ireland: None,
                uk_only: false,
            });
        }
        Ok(Policy::resolve(self.profile, name, added))
    }
}

/// Why `text` cannot be shown in a document: empty, or holding a control character (line
/// breaks allowed when `lines`).
fn plain_text(text: &str, lines: bool) -> std::result::Result<(), String> {
    if text.trim().is_empty() {
        return Err("is empty".into());
    }
    if let Some(c) = text
        .chars()
        .find(|c| c.is_control() && !(lines && *c == '\n'))
    {
        return Err(format!(
            "contains the control character U+{:04X}",
            u32::from(c)
        ));
    }
    Ok(())
}

impl Default for WorkspaceSettings {
    fn default() -> Self {
        WorkspaceSettings {
            name: "Data-sharing agreements".into(),
            timezone: "Europe/London".into(),
            register_page_size: DEFAULT_REGISTER_PAGE_SIZE,
        }
    }
}
impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_term_months: 36,
            max_review_interval_months: 24,
            max_findings_per_file: 100,
        }
    }
}
impl Default for Windows {
    fn default() -> Self {
        Windows {
            review_notice_days: 90,
            review_grace_days: 90,
            expiry_notice_days: 90,
            retrospective_approval_days: 0,
        }
    }
}

/// The commented default `datapact.toml` that `datapact init` writes.
pub const DEFAULT_CONFIG_TOML: &str = include_str!("../templates/datapact.toml");

impl Config {
    /// Parses `datapact.toml`; any problem is an input error naming file, line and column.
    pub fn parse(source: &SourceFile) -> Result<Config> {
        let text = source.text.as_deref().ok_or_else(|| {
            Error::input(format!(
                "{} is not a readable UTF-8 text file",
                source.display
            ))
            .with_hint("save datapact.toml as UTF-8")
        })?;
        let config: Config = toml::from_str(text).map_err(|e| {
            let pos = source.position(e.span().map_or(0, |s| s.start));
            Error::input(format!(
                "{}:{}:{}: invalid workspace settings: {}",
                source.display,
                pos.line,
                pos.column,
                e.message()
            ))
            .with_hint("see docs/format.md, section \"Workspace settings\", for the keys datapact.toml accepts and their limits")
        })?;
        let mut config = config;
        config.check(source)?;
        config.resolved_policy = config.policy.resolve(source)?;
        Ok(config)
    }

    /// The information sharing policy the workspace follows.
    pub fn policy(&self) -> &Policy {
        &self.resolved_policy
    }

    fn check(&self, source: &SourceFile) -> Result<()> {
        if self.limits.max_findings_per_file == 0 {
            return Err(Error::input(format!(
                "{}: [limits] max_findings_per_file is 0; at least one finding must be shown",
                source.display
            ))
            .with_hint("set it to 1 or more (the default is 100), or remove the line"));
        }
        if self.workspace.timezone.parse::<chrono_tz::Tz>().is_err() {
            return Err(Error::input(format!(
                "{}: unknown time zone {:?} in [workspace] timezone",
                source.display, self.workspace.timezone
            ))
            .with_hint("use an IANA time zone name such as \"Europe/London\""));
        }
        let mut seen = std::collections::BTreeSet::new();
        for role in &self.signing.roles {
            let bad = |what: String| {
                Error::input(format!("{}: [signing] roles: {what}", source.display)).with_hint(
                    format!(
                        "each role is {{ id = \"...\", label = \"...\" }}; an id is {}",
                        crate::ids::ID_RULE
                    ),
                )
            };
            crate::ids::check_id(&role.id)
                .map_err(|why| bad(format!("role id {:?} {why}", role.id)))?;
            if BUILT_IN_ROLES.iter().any(|(id, _)| *id == role.id) {
                return Err(bad(format!("role {:?} is a built-in role", role.id)));
            }
            if !seen.insert(role.id.as_str()) {
                return Err(bad(format!("role {:?} is listed twice", role.id)));
            }
            if role.label.trim().is_empty() {
                return Err(bad(format!("role {:?} has an empty label", role.id)));
            }
            if let Some(c) = role.label.chars().find(|c| c.is_control()) {
                return Err(bad(format!(
                    "the label of role {:?} holds the control character {}",
                    role.id,
                    c.escape_unicode()
                )));
            }
        }
        for key in self.rules.keys() {
            let rule = rules::find(key).ok_or_else(|| {
                Error::input(format!(
                    "{}: [rules] names unknown rule {key:?}",
                    source.display
                ))
                .with_hint("use a code or name that `datapact rules` lists")
            })?;
            if !rule.configurable {
                return Err(Error::input(format!(
                    "{}: rule {} ({}) cannot be changed in [rules]",
                    source.display, rule.code, rule.name
                ))
                .with_hint(format!("only configurable rules may be changed; `datapact explain {}` says why this one is fixed", rule.code)));
            }
        }
        Ok(())
    }

    /// The severity of `rule` in this workspace, or `None` when it is turned off.
    pub fn severity(&self, rule: &Rule) -> Option<Severity> {
        let level = self
            .rules
            .get(rule.code)
            .or_else(|| self.rules.get(rule.name));
        match level {
            None => Some(rule.default_severity),
            Some(RuleLevel::Error) => Some(Severity::Error),
            Some(RuleLevel::Warning) => Some(Severity::Warning),
            Some(RuleLevel::Off) => None,
        }
    }

    /// Applies the configured severities to findings, dropping those turned off.
    pub fn apply(
        &self,
        findings: Vec<crate::diagnostics::Finding>,
    ) -> Vec<crate::diagnostics::Finding> {
        findings
            .into_iter()
            .filter_map(|mut f| {
                let sev = self.severity(f.rule)?;
                f.severity = sev;
                Some(f)
            })
            .collect()
    }

    /// Every role a person may sign in here, built-in ones first, each with its label.
    pub fn roles(&self) -> Vec<(&str, &str)> {
        BUILT_IN_ROLES
            .iter()
            .copied()
            .chain(
                self.signing
                    .roles
                    .iter()
                    .map(|r| (r.id.as_str(), r.label.as_str())),
            )
            .collect()
    }

    /// The label of `role`, when it is a role of this workspace.
    pub fn role_label(&self, role: &str) -> Option<&str> {
        self.roles()
            .into_iter()
            .find(|(id, _)| *id == role)
            .map(|(_, label)| label)
    }

    /// Checks that `role` is one of [`Config::roles`]; the error text names them all.
    pub fn check_role(&self, role: &str) -> Result<(), String> {
        if self.role_label(role).is_some() {
            Ok(())
        } else {
            let ids: Vec<&str> = self.roles().into_iter().map(|(id, _)| id).collect();
            Err(format!(
                "unknown role {role:?}; a role is one of: {} (a workspace adds roles in datapact.toml, [signing] roles)",
                ids.join(", ")
            ))
        }
    }

    pub fn timezone(&self) -> chrono_tz::Tz {
        self.workspace
            .timezone
            .parse()
            .unwrap_or(chrono_tz::Europe::London)
    }
}
