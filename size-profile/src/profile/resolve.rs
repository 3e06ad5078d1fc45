//! The effective value of every size setting of a named profile, with its source.
//!
//! Order, as cargo applies it (first wins per key, walking the `inherits` chain from the
//! named profile to its root `dev` or `release`): the merged layers' tables, then cargo's
//! built-in defaults of the root; then the global `incremental` switch; then `-C` flags in
//! the rustflags, which rustc reads after cargo's own.
//! See <https://doc.rust-lang.org/cargo/reference/profiles.html#default-profiles>.

use std::fmt;

use crate::profile::rustflags::Rustflags;
use crate::profile::setting::{DebugInfo, Lto, OptLevel, Panic, Setting, Strip, Value};
use crate::profile::setting_map::SettingMap;
use crate::profile::{Profiles, Settings, Sourced};
use crate::source::Source;

/// Why a profile cannot be resolved. Cargo refuses such a build too.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ResolveError {
    /// No table defines the profile and it is not built in.
    Unknown {
        /// The profile asked for.
        name: String,
        /// The profiles there are: the built-in ones, then the tables', in their order.
        defined: Vec<String>,
    },
    /// A custom profile without `inherits`.
    NoInherits(String),
    /// `inherits` names a profile that does not exist.
    UnknownParent {
        /// The profile with the `inherits`.
        profile: String,
        /// The missing parent.
        parent: String,
        /// Where the `inherits` is.
        source: Source,
    },
    /// The `inherits` chain comes back to a profile it has passed.
    Cycle(Vec<String>),
}

impl fmt::Display for ResolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // the next step, as cargo would want it: the profile defined, inheriting release
            ResolveError::Unknown { name, defined } => write!(
                f,
                "profile `{name}` is not defined (the profiles are {}): add `[profile.{name}]` with `inherits = \"release\"` to the workspace root's Cargo.toml",
                defined.join(", ")
            ),
            ResolveError::NoInherits(name) => {
                write!(
                    f,
                    "profile `{name}` needs `inherits = \"release\"` (or another profile)"
                )
            }
            ResolveError::UnknownParent {
                profile,
                parent,
                source,
            } => {
                write!(
                    f,
                    "profile `{profile}` inherits from `{parent}`, which is not defined ({source}): inherit from `release` (or another profile) there, or define `[profile.{parent}]`"
                )
            }
            ResolveError::Cycle(chain) => {
                f.write_str("profiles inherit in a cycle: ")?;
                for (i, profile) in chain.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" -> ")?;
                    }
                    f.write_str(profile)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ResolveError {}

/// A resolved value, where it was set, and which profile table set it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The effective value.
    pub value: Value,
    /// Where it was set.
    pub source: Source,
    /// The profile whose table set it, when that is not the resolved profile itself
    /// (the value is inherited), or `None`.
    pub inherited_from: Option<String>,
}

/// A `[profile.X.package.<spec>]` value in effect for the resolved profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Override {
    /// The package spec (`"*"` is every dependency, never a workspace member).
    pub spec: String,
    /// The setting.
    pub setting: Setting,
    /// The value and where it was set.
    pub value: Sourced<Value>,
}

/// The crate a profile is resolved for: a workspace member's name, and what it links.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Crate {
    /// The package's name: its `[profile.X.package.<name>]` tables apply.
    pub name: String,
    /// Its version, when the manifest writes it (a `name@version` table must match it).
    pub version: Option<String>,
    /// The packages it links, each with whether it is a workspace member (`"*"` tables never
    /// reach members): their debug info decides cargo's default `strip`.
    pub dependencies: Vec<(String, bool)>,
}

/// The effective profile.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    /// The profile's name.
    pub profile: String,
    /// The `inherits` chain, starting with `profile` and ending with `dev` or `release`.
    pub chain: Vec<String>,
    /// Every setting's effective value for the crate that is built: the profile, with the
    /// `[profile.X.package.<name>]` table of that package laid over it when the resolve named
    /// one, then rustflags.
    pub settings: SettingMap<Entry>,
    /// Per-package overrides in effect, nearest profile first.
    pub overrides: Vec<Override>,
    /// `build-override` values (build scripts and proc-macros; they do not ship).
    pub build_override: Vec<Override>,
}

