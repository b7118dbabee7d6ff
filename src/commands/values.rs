//! clap's view of the option values the library defines (output formats, states): the library
//! enums stay free of clap, and a variant added there without a name here fails to compile.

use crate::agreement::bump;
use crate::lifecycle::State;
use crate::{render, report, schema};
use clap::builder::PossibleValue;

macro_rules! value_enum {
    ($ty:ty { $($variant:path => $name:literal: $help:literal),* $(,)? }) => {
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($variant),*]
            }
            fn to_possible_value(&self) -> Option<PossibleValue> {
                Some(match self {
                    $($variant => PossibleValue::new($name).help($help)),*
                })
            }
        }
    };
}

value_enum!(report::Format {
    report::Format::Human => "human": "Text for people, coloured on a terminal",
    report::Format::Json => "json": "The stable JSON shape documented in docs/output.md",
    report::Format::Github => "github": "GitHub Actions workflow annotations (`::error file=...::message`)",
    report::Format::Sarif => "sarif": "SARIF 2.1.0 for GitHub code scanning and other static-analysis viewers",
    report::Format::Junit => "junit": "JUnit XML: one test suite per check family, one test case per file per family",
    report::Format::Summary => "summary": "One line per file: its errors, warnings and most frequent codes (as --summary)",
});

value_enum!(render::Format {
    render::Format::Md => "md": "Markdown, for reading on GitHub or in an editor",
    render::Format::Html => "html": "A standalone HTML page with an A4 print stylesheet",
});

value_enum!(State {
    State::Invalid => "invalid": "The file has validation errors, so its dates and parties cannot be trusted",
    State::SignaturesInvalid => "signatures-invalid": "A signature on the current version does not verify: nothing about it can be relied on until the parties sign again",
    State::Expired => "expired": "Past its expiry date",
    State::ReviewOverdue => "review-overdue": "Past its review date",
    State::Expiring => "expiring": "Within the expiry notice window",
    State::ReviewDue => "review-due": "Within the review notice window",
    State::Draft => "draft": "Not every party has a valid signature on the current version",
    State::SignedNotYetEffective => "signed-not-yet-effective": "Fully signed, before its effective date",
    State::Active => "active": "Fully signed, in force, nothing due",
});

value_enum!(bump::Kind {
    bump::Kind::Amendment => "amendment": "A change to the terms (purpose, parties, data items, lawful basis, safeguards, dates)",
    bump::Kind::Correction => "correction": "A correction or clarification that changes nothing of substance",
    bump::Kind::Renewal => "renewal": "The same terms for a further term: new effective, review and expiry dates",
});

#[cfg(test)]
mod tests {
    use super::*;
    use clap::ValueEnum;

    #[test]
    fn state_names_are_the_ones_reports_use() {
        for state in State::value_variants() {
            let name = state.to_possible_value().map(|v| v.get_name().to_string());
            assert_eq!(name.as_deref(), Some(state.as_str()));
        }
    }
}

value_enum!(schema::Which {
    schema::Which::Agreement => "agreement": "An agreement, agreements/<id>.toml",
    schema::Which::Workspace => "workspace": "The workspace settings, datapact.toml",
    schema::Which::Keys => "keys": "A trust store file, keys/<party>.toml",
});
