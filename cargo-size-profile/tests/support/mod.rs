//! What every test of the CLI binary shares: a clean environment.

// tests pass on the variables of their own process
#![allow(clippy::disallowed_methods)]

use std::process::Command;

/// The variables that find cargo, rustc and their caches; nothing that changes a build. A
/// caller's `CARGO_TARGET_DIR`, `RUSTFLAGS`, `CARGO_PROFILE_*` or `NO_COLOR` is not passed on.
pub(crate) const PASSED_ON: &[&str] = &[
    "PATH",
    "HOME",
    "CARGO_HOME",
    "RUSTUP_HOME",
    "RUSTUP_TOOLCHAIN",
    "CARGO",
    "TMPDIR",
];

/// The CLI binary, with only [`PASSED_ON`] of this process's environment.
#[allow(dead_code)] // not every test binary runs the CLI itself
pub(crate) fn cli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cargo-size-profile"));
    cmd.env_clear();
    for key in PASSED_ON {
        if let Some(value) = std::env::var_os(key) {
            cmd.env(key, value);
        }
    }
    cmd
}
