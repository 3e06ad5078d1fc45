//! `#[size_optimized]` as an editor sees it: the JSON messages of `cargo check
//! --message-format=json`, which rust-analyzer reads.

use serde_json::Value;
use size_profile_tests::Scratch;

const MIN_SIZE: &str = "[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n";

/// The note the attribute puts beside its findings: they are as of the last compile.
const STALE: &str = "as read when this crate was last compiled: a config file created since is read after the next change to a .rs file or Cargo.toml (size_profile::check() in build.rs follows it at once)";

/// The attribute's findings: (line, finding) for every `deprecated` warning cargo reports,
/// but the note said once beside them (checked here: there exactly when findings are).
fn findings(p: &Scratch, env: &[(&str, &str)]) -> Vec<(u64, String)> {
    let mut all = warnings(p, env);
    let notes = all.iter().filter(|(_, f)| f == STALE).count();
    all.retain(|(_, f)| f != STALE);
    let findings = all.iter().filter(|(_, f)| !f.contains("[target]")).count();
    assert_eq!(
        notes,
        usize::from(findings > 0),
        "the note beside the findings: {all:#?}"
    );
    all
}

/// Every `deprecated` warning cargo reports for the attribute: (line, text).
fn warnings(p: &Scratch, env: &[(&str, &str)]) -> Vec<(u64, String)> {
    let run = p.cargo_with(&["check", "--message-format=json"], env).ok();
    run.stdout
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(|m| {
            m["reason"] == "compiler-message" && m["message"]["code"]["code"] == "deprecated"
        })
        .map(|m| {
            let message = &m["message"];
            assert_eq!(message["level"], "warning");
            let line = message["spans"][0]["line_start"].as_u64().expect("a span");
            let text = message["message"].as_str().expect("a message");
            let finding = text
                .split_once("`_::size_profile`: ")
                .expect("our warning")
                .1;
            (line, finding.to_owned())
        })
        .collect()
}

#[test]
fn a_bare_profile_underlines_the_attribute_once_per_missing_setting() {
    let p = Scratch::attributed("attrbare", "", "");
    let got = findings(&p, &[]);
    let lines: Vec<u64> = got.iter().map(|(l, _)| *l).collect();
    assert_eq!(
        lines,
        vec![3; 5],
        "every warning is on the attribute line: {got:#?}"
    );
    assert_eq!(
        got[1].1,
        "release: lto is false (cargo's default for release); want true: add `lto = true` under [profile.release] in Cargo.toml"
    );
}

#[test]
fn a_ladder_measurement_is_quoted_in_the_editor_and_follows_the_file() {
    let name = format!("attrquoted{}", std::process::id());
    // the shared target directory: other packages' checks read the file too, and leave
    // measurements of another package out
    let p = Scratch::attributed(&name, "", &MIN_SIZE.replace("lto = true\n", ""));
    let plain = "release: lto is false (cargo's default for release); want true";
    let fix = ": add `lto = true` under [profile.release] in Cargo.toml";
    assert_eq!(findings(&p, &[]), [(3, format!("{plain}{fix}"))]);
    let lock = p.lock_fingerprint();
    p.write_savings(&name, lock);
    // the crate is not rebuilt for a file the attribute has not read yet: a source edit
    // (what an editor does anyway) expands it again
    p.edit("src/main.rs", "fn main", "\nfn main");
    let quoted = format!("(saves 1,116,000 bytes, 34 %, on {name}: ladder of 2026-11-25)");
    assert_eq!(findings(&p, &[]), [(3, format!("{plain} {quoted}{fix}"))]);
    // once read, the file is tracked: a new ladder run is seen without touching a source
    p.write_savings(&name, lock ^ 1);
    let older = format!(
        "(saved 1,116,000 bytes, 34 %, on {name}: ladder of 2026-11-25, an older build: Cargo.lock changed since)"
    );
    assert_eq!(findings(&p, &[]), [(3, format!("{plain} {older}{fix}"))]);
}

#[test]
fn a_size_profile_has_no_warnings() {
    let p = Scratch::attributed("attrclean", "", MIN_SIZE);
    assert_eq!(findings(&p, &[]), vec![]);
}

#[test]
fn fixing_cargo_toml_clears_the_warnings_without_touching_a_source_file() {
    let p = Scratch::attributed("attrfix", "", "[profile.release]\nopt-level = \"z\"\n");
    assert_eq!(findings(&p, &[]).len(), 4);
    p.edit(
        "Cargo.toml",
        "opt-level = \"z\"\n",
        MIN_SIZE.trim_start_matches("[profile.release]\n"),
    );
    assert_eq!(findings(&p, &[]), vec![]);
    p.edit("Cargo.toml", "strip = true", "strip = false");
    let got = findings(&p, &[]);
    assert_eq!(got.len(), 1);
    assert!(
        got[0]
            .1
            .starts_with("release: strip is false (Cargo.toml:15)"),
        "{got:?}"
    );
}

#[test]
fn config_files_and_variables_are_tracked_too() {
    let p = Scratch::attributed("attrtrack", "", MIN_SIZE);
    p.write(
        ".cargo/config.toml",
        "[profile.release]\ncodegen-units = 8\n",
    );
    let got = findings(&p, &[]);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.contains("(.cargo/config.toml:2)"), "{got:?}");
    p.edit(
        ".cargo/config.toml",
        "codegen-units = 8",
        "codegen-units = 1",
    );
    assert_eq!(findings(&p, &[]), vec![]);
    let got = findings(&p, &[("CARGO_PROFILE_RELEASE_PANIC", "unwind")]);
    assert_eq!(got.len(), 1);
    assert!(
        got[0].1.contains("(env CARGO_PROFILE_RELEASE_PANIC)"),
        "{got:?}"
    );
    assert_eq!(findings(&p, &[]), vec![]);
}

