//! `cargo size-profile apply`: write a preset into the root manifest, keeping its comments,
//! order and formatting. Planning is pure (text in, [`Edit`] out); writing is one explicit step.

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use size_profile::{
    Document, FileKind, Finding, Layer, Overrides, Preset, ProfileTable, Profiles, Setting, Source,
    SourceFile, Sourced, Value,
};
use toml_edit::{DocumentMut, Item, Table, TableLike};

use crate::cli::ApplyArgs;
use crate::io;
use crate::render::Style;
use crate::target::{Located, locate};

/// One setting to make true: the values that satisfy it, and the one to write.
#[derive(Clone, Debug)]
pub(crate) struct Want {
    pub(crate) setting: Setting,
    pub(crate) accept: Vec<Value>,
    pub(crate) write: Value,
}

/// The result of planning an edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Edit {
    /// The manifest already satisfies every setting.
    NoChange,
    /// The manifest's text before and after.
    Modified { old: String, new: String },
}

/// Plans writing `wants` into `[profile.<profile>]` of a manifest's text.
///
/// A setting the manifest already satisfies (in the profile or through `inherits`) is left
/// alone, so a second run changes nothing. A missing custom profile is created with
/// `inherits = "release"`. Standard tables, inline tables (`release = { debug = 1 }`) and
/// dotted keys (`profile.release.lto = true`) are edited in their own style.
pub(crate) fn plan(text: &str, profile: &str, wants: &[Want]) -> Result<Edit, String> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| {
        format!(
            "invalid TOML: {}",
            e.message().trim_end().replace('\n', " ")
        )
    })?;
    let builtin = matches!(profile, "dev" | "release" | "test" | "bench");
    // what the manifest alone gives this profile today
    let parsed = Document::parse(SourceFile::new("Cargo.toml", text)).map_err(|p| p.message)?;
    let mut profiles = Profiles::merge([&Layer::from_document(&parsed, FileKind::Manifest)]);
    let exists = profiles.tables.contains_key(profile);
    if !exists && !builtin {
        let inherits = Sourced {
            value: "release".to_owned(),
            source: Source::Default(profile.to_owned()),
        };
        profiles.tables.insert(
            profile.to_owned(),
            ProfileTable {
                inherits: Some(inherits),
                ..ProfileTable::default()
            },
        );
    }
    let resolved = profiles
        .resolve(profile, None, None)
        .map_err(|e| e.to_string())?;
    let missing: Vec<&Want> = wants
        .iter()
        .filter(|w| !w.accept.contains(&resolved.get(w.setting).value))
        .collect();
    if missing.is_empty() {
        return Ok(Edit::NoChange);
    }

    let profiles_item = doc.entry("profile").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    let profiles_table = profiles_item
        .as_table_like_mut()
        .ok_or("`profile` is not a table")?;
    if profiles_table.get(profile).is_none() {
        let mut t = Table::new();
        if !builtin {
            t.insert("inherits", toml_edit::value("release"));
        }
        profiles_table.insert(profile, Item::Table(t));
    }
    let table = profiles_table
        .get_mut(profile)
        .and_then(Item::as_table_like_mut)
        .ok_or_else(|| format!("`profile.{profile}` is not a table"))?;
    for want in missing {
        set(table, want.setting.key(), want.write);
    }
    let new = doc.to_string();
    Ok(if new == text {
        Edit::NoChange
    } else {
        Edit::Modified {
            old: text.to_owned(),
            new,
        }
    })
}

/// Sets a key, keeping the spacing before an existing value and a comment after it (other
/// trailing space, like the one before an inline table's `}`, belongs to the layout).
fn set(table: &mut dyn TableLike, key: &str, value: Value) {
    let mut new = toml_value(value);
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        let decor = old.decor();
        if let Some(prefix) = decor.prefix() {
            new.decor_mut().set_prefix(prefix.clone());
        }
        if let Some(suffix) = decor
            .suffix()
            .filter(|s| s.as_str().is_some_and(|s| s.contains('#')))
        {
            new.decor_mut().set_suffix(suffix.clone());
        }
    }
    table.insert(key, Item::Value(new));
}

