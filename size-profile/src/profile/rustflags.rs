//! The extra flags cargo gives rustc, found where cargo finds them, and the size settings they
//! set.
//!
//! Cargo takes the first of these that is present, and only that one
//! (<https://doc.rust-lang.org/cargo/reference/config.html#buildrustflags>):
//! 1. `CARGO_ENCODED_RUSTFLAGS` (split at `0x1f`; set but empty means no flags);
//! 2. `RUSTFLAGS` (split at spaces);
//! 3. `target.<triple>.rustflags` followed by the `rustflags` of every `[target.'cfg(..)']`
//!    table that matches the target, in the order of their keys; when these add up to no flag
//!    at all, cargo goes on to
//! 4. `build.rustflags`.
//!
//! Each config key is merged over every config file cargo reads, as cargo merges config values:
//! arrays from several files are joined, farthest file first; a string (split at whitespace)
//! in a nearer file replaces a farther one; an array and a string do not merge (cargo refuses).
//! `CARGO_TARGET_<TRIPLE>_RUSTFLAGS` and `CARGO_BUILD_RUSTFLAGS` are the same keys as
//! environment config: their flags (split at whitespace) come after the files' flags. The
//! `--config` arguments merge over the files the same way, and their flags come last, after
//! the variable's (a string there replaces the files' string, not the variable's flags).
//!
//! rustc then reads its command line left to right and the last value of a setting wins, in
//! any spelling: `-O` is `-C opt-level=3`, `-g` is `-C debuginfo=2`, and `-C x=y`, `-Cx=y`,
//! `--codegen x=y`, `--codegen=x=y` are one flag.

use crate::host::Env;
use crate::profile::ConfigArg;
use crate::profile::cfg::Target;
use crate::profile::setting::Value;
use crate::profile::setting_map::SettingMap;
use crate::toml_tree::{Document, Item, Node, Problem};

/// One argument given to rustc beside cargo's own, and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rustflag {
    /// The argument.
    pub text: String,
    /// Where it was written, e.g. `RUSTFLAGS` or `build.rustflags at .cargo/config.toml:3`.
    pub origin: String,
}

/// The extra arguments rustc gets, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rustflags {
    /// The arguments, each with its origin.
    pub flags: Vec<Rustflag>,
}

/// A size setting set by a flag: the value, the flag as written, and where it was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FlagSetting {
    /// The value rustc takes.
    pub value: Value,
    /// The flag as written, e.g. `-C opt-level=3` or `-O`.
    pub flag: String,
    /// Where the flag was written.
    pub origin: String,
}

impl Rustflags {
    fn from_texts<'t>(origin: &str, texts: impl Iterator<Item = &'t str>) -> Rustflags {
        Rustflags {
            flags: texts
                .map(|text| Rustflag {
                    text: text.to_owned(),
                    origin: origin.to_owned(),
                })
                .collect(),
        }
    }

    /// A `RUSTFLAGS` value, split as cargo splits it: at spaces (a tab stays in its argument).
    pub fn from_spaced(origin: &str, text: &str) -> Rustflags {
        Rustflags::from_texts(
            origin,
            text.split(' ').map(str::trim).filter(|s| !s.is_empty()),
        )
    }

    /// A `CARGO_ENCODED_RUSTFLAGS` value, split at `0x1f`; an empty value is no flags.
    pub fn from_encoded(origin: &str, text: &str) -> Rustflags {
        if text.is_empty() {
            return Rustflags::default();
        }
        Rustflags::from_texts(origin, text.split('\x1f'))
    }

    /// The arguments alone.
    pub fn texts(&self) -> Vec<&str> {
        self.flags.iter().map(|f| f.text.as_str()).collect()
    }

    /// The size settings these flags set: for each, the last flag that sets it.
    pub fn settings(&self) -> SettingMap<FlagSetting> {
        let mut out = SettingMap::new();
        let mut args = self.flags.iter();
        while let Some(arg) = args.next() {
            let (codegen, shown, origin) = match arg.text.as_str() {
                "-C" | "--codegen" => match args.next() {
                    Some(next) => (
                        next.text.clone(),
                        format!("{} {}", arg.text, next.text),
                        &next.origin,
                    ),
                    None => break,
                },
                "-O" => ("opt-level=3".to_owned(), arg.text.clone(), &arg.origin),
                "-g" => ("debuginfo=2".to_owned(), arg.text.clone(), &arg.origin),
                text => match text
                    .strip_prefix("--codegen=")
                    .or_else(|| text.strip_prefix("-C"))
                {
                    Some(rest) => (rest.to_owned(), arg.text.clone(), &arg.origin),
                    None => continue,
                },
            };
            let (key, value) = match codegen.split_once('=') {
                Some((k, v)) => (k, Some(v)),
                None => (codegen.as_str(), None),
            };
            if let Some(value) = Value::from_codegen(key, value) {
                let setting = FlagSetting {
                    value,
                    flag: shown,
                    origin: origin.clone(),
                };
                out.insert(value.setting(), setting);
            }
        }
        out
    }
}

