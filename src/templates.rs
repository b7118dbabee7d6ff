//! Templates: minijinja templates built into the binary, each overridable by a file of the same
//! name in the workspace's `templates/` directory. Undefined variables are errors (strict mode)
//! that name the template and line (for an error inside an included template, that template's
//! own file, a workspace path when overridden, and the include it was reached from). `.html`
//! and `.html.j2` templates are auto-escaped (minijinja ignores a final `.j2` when choosing). Filters: `toml` (a TOML string), `md` and `md_cell`
//! (Markdown running text and table cells), `long_date` ("1 April 2026"), `short_date` ("1 Apr 2026"), `mailto` (a
//! `mailto:` link to an address and nothing more).

pub mod context;

use crate::error::{Error, Result};
use crate::gate::{self, FileKind, Kind};
use minijinja::value::{ArgType, Value};
use minijinja::{Environment, State, UndefinedBehavior};
use std::borrow::Cow;
use std::path::{Path, PathBuf};

/// Every built-in template: (file name, contents, what it is for).
pub const BUILTIN: &[(&str, &str, &str)] = &[
    (
        "new-specific.toml.j2",
        include_str!("../templates/new-specific.toml.j2"),
        "`datapact new --template specific`",
    ),
    (
        "new-overarching.toml.j2",
        include_str!("../templates/new-overarching.toml.j2"),
        "`datapact new --template overarching`",
    ),
    (
        "new-nhs-direct-care.toml.j2",
        include_str!("../templates/new-nhs-direct-care.toml.j2"),
        "`datapact new --template nhs-direct-care`",
    ),
    (
        "new-nhs-research.toml.j2",
        include_str!("../templates/new-nhs-research.toml.j2"),
        "`datapact new --template nhs-research`",
    ),
    (
        "new-public-task.toml.j2",
        include_str!("../templates/new-public-task.toml.j2"),
        "`datapact new --template public-task`",
    ),
    (
        "new-standard-terms.toml.j2",
        include_str!("../templates/new-standard-terms.toml.j2"),
        "`datapact new --template standard-terms`",
    ),
    (
        "new-agreement.toml.j2",
        include_str!("../templates/new-agreement.toml.j2"),
        "the body every new-agreement template includes (its `shape` fills in what the kind decides)",
    ),
    (
        "agreement.md.j2",
        include_str!("../templates/agreement.md.j2"),
        "`datapact render ID` (Markdown), and each agreement's .md file in a site",
    ),
    (
        "agreement.html.j2",
        include_str!("../templates/agreement.html.j2"),
        "`datapact render ID --format html`, and each agreement's page in a site",
    ),
    (
        "register.html.j2",
        include_str!("../templates/register.html.j2"),
        "the register's pages (index.html, and a page per state in a large register) of `datapact render --all`",
    ),
    (
        "style.css.j2",
        include_str!("../templates/style.css.j2"),
        "the stylesheet (screen, phone and A4 print): a site's `style.css`, which its pages link to, and inline in `datapact render ID --format html`",
    ),
    (
        "register.css.j2",
        include_str!("../templates/register.css.j2"),
        "the register's own styles, included inline in its pages (after the link to the site's `style.css`)",
    ),
];

/// Where a template came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    BuiltIn,
    Workspace(PathBuf),
}

/// The template environment for a workspace (or none, for built-ins only).
pub struct Templates {
    env: Environment<'static>,
    /// The workspace root and its `templates/` directory, when there are overrides to look for.
    overrides: Option<(PathBuf, PathBuf)>,
}

fn builtin(name: &str) -> Option<&'static str> {
    BUILTIN
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, src, _)| *src)
}

