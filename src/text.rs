//! Text helpers: Markdown and HTML escaping of agreement text (so it renders as written) and
//! dates in plain English, used by the renderer and as template filters; and the English every
//! message shares: counts with their noun ([`plural`]), days from today ([`relative_days`]) and
//! the article before a word ([`a_or_an`]).

use chrono::NaiveDate;

/// Escapes text for Markdown running text: characters that would start emphasis, code, links
/// or raw HTML are backslash-escaped, as is a heading or list marker at the start, so agreement
/// text always renders as written. An `&` that could start a character reference (`&amp;`,
/// `&#124;`: followed by a letter, digit or `#`) is escaped too, so an entity in the text shows
/// as typed rather than as the character it names; a lone `&` ("Health & Care") stays as it is.
/// Hard-wrapped lines are joined (as Markdown would show them); blank lines still separate
/// paragraphs.
pub fn markdown_text(text: &str) -> String {
    escape_markdown(text, false)
}

/// Escapes text for one cell of a Markdown table: as [`markdown_text`], with paragraphs joined
/// by spaces too, so the cell stays on its row.
pub fn markdown_cell(text: &str) -> String {
    escape_markdown(text, true)
}

/// A table of the bytes of `groups`, to look a byte up rather than compare it with each.
const fn byte_table(groups: &[&[u8]]) -> [bool; 256] {
    let mut table = [false; 256];
    let mut g = 0;
    while g < groups.len() {
        let mut i = 0;
        while i < groups[g].len() {
            table[groups[g][i] as usize] = true;
            i += 1;
        }
        g += 1;
    }
    table
}

/// The bytes that may need a backslash in Markdown (an `&` only before a character reference:
/// [`escape_line`]).
const SPECIAL_BYTES: &[u8] = b"\\`*_[]<>|&";

/// [`SPECIAL_BYTES`], looked up rather than compared one by one.
static SPECIAL: [bool; 256] = byte_table(&[SPECIAL_BYTES]);

/// [`SPECIAL_BYTES`] and the line breaks: the bytes a text [`markdown_unchanged`] holds none of.
static ESCAPED_OR_BREAK: [bool; 256] = byte_table(&[SPECIAL_BYTES, b"\n\r"]);

/// Whether [`markdown_text`] and [`markdown_cell`] return `text` as it is: one line, nothing to
/// trim at either end, no marker at its start and no character they could escape (an `&` of
/// any kind counts as one). Lets a caller keep the text it has instead of a copy.
pub fn markdown_unchanged(text: &str) -> bool {
    let ends_clean = |c: Option<char>| c.is_none_or(|c| !c.is_whitespace());
    ends_clean(text.chars().next())
        && ends_clean(text.chars().next_back())
        && !text.starts_with(['#', '-', '+', '='])
        && !has_byte_of(text.as_bytes(), &ESCAPED_OR_BREAK)
}

/// The bytes HTML escaping replaces: those [`html_entity`] has an entity for.
static HTML_SPECIAL: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = html_entity(b as u8).is_some();
        b += 1;
    }
    table
};

/// What HTML escaping writes for byte `b`, when it replaces it: the entities of minijinja's own
/// auto-escaping (`minijinja::HtmlEscape`), so a page is the same whichever writes it.
const fn html_entity(b: u8) -> Option<&'static str> {
    Some(match b {
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'&' => "&amp;",
        b'"' => "&quot;",
        b'\'' => "&#x27;",
        b'/' => "&#x2f;",
        _ => return None,
    })
}

/// Writes `text` HTML-escaped into `out`: as minijinja's auto-escaping does, but a text with
/// nothing to escape (most of a page's) is found so 32 bytes at a time and written whole, and
/// the rest in runs between the escaped bytes, without `fmt`'s formatting machinery.
pub fn write_html_escaped<W: std::fmt::Write + ?Sized>(
    out: &mut W,
    text: &str,
) -> std::fmt::Result {
    let bytes = text.as_bytes();
    if !has_byte_of(bytes, &HTML_SPECIAL) {
        return out.write_str(text);
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if let Some(entity) = html_entity(b) {
            // The escaped bytes are ASCII, so every run ends on a character boundary.
            out.write_str(&text[start..i])?;
            out.write_str(entity)?;
            start = i + 1;
        }
    }
    out.write_str(&text[start..])
}

