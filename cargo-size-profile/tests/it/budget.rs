//! `budget` on real builds: each size it prints is the file cargo built, and the headroom and
//! the excess are the budget's difference to it, in the table, the error line and the JSON.
//! (The trycmd cases hold the messages whose numbers do not depend on the toolchain.)

// the tests write their projects and read the binaries cargo built
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Output;

use serde_json::Value;

/// A hello world.
const HELLO: &str = "fn main() {\n    println!(\"hello\");\n}\n";

/// A new package `app` with the `[package.metadata.size-profile]` line `budget` and the
/// binaries `bins` (name, source).
fn project(name: &str, budget: &str, bins: &[(&str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!("budget-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src/bin")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n[package.metadata.size-profile]\n{budget}\n"
        ),
    )
    .unwrap();
    for (bin, source) in bins {
        let path = match *bin {
            "app" => dir.join("src/main.rs"),
            other => dir.join(format!("src/bin/{other}.rs")),
        };
        std::fs::write(path, source).unwrap();
    }
    dir
}

fn budget(dir: &Path, args: &[&str]) -> Output {
    crate::support::cli()
        .arg("budget")
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("the CLI runs")
}

/// The size of the binary `bin` that the release build left.
fn built(dir: &Path, bin: &str) -> u64 {
    let exe = dir
        .join("target/release")
        .join(format!("{bin}{}", std::env::consts::EXE_SUFFIX));
    std::fs::metadata(&exe)
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()))
        .len()
}

/// The table row of `bin`, split into its cells.
fn row(stdout: &str, bin: &str) -> Vec<String> {
    stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(bin))
        .unwrap_or_else(|| panic!("no row for {bin}:\n{stdout}"))
        .split_whitespace()
        .map(str::to_owned)
        .collect()
}

#[test]
fn within_the_budget_the_headroom_is_what_is_left() {
    let dir = project("within", "max-size = \"50 MiB\"", &[("app", HELLO)]);
    let out = budget(&dir, &[]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let size = built(&dir, "app");
    let max = 50 * 1024 * 1024;
    assert_eq!(
        row(&stdout, "app"),
        [
            "app".to_owned(),
            crate::support::with_commas(size),
            crate::support::with_commas(max),
            crate::support::with_commas(max - size),
            "left".to_owned(),
        ]
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn over_the_budget_the_excess_is_named_and_the_exit_code_is_1() {
    let dir = project("over", "max-size = \"10 KB\"", &[("app", HELLO)]);
    let out = budget(&dir, &[]);
    let (stdout, stderr) = (
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
    assert_eq!(out.status.code(), Some(1), "{stdout}{stderr}");
    let size = built(&dir, "app");
    let over = crate::support::with_commas(size - 10_000);
    let size_shown = crate::support::with_commas(size);
    assert_eq!(
        row(&stdout, "app"),
        ["app", size_shown.as_str(), "10,000", over.as_str(), "over"]
    );
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: binary `app` is {size_shown} bytes, {over} over its max-size of 10,000 bytes"
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn each_binary_is_held_to_its_own_budget_in_the_json() {
    let dir = project(
        "per-binary",
        "max-size = { small = \"50 MiB\", big = \"10 KB\" }",
        &[
            (
                "big",
                "fn main() {\n    println!(\"{:?}\", std::env::args().collect::<Vec<_>>());\n}\n",
            ),
            ("small", "fn main() {}\n"),
        ],
    );
    let out = budget(&dir, &["--format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("one JSON document");
    assert_eq!(report["version"], 1);
    let (big, small) = (built(&dir, "big"), built(&dir, "small"));
    assert_eq!(
        report["binaries"],
        serde_json::json!([
            {"package": "app", "binary": "big", "bytes": big, "max_size": 10_000, "over": true},
            {"package": "app", "binary": "small", "bytes": small, "max_size": 52_428_800, "over": false},
        ])
    );
    // only the binary over its budget is an error
    assert_eq!(
        stderr.trim_end(),
        format!(
            "error: binary `big` is {} bytes, {} over its max-size of 10,000 bytes",
            crate::support::with_commas(big),
            crate::support::with_commas(big - 10_000)
        )
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_baseline_that_cannot_be_read_stops_budget_before_anything_is_built() {
    let dir = project("baseline-first", "max-size = \"50 MiB\"", &[("app", HELLO)]);
    std::fs::write(dir.join("broken.json"), "{ not json").unwrap();
    for (file, problem) in [
        ("missing.json", "cannot be read"),
        (
            "broken.json",
            "not JSON: key must be a string at line 1 column 3",
        ),
    ] {
        let out = budget(&dir, &["--baseline", file]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.starts_with(&format!("error: {file}: {problem}")),
            "{stderr}"
        );
        assert!(
            stderr.contains(&format!(
                "`cargo size-profile budget --save {file}` writes one"
            )),
            "{stderr}"
        );
        // nothing was built: cargo made no target directory
        assert!(!dir.join("target").exists(), "{file}: a build ran first");
    }
    let _ = std::fs::remove_dir_all(&dir);
}