fn toml_value(v: Value) -> toml_edit::Value {
    // the same text a finding suggests, parsed as a TOML value
    v.to_string()
        .parse()
        .unwrap_or_else(|_| toml_edit::Value::from(v.to_string()))
}

/// The wants of a preset, less the settings the crate allows.
pub(crate) fn preset_wants(preset: Preset, allowed: &size_profile::SettingSet) -> Vec<Want> {
    preset
        .rules()
        .iter()
        .filter(|r| !allowed.contains(r.setting))
        .map(|r| Want {
            setting: r.setting,
            accept: r.accept.to_vec(),
            write: r.wanted(),
        })
        .collect()
}

/// A unified diff of two texts.
pub(crate) fn diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(2)
        .header(path, path)
        .to_string()
}

pub(crate) fn run(args: &ApplyArgs) -> Result<ExitCode> {
    let preset = match &args.preset {
        Some(name) => Some(Preset::from_name(name).ok_or_else(|| {
            anyhow!(
                "unknown preset `{name}`; expected one of {}",
                Preset::names()
            )
        })?),
        None => None,
    };
    let overrides = Overrides {
        preset,
        ..Overrides::default()
    };
    let at = locate(&args.target, &overrides, &[args.profile.as_str()])?;
    let wants = preset_wants(at.project.options.preset, &at.project.options.allow);
    let what = format!(
        "the {} preset in [profile.{}]",
        at.project.options.preset, args.profile
    );
    write_wants(&at, &args.profile, &wants, &what, args.dry_run, &overrides)
}