/// Whether `bytes` holds a byte of `table`. Read 32 bytes at a time without a branch per byte
/// (long texts, the vocabularies' wordings among them, hold none: the whole text is read).
fn has_byte_of(bytes: &[u8], table: &[bool; 256]) -> bool {
    let mut chunks = bytes.chunks_exact(32);
    for chunk in &mut chunks {
        if chunk
            .iter()
            .fold(false, |hit, &b| hit | table[usize::from(b)])
        {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| table[usize::from(b)])
}

/// [`markdown_text`], or [`markdown_cell`] when `cell`: the text's lines trimmed, blank ones
/// dropped; the lines of a paragraph joined by a space, and paragraphs by a blank line (by a
/// space in a cell, where only the start of the first could be read as a marker).
fn escape_markdown(text: &str, cell: bool) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    // Whether a blank line came since the last line written.
    let mut blank = false;
    for line in text.lines().map(str::trim) {
        if line.is_empty() {
            blank = true;
            continue;
        }
        let starts_paragraph = if out.is_empty() {
            true
        } else if blank && !cell {
            out.push_str("\n\n");
            true
        } else {
            out.push(' ');
            false
        };
        if starts_paragraph && line.starts_with(['#', '-', '+', '=']) {
            out.push('\\');
        }
        blank = false;
        escape_line(&mut out, line);
    }
    out
}

/// Appends `line` to `out` with Markdown's special characters escaped. By bytes: every
/// character escaped is ASCII, and the text between two of them is copied whole.
fn escape_line(out: &mut String, line: &str) {
    let bytes = line.as_bytes();
    let mut from = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if !SPECIAL[usize::from(b)] {
            continue;
        }
        let escape = match b {
            b'\\' | b'`' | b'*' | b'_' | b'[' | b']' | b'<' | b'>' | b'|' => true,
            // A character reference starts with a letter, a digit or `#` after the `&`; the
            // character after a line's last is the space (or nothing) that joins it.
            b'&' => bytes
                .get(i + 1)
                .is_some_and(|n| n.is_ascii_alphanumeric() || *n == b'#'),
            _ => false,
        };
        if escape {
            out.push_str(&line[from..i]);
            out.push('\\');
            from = i;
        }
    }
    out.push_str(&line[from..]);
}

/// A date in plain English: "1 April 2026".
pub fn long_date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// A count with its noun, singular for one: `plural(1, "file", "files")` is "1 file",
/// `plural(3, "file", "files")` "3 files", `plural(0, "file", "files")` "0 files".
pub fn plural<N>(n: N, one: &str, many: &str) -> String
where
    N: std::fmt::Display + PartialEq + From<u8>,
{
    let noun = if n == N::from(1) { one } else { many };
    format!("{n} {noun}")
}

/// A number of days from today in words: "today", "tomorrow", "in 12 days"; a past day is
/// "1 day ago", "12 days ago".
pub fn relative_days(days: i64) -> String {
    match days {
        0 => "today".to_string(),
        1 => "tomorrow".to_string(),
        d if d > 1 => format!("in {}", plural(d, "day", "days")),
        d => format!("{} ago", plural(d.unsigned_abs(), "day", "days")),
    }
}

