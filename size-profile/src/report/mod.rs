//! The one pipeline from inputs to what is reported: every front (the build script, the
//! attribute, the CLI) asks for a [`Report`] and only formats it. The [`project`] is the inputs
//! made ready to check, [`finding`] holds what a check finds and its fix, and [`directives`]
//! turn a report into what a build script prints.

pub(crate) mod directives;
pub(crate) mod finding;
pub(crate) mod project;

use std::path::{Path, PathBuf};

use crate::host::{Env, Files};
use crate::inputs::build_env::set_by_cargo;
use crate::inputs::record::{RecordingEnv, RecordingFiles};
use crate::inputs::savings;
use crate::inputs::{FlagsFrom, gather_from};
use crate::profile::ConfigArg;
use crate::profile::resolve::Resolved;
use crate::report::finding::Finding;
use crate::report::project::{Overrides, Project};
use crate::toml_tree::Problem;

/// Which profiles a report covers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Scope {
    /// The profiles the project checks: the options' `profiles`, else `release` and every
    /// profile inheriting from it.
    Checked,
    /// These profiles, whether the project checks them or not (a command line's `--profile`).
    Named(Vec<String>),
    /// The profile being built, when the project checks it (a build script); its opt-level
    /// and debug info are what cargo says it compiles with.
    Building(String),
}

/// What a front asks the core for.
#[derive(Clone, Debug)]
pub struct Request<'a> {
    /// The package's directory.
    pub manifest_dir: &'a Path,
    /// Where cargo runs: config files are looked up from here (a build script and the
    /// attribute cannot know it and pass `manifest_dir`).
    pub cwd: &'a Path,
    /// How the rustflags are known.
    pub flags: FlagsFrom,
    /// Options set in code.
    pub overrides: Overrides,
    /// The profiles to report on.
    pub scope: Scope,
    /// A `#![no_std]` binary: `panic = "abort"` is also required in `dev` and every checked
    /// profile.
    pub no_std: bool,
    /// The `--config` arguments cargo is given, when the front knows them (none in a build
    /// script or the attribute, which cannot see cargo's command line).
    pub command_line: &'a [ConfigArg],
}

/// Everything a front shows: input problems, each profile's values and findings, and what was
/// read to find them.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Input problems: files that cannot be read or parsed, options of ours that are wrong.
    pub problems: Vec<Problem>,
    /// One entry per profile in scope, in scope order.
    pub profiles: Vec<ProfileReport>,
    /// What this front could not read (never a finding or an error).
    pub unread: Vec<String>,
    /// In a build script, why the build is another project's (the package is a dependency
    /// there): the check then says nothing, and `deny` fails nothing.
    pub dependency_of: Option<String>,
    /// Whether findings fail the build (`deny`).
    pub deny: bool,
    /// Every file read, as a real path, and in a build script the directory of the ladder's
    /// savings file (made when missing): what a front watches for changes.
    pub files: Vec<PathBuf>,
    /// Every variable read that the user can set, by name: what a front watches.
    pub vars: Vec<String>,
}

/// One profile's part of a [`Report`].
#[derive(Clone, Debug)]
pub struct ProfileReport {
    /// The profile's name.
    pub profile: String,
    /// Its resolved values, or why it cannot be resolved.
    pub resolved: Result<Resolved, Problem>,
    /// What the preset and cargo's rules find in it.
    pub findings: Vec<Finding>,
}

