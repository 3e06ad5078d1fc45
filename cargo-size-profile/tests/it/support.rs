//! What every test of the CLI binary shares: the tests' hermetic environment
//! (`size_profile_tests::hermetic`).

use std::process::Command;

/// The CLI binary, in the tests' hermetic environment.
pub(crate) fn cli() -> Command {
    size_profile_tests::hermetic::command(env!("CARGO_BIN_EXE_cargo-size-profile"))
}
