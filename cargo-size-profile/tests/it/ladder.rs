//! The ladder once, for real, on the tiniest fixture (a workspace member with two binaries):
//! the relations between its real numbers hold, and what `--apply-best` writes gives a plain
//! `cargo build --release` exactly the best size. The ladder's decisions are unit-tested with
//! chosen sizes (`src/ladder/strategy.rs`); this is where they meet cargo.

// the test writes its fixture and reads the binaries cargo built
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

use serde_json::Value;

fn write(dir: &Path, rel: &str, text: &str) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// A workspace: `app` with the binaries `app-cli` and `app-helper`, on a library `lib`. `app` has
/// our build script, as the templates do: it watches a directory (the ladder's savings), which
/// cargo lists in the binary's dep-info. `app` derives with a proc-macro, `derive`, built on a
/// crate with a build script, `probe`, as `serde_derive` is on `proc-macro2`; `probe`'s
/// script counts its runs in `probe-runs.log`.
fn fixture(name: &str) -> PathBuf {
    let dir = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    write(
        &dir,
        "Cargo.toml",
        "[workspace]\nmembers = [\"crates/*\"]\nresolver = \"2\"\n",
    );
    write(
        &dir,
        "crates/app/Cargo.toml",
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[[bin]]\nname = \"app-cli\"\npath = \"src/main.rs\"\n\n[[bin]]\nname = \"app-helper\"\npath = \"src/helper.rs\"\n\n[dependencies]\nderive = {{ path = \"../derive\" }}\nlib = {{ path = \"../lib\" }}\n\n[build-dependencies]\nsize-profile = {{ path = {:?} }}\n",
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../size-profile")
                .display()
                .to_string()
        ),
    );
    write(
        &dir,
        "crates/app/build.rs",
        "fn main() {\n    size_profile::check();\n}\n",
    );
    write(
        &dir,
        "crates/app/src/main.rs",
        "#[derive(derive::Nothing)]\nstruct Unit;\n\nfn main() {\n    lib::f();\n    println!(\"cli\");\n}\n",
    );
    write(
        &dir,
        "crates/derive/Cargo.toml",
        "[package]\nname = \"derive\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nproc-macro = true\n\n[dependencies]\nprobe = { path = \"../probe\" }\n",
    );
    write(
        &dir,
        "crates/derive/src/lib.rs",
        "use proc_macro::TokenStream;\n\n#[proc_macro_derive(Nothing)]\npub fn nothing(_: TokenStream) -> TokenStream {\n    let _ = probe::ONE;\n    TokenStream::new()\n}\n",
    );
    write(
        &dir,
        "crates/probe/Cargo.toml",
        "[package]\nname = \"probe\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&dir, "crates/probe/src/lib.rs", "pub const ONE: u8 = 1;\n");
    // the log is at the workspace root, outside every package: cargo does not take the
    // write for a change of `probe`
    write(
        &dir,
        "crates/probe/build.rs",
        "use std::io::Write;\n\nfn main() {\n    println!(\"cargo::rerun-if-changed=build.rs\");\n    let log = std::path::Path::new(env!(\"CARGO_MANIFEST_DIR\")).join(\"../../probe-runs.log\");\n    let mut f = std::fs::OpenOptions::new().create(true).append(true).open(log).unwrap();\n    writeln!(f, \"run\").unwrap();\n}\n",
    );
    write(&dir, "crates/app/src/helper.rs", "fn main() {}\n");
    write(
        &dir,
        "crates/lib/Cargo.toml",
        "[package]\nname = \"lib\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    );
    write(&dir, "crates/lib/src/lib.rs", "pub fn f() {}\n");
    dir
}

/// The size of `app-cli` from a plain `cargo build --release` in its own target directory.
fn plain_release(dir: &Path, target: &str) -> u64 {
    plain_release_with(dir, target, &[])
}

/// The same, with variables (`CARGO_PROFILE_RELEASE_*`).
fn plain_release_with(dir: &Path, target: &str, env: &[(String, String)]) -> u64 {
    let target = dir.join(target);
    let out = size_profile_tests::hermetic::cargo()
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "app",
            "--bin",
            "app-cli",
        ])
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", &target)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .expect("cargo runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let exe = target
        .join("release")
        .join(format!("app-cli{}", std::env::consts::EXE_SUFFIX));
    std::fs::metadata(exe).expect("the binary").len()
}

