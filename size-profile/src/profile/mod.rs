//! The profile model: settings and their values ([`setting`]), rustflags and the target's `cfg`
//! ([`rustflags`], [`cfg`](mod@cfg)), the presets ([`preset`]), the resolver ([`resolve`]), and here the
//! profile tables as each layer writes them (the root manifest, `.cargo/config.toml` files,
//! `CARGO_PROFILE_*` variables) and their merge, in cargo's precedence.
//!
//! Cargo merges the config layers into the manifest's tables *before* it follows `inherits`:
//! a `[profile.release]` in `.cargo/config.toml` also reaches a `[profile.dist]` that inherits
//! from release, unless dist sets the key itself.
//! See <https://doc.rust-lang.org/cargo/reference/config.html#profile>.

pub(crate) mod cfg;
pub(crate) mod preset;
pub(crate) mod resolve;
pub(crate) mod rustflags;
pub(crate) mod setting;
pub(crate) mod setting_map;

use std::fmt;
use std::path::Path;

use crate::host::{Env, Files};
use crate::map::NameMap;
use crate::profile::setting::{Raw, Setting, Value, env_form};
use crate::profile::setting_map::SettingMap;
use crate::source::{Source, SourceFile};
use crate::toml_tree::{Document, Node, Problem};

/// A value and where it was set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sourced<T> {
    /// The value.
    pub value: T,
    /// Where it was set.
    pub source: Source,
}

/// Settings of one table: a profile, a `package.<spec>` override, or `build-override`.
pub(crate) type Settings = SettingMap<Sourced<Value>>;

/// One `[profile.<name>.package.<spec>]` table.
///
/// Its mere presence matters: cargo lays a matching package table over the profile the way it
/// lays the profile over the defaults, and a table without `strip` puts `strip` back to
/// cargo's default (see [`crate::profile::resolve::Resolved`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageTable {
    /// Where the table is (the one of highest precedence, when several layers write it).
    pub at: Source,
    /// The settings it sets.
    pub settings: Settings,
}

/// One `[profile.<name>]` table, as one layer writes it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ProfileTable {
    /// The settings the table sets.
    pub settings: Settings,
    /// `inherits`.
    pub inherits: Option<Sourced<String>>,
    /// `[profile.<name>.package.<spec>]` tables by spec (`"*"`, `name`, `name@version`).
    pub packages: NameMap<PackageTable>,
    /// `[profile.<name>.build-override]`: build scripts and proc-macros, which do not ship.
    pub build_override: Settings,
}

impl ProfileTable {
    /// Lays `over` on top of `self`: every key `over` sets wins.
    fn merge(&mut self, over: &ProfileTable) {
        self.settings.overlay(&over.settings);
        if over.inherits.is_some() {
            self.inherits.clone_from(&over.inherits);
        }
        for (spec, table) in &over.packages {
            match self.packages.get_mut(spec) {
                Some(mine) => {
                    mine.settings.overlay(&table.settings);
                    mine.at.clone_from(&table.at);
                }
                None => {
                    self.packages.insert(spec.clone(), table.clone());
                }
            }
        }
        self.build_override.overlay(&over.build_override);
    }
}

/// The profiles cargo defines without a table: the roots `dev` and `release`, and `test` and
/// `bench`, which inherit from them.
pub const BUILT_IN: [&str; 4] = ["dev", "release", "test", "bench"];

/// Why cargo refuses a profile name (cargo's `validate_profile_name`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProfileNameError {
    /// The name is empty.
    Empty,
    /// The name has a character other than a letter, a digit, `_` or `-`.
    Character {
        /// The name.
        name: String,
        /// The first character cargo refuses.
        found: char,
    },
    /// Cargo keeps the name for itself (`debug`, `build`, `cargo…`, …).
    Reserved(String),
}

impl fmt::Display for ProfileNameError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProfileNameError::Empty => f.write_str("a profile name cannot be empty"),
            ProfileNameError::Character { name, found } => write!(
                f,
                "invalid character `{found}` in profile name `{name}`: letters, numbers, `_` and `-` only"
            ),
            ProfileNameError::Reserved(name) => {
                write!(f, "profile name `{name}` is reserved by cargo")
            }
        }
    }
}

impl std::error::Error for ProfileNameError {}

