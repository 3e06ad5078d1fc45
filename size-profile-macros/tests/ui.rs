//! Every error the attribute can give, with its expected message (`tests/ui/*.stderr`).

// the test reads its own environment to leave out what would change the attribute's findings
#![allow(clippy::disallowed_methods)]

use std::process::Command;

/// Variables that change the profile the attribute resolves: the expected messages are for a
/// build without them, whatever the caller's shell or CI sets.
fn changes_the_profile(key: &str) -> bool {
    key.starts_with("CARGO_PROFILE_")
        || (key.starts_with("CARGO_TARGET_") && key.ends_with("_RUSTFLAGS"))
        || [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
            "CARGO_INCREMENTAL",
            "CARGO_BUILD_TARGET",
        ]
        .contains(&key)
}

#[test]
fn ui() {
    // trybuild's cargo inherits this process's environment and the test cannot change its own
    // (that is `unsafe`): run this test again in a child without those variables
    let inherited: Vec<String> = std::env::vars()
        .map(|(k, _)| k)
        .filter(|k| changes_the_profile(k))
        .collect();
    if !inherited.is_empty() {
        let mut child = Command::new(std::env::current_exe().expect("the test binary"));
        child.args(["ui", "--exact", "--nocapture"]);
        for key in &inherited {
            child.env_remove(key);
        }
        let status = child.status().expect("the test runs again");
        assert!(status.success(), "ui cases failed without {inherited:?}");
        return;
    }
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
    t.pass("tests/pass/*.rs");
}
