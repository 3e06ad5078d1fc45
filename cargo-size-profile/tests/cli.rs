//! The CLI as a user runs it: `tests/cmd/*.toml` cases, each with the files it starts from
//! (`*.in/`), the files it must leave (`*.out/`), and its expected output and exit code.
//!
//! Every case runs with a clean environment (`env.inherit = false`): only what finds the
//! toolchain is passed on, so a caller's `CARGO_TARGET_DIR`, `RUSTFLAGS`, `CARGO_PROFILE_*` or
//! `NO_COLOR` cannot change what a case sees.

mod support;

#[test]
fn cli() {
    let cases = trycmd::TestCases::new();
    for key in support::PASSED_ON {
        #[allow(clippy::disallowed_methods)] // the test's own environment, passed on
        if let Ok(value) = std::env::var(key) {
            cases.env(*key, value);
        }
    }
    cases.case("tests/cmd/*.toml");
}
