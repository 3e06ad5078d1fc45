//! A package's inputs read once into a [`Project`] (merged profiles, options, rustflags, the
//! crate built), then reported on profile by profile.

use std::path::PathBuf;

use crate::host::Env;
use crate::inputs::Inputs;
use crate::inputs::build_env::{Built, twin};
use crate::inputs::options::Options;
use crate::inputs::savings::{Quoted, Savings, older};
use crate::profile::preset::{NO_STD_PANIC, Preset};
use crate::profile::resolve::{Crate, Entry, ResolveError, Resolved};
use crate::profile::rustflags::Rustflags;
use crate::profile::setting_map::{SettingMap, SettingSet};
use crate::profile::{ConfigArg, FileKind, Layer, Profiles};
use crate::report::finding::{Finding, Policy, check_profile};
use crate::report::{ProfileReport, Report, Scope};
use crate::toml_tree::Document;
use crate::toml_tree::Problem;

/// A package's profiles and options, ready to check.
#[derive(Clone, Debug)]
pub struct Project {
    /// The root manifest, as shown in messages.
    pub root_manifest: PathBuf,
    /// The merged profile tables.
    pub profiles: Profiles,
    /// The options in effect (metadata, then the builder's).
    pub options: Options,
    /// Input problems: each is one warning.
    pub problems: Vec<Problem>,
    /// The rustflags rustc also gets.
    pub rustflags: Option<Rustflags>,
    /// The package whose crate is checked (its `[profile.X.package.<name>]` tables apply)
    /// and what it links; `None` for a virtual workspace root.
    pub krate: Option<Crate>,
    ignored_profiles: Option<Finding>,
    ignored_rustflags: Option<Finding>,
    /// What the ladder measured, and why it is from an older build if it is.
    savings: Option<(Savings, Option<&'static str>)>,
    allocators: Vec<(String, crate::source::Location)>,
    built: Option<Built>,
}

/// Whether two resolved profiles build the crate alike in every setting the check reads.
fn same_values(a: &Resolved, b: &Resolved) -> bool {
    crate::profile::setting::Setting::ALL
        .iter()
        .all(|s| a.settings[*s].value == b.settings[*s].value)
}

/// Options set in code (the `Check` builder, the attribute), which win over the metadata.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Overrides {
    /// The preset.
    pub preset: Option<Preset>,
    /// The checked profiles.
    pub profiles: Option<Vec<String>>,
    /// Settings allowed on top of the metadata's `allow`.
    pub allow: SettingSet,
    /// Allow a custom global allocator dependency.
    pub allow_allocator: bool,
    /// Whether findings fail the build.
    pub deny: Option<bool>,
}

