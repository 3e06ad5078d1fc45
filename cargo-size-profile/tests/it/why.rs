//! `why` and `budget --save/--baseline` on a fixture where the truth is known: a binary with
//! and without a large dependency (`bigdep`, behind the feature `big`), whose 800 functions
//! are reached through a table, so none is inlined away or merged.

// the test writes its fixture and reads the saved files
#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;
use std::process::Output;

use serde_json::Value;

use crate::support::run_in as cli;

/// The number of distinct functions in `bigdep`.
const FUNCTIONS: usize = 800;

fn fixture(max_growth: Option<&str>) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!(
            "why-{}-{}",
            std::process::id(),
            max_growth.is_some()
        ));
    let _ = std::fs::remove_dir_all(&dir);
    let growth = max_growth
        .map(|g| format!("max-growth = \"{g}\"\n"))
        .unwrap_or_default();
    let mut big = String::from("pub static TABLE: [fn(u64) -> u64; FUNCTIONS] = [\n");
    for i in 0..FUNCTIONS {
        big.push_str(&format!("    f{i},\n"));
    }
    big.push_str("];\n");
    big = big.replace("FUNCTIONS", &FUNCTIONS.to_string());
    for i in 0..FUNCTIONS {
        // distinct constants in each: nothing for the optimiser to merge
        big.push_str(&format!(
            "#[inline(never)]\nfn f{i}(x: u64) -> u64 {{\n    x.wrapping_mul({}).rotate_left({}) ^ {}\n}}\n",
            0x9E37_79B9_7F4A_7C15_u64 ^ (i as u64 * 0x1000_0001),
            i % 63 + 1,
            i as u64 * 7919 + 13
        ));
    }
    let files = [
        (
            "Cargo.toml",
            format!(
                "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n\
                 [features]\nbig = [\"dep:bigdep\"]\n\n\
                 [dependencies]\nbigdep = {{ path = \"bigdep\", optional = true }}\n\n\
                 [package.metadata.size-profile]\nmax-size = \"100 MiB\"\n{growth}"
            ),
        ),
        (
            "src/main.rs",
            "fn main() {\n    let n = std::env::args().count() as u64;\n    \
             #[cfg(feature = \"big\")]\n    \
             println!(\"{}\", bigdep::TABLE[std::hint::black_box(n as usize) % bigdep::TABLE.len()](n));\n    \
             println!(\"{n}\");\n}\n"
                .to_owned(),
        ),
        (
            "bigdep/Cargo.toml",
            "[package]\nname = \"bigdep\"\nversion = \"0.3.1\"\nedition = \"2021\"\n".to_owned(),
        ),
        ("bigdep/src/lib.rs", big),
    ];
    for (rel, text) in files {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

fn json_of(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// `why --format json`'s crates of the one binary: name → (code, data, version).
fn crates(report: &Value) -> Vec<(String, u64, u64, Option<String>)> {
    report["binaries"][0]["crates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_owned(),
                c["code_bytes"].as_u64().unwrap(),
                c["data_bytes"].as_u64().unwrap(),
                c["version"].as_str().map(str::to_owned),
            )
        })
        .collect()
}

#[test]
fn why_names_the_large_dependency_and_the_baseline_diff_blames_it() {
    let dir = fixture(None);
    let with = json_of(&cli(
        &dir,
        &["why", "--features", "big", "--format", "json"],
    ));
    let without = json_of(&cli(&dir, &["why", "--format", "json"]));
    let (with_crates, without_crates) = (crates(&with), crates(&without));
    let big = with_crates
        .iter()
        .find(|c| c.0 == "bigdep")
        .unwrap_or_else(|| panic!("no bigdep in {with_crates:?}"));
    // every function is at least an instruction or three: 10 bytes each at the least
    assert!(big.1 >= 10 * FUNCTIONS as u64, "{big:?}");
    // the table of function pointers is data
    assert!(big.2 >= 8 * FUNCTIONS as u64, "{big:?}");
    assert_eq!(
        big.3.as_deref(),
        Some("0.3.1"),
        "the version Cargo.lock has"
    );
    assert!(without_crates.iter().all(|c| c.0 != "bigdep"));
    for report in [&with, &without] {
        let b = &report["binaries"][0];
        let code: u64 = crates(report).iter().map(|c| c.1).sum();
        let text = b["text_bytes"].as_u64().unwrap();
        assert!(code <= text && text < b["file_bytes"].as_u64().unwrap());
        let names: Vec<String> = crates(report).into_iter().map(|c| c.0).collect();
        assert!(names.contains(&"std".to_owned()) && names.contains(&"app".to_owned()));
        // the largest symbols, largest first
        let sizes: Vec<u64> = b["symbols"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["bytes"].as_u64().unwrap())
            .collect();
        assert_eq!(sizes.len(), 10);
        assert!(sizes.windows(2).all(|w| w[0] >= w[1]), "{sizes:?}");
    }
    // the binary grew by about what bigdep is: its code and data, give or take alignment
    let grown = with["binaries"][0]["file_bytes"].as_u64().unwrap()
        - without["binaries"][0]["file_bytes"].as_u64().unwrap();
    assert!(grown >= big.1, "{grown} < {big:?}");

    // a baseline without the feature, then the build with it compared: bigdep is new
    let out = cli(&dir, &["budget", "--save", "base.json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let saved: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("base.json")).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    let diff = json_of(&cli(
        &dir,
        &[
            "budget",
            "--baseline",
            "base.json",
            "--features",
            "big",
            "--save",
            "new.json",
            "--format",
            "json",
        ],
    ));
    let binary = &diff["binaries"][0];
    assert!(binary["delta"].as_i64().unwrap() >= big.1 as i64);
    let first = &binary["crates"][0];
    assert_eq!(
        (&first["name"], &first["before"]),
        (&"bigdep".into(), &Value::Null)
    );
    assert_eq!(diff["failures"], Value::Array(Vec::new()));

    // comparing the two saved files needs no build and says the same
    let again = json_of(&cli(
        &dir,
        &[
            "budget",
            "--baseline",
            "base.json",
            "--current",
            "new.json",
            "--format",
            "json",
        ],
    ));
    assert_eq!(again["binaries"], diff["binaries"]);
    let _ = std::fs::remove_dir_all(&dir);

    // with a max-growth the growth fails the check, naming the crate
    let dir = fixture(Some("1 KB"));
    let out = cli(&dir, &["budget", "--save", "base.json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let out = cli(
        &dir,
        &["budget", "--baseline", "base.json", "--features", "big"],
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("over its max-growth of 1,000 bytes; most from crate `bigdep` (new)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