/// How a printed value (`{{ x }}`) is written into a page: as minijinja's own formatter
/// (`escape_formatter`) writes it, except that a string, nearly every value a page prints, is
/// written directly, HTML-escaped in an HTML template ([`crate::text::write_html_escaped`]),
/// rather than through `fmt`'s formatting machinery. A test holds the two to the same output.
fn format_value(
    out: &mut minijinja::Output,
    state: &mut State,
    value: &Value,
) -> std::result::Result<(), minijinja::Error> {
    use minijinja::AutoEscape;
    if let Some(text) = value.as_str() {
        let escape = state.auto_escape();
        if value.is_safe() || *escape == AutoEscape::None {
            return out.write_str(text).map_err(minijinja::Error::from);
        }
        if *escape == AutoEscape::Html {
            return crate::text::write_html_escaped(out, text).map_err(minijinja::Error::from);
        }
    }
    minijinja::escape_formatter(out, state, value)
}

/// The `md` filter (`md_cell` when `cell`). These run a few hundred times a page: a text with
/// nothing to escape is the value it was given (no copy), any other text is borrowed from it to
/// escape, and anything else is first written as a string, as a `Cow<str>` argument would be.
fn markdown(
    state: &State,
    value: &Value,
    cell: bool,
) -> std::result::Result<Value, minijinja::Error> {
    if let Some(text) = value.as_str()
        && !value.is_safe()
        && crate::text::markdown_unchanged(text)
    {
        return Ok(value.clone());
    }
    let (text, _) = <Cow<'_, str> as ArgType>::from_state_and_value(Some(state), Some(value))?;
    Ok(Value::from(if cell {
        crate::text::markdown_cell(&text)
    } else {
        crate::text::markdown_text(&text)
    }))
}

/// Quotes a text as a TOML basic string (for templates that write TOML).
fn toml_string(value: String) -> String {
    toml::Value::String(value).to_string()
}

/// A `mailto:` link to `address` alone (RFC 6068): the part before the last `@` and the domain
/// are percent-encoded apart, every byte but ASCII letters, digits and `-._~`, so that no `?`,
/// `&`, `#` or `%` in an address can add a header (`?bcc=attacker@example.org`), a body or a
/// second recipient. Validation (DP020) refuses such addresses in an agreement; the filter
/// keeps a link harmless whatever reaches it (a template override, a future field).
pub fn mailto(address: &str) -> String {
    use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};
    const KEEP: &AsciiSet = &NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    match address.rsplit_once('@') {
        Some((local, domain)) => format!(
            "mailto:{}@{}",
            utf8_percent_encode(local, KEEP),
            utf8_percent_encode(domain, KEEP)
        ),
        None => format!("mailto:{}", utf8_percent_encode(address, KEEP)),
    }
}

/// `text` as a quoted CSS string (`"Ref 12, version 3"`), for `content:` in a page's own
/// `@page` margin boxes. Everything but ASCII letters, digits, the space and `.,:-_/()` is
/// written as a CSS escape (`\22 ` for a quote), so no text can end the string, the rule or the
/// style element, and the result needs no HTML escaping (it holds no `<`, `>` or `&`).
pub fn css_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        if c.is_ascii_alphanumeric() || " .,:-_/()".contains(c) {
            out.push(c);
        } else {
            out.push_str(&format!("\\{:x} ", u32::from(c)));
        }
    }
    out.push('"');
    out
}

/// Formats an ISO date ("2026-04-01") in plain English ("1 April 2026").
fn long_date(iso: String) -> std::result::Result<String, minijinja::Error> {
    iso.parse::<chrono::NaiveDate>()
        .map(crate::text::long_date)
        .map_err(|e| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("long_date expects a date like 2026-04-01, got {iso:?}: {e}"),
            )
        })
}

/// Formats an ISO date ("2026-04-01") briefly ("1 Apr 2026"), for tables.
/// "10,000": a count with a comma between each group of three digits, as GOV.UK writes numbers.
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn short_date(iso: String) -> std::result::Result<String, minijinja::Error> {
    iso.parse::<chrono::NaiveDate>()
        .map(|d| d.format("%-d %b %Y").to_string())
        .map_err(|e| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("short_date expects a date like 2026-04-01, got {iso:?}: {e}"),
            )
        })
}