#[test]
fn options_choose_profile_preset_and_allowed_settings() {
    let tail = "[profile.release]\nopt-level = 3\nlto = \"thin\"\ncodegen-units = 1\nstrip = true\n\n[profile.dist]\ninherits = \"release\"\nstrip = false\n";
    // without the option: release and every profile that inherits it, as the build script and
    // `cargo size-profile check` choose them
    let p = Scratch::attributed("attropts", "preset = \"small-fast\"", tail);
    let got = findings(&p, &[]);
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].1.starts_with("dist: strip is false"), "{got:?}");
    let p = Scratch::attributed(
        "attropts1",
        "profile = \"release\", preset = \"small-fast\"",
        tail,
    );
    assert_eq!(findings(&p, &[]), vec![]);
    let p = Scratch::attributed(
        "attropts2",
        "profile = \"dist\", preset = \"small-fast\"",
        tail,
    );
    let got = findings(&p, &[]);
    assert_eq!(got.len(), 1);
    assert!(got[0].1.starts_with("dist: strip is false"), "{got:?}");
    let p = Scratch::attributed(
        "attropts3",
        "profile = \"dist\", preset = \"small-fast\", allow(strip)",
        tail,
    );
    assert_eq!(findings(&p, &[]), vec![]);
}

/// `cargo check` fails, and the error is the panic finding on the attribute.
fn assert_panic_finding_is_an_error(p: &Scratch) {
    let run = p.cargo(&["check"]);
    assert!(!run.success);
    let wanted = "error: size-profile: release: panic is \"unwind\"";
    assert!(run.stderr.contains(wanted), "{}", run.stderr);
}

#[test]
fn deny_makes_findings_compile_errors() {
    let p = Scratch::attributed(
        "attrdeny",
        "deny",
        "[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\nstrip = true\n",
    );
    assert_panic_finding_is_an_error(&p);
}

#[test]
fn deny_in_the_metadata_applies_to_the_attribute_too() {
    let tail = "[package.metadata.size-profile]\ndeny = true\nallow = [\"opt-level\", \"lto\", \"codegen-units\", \"strip\"]\n";
    let p = Scratch::attributed("attrmetadeny", "", tail);
    assert_panic_finding_is_an_error(&p);
}

#[test]
fn without_allocator_or_panic_options_the_binary_is_byte_identical() {
    let p = Scratch::attributed("footprint", "", MIN_SIZE);
    p.cargo(&["build", "--release"]).ok();
    let with = p.binary("footprint", "release");
    // the same program, the attribute's line left blank so every later line keeps its number
    p.edit(
        "src/main.rs",
        "use size_profile_macros::size_optimized;",
        "#[allow(unused_imports)] use size_profile_macros::size_optimized;",
    );
    p.edit("src/main.rs", "#[size_optimized]", "");
    p.cargo(&["build", "--release"]).ok();
    let without = p.binary("footprint", "release");
    assert!(with.len() > 1000);
    assert_eq!(with.len(), without.len());
    assert!(with == without, "the attribute changed the release binary");
}

#[test]
fn target_rustflags_it_cannot_read_are_said_and_never_fail_a_denied_build() {
    let p = Scratch::attributed("attrtarget", "deny", MIN_SIZE);
    p.write(
        ".cargo/config.toml",
        "[target.'cfg(unix)']\nrustflags = [\"-C\", \"target-cpu=native\"]\n",
    );
    // `deny` makes findings errors; this note stays a warning and the check succeeds
    let got = findings(&p, &[]);
    assert_eq!(got.len(), 1, "{got:#?}");
    assert_eq!(got[0].0, 3);
    assert!(
        got[0]
            .1
            .starts_with(".cargo/config.toml: [target] rustflags are not read here"),
        "{}",
        got[0].1
    );
}

#[test]
fn a_config_s_env_table_is_not_the_profile_cargo_builds_with() {
    // cargo gives `[env]` to rustc, where the attribute runs, but never reads its own
    // settings from it: rustc gets no `-C lto` and no `-C codegen-units=7`
    let p = Scratch::attributed("attrenv", "", &MIN_SIZE.replace("lto = true\n", ""));
    p.write(
        ".cargo/config.toml",
        "[env]\nCARGO_PROFILE_RELEASE_LTO = \"true\"\nRUSTFLAGS = { value = \"-C codegen-units=7\" }\n",
    );
    let build = p.cargo(&["build", "--release", "-v"]).ok();
    let args = build.rustc_args("attrenv").expect("rustc ran").join(" ");
    assert!(
        !args.contains("-C lto") && !args.contains("codegen-units=7"),
        "{args}"
    );
    assert_eq!(
        findings(&p, &[]),
        [(
            3,
            "release: lto is false (cargo's default for release); want true: add `lto = true` under [profile.release] in Cargo.toml".to_owned()
        )]
    );
}

#[test]
fn a_config_file_created_since_the_last_compile_is_read_after_the_next_source_change() {
    let p = Scratch::attributed("attrnew", "", "");
    assert_eq!(findings(&p, &[]).len(), 5);
    // stable rustc cannot be told to watch a missing path: the findings stay, with the note
    // that says why, until the crate is compiled again
    p.write(".cargo/config.toml", MIN_SIZE);
    assert_eq!(findings(&p, &[]).len(), 5);
    p.edit("src/main.rs", "hello", "hello!");
    assert_eq!(findings(&p, &[]), Vec::<(u64, String)>::new());
}