/// Plans, prints and (unless `dry_run`) writes `wants` into the root manifest; then says what
/// still overrides them elsewhere.
pub(crate) fn write_wants(
    at: &Located,
    profile: &str,
    wants: &[Want],
    what: &str,
    dry_run: bool,
    overrides: &Overrides,
) -> Result<ExitCode> {
    let style = Style {
        color: io::color_stdout(),
    };
    let path = at.root_manifest();
    let shown = at.inputs.root.path().display().to_string();
    if at.inputs.package.is_some() {
        io::err(&format!(
            "note: writing the workspace root {} (cargo ignores profiles in member manifests)\n",
            path.display()
        ));
    }
    let text = io::read(&path)?;
    let edit = plan(&text, profile, wants)
        .map_err(|e| anyhow!("{}: {e}; nothing was written", path.display()))?;
    let new_text = match &edit {
        Edit::NoChange => {
            io::out(&format!("{shown} already has {what}: nothing to change\n"));
            text.clone()
        }
        Edit::Modified { old, new } => {
            io::out(&diff(&shown, old, new));
            if dry_run {
                io::out(&format!("{}\n", style.warn("dry run: nothing was written")));
            } else {
                let backup = at
                    .target_dir()
                    .join("size-profile")
                    .join("backup")
                    .join("Cargo.toml");
                io::backup(&path, &backup)?;
                io::write_atomically(&path, new)?;
                io::out(&format!(
                    "wrote {what} to {shown} (the previous file is at {})\n",
                    backup.display()
                ));
            }
            new.clone()
        }
    };
    // what the manifest cannot change: values set in config files, variables or flags
    let after = at.with_root_text(&new_text, overrides, &[profile])?;
    let resolved = after.resolve(profile).map_err(|e| anyhow!("{e}"))?;
    for finding in after.findings(&resolved, &resolved.settings) {
        let outside = match &finding {
            Finding::Setting(s)
                if wants.iter().any(|w| w.setting == s.setting) && s.package.is_none() =>
            {
                !matches!(s.source, Source::Manifest(_))
            }
            _ => false,
        };
        if outside {
            io::out(&format!(
                "{}: overridden outside Cargo.toml, so the build will not change: {finding}\n",
                style.warn("warning")
            ));
        } else if !matches!(finding, Finding::Setting(ref s) if s.package.is_none() && wants.iter().all(|w| w.setting != s.setting))
        {
            io::out(&format!(
                "{}: still to fix by hand: {finding}\n",
                style.warn("note")
            ));
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn min_size() -> Vec<Want> {
        preset_wants(Preset::MinSize, &Default::default())
    }

    fn new_text(text: &str, profile: &str) -> String {
        match plan(text, profile, &min_size()).unwrap() {
            Edit::Modified { new, .. } => new,
            Edit::NoChange => text.to_owned(),
        }
    }

    #[test]
    fn a_bare_manifest_gets_a_release_table_and_keeps_its_comments() {
        let text = "# my app\n[package]\nname = \"app\" # the name\n";
        assert_eq!(
            new_text(text, "release"),
            "# my app\n[package]\nname = \"app\" # the name\n\n[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n"
        );
    }

    #[test]
    fn existing_values_are_replaced_in_place_with_their_comments() {
        let text = "[profile.release]\nlto = \"thin\"   # faster links\nopt-level = \"z\"\n\n[dependencies]\n";
        let got = new_text(text, "release");
        assert_eq!(
            got,
            "[profile.release]\nlto = true   # faster links\nopt-level = \"z\"\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n\n[dependencies]\n"
        );
    }

    #[test]
    fn a_second_run_changes_nothing() {
        let once = new_text("[package]\nname = \"app\"\n", "release");
        assert_eq!(plan(&once, "release", &min_size()).unwrap(), Edit::NoChange);
    }

    #[test]
    fn a_custom_profile_is_created_with_inherits_and_only_what_release_lacks() {
        let text = "[profile.release]\nlto = true\nstrip = true\n";
        assert_eq!(
            new_text(text, "dist"),
            "[profile.release]\nlto = true\nstrip = true\n\n[profile.dist]\ninherits = \"release\"\nopt-level = \"z\"\ncodegen-units = 1\npanic = \"abort\"\n"
        );
    }

    #[test]
    fn inline_tables_and_dotted_keys_keep_their_style() {
        let inline = "[profile]\nrelease = { debug = 1 }\n";
        assert_eq!(
            new_text(inline, "release"),
            "[profile]\nrelease = { debug = false, opt-level = \"z\", lto = true, codegen-units = 1, panic = \"abort\", strip = true }\n"
        );
        let dotted = "profile.release.lto = true\n";
        assert_eq!(
            new_text(dotted, "release"),
            "profile.release.lto = true\nprofile.release.opt-level = \"z\"\nprofile.release.codegen-units = 1\nprofile.release.panic = \"abort\"\nprofile.release.strip = true\n"
        );
    }

    #[test]
    fn allowed_settings_are_left_alone() {
        let allowed = [Setting::Panic, Setting::Strip].into();
        let wants = preset_wants(Preset::MinSize, &allowed);
        let Edit::Modified { new, .. } = plan("", "release", &wants).unwrap() else {
            panic!("a change")
        };
        assert_eq!(
            new,
            "[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\n"
        );
    }

    #[test]
    fn broken_input_is_refused_untouched() {
        let err = plan("[profile.release\n", "release", &min_size()).unwrap_err();
        assert!(err.starts_with("invalid TOML"), "{err}");
        let err = plan("[profile.dist]\ninherits = \"nope\"\n", "dist", &min_size()).unwrap_err();
        assert_eq!(
            err,
            "profile `dist` inherits from `nope`, which is not defined (Cargo.toml:2)"
        );
        let err = plan("profile = 3\n", "release", &min_size()).unwrap_err();
        assert!(
            err.contains("not a table") || err.contains("expected a table"),
            "{err}"
        );
    }
}
