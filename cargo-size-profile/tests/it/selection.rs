//! Cargo's build options reach the builds: `budget` (one build each, so quick) measures what
//! `--features`, `--no-default-features`, `--bin` and `--target` select. The ladder passes
//! the same options to every step (`Selection::cargo_args`).

// the test writes its fixture
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A package with two binaries; the feature `big` (on by default) links 200,000 more bytes
/// into `big-one`, the feature `more` (off by default) 100,000 more into `small-one`.
fn fixture() -> PathBuf {
    let dir = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!("selection-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let files = [
        (
            "Cargo.toml",
            "[package]\nname = \"sel\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n\
             [features]\ndefault = [\"big\"]\nbig = []\nmore = []\n\n\
             [package.metadata.size-profile]\nmax-size = \"100 MiB\"\n\n\
             [[bin]]\nname = \"big-one\"\npath = \"src/main.rs\"\n\n\
             [[bin]]\nname = \"small-one\"\npath = \"src/small.rs\"\n",
        ),
        (
            "src/main.rs",
            "#[cfg(feature = \"big\")]\nstatic BIG: [u8; 200_000] = [7; 200_000];\n\n\
             fn main() {\n    #[cfg(feature = \"big\")]\n    \
             println!(\"{}\", std::hint::black_box(&BIG)[std::env::args().count()]);\n}\n",
        ),
        (
            "src/small.rs",
            "#[cfg(feature = \"more\")]\nstatic MORE: [u8; 100_000] = [3; 100_000];\n\n\
             fn main() {\n    #[cfg(feature = \"more\")]\n    \
             println!(\"{}\", std::hint::black_box(&MORE)[std::env::args().count()]);\n}\n",
        ),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// `budget --format json` with `extra`: each binary's size by name.
fn budget(dir: &Path, extra: &[&str]) -> Vec<(String, u64)> {
    let out = crate::support::cli()
        .args(["budget", "--format", "json"])
        .args(extra)
        .current_dir(dir)
        .output()
        .expect("the CLI runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{extra:?}: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_str(&stdout).expect("JSON");
    report["binaries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let name = b["binary"].as_str().unwrap().to_owned();
            (name, b["bytes"].as_u64().unwrap())
        })
        .collect()
}

fn size(of: &[(String, u64)], name: &str) -> u64 {
    of.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no {name} in {of:?}"))
        .1
}

fn host() -> String {
    let out = size_profile_tests::hermetic::command("rustc")
        .arg("-vV")
        .output()
        .unwrap();
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .unwrap()
        .to_owned()
}

#[test]
fn features_binaries_and_the_target_reach_the_build() {
    let dir = fixture();
    let default = budget(&dir, &[]);
    let without = budget(&dir, &["--no-default-features"]);
    let again = budget(&dir, &["--no-default-features", "--features", "big"]);
    // the feature's 200,000 bytes come and go with it; the other binary does not move
    assert!(size(&default, "big-one") >= size(&without, "big-one") + 200_000);
    assert_eq!(size(&again, "big-one"), size(&default, "big-one"));
    assert_eq!(size(&without, "small-one"), size(&default, "small-one"));

    // several features, in each spelling cargo takes: one space-separated argument, one
    // comma-separated argument, the flag repeated; each reaches the build whole
    let spellings = [
        vec!["--no-default-features", "-F", "big more"],
        vec!["--no-default-features", "--features", "big,more"],
        vec!["--no-default-features", "-F", "big", "-F", "more"],
    ];
    for spelling in spellings {
        let both = budget(&dir, &spelling);
        assert_eq!(
            size(&both, "big-one"),
            size(&default, "big-one"),
            "{spelling:?}"
        );
        assert!(
            size(&both, "small-one") >= size(&default, "small-one") + 100_000,
            "{spelling:?}: {both:?}"
        );
    }

    // --bin: only that binary is built and measured
    let one = budget(&dir, &["--bin", "small-one"]);
    assert_eq!(one, [("small-one".to_owned(), size(&default, "small-one"))]);

    // --target: built for the target under target/<triple>/, as cargo does
    let triple = host();
    let targeted = budget(&dir, &["--target", &triple, "--bin", "big-one", "-j", "1"]);
    assert_eq!(targeted.len(), 1);
    assert!(dir.join("target").join(&triple).join("release").is_dir());
    let _ = std::fs::remove_dir_all(&dir);
}