/// Checks `name` as cargo checks a profile name: letters, digits, `_` and `-` only, and not
/// one of the names cargo reserves (`debug` is reserved too, as the directory of `dev`).
pub fn check_profile_name(name: &str) -> Result<(), ProfileNameError> {
    if name.is_empty() {
        return Err(ProfileNameError::Empty);
    }
    if let Some(found) = name
        .chars()
        .find(|c| !c.is_alphanumeric() && *c != '_' && *c != '-')
    {
        return Err(ProfileNameError::Character {
            name: name.to_owned(),
            found,
        });
    }
    let lower = name.to_lowercase();
    let reserved = [
        "debug",
        "build-override",
        "build",
        "check",
        "clean",
        "config",
        "fetch",
        "fix",
        "install",
        "metadata",
        "package",
        "publish",
        "report",
        "root",
        "run",
        "rust",
        "rustc",
        "rustdoc",
        "target",
        "tmp",
        "uninstall",
    ];
    if reserved.contains(&lower.as_str()) || lower.starts_with("cargo") {
        return Err(ProfileNameError::Reserved(name.to_owned()));
    }
    Ok(())
}

/// A value cargo would reject, found while reading a layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidValue {
    /// The profile the value is for.
    pub profile: String,
    /// The full key, e.g. `profile.release.lto`.
    pub key: String,
    /// The value as written.
    pub value: String,
    /// Where it is.
    pub source: Source,
    /// What cargo expects instead.
    pub problem: String,
}

/// The profile tables of one layer, with the global `incremental` switch.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Layer {
    /// Tables by profile name.
    pub profiles: NameMap<ProfileTable>,
    /// `build.incremental` (config) or `CARGO_INCREMENTAL` (env): overrides every profile.
    pub incremental: Option<Sourced<bool>>,
    /// Values cargo would reject; they take no part in the merge.
    pub invalid: Vec<InvalidValue>,
}

/// Which kind of file a layer comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    /// The workspace root `Cargo.toml`.
    Manifest,
    /// A `.cargo/config.toml` file.
    Config,
    /// A `KEY=VALUE` given with `--config` on cargo's command line.
    CommandLine,
}

/// A `--config` argument of cargo's command line. It wins over the config files and over
/// the variables that stand for config keys (`CARGO_PROFILE_*`, `CARGO_BUILD_*`), a later one
/// over an earlier one; not over `CARGO_TARGET_DIR`, `CARGO_INCREMENTAL` or `RUSTFLAGS`,
/// which cargo reads apart from its config (all as cargo 1.95 does, checked with `-v`).
#[derive(Clone, Debug)]
pub enum ConfigArg {
    /// `KEY=VALUE`: a document of that one line, whose path is the argument as given.
    Value(Document),
    /// The path of an extra config file, read.
    File(Document),
}