/// The indefinite article for `word` as it is read aloud: "an" before a vowel ("an amendment",
/// "an Ed25519 key") and before an initialism whose first letter is said with a vowel sound
/// ("an ssh-rsa key", "an RSA key", "an sk-ssh-ed25519 key"), else "a" ("a renewal",
/// "a dsa key", "an rsa-sha2-512 signature"). An initialism is a word whose leading letters (up
/// to a `-`, digit or `@`) are all consonants, or all capitals, or at most three letters of a
/// name with digits in it (an algorithm's: "rsa-sha2-512", "dsa-sha1").
pub fn a_or_an(word: &str) -> &'static str {
    let lead: String = word.chars().take_while(|c| c.is_alphabetic()).collect();
    let Some(first) = lead.chars().next() else {
        // A number: "an 8-bit", "a 5-year"; digits other than 8 (and 11, 18) start with a consonant.
        return if word.starts_with('8') || word.starts_with("11") || word.starts_with("18") {
            "an"
        } else {
            "a"
        };
    };
    let first = first.to_ascii_lowercase();
    let is_vowel = |c: char| matches!(c.to_ascii_lowercase(), 'a' | 'e' | 'i' | 'o' | 'u');
    let letters = lead.chars().count();
    let initialism = lead.chars().all(|c| !is_vowel(c) && c != 'y' && c != 'Y')
        || (letters > 1 && lead.chars().all(|c| c.is_uppercase()))
        || (letters <= 3 && word.chars().any(|c| c.is_ascii_digit()));
    let vowel_sound = if initialism {
        // Letters whose names begin with a vowel sound: "ef", "aitch", "el", "em", "en", "ar",
        // "ess", "ex", and the vowels themselves.
        matches!(
            first,
            'a' | 'e' | 'f' | 'h' | 'i' | 'l' | 'm' | 'n' | 'o' | 'r' | 's' | 'x'
        )
    } else {
        is_vowel(first)
    };
    if vowel_sound { "an" } else { "a" }
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

    /// The escaping as it was first written, a character at a time over paragraphs joined
    /// whole: the oracle [`escape_markdown`] must agree with.
    fn markdown_by_chars(text: &str, cell: bool) -> String {
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
        if cell {
            return markdown_by_chars(&paragraphs(text).join(" "), false);
        }
        let mut out = String::new();
        for (i, paragraph) in paragraphs(text).iter().enumerate() {
            if i > 0 {
                out.push_str("\n\n");
            }
            if paragraph.starts_with(['#', '-', '+', '=']) {
                out.push('\\');
            }
            let mut chars = paragraph.chars().peekable();
            while let Some(c) = chars.next() {
                let escape = match c {
                    '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' => true,
                    '&' => chars
                        .peek()
                        .is_some_and(|n| n.is_ascii_alphanumeric() || *n == '#'),
                    _ => false,
                };
                if escape {
                    out.push('\\');
                }
                out.push(c);
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn markdown_escaping_is_the_character_at_a_time_escaping(
            text in "([a-z0-9#=+&|*_<>\\\\`\\[\\]é -]{0,6}[\n\r\t \u{2003}]{0,3}){0,8}"
        ) {
            proptest::prop_assert_eq!(markdown_text(&text), markdown_by_chars(&text, false));
            proptest::prop_assert_eq!(markdown_cell(&text), markdown_by_chars(&text, true));
        }

        /// The chunked search finds a byte wherever it is: in a chunk of 32, or in the rest.
        #[test]
        fn a_byte_of_the_table_is_found_wherever_it_is(
            text in "[a-z é]{0,80}[&\n|`\r]?[a-z é]{0,80}"
        ) {
            proptest::prop_assert_eq!(
                has_byte_of(text.as_bytes(), &ESCAPED_OR_BREAK),
                text.bytes().any(|b| ESCAPED_OR_BREAK[usize::from(b)])
            );
        }

        /// HTML escaping writes what minijinja's own auto-escaping writes, for any text.
        #[test]
        fn html_is_escaped_as_minijinja_escapes_it(
            text in "([a-z é🙂]{0,40}[<>&\"'/=;#]{0,3}){0,5}"
        ) {
            let mut ours = String::new();
            write_html_escaped(&mut ours, &text).unwrap();
            proptest::prop_assert_eq!(ours, minijinja::HtmlEscape(&text).to_string());
        }

        #[test]
        fn text_said_to_be_unchanged_is_unchanged(
            text in "([a-z0-9#=+&|*_<>\\\\`\\[\\]é -]{0,6}[\n\r\t \u{2003}\u{85}]{0,2}){0,4}"
        ) {
            if markdown_unchanged(&text) {
                proptest::prop_assert_eq!(&markdown_text(&text), &text);
                proptest::prop_assert_eq!(&markdown_cell(&text), &text);
            }
        }
    }

    #[test]
    fn plain_lines_are_unchanged_and_others_are_not() {
        for text in [
            "",
            "Health and care records",
            "NHS Trust (2026), 3.1 v2 ; é",
        ] {
            assert!(markdown_unchanged(text), "{text:?}");
        }
        for text in [
            " lead",
            "trail ",
            "two\nlines",
            "cr\rhere",
            "# head",
            "- item",
            "+1",
            "=x",
            "a_b",
            "a*b",
            "a|b",
            "a<b",
            "a&b",
            "a\\b",
            "a`b",
            "[x]",
            "tab\t",
            "\u{2003}em",
        ] {
            assert!(!markdown_unchanged(text), "{text:?}");
        }
    }

    #[test]
    fn long_dates_are_plain_english() {
        assert_eq!(
            long_date(NaiveDate::from_ymd_opt(2026, 4, 1).unwrap_or_default()),
            "1 April 2026"
        );
    }

    #[test]
    fn character_references_show_as_typed() {
        assert_eq!(
            markdown_cell("Essex &amp; County &#124; Council &#x3C;"),
            "Essex \\&amp; County \\&#124; Council \\&#x3C;"
        );
        assert_eq!(markdown_text("Health & Care &"), "Health & Care &");
    }

    #[test]
    fn counts_days_and_articles_read_as_english() {
        assert_eq!(plural(1usize, "file", "files"), "1 file");
        assert_eq!(plural(0usize, "file", "files"), "0 files");
        assert_eq!(plural(2u64, "day", "days"), "2 days");
        assert_eq!(relative_days(0), "today");
        assert_eq!(relative_days(1), "tomorrow");
        assert_eq!(relative_days(12), "in 12 days");
        assert_eq!(relative_days(-1), "1 day ago");
        assert_eq!(relative_days(-3), "3 days ago");
        for (word, article) in [
            ("ssh-rsa", "an"),
            ("ssh-dss", "an"),
            ("sk-ssh-ed25519@openssh.com", "an"),
            ("RSA", "an"),
            ("ecdsa-sha2-nistp256", "an"),
            ("Ed25519", "an"),
            ("amendment", "an"),
            ("renewal", "a"),
            ("dsa", "a"),
            ("rsa-sha2-512", "an"),
            ("dsa-sha1", "a"),
            ("new", "a"),
            ("key", "a"),
            ("8-bit", "an"),
            ("5-year", "a"),
        ] {
            assert_eq!(a_or_an(word), article, "{word}");
        }
    }
}