/// The most work (minijinja's instructions) one rendering may do in a workspace that overrides
/// templates (built-in templates alone are not bounded: their work follows the agreement's
/// size). The largest example agreement's HTML document takes under a hundredth of it
/// (tested); a nested loop over large ranges runs out within a second.
pub const FUEL: u64 = 1_000_000;

impl Templates {
    /// Templates for a workspace rooted at `root`: its `templates/` files win over built-ins.
    pub fn new(root: Option<&Path>) -> Templates {
        // A `templates/` that leads outside the workspace is kept, so that every template
        // looked up through it is refused by the gate, naming the link.
        let overrides = root
            .map(|r| (r.to_path_buf(), r.join(crate::workspace::TEMPLATES_DIR)))
            .filter(|(r, d)| matches!(gate::kind_of(r, d), Ok(Kind::Dir) | Err(_)));
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        // A template override is workspace input: bound the work one rendering may do, so a
        // runaway loop stops with an error naming the template instead of running for ever.
        // The built-in templates only loop over what an agreement holds (a file of at most
        // 1 MiB): without overrides nothing is counted, which is 7% of a page's work.
        if overrides.is_some() {
            env.set_fuel(Some(FUEL));
        }
        if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
            .trim_blocks(true)
            .lstrip_blocks(true)
            .keep_trailing_newline(true)
            .build()
        {
            env.set_syntax(syntax);
        }
        env.set_formatter(format_value);
        env.add_filter("toml", toml_string);
        env.add_filter("md", |state: &State, value: &Value| {
            markdown(state, value, false)
        });
        env.add_filter("md_cell", |state: &State, value: &Value| {
            markdown(state, value, true)
        });
        env.add_filter("long_date", long_date);
        env.add_filter("short_date", short_date);
        env.add_filter("count", |n: u64| thousands(n));
        env.add_filter("mailto", |address: Cow<'_, str>| mailto(&address));
        env.add_filter("css_string", |text: Cow<'_, str>| {
            minijinja::Value::from_safe_string(css_string(&text))
        });
        let found = overrides.clone();
        env.set_loader(move |name| {
            // Names are plain file names: never a path that could leave the templates directory.
            if name.contains('/') || name.contains('\\') || name.starts_with('.') {
                return Ok(None);
            }
            if let Some((root, dir)) = &found {
                let path = dir.join(name);
                // Through the gate: a committed link to a file elsewhere (a private key,
                // /etc/passwd) is never read into a rendition, nor a FIFO opened, nor a huge
                // file read whole.
                if !matches!(gate::kind_of(root, &path), Ok(Kind::Missing)) {
                    // The reason travels as the error's source: [`Templates::describe`] reports
                    // it as it is (a link out of the workspace, not UTF-8...), not as a
                    // failure of whichever template included this one.
                    return read_override(root, &path).map(Some).map_err(|e| {
                        minijinja::Error::new(
                            minijinja::ErrorKind::InvalidOperation,
                            e.message.clone(),
                        )
                        .with_source(e)
                    });
                }
            }
            Ok(builtin(name).map(str::to_string))
        });
        Templates { env, overrides }
    }

    /// The same templates with another bound on the work one rendering may do (see [`FUEL`]).
    pub fn with_fuel(mut self, fuel: u64) -> Templates {
        self.env.set_fuel(Some(fuel));
        self
    }

    /// Where template `name` would be loaded from.
    pub fn origin(&self, name: &str) -> Origin {
        match &self.overrides {
            Some((root, dir)) if matches!(gate::kind_of(root, &dir.join(name)), Ok(Kind::File)) => {
                Origin::Workspace(dir.join(name))
            }
            _ => Origin::BuiltIn,
        }
    }

    /// Renders template `name` with `context`. Errors name the template, its origin and line.
    /// Pass `minijinja::context!{..}`, or [`context::to_value`] of a serde type.
    pub fn render(&self, name: &str, context: impl Into<minijinja::Value>) -> Result<String> {
        let context = context.into();
        let result = self.env.get_template(name).and_then(|t| t.render(context));
        result.map_err(|e| self.describe(name, &e))
    }

