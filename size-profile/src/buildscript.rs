//! The build-script front: what `size_profile::check()` tells cargo, as data.
//!
//! Functions here are named after the variable cargo sets for build scripts that they read,
//! as in the cargo team's `build-rs` crate; all of them read through [`Env`], so tests pass a
//! map. See <https://doc.rust-lang.org/cargo/reference/environment-variables.html#environment-variables-cargo-sets-for-build-scripts>.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::check::{Overrides, Project};
use crate::finding::Finding;
use crate::host::{Env, Files};
use crate::map::SettingMap;
use crate::resolve::Entry;
use crate::setting::{Debug, OptLevel, Setting, Value};
use crate::source::Source;
use crate::workspace::{FlagsFrom, gather};

/// The `cfg` set in checked profiles.
pub const CFG: &str = "size_optimized";

/// One instruction to cargo, printed as a `cargo::` line.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Directive {
    /// `cargo::warning=`: shown by cargo for local packages.
    Warning(String),
    /// `cargo::error=`: fails the build (cargo 1.84+).
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

impl fmt::Display for Directive {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // cargo ends a directive at the first newline: keep each to one line
        let one_line = |s: &str| s.replace(['\n'], " ").replace(['\r'], " ");
        match self {
            Directive::Warning(m) => write!(f, "cargo::warning={}", one_line(m)),
            Directive::Error(m) => write!(f, "cargo::error={}", one_line(m)),
            Directive::RerunIfChanged(p) => write!(f, "cargo::rerun-if-changed={}", p.display()),
            Directive::RerunIfEnvChanged(v) => write!(f, "cargo::rerun-if-env-changed={v}"),
            Directive::RustcCfg(c) => write!(f, "cargo::rustc-cfg={c}"),
            Directive::RustcCheckCfg(c) => write!(f, "cargo::rustc-check-cfg={c}"),
        }
    }
}

/// `CARGO_MANIFEST_DIR`: the package's directory.
pub(crate) fn cargo_manifest_dir(env: &dyn Env) -> Option<PathBuf> {
    env.var("CARGO_MANIFEST_DIR").map(PathBuf::from)
}

/// `OUT_DIR`: the build script's output directory.
pub(crate) fn out_dir(env: &dyn Env) -> Option<PathBuf> {
    env.var("OUT_DIR").map(PathBuf::from)
}

/// `PROFILE`: only `release` or `debug`, whatever the profile is called.
pub(crate) fn profile(env: &dyn Env) -> Option<String> {
    env.var("PROFILE")
}

/// `OPT_LEVEL`: the opt-level cargo compiles this package with.
pub(crate) fn opt_level(env: &dyn Env) -> Option<OptLevel> {
    env.var("OPT_LEVEL").and_then(|v| OptLevel::from_flag(&v))
}

/// `DEBUG`: whether this package is compiled with debug info.
pub(crate) fn debug(env: &dyn Env) -> Option<bool> {
    env.var("DEBUG").map(|v| v == "true")
}

/// The profile being built, from the shape of `OUT_DIR`
/// (`<dir>/[<triple>/]<profile>/build/<pkg>-<hash>/out`, or `…/build/<pkg>/<hash>/out` in
/// cargo's newer build-dir layout). `debug` is `dev` (and `test`); `release` is `release` (and
/// `bench`). Without that shape, `PROFILE` decides and the second value says so.
pub(crate) fn active_profile(env: &dyn Env) -> Option<(String, Option<String>)> {
    let from_dir = out_dir(env).and_then(|out| profile_of_out_dir(&out));
    if let Some(name) = from_dir {
        return Some((name, None));
    }
    let fallback = match profile(env)?.as_str() {
        "release" => "release",
        _ => "dev",
    };
    let note = format!(
        "OUT_DIR does not have cargo's `<profile>/build/<package>/out` shape; checking `{fallback}` from PROFILE, which cannot tell custom profiles apart"
    );
    Some((fallback.to_owned(), Some(note)))
}

fn profile_of_out_dir(out: &Path) -> Option<String> {
    if out.file_name()? != "out" {
        return None;
    }
    let pkg = out.parent()?;
    let candidates = [pkg.parent()?, pkg.parent()?.parent()?];
    let build = candidates
        .into_iter()
        .find(|d| d.file_name().is_some_and(|n| n == "build"))?;
    let dir = build.parent()?.file_name()?.to_str()?;
    Some(match dir {
        "debug" => "dev".to_owned(),
        other => other.to_owned(),
    })
}

