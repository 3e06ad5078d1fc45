//! Findings: what makes the binary bigger than the preset allows, and the fix.
//!
//! A finding renders as one line (cargo cuts a build-script warning at its first newline):
//! the setting, its current value and source, the wanted value, and the fix.

use std::fmt;
use std::path::PathBuf;

use crate::inputs::savings::Quoted;
use crate::profile::InvalidValue;
use crate::profile::preset::Rule;
use crate::profile::resolve::{Entry, Resolved};
use crate::profile::setting::{Setting, Value};
use crate::profile::setting_map::{SettingMap, SettingSet};
use crate::source::{Location, Source};

/// One thing to fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Finding {
    /// A setting's effective value is not one the preset accepts.
    Setting(SettingFinding),
    /// A value cargo would reject.
    Invalid(InvalidValue),
    /// A dependency that replaces the global allocator, linked into a size build.
    Allocator {
        /// The profile checked.
        profile: String,
        /// The allocator crate.
        dependency: String,
        /// Where the dependency is declared.
        at: Location,
    },
    /// Rustflags in config files that the build does not get: a variable cargo reads instead
    /// (`RUSTFLAGS`, `CARGO_ENCODED_RUSTFLAGS`) is set.
    IgnoredRustflags {
        /// The flags as written.
        flags: Vec<String>,
        /// Where the first of them was written, e.g.
        /// `target.x86_64-unknown-linux-gnu.rustflags at .cargo/config.toml:3`.
        at: String,
        /// The variable cargo reads instead.
        by: String,
    },
    /// `[profile]` tables in a member's manifest, which cargo ignores.
    IgnoredProfiles {
        /// Where the member's `[profile]` table is.
        at: Location,
        /// The workspace root manifest, where profiles belong.
        root: PathBuf,
    },
}

impl Finding {
    /// The setting this finding is about, if it is about one.
    pub fn setting(&self) -> Option<Setting> {
        match self {
            Finding::Setting(f) => Some(f.setting),
            _ => None,
        }
    }
}

/// A setting whose value the preset does not accept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SettingFinding {
    /// The profile checked.
    pub profile: String,
    /// The setting.
    pub setting: Setting,
    /// For a `[profile.X.package.<spec>]` override: the spec.
    pub package: Option<String>,
    /// The effective value.
    pub current: Value,
    /// Where it was set.
    pub source: Source,
    /// The profile it was inherited from, if not set in `profile` itself.
    pub inherited_from: Option<String>,
    /// The value the fix writes.
    pub wanted: Value,
    /// Every accepted value, as `"s" or "z"`.
    pub accepted: String,
    /// Why the preset wants it, in one line.
    pub reason: &'static str,
    /// What to change, and where.
    pub fix: Fix,
    /// What the ladder measured this setting to save on this project, when it ran.
    pub measured: Option<Quoted>,
}

/// What to change to fix a finding, at the place that sets the value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fix {
    /// Change the line that sets the value.
    Edit {
        /// The line.
        at: Location,
        /// The line to write instead, e.g. `lto = true`.
        assignment: String,
    },
    /// Add a line to a table of the root manifest (the value is cargo's default).
    Add {
        /// The root manifest.
        file: PathBuf,
        /// The table, e.g. `profile.release`.
        table: String,
        /// The line to add.
        assignment: String,
    },
    /// Unset an environment variable (or set it to the wanted value).
    Env {
        /// The variable.
        var: String,
        /// The value the variable would need instead.
        set_to: String,
    },
    /// Remove a flag from the rustflags.
    RemoveFlag {
        /// Where the flags come from.
        origin: String,
        /// The flag as written.
        flag: String,
    },
    /// The value comes from a `KEY=VALUE` given with `--config`.
    ConfigArg {
        /// The argument.
        arg: String,
        /// The argument that gives the wanted value (`profile.release.lto=true`).
        wanted: String,
    },
    /// The value comes from somewhere a build script cannot see (cargo's `--config`).
    CommandLine {
        /// The table the setting belongs in.
        table: String,
        /// The line it should be.
        assignment: String,
    },
}

impl fmt::Display for Fix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fix::Edit { at, assignment } => write!(f, "change it to `{assignment}` at {at}"),
            Fix::Add {
                file,
                table,
                assignment,
            } => {
                write!(
                    f,
                    "add `{assignment}` under [{table}] in {}",
                    file.display()
                )
            }
            Fix::Env { var, set_to } => write!(f, "unset {var} (or set it to {set_to})"),
            Fix::RemoveFlag { origin, flag } => write!(f, "remove `{flag}` from {origin}"),
            Fix::ConfigArg { arg, wanted } => write!(
                f,
                "drop `--config {arg}` from cargo's command line, or make it `--config {wanted}`"
            ),
            Fix::CommandLine { table, assignment } => write!(
                f,
                "look for `--config` on cargo's command line; [{table}] wants `{assignment}`"
            ),
        }
    }
}