impl Resolved {
    /// The effective value of one setting.
    pub fn get(&self, setting: Setting) -> &Entry {
        &self.settings[setting]
    }

    /// The root profile (`dev` or `release`) whose defaults apply.
    pub fn root(&self) -> &str {
        self.chain.last().map_or("release", String::as_str)
    }
}

/// Adds the values of one `package.<spec>` (or `build-override`) table that a nearer
/// profile has not set already.
fn add_overrides(out: &mut Vec<Override>, spec: &str, values: &Settings) {
    for (setting, value) in values.iter() {
        if !out.iter().any(|o| o.spec == spec && o.setting == setting) {
            out.push(Override {
                spec: spec.to_owned(),
                setting,
                value: value.clone(),
            });
        }
    }
}

/// The built-in parent of `test` and `bench` when they set no `inherits`.
fn builtin_parent(name: &str) -> Option<&'static str> {
    match name {
        "test" | "doc" | "check" => Some("dev"),
        "bench" => Some("release"),
        _ => None,
    }
}

/// Cargo's default for a setting of a root profile. `codegen-units` follows rustc's own
/// default (256 with incremental compilation, else 16); `strip` is decided later, from `debug`.
fn default_value(root: &str, setting: Setting, incremental: bool) -> Value {
    let dev = root == "dev";
    match setting {
        Setting::OptLevel => Value::OptLevel(if dev { OptLevel::O0 } else { OptLevel::O3 }),
        Setting::Lto => Value::Lto(Lto::ThinLocal),
        Setting::CodegenUnits => Value::CodegenUnits(if incremental { 256 } else { 16 }),
        Setting::Panic => Value::Panic(Panic::Unwind),
        Setting::Strip => Value::Strip(Strip::None),
        Setting::Debug => Value::Debug(if dev {
            DebugInfo::Full
        } else {
            DebugInfo::None
        }),
        Setting::Incremental => Value::Incremental(dev),
    }
}

impl Profiles {
    /// Cargo's own values for `dev` or `release` (or `test`, `bench`) when nothing sets any:
    /// what the ladder starts from and what a finding calls "cargo's default".
    pub fn cargo_defaults(profile: &str) -> Result<SettingMap<Entry>, ResolveError> {
        Ok(Profiles::default().resolve(profile, None, None)?.settings)
    }

    /// The `inherits` chain of a profile, from itself to `dev` or `release`.
    pub fn chain(&self, name: &str) -> Result<Vec<String>, ResolveError> {
        let mut chain = vec![name.to_owned()];
        let mut current = name.to_owned();
        loop {
            if current == "dev" || current == "release" {
                return Ok(chain);
            }
            let table = self.tables.get(&current);
            let parent = match table.and_then(|t| t.inherits.as_ref()) {
                Some(p) => p.value.clone(),
                None => match (builtin_parent(&current), table) {
                    (Some(p), _) => p.to_owned(),
                    (None, Some(_)) => return Err(ResolveError::NoInherits(current)),
                    (None, None) => {
                        return Err(ResolveError::Unknown {
                            name: current,
                            defined: self.defined(),
                        });
                    }
                },
            };
            if chain.contains(&parent) {
                chain.push(parent);
                return Err(ResolveError::Cycle(chain));
            }
            let known = self.tables.contains_key(&parent)
                || builtin_parent(&parent).is_some()
                || parent == "dev"
                || parent == "release";
            if !known {
                let source = table
                    .and_then(|t| t.inherits.as_ref())
                    .map(|i| i.source.clone())
                    .unwrap_or_else(|| Source::Default(current.clone()));
                return Err(ResolveError::UnknownParent {
                    profile: current,
                    parent,
                    source,
                });
            }
            chain.push(parent.clone());
            current = parent;
        }
    }