/// Levels 1 and 2 above: `CARGO_ENCODED_RUSTFLAGS`, else `RUSTFLAGS`, when either is set (then
/// no config file is read for flags).
pub(crate) fn from_env(env: &dyn Env) -> Option<Rustflags> {
    if let Some(text) = env.var("CARGO_ENCODED_RUSTFLAGS") {
        return Some(Rustflags::from_encoded("CARGO_ENCODED_RUSTFLAGS", &text));
    }
    env.var("RUSTFLAGS")
        .map(|text| Rustflags::from_spaced("RUSTFLAGS", &text))
}

/// The flags the config files and `CARGO_*` config variables give rustc for `target`: levels
/// 3 and 4 above. `target` is `None` when the front cannot know it (the attribute, which runs
/// inside rustc): then only `build.rustflags` is read, and `unread` names each file whose
/// `[target]` rustflags were left out, so the front can say so.
/// The config documents cargo reads: the files, then the `--config` arguments.
#[derive(Clone, Copy)]
pub(crate) struct Configs<'a> {
    pub(crate) files: &'a [Document],
    pub(crate) command_line: &'a [ConfigArg],
}

/// Where a config document comes from.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Given {
    /// A config file cargo found.
    File,
    /// A `--config` file.
    ArgumentFile,
    /// A `--config` `KEY=VALUE`.
    ArgumentValue,
}

impl<'a> Configs<'a> {
    /// Every document, lowest precedence first, and where it comes from.
    fn all(self) -> impl Iterator<Item = (&'a Document, Given)> {
        let args = self.command_line.iter().map(|a| match a {
            ConfigArg::Value(doc) => (doc, Given::ArgumentValue),
            ConfigArg::File(doc) => (doc, Given::ArgumentFile),
        });
        self.files.iter().map(|d| (d, Given::File)).chain(args)
    }
}

pub(crate) fn from_config(
    configs: &Configs<'_>,
    env: &dyn Env,
    target: Option<&Target>,
    problems: &mut Vec<Problem>,
    unread: &mut Vec<String>,
) -> Option<Rustflags> {
    let Some(target) = target else {
        for doc in configs.files {
            let tables = doc.root.get("target").and_then(Node::table);
            let with_flags = tables
                .into_iter()
                .flatten()
                .filter(|(_, t)| t.get("rustflags").is_some())
                .count();
            if with_flags > 0 {
                unread.push(format!(
                    "{}: [target] rustflags are not read here (the target is not known inside rustc); `cargo size-profile check` and the build-script check read them",
                    doc.path().display()
                ));
            }
        }
        return build_flags(configs, env, problems);
    };
    let mut flags = Vec::new();
    let triple_key = ["target", target.triple.as_str(), "rustflags"];
    let env_key = format!("CARGO_TARGET_{}_RUSTFLAGS", env_form(&target.triple));
    if let Some(list) = list(configs, &triple_key, Some(&env_key), env, problems) {
        flags.extend(list);
    }
    let mut cfg_keys: Vec<&String> = configs
        .all()
        .filter_map(|(doc, _)| doc.root.get("target")?.table())
        .flat_map(|t| t.keys())
        .filter(|k| k.starts_with("cfg(") && target.matches_cfg(k))
        .collect();
    cfg_keys.sort();
    cfg_keys.dedup();
    for key in cfg_keys {
        if let Some(list) = list(configs, &["target", key, "rustflags"], None, env, problems) {
            flags.extend(list);
        }
    }
    if !flags.is_empty() {
        return Some(Rustflags { flags });
    }
    build_flags(configs, env, problems)
}