impl fmt::Display for SettingFinding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {} is {}", self.profile, self.setting, self.current)?;
        if let Some(spec) = &self.package {
            write!(f, " for package \"{spec}\"")?;
        }
        write!(f, " ({}", self.source)?;
        if let Some(parent) = &self.inherited_from {
            write!(f, ", inherited from {parent}")?;
        }
        write!(f, "); want {}", self.accepted)?;
        if let Some(m) = &self.measured {
            if m.saving.value == self.wanted {
                write!(f, " ({m})")?;
            } else {
                write!(f, " ({} {m})", m.saving.value.assignment())?;
            }
        }
        write!(f, ": {}", self.fix)
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Finding::Setting(s) => write!(f, "{s}"),
            Finding::Invalid(i) => match &i.source {
                Source::Env(var) => write!(
                    f,
                    "{}: env {var}={} is not valid: {}",
                    i.profile, i.value, i.problem
                ),
                source => write!(
                    f,
                    "{}: `{} = {}` at {source} is not valid: {}",
                    i.profile, i.key, i.value, i.problem
                ),
            },
            Finding::Allocator {
                profile,
                dependency,
                at,
            } => write!(
                f,
                "{profile}: dependency `{dependency}` ({at}) replaces the global allocator, about 110 KB; make it optional and leave it out of size builds, or allow \"allocator\""
            ),
            Finding::IgnoredRustflags { flags, at, by } => write!(
                f,
                "`{}` ({at}) is not passed to rustc: {by} is set, and cargo then reads no rustflags from config files; add the flags to it, or unset it",
                flags.join(" ")
            ),
            Finding::IgnoredProfiles { at, root } => write!(
                f,
                "[profile] at {at} is ignored: cargo reads profiles only from the workspace root; move it to {}",
                root.display()
            ),
        }
    }
}

/// What a finding's fix should be, given where the current value comes from.
fn fix_for(source: &Source, wanted: Value, table: &str, root: &std::path::Path) -> Fix {
    let assignment = wanted.assignment();
    match source {
        Source::Manifest(at) | Source::Config(at) => Fix::Edit {
            at: at.clone(),
            assignment,
        },
        Source::Env(var) if var == "CARGO_INCREMENTAL" => Fix::Env {
            var: var.clone(),
            set_to: if wanted == Value::Incremental(true) {
                "1".into()
            } else {
                "0".into()
            },
        },
        Source::Env(var) => Fix::Env {
            var: var.clone(),
            set_to: wanted.env_form(),
        },
        Source::Rustflags { origin, flag } => Fix::RemoveFlag {
            origin: origin.clone(),
            flag: flag.clone(),
        },
        Source::Default(_) => Fix::Add {
            file: root.to_owned(),
            table: table.to_owned(),
            assignment,
        },
        // the package table took the value back to the default: the fix goes in that table
        Source::PackageDefault { table, at } => Fix::Add {
            file: at
                .as_ref()
                .map_or_else(|| root.to_owned(), |at| at.file.clone()),
            table: table.clone(),
            assignment,
        },
        Source::Hidden(_) => Fix::CommandLine {
            table: table.to_owned(),
            assignment,
        },
        Source::CommandLine(arg) => Fix::ConfigArg {
            arg: arg.clone(),
            wanted: format!("{table}.{}", assignment.replacen(" = ", "=", 1)),
        },
    }
}

/// What to check one resolved profile against.
#[derive(Clone, Debug)]
pub(crate) struct Policy<'a> {
    /// The rules (a preset's, or a single one such as [`NO_STD_PANIC`](crate::profile::preset::NO_STD_PANIC)).
    pub(crate) rules: &'a [Rule],
    /// Settings the crate keeps on purpose.
    pub(crate) allow: &'a SettingSet,
    /// Every checked profile: a default value is fixed in the nearest checked ancestor, so
    /// one line fixes every profile that inherits it.
    pub(crate) checked: &'a [String],
    /// The root manifest, shown in fixes that add a line.
    pub(crate) root_manifest: &'a std::path::Path,
}