impl Project {
    /// Reads the inputs. `profile_names` are profile names known from elsewhere (the profile
    /// being built), so their `CARGO_PROFILE_<NAME>_*` variables are recognised.
    /// The `CARGO_PROFILE_*` variables are read from `env`, each by its full name, for every
    /// profile name known.
    pub fn new(
        inputs: &Inputs,
        env: &dyn Env,
        overrides: &Overrides,
        profile_names: &[&str],
    ) -> Project {
        let env = &crate::inputs::Unapplied::new(env, &inputs.unapplied_env);
        let env: &dyn Env = env;
        let mut problems = inputs.problems.clone();
        let mut layers = vec![Layer::from_document(&inputs.root, FileKind::Manifest)];
        layers.extend(
            inputs
                .configs
                .iter()
                .map(|c| Layer::from_document(c, FileKind::Config)),
        );
        let options = {
            let mut o = match (&inputs.package, inputs.members.is_empty()) {
                (None, false) => Options::for_members(
                    &inputs.members,
                    &inputs.root,
                    || Profiles::merge(&layers).shipping(),
                    &mut problems,
                ),
                _ => Options::read(inputs.package.as_ref(), &inputs.root, &mut problems),
            };
            if let Some(p) = overrides.preset {
                o.preset = p;
            }
            if let Some(p) = &overrides.profiles {
                o.profiles = Some(p.clone());
            }
            o.allow.extend(overrides.allow.iter());
            o.allow_allocator |= overrides.allow_allocator;
            if let Some(d) = overrides.deny {
                o.deny = d;
            }
            o
        };
        let command_line: Vec<Layer> = inputs.command_line.iter().map(ConfigArg::layer).collect();
        let mut known: Vec<String> = crate::profile::BUILT_IN.map(String::from).into();
        known.extend(layers.iter().flat_map(|l| l.names().cloned()));
        known.extend(command_line.iter().flat_map(|l| l.names().cloned()));
        known.extend(profile_names.iter().map(|s| s.to_string()));
        if let Some(p) = &options.profiles {
            known.extend(p.iter().cloned());
        }
        known.sort();
        known.dedup();
        // `--config` wins over the variables, but `CARGO_INCREMENTAL` over every config
        let mut from_env = Layer::from_env(env, &known);
        let incremental = from_env.incremental.take();
        layers.push(from_env);
        layers.extend(command_line);
        layers.push(Layer {
            incremental,
            ..Layer::default()
        });
        let profiles = Profiles::merge(&layers);

        let ignored_profiles = inputs.package.as_ref().and_then(|member| {
            let at = member.profile_table()?.clone();
            Some(Finding::IgnoredProfiles {
                at,
                root: inputs.root.path().to_path_buf(),
            })
        });
        let ignored_rustflags =
            inputs
                .ignored_rustflags
                .as_ref()
                .map(|(flags, by)| Finding::IgnoredRustflags {
                    flags: flags.texts().into_iter().map(str::to_owned).collect(),
                    at: flags
                        .flags
                        .first()
                        .map(|f| f.origin.clone())
                        .unwrap_or_default(),
                    by: by.clone(),
                });
        let manifest = inputs.package.as_ref().unwrap_or(&inputs.root);
        let allocators =
            manifest.allocator_dependencies(inputs.target.as_ref(), inputs.features.as_deref());
        Project {
            allocators,
            root_manifest: inputs.root.path().to_path_buf(),
            profiles,
            options,
            problems,
            rustflags: inputs.rustflags.clone(),
            krate: manifest.package_name().map(|name| Crate {
                name: name.to_owned(),
                version: manifest.package_version().map(str::to_owned),
                dependencies: linked(inputs, manifest),
            }),
            ignored_profiles,
            ignored_rustflags,
            savings: inputs.savings.as_ref().map(|(savings, lock)| {
                let older = older(savings, lock.as_deref(), manifest, || env.rustc_version());
                (savings.clone(), older)
            }),
            built: inputs.built,
        }
    }

    /// The profiles that ship: the metadata's `profiles`, else `release` and every profile
    /// inheriting from it.
    pub fn checked(&self) -> Vec<String> {
        match &self.options.profiles {
            Some(p) => p.clone(),
            None => self.profiles.shipping(),
        }
    }

    /// The one profile a command that builds the binary builds (`budget`): the first of the
    /// options' `profiles`, else `release` (not another descendant of it: which of several
    /// ships is the options' to say).
    pub fn shipping_profile(&self) -> String {
        match self.options.profiles.as_deref() {
            Some([first, ..]) => first.clone(),
            _ => "release".to_owned(),
        }
    }

    /// Why a profile cannot be resolved, as every front shows it: the root manifest (where
    /// profiles are defined) and what is wrong, which names the profile.
    pub fn resolve_problem(&self, error: &ResolveError) -> Problem {
        Problem::file(self.root_manifest.clone(), error.to_string())
    }

    /// Resolves one profile.
    pub fn resolve(&self, profile: &str) -> Result<Resolved, ResolveError> {
        self.profiles
            .resolve(profile, self.rustflags.as_ref(), self.krate.as_ref())
    }

    /// Every finding for a resolved profile: values cargo would reject in its tables, member
    /// profiles cargo ignores, then the preset's rules, less the allowed settings.
    ///
    /// `settings` are the values to check (usually `&resolved.settings`).
    pub fn findings(&self, resolved: &Resolved, settings: &SettingMap<Entry>) -> Vec<Finding> {
        let mut findings: Vec<Finding> = self
            .profiles
            .invalid
            .iter()
            .filter(|i| i.profile == "*" || resolved.chain.contains(&i.profile))
            .map(|i| Finding::Invalid(i.clone()))
            .collect();
        findings.extend(self.ignored_profiles.clone());
        findings.extend(self.ignored_rustflags.clone());
        let checked = self.checked();
        let policy = Policy {
            rules: self.options.preset.rules(),
            allow: &self.options.allow,
            checked: &checked,
            root_manifest: &self.root_manifest,
        };
        let mut setting_findings = check_profile(resolved, settings, &policy);
        if let Some((savings, older)) = &self.savings {
            for finding in &mut setting_findings {
                if let Finding::Setting(f) = finding {
                    f.measured = savings.of(f.setting).map(|saving| Quoted {
                        saving: saving.clone(),
                        binary: savings.binary.clone(),
                        date: savings.date.clone(),
                        older: *older,
                    });
                }
            }
        }
        findings.extend(setting_findings);
        if !self.options.allow_allocator {
            findings.extend(
                self.allocators
                    .iter()
                    .map(|(dependency, at)| Finding::Allocator {
                        profile: resolved.profile.clone(),
                        dependency: dependency.clone(),
                        at: at.clone(),
                    }),
            );
        }
        findings
    }

