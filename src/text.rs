//! Text helpers for rendered documents: Markdown escaping of agreement text (so it renders as
//! written) and dates in plain English. Used by the renderer and as template filters.

use chrono::NaiveDate;

/// Escapes text for Markdown running text: characters that would start emphasis, code, links
/// or raw HTML are backslash-escaped, as is a heading or list marker at the start, so agreement
/// text always renders as written. An `&` that could start a character reference (`&amp;`,
/// `&#124;`: followed by a letter, digit or `#`) is escaped too, so an entity in the text shows
/// as typed rather than as the character it names; a lone `&` ("Health & Care") stays as it is.
/// Hard-wrapped lines are joined (as Markdown would show them); blank lines still separate
/// paragraphs.
pub fn markdown_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
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

    #[test]
    fn character_references_show_as_typed() {
        assert_eq!(
            markdown_cell("Essex &amp; County &#124; Council &#x3C;"),
            "Essex \\&amp; County \\&#124; Council \\&#x3C;"
        );
        assert_eq!(markdown_text("Health & Care &"), "Health & Care &");
    }
}
