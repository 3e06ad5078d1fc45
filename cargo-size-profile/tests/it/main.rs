//! The CLI's tests, in one binary: `cli` runs the cases of `tests/cmd/*.toml` as data, the
//! others drive the binary from Rust; all in the tests' hermetic environment
//! (`size_profile_tests::hermetic`).

mod apply;
mod architecture;
mod budget;
mod cli;
mod cli_docs_json;
mod config_args;
mod examples;
mod ladder;
mod selection;
mod support;
mod why;
mod workspaces;
