//! `datapact new ID`: write `agreements/ID.toml` from a template, every required part present
//! with a `TODO` placeholder that validation lists as still to fill in.

use crate::error::{Error, Outcome, Result};
use crate::gate::{self, Kind, Overwrite};
use crate::schema;
use crate::templates::{Origin, Templates};
use crate::term;
use crate::workspace::{AgreementId, ID_RULE, check_id};

/// The template both new-agreement templates include for the body of the file.
const NEW_BODY: &str = "new-agreement.toml.j2";

/// Which kind of agreement to start from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TemplateKind {
    /// A specific-purpose information sharing agreement.
    Specific,
    /// An overarching information sharing protocol.
    Overarching,
    /// NHS direct care: identifiable data for an individual's care, implied consent, Art 9(2)(h).
    NhsDirectCare,
    /// NHS planning and research with confidential patient information under section 251.
    NhsResearch,
    /// Public authorities sharing under a public task (Art 6(1)(e)), without the NHS duties.
    PublicTask,
    /// Standard terms any eligible organisation joins: the lead a named party, the second
    /// `--party` a class of organisations (`class = true`) whose members join.
    StandardTerms,
}

/// Create a new agreement from a template.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  datapact new icb-council-social-care --template nhs-direct-care \\
        --title \"Health information for adult social care\" --party nhs-essex-icb \\
        --party essex-county-council
  datapact new housing-statistics --template public-task --commit   # and commit the new file")]
pub struct Args {
    /// The agreement id: 3-64 lowercase letters, digits and single hyphens.
    pub id: String,
    /// Which template to start from.
    #[arg(long, value_enum, default_value_t = TemplateKind::Specific)]
    pub template: TemplateKind,
    /// The agreement's title.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// A party's organisation id (repeat for each party; the first is the lead).
    #[arg(long = "party", value_name = "ORG_ID")]
    pub parties: Vec<String>,
    /// Commit the new agreement file (and nothing else) to git.
    #[arg(long)]
    pub commit: bool,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let id = AgreementId::parse(&args.id)?;
    if let Some(title) = &args.title {
        if let Some(c) = title.chars().find(|c| c.is_control()) {
            return Err(Error::usage(format!(
                "--title contains a control character ({:?}); a title is one line of text",
                c
            ))
            .with_hint(
                "pass the title on one line, without line breaks or tabs; nothing was written",
            ));
        }
    }
    for p in &args.parties {
        check_id(p).map_err(|why| {
            Error::usage(format!("invalid party id {p:?}: it {why}"))
                .with_hint(format!("a party id must be {ID_RULE}"))
        })?;
    }
    if let Some(dup) = args
        .parties
        .iter()
        .enumerate()
        .find(|(i, p)| args.parties[..*i].contains(p))
    {
        return Err(Error::usage(format!("party {:?} is named twice", dup.1))
            .with_hint("name each party once"));
    }
    let ws = cx.workspace()?;
    cx.check_commit(&ws, args.commit)?;
    let path = ws.agreement_path(&id);
    // Never written through a linked agreements/ directory to a place outside the workspace.
    ws.check_inside(&path)?;
    if gate::kind_of(&ws.root, &path)? != Kind::Missing {
        return Err(Error::refused(format!(
            "agreement {id} already exists: {}",
            ws.display(&path)
        ))
        .with_hint(
            "choose another id, or edit the existing file (bump its version when it changes)",
        ));
    }
    let parties: Vec<String> = if args.parties.is_empty() {
        vec!["TODO: lead party id".into(), "TODO: other party id".into()]
    } else {
        args.parties.clone()
    };
    let title = args
        .title
        .clone()
        .unwrap_or_else(|| "TODO: a title that says who shares what, and why".into());
    let name = match args.template {
        TemplateKind::Specific => "new-specific.toml.j2",
        TemplateKind::Overarching => "new-overarching.toml.j2",
        TemplateKind::NhsDirectCare => "new-nhs-direct-care.toml.j2",
        TemplateKind::NhsResearch => "new-nhs-research.toml.j2",
        TemplateKind::PublicTask => "new-public-task.toml.j2",
        TemplateKind::StandardTerms => "new-standard-terms.toml.j2",
    };
    // Taplo's `#:schema` directive, when the workspace has the schema (`init`, `schema --write`):
    // a comment, so part of the signed bytes like any other, and read by no datapact command.
    let schema = match gate::kind_of(&ws.root, &schema::path(&ws.root, schema::Which::Agreement))? {
        Kind::File => Some(schema::directive_target()),
        _ => None,
    };
    let templates = Templates::new(Some(&ws.root));
    let text = templates.render(
        name,
        minijinja::context! { id => id.as_str(), title => title, parties => parties, schema => schema },
    )?;
    if let Err(e) = toml::de::DeTable::parse(&text) {
        let at = e
            .span()
            .map(|s| crate::diagnostics::LineIndex::new(&text).position(&text, s.start))
            .unwrap_or_default();
        // Blame an override only when there is one: the template or the body it includes.
        let overrides: Vec<String> = [name, NEW_BODY]
            .into_iter()
            .filter_map(|t| match templates.origin(t) {
                Origin::Workspace(path) => Some(ws.display(&path)),
                Origin::BuiltIn => None,
            })
            .collect();
        let hint = if overrides.is_empty() {
            "the built-in template wrote the values given into the file: check --title and --party for line breaks or other control characters; nothing was written".to_string()
        } else {
            format!(
                "fix the workspace's override {} (or remove it to use the built-in template); nothing was written",
                overrides.join(" and ")
            )
        };
        return Err(Error::input(format!(
            "template {name} produced invalid TOML at line {} column {}: {}",
            at.line,
            at.column,
            e.message().trim()
        ))
        .with_hint(hint));
    }
    gate::write_atomic(&ws.root, &path, text.as_bytes(), Overwrite::Refuse)?;
    term::note(&format!("Created {}", ws.display(&path)));
    term::note(&format!(
        "Fill in every TODO, then run `datapact validate {id}` to see what is left."
    ));
    cx.commit_if_asked(
        &ws,
        args.commit,
        std::slice::from_ref(&path),
        &format!("New agreement {id} (draft)"),
    )?;
    Ok(Outcome::Clean)
}
