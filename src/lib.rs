//! datapact: data-sharing agreements as validated, signed TOML files in a git repository.
//!
//! The binary is a thin wrapper around [`commands::run`]; `commands` is the only module that
//! knows the command line. See ARCHITECTURE.md for the code map.

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
