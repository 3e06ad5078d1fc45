//! Every error the attribute can give, with its expected message (`tests/ui/*.stderr`).
//!
//! The messages are rustc's words as much as ours, so they are checked on the one toolchain
//! they were written with (as thiserror pins its UI tests to one toolchain): a newer rustc
//! that words a note differently does not fail the suite for a user. To move them to a new
//! toolchain, bless them with `TRYBUILD=overwrite` on it and change [`SNAPSHOTS`].

// the test reads its own environment, and says why it skips
#![allow(
    clippy::disallowed_methods,
    clippy::disallowed_macros,
    clippy::print_stderr
)]

/// The `major.minor` of the rustc the snapshots come from.
const SNAPSHOTS: &str = "1.95";

/// The `major.minor` of the rustc cargo would use here.
fn rustc_version() -> String {
    let out = size_profile_tests::hermetic::command("rustc")
        .arg("--version")
        .output()
        .expect("rustc runs");
    let text = String::from_utf8_lossy(&out.stdout);
    // "rustc 1.95.0 (59807616e 2026-04-14)"
    let version = text.split_whitespace().nth(1).unwrap_or_default();
    version.splitn(3, '.').take(2).collect::<Vec<_>>().join(".")
}

#[test]
fn ui() {
    let rustc = rustc_version();
    if rustc != SNAPSHOTS {
        eprintln!("ui: the snapshots are rustc {SNAPSHOTS}'s; not compared on rustc {rustc}");
        return;
    }
    // trybuild's cargo inherits this process's environment, and a test cannot change its own
    // (that is `unsafe`): run this test again in the tests' hermetic environment
    const MARK: &str = "SIZE_PROFILE_UI_HERMETIC";
    if std::env::var_os(MARK).is_none() {
        let status = size_profile_tests::hermetic::command(
            std::env::current_exe().expect("the test binary"),
        )
        .args(["ui", "--exact", "--nocapture"])
        .env(MARK, "1")
        .env("CARGO_MANIFEST_DIR", env!("CARGO_MANIFEST_DIR"))
        // `TRYBUILD=overwrite` blesses new snapshots
        .envs(std::env::var_os("TRYBUILD").map(|v| ("TRYBUILD", v)))
        .status()
        .expect("the test runs again");
        assert!(status.success(), "the ui cases failed");
        return;
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
