//! `size_profile::check()` in the build script of real scratch crates, read from what cargo
//! prints.

use size_profile_tests::Scratch;

const MIN_SIZE: &str = "[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n";

#[test]
fn a_bare_release_build_lists_each_missing_setting_with_its_fix() {
    let p = Scratch::checked("bare", "");
    let run = p.cargo(&["build", "--release"]).ok();
    assert_eq!(
        run.warnings(),
        vec![
            r#"release: opt-level is 3 (cargo's default for release); want "z" or "s": add `opt-level = "z"` under [profile.release] in Cargo.toml"#,
            r#"release: lto is false (cargo's default for release); want true: add `lto = true` under [profile.release] in Cargo.toml"#,
            r#"release: codegen-units is 16 (cargo's default for release); want 1: add `codegen-units = 1` under [profile.release] in Cargo.toml"#,
            r#"release: panic is "unwind" (cargo's default for release); want "abort": add `panic = "abort"` under [profile.release] in Cargo.toml"#,
            r#"release: strip is "debuginfo" (cargo's default for release); want true: add `strip = true` under [profile.release] in Cargo.toml"#,
        ]
    );
}

#[test]
fn a_ladder_measurement_is_quoted_and_marked_once_cargo_lock_changes() {
    let name = format!("quoted{}", std::process::id());
    let p = Scratch::checked(&name, &MIN_SIZE.replace("lto = true\n", "")).own_target("savings");
    let plain = r#"release: lto is false (cargo's default for release); want true"#;
    let fix = ": add `lto = true` under [profile.release] in Cargo.toml";
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        [format!("{plain}{fix}")]
    );
    let lock = p.lock_fingerprint();
    // the first file is seen by the next build: the script watches the file's directory,
    // which it made in the first build
    p.write_savings(&name, lock);
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        [format!(
            "{plain} (saves 1,116,000 bytes, 34 %, on {name}: ladder of 2026-11-25){fix}"
        )]
    );
    // from then on the file is watched: a ladder with another lock file is an older build
    p.write_savings(&name, lock ^ 1);
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        [format!(
            "{plain} (saved 1,116,000 bytes, 34 %, on {name}: ladder of 2026-11-25, an older build: Cargo.lock changed since){fix}"
        )]
    );
    // measurements of another package are not this one's
    p.write_savings("another", lock);
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        [format!("{plain}{fix}")]
    );
    let _ = std::fs::remove_file(p.target_dir().join(size_profile::__private::SAVINGS_FILE));
}

#[test]
fn dev_and_test_builds_are_silent() {
    let p = Scratch::checked("devquiet", "");
    assert_eq!(p.cargo(&["build"]).ok().warnings(), Vec::<String>::new());
    assert_eq!(
        p.cargo(&["test", "--no-run"]).ok().warnings(),
        Vec::<String>::new()
    );
}

#[test]
fn fixing_the_manifest_clears_the_warnings_and_nothing_else_reruns_the_script() {
    let p = Scratch::checked("rerun", "[profile.release]\nopt-level = \"z\"\n");
    assert_eq!(p.cargo(&["build", "--release"]).ok().warnings().len(), 4);
    p.edit(
        "Cargo.toml",
        "opt-level = \"z\"\n",
        MIN_SIZE.trim_start_matches("[profile.release]\n"),
    );
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        Vec::<String>::new()
    );
    // a source edit does not rerun the build script
    p.write("src/main.rs", "fn main() { println!(\"changed\"); }\n");
    let run = p.cargo(&["build", "--release", "-v"]).ok();
    assert!(
        !run.stderr.contains("build-script-build`"),
        "the build script ran again:\n{}",
        run.stderr
    );
    // breaking it again brings the warning back
    p.edit("Cargo.toml", "lto = true", "lto = \"thin\"");
    let run = p.cargo(&["build", "--release"]).ok();
    assert_eq!(
        run.warnings(),
        vec![
            r#"release: lto is "thin" (Cargo.toml:12); want true: change it to `lto = true` at Cargo.toml:12"#
        ]
    );
}

#[test]
fn a_config_file_value_points_at_the_config_file() {
    let p = Scratch::checked("config", MIN_SIZE);
    p.write(
        ".cargo/config.toml",
        "# team defaults\n[profile.release]\ncodegen-units = 8\n",
    );
    let run = p.cargo(&["build", "--release"]).ok();
    assert_eq!(
        run.warnings(),
        vec![
            "release: codegen-units is 8 (.cargo/config.toml:3); want 1: change it to `codegen-units = 1` at .cargo/config.toml:3"
        ]
    );
    // editing the config file is seen on the next build
    p.edit(
        ".cargo/config.toml",
        "codegen-units = 8",
        "codegen-units = 1",
    );
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        Vec::<String>::new()
    );
}