    /// Renders template `name` with at least `fuel` steps allowed: for a page whose work grows
    /// with the workspace (the register: a fixed allowance per row on top of [`FUEL`]).
    pub fn render_with_fuel(
        &self,
        name: &str,
        context: impl Into<minijinja::Value>,
        fuel: u64,
    ) -> Result<String> {
        // Unbounded (no overrides), or bounded enough already.
        if self.env.fuel().is_none_or(|bound| fuel <= bound) {
            return self.render(name, context);
        }
        let mut env = self.env.clone();
        env.set_fuel(Some(fuel));
        let result = env
            .get_template(name)
            .and_then(|t| t.render(context.into()));
        result.map_err(|e| self.describe(name, &e))
    }

    /// Where template `file` is, as an error message names it.
    fn place(&self, file: &str) -> String {
        match self.origin(file) {
            Origin::BuiltIn => format!("built-in template {file}"),
            Origin::Workspace(p) => p.display().to_string(),
        }
    }

    /// The error for a failed render of `name`. An error inside an included template reaches
    /// us wrapped ("could not render include"); the innermost error in the `source()` chain that
    /// knows its template and line is the one to report, with the include named after it.
    fn describe(&self, name: &str, err: &minijinja::Error) -> Error {
        // An override that could not be read: the reason itself, with its own hint.
        if let Some(unread) = unreadable_override(err) {
            return unread.clone();
        }
        let cause = innermost(err);
        let file = cause.name().unwrap_or(name);
        let line = cause.line().map(|l| format!(":{l}")).unwrap_or_default();
        let mut detail = cause.kind().to_string();
        if let Some(d) = cause.detail() {
            detail = format!("{detail}: {d}");
        }
        let outer = err.name().unwrap_or(name);
        let via = if std::ptr::eq(cause, err) || outer == file {
            String::new()
        } else {
            let at = err.line().map(|l| format!(":{l}")).unwrap_or_default();
            format!(" (included from {}{at})", self.place(outer))
        };
        if cause.kind() == minijinja::ErrorKind::OutOfFuel {
            return Error::input(format!(
                "template {}{line}{via} does too much work: it stopped after {} steps",
                self.place(file),
                self.env.fuel().unwrap_or(FUEL)
            ))
            .with_hint(
                "look for a loop over a very large range or a deeply nested loop in the template; real agreements need a small fraction of this",
            );
        }
        let hint = match self.origin(file) {
            Origin::Workspace(p) => format!(
                "fix {} or remove it to use the built-in template (`datapact templates export DIR` shows the built-in ones)",
                p.display()
            ),
            Origin::BuiltIn => "a built-in template failed: check the workspace's templates/ overrides that include it or that it includes (`datapact templates list` shows them)".to_string(),
        };
        Error::input(format!(
            "template error in {}{line}{via}: {detail}",
            self.place(file)
        ))
        .with_hint(hint)
    }
}

/// Reads a template override through the gate, as UTF-8 text.
fn read_override(root: &Path, path: &Path) -> Result<String> {
    String::from_utf8(gate::read(root, path, FileKind::Template)?).map_err(|_| {
        Error::input(format!(
            "cannot read {}: it is not UTF-8 text",
            path.display()
        ))
        .with_hint("save the template as UTF-8")
    })
}

/// The innermost error in `err`'s `source()` chain that names its template and line (`err`
/// itself when none does).
/// The error of a template override the loader could not read (refused by the gate, not
/// UTF-8...), if that is what `err` comes from.
fn unreadable_override(err: &minijinja::Error) -> Option<&Error> {
    let mut next = std::error::Error::source(err);
    while let Some(e) = next {
        if let Some(ours) = e.downcast_ref::<Error>() {
            return Some(ours);
        }
        next = e.source();
    }
    None
}

fn innermost(err: &minijinja::Error) -> &minijinja::Error {
    let mut best = err;
    let mut next = std::error::Error::source(err);
    while let Some(e) = next {
        if let Some(m) = e.downcast_ref::<minijinja::Error>() {
            if m.name().is_some() && m.line().is_some() {
                best = m;
            }
        }
        next = e.source();
    }
    best
}

