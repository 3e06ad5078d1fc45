//! The build-script front: what `size_profile::check()` tells cargo, as data.
//!
//! Functions here are named after the variable cargo sets for build scripts that they read,
//! as in the cargo team's `build-rs` crate; all of them read through [`Env`], so tests pass a
//! map. See <https://doc.rust-lang.org/cargo/reference/environment-variables.html#environment-variables-cargo-sets-for-build-scripts>.

use std::fmt;
use std::path::PathBuf;

use crate::host::{Env, Files};
use crate::inputs::FlagsFrom;
use crate::inputs::build_env::{active_profile, cargo_manifest_dir, cargo_pkg_rust_version, twin};
use crate::report::finding::Finding;
use crate::report::project::Overrides;
use crate::report::{Report, Request, Scope, report};

/// The `cfg` set in checked profiles.
pub const CFG: &str = "size_optimized";

/// One instruction to cargo, one line of a build script's output.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Directive {
    /// `cargo::warning=`: shown by cargo for local packages.
    Warning(String),
    /// `cargo::error=`: fails the build. In the [`Syntax::Single`] of an older `rust-version`
    /// there is no such line: it is printed as a warning and the build script fails.
    Error(String),
    /// `cargo::rerun-if-changed=`.
    RerunIfChanged(PathBuf),
    /// `cargo::rerun-if-env-changed=`.
    RerunIfEnvChanged(String),
    /// `cargo::rustc-cfg=`.
    RustcCfg(String),
    /// `cargo::rustc-check-cfg=`.
    RustcCheckCfg(String),
}

/// How a build script must spell its lines for the package it builds: cargo refuses the
/// `cargo::` form from a package whose `rust-version` is older than 1.77.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Syntax {
    /// `cargo::key=value`: no `rust-version`, or 1.77 and later.
    Double,
    /// `cargo:key=value`: a `rust-version` before 1.77; it has no error line.
    Single,
}

impl Syntax {
    /// The syntax the package being built may use, from `CARGO_PKG_RUST_VERSION` (empty or
    /// unset when the package declares none). A version that cannot be read gets the
    /// single colon, which every cargo takes.
    pub fn of_package(env: &dyn Env) -> Syntax {
        match cargo_pkg_rust_version(env) {
            None => Syntax::Double,
            Some(version) => syntax_for(&version),
        }
    }
}

/// The syntax a package declaring `rust-version = version` may use.
fn syntax_for(version: &str) -> Syntax {
    let mut parts = version.split('.').map(str::parse::<u64>);
    let major = parts.next().and_then(Result::ok);
    let minor = parts.next().unwrap_or(Ok(0)).ok();
    match (major, minor) {
        (Some(major), Some(minor)) if (major, minor) >= (1, 77) => Syntax::Double,
        _ => Syntax::Single,
    }
}

impl Directive {
    /// The line cargo reads, in `syntax`; cargo ends a line at its first newline, so a
    /// message is kept to one line.
    pub fn line(&self, syntax: Syntax) -> String {
        let one_line = |s: &str| s.replace(['\n', '\r'], " ");
        let prefix = match syntax {
            Syntax::Double => "cargo::",
            Syntax::Single => "cargo:",
        };
        let body = match self {
            Directive::Warning(m) => format!("warning={}", one_line(m)),
            Directive::Error(m) => match syntax {
                Syntax::Double => format!("error={}", one_line(m)),
                Syntax::Single => format!("warning=error: {}", one_line(m)),
            },
            Directive::RerunIfChanged(p) => format!("rerun-if-changed={}", p.display()),
            Directive::RerunIfEnvChanged(v) => format!("rerun-if-env-changed={v}"),
            Directive::RustcCfg(c) => format!("rustc-cfg={c}"),
            Directive::RustcCheckCfg(c) => format!("rustc-check-cfg={c}"),
        };
        format!("{prefix}{body}")
    }
}

