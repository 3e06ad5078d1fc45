//! What every test of the CLI binary shares: the tests' hermetic environment
//! (`size_profile_tests::hermetic`).

use std::process::Command;

/// The CLI binary, in the tests' hermetic environment.
pub(crate) fn cli() -> Command {
    size_profile_tests::hermetic::command(env!("CARGO_BIN_EXE_cargo-size-profile"))
}

/// The CLI run with `args` in `dir`, to the end.
pub(crate) fn run_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    cli()
        .args(args)
        .current_dir(dir)
        .output()
        .expect("the CLI runs")
}

/// A size as the CLI prints it: `445,904` (the tests check the CLI's output against it, so it
/// is written here again rather than taken from the binary's `render` module).
pub(crate) fn with_commas(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