#[test]
fn an_environment_variable_wins_and_is_named() {
    let p = Scratch::checked("envvar", MIN_SIZE);
    let run = p
        .cargo_with(
            &["build", "--release"],
            &[("CARGO_PROFILE_RELEASE_LTO", "thin")],
        )
        .ok();
    assert_eq!(
        run.warnings(),
        vec![
            r#"release: lto is "thin" (env CARGO_PROFILE_RELEASE_LTO); want true: unset CARGO_PROFILE_RELEASE_LTO (or set it to true)"#
        ]
    );
    // unsetting it reruns the script and the warning goes
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        Vec::<String>::new()
    );
}

#[test]
fn rustflags_are_named() {
    let p = Scratch::checked("flags", MIN_SIZE);
    let run = p
        .cargo_with(&["build", "--release"], &[("RUSTFLAGS", "-C opt-level=3")])
        .ok();
    assert_eq!(
        run.warnings(),
        vec![
            // a build script sees only CARGO_ENCODED_RUSTFLAGS: no config file gives these
            r#"release: opt-level is 3 (`-C opt-level=3` in RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS); want "z" or "s": remove `-C opt-level=3` from RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS"#
        ]
    );
}

#[test]
fn config_rustflags_are_named_by_file_and_line() {
    let p = Scratch::checked("cfgflags", MIN_SIZE);
    p.write(
        ".cargo/config.toml",
        "[target.'cfg(windows)']\nrustflags = [\"-g\"]\n\n[target.'cfg(unix)']\nrustflags = [\n  \"-O\",\n]\n",
    );
    let run = p.cargo(&["build", "--release"]).ok();
    assert_eq!(
        run.warnings(),
        vec![
            r#"release: opt-level is 3 (`-O` in target.'cfg(unix)'.rustflags at .cargo/config.toml:6); want "z" or "s": remove `-O` from target.'cfg(unix)'.rustflags at .cargo/config.toml:6"#
        ]
    );
}

#[test]
fn a_command_line_config_is_revealed_by_opt_level() {
    let p = Scratch::checked("cliconfig", MIN_SIZE);
    let run = p
        .cargo(&[
            "build",
            "--release",
            "--config",
            "profile.release.opt-level=2",
        ])
        .ok();
    assert_eq!(
        run.warnings(),
        vec![
            r#"release: opt-level is 2 (cargo's OPT_LEVEL, set where a build script cannot see); want "z" or "s": look for `--config` on cargo's command line; [profile.release] wants `opt-level = "z"`"#
        ]
    );
}

#[test]
fn a_custom_profile_is_checked_by_its_own_name() {
    let tail = format!("{MIN_SIZE}\n[profile.dist]\ninherits = \"release\"\nstrip = false\n");
    let p = Scratch::checked("dist", &tail);
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        Vec::<String>::new()
    );
    let run = p.cargo(&["build", "--profile", "dist"]).ok();
    assert_eq!(
        run.warnings(),
        vec![
            "dist: strip is false (Cargo.toml:19); want true: change it to `strip = true` at Cargo.toml:19"
        ]
    );
}

#[test]
fn allow_keeps_a_setting_and_profiles_narrow_the_check() {
    let p = Scratch::checked(
        "allow",
        "[package.metadata.size-profile]\nallow = [\"panic\", \"opt-level\"]\nprofiles = [\"dist\"]\n\n[profile.release]\nlto = true\ncodegen-units = 1\nstrip = true\n\n[profile.dist]\ninherits = \"release\"\n",
    );
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        Vec::<String>::new(),
        "release is not listed"
    );
    assert_eq!(
        p.cargo(&["build", "--profile", "dist"]).ok().warnings(),
        Vec::<String>::new(),
        "all else is allowed"
    );
}