impl fmt::Display for Directive {
    /// The line in the `cargo::` syntax.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.line(Syntax::Double))
    }
}

/// Everything `check()` tells cargo, computed from the environment and files.
pub(crate) fn plan(overrides: &Overrides, env: &dyn Env, files: &dyn Files) -> Vec<Directive> {
    let mut out = vec![Directive::RustcCheckCfg(format!("cfg({CFG})"))];
    let warn = |m: String| Directive::Warning(format!("size-profile: {m}"));
    let Some(manifest_dir) = cargo_manifest_dir(env) else {
        out.push(warn(
            "CARGO_MANIFEST_DIR is not set: call size_profile::check() from build.rs".into(),
        ));
        return out;
    };
    let Some((active, note)) = active_profile(env) else {
        out.push(warn(
            "neither OUT_DIR nor PROFILE says which profile is built; nothing checked".into(),
        ));
        return out;
    };
    let request = Request {
        manifest_dir: &manifest_dir,
        cwd: &manifest_dir,
        flags: FlagsFrom::BuildScript,
        overrides: overrides.clone(),
        scope: Scope::Building(active.clone()),
        no_std: false,
        command_line: &[],
    };
    let report = report(&request, env, files);
    // the profile being built is reported only when it is checked; then input cargo would
    // refuse, or options of ours that are wrong, are errors under deny (unchecked, the one
    // problem reported is a manifest that cannot be read, and it stays a warning)
    let checked = !report.profiles.is_empty();
    let level = |line: String| {
        if report.deny && checked {
            Directive::Error(line)
        } else {
            Directive::Warning(line)
        }
    };
    // the check speaks for the workspace being built: in another project's build (this
    // package is a dependency there) every message would point at a manifest cargo ignores,
    // and `deny` would fail a build that did not ask for it
    if report.dependency_of.is_none() {
        out.extend(
            report
                .problems
                .iter()
                .map(|p| level(format!("size-profile: {p}"))),
        );
        if checked {
            out.extend(note.map(warn));
            // what was left unread (a broken savings file of the ladder's): never an error
            out.extend(report.unread.iter().map(|m| warn(m.clone())));
        }
        for profile in &report.profiles {
            match &profile.resolved {
                Ok(_) => out.extend(findings(&profile.findings, report.deny, &active)),
                // cargo resolved this profile to build it: one we cannot resolve is our
                // blindness (a `--config` profile, say), never an error of the user's
                Err(problem) => out.push(warn(problem.to_string())),
            }
        }
    }
    if checked {
        out.push(Directive::RustcCfg(CFG.into()));
    }
    // watch exactly what was read
    out.extend(report.files.into_iter().map(Directive::RerunIfChanged));
    out.extend(report.vars.into_iter().map(Directive::RerunIfEnvChanged));
    out
}

/// The report the build-script front makes for the profile being built, checked whatever the
/// options say, and that profile's name: for tests that hold the front against cargo.
pub(crate) fn report_here(env: &dyn Env, files: &dyn Files) -> Option<(String, Report)> {
    let dir = cargo_manifest_dir(env)?;
    let (active, _) = active_profile(env)?;
    let request = Request {
        manifest_dir: &dir,
        cwd: &dir,
        flags: FlagsFrom::BuildScript,
        overrides: Overrides {
            // the profile built may be the one cargo builds into the same directory
            profiles: Some(
                std::iter::once(active.clone())
                    .chain(twin(&active).map(String::from))
                    .collect(),
            ),
            ..Overrides::default()
        },
        scope: Scope::Building(active.clone()),
        no_std: false,
        command_line: &[],
    };
    Some((active, report(&request, env, files)))
}