/// Replaces values a build script can see are wrong: `OPT_LEVEL` and `DEBUG` are what cargo
/// really uses for this package, including `--config` values no file or variable shows.
fn cross_check(settings: &mut SettingMap<Entry>, env: &dyn Env) {
    let flagged = |s: &SettingMap<Entry>, k| matches!(s[k].source, Source::Rustflags { .. });
    if let Some(level) = opt_level(env) {
        if !flagged(settings, Setting::OptLevel)
            && settings[Setting::OptLevel].value != Value::OptLevel(level)
        {
            let entry = Entry {
                value: Value::OptLevel(level),
                source: Source::Hidden("OPT_LEVEL".into()),
                inherited_from: None,
            };
            settings.insert(Setting::OptLevel, entry);
        }
    }
    if let Some(on) = debug(env) {
        let resolved_on = settings[Setting::Debug].value != Value::Debug(Debug::None);
        if !flagged(settings, Setting::Debug) && resolved_on != on {
            let value = Value::Debug(if on { Debug::Full } else { Debug::None });
            let entry = Entry {
                value,
                source: Source::Hidden("DEBUG".into()),
                inherited_from: None,
            };
            settings.insert(Setting::Debug, entry);
        }
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

    let inputs = match gather(&manifest_dir, env, files, &FlagsFrom::BuildScript) {
        Ok(inputs) => inputs,
        Err(problem) => {
            out.push(warn(problem.to_string()));
            // cargo is building this package, so its manifest exists: watch it for the fix
            out.push(Directive::RerunIfChanged(manifest_dir.join("Cargo.toml")));
            return out;
        }
    };
    let project = Project::new(&inputs, overrides, &[active.as_str()]);
    let checked = project.checked();
    let is_checked = checked.contains(&active);
    let resolved = project.resolve(&active);

    if is_checked {
        // input cargo would refuse, or options of ours that are wrong: errors under deny
        out.extend(project.problems.iter().map(|p| {
            let line = format!("size-profile: {p}");
            if project.options.deny {
                Directive::Error(line)
            } else {
                Directive::Warning(line)
            }
        }));
        out.extend(note.map(warn));
        match &resolved {
            Ok(resolved) => {
                let mut settings = resolved.settings.clone();
                cross_check(&mut settings, env);
                let findings = project.findings(resolved, &settings);
                out.extend(report(&findings, project.options.deny, &active));
            }
            Err(e) => out.push(warn(project.resolve_problem(e).to_string())),
        }
        out.push(Directive::RustcCfg(CFG.into()));
    }

    // watch exactly what was read, and the variables that could change the answer
    out.extend(inputs.read.iter().cloned().map(Directive::RerunIfChanged));
    let chain = resolved
        .map(|r| r.chain)
        .unwrap_or_else(|_| vec![active.clone()]);
    out.extend(
        crate::check::watched_vars(&chain)
            .into_iter()
            .map(Directive::RerunIfEnvChanged),
    );
    out
}

/// The values the build-script front checks for the profile being built, and that profile's
/// name: for tests that hold the front against cargo.
pub(crate) fn settings_here(
    env: &dyn Env,
    files: &dyn Files,
) -> Result<(String, SettingMap<Entry>), String> {
    let dir = cargo_manifest_dir(env).ok_or("CARGO_MANIFEST_DIR is not set")?;
    let (active, _) = active_profile(env).ok_or("no OUT_DIR or PROFILE")?;
    let inputs = gather(&dir, env, files, &FlagsFrom::BuildScript).map_err(|p| p.to_string())?;
    let project = Project::new(&inputs, &Overrides::default(), &[active.as_str()]);
    let resolved = project.resolve(&active).map_err(|e| e.to_string())?;
    let mut settings = resolved.settings;
    cross_check(&mut settings, env);
    Ok((active, settings))
}

/// Findings as warnings, or under `deny` as errors with a closing summary.
fn report(findings: &[Finding], deny: bool, profile: &str) -> Vec<Directive> {
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
    fn directives_are_single_lines() {
        assert_eq!(
            Directive::Warning("a\nb".into()).to_string(),
            "cargo::warning=a b"
        );
    }
}
