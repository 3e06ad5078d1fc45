//! Writing profile settings into the workspace root's `Cargo.toml`, keeping its comments, order
//! and formatting. Planning is pure (text in, [`Edit`] out); writing is one explicit step.

use std::process::ExitCode;

use anyhow::{Result, anyhow, bail};
use size_profile::__private::{
    Document, FileKind, Finding, Layer, Overrides, Plain, Preset, ProfileTable, Profiles, Scope,
    Setting, Source, SourceFile, Sourced, Value,
};
use toml_edit::{DocumentMut, Item, Table, TableLike};

use crate::edit::{backup_dir, diff, in_own_form};
use crate::io;
use crate::render::Style;
use crate::target::Located;

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
    let builtin = size_profile::__private::BUILT_IN.contains(&profile);
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

    let has_table = doc.get("profile").and_then(|p| p.get(profile)).is_some();
    let new_table = (!has_table).then(|| crate::edit::new_table_at_end(&mut doc));
    let profiles_item = doc.entry("profile").or_insert_with(|| {
        let mut t = Table::new();
        t.set_implicit(true);
        Item::Table(t)
    });
    let profiles_table = profiles_item
        .as_table_like_mut()
        .ok_or("`profile` is not a table")?;
    if let Some(mut t) = new_table {
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
/// trailing space, like the one before an inline table's `}`, belongs to the layout). An
/// existing key keeps its own decor, so the comment lines above it stay; only the value is
/// replaced.
fn set(table: &mut dyn TableLike, key: &str, value: Value) {
    let mut new = toml_value(value);
    match table.get_mut(key) {
        Some(Item::Value(old)) => {
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
            *old = new;
        }
        _ => {
            table.insert(key, Item::Value(new));
        }
    }
}

fn toml_value(v: Value) -> toml_edit::Value {
    // the same value a finding suggests
    match v.plain() {
        Plain::Bool(b) => b.into(),
        Plain::Int(n) => i64::from(n).into(),
        Plain::Str(s) => s.into(),
    }
}

/// The wants of a preset, less the settings the crate allows.
pub(crate) fn preset_wants(
    preset: Preset,
    allowed: &size_profile::__private::SettingSet,
) -> Vec<Want> {
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

/// The text of a manifest with `wants` planned into each profile, in its own form.
pub(crate) fn plan_all(text: &str, profiles: &[String], wants: &[Want]) -> Result<String, String> {
    in_own_form(text, |plain| {
        let mut current = plain.to_owned();
        for profile in profiles {
            if let Edit::Modified { new, .. } = plan(&current, profile, wants)? {
                current = new;
            }
        }
        Ok(current)
    })
}

/// Plans, prints and (unless `dry_run`) writes `wants` into the root manifest, for each of
/// `profiles`; then says what still overrides them elsewhere.
///
/// Nothing is written when the project has input problems (cargo would refuse it, or our own
/// options are wrong): they are printed and the exit code is 2.
pub(crate) fn write_wants(
    at: &Located,
    profiles: &[String],
    wants: &[Want],
    what: &str,
    dry_run: bool,
    overrides: &Overrides,
) -> Result<ExitCode> {
    let style = Style {
        color: io::color_stdout(),
    };
    for profile in profiles {
        if let Err(problem) = size_profile::__private::check_profile_name(profile) {
            bail!("{problem}; nothing was written");
        }
    }
    // a profile that apply creates is not there to check yet
    let defined = at.project.profiles.defined();
    let existing: Vec<String> = profiles
        .iter()
        .filter(|p| defined.contains(p))
        .cloned()
        .collect();
    let problems = at
        .project
        .report(&Scope::Named(existing), false)
        .input_problems();
    if !problems.is_empty() {
        for p in &problems {
            io::err(&format!("{}: {p}\n", style.bad("error")));
        }
        bail!(
            "{} cannot be used as it is; nothing was written",
            at.root_manifest().display()
        );
    }
    let path = at.root_manifest();
    let shown = at.inputs.root.path().display().to_string();
    if at.inputs.package.is_some() {
        io::err(&format!(
            "note: writing the workspace root {} (cargo ignores profiles in member manifests)\n",
            path.display()
        ));
    }
    let planner = |text: &str| -> Result<Option<String>> {
        let new = plan_all(text, profiles, wants)
            .map_err(|e| anyhow!("{}: {e}; nothing was written", path.display()))?;
        Ok((new != text).then_some(new))
    };
    let show = |old: &str, new: &str| io::out(&diff(&shown, old, new));
    let new_text = if dry_run {
        let text = io::read(&path)?;
        match planner(&text)? {
            Some(new) => {
                show(&text, &new);
                io::out(&format!("{}\n", style.warn("dry run: nothing was written")));
                new
            }
            None => {
                io::out(&format!("{shown} already has {what}: nothing to change\n"));
                text
            }
        }
    } else {
        let done = io::commit(&path, &backup_dir(at), &planner, &show)?;
        match (done.new, done.backup) {
            (Some(new), backup) => {
                let kept = backup.map_or_else(String::new, |b| {
                    format!(" (the file as it was is kept at {})", b.display())
                });
                io::out(&format!("wrote {what} to {shown}{kept}\n"));
                new
            }
            (None, _) => {
                io::out(&format!("{shown} already has {what}: nothing to change\n"));
                io::read(&path)?
            }
        }
    };
    // what the manifest cannot change: values set in config files, variables or flags
    let names: Vec<&str> = profiles.iter().map(String::as_str).collect();
    let after = at.with_root_text(&new_text, overrides, &names)?;
    for profile in after
        .report(&Scope::Named(profiles.to_vec()), false)
        .profiles
    {
        if let Err(problem) = profile.resolved {
            bail!("{problem}");
        }
        for finding in profile.findings {
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
    fn a_new_table_goes_after_the_comments_that_end_the_table_before_it() {
        // uncommented, `serde` must stay a dependency, not become a profile key
        for text in [
            "[package]\nname = \"app\"\n\n[dependencies]\nclap = \"4\"\n# serde = \"1\"\n",
            "[package]\nname = \"app\"\n\n[dependencies]\nclap = \"4\"\n\n# serde = \"1\"\n# later\n",
            "[package]\nname = \"app\"\n[dependencies]\n# serde = \"1\"",
        ] {
            let new = new_text(text, "release");
            let table = new.find("[profile.release]").expect("a new table");
            let comment = new.find("# serde").expect("the comment is kept");
            assert!(comment < table, "{new}");
            assert!(new.starts_with(text.trim_end()), "{new}");
            let uncommented = new.replace("# serde", "serde");
            let doc: toml_edit::DocumentMut = uncommented.parse().unwrap();
            assert!(doc["dependencies"].get("serde").is_some(), "{uncommented}");
        }
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

    /// Every line apply removes sets one of our keys, and every line it adds is one of our
    /// keys, a profile header, `inherits` or a blank line: no other byte of the user's changes.
    fn only_owned_lines_change(old: &str, new: &str) -> Result<(), String> {
        let owned = |line: &str| {
            let l = line.trim_start_matches('\u{feff}').trim();
            l.is_empty()
                || l.starts_with("[profile.")
                || l.starts_with("inherits = ")
                // a profile written as an inline table is ours as a whole
                || l.starts_with("release = {")
                || Setting::ALL.iter().any(|s| {
                    l.starts_with(&format!("{} = ", s.key()))
                        || l.starts_with(&format!("profile.release.{} = ", s.key()))
                })
        };
        // appending after a last line without a newline must add one: compare whole lines
        let (old, new) = (format!("{old}\n"), format!("{new}\n"));
        for change in similar::TextDiff::from_lines(&old, &new).iter_all_changes() {
            let line = change.value();
            if change.tag() != similar::ChangeTag::Equal && !owned(line) {
                return Err(format!("{:?} {line:?}", change.tag()));
            }
        }
        Ok(())
    }

    #[test]
    fn the_comment_above_a_rewritten_key_stays() {
        let text = "[profile.release]\n# thin: faster links in CI\nlto = \"thin\"\n";
        assert_eq!(
            new_text(text, "release"),
            "[profile.release]\n# thin: faster links in CI\nlto = true\nopt-level = \"z\"\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n"
        );
    }

    #[test]
    fn line_ends_a_byte_order_mark_and_the_final_newline_survive() {
        let wants = min_size();
        let plan = |text: &str| plan_all(text, &["release".into()], &wants).unwrap();
        let crlf = "[package]\r\nname = \"a\" # n\r\n\r\n[profile.release]\r\n# keep\r\nlto = \"thin\"\r\n";
        let got = plan(crlf);
        assert_eq!(
            got.matches('\n').count(),
            got.matches("\r\n").count(),
            "{got:?}"
        );
        assert!(
            got.starts_with(
                "[package]\r\nname = \"a\" # n\r\n\r\n[profile.release]\r\n# keep\r\nlto = true\r\n"
            ),
            "{got:?}"
        );
        let bom = "\u{feff}[package]\nname = \"a\"\n";
        assert!(plan(bom).starts_with("\u{feff}[package]\nname = \"a\"\n\n[profile.release]\n"));
        let unterminated = "[package]\nname = \"a\"";
        let got = plan(unterminated);
        assert!(
            got.starts_with("[package]\nname = \"a\"\n") && !got.ends_with('\n'),
            "{got:?}"
        );
        assert!(got.ends_with("strip = true"), "{got:?}");
        // a file that is already right is returned byte for byte
        assert_eq!(plan(&got), got);
    }

    #[test]
    fn no_byte_apply_does_not_own_changes_in_any_form() {
        let bodies = [
            "# my app\n[package]\nname = \"app\" # the name\n",
            "[package]\nname = \"app\"\n\n# release settings\n[profile.release]\n# why thin\nlto = \"thin\" # trailing\n\n# deps\n[dependencies]\nx = \"1\"\n",
            "[profile]\nrelease = { debug = 1 } # inline\n",
            "# dotted\nprofile.release.lto = false\n[package]\nname = \"a\"\n",
            "[profile.release]\nopt-level = 3\n[profile.dist]\ninherits = \"release\"\nstrip = false\n",
            "",
        ];
        let profiles = ["release".to_owned(), "dist".to_owned()];
        for body in bodies {
            for form in [
                body.to_owned(),
                body.replace('\n', "\r\n"),
                format!("\u{feff}{body}"),
                body.trim_end_matches('\n').to_owned(),
            ] {
                let new = plan_all(&form, &profiles, &min_size()).unwrap();
                only_owned_lines_change(&form, &new)
                    .unwrap_or_else(|e| panic!("{e} in {form:?} -> {new:?}"));
                if form.starts_with('\u{feff}') {
                    assert!(new.starts_with('\u{feff}'));
                }
                assert_eq!(
                    plan_all(&new, &profiles, &min_size()).unwrap(),
                    new,
                    "not idempotent: {form:?}"
                );
            }
        }
    }

    #[test]
    fn broken_input_is_refused_untouched() {
        let err = plan("[profile.release\n", "release", &min_size()).unwrap_err();
        assert!(err.starts_with("invalid TOML"), "{err}");
        let err = plan("[profile.dist]\ninherits = \"nope\"\n", "dist", &min_size()).unwrap_err();
        assert_eq!(
            err,
            "profile `dist` inherits from `nope`, which is not defined (Cargo.toml:2): inherit from `release` (or another profile) there, or define `[profile.nope]`"
        );
        let err = plan("profile = 3\n", "release", &min_size()).unwrap_err();
        assert!(
            err.contains("not a table") || err.contains("expected a table"),
            "{err}"
        );
    }
}
