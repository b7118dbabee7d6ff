//! `datapact render ID [--format md|html] [--public] [--out FILE]`: one agreement as a readable
//! document; `datapact render --all --out DIR`: a static site with the register (`index.html`),
//! one HTML page and one Markdown file per agreement. The site directory holds a manifest
//! (`.datapact-site`) of the files the last run wrote: a re-render removes those it no longer
//! writes (so no stale page, perhaps a full rendition, outlives its agreement), and a non-empty
//! directory without a manifest is refused. An output inside the workspace is judged by the gate
//! (never written through a link that leads out); one outside is the user's choice, and a link
//! planted at a page's name there is replaced, never written through. The view model lives in
//! `crate::render`.

use crate::error::{Error, Outcome, Result};
use crate::gate::{FileKind, Kind, output, publish};
use crate::register::Session;
use crate::render::{
    Audience, Document, Format, Register, SITE_INDEX, SITE_MANIFEST, SiteAgreement,
    parse_site_manifest, site_manifest, site_stylesheet,
};
use crate::templates::Templates;
use crate::term;
use crate::text::plural;
use crate::versions::{Judge, Versions};
use crate::workspace::AgreementId;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

/// Render an agreement as Markdown or HTML, or every agreement as a static site.
#[derive(Debug, clap::Args)]
#[command(group = clap::ArgGroup::new("what").required(true).args(["target", "all"]))]
#[command(after_help = "\
Examples:
  datapact render icb-ecc-adult-social-care   # the agreement as Markdown, on stdout
  datapact render icb-ecc-adult-social-care --format html --out agreement.html
  datapact render icb-ecc-adult-social-care --version 1   # an earlier version, from git history
  datapact render --all --public --out site   # the published register, a static site")]
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
    /// Render version N of the agreement instead of the working tree's: its exact text from
    /// the git history (the one its signatures name), with the state of that version.
    #[arg(long, value_name = "N", conflicts_with = "all")]
    pub version: Option<u32>,
    /// Write to FILE (or, with --all, into directory DIR) instead of standard output.
    #[arg(short = 'o', long, alias = "output", value_name = "FILE|DIR")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub today: super::TodayArg,
}

/// What every rendering in one command run shares.
struct Run<'a> {
    cx: &'a super::Context,
    session: Session,
    templates: Templates,
    audience: Audience,
}

pub fn run(cx: &super::Context, args: &Args) -> Result<Outcome> {
    let session = cx.session()?.states_only();
    let run = Run {
        cx,
        templates: Templates::new(Some(&session.ws.root)),
        audience: Audience::from_public_flag(args.public),
        session,
    };
    match (&args.target, &args.out) {
        (Some(target), out) if !args.all => {
            run.one(target, args.version, args.format, out.as_deref())
        }
        (_, Some(dir)) => run.site(dir),
        _ => Err(Error::usage("render --all needs --out DIR")
            .with_hint("for example: datapact render --all --out site")),
    }
}