/// Findings as warnings, or under `deny` as errors with a closing summary.
fn findings(findings: &[Finding], deny: bool, profile: &str) -> Vec<Directive> {
    if !deny {
        return findings
            .iter()
            .map(|f| Directive::Warning(format!("size-profile: {f}")))
            .collect();
    }
    let mut out: Vec<Directive> = findings
        .iter()
        .map(|f| Directive::Error(format!("size-profile: {f}")))
        .collect();
    if !findings.is_empty() {
        let n = findings.len();
        let s = if n == 1 { "" } else { "s" };
        out.push(Directive::Error(format!(
            "size-profile: {n} finding{s} in profile `{profile}` and `deny = true` in [package.metadata.size-profile]"
        )));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::env_map as env;
    use crate::host::file_map as fs;

    fn base(out_dir: &str) -> Vec<(&'static str, String)> {
        vec![
            ("CARGO_MANIFEST_DIR", "/p".into()),
            ("CARGO_PKG_NAME", "p".into()),
            ("OUT_DIR", out_dir.into()),
            ("CARGO_ENCODED_RUSTFLAGS", String::new()),
        ]
    }

    fn run(extra: &[(&str, &str)], out_dir: &str, manifest: &str) -> Vec<String> {
        let mut vars: Vec<(&str, String)> = base(out_dir);
        vars.extend(extra.iter().map(|(k, v)| (*k, v.to_string())));
        let e: crate::map::NameMap<String> =
            vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
        let files = fs(&[("/p/Cargo.toml", manifest)]);
        plan(&Overrides::default(), &e, &files)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    const DONE: &str = "[package]\nname = \"p\"\n[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n";

    #[test]
    fn profile_names_come_from_out_dir() {
        let name = |out: &str, profile: &str| {
            active_profile(&env(&[("OUT_DIR", out), ("PROFILE", profile)]))
                .map(|(n, note)| (n, note.is_some()))
        };
        assert_eq!(
            name("/t/release/build/p-0123/out", "release"),
            Some(("release".into(), false))
        );
        assert_eq!(
            name(
                "/t/x86_64-unknown-linux-gnu/dist/build/p-0123/out",
                "release"
            ),
            Some(("dist".into(), false))
        );
        assert_eq!(
            name("/t/debug/build/p-0123/out", "debug"),
            Some(("dev".into(), false))
        );
        assert_eq!(
            name("/b/dist/build/p/0123abcd/out", "release"),
            Some(("dist".into(), false))
        );
        assert_eq!(
            name("/elsewhere/out", "release"),
            Some(("release".into(), true))
        );
        assert_eq!(name("/elsewhere/o", "debug"), Some(("dev".into(), true)));
    }

    #[test]
    fn a_checked_profile_warns_and_sets_the_cfg() {
        let got = run(
            &[],
            "/p/target/release/build/p-1/out",
            "[package]\nname = \"p\"\n",
        );
        assert_eq!(got[0], "cargo::rustc-check-cfg=cfg(size_optimized)");
        let warnings: Vec<&String> = got
            .iter()
            .filter(|l| l.starts_with("cargo::warning="))
            .collect();
        assert_eq!(warnings.len(), 5, "{got:#?}");
        assert!(got.contains(&"cargo::rustc-cfg=size_optimized".to_string()));
        assert!(got.contains(&"cargo::rerun-if-changed=/p/Cargo.toml".to_string()));
        assert!(got.contains(&"cargo::rerun-if-env-changed=CARGO_PROFILE_RELEASE_LTO".to_string()));
        for var in ["CARGO_HOME", "CARGO_BUILD_RUSTFLAGS", "CARGO_INCREMENTAL"] {
            assert!(
                got.contains(&format!("cargo::rerun-if-env-changed={var}")),
                "{var}"
            );
        }
    }

    #[test]
    fn dev_builds_are_silent_but_still_declare_the_cfg_and_watch_inputs() {
        let got = run(
            &[],
            "/p/target/debug/build/p-1/out",
            "[package]\nname = \"p\"\n",
        );
        assert!(
            got.iter()
                .all(|l| !l.starts_with("cargo::warning") && !l.starts_with("cargo::rustc-cfg")),
            "{got:#?}"
        );
        assert!(got.contains(&"cargo::rustc-check-cfg=cfg(size_optimized)".to_string()));
        assert!(
            got.contains(&"cargo::rerun-if-env-changed=CARGO_PROFILE_DEV_OPT_LEVEL".to_string())
        );
    }

    #[test]
    fn a_complete_profile_is_quiet() {
        let got = run(
            &[("OPT_LEVEL", "z"), ("DEBUG", "false")],
            "/p/target/release/build/p-1/out",
            DONE,
        );
        assert!(
            got.iter().all(|l| !l.starts_with("cargo::warning")),
            "{got:#?}"
        );
    }

    #[test]
    fn opt_level_from_cargo_reveals_a_command_line_config() {
        let got = run(
            &[("OPT_LEVEL", "3"), ("DEBUG", "true")],
            "/p/target/release/build/p-1/out",
            DONE,
        );
        let w: Vec<&String> = got
            .iter()
            .filter(|l| l.starts_with("cargo::warning"))
            .collect();
        assert_eq!(
            w,
            vec![
                "cargo::warning=size-profile: release: opt-level is 3 (cargo's OPT_LEVEL, set where a build script cannot see); want \"z\" or \"s\": look for `--config` on cargo's command line; [profile.release] wants `opt-level = \"z\"`",
                "cargo::warning=size-profile: release: debug is true (cargo's DEBUG, set where a build script cannot see); want false: look for `--config` on cargo's command line; [profile.release] wants `debug = false`",
            ]
        );
    }

    #[test]
    fn deny_turns_findings_into_errors_with_a_summary() {
        let manifest = "[package]\nname = \"p\"\n[package.metadata.size-profile]\ndeny = true\n[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\nstrip = true\n";
        let got = run(&[], "/p/target/release/build/p-1/out", manifest);
        let errors: Vec<&String> = got
            .iter()
            .filter(|l| l.starts_with("cargo::error="))
            .collect();
        assert_eq!(errors.len(), 2, "{got:#?}");
        assert!(errors[0].contains("panic is \"unwind\""));
        assert!(errors[1].ends_with(
            "1 finding in profile `release` and `deny = true` in [package.metadata.size-profile]"
        ));
    }

    #[test]
    fn unreadable_input_is_one_warning_and_the_build_goes_on() {
        let got = run(&[], "/p/target/release/build/p-1/out", "[package\nname = 1");
        let w: Vec<&String> = got
            .iter()
            .filter(|l| l.starts_with("cargo::warning"))
            .collect();
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("cargo::warning=size-profile: Cargo.toml:1: invalid TOML"),
            "{}",
            w[0]
        );
        assert!(!got.iter().any(|l| l.starts_with("cargo::error")));
    }

    #[test]
    fn a_broken_config_file_warns_and_fails_the_build_only_under_deny() {
        let run_with = |manifest: &str| {
            let mut vars: Vec<(&str, String)> = base("/p/target/release/build/p-1/out");
            vars.push(("OPT_LEVEL", "z".into()));
            let e: crate::map::NameMap<String> =
                vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            let files = fs(&[
                ("/p/Cargo.toml", manifest),
                ("/p/.cargo/config.toml", "[profile.release]\nlto = \n"),
            ]);
            plan(&Overrides::default(), &e, &files)
                .iter()
                .map(ToString::to_string)
                .filter(|l| l.contains(".cargo/config.toml:2"))
                .collect::<Vec<_>>()
        };
        let warned = run_with(DONE);
        assert_eq!(warned.len(), 1, "{warned:?}");
        assert!(
            warned[0]
                .starts_with("cargo::warning=size-profile: .cargo/config.toml:2: invalid TOML"),
            "{}",
            warned[0]
        );
        let denied = run_with(&format!(
            "{DONE}[package.metadata.size-profile]\ndeny = true\n"
        ));
        assert_eq!(denied.len(), 1, "{denied:?}");
        assert!(
            denied[0].starts_with("cargo::error=size-profile: .cargo/config.toml:2: invalid TOML"),
            "{}",
            denied[0]
        );
    }

    #[test]
    fn a_savings_file_is_quoted_and_watched_and_a_broken_one_is_a_warning() {
        let manifest = DONE.replace("lto = true\n", "");
        let file = "/p/target/size-profile/measured/savings.toml";
        let plan_with = |savings: Option<&str>, cargo_made: bool| {
            let vars = base("/p/target/release/build/p-0123456789abcdef/out");
            let e: crate::map::NameMap<String> =
                vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            let mut files = vec![("/p/Cargo.toml", manifest.as_str())];
            files.extend(savings.map(|text| (file, text)));
            if cargo_made {
                files.push((
                    "/p/target/CACHEDIR.TAG",
                    "Signature: 8a477f597d28d172789f06886806bc55",
                ));
            }
            plan(&Overrides::default(), &e, &fs(&files))
                .iter()
                .map(ToString::to_string)
                .filter(|l| !l.starts_with("cargo::rustc-") && !l.contains("env-changed"))
                .collect::<Vec<_>>()
        };
        let good = "package = \"p\"\nbinary = \"p\"\ndate = \"2026-11-25\"\nrustc = \"rustc 1.95.0\"\n\n[saves.lto]\nvalue = true\nbytes = 100\nbefore = 1000\n";
        let quoted = "cargo::warning=size-profile: release: lto is false (cargo's default for release); want true (saves 100 bytes, 10 %, on p: ladder of 2026-11-25): add `lto = true` under [profile.release] in Cargo.toml";
        let plain = "cargo::warning=size-profile: release: lto is false (cargo's default for release); want true: add `lto = true` under [profile.release] in Cargo.toml";
        // in a target directory cargo made, the file's directory is watched, file or not: the
        // first ladder run after this build reruns the script
        let watched = [
            "cargo::rerun-if-changed=/p/Cargo.toml",
            "cargo::rerun-if-changed=/p/target/size-profile/measured",
        ];
        assert_eq!(
            plan_with(Some(good), true),
            [&[quoted][..], &watched].concat()
        );
        assert_eq!(plan_with(None, true), [&[plain][..], &watched].concat());
        // elsewhere (OUT_DIR's guess only) a file is watched once read, and no directory is
        // made or watched
        assert_eq!(
            plan_with(Some(good), false),
            [
                quoted,
                watched[0],
                &format!("cargo::rerun-if-changed={file}")
            ]
        );
        assert_eq!(plan_with(None, false), [plain, watched[0]]);
        let broken = plan_with(Some(&good.replace("bytes = 100", "bytes = -1")), true);
        assert_eq!(
            broken[..2],
            [
                &format!(
                    "cargo::warning=size-profile: {file}:8: `saves.lto.bytes`: must be a number of bytes; its measured savings are left out"
                ),
                plain,
            ]
        );
    }

    #[test]
    fn a_custom_allocator_dependency_is_a_finding_unless_allowed() {
        let manifest = format!("{DONE}[dependencies]\nmimalloc = \"0.1\"\n");
        let out = "/p/target/release/build/p-1/out";
        let got = run(&[], out, &manifest);
        let w: Vec<&String> = got
            .iter()
            .filter(|l| l.starts_with("cargo::warning"))
            .collect();
        assert_eq!(
            w,
            vec![
                "cargo::warning=size-profile: release: dependency `mimalloc` (Cargo.toml:10) replaces the global allocator, about 110 KB; make it optional and leave it out of size builds, or allow \"allocator\""
            ]
        );
        let allowed = manifest.replace(
            "[profile.release]",
            "[package.metadata.size-profile]\nallow = [\"allocator\"]\n[profile.release]",
        );
        let got = run(&[], out, &allowed);
        assert!(
            got.iter().all(|l| !l.starts_with("cargo::warning")),
            "{got:#?}"
        );
    }

    #[test]
    fn the_syntax_follows_the_declared_rust_version() {
        let of = |v: Option<&str>| {
            let vars: Vec<(&str, &str)> = v
                .map(|v| ("CARGO_PKG_RUST_VERSION", v))
                .into_iter()
                .collect();
            Syntax::of_package(&env(&vars))
        };
        assert_eq!(of(None), Syntax::Double);
        assert_eq!(of(Some("")), Syntax::Double);
        for old in ["1.60", "1.76", "1.76.9", "1", "0.9", "x"] {
            assert_eq!(of(Some(old)), Syntax::Single, "{old}");
        }
        for new in ["1.77", "1.77.0", "1.84", "1.85.1", "2"] {
            assert_eq!(of(Some(new)), Syntax::Double, "{new}");
        }
        let lines = |d: Directive| (d.line(Syntax::Double), d.line(Syntax::Single));
        assert_eq!(
            lines(Directive::Warning("w".into())),
            ("cargo::warning=w".into(), "cargo:warning=w".into())
        );
        // the single colon has no error line: cargo would take `cargo:error=` as metadata
        assert_eq!(
            lines(Directive::Error("e".into())),
            ("cargo::error=e".into(), "cargo:warning=error: e".into())
        );
        assert_eq!(
            lines(Directive::RustcCheckCfg("cfg(x)".into())).1,
            "cargo:rustc-check-cfg=cfg(x)"
        );
    }

    #[test]
    fn release_and_bench_share_a_directory_and_cargo_s_values_tell_them_apart() {
        let release = "/p/target/release/build/p-1/out";
        let warnings = |manifest: &str, opt: &str, debug: &str| {
            run(&[("OPT_LEVEL", opt), ("DEBUG", debug)], release, manifest)
                .into_iter()
                .filter(|l| l.starts_with("cargo::warning") || l.starts_with("cargo::error"))
                .collect::<Vec<_>>()
        };
        let deny = "[package.metadata.size-profile]\ndeny = true\n";
        // `cargo bench` with its own opt-level: bench is built, which is not checked
        let bench = format!("{DONE}{deny}[profile.bench]\nopt-level = 1\n");
        assert_eq!(warnings(&bench, "1", "false"), Vec::<String>::new());
        // `cargo build --release` beside it: release, and it is complete
        assert_eq!(warnings(&bench, "z", "false"), Vec::<String>::new());
        // a release that is not complete fails under deny, bench or not beside it
        let short = bench.replace("panic = \"abort\"\n", "");
        assert_eq!(warnings(&short, "z", "false").len(), 2);
        assert!(
            warnings(&short, "z", "false")[0]
                .starts_with("cargo::error=size-profile: release: panic")
        );
        // both fit cargo's values and they differ: checked as release, said so, and no error
        let alike = format!(
            "{}{deny}[profile.bench]\nlto = false\n",
            DONE.replace("panic = \"abort\"\n", "")
        );
        assert_eq!(
            warnings(&alike, "z", "false"),
            [
                "cargo::warning=size-profile: cargo builds `release` and `bench` into one directory, and its OPT_LEVEL and DEBUG fit both: checked as `release`, and `deny` fails nothing",
                "cargo::warning=size-profile: release: panic is \"unwind\" (cargo's default for release); want \"abort\": add `panic = \"abort\"` under [profile.release] in Cargo.toml",
            ]
        );
        // neither fits: a value set where a build script cannot see
        let hidden = warnings(DONE, "2", "false");
        assert_eq!(hidden.len(), 1, "{hidden:?}");
        assert!(hidden[0].contains("--config"), "{hidden:?}");
    }

    #[test]
    fn directives_are_single_lines() {
        assert_eq!(
            Directive::Warning("a\nb".into()).to_string(),
            "cargo::warning=a b"
        );
    }
}
