//! The CLI as a user runs it: `tests/cmd/*.toml` cases, each with the files it starts from
//! (`*.in/`), the files it must leave (`*.out/`), and its expected output and exit code.
//!
//! Every case runs with a clean environment (`env.inherit = false`) plus the tests' hermetic
//! one (`size_profile_tests::hermetic`: what finds the toolchain, and a cargo home without the
//! machine's config), so a caller's `CARGO_TARGET_DIR`, `RUSTFLAGS`, `CARGO_PROFILE_*`,
//! `NO_COLOR` or `$CARGO_HOME/config.toml` cannot change what a case sees.

#[test]
fn cli() {
    let cases = trycmd::TestCases::new();
    for (key, value) in size_profile_tests::hermetic::vars() {
        cases.env(key, value.to_string_lossy());
    }
    cases.case("tests/cmd/*.toml");
}
