//! `datapact render ID [--format md|html] [--public] [--out FILE]`: one agreement as a readable
//! document; `datapact render --all --out DIR`: a static site with the register (`index.html`),
//! one HTML page and one Markdown file per agreement. The view model lives in `crate::render`.

use crate::cli::Cli;
use crate::error::{Error, Outcome, Result};
use crate::fsutil::{Overwrite, write_atomic};
use crate::register::Session;
use crate::render::{Audience, Document, Format, SITE_INDEX, site};
use crate::templates::Templates;
use crate::term;
use std::path::{Path, PathBuf};

/// Render an agreement as Markdown or HTML, or every agreement as a static site.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["target", "all"]))]
pub struct Args {
    /// The agreement id or file to render.
    #[arg(value_name = "ID|PATH")]
    pub target: Option<String>,
    /// Render every agreement as a static site into the directory given by --out.
    #[arg(long, requires = "out")]
    pub all: bool,
    /// Output format of a single agreement (a site always has both).
    #[arg(long, value_enum, default_value_t = Format::Md, conflicts_with = "all")]
    pub format: Format,
    /// The public rendition: no security section, transfer methods or protection, personal
    /// contact details (role mailboxes stay) or signers' principals.
    #[arg(long)]
    pub public: bool,
    /// Write to FILE (or, with --all, into directory DIR) instead of standard output.
    #[arg(long, value_name = "FILE|DIR")]
    pub out: Option<PathBuf>,
}

/// What every rendering in one command run shares.
struct Run {
    session: Session,
    templates: Templates,
    audience: Audience,
}

pub fn run(cli: &Cli, args: &Args) -> Result<Outcome> {
    let session = Session::open(cli)?;
    let run = Run {
        templates: Templates::new(Some(&session.ws.root)),
        audience: Audience::from_public_flag(args.public),
        session,
    };
    match (&args.target, &args.out) {
        (Some(target), out) if !args.all => run.one(target, args.format, out.as_deref()),
        (_, Some(dir)) => run.site(dir),
        _ => Err(Error::usage("render --all needs --out DIR")
            .with_hint("for example: datapact render --all --out site")),
    }
}

impl Run {
    fn one(&self, target: &str, format: Format, out: Option<&Path>) -> Result<Outcome> {
        let path = self.session.ws.resolve_target(target)?;
        let assessment = self.session.assess_file(&path)?;
        let text = Document::new(&assessment, self.audience, self.session.today)?
            .render(&self.templates, format)?;
        match out {
            Some(file) => {
                write_atomic(file, text.as_bytes(), Overwrite::Allow)?;
                term::note(&format!("Wrote {}", file.display()));
            }
            None => term::emit(|w| w.write_all(text.as_bytes()))?,
        }
        Ok(Outcome::Clean)
    }

    fn site(&self, dir: &Path) -> Result<Outcome> {
        let assessed = self.session.assess_targets(&[])?;
        let site = site(
            &self.templates,
            &self.session.ws.config.workspace.name,
            &assessed,
            self.audience,
            self.session.today,
        )?;
        for f in &site.files {
            write_atomic(&dir.join(&f.name), f.contents.as_bytes(), Overwrite::Allow)?;
        }
        let pages = assessed.len() - site.refused.len();
        term::note(&format!(
            "Wrote {} files for {pages} agreement{} to {} (open {})",
            site.files.len(),
            if pages == 1 { "" } else { "s" },
            dir.display(),
            dir.join(SITE_INDEX).display()
        ));
        if site.refused.is_empty() {
            return Ok(Outcome::Clean);
        }
        Err(Error::refused(format!(
            "listed in the register without a page because of validation errors: {}",
            site.refused.join(", ")
        ))
        .with_hint(format!(
            "run `datapact validate {}` to see them, fix them, then render again",
            site.refused.join(" ")
        )))
    }
}