/// The findings for one resolved profile (settings, then per-package overrides).
///
/// `settings` are the values to check: usually `resolved.settings`; the build script passes
/// the values cargo reports for its own package.
pub(crate) fn check_profile(
    resolved: &Resolved,
    settings: &SettingMap<Entry>,
    policy: &Policy<'_>,
) -> Vec<Finding> {
    let default_table = resolved
        .chain
        .iter()
        .rev()
        .find(|p| policy.checked.contains(p))
        .unwrap_or(&resolved.profile);
    let mut findings = Vec::new();
    for rule in policy.rules {
        if policy.allow.contains(rule.setting) {
            continue;
        }
        let entry = &settings[rule.setting];
        if rule.accepts(entry.value) {
            continue;
        }
        // a value set in a table is fixed in that table; a default in the nearest checked one
        let table = format!(
            "profile.{}",
            entry.inherited_from.as_deref().unwrap_or(default_table)
        );
        findings.push(Finding::Setting(SettingFinding {
            profile: resolved.profile.clone(),
            setting: rule.setting,
            package: None,
            current: entry.value,
            source: entry.source.clone(),
            inherited_from: entry.inherited_from.clone(),
            wanted: rule.wanted(),
            accepted: rule.accepted_list(),
            reason: rule.reason,
            fix: fix_for(&entry.source, rule.wanted(), &table, policy.root_manifest),
            measured: None,
        }));
    }
    for o in &resolved.overrides {
        let Some(rule) = policy.rules.iter().find(|r| r.setting == o.setting) else {
            continue;
        };
        if policy.allow.contains(o.setting) || rule.accepts(o.value.value) {
            continue;
        }
        findings.push(Finding::Setting(SettingFinding {
            profile: resolved.profile.clone(),
            setting: o.setting,
            package: Some(o.spec.clone()),
            current: o.value.value,
            source: o.value.source.clone(),
            inherited_from: None,
            wanted: rule.wanted(),
            accepted: rule.accepted_list(),
            reason: rule.reason,
            fix: fix_for(
                &o.value.source,
                rule.wanted(),
                &resolved.profile,
                policy.root_manifest,
            ),
            measured: None,
        }));
    }
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::preset::Preset;
    use crate::profile::{FileKind, Layer, Profiles};
    use crate::toml_tree::doc;

    fn lines(
        manifest: &str,
        config: &str,
        env: &[(&str, &str)],
        profile: &str,
        checked: &[&str],
    ) -> Vec<String> {
        let m = Layer::from_document(&doc("Cargo.toml", manifest), FileKind::Manifest);
        let c = Layer::from_document(&doc(".cargo/config.toml", config), FileKind::Config);
        let env = crate::host::env_map(env);
        let known = ["release", "dist"].map(String::from);
        let profiles = Profiles::merge([&m, &c, &Layer::from_env(&env, &known)]);
        let resolved = profiles.resolve(profile, None, None).unwrap();
        let checked: Vec<String> = checked.iter().map(|s| s.to_string()).collect();
        let allow = SettingSet::new();
        let policy = Policy {
            rules: Preset::MinSize.rules(),
            allow: &allow,
            checked: &checked,
            root_manifest: "Cargo.toml".as_ref(),
        };
        check_profile(&resolved, &resolved.settings, &policy)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn a_bare_release_profile_lists_every_missing_setting() {
        let got = lines("", "", &[], "release", &["release"]);
        assert_eq!(
            got,
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
    fn fixes_point_at_the_place_that_sets_the_value() {
        let manifest = "[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n[profile.release.package.\"*\"]\nopt-level = 3\n[profile.dist]\ninherits = \"release\"\n";
        let config = "[profile.release]\ncodegen-units = 4\n";
        let got = lines(
            manifest,
            config,
            &[("CARGO_PROFILE_RELEASE_LTO", "thin")],
            "dist",
            &["release", "dist"],
        );
        assert_eq!(
            got,
            vec![
                r#"dist: lto is "thin" (env CARGO_PROFILE_RELEASE_LTO, inherited from release); want true: unset CARGO_PROFILE_RELEASE_LTO (or set it to true)"#,
                r#"dist: codegen-units is 4 (.cargo/config.toml:2, inherited from release); want 1: change it to `codegen-units = 1` at .cargo/config.toml:2"#,
                r#"dist: opt-level is 3 for package "*" (Cargo.toml:8); want "z" or "s": change it to `opt-level = "z"` at Cargo.toml:8"#,
            ]
        );
    }

    #[test]
    fn a_default_is_fixed_in_the_nearest_checked_ancestor() {
        let manifest = "[profile.dist]\ninherits = \"release\"\nopt-level = \"s\"\nlto = true\ncodegen-units = 1\nstrip = true\n";
        assert_eq!(
            lines(manifest, "", &[], "dist", &["release", "dist"]),
            vec![
                r#"dist: panic is "unwind" (cargo's default for release); want "abort": add `panic = "abort"` under [profile.release] in Cargo.toml"#
            ]
        );
        assert_eq!(
            lines(manifest, "", &[], "dist", &["dist"]),
            vec![
                r#"dist: panic is "unwind" (cargo's default for release); want "abort": add `panic = "abort"` under [profile.dist] in Cargo.toml"#
            ]
        );
    }

    #[test]
    fn a_complete_profile_has_no_findings() {
        let manifest = "[profile.release]\nopt-level = \"z\"\nlto = \"fat\"\ncodegen-units = 1\npanic = \"abort\"\nstrip = \"symbols\"\ndebug = 0\n";
        assert!(lines(manifest, "", &[], "release", &["release"]).is_empty());
    }

    #[test]
    fn findings_are_one_line_each() {
        let got = lines(
            "[profile.release]\ndebug = \"full\"\nincremental = true\n",
            "",
            &[("CARGO_INCREMENTAL", "1")],
            "release",
            &["release"],
        );
        assert!(got.iter().all(|l| !l.contains('\n')));
        assert!(got.contains(&r#"release: debug is true (Cargo.toml:2); want false: change it to `debug = false` at Cargo.toml:2"#.to_string()));
        assert!(got.contains(&"release: incremental is true (env CARGO_INCREMENTAL); want false: unset CARGO_INCREMENTAL (or set it to 0)".to_string()));
    }
}