    /// The report on the profiles in `scope`: the input problems, and each profile's values
    /// and findings. Files and variables read are left to [`report`](crate::report::report),
    /// which records them.
    pub fn report(&self, scope: &Scope, no_std: bool) -> Report {
        let checked = self.checked();
        let mut notes = Vec::new();
        let mut deny = self.options.deny;
        let building = match scope {
            Scope::Building(dir) => {
                let (name, unsure) = self.building(dir);
                if let Some(note) = unsure {
                    // findings about a profile that may not be the one built fail nothing
                    notes.push(note);
                    deny = false;
                }
                Some(name)
            }
            _ => None,
        };
        let (names, built) = match (scope, building) {
            (Scope::Checked, _) => (checked, None),
            (Scope::Named(names), _) => (names.clone(), None),
            (Scope::Building(_), Some(name)) if checked.contains(&name) => (vec![name], self.built),
            // a profile the project does not check is built in silence
            (Scope::Building(_), _) => (Vec::new(), None),
        };
        let mut profiles: Vec<ProfileReport> = names
            .iter()
            .map(|name| {
                let (resolved, findings) = match self.resolve(name) {
                    Ok(mut resolved) => {
                        if let Some(built) = built {
                            built.correct(&mut resolved.settings);
                        }
                        let findings = self.findings(&resolved, &resolved.settings);
                        (Ok(resolved), findings)
                    }
                    Err(e) => (Err(self.resolve_problem(&e)), Vec::new()),
                };
                ProfileReport {
                    profile: name.clone(),
                    resolved,
                    findings,
                }
            })
            .collect();
        if no_std {
            self.add_no_std(&mut profiles);
        }
        let silent = matches!(scope, Scope::Building(_)) && profiles.is_empty();
        Report {
            problems: if silent {
                Vec::new()
            } else {
                self.problems.clone()
            },
            unread: if silent { Vec::new() } else { notes },
            profiles,
            deny,
            ..Report::default()
        }
    }

    /// Which profile a build script runs under, from the profile its directory names
    /// (`dir_profile`): cargo builds `release` and `bench` into one directory, and `dev` and
    /// `test` into another, so the one whose opt-level and debug info are what cargo says it
    /// compiles with (`OPT_LEVEL`, `DEBUG`) is it. When both fit and they differ, the
    /// directory's own profile is checked and the note says why it may not be the one built.
    fn building(&self, dir_profile: &str) -> (String, Option<String>) {
        let own = (dir_profile.to_owned(), None);
        let (Some(twin), Some(built)) = (twin(dir_profile), self.built) else {
            return own;
        };
        let (Ok(mine), Ok(other)) = (self.resolve(dir_profile), self.resolve(twin)) else {
            return own;
        };
        match (built.fits(&mine.settings), built.fits(&other.settings)) {
            (false, true) => (twin.to_owned(), None),
            (true, true) if !same_values(&mine, &other) => {
                let note = format!(
                    "cargo builds `{dir_profile}` and `{twin}` into one directory, and its OPT_LEVEL and DEBUG fit both: checked as `{dir_profile}`, and `deny` fails nothing"
                );
                (dir_profile.to_owned(), Some(note))
            }
            _ => own,
        }
    }