/// `build.rustflags`, with `CARGO_BUILD_RUSTFLAGS`.
fn build_flags(
    configs: &Configs<'_>,
    env: &dyn Env,
    problems: &mut Vec<Problem>,
) -> Option<Rustflags> {
    list(
        configs,
        &["build", "rustflags"],
        Some("CARGO_BUILD_RUSTFLAGS"),
        env,
        problems,
    )
    .map(|flags| Rustflags { flags })
}

/// The target cargo builds for when its command line names none with `--target`: the last
/// `--config` that sets `build.target`, else `CARGO_BUILD_TARGET`, else `build.target` in the
/// nearest config file that sets it (the first, when it lists several).
pub fn configured_target(
    configs: &[Document],
    command_line: &[ConfigArg],
    env: &dyn Env,
) -> Option<String> {
    let build_target = |doc: &Document| {
        let node = doc.root.at_path(&["build", "target"])?;
        match &node.item {
            Item::Str(s) => Some(s.clone()),
            Item::Array(items) => items.first()?.str().map(str::to_owned),
            _ => None,
        }
    };
    let docs = command_line.iter().map(ConfigArg::document);
    if let Some(t) = docs.rev().find_map(build_target) {
        return Some(t);
    }
    if let Some(t) = env.var("CARGO_BUILD_TARGET") {
        return Some(t);
    }
    configs.iter().rev().find_map(build_target)
}

/// How a config value was written, for merging.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Form {
    Str,
    Array,
}

/// A config key that holds a list of strings, merged over the files as cargo merges it,
/// then with its environment variable.
fn list(
    configs: &Configs<'_>,
    path: &[&str],
    env_key: Option<&str>,
    env: &dyn Env,
    problems: &mut Vec<Problem>,
) -> Option<Vec<Rustflag>> {
    let key = shown_key(path);
    let mut merged: Option<(Form, Vec<Rustflag>)> = None;
    // where the flags of the `--config` arguments start: the variable's go there
    let mut from_arguments: Option<usize> = None;
    for (doc, given) in configs.all() {
        let Some(node) = doc.root.at_path(path) else {
            continue;
        };
        let origin = |at: &Node| match given {
            Given::ArgumentValue => format!("--config {}", doc.path().display()),
            Given::File | Given::ArgumentFile => format!("{key} at {}", at.at),
        };
        let (form, flags) = match &node.item {
            Item::Str(s) => (
                Form::Str,
                s.split_whitespace()
                    .map(|t| Rustflag {
                        text: t.to_owned(),
                        origin: origin(node),
                    })
                    .collect(),
            ),
            Item::Array(items) => {
                let mut flags = Vec::new();
                for item in items {
                    match item.str() {
                        Some(t) => flags.push(Rustflag {
                            text: t.to_owned(),
                            origin: origin(item),
                        }),
                        None => problems.push(Problem::key(
                            &item.at,
                            key.as_str(),
                            format!("expected a string, found {}", item.type_name()),
                        )),
                    }
                }
                (Form::Array, flags)
            }
            _ => {
                problems.push(Problem::key(
                    &node.at,
                    key.as_str(),
                    format!(
                        "expected a string or an array of strings, found {}",
                        node.type_name()
                    ),
                ));
                continue;
            }
        };
        if given != Given::File && from_arguments.is_none() {
            // a string replaces the files' string; otherwise the files' flags stay first
            from_arguments = Some(match (&merged, form) {
                (None, _) | (Some((Form::Str, _)), Form::Str) => 0,
                (Some((_, old)), _) => old.len(),
            });
        }
        merged = match merged {
            None => Some((form, flags)),
            Some((Form::Array, mut old)) if form == Form::Array => {
                old.extend(flags);
                Some((Form::Array, old))
            }
            Some((Form::Str, _)) if form == Form::Str => Some((Form::Str, flags)),
            Some(old) => {
                problems.push(Problem::key(
                    &node.at,
                    key.as_str(),
                    "is an array in one config file and a string in another, which cargo refuses to merge",
                ));
                Some(old)
            }
        };
    }
    if let Some(text) = env_key.and_then(|k| Some((k, env.var(k)?))) {
        let (var, text) = text;
        let from_env = text.split_whitespace().map(|t| Rustflag {
            text: t.to_owned(),
            origin: format!("env {var}"),
        });
        // after the files' value, string or array, and before the arguments' (cargo 1.95,
        // checked with `-v`)
        let (form, mut old) = merged.unwrap_or((Form::Str, Vec::new()));
        let at = from_arguments.unwrap_or(old.len()).min(old.len());
        old.splice(at..at, from_env);
        merged = Some((form, old));
    }
    merged.map(|(_, flags)| flags)
}