    /// Resolves a profile for `krate` (a workspace member's crate; `None` for the profile
    /// alone); `rustflags` are the flags rustc also gets.
    ///
    /// Cargo builds a member's crate from the profile (the `inherits` chain merged key by
    /// key), then lays the member's `[profile.X.package.<name>]` table over it. That table
    /// replaces `strip` even when it does not set it: cargo's profile merge takes `strip` from
    /// the table or else from its default, so `strip = "symbols"` in the profile and a package
    /// table with only `codegen-units = 1` builds with `-C strip=debuginfo` (cargo's
    /// `merge_profile`). The default strips debug info when the crate and every dependency it
    /// links have none; a dependency's debug info is its own package table's, else `"*"`'s
    /// (never for a workspace member), else the profile's. Then the global `incremental`
    /// switch, then the rustflags, which rustc reads after cargo's own flags.
    pub fn resolve(
        &self,
        name: &str,
        rustflags: Option<&Rustflags>,
        krate: Option<&Crate>,
    ) -> Result<Resolved, ResolveError> {
        let chain = self.chain(name)?;
        let root = chain.last().cloned().unwrap_or_default();
        let tables: Vec<(&String, Option<&crate::profile::ProfileTable>)> =
            chain.iter().map(|p| (p, self.tables.get(p))).collect();

        let from_tables = |setting: Setting| {
            tables.iter().find_map(|(profile, table)| {
                let v = (*table)?.settings.get(setting)?;
                let inherited_from = (profile.as_str() != name).then(|| (*profile).clone());
                Some(Entry {
                    value: v.value,
                    source: v.source.clone(),
                    inherited_from,
                })
            })
        };
        let default = |setting: Setting, incremental: bool| Entry {
            value: default_value(&root, setting, incremental),
            source: Source::Default(root.clone()),
            inherited_from: None,
        };

        // the member's package table, nearest profile first per key
        let spec_of = |spec: &str| spec.split('@').next().unwrap_or_default().to_owned();
        // `name` or `name@version` (a partial version matches as cargo's spec does: `app@0.1`
        // is every 0.1.x); without a known version the name decides
        let is_own = |spec: &str| {
            let Some(krate) = krate else { return false };
            let (name, version) = match spec.split_once('@') {
                Some((n, v)) => (n, Some(v)),
                None => (spec, None),
            };
            name == krate.name
                && match (version, &krate.version) {
                    (Some(want), Some(have)) => {
                        have == want || have.starts_with(&format!("{want}."))
                    }
                    _ => true,
                }
        };
        let mut member: Option<(String, String, crate::profile::PackageTable)> = None;
        for (profile, table) in &tables {
            let Some(table) = table else { continue };
            for (spec, t) in &table.packages {
                if !is_own(spec) {
                    continue;
                }
                match &mut member {
                    None => member = Some(((*profile).clone(), spec.clone(), t.clone())),
                    Some((_, _, nearer)) => {
                        let mut merged = t.settings.clone();
                        merged.overlay(&nearer.settings);
                        nearer.settings = merged;
                    }
                }
            }
        }
        let from_member = |setting: Setting| {
            let (_, _, t) = member.as_ref()?;
            let v = t.settings.get(setting)?;
            Some(Entry {
                value: v.value,
                source: v.source.clone(),
                inherited_from: None,
            })
        };

        let mut settings = SettingMap::new();
        // incremental first: the codegen-units default depends on it
        let incremental = match &self.incremental {
            Some(global) => Entry {
                value: Value::Incremental(global.value),
                source: global.source.clone(),
                inherited_from: None,
            },
            None => from_member(Setting::Incremental)
                .or_else(|| from_tables(Setting::Incremental))
                .unwrap_or_else(|| default(Setting::Incremental, false)),
        };
        let incremental_on = incremental.value == Value::Incremental(true);
        settings.insert(Setting::Incremental, incremental);
        for setting in Setting::ALL {
            if setting == Setting::Incremental {
                continue;
            }
            let entry = from_member(setting)
                .or_else(|| from_tables(setting))
                .unwrap_or_else(|| default(setting, incremental_on));
            settings.insert(setting, entry);
        }
        if let Some((profile, spec, table)) = &member {
            if !table.settings.contains_key(Setting::Strip) {
                let at = table.at.location().cloned();
                let entry = Entry {
                    value: Value::Strip(Strip::None),
                    source: Source::PackageDefault {
                        table: format!("profile.{profile}.package.\"{spec}\""),
                        at,
                    },
                    inherited_from: None,
                };
                settings.insert(Setting::Strip, entry);
            }
        }

        // nearest profile first: the first value of a (spec, setting) pair is the one in effect
        let mut overrides = Vec::new();
        let mut build_override = Vec::new();
        for table in tables.iter().filter_map(|(_, table)| *table) {
            for (spec, t) in &table.packages {
                // the package's own table is in `settings` already
                if !is_own(spec) {
                    add_overrides(&mut overrides, spec, &t.settings);
                }
            }
            add_overrides(&mut build_override, "build-override", &table.build_override);
        }

        // cargo strips debug info by default when the crate and the dependencies it links have
        // none (cargo's `rebuild_unit_graph_shared`)
        let debug_on = |v: Value| v != Value::Debug(DebugInfo::None);
        let profile_debug = from_tables(Setting::Debug)
            .map_or_else(|| default_value(&root, Setting::Debug, false), |e| e.value);
        let override_debug = |matches: &dyn Fn(&str) -> bool| {
            overrides
                .iter()
                .find(|o| o.setting == Setting::Debug && matches(&o.spec))
                .map(|o| o.value.value)
        };
        let dependency_debug = match krate {
            Some(krate) => krate.dependencies.iter().any(|(dep, member)| {
                let own = override_debug(&|spec| spec != "*" && spec_of(spec) == *dep);
                let every = || {
                    (!member)
                        .then(|| override_debug(&|spec| spec == "*"))
                        .flatten()
                };
                debug_on(own.or_else(every).unwrap_or(profile_debug))
            }),
            // what the crate links is not known: assume dependencies, with whatever debug info
            // a table gives any of them
            None => {
                debug_on(profile_debug)
                    || overrides
                        .iter()
                        .any(|o| o.setting == Setting::Debug && debug_on(o.value.value))
            }
        };
        let strip = &settings[Setting::Strip];
        if matches!(
            strip.source,
            Source::Default(_) | Source::PackageDefault { .. }
        ) && !debug_on(settings[Setting::Debug].value)
            && !dependency_debug
        {
            if let Some(strip) = settings.get_mut(Setting::Strip) {
                strip.value = Value::Strip(Strip::Debuginfo);
            }
        }
        if let Some(flags) = rustflags {
            for (setting, set) in flags.settings() {
                let value = set.value;
                let source = Source::Rustflags {
                    origin: set.origin,
                    flag: set.flag,
                };
                settings.insert(
                    setting,
                    Entry {
                        value,
                        source,
                        inherited_from: None,
                    },
                );
            }
        }

        Ok(Resolved {
            profile: name.to_owned(),
            chain,
            settings,
            overrides,
            build_override,
        })
    }