    /// For a `#![no_std]` binary: `panic = "abort"` in every reported profile and in `dev`
    /// (added to the report when it is not there). A profile that cannot be resolved is left
    /// to cargo, which refuses it too.
    fn add_no_std(&self, profiles: &mut Vec<ProfileReport>) {
        if !profiles.iter().any(|p| p.profile == "dev") {
            if let Ok(resolved) = self.resolve("dev") {
                profiles.push(ProfileReport {
                    profile: "dev".into(),
                    resolved: Ok(resolved),
                    findings: Vec::new(),
                });
            }
        }
        let none = SettingSet::new();
        for report in profiles {
            let Ok(resolved) = &report.resolved else {
                continue;
            };
            let only_itself = [report.profile.clone()];
            let policy = Policy {
                rules: &[NO_STD_PANIC],
                allow: &none,
                checked: &only_itself,
                root_manifest: &self.root_manifest,
            };
            for finding in check_profile(resolved, &resolved.settings, &policy) {
                // the preset may already want `panic = "abort"` in the same words
                let line = finding.to_string();
                if !report.findings.iter().any(|f| f.to_string() == line) {
                    report.findings.push(finding);
                }
            }
        }
    }
}

/// The packages a manifest's crate links, each with whether it is a workspace member: a path
/// dependency inside the workspace root's directory is one (cargo makes it a member).
fn linked(inputs: &Inputs, manifest: &Document) -> Vec<(String, bool)> {
    let dir = inputs.root_dir.join(manifest.path());
    let dir = dir.parent().unwrap_or(&inputs.root_dir);
    manifest
        .dependencies(inputs.target.as_ref(), inputs.features.as_deref())
        .into_iter()
        .map(|d| {
            let member = d.path.is_some_and(|p| {
                crate::inputs::normalize(&dir.join(p)).starts_with(&inputs.root_dir)
            });
            (d.package, member)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::{env_map, file_map};
    use crate::inputs::{FlagsFrom, gather};
    use crate::profile::setting::Setting;
    use std::path::Path;

    fn inputs(manifest: &str) -> crate::inputs::Inputs {
        let files = file_map(&[("/p/Cargo.toml", manifest)]);
        gather(
            Path::new("/p"),
            &env_map(&[]),
            &files,
            &FlagsFrom::Config(None),
        )
        .unwrap()
    }

    fn project(manifest: &str) -> Project {
        Project::new(&inputs(manifest), &env_map(&[]), &Overrides::default(), &[])
    }

    #[test]
    fn no_std_needs_abort_in_dev_and_every_shipping_profile() {
        let p = project(
            "[package]\nname = \"p\"\n[profile.release]\npanic = \"abort\"\n[profile.dist]\ninherits = \"release\"\npanic = \"unwind\"\n",
        );
        let panics = |p: &Project| -> Vec<String> {
            let report = p.report(&Scope::Checked, true);
            let mut lines: Vec<String> = report
                .findings()
                .map(ToString::to_string)
                .filter(|f| f.contains(": panic is"))
                .collect();
            lines.sort();
            lines
        };
        let got = panics(&p);
        assert_eq!(
            got,
            vec![
                r#"dev: panic is "unwind" (cargo's default for dev); want "abort": add `panic = "abort"` under [profile.dev] in Cargo.toml"#,
                r#"dist: panic is "unwind" (Cargo.toml:7); want "abort": change it to `panic = "abort"` at Cargo.toml:7"#,
            ]
        );
        let fixed = project(
            "[package]\nname = \"p\"\n[profile.dev]\npanic = \"abort\"\n[profile.release]\npanic = \"abort\"\n",
        );
        assert!(panics(&fixed).is_empty());
        // without no_std, dev is not reported and release's preset finding is the only one
        let report = fixed.report(&Scope::Checked, false);
        assert_eq!(report.profiles.len(), 1);
    }

    #[test]
    fn code_overrides_win_over_metadata() {
        let inputs = inputs(
            "[package]\nname = \"p\"\n[package.metadata.size-profile]\npreset = \"min-size\"\nallow = [\"lto\"]\n",
        );
        let overrides = Overrides {
            preset: Some(Preset::SmallFast),
            profiles: Some(vec!["dist".into()]),
            allow: [Setting::Strip].into(),
            allow_allocator: true,
            deny: Some(true),
        };
        let p = Project::new(&inputs, &env_map(&[]), &overrides, &[]);
        assert_eq!(p.options.preset, Preset::SmallFast);
        assert_eq!(p.options.allow, [Setting::Lto, Setting::Strip].into());
        assert!(p.options.deny && p.options.allow_allocator);
        assert_eq!(p.checked(), vec!["dist"]);
        assert_eq!(p.shipping_profile(), "dist");
        // without the option: release, not one of its descendants
        let plain = project("[package]\nname = \"p\"\n[profile.dist]\ninherits = \"release\"\n");
        assert_eq!(plain.checked(), vec!["release", "dist"]);
        assert_eq!(plain.shipping_profile(), "release");
    }
}
