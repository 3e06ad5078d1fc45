//! The variables cargo sets for a build script, one function each, named after the variable
//! it reads (as in the cargo team's `build-rs` crate). Cargo sets these itself and rebuilds when
//! they change, so a front never watches them.
//! See <https://doc.rust-lang.org/cargo/reference/environment-variables.html#environment-variables-cargo-sets-for-build-scripts>.

use std::path::{Path, PathBuf};

use crate::host::Env;
use crate::profile::resolve::Entry;
use crate::profile::setting::{DebugInfo, OptLevel, Setting, Value};
use crate::profile::setting_map::SettingMap;
use crate::source::Source;

/// Whether cargo sets this variable for build scripts (then it is not one to watch).
pub(crate) fn set_by_cargo(name: &str) -> bool {
    const NAMES: &[&str] = &[
        "CARGO_MANIFEST_DIR",
        "CARGO_ENCODED_RUSTFLAGS",
        "OUT_DIR",
        "PROFILE",
        "OPT_LEVEL",
        "DEBUG",
        "TARGET",
        "HOST",
    ];
    const PREFIXES: &[&str] = &["CARGO_CFG_", "CARGO_FEATURE_", "CARGO_PKG_"];
    NAMES.contains(&name) || PREFIXES.iter().any(|p| name.starts_with(p))
}

/// What cargo really compiles the package with, as a build script sees it: `OPT_LEVEL` and
/// `DEBUG` include values given where no file or variable shows them (`--config`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Built {
    /// `OPT_LEVEL`.
    pub opt_level: Option<OptLevel>,
    /// `DEBUG`: whether there is any debug info.
    pub debug: Option<bool>,
}

impl Built {
    /// Reads `OPT_LEVEL` and `DEBUG`.
    pub(crate) fn read(env: &dyn Env) -> Built {
        Built {
            opt_level: opt_level(env),
            debug: debug(env),
        }
    }

    /// Whether `settings` agree with what cargo says it compiles with (a value a rustflag
    /// sets is not cargo's to say, so it agrees).
    pub(crate) fn fits(self, settings: &SettingMap<Entry>) -> bool {
        let flagged = |k| matches!(settings[k].source, Source::Rustflags { .. });
        let opt = self.opt_level.is_none_or(|level| {
            flagged(Setting::OptLevel)
                || settings[Setting::OptLevel].value == Value::OptLevel(level)
        });
        let debug = self.debug.is_none_or(|on| {
            flagged(Setting::Debug)
                || (settings[Setting::Debug].value != Value::Debug(DebugInfo::None)) == on
        });
        opt && debug
    }

    /// Replaces the values a build script can see are wrong, unless a rustflag sets them
    /// (then rustc takes the flag, whatever cargo's variables say).
    pub(crate) fn correct(self, settings: &mut SettingMap<Entry>) {
        let flagged = |s: &SettingMap<Entry>, k| matches!(s[k].source, Source::Rustflags { .. });
        let hidden = |value, var: &str| Entry {
            value,
            source: Source::Hidden(var.into()),
            inherited_from: None,
        };
        if let Some(level) = self.opt_level {
            if !flagged(settings, Setting::OptLevel)
                && settings[Setting::OptLevel].value != Value::OptLevel(level)
            {
                settings.insert(
                    Setting::OptLevel,
                    hidden(Value::OptLevel(level), "OPT_LEVEL"),
                );
            }
        }
        if let Some(on) = self.debug {
            let resolved_on = settings[Setting::Debug].value != Value::Debug(DebugInfo::None);
            if !flagged(settings, Setting::Debug) && resolved_on != on {
                let level = if on { DebugInfo::Full } else { DebugInfo::None };
                settings.insert(Setting::Debug, hidden(Value::Debug(level), "DEBUG"));
            }
        }
    }
}

/// `CARGO_MANIFEST_DIR`: the package's directory.
pub(crate) fn cargo_manifest_dir(env: &dyn Env) -> Option<PathBuf> {
    env.var("CARGO_MANIFEST_DIR").map(PathBuf::from)
}

/// `CARGO_PKG_RUST_VERSION`: the package's declared `rust-version`; `None` when it declares
/// none (cargo then sets the variable empty).
pub(crate) fn cargo_pkg_rust_version(env: &dyn Env) -> Option<String> {
    env.var("CARGO_PKG_RUST_VERSION")
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
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
/// `bench`): [`twin`] names the other one. Without that shape, `PROFILE` decides and the
/// second value says so.
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

/// The profile cargo builds into the same directory as `profile`: `bench` beside `release`
/// (`cargo bench`), `test` beside `dev` (`cargo test`).
pub(crate) fn twin(profile: &str) -> Option<&'static str> {
    match profile {
        "release" => Some("bench"),
        "dev" => Some("test"),
        _ => None,
    }
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