impl ConfigArg {
    /// Reads a `--config` argument as cargo does: the file at `cwd`/`arg` when there is one,
    /// else the argument itself as a `KEY=VALUE` document. (That a value is one dotted key,
    /// as cargo also requires, the front checks: this reader keeps no TOML decoration.)
    pub fn read(arg: &str, cwd: &Path, files: &dyn Files) -> Result<ConfigArg, Problem> {
        let path = cwd.join(arg);
        let file = match arg.is_empty() {
            true => Err(std::io::ErrorKind::NotFound.into()),
            false => files.read(&path),
        };
        match file {
            Ok(text) => Ok(ConfigArg::File(Document::parse(SourceFile::new(
                arg, text,
            ))?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(ConfigArg::Value(
                Document::parse(SourceFile::new(arg, arg))?,
            )),
            Err(e) => Err(Problem::file(
                arg,
                format!("--config file cannot be read: {e}"),
            )),
        }
    }

    /// The document it gives.
    pub fn document(&self) -> &Document {
        match self {
            ConfigArg::Value(doc) | ConfigArg::File(doc) => doc,
        }
    }

    /// Its layer of profile tables.
    pub fn layer(&self) -> Layer {
        match self {
            ConfigArg::Value(doc) => Layer::from_document(doc, FileKind::CommandLine),
            ConfigArg::File(doc) => Layer::from_document(doc, FileKind::Config),
        }
    }
}

impl Layer {
    /// Reads the `[profile]` tables of a manifest or config file.
    pub fn from_document(doc: &Document, kind: FileKind) -> Layer {
        let mut layer = Layer::default();
        let source = |node: &Node| match kind {
            FileKind::Manifest => Source::Manifest(node.at.clone()),
            FileKind::Config => Source::Config(node.at.clone()),
            FileKind::CommandLine => Source::CommandLine(doc.path().display().to_string()),
        };
        if let Some(profiles) = doc.root.get("profile").and_then(Node::table) {
            for (name, node) in profiles {
                if let Err(problem) = check_profile_name(name) {
                    // cargo refuses the whole file: it concerns every profile
                    layer.invalid.push(InvalidValue {
                        profile: "*".into(),
                        key: format!("profile.{name}"),
                        value: format!("a {}", node.type_name()),
                        source: source(node),
                        problem: problem.to_string(),
                    });
                    continue;
                }
                let Some(table) = node.table() else {
                    layer.invalid.push(InvalidValue {
                        profile: name.clone(),
                        key: format!("profile.{name}"),
                        value: format!("a {}", node.type_name()),
                        source: source(node),
                        problem: "expected a table".into(),
                    });
                    continue;
                };
                let mut profile = ProfileTable::default();
                for (key, value) in table {
                    let full = format!("profile.{name}.{key}");
                    match key.as_str() {
                        "inherits" => match value.str() {
                            Some(parent) => {
                                profile.inherits = Some(Sourced {
                                    value: parent.to_owned(),
                                    source: source(value),
                                });
                            }
                            None => layer.invalid.push(InvalidValue {
                                profile: name.clone(),
                                key: full,
                                value: Raw::of(value).to_string(),
                                source: source(value),
                                problem: "expected the name of a profile".into(),
                            }),
                        },
                        "package" => {
                            for (spec, node) in value.table().into_iter().flatten() {
                                let key = format!("{full}.\"{spec}\"");
                                let settings =
                                    read_overrides(&mut layer.invalid, name, &key, node, &source);
                                let at = source(node);
                                profile
                                    .packages
                                    .insert(spec.clone(), PackageTable { at, settings });
                            }
                        }
                        "build-override" => {
                            profile.build_override =
                                read_overrides(&mut layer.invalid, name, &full, value, &source);
                        }
                        _ => {
                            let Some(setting) = Setting::from_key(key) else {
                                continue;
                            };
                            match setting.parse(&Raw::of(value)) {
                                Ok(v) => {
                                    profile.settings.insert(
                                        setting,
                                        Sourced {
                                            value: v,
                                            source: source(value),
                                        },
                                    );
                                }
                                Err(problem) => layer.invalid.push(InvalidValue {
                                    profile: name.clone(),
                                    key: full,
                                    value: Raw::of(value).to_string(),
                                    source: source(value),
                                    problem: problem.to_string(),
                                }),
                            }
                        }
                    }
                }
                layer.profiles.insert(name.clone(), profile);
            }
        }
        if kind != FileKind::Manifest {
            if let Some(node) = doc.root.at_path(&["build", "incremental"]) {
                match Raw::of(node) {
                    Raw::Bool(b) => {
                        layer.incremental = Some(Sourced {
                            value: b,
                            source: source(node),
                        })
                    }
                    raw => layer.invalid.push(InvalidValue {
                        profile: "*".into(),
                        key: "build.incremental".into(),
                        value: raw.to_string(),
                        source: source(node),
                        problem: Setting::Incremental.accepted().into(),
                    }),
                }
            }
        }
        layer
    }

    /// Reads the `CARGO_PROFILE_<NAME>_<KEY>` variables of the `known` profiles, and
    /// `CARGO_INCREMENTAL`.
    ///
    /// Each variable is asked for by its full name, as cargo looks a config key up in the
    /// environment (upper case, `_` for `-`); so the variables read are exactly the ones whose
    /// change could change a profile, and a front can watch them. Per-package variables
    /// (`CARGO_PROFILE_<NAME>_PACKAGE_<SPEC>_<KEY>`) are not read: cargo 1.95 ignores them too
    /// (checked with `cargo build -v`).
    pub fn from_env(env: &dyn Env, known: &[String]) -> Layer {
        let mut layer = Layer::default();
        for profile in known {
            let prefix = format!("CARGO_PROFILE_{}_", env_form(profile));
            let inherits = format!("{prefix}INHERITS");
            if let Some(text) = env.var(&inherits) {
                layer.profiles.get_or_default(profile).inherits = Some(Sourced {
                    value: text,
                    source: Source::Env(inherits),
                });
            }
            for setting in Setting::ALL {
                let var = format!("{prefix}{}", setting.env_key());
                let Some(text) = env.var(&var) else {
                    continue;
                };
                let source = Source::Env(var.clone());
                match setting.parse(&Raw::from_env(&text)) {
                    Ok(value) => {
                        let table = layer.profiles.get_or_default(profile);
                        table.settings.insert(setting, Sourced { value, source });
                    }
                    Err(problem) => layer.invalid.push(InvalidValue {
                        profile: profile.clone(),
                        key: var,
                        value: format!("{text:?}"),
                        source,
                        problem: problem.to_string(),
                    }),
                }
            }
        }
        if let Some(text) = env.var("CARGO_INCREMENTAL") {
            // cargo: "1" turns it on, any other value off
            let source = Source::Env("CARGO_INCREMENTAL".into());
            layer.incremental = Some(Sourced {
                value: text == "1",
                source,
            });
        }
        layer
    }

    /// The profile names this layer defines.
    pub fn names(&self) -> impl Iterator<Item = &String> {
        self.profiles.keys()
    }
}

fn read_overrides(
    invalid: &mut Vec<InvalidValue>,
    profile: &str,
    key: &str,
    node: &Node,
    source: &dyn Fn(&Node) -> Source,
) -> Settings {
    let mut settings = Settings::new();
    for (name, value) in node.table().into_iter().flatten() {
        let Some(setting) = Setting::from_key(name) else {
            continue;
        };
        let full = format!("{key}.{name}");
        let parsed = if setting.allowed_in_override() {
            setting.parse(&Raw::of(value)).map_err(|e| e.to_string())
        } else {
            Err(format!(
                "`{name}` may not be set for a single package; set it in [profile.{profile}]"
            ))
        };
        match parsed {
            Ok(v) => {
                settings.insert(
                    setting,
                    Sourced {
                        value: v,
                        source: source(value),
                    },
                );
            }
            Err(problem) => invalid.push(InvalidValue {
                profile: profile.to_owned(),
                key: full,
                value: Raw::of(value).to_string(),
                source: source(value),
                problem,
            }),
        }
    }
    settings
}

/// Every layer merged: the profile tables cargo would build from.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profiles {
    /// Merged tables by profile name (user-written tables only; built-ins are implied).
    pub tables: NameMap<ProfileTable>,
    /// The global `incremental` override, if any layer sets one.
    pub incremental: Option<Sourced<bool>>,
    /// Every invalid value from every layer.
    pub invalid: Vec<InvalidValue>,
}

impl Profiles {
    /// Merges layers given lowest precedence first (manifest, then config files from
    /// `$CARGO_HOME` to the nearest directory, then the environment).
    pub fn merge<'a>(layers: impl IntoIterator<Item = &'a Layer>) -> Profiles {
        let mut merged = Profiles::default();
        for layer in layers {
            for (name, table) in &layer.profiles {
                merged.tables.get_or_default(name).merge(table);
            }
            if layer.incremental.is_some() {
                merged.incremental.clone_from(&layer.incremental);
            }
            merged.invalid.extend(layer.invalid.iter().cloned());
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::env_map as env;
    use crate::profile::setting::{Lto, OptLevel};
    use crate::toml_tree::doc;

    /// A `--config` argument is the file of that name when there is one (from where cargo
    /// runs), else a `KEY=VALUE`, shown as given; its profile values win with their source.
    #[test]
    fn a_config_argument_is_a_file_when_there_is_one_else_a_value() {
        let files = crate::host::file_map(&[("/w/app/extra", "profile.release.lto = true\n")]);
        let cwd = std::path::Path::new("/w/app");
        let file = ConfigArg::read("extra", cwd, &files).unwrap();
        assert!(matches!(file, ConfigArg::File(_)));
        let value = ConfigArg::read("profile.release.lto=false", cwd, &files).unwrap();
        assert!(matches!(value, ConfigArg::Value(_)));
        let lto = |arg: &ConfigArg| {
            let layer = arg.layer();
            let table = &layer.profiles.get("release").unwrap().settings;
            table
                .get(Setting::Lto)
                .map(|s| (s.value, s.source.to_string()))
        };
        assert_eq!(
            lto(&file),
            Some((Value::Lto(Lto::Fat), "extra:1".to_owned()))
        );
        assert_eq!(
            lto(&value),
            Some((
                Value::Lto(Lto::ThinLocal),
                "--config profile.release.lto=false".to_owned()
            ))
        );
        assert!(ConfigArg::read("profile.release.lto", cwd, &files).is_err());
    }

    #[test]
    fn manifest_tables_with_overrides() {
        let d = doc(
            "Cargo.toml",
            r#"
[profile.release]
opt-level = "z"
lto = "thin"

[profile.release.package."*"]
opt-level = 3

[profile.release.build-override]
opt-level = 0

[profile.dist]
inherits = "release"
"#,
        );
        let layer = Layer::from_document(&d, FileKind::Manifest);
        assert!(layer.invalid.is_empty(), "{:?}", layer.invalid);
        let release = &layer.profiles["release"];
        assert_eq!(
            release.settings[Setting::OptLevel].value,
            Value::OptLevel(OptLevel::Z)
        );
        assert_eq!(
            release.settings[Setting::Lto].source.to_string(),
            "Cargo.toml:4"
        );
        assert_eq!(
            release.packages["*"].settings[Setting::OptLevel].value,
            Value::OptLevel(OptLevel::O3)
        );
        assert_eq!(
            release.build_override[Setting::OptLevel].value,
            Value::OptLevel(OptLevel::O0)
        );
        assert_eq!(
            layer.profiles["dist"].inherits.as_ref().unwrap().value,
            "release"
        );
    }

    #[test]
    fn rejected_values_are_named_with_file_key_and_value() {
        let d = doc(
            ".cargo/config.toml",
            "[profile.release]\nlto = \"maybe\"\ncodegen-units = 0\n[profile.release.package.foo]\npanic = \"abort\"\n[build]\nincremental = 1\n",
        );
        let layer = Layer::from_document(&d, FileKind::Config);
        let got: Vec<String> = layer
            .invalid
            .iter()
            .map(|i| format!("{} {} = {}: {}", i.source, i.key, i.value, i.problem))
            .collect();
        assert_eq!(
            got,
            vec![
                r#".cargo/config.toml:3 profile.release.codegen-units = 0: expected a whole number of at least 1"#,
                r#".cargo/config.toml:2 profile.release.lto = "maybe": expected true, false, "fat", "thin" or "off""#,
                r#".cargo/config.toml:5 profile.release.package."foo".panic = "abort": `panic` may not be set for a single package; set it in [profile.release]"#,
                r#".cargo/config.toml:7 build.incremental = 1: true or false"#,
            ]
        );
        assert!(
            !layer.profiles["release"]
                .settings
                .contains_key(Setting::Lto)
        );
    }

    #[test]
    fn env_variables_are_read_by_their_full_names() {
        let known = ["release", "release-lto"].map(String::from);
        let layer = Layer::from_env(
            &env(&[
                ("CARGO_PROFILE_RELEASE_LTO", "false"),
                ("CARGO_PROFILE_RELEASE_LTO_LTO", "fat"),
                ("CARGO_PROFILE_RELEASE_LTO_INHERITS", "release"),
                ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s"),
                ("CARGO_PROFILE_RELEASE_DEBUG", "nope"),
                ("CARGO_PROFILE_OTHER_LTO", "true"),
                ("CARGO_INCREMENTAL", "0"),
                ("PATH", "/bin"),
            ]),
            &known,
        );
        let release = &layer.profiles["release"].settings;
        assert_eq!(release[Setting::Lto].value, Value::Lto(Lto::ThinLocal));
        assert_eq!(
            release[Setting::OptLevel].value,
            Value::OptLevel(OptLevel::S)
        );
        let lto = &layer.profiles["release-lto"];
        assert_eq!(lto.settings[Setting::Lto].value, Value::Lto(Lto::Fat));
        assert_eq!(lto.inherits.as_ref().unwrap().value, "release");
        assert!(!layer.profiles.contains_key("other"));
        assert_eq!(layer.invalid.len(), 1);
        assert_eq!(layer.invalid[0].key, "CARGO_PROFILE_RELEASE_DEBUG");
        assert_eq!(layer.incremental.as_ref().map(|s| s.value), Some(false));
    }

    #[test]
    fn later_layers_win_key_by_key() {
        let manifest = Layer::from_document(
            &doc(
                "Cargo.toml",
                "[profile.release]\nlto = true\nopt-level = \"s\"\n[profile.release.package.\"*\"]\nopt-level = 3\n",
            ),
            FileKind::Manifest,
        );
        let config = Layer::from_document(
            &doc(
                ".cargo/config.toml",
                "[profile.release]\nlto = false\n[profile.release.package.\"*\"]\ndebug = 1\n",
            ),
            FileKind::Config,
        );
        let merged = Profiles::merge([&manifest, &config]);
        let release = &merged.tables["release"];
        assert_eq!(
            release.settings[Setting::Lto].source.to_string(),
            ".cargo/config.toml:2"
        );
        assert_eq!(
            release.settings[Setting::OptLevel].source.to_string(),
            "Cargo.toml:3"
        );
        assert_eq!(release.packages["*"].settings.len(), 2);
        assert_eq!(release.packages["*"].at.to_string(), ".cargo/config.toml:3");
    }
}