#[cfg(test)]
#[allow(clippy::disallowed_methods)] // tests build their files directly
mod tests {
    use super::*;

    /// Every kind of value a template prints, each printed alone, in an HTML template and in
    /// one without escaping: written as minijinja's own formatter writes it.
    fn printed(ours: bool, name: &str, text: &str) -> String {
        let mut env = Environment::new();
        if ours {
            env.set_formatter(format_value);
        }
        let values = minijinja::context! {
            plain => "Health and care",
            special => "a < b & c > d \"quoted\" 'single' a/b &amp; — é 🙂",
            only => "<>&\"'/",
            empty => "",
            safe => Value::from_safe_string("<b>bold</b> & /".to_string()),
            number => 42,
            negative => -7,
            big => 123_456_789_012_u64,
            float => 2.5,
            yes => true,
            nothing => (),
            list => vec!["a/b", "<c>"],
            map => minijinja::context! { k => "v&" },
            bytes => Value::from_bytes(b"by/tes".to_vec()),
            small => Value::from("12"),
        };
        env.add_template_owned(name.to_string(), text.to_string())
            .unwrap();
        env.get_template(name).unwrap().render(values).unwrap()
    }

    #[test]
    fn printed_values_are_written_as_minijinjas_own_formatter_writes_them() {
        let text = "{{ plain }}|{{ special }}|{{ only }}|{{ empty }}|{{ safe }}|{{ number }}|\
            {{ negative }}|{{ big }}|{{ float }}|{{ yes }}|{{ nothing }}|{{ list }}|{{ map }}|\
            {{ bytes }}|{{ small }}|{{ special|safe }}|{{ special|e }}|{{ plain ~ special }}|\
            {% set captured %}{{ special }}{% endset %}{{ captured }}";
        for name in ["page.html", "page.md"] {
            let ours = printed(true, name, text);
            assert_eq!(ours, printed(false, name, text), "{name}");
            if name == "page.html" {
                assert!(ours.contains("a &lt; b &amp; c &gt; d &quot;quoted&quot; &#x27;single&#x27; a&#x2f;b &amp;amp;"), "{ours}");
            }
        }
    }