/// How often `probe`'s build script has run.
fn probe_runs(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("probe-runs.log"))
        .unwrap_or_default()
        .lines()
        .count()
}

fn bytes(step: &Value) -> u64 {
    step["bytes"]
        .as_u64()
        .unwrap_or_else(|| panic!("no size: {step}"))
}

/// Runs the ladder on the fixture's `app-cli` with `extra` arguments: its JSON report and its
/// stderr. It runs at the virtual root without `--package`: `app` is the one member with a
/// binary, so the ladder measures it (a relink, `cargo rustc`, needs that package named).
fn ladder(dir: &Path, extra: &[&str]) -> (Value, String) {
    ladder_with(dir, extra, &[])
}

/// The same, with variables for the CLI and the builds it runs.
fn ladder_with(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> (Value, String) {
    let out = crate::support::cli()
        .args(["ladder", "--bin", "app-cli"])
        .args(["--format", "json"])
        .args(extra)
        .envs(env.iter().copied())
        .current_dir(dir)
        .output()
        .expect("the CLI runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}{stderr}");
    let json_end = stdout.find("\n}\n").expect("a JSON document") + 3;
    let report: Value = serde_json::from_str(&stdout[..json_end]).expect("JSON");
    (report, stderr)
}

#[test]
fn one_real_ladder_keeps_its_numbers_consistent_and_apply_best_gives_the_best() {
    let dir = fixture("ladder");
    let before = plain_release(&dir, "before");
    let probe_runs_before = probe_runs(&dir);
    let (report, stderr) = ladder(&dir, &[]);
    assert_eq!(report["binary"], "app-cli", "--bin chose the binary");
    // cargo laid out each build as the ladder's `layout` module assumes: were it otherwise,
    // the ladder would go on with plain builds and say so here
    assert!(
        !stderr.contains("note: cargo laid this build out"),
        "{stderr}"
    );
    let steps = report["steps"].as_array().unwrap();
    let release = bytes(&steps[1]);
    assert_eq!(steps[1]["step"], "release");
    // the ladder's release is cargo's default release profile, byte for byte
    assert_eq!(release, before);
    // unoptimised with debug info is larger than release
    assert!(bytes(&steps[0]) > release);
    // the project's own release, beside the chain: it sets nothing, so it is cargo's default
    assert_eq!(steps[2]["step"], "yours");
    assert_eq!(report["yours"]["bytes"].as_u64(), Some(before));
    assert_eq!(steps[2]["kept"], false);

    // stderr is not a terminal here, as in a CI log: one line as each step starts and one as
    // it ends, with the size the JSON gives
    // (your release is cargo's default here, the release step's build: not built again)
    let started = stderr.lines().filter(|l| l.ends_with(": building")).count();
    let built = steps.iter().filter(|s| s["build"] != "reused").count();
    assert_eq!(started, built, "{stderr}");
    assert_eq!(steps[2]["build"], "reused");
    assert_eq!(steps[2]["note"], "the same profile as `release`");
    let release_line = format!(
        "] release: {} bytes in ",
        crate::support::with_commas(release)
    );
    assert!(
        stderr.contains(&release_line),
        "{release_line} not in\n{stderr}"
    );

    // each kept step is no larger than the last kept one; a step not kept is larger than it,
    // or lost to the other candidate of its pair
    let mut last_kept = release;
    let mut kept_sizes = vec![release];
    let mut strip_kept = false;
    let mut before_strip = 0;
    for step in &steps[3..] {
        if step["bytes"].is_null() {
            // only the ICF step may fail, and only with a linker that has no `--icf` (rustc's
            // default on x86_64 Linux, rust-lld, has it): then the relink is not checked, and
            // the test says so
            let note = step["note"].as_str().unwrap_or_default();
            let no_icf = step["step"] == "flags" && note.starts_with("build failed");
            let lld = cfg!(all(target_os = "linux", target_arch = "x86_64"));
            assert!(no_icf && !lld, "a step failed: {step}");
            #[allow(clippy::disallowed_macros, clippy::print_stderr)]
            {
                eprintln!("note: the linker has no --icf: the ICF step's relink is not checked");
            }
            continue;
        }
        let b = bytes(step);
        if step["step"] == "strip" {
            before_strip = last_kept;
        }
        if step["kept"] == true {
            assert!(b <= last_kept, "kept but larger: {step}");
            last_kept = b;
            kept_sizes.push(b);
        } else {
            let lost_pair = step["note"] == "the other candidate is smaller: not kept";
            assert!(b > last_kept || lost_pair, "dropped but not larger: {step}");
        }
        if step["step"] == "strip" {
            assert!(
                step["kept"] == true,
                "stripping symbols makes it smaller: {step}"
            );
            strip_kept = true;
        }
        // the linker flag step over the kept strip build compiles the final crate alone (as
        // cargo says: a step that compiled `lib` too is "built"), though it starts while
        // strip's links, in the other lane, with strip's crates linked over
        let relinks = step["step"] == "flags" && strip_kept;
        let how = if relinks { "relinked" } else { "built" };
        assert_eq!(step["build"], how, "{step}");
    }
    // what cargo would reuse is not built again: a build script, a proc-macro and the crates
    // built for them run or compile again only in a step that changes their profile, which
    // keeps `lto` and `strip` of the build's, not opt-level, codegen-units or panic. So
    // `probe`'s script runs once each for dev, release, the two LTO candidates and strip
    // (thin is built first: the codegen-units step goes on from fat, the build just made).
    let changes_host_profile = steps
        .iter()
        .filter(|s| s["build"] == "built")
        .filter(|s| ["dev", "release", "lto", "strip"].contains(&s["step"].as_str().unwrap()))
        .count();
    assert_eq!(
        probe_runs(&dir) - probe_runs_before,
        changes_host_profile,
        "{stderr}"
    );

    let best = report["best"]["bytes"].as_u64().unwrap();
    assert_eq!(best, last_kept);
    assert_eq!(Some(&best), kept_sizes.iter().min());
    assert!(best < release);

    // the work directory is two lanes: the next step starts in one while the step before
    // links in the other, with the build scripts and proc-macros it reuses copied over (the
    // probe's count above). Once it goes on, the step before's build goes: the two hold the
    // last build and the one it relinked over, no more
    let work = dir.join("target/size-profile/ladder/build");
    let mut lanes: Vec<String> = std::fs::read_dir(&work)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    lanes.sort();
    assert_eq!(lanes, ["0", "1"]);
    let binaries: Vec<PathBuf> = lanes
        .iter()
        .flat_map(|lane| std::fs::read_dir(work.join(lane).join("release/deps")).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy();
            name.starts_with("app_cli-") && !name.contains('.')
        })
        .collect();
    assert!((1..=2).contains(&binaries.len()), "{binaries:?}");

    // check quotes what each kept setting saved in this run: strip's step, against the one
    // before it
    let strip = steps.iter().find(|s| s["step"] == "strip").unwrap();
    let out = crate::support::cli()
        .args(["check", "--package", "app", "--format", "json"])
        .current_dir(&dir)
        .output()
        .expect("the CLI runs");
    let check: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let findings = check["profiles"][0]["findings"].as_array().unwrap();
    let strip_finding = findings.iter().find(|f| f["setting"] == "strip").unwrap();
    let measured = &strip_finding["measured"];
    assert_eq!(measured["binary"], "app-cli");
    assert_eq!(measured["older_build"], Value::Null);
    assert_eq!(measured["before_bytes"].as_u64(), Some(before_strip));
    assert_eq!(
        measured["saves_bytes"].as_u64(),
        Some(before_strip - bytes(strip))
    );
    let message = strip_finding["message"].as_str().unwrap();
    let quoted = format!(
        "(saves {} bytes, ",
        crate::support::with_commas(measured["saves_bytes"].as_u64().unwrap())
    );
    assert!(message.contains(&quoted), "{message}");

    // unchanged, a second run builds nothing: every size is the first run's
    let (again, stderr) = ladder(&dir, &["--apply-best"]);
    assert!(!stderr.contains(": building"), "{stderr}");
    let again_steps = again["steps"].as_array().unwrap();
    assert_eq!(again_steps.len(), steps.len());
    for (one, two) in steps.iter().zip(again_steps) {
        assert_eq!(
            (&one["bytes"], &two["build"]),
            (&two["bytes"], &"reused".into())
        );
    }

    // what --apply-best wrote: the best settings in the root manifest, the flags in the
    // config file; with them a plain build gives the best size
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    for (key, value) in report["best"]["settings"].as_object().unwrap() {
        let line = format!("{key} = {value}");
        assert!(manifest.contains(&line), "{line} not in\n{manifest}");
    }
    let flags = report["best"]["flags"].as_array().unwrap();
    if !flags.is_empty() {
        let config = std::fs::read_to_string(dir.join(".cargo/config.toml")).unwrap();
        for flag in flags {
            let flag = flag.as_str().unwrap();
            assert!(
                config.contains(flag.split(' ').next_back().unwrap()),
                "{flag} not in\n{config}"
            );
        }
    }
    assert_eq!(plain_release(&dir, "after"), best);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A step that fails to build is not kept, so the step the ladder started meanwhile in its
/// other lane (the one after it, as if it were kept) is the wrong one: it is stopped, and the
/// right one built. Here `panic = "abort"` fails at the final link (a symbol only that build
/// asks for), while the next step, `strip` over it, is building. The rows after it are the
/// sizes plain builds of their settings give. The project sets `build.build-dir`: each lane's
/// units are under it, and the lanes' target directories hold only the binaries.
#[test]
#[ignore = "a second whole ladder: .ci/run runs it (cargo test --workspace --tests -- --ignored)"]
fn a_step_not_kept_stops_the_build_started_ahead_for_the_step_after_it() {
    let dir = fixture("ladder-abort");
    write(
        &dir,
        ".cargo/config.toml",
        "[build]\nbuild-dir = \"{workspace-root}/build-apart\"\n",
    );
    write(
        &dir,
        "crates/app/src/main.rs",
        "#[derive(derive::Nothing)]\nstruct Unit;\n\n#[cfg(panic = \"abort\")]\nextern \"C\" {\n    fn size_profile_no_such_symbol();\n}\n\nfn main() {\n    #[cfg(panic = \"abort\")]\n    unsafe { size_profile_no_such_symbol() };\n    println!(\"cli\");\n}\n",
    );
    let (report, stderr) = ladder(&dir, &[]);
    let steps = report["steps"].as_array().unwrap();
    let abort = steps.iter().find(|s| s["step"] == "panic").unwrap();
    assert_eq!(abort["bytes"], Value::Null, "{abort}");
    assert!(abort["note"].as_str().unwrap().starts_with("build failed"));
    assert_eq!(abort["kept"], false);

    // every kept profile setting so far, as cargo's variables: a plain build of them is the
    // size the ladder shows
    let mut kept: Vec<(String, String)> = Vec::new();
    for step in &steps[3..] {
        let key = step["step"].as_str().unwrap();
        if !["opt-level", "lto", "codegen-units", "panic", "strip"].contains(&key) {
            continue;
        }
        if step["bytes"].is_u64() {
            let mut env = kept.clone();
            env.retain(|(k, _)| !k.ends_with(&key.to_uppercase().replace('-', "_")));
            let value = match &step["value"] {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            env.push((
                format!(
                    "CARGO_PROFILE_RELEASE_{}",
                    key.to_uppercase().replace('-', "_")
                ),
                value,
            ));
            if key == "strip" {
                assert_eq!(step["build"], "built", "{stderr}");
                let plain = plain_release_with(&dir, "plain-strip", &env);
                assert_eq!(bytes(step), plain, "{env:?}\n{stderr}");
            }
            if step["kept"] == true {
                kept = env;
            }
        }
    }
    assert!(kept.iter().any(|(k, _)| k.ends_with("STRIP")), "{kept:?}");
    assert!(!kept.iter().any(|(k, _)| k.ends_with("PANIC")), "{kept:?}");
    let lanes = dir.join("target/size-profile/ladder/build");
    let units = dir.join("build-apart/size-profile/ladder/build");
    for lane in ["0", "1"] {
        assert!(
            lanes.join(lane).join("release/app-cli").is_file(),
            "{stderr}"
        );
        assert!(!lanes.join(lane).join("release/deps").exists());
        assert!(units.join(lane).join("release/deps").is_dir(), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// With cargo's jobs limited, the ladder builds one step at a time: cargo never runs more
/// jobs than asked. Here by `build.jobs` in the project's config file (`-j` and
/// `CARGO_BUILD_JOBS` are decided by the same function, unit-tested). One lane is used, the
/// other never made.
#[test]
#[ignore = "a second whole ladder: .ci/run runs it (cargo test --workspace --tests -- --ignored)"]
fn with_jobs_limited_one_step_builds_at_a_time() {
    let dir = fixture("ladder-jobs");
    write(&dir, ".cargo/config.toml", "[build]\njobs = 2\n");
    let (report, _) = ladder(&dir, &[]);
    assert!(bytes(&report["steps"][1]) > 0);
    let work = dir.join("target/size-profile/ladder/build");
    assert!(work.join("0/release").is_dir());
    assert!(!work.join("1").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// When cargo lays out a build in a way the ladder's `layout` module does not know, the
/// ladder says so and goes on with plain builds in one lane, their bytes a plain build's.
/// Here the layout cargo is moving to (one directory a unit, `build/<package>/<hash>/`),
/// which cargo 1.95 has behind an unstable flag.
#[test]
#[ignore = "a second whole ladder: .ci/run runs it (cargo test --workspace --tests -- --ignored)"]
fn a_build_laid_out_otherwise_is_said_and_the_steps_left_are_plain_builds() {
    let dir = fixture("ladder-layout");
    let other = [
        ("__CARGO_TEST_CHANNEL_OVERRIDE_DO_NOT_USE_THIS", "nightly"),
        ("CARGO_UNSTABLE_BUILD_DIR_NEW_LAYOUT", "true"),
    ];
    let (report, stderr) = ladder_with(&dir, &[], &other);
    let notes: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("note: cargo laid this build out"))
        .collect();
    assert_eq!(notes.len(), 1, "{stderr}");
    assert!(notes[0].contains("`build/` holds `"), "{}", notes[0]);
    assert!(
        notes[0].ends_with("the steps left are plain builds, one at a time in one directory"),
        "{}",
        notes[0]
    );
    let work = dir.join("target/size-profile/ladder/build");
    assert!(work.join("0/release").is_dir());
    assert!(!work.join("1").exists(), "{stderr}");
    let env: Vec<(String, String)> = other
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let release = &report["steps"][1];
    assert_eq!(release["step"], "release");
    assert_eq!(bytes(release), plain_release_with(&dir, "plain", &env));
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--nightly` where `cargo +nightly` cannot run stops before anything is built, and says what
/// to install. Here cargo and rustc run without rustup, as a distribution installs them (cargo
/// then knows no `+toolchain`); a rustup without the nightly toolchain is met the same way.
#[test]
fn nightly_without_cargo_plus_nightly_stops_before_anything_is_built() {
    let project = size_profile_tests::Scratch::new("no-nightly", "");
    let sysroot = size_profile_tests::hermetic::command("rustc")
        .args(["--print", "sysroot"])
        .output()
        .expect("rustc runs");
    let bin = PathBuf::from(String::from_utf8_lossy(&sysroot.stdout).trim()).join("bin");
    assert!(
        bin.join("cargo").exists(),
        "the toolchain's own cargo: {bin:?}"
    );
    let path = std::env::join_paths(std::iter::once(bin.clone()).chain(std::env::split_paths(
        &std::env::var_os("PATH").unwrap_or_default(),
    )))
    .unwrap();
    let out = crate::support::cli()
        .args(["ladder", "--nightly"])
        .current_dir(&project.dir)
        .env("PATH", path)
        .env("CARGO", bin.join("cargo"))
        .env("RUSTC", bin.join("rustc"))
        .output()
        .expect("the CLI runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.starts_with("error: --nightly builds with `cargo +nightly`, which does not run here (no such command: `+nightly`)"),
        "{stderr}"
    );
    assert!(
        stderr.contains("`rustup toolchain install nightly --profile minimal` installs it"),
        "{stderr}"
    );
    // nothing was built: cargo made no target directory
    assert!(!project.dir.join("target").exists(), "a build ran first");
}

/// The processes started by `pid` and by those (Linux lists them in `/proc`).
#[cfg(target_os = "linux")]
fn descendants(pid: u32) -> Vec<u32> {
    let mut found = Vec::new();
    let mut todo = vec![pid];
    while let Some(p) = todo.pop() {
        let Ok(tasks) = std::fs::read_dir(format!("/proc/{p}/task")) else {
            continue;
        };
        for task in tasks.flatten() {
            let children =
                std::fs::read_to_string(task.path().join("children")).unwrap_or_default();
            for c in children.split_whitespace().filter_map(|c| c.parse().ok()) {
                found.push(c);
                todo.push(c);
            }
        }
    }
    found
}

/// Whether `pid` is a process that has not ended (a zombie has ended).
#[cfg(target_os = "linux")]
fn alive(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| {
        !stat
            .rsplit(')')
            .next()
            .unwrap_or("")
            .trim_start()
            .starts_with('Z')
    })
}

/// `kill -TERM` (or `-HUP`, `-INT`) sent to the ladder alone, as a supervisor or a closed
/// session sends it, stops every build it started, and what it kept stays readable.
#[cfg(target_os = "linux")]
#[test]
fn a_signal_to_the_ladder_alone_stops_every_build_it_started() {
    use std::io::BufRead;
    use std::process::Stdio;
    let dir = fixture("ladder-signal");
    for (signal, number) in [("TERM", 15), ("HUP", 1), ("INT", 2)] {
        let mut ladder = crate::support::cli()
            .args(["ladder", "--bin", "app-cli"])
            .env("CI", "true")
            .current_dir(&dir)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the CLI runs");
        let pid = ladder.id();
        // once a step is building, its cargo is running
        let stderr = ladder.stderr.take().unwrap();
        let mut lines = std::io::BufReader::new(stderr).lines();
        let mut seen = Vec::new();
        for line in lines.by_ref() {
            let line = line.unwrap();
            seen.push(line.clone());
            if line.contains("building") {
                break;
            }
        }
        let started = std::time::Instant::now();
        let mut builds = Vec::new();
        while builds.is_empty() && started.elapsed() < std::time::Duration::from_secs(20) {
            builds = descendants(pid);
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        assert!(!builds.is_empty(), "no build started: {seen:?}");
        // the whole tree at that moment, a little later
        std::thread::sleep(std::time::Duration::from_millis(300));
        builds.extend(descendants(pid));
        let sent = std::process::Command::new("kill")
            .args([format!("-{signal}"), pid.to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
        let status = ladder.wait().unwrap();
        std::thread::sleep(std::time::Duration::from_millis(200));
        let left: Vec<u32> = builds.iter().copied().filter(|p| alive(*p)).collect();
        for p in &left {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &p.to_string()])
                .status();
        }
        assert!(
            left.is_empty(),
            "{signal}: processes left running: {left:?}"
        );
        // and it ends as the signal would end it
        assert_eq!(status.code(), Some(128 + number), "{signal}");
        let results = dir.join("target/size-profile/ladder/results.json");
        if let Ok(text) = std::fs::read_to_string(&results) {
            serde_json::from_str::<Value>(&text).expect("results.json is whole");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The exit codes docs/cli.md gives: a project that does not build with cargo's own profile
/// stops the ladder with 2 (a step whose setting does not build is a row and exits 0, as
/// `a_step_not_kept_stops_the_build_started_ahead_for_the_step_after_it` shows).
#[test]
fn a_project_that_does_not_build_stops_the_ladder_with_exit_code_2() {
    let dir = fixture("ladder-broken");
    write(
        &dir,
        "crates/app/src/main.rs",
        "fn main() { not_a_function(); }\n",
    );
    let out = crate::support::cli()
        .args(["ladder", "--bin", "app-cli"])
        .current_dir(&dir)
        .output()
        .expect("the CLI runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("error: cargo failed (cargo build --profile dev)"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
