//! The integration tests: one test binary (so the suite links once), a module per area, each
//! running the real `datapact` binary. docs/testing.md maps what is tested where; `common`
//! holds the shared helpers (temporary workspaces, running the binary, fixtures).

// The tests build (and break) workspaces directly, with std::fs, to test the binary's gate from
// the outside; clippy.toml's disallowed methods are for the tool's own code.
#![allow(clippy::disallowed_methods)]

mod architecture;
mod common;
mod fixture_patch;

mod acceptance_cli;
mod acknowledgements_cli;
mod agent_cli;
mod browser_cli;
mod bump_cli;
mod consistency_cli;
mod diff_cli;
mod docs_examples;
mod ed25519_vectors;
mod editors_cli;
mod exit_codes_cli;
mod flags_cli;
mod gate_cli;
mod help_cli;
mod history_cli;
mod hostile_text;
mod json_schemas_cli;
mod judgement_cli;
mod jurisdiction_cli;
mod keys_cli;
mod lifecycle_cli;
mod lifecycle_warnings_cli;
mod log_cli;
mod membership_cli;
mod messages_cli;
mod non_nhs_cli;
mod openssh_only_cli;
mod page_cli;
mod policy_cli;
mod register_cli;
mod render_cli;
mod render_crash;
mod report_formats;
mod review_cli;
mod rule_coverage;
mod sections2_cli;
mod sections3_cli;
mod sections_cli;
mod security_doc;
mod sign_many_cli;
mod signing;
mod signing_crash;
mod signing_tamper;
mod status_output_cli;
mod stray_cli;
mod substance_cli;
mod term_cli;
mod trials_cli;
mod trust_attacks;
mod validate_cli;
mod workspace_cli;