impl Report {
    /// Every finding, profile by profile.
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.profiles.iter().flat_map(|p| &p.findings)
    }

    /// What makes the input unusable, one message each: the input problems, profiles that
    /// cannot be resolved and values cargo would refuse in the profiles reported. `check`
    /// exits 2 on any, and `apply` writes nothing.
    pub fn input_problems(&self) -> Vec<String> {
        let mut out: Vec<String> = self.problems.iter().map(ToString::to_string).collect();
        for profile in &self.profiles {
            match &profile.resolved {
                Ok(_) => out.extend(
                    profile
                        .findings
                        .iter()
                        .filter(|f| matches!(f, Finding::Invalid(_)))
                        .map(ToString::to_string),
                ),
                Err(problem) => out.push(problem.to_string()),
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Reads a package's inputs and reports on the profiles in scope: the one path every front
/// takes. The files and variables in the report are the ones this call read.
pub fn report(request: &Request<'_>, env: &dyn Env, files: &dyn Files) -> Report {
    let env = RecordingEnv::new(env);
    let disk = files;
    let files = RecordingFiles::new(disk);
    let in_build_script = request.flags == FlagsFrom::BuildScript;
    let mut watched_dir = None;
    let dir = request.manifest_dir;
    let gathered = gather_from(
        dir,
        request.cwd,
        &env,
        &files,
        &request.flags,
        request.command_line,
    );
    let failed = gathered.is_err();
    let mut report = match gathered {
        Ok(inputs) => {
            let names: Vec<&str> = match &request.scope {
                Scope::Checked => Vec::new(),
                Scope::Named(names) => names.iter().map(String::as_str).collect(),
                Scope::Building(name) => vec![name.as_str()],
            };
            let project = Project::new(&inputs, &env, &request.overrides, &names);
            let mut report = project.report(&request.scope, request.no_std);
            let notes = std::mem::take(&mut report.unread);
            report.unread = inputs.unread;
            report.unread.extend(notes);
            report.dependency_of = inputs.dependency_of;
            // a build script watches the savings file's directory, so that a ladder run after
            // this build (the first one too) reruns it
            if in_build_script {
                watched_dir = savings::dir_to_watch(&inputs.target_dirs, disk);
            }
            report
        }
        Err(problem) => Report {
            problems: vec![problem],
            ..Report::default()
        },
    };
    report.files = files.paths();
    let manifest = dir.join("Cargo.toml");
    if failed && !report.files.contains(&manifest) {
        // a manifest that cannot be read yet is there (cargo builds this package): watch it
        // for the fix
        report.files.push(manifest);
    }
    if let Some(dir) = watched_dir {
        report.files.retain(|f| !f.starts_with(&dir));
        report.files.push(dir);
    }
    report.vars = env
        .names()
        .into_iter()
        .filter(|name| !(in_build_script && set_by_cargo(name)))
        .collect();
    report
}

#[cfg(test)]
mod tests {
    use std::cell::RefCell;
    use std::collections::BTreeSet;

    use super::*;
    use crate::host::file_map;
    use crate::map::NameMap;
    use crate::report::directives::Directive;
    use crate::report::project::Overrides;

    /// An environment that notes every name and prefix asked for, kept apart from the
    /// recorder under test.
    struct Spy {
        vars: NameMap<String>,
        names: RefCell<BTreeSet<String>>,
        prefixes: RefCell<BTreeSet<String>>,
    }

    impl Spy {
        fn new(pairs: &[(&str, &str)]) -> Spy {
            Spy {
                vars: pairs
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect(),
                names: RefCell::default(),
                prefixes: RefCell::default(),
            }
        }
    }

    impl Env for Spy {
        fn var(&self, key: &str) -> Option<String> {
            self.names.borrow_mut().insert(key.to_owned());
            self.vars.var(key)
        }

        fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
            self.prefixes.borrow_mut().insert(prefix.to_owned());
            self.vars.vars_with_prefix(prefix)
        }
    }

    const ROOT: &str = "[workspace]\nmembers = [\"p\"]\n[profile.dist]\ninherits = \"release\"\n";
    const MANIFEST: &str = "[package]\nname = \"p\"\n[package.metadata.size-profile]\nprofiles = [\"dist\", \"small\"]\n";
    const CONFIG: &str = "[target.x86_64-unknown-linux-gnu]\nrustflags = [\"-Cstrip=none\"]\n[profile.small]\ninherits = \"release\"\n";

    fn files() -> std::collections::BTreeMap<PathBuf, String> {
        file_map(&[
            ("/w/Cargo.toml", ROOT),
            ("/w/p/Cargo.toml", MANIFEST),
            ("/w/.cargo/config.toml", CONFIG),
            ("/h/.cargo/config.toml", "[build]\nrustflags = [\"-g\"]\n"),
        ])
    }

    /// The class: whatever the check reads, a front watches. Each variable asked for by name
    /// (set or not) is watched unless cargo sets it for build scripts, variables are listed
    /// by prefix only for those cargo sets, and each file read is watched.
    #[test]
    fn a_build_script_watches_every_input_it_read() {
        let env = Spy::new(&[
            ("CARGO_MANIFEST_DIR", "/w/p"),
            (
                "OUT_DIR",
                "/w/target/x86_64-unknown-linux-gnu/dist/build/p-1/out",
            ),
            ("TARGET", "x86_64-unknown-linux-gnu"),
            ("CARGO_CFG_TARGET_OS", "linux"),
            ("CARGO_ENCODED_RUSTFLAGS", "-g\u{1f}-Cstrip=none"),
            ("CARGO_HOME", "/h/.cargo"),
            ("CARGO_PROFILE_DIST_LTO", "thin"),
            ("OPT_LEVEL", "3"),
        ]);
        let files = files();
        let directives = crate::report::directives::plan(&Overrides::default(), &env, &files);
        let watched: BTreeSet<String> = directives
            .iter()
            .filter_map(|d| match d {
                Directive::RerunIfEnvChanged(v) => Some(v.clone()),
                _ => None,
            })
            .collect();
        let wanted: BTreeSet<String> = env
            .names
            .borrow()
            .iter()
            .filter(|n| !set_by_cargo(n))
            .cloned()
            .collect();
        assert_eq!(watched, wanted);
        // among them, ones whose change changes this report (`build.rustflags` and its
        // variable are not read: the `[target]` flags win over them, as in cargo)
        for var in [
            "CARGO_PROFILE_DIST_LTO",
            "CARGO_PROFILE_DIST_INHERITS",
            "CARGO_PROFILE_RELEASE_STRIP",
            "CARGO_PROFILE_SMALL_OPT_LEVEL",
            "CARGO_INCREMENTAL",
            "CARGO_HOME",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUSTFLAGS",
        ] {
            assert!(watched.contains(var), "{var} is not watched: {watched:?}");
        }
        for var in [
            "OUT_DIR",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_BUILD_RUSTFLAGS",
        ] {
            assert!(!watched.contains(var), "{var} is watched");
        }
        for prefix in env.prefixes.borrow().iter() {
            assert!(
                set_by_cargo(&format!("{prefix}X")),
                "listed by prefix: {prefix}"
            );
        }
        let rerun: Vec<&Path> = directives
            .iter()
            .filter_map(|d| match d {
                Directive::RerunIfChanged(p) => Some(p.as_path()),
                _ => None,
            })
            .collect();
        for path in files.keys() {
            assert!(rerun.contains(&path.as_path()), "{path:?} is not watched");
        }
        // the finding that proves the variables were really used
        assert!(
            directives.iter().any(|d| matches!(d, Directive::Warning(w)
                if w.contains("lto is \"thin\" (env CARGO_PROFILE_DIST_LTO)"))),
            "{directives:#?}"
        );
    }

    #[test]
    fn the_attribute_and_cli_path_watch_every_variable_they_read() {
        let env = Spy::new(&[
            ("CARGO_HOME", "/h/.cargo"),
            ("CARGO_PROFILE_SMALL_PANIC", "abort"),
            ("RUSTFLAGS", "-Copt-level=s"),
        ]);
        let request = Request {
            manifest_dir: Path::new("/w/p"),
            cwd: Path::new("/w/p"),
            flags: FlagsFrom::Config(None),
            overrides: Overrides::default(),
            scope: Scope::Checked,
            no_std: false,
            command_line: &[],
        };
        let report = report(&request, &env, &files());
        let read: Vec<String> = env.names.borrow().iter().cloned().collect();
        assert_eq!(report.vars, read);
        assert!(env.prefixes.borrow().is_empty(), "{:?}", env.prefixes);
        assert!(
            report
                .vars
                .contains(&"CARGO_PROFILE_SMALL_PANIC".to_owned())
        );
        assert!(report.vars.contains(&"RUSTFLAGS".to_owned()));
        let names: Vec<&str> = report.profiles.iter().map(|p| p.profile.as_str()).collect();
        assert_eq!(names, ["dist", "small"]);
        assert_eq!(report.files.len(), 4, "{:?}", report.files);
    }

    #[test]
    fn unreadable_input_is_one_problem_and_the_manifest_is_watched() {
        let files = file_map(&[("/p/Cargo.toml", "[package\n")]);
        let request = Request {
            manifest_dir: Path::new("/p"),
            cwd: Path::new("/p"),
            flags: FlagsFrom::Config(None),
            overrides: Overrides::default(),
            scope: Scope::Checked,
            no_std: false,
            command_line: &[],
        };
        let report = report(&request, &NameMap::new(), &files);
        assert_eq!(report.problems.len(), 1);
        assert!(report.profiles.is_empty());
        assert_eq!(report.files, [PathBuf::from("/p/Cargo.toml")]);
        assert_eq!(report.input_problems().len(), 1);
    }
}
