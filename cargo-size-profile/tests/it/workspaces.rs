//! The CLI works on the workspace cargo builds: in generated layouts
//! (`size_profile_tests::layouts`) the root `check` reads is `cargo metadata`'s, and at a
//! virtual root `check` and `apply` speak for the members' own options.

// the tests write their layouts
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use size_profile_tests::layouts::{cargo_root, generate};

use crate::support::run_in as cli;

/// A fresh directory for one test's files, outside any workspace.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

fn write(dir: &Path, files: &[(&str, &str)]) {
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
        std::fs::write(path, text).expect("write");
    }
}

#[test]
fn check_reads_the_workspace_root_cargo_names() {
    let cases = std::env::var("SIZE_PROFILE_LAYOUT_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(25u64);
    let base = scratch("cli-layouts");
    let (mut agreed, mut wrong) = (0, Vec::new());
    for n in 0..cases {
        let layout = generate(n);
        let dir = base.join(format!("case-{n}"));
        layout.write(&dir);
        for package in &layout.packages {
            let pkg = dir.join(package);
            let Ok(truth) = cargo_root(&pkg) else {
                continue;
            };
            let out = cli(&pkg, &["check", "--format", "json"]);
            let ours = serde_json::from_slice::<Value>(&out.stdout)
                .ok()
                .and_then(|doc| doc["root_manifest"].as_str().map(PathBuf::from));
            if ours.as_deref() == Some(truth.join("Cargo.toml").as_path()) {
                agreed += 1;
            } else {
                wrong.push(format!(
                    "case {n}, package {package}: cargo {}, ours {ours:?} ({})\n{}",
                    truth.display(),
                    String::from_utf8_lossy(&out.stderr),
                    layout.show()
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(agreed >= 2 * cases, "only {agreed} packages cargo accepts");
    let _ = std::fs::remove_dir_all(&base);
}

const ALL_BUT_PANIC: &str =
    "[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\nstrip = true\n";

fn member(name: &str, metadata: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[package.metadata.size-profile]\n{metadata}"
    )
}

#[test]
fn at_a_virtual_root_the_members_options_are_kept() {
    let dir = scratch("virtual-options");
    let root =
        format!("[workspace]\nmembers = [\"app\", \"lib\"]\nresolver = \"2\"\n\n{ALL_BUT_PANIC}");
    let app = member("app", "allow = [\"panic\"]\n");
    let lib = member("lib", "deny = true\n");
    write(
        &dir,
        &[
            ("Cargo.toml", &root),
            ("app/Cargo.toml", &app),
            ("app/src/main.rs", "fn main() {}\n"),
            // a library ships no binary: its options are not the check's
            ("lib/Cargo.toml", &lib),
            ("lib/src/lib.rs", ""),
        ],
    );
    // the member's choice holds at the root as in the member, and apply leaves it alone
    for at in [dir.clone(), dir.join("app")] {
        let out = cli(&at, &["check", "--deny"]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{}: {stdout}", at.display());
        assert!(stdout.contains("no findings in 1 profile"), "{stdout}");
    }
    let before = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let out = cli(&dir, &["apply"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
        before
    );

    // a member's `deny` fails the check at the root too
    write(&dir, &[("app/Cargo.toml", &member("app", "deny = true\n"))]);
    let out = cli(&dir, &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("1 finding in 1 profile"), "{stdout}");
    // and its `profiles` are the ones checked
    write(
        &dir,
        &[(
            "app/Cargo.toml",
            &member("app", "profiles = [\"dist\"]\nallow = [\"panic\"]\n"),
        )],
    );
    let dist = format!("{root}\n[profile.dist]\ninherits = \"release\"\nlto = false\n");
    write(&dir, &[("Cargo.toml", &dist)]);
    let out = cli(&dir, &["check", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let checked: Vec<&str> = doc["profiles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(checked, ["dist"]);

    // members that ask for different presets cannot both be spoken for: exit 2, naming them
    write(
        &dir,
        &[
            ("Cargo.toml", &root),
            (
                "app/Cargo.toml",
                &member("app", "preset = \"small-fast\"\n"),
            ),
            ("tool/Cargo.toml", &member("tool", "")),
            ("tool/src/main.rs", "fn main() {}\n"),
        ],
    );
    let root = root.replace("[\"app\", \"lib\"]", "[\"app\", \"lib\", \"tool\"]");
    write(&dir, &[("Cargo.toml", &root)]);
    let out = cli(&dir, &["check"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(
        stdout.contains(
            "the members ask for different presets (app \"small-fast\", tool \"min-size\"): check each with `-p <member>`"
        ),
        "{stdout}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