#[test]
fn deny_fails_the_build_and_names_every_finding() {
    let p = Scratch::checked(
        "deny",
        "[package.metadata.size-profile]\ndeny = true\n\n[profile.release]\nopt-level = \"s\"\nlto = true\ncodegen-units = 1\n",
    );
    let run = p.cargo(&["build", "--release"]);
    assert!(!run.success, "deny must fail the build:\n{}", run.stderr);
    assert_eq!(
        run.errors(),
        vec![
            r#"release: panic is "unwind" (cargo's default for release); want "abort": add `panic = "abort"` under [profile.release] in Cargo.toml"#,
            r#"release: strip is "debuginfo" (cargo's default for release); want true: add `strip = true` under [profile.release] in Cargo.toml"#,
            "2 findings in profile `release` and `deny = true` in [package.metadata.size-profile]",
        ]
    );
    // dev builds still pass under deny
    assert!(p.cargo(&["build"]).success);
}

#[test]
fn the_cfg_is_set_in_size_builds_only_and_never_unexpected() {
    let p = Scratch::checked("cfgflag", MIN_SIZE);
    p.write(
        "src/main.rs",
        "fn main() {\n    if cfg!(size_optimized) { println!(\"size\") } else { println!(\"plain\") }\n}\n",
    );
    let dev = p.cargo(&["build"]).ok();
    assert!(
        !dev.stderr.contains("unexpected_cfgs") && !dev.stderr.contains("unexpected `cfg`"),
        "{}",
        dev.stderr
    );
    assert_eq!(p.run_binary("cfgflag", "debug"), "plain\n");
    p.cargo(&["build", "--release"]).ok();
    assert_eq!(p.run_binary("cfgflag", "release"), "size\n");
}

#[test]
fn dependency_overrides_that_undo_a_size_setting_are_findings() {
    let tail = format!(
        "{MIN_SIZE}\n[profile.release.package.\"*\"]\nopt-level = 3\n\n[profile.release.build-override]\nopt-level = 0\n"
    );
    let p = Scratch::checked("override", &tail);
    assert_eq!(
        p.cargo(&["build", "--release"]).ok().warnings(),
        vec![
            r#"release: opt-level is 3 for package "*" (Cargo.toml:18); want "z" or "s": change it to `opt-level = "z"` at Cargo.toml:18"#
        ]
    );
}

#[test]
fn a_member_profile_is_reported_as_ignored() {
    let p = Scratch::new(
        "wsroot",
        "members = [\"app\"]\n\n[profile.release]\nlto = true\n",
    );
    // the root above is a package too; the member below runs the check
    p.write(
        "app/Cargo.toml",
        &format!(
            "[package]\nname = \"member\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[build-dependencies]\nsize-profile = {{ path = {:?} }}\n\n[package.metadata.size-profile]\nallow = [\"opt-level\", \"codegen-units\", \"panic\", \"strip\"]\n\n[profile.release]\nopt-level = \"z\"\n",
            size_profile_tests::repo_root().join("size-profile").display().to_string()
        ),
    );
    p.write("app/build.rs", "fn main() { size_profile::check() }\n");
    p.write("app/src/main.rs", "fn main() {}\n");
    let run = p.cargo(&["build", "--release", "-p", "member"]).ok();
    assert_eq!(
        run.warnings(),
        vec![
            "[profile] at app/Cargo.toml:12 is ignored: cargo reads profiles only from the workspace root; move it to Cargo.toml"
        ]
    );
}

#[test]
fn bad_metadata_is_one_clear_warning_and_the_build_goes_on() {
    // cargo ignores `[package.metadata]`, so only we can say it is wrong
    let tail = format!("[package.metadata.size-profile]\npreset = \"tiny\"\n\n{MIN_SIZE}");
    let p = Scratch::checked("badmeta", &tail);
    let run = p.cargo(&["build", "--release"]).ok();
    assert_eq!(
        run.warnings(),
        vec![
            r#"Cargo.toml:11: `package.metadata.size-profile.preset`: unknown preset "tiny"; expected one of "min-size", "small-fast""#
        ]
    );
}

/// The findings cargo showed for a build whose script ran under `deny`, whichever way the
/// script had to fail: `cargo::error` lines, or (before `rust-version` 1.77) the errors it
/// wrote on stderr before exiting with 1.
fn denied(run: &size_profile_tests::Run) -> Vec<String> {
    let on_stderr: Vec<String> = run
        .stderr
        .lines()
        .filter_map(|l| l.trim().strip_prefix("error: size-profile: "))
        .map(str::to_owned)
        .collect();
    if on_stderr.is_empty() {
        run.errors()
    } else {
        on_stderr
    }
}