/// A config key as written in messages, quoting a part that is not a bare key
/// (`target.'cfg(unix)'.rustflags`).
fn shown_key(path: &[&str]) -> String {
    let parts: Vec<String> = path
        .iter()
        .map(|p| {
            if p.bytes().all(crate::toml_tree::scalar::is_bare) {
                (*p).to_owned()
            } else {
                format!("'{p}'")
            }
        })
        .collect();
    parts.join(".")
}

/// A triple in the form of a `CARGO_TARGET_<TRIPLE>_*` variable.
fn env_form(triple: &str) -> String {
    triple.to_ascii_uppercase().replace(['-', '.'], "_")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::env_map;
    use crate::toml_tree::doc;

    const HOST: &str = "x86_64-unknown-linux-gnu";

    fn linux() -> Target {
        Target::from_print_cfg(HOST, "target_os=\"linux\"\ntarget_family=\"unix\"\nunix\n")
    }

    /// The flags and their origins from config files (farthest first) and variables.
    fn flags(configs: &[(&str, &str)], env: &[(&str, &str)]) -> (Vec<String>, Vec<String>) {
        flags_with(configs, &[], env)
    }

    /// The same, with `--config` arguments: `KEY=VALUE`, or a path with a file's text.
    fn flags_with(
        configs: &[(&str, &str)],
        arguments: &[(&str, Option<&str>)],
        env: &[(&str, &str)],
    ) -> (Vec<String>, Vec<String>) {
        let docs: Vec<Document> = configs.iter().map(|(p, t)| doc(p, t)).collect();
        let arguments: Vec<ConfigArg> = arguments
            .iter()
            .map(|(arg, file)| match file {
                Some(text) => ConfigArg::File(doc(arg, text)),
                None => ConfigArg::Value(doc(arg, arg)),
            })
            .collect();
        let configs = Configs {
            files: &docs,
            command_line: &arguments,
        };
        let env = env_map(env);
        let mut problems = Vec::new();
        let got = from_env(&env).or_else(|| {
            from_config(
                &configs,
                &env,
                Some(&linux()),
                &mut problems,
                &mut Vec::new(),
            )
        });
        let shown = got
            .map(|f| {
                f.flags
                    .iter()
                    .map(|f| format!("{} @ {}", f.text, f.origin))
                    .collect()
            })
            .unwrap_or_default();
        (shown, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn the_first_present_source_wins_whole() {
        let config = [(
            ".cargo/config.toml",
            "[build]\nrustflags = [\"-Cb\"]\n[target.x86_64-unknown-linux-gnu]\nrustflags = \"-Ct\"\n",
        )];
        assert_eq!(
            flags(
                &config,
                &[
                    ("CARGO_ENCODED_RUSTFLAGS", "-Ce\x1f-O"),
                    ("RUSTFLAGS", "-Cr")
                ]
            )
            .0,
            [
                "-Ce @ CARGO_ENCODED_RUSTFLAGS",
                "-O @ CARGO_ENCODED_RUSTFLAGS"
            ]
        );
        // set but empty: no flags at all, RUSTFLAGS is not read
        assert!(
            flags(
                &config,
                &[("CARGO_ENCODED_RUSTFLAGS", ""), ("RUSTFLAGS", "-Cr")]
            )
            .0
            .is_empty()
        );
        assert_eq!(
            flags(&config, &[("RUSTFLAGS", "  -Cr   -g ")]).0,
            ["-Cr @ RUSTFLAGS", "-g @ RUSTFLAGS"]
        );
        assert_eq!(
            flags(&config, &[]).0,
            ["-Ct @ target.x86_64-unknown-linux-gnu.rustflags at .cargo/config.toml:4"]
        );
    }

    #[test]
    fn target_tables_apply_only_to_their_target_and_beat_build_from_any_file() {
        let far = (
            "/home/u/.cargo/config.toml",
            "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Chost\"]\n\
             [target.'cfg(windows)']\nrustflags = [\"-Cwin\"]\n\
             [target.aarch64-unknown-linux-gnu]\nrustflags = [\"-Carm\"]\n\
             [target.'cfg(unix)']\nrustflags = \"-Cunix\"\n\
             [target.'cfg(all())']\nrustflags = [\"-Call\"]\n",
        );
        let near = (".cargo/config.toml", "[build]\nrustflags = [\"-Cnear\"]\n");
        assert_eq!(
            flags(&[far, near], &[]).0,
            [
                "-Chost @ target.x86_64-unknown-linux-gnu.rustflags at /home/u/.cargo/config.toml:2",
                "-Call @ target.'cfg(all())'.rustflags at /home/u/.cargo/config.toml:10",
                "-Cunix @ target.'cfg(unix)'.rustflags at /home/u/.cargo/config.toml:8",
            ]
        );
        // only tables for other targets, or an empty list: build.rustflags applies
        let other = (
            "/home/u/.cargo/config.toml",
            "[target.'cfg(windows)']\nrustflags = [\"-Cwin\"]\n[target.x86_64-unknown-linux-gnu]\nrustflags = []\n",
        );
        assert_eq!(
            flags(&[other, near], &[]).0,
            ["-Cnear @ build.rustflags at .cargo/config.toml:2"]
        );
    }

    #[test]
    fn config_files_merge_as_cargo_merges_them() {
        let arrays = [
            (
                "/w/.cargo/config.toml",
                "[build]\nrustflags = [\"-Cfar\"]\n",
            ),
            (
                "/w/p/.cargo/config.toml",
                "[build]\nrustflags = [\n  \"-Cnear\",\n  \"-g\",\n]\n",
            ),
        ];
        assert_eq!(
            flags(&arrays, &[("CARGO_BUILD_RUSTFLAGS", "-Cenv1 -Cenv2")]).0,
            [
                "-Cfar @ build.rustflags at /w/.cargo/config.toml:2",
                "-Cnear @ build.rustflags at /w/p/.cargo/config.toml:3",
                "-g @ build.rustflags at /w/p/.cargo/config.toml:4",
                "-Cenv1 @ env CARGO_BUILD_RUSTFLAGS",
                "-Cenv2 @ env CARGO_BUILD_RUSTFLAGS",
            ]
        );
        let strings = [
            ("/w/.cargo/config.toml", "[build]\nrustflags = \"-Cfar\"\n"),
            (
                "/w/p/.cargo/config.toml",
                "[build]\nrustflags = \"-Cnear  -g\"\n",
            ),
        ];
        assert_eq!(
            flags(&strings, &[("CARGO_BUILD_RUSTFLAGS", "-Cenv")]).0,
            [
                "-Cnear @ build.rustflags at /w/p/.cargo/config.toml:2",
                "-g @ build.rustflags at /w/p/.cargo/config.toml:2",
                "-Cenv @ env CARGO_BUILD_RUSTFLAGS",
            ]
        );
        assert_eq!(
            flags(
                &[],
                &[("CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS", "-Ct")]
            )
            .0,
            ["-Ct @ env CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS"]
        );
        let mixed = [
            ("/w/.cargo/config.toml", "[build]\nrustflags = \"-Cfar\"\n"),
            (
                "/w/p/.cargo/config.toml",
                "[build]\nrustflags = [\"-Cnear\", 3]\n",
            ),
        ];
        assert_eq!(
            flags(&mixed, &[]).1,
            [
                "/w/p/.cargo/config.toml:2: `build.rustflags`: expected a string, found integer",
                "/w/p/.cargo/config.toml:2: `build.rustflags`: is an array in one config file and a string in another, which cargo refuses to merge",
            ]
        );
    }

    #[test]
    fn the_target_is_the_variable_else_the_nearest_build_target() {
        let docs = [
            doc(
                "/w/.cargo/config.toml",
                "[build]\ntarget = \"x86_64-unknown-linux-musl\"\n",
            ),
            doc(
                "/w/p/.cargo/config.toml",
                "[build]\ntarget = [\"aarch64-unknown-linux-gnu\", \"x\"]\n",
            ),
            doc("/w/p/q/.cargo/config.toml", "[build]\njobs = 2\n"),
        ];
        assert_eq!(
            configured_target(&docs, &[], &env_map(&[])).as_deref(),
            Some("aarch64-unknown-linux-gnu")
        );
        assert_eq!(
            configured_target(&docs[..1], &[], &env_map(&[])).as_deref(),
            Some("x86_64-unknown-linux-musl")
        );
        let variable = env_map(&[("CARGO_BUILD_TARGET", "wasm32-wasip1")]);
        assert_eq!(
            configured_target(&docs, &[], &variable).as_deref(),
            Some("wasm32-wasip1")
        );
        assert_eq!(configured_target(&docs[2..], &[], &env_map(&[])), None);
        // a `--config` wins over the variable, the last one that sets it over the others
        // (cargo 1.95: `CARGO_BUILD_TARGET=x86_64… --config build.target="aarch64…"` builds
        // for aarch64)
        let arguments = [
            "build.target=\"riscv64gc-unknown-linux-gnu\"",
            "build.target=\"i686-unknown-linux-gnu\"",
            "build.jobs=2",
        ]
        .map(|a| ConfigArg::Value(doc(a, a)));
        assert_eq!(
            configured_target(&docs, &arguments, &variable).as_deref(),
            Some("i686-unknown-linux-gnu")
        );
        assert_eq!(
            configured_target(&docs, &arguments[2..], &variable).as_deref(),
            Some("wasm32-wasip1")
        );
    }

    /// `--config` arguments merge over the files as another file would, and their flags come
    /// after the variable's: cargo 1.95 (`-v`) gives rustc `-Cdebuginfo=1 -Ccodegen-units=5
    /// -Ccodegen-units=3` for a file's `["-Cdebuginfo=1"]`, `CARGO_BUILD_RUSTFLAGS=-Ccodegen-units=5`
    /// and `--config 'build.rustflags=["-Ccodegen-units=3"]'`; a string argument replaces a
    /// file's string (`-Ccodegen-units=5 -Ccodegen-units=3` for a file's `"-Cdebuginfo=1"`),
    /// and against a file's array it is refused.
    #[test]
    fn config_arguments_merge_after_the_files_and_their_flags_follow_the_variable() {
        let array = [(".cargo/config.toml", "[build]\nrustflags = [\"-Cd\"]\n")];
        let string = [(".cargo/config.toml", "[build]\nrustflags = \"-Cd\"\n")];
        let variable = [("CARGO_BUILD_RUSTFLAGS", "-Ce")];
        let arg_array = ("build.rustflags=[\"-Ca\"]", None);
        let arg_string = ("build.rustflags=\"-Ca\"", None);
        assert_eq!(
            flags_with(&array, &[arg_array], &variable).0,
            [
                "-Cd @ build.rustflags at .cargo/config.toml:2",
                "-Ce @ env CARGO_BUILD_RUSTFLAGS",
                "-Ca @ --config build.rustflags=[\"-Ca\"]",
            ]
        );
        assert_eq!(
            flags_with(&string, &[arg_string], &variable).0,
            [
                "-Ce @ env CARGO_BUILD_RUSTFLAGS",
                "-Ca @ --config build.rustflags=\"-Ca\""
            ]
        );
        let (_, problems) = flags_with(&array, &[arg_string], &[]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        // two arguments, a value and a file, in the order given; a file argument is named
        // by its path and line, as a config file is
        let file = ("extra.toml", Some("build.rustflags = [\"-Cf\"]\n"));
        assert_eq!(
            flags_with(&array, &[arg_array, file], &[]).0,
            [
                "-Cd @ build.rustflags at .cargo/config.toml:2",
                "-Ca @ --config build.rustflags=[\"-Ca\"]",
                "-Cf @ build.rustflags at extra.toml:1",
            ]
        );
        // RUSTFLAGS still wins over every config, arguments too
        assert_eq!(
            flags_with(&array, &[arg_array], &[("RUSTFLAGS", "-Cr")]).0,
            ["-Cr @ RUSTFLAGS"]
        );
    }

    /// The attribute cannot know the target: it reads `build.rustflags` and says which files
    /// have `[target]` rustflags it left out.
    #[test]
    fn without_a_target_the_target_tables_are_named_not_skipped_silently() {
        let docs = [
            doc(
                "/w/.cargo/config.toml",
                "[target.'cfg(unix)']\nrustflags = [\"-O\"]\n[build]\nrustflags = [\"-g\"]\n",
            ),
            doc(
                "/w/p/.cargo/config.toml",
                "[target.'cfg(unix)']\nrunner = \"x\"\n",
            ),
        ];
        let mut unread = Vec::new();
        let configs = Configs {
            files: &docs,
            command_line: &[],
        };
        let got = from_config(&configs, &env_map(&[]), None, &mut Vec::new(), &mut unread);
        let got = got.unwrap();
        assert_eq!(got.texts(), ["-g"]);
        assert_eq!(
            unread,
            [
                "/w/.cargo/config.toml: [target] rustflags are not read here (the target is not known inside rustc); `cargo size-profile check` and the build-script check read them"
            ]
        );
    }

    #[test]
    fn rustc_takes_the_last_value_in_any_spelling() {
        let f = Rustflags::from_spaced(
            "RUSTFLAGS",
            "-C opt-level=s -O --codegen lto=thin --codegen=lto=off -Ccodegen-units=4 -g -C debuginfo=1 -Cstrip=symbols -C panic=abort -C target-cpu=native -C",
        );
        let got: Vec<String> = f
            .settings()
            .iter()
            .map(|(s, f)| format!("{s}={} by `{}`", f.value, f.flag))
            .collect();
        assert_eq!(
            got,
            [
                "opt-level=3 by `-O`",
                "lto=\"off\" by `--codegen=lto=off`",
                "codegen-units=4 by `-Ccodegen-units=4`",
                "panic=\"abort\" by `-C panic=abort`",
                "strip=true by `-Cstrip=symbols`",
                "debug=\"limited\" by `-C debuginfo=1`",
            ]
        );
        let lto = |flag: &str| {
            Rustflags::from_spaced("RUSTFLAGS", flag).settings()
                [crate::profile::setting::Setting::Lto]
                .value
        };
        use crate::profile::setting::Lto;
        assert_eq!(lto("-Clto"), Value::Lto(Lto::Fat));
        assert_eq!(lto("-Clto=no"), Value::Lto(Lto::Off));
        assert_eq!(lto("-C lto=thin"), Value::Lto(Lto::Thin));
    }
}
