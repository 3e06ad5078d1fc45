//! The CLI as a user runs it: `tests/cmd/*.toml` cases, each with the files it starts from
//! (`*.in/`), the files it must leave (`*.out/`), and its expected output and exit code.

#[test]
fn cli() {
    trycmd::TestCases::new().case("tests/cmd/*.toml");
}