    /// Every profile name that is defined (by a table or built in).
    pub fn defined(&self) -> Vec<String> {
        let mut names: Vec<String> = crate::profile::BUILT_IN.map(String::from).into();
        for name in self.tables.keys() {
            if !names.contains(name) {
                names.push(name.clone());
            }
        }
        names
    }

    /// `release` and every profile that inherits from it, except the built-in `bench`:
    /// the profiles that ship by default.
    pub fn shipping(&self) -> Vec<String> {
        self.defined()
            .into_iter()
            .filter(|name| name != "bench")
            .filter(|name| {
                self.chain(name)
                    .is_ok_and(|c| c.last().is_some_and(|r| r == "release"))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::{FileKind, Layer};
    use crate::toml_tree::doc;

    fn profiles(manifest: &str) -> Profiles {
        Profiles::merge([&Layer::from_document(
            &doc("Cargo.toml", manifest),
            FileKind::Manifest,
        )])
    }

    fn krate(name: &str, deps: &[(&str, bool)]) -> Crate {
        Crate {
            name: name.into(),
            version: Some("0.1.0".into()),
            dependencies: deps.iter().map(|(d, m)| ((*d).into(), *m)).collect(),
        }
    }

    fn show(r: &Resolved, s: Setting) -> String {
        let e = r.get(s);
        match &e.inherited_from {
            Some(p) => format!("{} @ {} via {p}", e.value, e.source),
            None => format!("{} @ {}", e.value, e.source),
        }
    }

    #[test]
    fn release_defaults_strip_debuginfo_only() {
        let r = profiles("").resolve("release", None, None).unwrap();
        assert_eq!(
            show(&r, Setting::OptLevel),
            "3 @ cargo's default for release"
        );
        assert_eq!(
            show(&r, Setting::Strip),
            "\"debuginfo\" @ cargo's default for release"
        );
        assert_eq!(
            show(&r, Setting::CodegenUnits),
            "16 @ cargo's default for release"
        );
        assert_eq!(
            show(&r, Setting::Debug),
            "false @ cargo's default for release"
        );
        assert_eq!(
            show(&r, Setting::Lto),
            "false @ cargo's default for release"
        );
    }

    #[test]
    fn debug_info_turns_the_default_strip_off() {
        let r = profiles("[profile.release]\ndebug = 1\n")
            .resolve("release", None, None)
            .unwrap();
        assert_eq!(r.get(Setting::Strip).value, Value::Strip(Strip::None));
    }

    #[test]
    fn dev_defaults() {
        let r = profiles("").resolve("dev", None, None).unwrap();
        assert_eq!(
            r.get(Setting::OptLevel).value,
            Value::OptLevel(OptLevel::O0)
        );
        assert_eq!(r.get(Setting::CodegenUnits).value, Value::CodegenUnits(256));
        assert_eq!(r.get(Setting::Incremental).value, Value::Incremental(true));
        assert_eq!(r.get(Setting::Strip).value, Value::Strip(Strip::None));
        let t = profiles("").resolve("test", None, None).unwrap();
        assert_eq!(t.chain, vec!["test", "dev"]);
    }

    #[test]
    fn inherits_chain_reports_which_profile_set_a_value() {
        let p = profiles(
            "[profile.release]\nlto = true\n[profile.dist]\ninherits = \"release\"\npanic = \"abort\"\n[profile.tiny]\ninherits = \"dist\"\nopt-level = \"z\"\n",
        );
        let r = p.resolve("tiny", None, None).unwrap();
        assert_eq!(r.chain, vec!["tiny", "dist", "release"]);
        assert_eq!(show(&r, Setting::Lto), "true @ Cargo.toml:2 via release");
        assert_eq!(
            show(&r, Setting::Panic),
            "\"abort\" @ Cargo.toml:5 via dist"
        );
        assert_eq!(show(&r, Setting::OptLevel), "\"z\" @ Cargo.toml:8");
        assert_eq!(p.shipping(), vec!["release", "dist", "tiny"]);
    }

    #[test]
    fn broken_chains_are_errors_not_panics() {
        let p = profiles(
            "[profile.a]\ninherits = \"b\"\n[profile.b]\ninherits = \"a\"\n[profile.c]\nlto = true\n[profile.d]\ninherits = \"nope\"\n",
        );
        assert_eq!(
            p.chain("a").unwrap_err().to_string(),
            "profiles inherit in a cycle: a -> b -> a"
        );
        assert_eq!(
            p.chain("c").unwrap_err().to_string(),
            "profile `c` needs `inherits = \"release\"` (or another profile)"
        );
        assert_eq!(
            p.chain("d").unwrap_err().to_string(),
            "profile `d` inherits from `nope`, which is not defined (Cargo.toml:8): inherit from `release` (or another profile) there, or define `[profile.nope]`"
        );
        // the next step named: the profiles there are, and how to define this one
        assert_eq!(
            p.chain("e").unwrap_err().to_string(),
            "profile `e` is not defined (the profiles are dev, release, test, bench, a, b, c, d): add `[profile.e]` with `inherits = \"release\"` to the workspace root's Cargo.toml"
        );
        assert_eq!(p.shipping(), vec!["release"]);
    }

    #[test]
    fn config_reaches_children_before_inherits_is_followed() {
        let manifest = Layer::from_document(
            &doc(
                "Cargo.toml",
                "[profile.dist]\ninherits = \"release\"\nlto = true\n",
            ),
            FileKind::Manifest,
        );
        let config = Layer::from_document(
            &doc(
                ".cargo/config.toml",
                "[profile.release]\nlto = \"off\"\ncodegen-units = 3\n",
            ),
            FileKind::Config,
        );
        let r = Profiles::merge([&manifest, &config])
            .resolve("dist", None, None)
            .unwrap();
        assert_eq!(show(&r, Setting::Lto), "true @ Cargo.toml:3");
        assert_eq!(
            show(&r, Setting::CodegenUnits),
            "3 @ .cargo/config.toml:3 via release"
        );
    }

    #[test]
    fn env_beats_config_and_global_incremental_beats_profiles() {
        let config = Layer::from_document(
            &doc(
                ".cargo/config.toml",
                "[profile.release]\nlto = true\nincremental = false\n",
            ),
            FileKind::Config,
        );
        let env = crate::host::env_map(&[
            ("CARGO_PROFILE_RELEASE_LTO", "thin"),
            ("CARGO_INCREMENTAL", "1"),
        ]);
        let known = ["release".to_string()];
        let r = Profiles::merge([&config, &Layer::from_env(&env, &known)])
            .resolve("release", None, None)
            .unwrap();
        assert_eq!(
            show(&r, Setting::Lto),
            "\"thin\" @ env CARGO_PROFILE_RELEASE_LTO"
        );
        assert_eq!(
            show(&r, Setting::Incremental),
            "true @ env CARGO_INCREMENTAL"
        );
        assert_eq!(r.get(Setting::CodegenUnits).value, Value::CodegenUnits(256));
    }

    #[test]
    fn rustflags_win_last_flag_first() {
        let flags = Rustflags::from_spaced(
            "RUSTFLAGS",
            "-C opt-level=2 -Copt-level=3 --codegen lto -g -C target-cpu=native",
        );
        let r = profiles("[profile.release]\nopt-level = \"z\"\n")
            .resolve("release", Some(&flags), None)
            .unwrap();
        assert_eq!(
            show(&r, Setting::OptLevel),
            "3 @ `-Copt-level=3` in RUSTFLAGS"
        );
        assert_eq!(
            show(&r, Setting::Lto),
            "true @ `--codegen lto` in RUSTFLAGS"
        );
        assert_eq!(show(&r, Setting::Debug), "true @ `-g` in RUSTFLAGS");
        let enc = Rustflags::from_encoded(
            "CARGO_ENCODED_RUSTFLAGS",
            "-C\x1fpanic=abort\x1f-Cstrip=symbols",
        );
        let s = enc.settings();
        assert_eq!(s[Setting::Panic].value, Value::Panic(Panic::Abort));
        assert_eq!(s[Setting::Strip].flag, "-Cstrip=symbols");
    }

    #[test]
    fn package_overrides_nearest_profile_first() {
        let p = profiles(
            "[profile.release.package.\"*\"]\nopt-level = 3\ndebug = 1\n[profile.dist]\ninherits = \"release\"\n[profile.dist.package.\"*\"]\nopt-level = 2\n[profile.dist.package.app]\nopt-level = 1\n[profile.dist.build-override]\nopt-level = 0\n",
        );
        let r = p.resolve("dist", None, None).unwrap();
        let got: Vec<String> = r
            .overrides
            .iter()
            .map(|o| {
                format!(
                    "{} {}={} {}",
                    o.spec, o.setting, o.value.value, o.value.source
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                "* opt-level=2 Cargo.toml:7",
                "app opt-level=1 Cargo.toml:9",
                "* debug=\"limited\" Cargo.toml:3"
            ]
        );
        assert_eq!(r.build_override.len(), 1);
        let app = p.resolve("dist", None, Some(&krate("app", &[]))).unwrap();
        assert_eq!(show(&app, Setting::OptLevel), "1 @ Cargo.toml:9");
        // its own table is in its settings, no longer an override of someone else
        assert!(app.overrides.iter().all(|o| o.spec != "app"));
        // "*" never applies to a member
        let other = p.resolve("dist", None, Some(&krate("other", &[]))).unwrap();
        assert_eq!(
            other.get(Setting::OptLevel).value,
            Value::OptLevel(OptLevel::O3)
        );
    }

    /// cargo 1.95, hello world: `strip = "symbols"` in the profile and a package table with
    /// only `codegen-units = 1` build with `-C strip=debuginfo` (445,896 bytes, not 343,408).
    #[test]
    fn a_package_table_without_strip_puts_strip_back_to_its_default() {
        let p = profiles(
            "[profile.release]\nstrip = \"symbols\"\n[profile.release.package.app]\ncodegen-units = 1\n[profile.release.package.\"app@0.1.0\"]\nopt-level = \"z\"\n",
        );
        let app = p
            .resolve("release", None, Some(&krate("app", &[])))
            .unwrap();
        assert_eq!(
            show(&app, Setting::Strip),
            "\"debuginfo\" @ cargo's default, because [profile.release.package.\"app\"] at Cargo.toml:3 does not set it"
        );
        assert_eq!(show(&app, Setting::CodegenUnits), "1 @ Cargo.toml:4");
        assert_eq!(show(&app, Setting::OptLevel), "\"z\" @ Cargo.toml:6");
        // a table for another version of it does not apply
        let other_version = profiles(
            "[profile.release.package.\"app@0.2\"]\nopt-level = \"s\"\n[profile.release.package.\"app@0.1\"]\ncodegen-units = 2\nstrip = true\n",
        );
        let app = other_version
            .resolve("release", None, Some(&krate("app", &[])))
            .unwrap();
        assert_eq!(
            show(&app, Setting::OptLevel),
            "3 @ cargo's default for release"
        );
        assert_eq!(show(&app, Setting::CodegenUnits), "2 @ Cargo.toml:4");
        // another package's table changes nothing for this one
        let other = p
            .resolve("release", None, Some(&krate("other", &[])))
            .unwrap();
        assert_eq!(show(&other, Setting::Strip), "true @ Cargo.toml:2");
        // a table that sets strip keeps its own value
        let set = profiles(
            "[profile.release]\nstrip = true\n[profile.release.package.app]\nstrip = \"symbols\"\n",
        );
        let app = set
            .resolve("release", None, Some(&krate("app", &[])))
            .unwrap();
        assert_eq!(show(&app, Setting::Strip), "true @ Cargo.toml:4");
    }

    /// Cases cargo 1.95 decided (`cargo build -v`, the oracle's cases 172, 302 and 323).
    #[test]
    fn only_the_debug_info_of_what_the_crate_links_keeps_the_default_strip_at_none() {
        let strip = |manifest: &str, deps: &[(&str, bool)]| {
            profiles(manifest)
                .resolve("release", None, Some(&krate("app", deps)))
                .unwrap()
                .get(Setting::Strip)
                .value
        };
        let none = Value::Strip(Strip::None);
        let debuginfo = Value::Strip(Strip::Debuginfo);
        let star = "[profile.release.package.\"*\"]\ndebug = 1\n";
        // "*" reaches dependencies that are not members: with one, no default strip
        assert_eq!(strip(star, &[("serde", false)]), none);
        // with none linked, or only a workspace member, the default strip stays
        assert_eq!(strip(star, &[]), debuginfo);
        assert_eq!(strip(star, &[("helper", true)]), debuginfo);
        // a dependency's own table
        let named = "[profile.release.package.serde]\ndebug = 1\n";
        assert_eq!(strip(named, &[("serde", false)]), none);
        assert_eq!(strip(named, &[("log", false)]), debuginfo);
        // the profile has debug info but the crate's own table turns it off
        let own_off = "[profile.release]\ndebug = 1\n[profile.release.package.app]\ndebug = 0\n";
        assert_eq!(strip(own_off, &[]), debuginfo);
        assert_eq!(strip(own_off, &[("log", false)]), none);
        // the crate's own debug info
        let own_on = "[profile.release.package.app]\ndebug = 1\n";
        assert_eq!(strip(own_on, &[]), none);
    }
}
