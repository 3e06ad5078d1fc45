//! The bundled examples, as a user of the CLI meets them.

use std::path::{Path, PathBuf};
use std::process::Output;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("in the repo")
        .to_path_buf()
}

/// Runs the CLI in `dir` with a clean environment, into this checkout's target directory.
fn cli(dir: &Path, args: &[&str]) -> Output {
    crate::support::cli()
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", repo().join("target").join("examples"))
        .output()
        .expect("the CLI runs")
}

#[test]
fn the_workspace_example_ships_dist_within_each_binarys_budget() {
    let ws = repo().join("examples/workspace");
    let check = cli(&ws, &["check", "--package", "tools", "--deny"]);
    let stdout = String::from_utf8_lossy(&check.stdout);
    assert!(
        check.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&check.stderr)
    );
    assert!(
        stdout.starts_with("profile dist (inherits release), preset min-size\n"),
        "{stdout}"
    );
    assert!(stdout.ends_with("no findings in 1 profile\n"), "{stdout}");

    // from the virtual root: every member with a budget
    let budget = cli(&ws, &["budget"]);
    let table = String::from_utf8_lossy(&budget.stdout);
    assert!(
        budget.status.success(),
        "{table}{}",
        String::from_utf8_lossy(&budget.stderr)
    );
    let rows: Vec<&str> = table
        .lines()
        .skip(1)
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(rows, vec!["bye", "hello"]);
    assert!(
        table.lines().skip(1).all(|l| l.ends_with(" left")),
        "{table}"
    );
}