    /// Template work is bounded where the workspace overrides templates (a `templates/` folder,
    /// even one that only overrides what another template includes), and not counted for the
    /// built-ins alone; the register's larger allowance never adds a bound that was not there.
    #[test]
    fn work_is_bounded_only_where_templates_are_overridden() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(Templates::new(None).env.fuel(), None);
        assert_eq!(Templates::new(Some(tmp.path())).env.fuel(), None);
        std::fs::create_dir(tmp.path().join(crate::workspace::TEMPLATES_DIR)).unwrap();
        let bounded = Templates::new(Some(tmp.path()));
        assert_eq!(bounded.env.fuel(), Some(FUEL));
        std::fs::write(
            tmp.path().join("templates/style.css.j2"),
            "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
        )
        .unwrap();
        let runaway = Templates::new(Some(tmp.path()))
            .render_with_fuel("style.css.j2", minijinja::context! {}, FUEL + 1)
            .unwrap_err();
        assert!(
            runaway.message.contains("too much work"),
            "{}",
            runaway.message
        );
        let unbounded = Templates::new(None);
        let text = unbounded
            .render_with_fuel("style.css.j2", minijinja::context! {}, FUEL * 2)
            .unwrap();
        assert!(text.contains("font-family"), "{text}");
        assert_eq!(unbounded.env.fuel(), None);
    }

    #[test]
    fn counts_have_thousands_separators() {
        let cases = [
            (0, "0"),
            (999, "999"),
            (1_000, "1,000"),
            (10_000, "10,000"),
            (123_456_789, "123,456,789"),
        ];
        for (n, text) in cases {
            assert_eq!(thousands(n), text);
        }
    }

    /// A workspace in a temporary folder whose `templates/NAME` holds `text`, and its templates.
    fn overriding(name: &str, text: &str) -> (tempfile::TempDir, Templates) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        std::fs::write(dir.path().join("templates").join(name), text).unwrap();
        let t = Templates::new(Some(dir.path()));
        (dir, t)
    }

    #[test]
    fn strict_mode_names_template_and_line() {
        let (_dir, t) = overriding("new-specific.toml.j2", "ok\n{{ nope }}\n");
        let err = t
            .render("new-specific.toml.j2", minijinja::context! {})
            .unwrap_err();
        assert!(
            err.message.contains("new-specific.toml.j2:2"),
            "{}",
            err.message
        );
        assert!(err.message.contains("undefined"), "{}", err.message);
    }

    #[test]
    fn an_error_in_an_included_override_names_that_file_and_line() {
        let (dir, t) = overriding("new-agreement.toml.j2", "x = 1\n{{ nothere }}\n");
        let err = t
            .render("new-specific.toml.j2", minijinja::context! {})
            .unwrap_err();
        let file = dir.path().join("templates/new-agreement.toml.j2");
        assert!(
            err.message
                .starts_with(&format!("template error in {}:2 (included from built-in template new-specific.toml.j2:1): undefined value", file.display())),
            "{}",
            err.message
        );
        assert!(
            err.hint
                .unwrap_or_default()
                .contains(&format!("fix {}", file.display())),
        );
    }

    /// The text filters take any value as its string, as templates have always been able to
    /// (a number, a flag, none), and a text as written.
    #[test]
    fn text_filters_take_any_value_as_a_string() {
        let (_dir, t) = overriding(
            "new-specific.toml.j2",
            "{{ n|md }} {{ flag|md_cell }} {{ nothing|md }} {{ text|md }} {{ n|mailto }} {{ n|css_string }}",
        );
        let out = t
            .render(
                "new-specific.toml.j2",
                minijinja::context! { n => 12, flag => true, nothing => (), text => "a*b" },
            )
            .unwrap();
        assert_eq!(out, "12 True None a\\*b mailto:12 \"12\"");
    }

    #[test]
    fn loader_refuses_paths() {
        let t = Templates::new(None);
        assert!(t.render("../Cargo.toml", minijinja::context! {}).is_err());
    }

    #[test]
    fn css_strings_cannot_escape_their_quotes() {
        assert_eq!(css_string("Ref 12, v3"), "\"Ref 12, v3\"");
        let hostile = css_string("a\"}</style><script>&\\");
        for bad in ['<', '>', '&', '}', ';'] {
            assert!(!hostile.contains(bad), "{hostile}");
        }
        assert_eq!(hostile.matches('"').count(), 2, "{hostile}");
        assert_eq!(css_string("\u{2014}"), "\"\\2014 \"");
    }

    #[test]
    fn mailto_links_carry_the_address_alone() {
        assert_eq!(
            mailto("essexicb.dpo@nhs.net"),
            "mailto:essexicb.dpo@nhs.net"
        );
        assert_eq!(
            mailto("o'brien+dpo@nhs.net"),
            "mailto:o%27brien%2Bdpo@nhs.net"
        );
        assert_eq!(
            mailto("x?bcc=attacker@example.org"),
            "mailto:x%3Fbcc%3Dattacker@example.org"
        );
        assert_eq!(
            mailto("dpo@nhs.net?bcc=attacker@example.org"),
            "mailto:dpo%40nhs.net%3Fbcc%3Dattacker@example.org"
        );
        assert_eq!(
            mailto("a@b.org&cc=c@d.org#x"),
            "mailto:a%40b.org%26cc%3Dc@d.org%23x"
        );
        assert_eq!(mailto("no address"), "mailto:no%20address");
        let t = Templates::new(None);
        let html = t
            .env
            .render_str(
                "<a href=\"{{ m|mailto }}\">",
                minijinja::context! { m => "x?bcc=a@b.org" },
            )
            .unwrap();
        assert_eq!(html, "<a href=\"mailto:x%3Fbcc%3Da@b.org\">");
    }
}