impl Run<'_> {
    fn one(
        &self,
        target: &str,
        version: Option<u32>,
        format: Format,
        out: Option<&Path>,
    ) -> Result<Outcome> {
        let session = &self.session;
        let path = session.ws.resolve_target(target)?;
        let assessment = session.assess_file(&path)?;
        let current = assessment.checked.agreement.as_ref().map(|a| a.version);
        let document = match version {
            Some(v) if Some(v) != current => {
                let id = assessment
                    .checked
                    .id()
                    .and_then(|id| AgreementId::parse(&id).ok());
                let Some(id) = id else {
                    return Err(Error::input(format!(
                        "{}: its id cannot be read, so its versions cannot be found",
                        assessment.checked.source.display
                    ))
                    .with_hint("run `datapact validate` on it and fix the errors it reports"));
                };
                let versions = Versions::load(&session.ws, &id)?;
                let judge = Judge::new(&session.ws, &session.trust, session.today);
                let resolved = versions.resolve(&judge, v)?;
                for note in &resolved.notes {
                    term::note(&format!("note: {note}"));
                }
                let earlier = session.assess_version(resolved.text.checked.clone());
                Document::new(&earlier, self.audience, session.today)?
                    .as_version_of(&assessment, &resolved.text.describe())
            }
            _ => Document::new(&assessment, self.audience, session.today)?,
        };
        if document.invalid_count > 0 {
            term::note(&format!(
                "warning: {} signature{} on {} do{} not verify against its text: the page says not to rely on it (run `datapact verify {}` for the detail)",
                document.invalid_count,
                if document.invalid_count == 1 { "" } else { "s" },
                document.agreement.id,
                if document.invalid_count == 1 {
                    "es"
                } else {
                    ""
                },
                document.agreement.id
            ));
        }
        let text = document.render(&self.templates, format)?;
        self.cx
            .write_output(Some(&self.session.ws.root), out, text.as_bytes(), |file| {
                format!("Wrote {}", file.display())
            })?;
        Ok(Outcome::Clean)
    }

    /// `render --all --out DIR`, streamed: each agreement's pages are rendered and written into
    /// the staging folder as it is assessed (in parallel), and only its register entry is kept;
    /// the register's pages follow, then the manifest, and the folder is published whole.
    fn site(&self, dir: &Path) -> Result<Outcome> {
        let root = Some(self.session.ws.root.as_path());
        // A site directory inside the workspace that leads out of it is refused before anything
        // is rendered, read or written.
        output::check(root, dir)?;
        let SiteDir { previous, present } = site_dir(root, dir)?;
        let previous_set: HashSet<&str> = previous.iter().map(String::as_str).collect();
        // A file this run would write that the previous run did not is someone else's: never
        // replace it (and so never list it for a later run to delete).
        let taken = |name: &str| !previous_set.contains(name) && present.contains(name);
        // Leftovers of a killed render beside the folder (a staging folder can hold a full
        // rendition) go first; then the whole new site is built beside it and swapped in. A
        // refusal found on the way (a taken name) drops the staging folder unpublished.
        let leftovers = publish::remove_leftovers(root, dir)?;
        let stage = publish::Staged::beside(root, dir)?;
        let (templates, audience, today) = (&self.templates, self.audience, self.session.today);
        // Once something is wrong the run will fail: later agreements are only checked.
        let failed = AtomicBool::new(false);
        let mut streamed = self.session.map_assessed(&[], |a| {
            let agreement = SiteAgreement::of(&a, audience, today);
            drop(a);
            let files = agreement.files();
            let outcome = (|| {
                if let Some((name, _)) = files.iter().find(|(name, _)| taken(name)) {
                    return Ok(Some(name.clone()));
                }
                if let Some(doc) = agreement.document.as_ref()
                    && !failed.load(Ordering::Relaxed)
                {
                    let context = doc.context();
                    for (name, format) in &files {
                        let text = Document::render_context(templates, *format, context.clone())?;
                        stage.write(name, text.as_bytes())?;
                    }
                }
                Ok(None)
            })();
            if !matches!(outcome, Ok(None)) {
                failed.store(true, Ordering::Relaxed);
            }
            let done = Done {
                refused: agreement.document.is_none(),
                untrusted: agreement.untrusted(),
                name: agreement.name().to_string(),
                files: files.into_iter().map(|(name, _)| name).collect(),
                outcome,
            };
            (agreement.urgency, agreement.entry, done)
        })?;
        // Most urgent first, as the register lists them (a stable sort: ties keep file order).
        streamed.sort_by(|a, b| a.0.cmp(&b.0));
        let settings = &self.session.ws.config.workspace;
        let mut agreements = Vec::with_capacity(streamed.len());
        let register = Register::new(
            &settings.name,
            streamed
                .into_iter()
                .map(|(_, entry, done)| {
                    agreements.push(done);
                    entry
                })
                .collect(),
            audience,
            today,
            settings.register_page_size,
        );
        // The register's pages, then the stylesheet they and the agreements' pages link to.
        let mut pages = register.render(templates)?;
        pages.push(site_stylesheet(templates)?);
        drop(register);
        let mut taken_name = None;
        for done in &mut agreements {
            match std::mem::replace(&mut done.outcome, Ok(None)) {
                Err(e) => return Err(e),
                Ok(Some(name)) => {
                    taken_name.get_or_insert(name);
                }
                Ok(None) => {}
            }
        }
        if let Some(page) = pages.iter().find(|page| taken(&page.name)) {
            taken_name = Some(page.name.clone());
        }
        if let Some(name) = taken_name {
            return Err(Error::usage(format!(
                "{} already exists and was not written by `datapact render --all`",
                dir.join(name).display()
            ))
            .with_hint("move it out of the site directory, or render into a new or empty directory; nothing was written"));
        }
        for page in &pages {
            stage.write(&page.name, page.contents.as_bytes())?;
        }
        // The register's pages first, then each agreement's, most urgent first.
        let current: Vec<&str> = pages
            .iter()
            .map(|p| p.name.as_str())
            .chain(
                agreements
                    .iter()
                    .flat_map(|a| a.files.iter().map(String::as_str)),
            )
            .collect();
        let current_set: HashSet<&str> = current.iter().copied().collect();
        let stale: Vec<&str> = previous
            .iter()
            .map(String::as_str)
            .filter(|name| !current_set.contains(name))
            .collect();
        stage.write(
            SITE_MANIFEST,
            site_manifest(current.iter().copied()).as_bytes(),
        )?;
        // What the previous render did not write (the user's own files) stays in place.
        let foreign: Vec<String> = output::list_dir(root, stage.destination())?
            .iter()
            .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .filter(|name| name != SITE_MANIFEST && !previous_set.contains(name.as_str()))
            .collect();
        stage.carry_over(&foreign)?;
        stage.publish()?;
        if !leftovers.is_empty() {
            term::note(&format!(
                "Removed what an interrupted render left beside the site: {}",
                leftovers
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let refused: Vec<&str> = agreements
            .iter()
            .filter(|a| a.refused)
            .map(|a| a.name.as_str())
            .collect();
        let untrusted: Vec<&str> = agreements
            .iter()
            .filter(|a| a.untrusted)
            .map(|a| a.name.as_str())
            .collect();
        let n_pages = agreements.len() - refused.len();
        term::note(&format!(
            "Wrote {} for {} to {} (open {})",
            plural(current.len(), "file", "files"),
            plural(n_pages, "agreement", "agreements"),
            dir.display(),
            dir.join(SITE_INDEX).display()
        ));
        if !untrusted.is_empty() {
            let n = untrusted.len();
            term::note(&format!(
                "warning: {n} page{} carr{} signatures that are not valid, with a warning at the top not to rely on {}: {} (run `datapact verify` for the detail)",
                if n == 1 { "" } else { "s" },
                if n == 1 { "ies" } else { "y" },
                if n == 1 { "it" } else { "them" },
                untrusted.join(", ")
            ));
        }
        if !stale.is_empty() {
            term::note(&format!(
                "Removed {} the previous render wrote and this one does not: {}",
                plural(stale.len(), "file", "files"),
                stale.join(", ")
            ));
        }
        if refused.is_empty() {
            return Ok(Outcome::Clean);
        }
        Err(Error::refused(format!(
            "listed in the register without a page because of validation errors: {}",
            refused.join(", ")
        ))
        .with_hint(format!(
            "run `datapact validate {}` to see them, fix them, then render again",
            refused.join(" ")
        )))
    }
}

/// What streaming one agreement into the site leaves besides its register entry: the little
/// the manifest and the report need.
struct Done {
    /// Its id (or file name), for the report.
    name: String,
    /// Listed without a page: it fails validation.
    refused: bool,
    /// Its page carries signatures that are not valid.
    untrusted: bool,
    /// The files it has in the site (written unless the run failed).
    files: Vec<String>,
    /// `Ok(Some(name))`: a file it would write is someone else's; `Err`: rendering or writing
    /// failed.
    outcome: Result<Option<String>>,
}

/// What is in a site directory before a render.
#[derive(Default)]
struct SiteDir {
    /// The files the previous `render --all` wrote there, from its manifest.
    previous: Vec<String>,
    /// The names of everything there (listed once: a file this run would write is judged
    /// taken by this list, not by a query per file).
    present: HashSet<String>,
}

/// What is in `dir`: the files the previous `render --all` wrote there, from its manifest, and
/// every name there; none for a directory that does not exist yet or is empty. Refuses (exit 2,
/// before anything is written) a path that is not a directory, a non-empty directory without a
/// manifest (the site would mix with files this tool did not write, and could not tell which
/// pages are stale), and a manifest that names anything but site files.
fn site_dir(root: Option<&Path>, dir: &Path) -> Result<SiteDir> {
    let not_ours = |why: String| {
        Error::usage(format!("not rendering the site into {}: {why}", dir.display())).with_hint(
            "choose a new or empty directory for the site (a re-render then updates it and removes pages it no longer writes); nothing was written",
        )
    };
    match output::kind_of(root, dir)? {
        Kind::Missing => return Ok(SiteDir::default()),
        Kind::Dir => {}
        _ => return Err(not_ours("it is not a directory".into())),
    }
    let present: HashSet<String> = output::list_dir(root, dir)?
        .iter()
        .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .collect();
    let manifest = dir.join(SITE_MANIFEST);
    match output::kind_no_follow(root, &manifest)? {
        Kind::File => {}
        Kind::Missing if present.is_empty() => return Ok(SiteDir::default()),
        Kind::Missing => {
            return Err(not_ours(format!(
                "it is not empty and has no {SITE_MANIFEST}, so it is not a site `datapact render --all` wrote"
            )));
        }
        _ => {
            return Err(not_ours(format!(
                "{SITE_MANIFEST} there is not a plain file"
            )));
        }
    }
    let bytes = output::read(root, &manifest, FileKind::SiteManifest)?;
    let text = String::from_utf8_lossy(&bytes);
    let previous = parse_site_manifest(&text).map_err(|(line, name)| {
        not_ours(format!(
            "its {SITE_MANIFEST} names {name:?} at line {line}, which is not a file a site holds (index.html, <id>.html, <id>.md)"
        ))
    })?;
    Ok(SiteDir { previous, present })
}
