//! datapact: data-sharing agreements as validated, signed TOML files in a git repository.
//!
//! The binary is a thin wrapper around [`commands::run`]; `commands` is the only module that
//! knows the command line. See ARCHITECTURE.md for the code map.

/// The published page `docs/PAGE` of the project's repository (Cargo.toml `repository`), for
/// messages and files a user reads in a workspace, which has no docs/ of its own.
macro_rules! docs_url {
    ($page:literal) => {
        concat!(env!("CARGO_PKG_REPOSITORY"), "/blob/main/docs/", $page)
    };
}

pub mod agreement;
pub mod commands;
pub mod config;
pub mod dates;
pub mod diagnostics;
pub mod diff;
pub mod error;
pub mod gate;
pub mod git;
pub mod history;
pub mod ids;
pub mod judgement;
pub mod lifecycle;
pub mod policy;
pub mod register;
pub mod render;
pub mod report;
pub mod rules;
pub mod schema;
pub mod signing;
pub mod source;
pub mod templates;
pub mod term;
pub mod text;
pub mod versions;
pub mod vocab;
pub mod workspace;