#[test]
#[ignore = "five toolchain syntaxes, a build each: .ci/run runs it (cargo test --workspace --tests -- --ignored)"]
fn every_declared_rust_version_builds_and_deny_fails_in_its_syntax() {
    let deny = "[package.metadata.size-profile]\ndeny = true\n";
    let reference = Scratch::checked("rvnone", deny);
    let want = reference.cargo(&["build", "--release"]);
    assert!(!want.success, "deny must fail the build:\n{}", want.stderr);
    let want_errors = want.errors();
    assert_eq!(want_errors.len(), 6, "{}", want.stderr);
    for version in ["1.60", "1.71", "1.76", "1.77", "1.85"] {
        let name = format!("rv{}", version.replace('.', "_"));
        let p = Scratch::checked(&name, "");
        p.edit(
            "Cargo.toml",
            "edition = \"2021\"\n",
            &format!("edition = \"2021\"\nrust-version = \"{version}\"\n"),
        );
        // cargo refuses `cargo::` lines below 1.77: the build must go on, with the findings
        let run = p.cargo(&["build", "--release"]);
        assert!(run.success, "rust-version {version}:\n{}", run.stderr);
        assert_eq!(
            run.warnings().len(),
            5,
            "rust-version {version}:\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("syntax"), "{}", run.stderr);
        // the cfg is set in either syntax
        p.write(
            "src/main.rs",
            "fn main() {\n    if cfg!(size_optimized) { println!(\"size\") } else { println!(\"plain\") }\n}\n",
        );
        p.cargo(&["build", "--release"]).ok();
        assert_eq!(
            p.run_binary(&name, "release"),
            "size\n",
            "rust-version {version}"
        );
        // deny fails the build with the same findings, however the syntax lets it fail
        p.edit(
            "Cargo.toml",
            "[workspace]\n",
            &format!("[workspace]\n{deny}"),
        );
        let run = p.cargo(&["build", "--release"]);
        assert!(
            !run.success,
            "rust-version {version}: deny must fail:\n{}",
            run.stderr
        );
        assert!(!run.stderr.contains("syntax"), "{}", run.stderr);
        assert_eq!(
            denied(&run),
            want_errors,
            "rust-version {version}:\n{}",
            run.stderr
        );
    }
}

/// The manifest of a library whose build script runs the check, with `deny = true`; its
/// `size-profile` build-dependency is `dep` (a path, or a version from a vendor directory).
fn checked_library(name: &str, dep: &str) -> String {
    format!(
        "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[build-dependencies]\nsize-profile = {dep}\n\n[package.metadata.size-profile]\ndeny = true\n"
    )
}

const LIBRARY: &str = "pub fn f() -> u32 {\n    7\n}\n";
const USES_IT: &str = "fn main() {\n    println!(\"{}\", lib::f());\n}\n";

#[test]
fn a_check_in_a_dependency_neither_warns_nor_fails_the_build_that_uses_it() {
    let path_dep = format!(
        "{{ path = {:?} }}",
        size_profile_tests::repo_root()
            .join("size-profile")
            .display()
            .to_string()
    );
    let p = Scratch::new("deps", "").target_in("app");
    std::fs::remove_file(p.dir.join("Cargo.toml")).expect("the scratch manifest");
    p.write("lib/Cargo.toml", &checked_library("lib", &path_dep))
        .write(
            "lib/build.rs",
            "fn main() {\n    size_profile::check();\n}\n",
        )
        .write("lib/src/lib.rs", LIBRARY);
    // an application in a workspace of its own, with the whole size profile, depends on it
    p.write(
        "app/Cargo.toml",
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlib = {{ path = \"../lib\" }}\n\n[workspace]\n\n{MIN_SIZE}"
        ),
    )
    .write("app/src/main.rs", USES_IT);
    let run = p.cargo_in("app", &["build", "--release", "-v"], &[]);
    assert!(
        run.success,
        "deny in a dependency failed the build:\n{}",
        run.stderr
    );
    // cargo builds the library with the application's profile, which the check cannot
    // speak of from the library's manifest: it says nothing
    let args = run.rustc_args("lib").expect("rustc ran for lib").join(" ");
    assert!(
        args.contains("-C opt-level=z") && args.contains("-C panic=abort"),
        "{args}"
    );
    assert_eq!(run.warnings(), Vec::<String>::new());
    assert_eq!(run.errors(), Vec::<String>::new());
    // built as its own workspace, the library is checked, and deny fails
    let alone = Scratch::existing_dir(p.dir.join("lib")).target_in(".");
    let run = alone.cargo(&["build", "--release"]);
    assert!(!run.success, "{}", run.stderr);
    assert_eq!(run.errors().len(), 6, "{}", run.stderr);

    // a member of the workspace being built speaks for that workspace's profile
    p.write(
        "ws/Cargo.toml",
        &format!("[workspace]\nmembers = [\"app\", \"lib\"]\nresolver = \"2\"\n\n{}", MIN_SIZE.replace("panic = \"abort\"\n", "")),
    )
    .write("ws/lib/Cargo.toml", &checked_library("lib", &path_dep).replace("deny = true", "deny = false"))
    .write("ws/lib/build.rs", "fn main() {\n    size_profile::check();\n}\n")
    .write("ws/lib/src/lib.rs", LIBRARY)
    .write(
        "ws/app/Cargo.toml",
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlib = { path = \"../lib\" }\n",
    )
    .write("ws/app/src/main.rs", USES_IT);
    let member = Scratch::existing_dir(p.dir.join("ws")).target_in(".");
    assert_eq!(
        member.cargo(&["build", "--release"]).ok().warnings(),
        [
            r#"release: panic is "unwind" (cargo's default for release); want "abort": add `panic = "abort"` under [profile.release] in Cargo.toml"#
        ]
    );
}

#[test]
fn a_vendored_copy_with_the_check_says_nothing_in_the_build_that_uses_it() {
    let p = Scratch::new("vendored", "").target_in("app");
    std::fs::remove_file(p.dir.join("Cargo.toml")).expect("the scratch manifest");
    // a vendor directory (a directory source, as `cargo vendor` makes) holding the library
    // and size-profile itself
    let unchecked = "{\"files\":{},\"package\":null}";
    let core = size_profile_tests::repo_root().join("size-profile");
    copy_dir(&core.join("src"), &p.dir.join("vendor/size-profile/src"));
    p.write(
        "vendor/size-profile/Cargo.toml",
        "[package]\nname = \"size-profile\"\nversion = \"0.1.0\"\nedition = \"2024\"\n",
    )
    .write("vendor/size-profile/.cargo-checksum.json", unchecked)
    .write("vendor/lib/Cargo.toml", &checked_library("lib", "\"0.1.0\""))
    .write("vendor/lib/build.rs", "fn main() {\n    size_profile::check();\n}\n")
    .write("vendor/lib/src/lib.rs", LIBRARY)
    .write("vendor/lib/.cargo-checksum.json", unchecked)
    .write(
        "app/.cargo/config.toml",
        "[source.crates-io]\nreplace-with = \"vendored\"\n\n[source.vendored]\ndirectory = \"../vendor\"\n",
    )
    .write(
        "app/Cargo.toml",
        &format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\nlib = \"0.1\"\n\n[workspace]\n\n{MIN_SIZE}"),
    )
    .write("app/src/main.rs", USES_IT);
    let run = p.cargo_in("app", &["build", "--release", "--offline"], &[]);
    assert!(
        run.success,
        "deny in a vendored dependency failed the build:\n{}",
        run.stderr
    );
    assert_eq!(run.warnings(), Vec::<String>::new(), "{}", run.stderr);
}

fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("a directory") {
        let entry = entry.expect("an entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("a type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copied");
        }
    }
}

#[test]
fn cargo_bench_and_test_release_are_checked_as_the_profile_cargo_builds() {
    // release is one setting short; bench, built into the same target/release, has its own
    // opt-level: `cargo bench` builds bench, which is not checked, and must not fail
    let short = MIN_SIZE.replace("strip = true\n", "");
    let p = Scratch::checked(
        "benchprof",
        &format!(
            "[package.metadata.size-profile]\ndeny = true\n\n{short}\n[profile.bench]\nopt-level = 1\n"
        ),
    );
    p.write("benches/b.rs", "fn main() {}\n").edit(
        "Cargo.toml",
        "[build-dependencies]",
        "[[bench]]\nname = \"b\"\nharness = false\n\n[build-dependencies]",
    );
    let bench = p.cargo(&["bench", "--no-run"]);
    assert!(bench.success, "{}", bench.stderr);
    assert_eq!(bench.warnings(), Vec::<String>::new());
    // `cargo test --release` and `cargo install` build release: checked, and deny fails (the
    // install too, in the target directory it builds in)
    let strip = r#"release: strip is "debuginfo" (cargo's default for release); want true: add `strip = true` under [profile.release] in Cargo.toml"#;
    let root = p.dir.join("installed").display().to_string();
    let install = [
        "install",
        "--path",
        ".",
        "--root",
        root.as_str(),
        "--offline",
    ];
    for args in [
        &["test", "--release", "--no-run"][..],
        &["build", "--release"],
        &install,
    ] {
        let run = p.cargo(args);
        assert!(!run.success, "{args:?}: {}", run.stderr);
        assert_eq!(run.errors()[0], strip, "{args:?}");
    }
}

#[test]
fn a_config_s_env_table_is_not_the_profile_cargo_builds_with() {
    // cargo gives `[env]` to build scripts but never reads its own settings from it
    let p = Scratch::checked("envtable", &MIN_SIZE.replace("lto = true\n", ""));
    p.write(
        ".cargo/config.toml",
        "[env]\nCARGO_PROFILE_RELEASE_LTO = \"true\"\nCARGO_BUILD_RUSTFLAGS = \"-C strip=none\"\nCARGO_ENCODED_RUSTFLAGS = \"-Copt-level=2\"\n",
    );
    let run = p.cargo(&["build", "--release", "-v"]).ok();
    let args = run.rustc_args("envtable").expect("rustc ran").join(" ");
    assert!(
        !args.contains("-C lto") && !args.contains("strip=none"),
        "{args}"
    );
    assert_eq!(
        run.warnings(),
        [
            r#"release: lto is false (cargo's default for release); want true: add `lto = true` under [profile.release] in Cargo.toml"#
        ]
    );
    // the same variable set where cargo does read it is the build's
    let run = p
        .cargo_with(
            &["build", "--release"],
            &[("CARGO_PROFILE_RELEASE_LTO", "thin")],
        )
        .ok();
    assert_eq!(
        run.warnings(),
        [
            "release: lto is \"thin\" (env CARGO_PROFILE_RELEASE_LTO); want true: unset CARGO_PROFILE_RELEASE_LTO (or set it to true)"
        ]
    );
}

#[test]
#[allow(clippy::disallowed_methods)] // the test reads the manifest and the lock it changes
fn adding_the_check_after_the_ladder_leaves_its_numbers_current() {
    // the README's order: the ladder measures first, then the build-dependency is added;
    // that changes Cargo.lock but not the binary
    let name = format!("order{}", std::process::id());
    let p = Scratch::checked(&name, &MIN_SIZE.replace("lto = true\n", "")).own_target("order");
    let dep = p.dir.join("Cargo.toml");
    let with_check = std::fs::read_to_string(&dep).unwrap();
    let without: String = with_check
        .lines()
        .filter(|l| !l.starts_with("[build-dependencies]") && !l.starts_with("size-profile ="))
        .map(|l| format!("{l}\n"))
        .collect();
    p.write("Cargo.toml", &without);
    p.cargo(&["generate-lockfile", "--offline"]).ok();
    let lock_before = std::fs::read_to_string(p.dir.join("Cargo.lock")).unwrap();
    p.write_savings(&name, p.lock_fingerprint());
    p.write("Cargo.toml", &with_check);
    let run = p.cargo(&["build", "--release"]).ok();
    assert_ne!(
        std::fs::read_to_string(p.dir.join("Cargo.lock")).unwrap(),
        lock_before,
        "adding the check changes Cargo.lock"
    );
    let quoted = format!(
        r#"release: lto is false (cargo's default for release); want true (saves 1,116,000 bytes, 34 %, on {name}: ladder of 2026-11-25): add `lto = true` under [profile.release] in Cargo.toml"#
    );
    assert_eq!(run.warnings(), std::slice::from_ref(&quoted));
    // a crate the binary links is a change that makes the numbers older
    p.write(
        "helper/Cargo.toml",
        "[package]\nname = \"helper\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .write("helper/src/lib.rs", "pub fn f() {}\n")
    .edit(
        "Cargo.toml",
        "[build-dependencies]",
        "[dependencies]\nhelper = { path = \"helper\" }\n\n[build-dependencies]",
    );
    let run = p.cargo(&["build", "--release"]).ok();
    assert_eq!(
        run.warnings(),
        [quoted.replace("(saves", "(saved").replace(
            "2026-11-25)",
            "2026-11-25, an older build: Cargo.lock changed since)"
        )]
    );
    let _ = std::fs::remove_file(p.target_dir().join(size_profile::__private::SAVINGS_FILE));
}
