//! The real [`Builder`]: each step a plain cargo build of the release profile, its keys set
//! by `CARGO_PROFILE_RELEASE_*` variables, so each binary is what a plain `cargo build` gives.
//!
//! Builds happen in two lanes (two target and build directories). While a build links its
//! final crate, the step expected next starts in the other lane, with the build scripts,
//! proc-macros and runs it can reuse copied over; each lane is trimmed to what the next steps
//! reuse. What this assumes of cargo's layout is in [`layout`]; when a build does not match
//! it, the steps left are plain builds in one lane. `docs/ladder.md` tells the whole story.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use size_profile::__private::{Setting, Source, Value, fingerprint};

use crate::cargo::{Build, Built, Running, UnitKind, rustc_of, rustc_vv, spawn};
use crate::io;
use crate::ladder::layout::{self, copy_units, hashes};
use crate::ladder::results::{Entry, Results, sources};
use crate::ladder::strategy::{Builder, Measured, Origin, Profile, Progress, State, Step};
use crate::render;
use crate::target::Located;

/// Builds each step with cargo, showing progress.
pub(crate) struct CargoBuilder<'a> {
    pub(crate) at: &'a Located,
    /// Where the builds happen: the two lanes' directories are in it (see the module's text).
    pub(crate) work: PathBuf,
    /// The two lanes (see the module's text).
    pub(crate) lanes: [Lane; 2],
    pub(crate) bin: Option<String>,
    /// Cargo's build options, as given (`--features`, `--target`, ...).
    pub(crate) selection: Vec<String>,
    /// Whether progress is one line rewritten in place (on a terminal).
    pub(crate) progress: bool,
    /// The values the project's `release` takes from cargo's defaults. A step leaves these
    /// unset: an explicit value, even cargo's default, changes cargo's metadata hash and so
    /// the bytes, and the `release` step is to be cargo's own default release build.
    pub(crate) untouched: Vec<(Setting, Value)>,
    /// Measurements of earlier runs.
    pub(crate) results: Results,
    /// What decides every step's binary besides its sources (see [`CargoBuilder::inputs`]).
    pub(crate) inputs: String,
    /// The nightly toolchain's `rustc -vV`, once asked.
    pub(crate) nightly: Option<String>,
    /// The build scripts and proc-macros of the last release build, what they depend on, and
    /// its build scripts' runs: the next step reuses them unless it changes their profile, so
    /// they stay, and go to the other lane when the next step builds there.
    pub(crate) host_units: BTreeSet<String>,
    /// What of the last release build's step decides its build scripts' profile (see
    /// [`host_profile`]).
    pub(crate) host_profile: Option<HostProfile>,
    /// The lane of the last release build (the one with `host_units`).
    pub(crate) host_lane: Option<usize>,
    /// The build started ahead: the step expected next, while the step before links.
    pub(crate) ahead: Option<Ahead>,
    /// How many units the last build had: when a build has all but one done, only the final
    /// crate is left, and the next step may start.
    pub(crate) units: Option<usize>,
    /// Every step a clean build, nothing reused (`SIZE_PROFILE_LADDER_CLEAN_BUILDS=1`): how
    /// the benchmark measures what the work directory and the kept results save.
    pub(crate) clean: bool,
    /// The user limits cargo's jobs (see [`jobs_limited`]): one build at a time.
    pub(crate) one_at_a_time: bool,
    /// A build was not laid out as [`layout`] assumes: from then on every step is a plain
    /// build in lane 0, one at a time, nothing trimmed or copied.
    pub(crate) plain: bool,
}

/// One of the two places builds happen in.
#[derive(Debug, Default)]
pub(crate) struct Lane {
    /// Its target directory, where cargo puts the binaries.
    pub(crate) dir: PathBuf,
    /// Its build directory, where cargo puts the units (the target directory unless the
    /// project sets `build.build-dir`).
    pub(crate) build_dir: PathBuf,
    /// The units of each build of this run here (their hashes), by the step's key.
    pub(crate) builds: BTreeMap<String, BTreeSet<String>>,
}

impl Lane {
    /// The two lanes of a work directory, their build directories in `build_work`.
    pub(crate) fn two(work: &Path, build_work: &Path) -> [Lane; 2] {
        ["0", "1"].map(|name| Lane {
            dir: work.join(name),
            build_dir: build_work.join(name),
            builds: BTreeMap::new(),
        })
    }

    /// Its directories, each once.
    fn dirs(&self) -> Vec<&Path> {
        let mut dirs = vec![self.dir.as_path()];
        if self.build_dir != self.dir {
            dirs.push(&self.build_dir);
        }
        dirs
    }
}

/// A build started before the ladder asked for it.
pub(crate) struct Ahead {
    /// The key of the step it builds.
    key: String,
    lane: usize,
    running: Running,
}

impl CargoBuilder<'_> {
    /// The values of `at`'s `release` profile that nothing sets (see `untouched`).
    pub(crate) fn defaults_of(at: &Located) -> Vec<(Setting, Value)> {
        let Ok(release) = at.project.resolve("release") else {
            return Vec::new();
        };
        release
            .settings
            .iter()
            .filter(|(_, e)| matches!(e.source, Source::Default(_)))
            .map(|(s, e)| (s, e.value))
            .collect()
    }

    /// Everything that decides the binaries besides the step and the source files: the
    /// toolchain, `Cargo.lock`, the workspace's manifests and the config files, the `--config`
    /// values, the variables cargo and rustc read, the build options and the binary asked
    /// for. (A path dependency outside the workspace is seen by its sources, not its
    /// manifest.)
    pub(crate) fn inputs(at: &Located, selection: &[String], bin: Option<&str>) -> Result<String> {
        let mut parts = vec![rustc_vv(None)?];
        // Cargo.lock, and every manifest of the workspace (a member's features decide what
        // the others link), by content
        let mut files = vec![at.inputs.root_dir.join("Cargo.lock"), at.root_manifest()];
        if let Some(metadata) = &at.metadata {
            let members = metadata.workspace_packages().into_iter();
            files.extend(members.map(|p| p.manifest_path.as_std_path().to_path_buf()));
        }
        files.push(at.package_manifest());
        files.sort();
        files.dedup();
        for file in files {
            let text = io::read_bytes(&file).unwrap_or_default();
            parts.push(format!("{} {:016x}", file.display(), fingerprint(&text)));
        }
        // the config files as they were read, and the `--config` values (a file's by content)
        let arguments = at.inputs.command_line.iter().map(|a| a.document());
        for doc in at.inputs.configs.iter().chain(arguments) {
            let hash = fingerprint(doc.text().as_bytes());
            parts.push(format!("{} {hash:016x}", doc.path().display()));
        }
        let mut vars: Vec<String> = io::vars()
            .into_iter()
            .filter(|(k, _)| decides_the_build(k))
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        vars.sort();
        parts.extend(vars);
        parts.extend(selection.iter().cloned());
        parts.push(format!("bin={}", bin.unwrap_or_default()));
        Ok(parts.join("\n"))
    }

    /// The key a step's measurement is kept under.
    fn key(&mut self, profile: &Profile) -> Result<String> {
        let mut text = format!("{}\n{}", self.inputs, profile.key());
        if matches!(profile, Profile::Release(s) if s.nightly) {
            if self.nightly.is_none() {
                self.nightly = Some(rustc_vv(Some("nightly"))?);
            }
            text.push('\n');
            text.push_str(self.nightly.as_deref().unwrap_or_default());
        }
        Ok(format!("{:016x}", fingerprint(text.as_bytes())))
    }
}

/// Whether cargo or rustc reads the variable `name` in a way that can change a binary. The
/// target and build directories do not: the ladder sets its own.
fn decides_the_build(name: &str) -> bool {
    let cargo = [
        "CARGO_PROFILE_",
        "CARGO_BUILD_",
        "CARGO_TARGET_",
        "CARGO_ENCODED_",
    ];
    let rustc = [
        "RUSTFLAGS",
        "RUSTC",
        "RUSTC_WRAPPER",
        "RUSTC_WORKSPACE_WRAPPER",
        "RUSTC_BOOTSTRAP",
    ];
    let directories = ["CARGO_TARGET_DIR", "CARGO_BUILD_BUILD_DIR"];
    (cargo.iter().any(|p| name.starts_with(p)) && !directories.contains(&name))
        || rustc.contains(&name)
}

impl Builder for CargoBuilder<'_> {
    fn reuse(&mut self, step: &Step, progress: Progress) -> Option<Measured> {
        if self.clean {
            return None;
        }
        let key = self.key(&step.profile).ok()?;
        let entry = self.results.find(&key)?;
        if self.bin.as_ref().is_some_and(|b| *b != entry.binary) {
            return None;
        }
        let (bytes, time, binary) = (entry.bytes, entry.time, entry.binary.clone());
        self.bin = Some(binary);
        // a build started ahead is never of a step measured before: the guess was wrong
        if let Some(wrong) = self.ahead.take() {
            wrong.running.cancel();
        }
        if !self.progress {
            io::err(&format!(
                "[{}/{}] {}: {} bytes, measured by an earlier run\n",
                progress.number,
                progress.of,
                step.label,
                render::bytes(bytes)
            ));
        }
        Some(Measured {
            bytes: Some(bytes),
            time,
            note: String::new(),
            origin: Origin::Reused,
        })
    }

    /// Shows progress: on a terminal one line rewritten in place; elsewhere (a CI log) one
    /// plain line as each step starts and one as it ends, so a long ladder is never silent.
    fn build(&mut self, step: &Step, next: Option<&Step>, progress: Progress) -> Result<Measured> {
        let line = format!("[{}/{}] {}", progress.number, progress.of, step.label);
        if self.progress {
            io::err(&format!("\r\x1b[K{line}: building …"));
        } else {
            io::err(&format!("{line}: building\n"));
        }
        let measured = self.measure(step, next);
        if !self.progress {
            match &measured {
                Ok(Measured {
                    bytes: Some(bytes),
                    time,
                    ..
                }) => io::err(&format!(
                    "{line}: {} bytes in {}\n",
                    render::bytes(*bytes),
                    render::seconds(*time)
                )),
                Ok(Measured { note, .. }) => io::err(&format!("{line}: {note}\n")),
                Err(_) => {}
            }
        }
        measured
    }
}

impl CargoBuilder<'_> {
    /// The cargo command for a step.
    fn command(&self, profile: &Profile) -> Result<Build> {
        let mut b = Build {
            profile: "release".into(),
            target_dir: Some(self.work.clone()),
            bin: self.bin.clone(),
            cargo_args: self.selection.clone(),
            ..Build::default()
        };
        let state = match profile {
            Profile::Dev => {
                b.profile = "dev".into();
                return Ok(b);
            }
            Profile::Project(name) => {
                b.profile.clone_from(name);
                return Ok(b);
            }
            Profile::Release(state) => state,
        };
        for (setting, value) in &state.settings {
            if self.untouched.contains(&(*setting, *value)) {
                continue;
            }
            b.env.push((
                format!("CARGO_PROFILE_RELEASE_{}", setting.env_key()),
                value.env_form(),
            ));
        }
        if !state.link_flags.is_empty() {
            // linker flags for the final crate only: every other crate is the kept build's
            b.rustc = true;
            b.rustc_args = state
                .link_flags
                .iter()
                .flat_map(|f| f.split(' '))
                .map(String::from)
                .collect();
        }
        if state.nightly {
            b.toolchain = Some("nightly".into());
        }
        if !state.nightly_flags.is_empty() {
            let mut flags = state.nightly_flags.join(" ");
            if let Some(user) = io::var("RUSTFLAGS") {
                flags = format!("{user} {flags}");
            }
            b.env.push(("RUSTFLAGS".into(), flags.trim().to_owned()));
        }
        if state.build_std {
            b.cargo_args.extend([
                "-Zbuild-std=std,panic_abort".to_owned(),
                "-Zbuild-std-features=optimize_for_size".to_owned(),
            ]);
            if !self.selection.iter().any(|a| a == "--target") {
                b.cargo_args
                    .extend(["--target".to_owned(), self.at.triple.clone()]);
            }
        }
        Ok(b)
    }

    /// Builds one step, measures its binary and keeps the measurement: with the build started
    /// ahead for it, if there is one, else in a lane made ready for it. While it builds, the
    /// step expected next may start in the other lane (see [`CargoBuilder::ahead`]).
    fn measure(&mut self, step: &Step, next: Option<&Step>) -> Result<Measured> {
        let key = self.key(&step.profile)?;
        let ahead = match self.ahead.take() {
            Some(a) if a.key == key => Some(a),
            Some(wrong) => {
                wrong.running.cancel();
                None
            }
            None => None,
        };
        let (lane, running) = match ahead {
            Some(a) => {
                // the step before is done, and what this one relinks over, if it does, is in
                // its own lane: the build before goes, but for the build scripts and
                // proc-macros the next steps may want
                let same = self.same_host(&step.profile);
                self.trim(1 - a.lane, None, same)?;
                (a.lane, a.running)
            }
            None => {
                let lane = self.lane_for(step.over.as_ref())?;
                self.ready(lane, step.over.as_ref(), &step.profile)?;
                (lane, self.start(&step.profile, lane)?)
            }
        };
        let running = self.wait_ahead(running, lane, step, next)?;
        let built = match running.wait() {
            Ok(built) => built,
            // a step after release (your own profile too) that fails is a row with a note; dev
            // or release failing stops the ladder
            Err(e) if step.profile != Profile::Dev && step.slug != "release" => {
                let first = e.to_string().lines().last().unwrap_or_default().to_owned();
                return Ok(Measured {
                    bytes: None,
                    time: Duration::ZERO,
                    note: format!("build failed: {first}"),
                    origin: Origin::Built,
                });
            }
            Err(e) => return Err(e),
        };
        self.check_layout(lane, &built.artifacts);
        let (name, path) = self.binary(&built)?;
        let bytes = io::size(&path)?;
        if let Some(sources) = sources(&path) {
            self.results.insert(
                key.clone(),
                Entry {
                    step: step.profile.key(),
                    binary: name,
                    bytes,
                    time: built.time,
                    date: io::today(),
                    sources,
                },
            )?;
        }
        self.units = Some(built.units);
        self.note_host(&built.artifacts, &step.profile, lane);
        // a relink over this build needs its runs as well as its crates
        let units = hashes(&built.artifacts, [UnitKind::Target, UnitKind::Run]);
        self.lanes[lane].builds.insert(key, units);
        // what the other lane holds is of no more use (a step relinks over a build in its own
        // lane), unless the next step builds there now
        if self.ahead.is_none() {
            self.trim(1 - lane, None, false)?;
        }
        Ok(Measured {
            bytes: Some(bytes),
            time: built.time,
            note: String::new(),
            // what cargo did, not what was planned: a relink that compiled more is a build
            origin: if step.over.is_some() && built.compiled == 1 {
                Origin::Relinked
            } else {
                Origin::Built
            },
        })
    }

    /// Waits while `running` builds `step`, and once only its final crate is left, starts the
    /// step expected next in the other lane (two builds overlap only while one links). A step
    /// that relinks over this build gets all its crates in its lane too.
    ///
    /// Nothing starts ahead in a run's first build (the unit count is not known yet), for a
    /// step an earlier run measured, in a clean or plain ladder, or when the user limits
    /// cargo's jobs (see [`jobs_limited`]).
    fn wait_ahead(
        &mut self,
        running: Running,
        lane: usize,
        step: &Step,
        next: Option<&Step>,
    ) -> Result<Running> {
        let next = next
            .filter(|_| !self.clean && !self.one_at_a_time && !self.plain && self.ahead.is_none());
        let (Some(next), Some(units)) = (next, self.units) else {
            return Ok(running);
        };
        let next_key = self.key(&next.profile)?;
        if self.results.find(&next_key).is_some() {
            return Ok(running);
        }
        // the final crate is the last unit: once all the others are done, it builds alone
        if !running.wait_for_units(units.saturating_sub(1)) {
            return Ok(running);
        }
        // every build script and proc-macro of this build is done: the next step goes on
        // from them
        let so_far = running.artifacts_so_far();
        if !self.check_layout(lane, &so_far) {
            return Ok(running);
        }
        self.note_host(&so_far, &step.profile, lane);
        let other = 1 - lane;
        self.ready(other, None, &next.profile)?;
        if let Some(kept) = &next.over {
            // the crates it relinks over, linked over as the build scripts are: the lane
            // holds that build from now on
            let crates = hashes(&so_far, [UnitKind::Target, UnitKind::Run]);
            copy_units(
                &self.lanes[lane].build_dir,
                &self.lanes[other].build_dir,
                &crates,
            )?;
            let key = self.key(&Profile::Release(kept.clone()))?;
            self.lanes[other].builds.insert(key, crates);
        }
        self.ahead = Some(Ahead {
            key: next_key,
            lane: other,
            running: self.start(&next.profile, other)?,
        });
        Ok(running)
    }

    /// Starts the build of `what` in `lane`.
    fn start(&self, profile: &Profile, lane: usize) -> Result<Running> {
        let mut b = self.command(profile)?;
        b.target_dir = Some(self.lanes[lane].dir.clone());
        b.build_dir = Some(self.lanes[lane].build_dir.clone());
        spawn(&self.at.place(), &b)
    }

    /// Notes the build scripts, proc-macros and runs of a release build of `what` in `lane`
    /// (not of the dev step, whose profile no other step shares): the next step reuses them
    /// unless it changes their profile. The last build's only: a step that changes strip or
    /// LTO changes that profile, so an older step's are seldom of use. The runs too: without
    /// them cargo compiles again what they build, proc-macros included.
    fn note_host(&mut self, artifacts: &[(PathBuf, UnitKind)], profile: &Profile, lane: usize) {
        if *profile == Profile::Dev {
            return;
        }
        self.host_units = hashes(artifacts, [UnitKind::Host, UnitKind::Run]);
        self.host_profile = host_profile(profile);
        self.host_lane = Some(lane);
    }

    /// Whether the build scripts and proc-macros of the last build are of use to `what`: they
    /// are when its [`host_profile`] is theirs, or either is not known.
    fn same_host(&self, profile: &Profile) -> bool {
        match (host_profile(profile), &self.host_profile) {
            (Some(next), Some(last)) => next == *last,
            _ => true,
        }
    }

    /// The lane a step builds in: the one with the build it relinks over, else the one with
    /// the last build's build scripts and proc-macros.
    fn lane_for(&mut self, kept: Option<&State>) -> Result<usize> {
        if self.plain {
            return Ok(0);
        }
        if let Some(state) = kept {
            let key = self.key(&Profile::Release(state.clone()))?;
            if let Some(lane) = (0..2).find(|l| self.lanes[*l].builds.contains_key(&key)) {
                return Ok(lane);
            }
        }
        Ok(self.host_lane.unwrap_or(0))
    }

    /// Makes a lane ready for a build of `what`: trims it, then copies in the last build's
    /// build scripts, proc-macros and runs from the other lane when they are there. Unless
    /// `what` changes their profile: then they are of no use to it, and none are kept.
    fn ready(&mut self, lane: usize, kept: Option<&State>, profile: &Profile) -> Result<()> {
        if self.plain {
            return Ok(());
        }
        let same = self.same_host(profile);
        self.trim(lane, kept, same)?;
        if let Some(from) = self.host_lane.filter(|l| *l != lane && same) {
            copy_units(
                &self.lanes[from].build_dir,
                &self.lanes[lane].build_dir,
                &self.host_units,
            )?;
        }
        Ok(())
    }

    /// The binary the ladder measures, chosen on the first build.
    fn binary(&mut self, built: &Built) -> Result<(String, PathBuf)> {
        let bin = match &self.bin {
            Some(name) => built.binaries.iter().find(|(n, _)| n == name),
            None => pick_binary(self.at, &built.binaries)?,
        };
        let Some((name, path)) = bin else {
            bail!(
                "the build made no binary named {:?}",
                self.bin.as_deref().unwrap_or("?")
            );
        };
        self.bin = Some(name.clone());
        Ok((name.clone(), path.clone()))
    }

    /// Before a build in `lane`: removes from it every unit's output but the last build's
    /// build scripts, proc-macros and build-script runs (with `host`: the next step reuses
    /// them unless it changes their profile) and the build the step relinks over, if it does. What a run
    /// finds of an earlier run is removed at the run's first build in each lane: it is the
    /// earlier run's last steps, whose build scripts seldom have the profile of the first
    /// steps. Cargo builds again whatever a step needs of what is gone.
    fn trim(&mut self, lane: usize, kept: Option<&State>, host: bool) -> Result<()> {
        if self.clean {
            for dir in self.lanes[lane].dirs() {
                io::remove(dir)?;
            }
            return Ok(());
        }
        if self.plain {
            return Ok(());
        }
        let kept_key = match kept {
            Some(state) => Some(self.key(&Profile::Release(state.clone()))?),
            None => None,
        };
        let builds = &mut self.lanes[lane].builds;
        builds.retain(|k, _| Some(k) == kept_key.as_ref());
        let mut keep: BTreeSet<String> = builds.values().flatten().cloned().collect();
        if host {
            keep.extend(self.host_units.iter().cloned());
        }
        layout::trim(&self.lanes[lane].dirs(), &keep)
    }

    /// Whether a build's files in `lane` are laid out as [`layout`] assumes. The first time
    /// they are not, the ladder says so and goes on with plain builds (see [`Self::plain`]):
    /// the bytes stay right either way, but trimming and copying would do nothing.
    fn check_layout(&mut self, lane: usize, artifacts: &[(PathBuf, UnitKind)]) -> bool {
        if self.plain {
            return false;
        }
        if self.clean {
            // nothing is reused in a clean ladder, so nothing depends on the layout
            return true;
        }
        let lane = &self.lanes[lane];
        let Some(why) = layout::unknown(&lane.dir, &lane.build_dir, artifacts) else {
            return true;
        };
        self.plain = true;
        if let Some(ahead) = self.ahead.take() {
            ahead.running.cancel();
        }
        io::err(&format!(
            "{}note: cargo laid this build out in a way the ladder does not know ({why}): the steps left are plain builds, one at a time in one directory\n",
            if self.progress { "\r\x1b[K" } else { "" }
        ));
        false
    }
}

/// What of a step decides the profile of its build scripts and proc-macros, and of what they
/// build on: `lto` and `strip` (cargo keeps them for the build-override profile, and a change
/// of either builds them again, as `cargo build -v` shows), the toolchain and its flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HostProfile {
    Dev,
    Release {
        lto: Option<Value>,
        strip: Option<Value>,
        nightly: bool,
        nightly_flags: Vec<String>,
        build_std: bool,
    },
}

/// The [`HostProfile`] of a step; `None` for your own profile, whose settings the builder
/// does not know.
fn host_profile(profile: &Profile) -> Option<HostProfile> {
    let state = match profile {
        Profile::Dev => return Some(HostProfile::Dev),
        Profile::Project(_) => return None,
        Profile::Release(state) => state,
    };
    Some(HostProfile::Release {
        lto: state.settings.get(&Setting::Lto).copied(),
        strip: state.settings.get(&Setting::Strip).copied(),
        nightly: state.nightly,
        nightly_flags: state.nightly_flags.clone(),
        build_std: state.build_std,
    })
}

/// Whether the user limits cargo's jobs, as cargo reads it: `--jobs` among the build options,
/// `CARGO_BUILD_JOBS` set (`env_jobs`), or `build.jobs` in one of the config files (their
/// texts; a file cargo would refuse has been reported already, and is passed over here).
pub(crate) fn jobs_limited(selection: &[String], env_jobs: bool, configs: &[&str]) -> bool {
    let in_config = |text: &&str| {
        text.parse::<toml_edit::DocumentMut>()
            .is_ok_and(|doc| doc.get("build").and_then(|b| b.get("jobs")).is_some())
    };
    selection.iter().any(|a| a == "--jobs") || env_jobs || configs.iter().any(in_config)
}

fn pick_binary<'a>(
    at: &Located,
    binaries: &'a [(String, PathBuf)],
) -> Result<Option<&'a (String, PathBuf)>> {
    match binaries {
        [] => bail!("the package builds no binary: the ladder measures a binary"),
        [only] => Ok(Some(only)),
        many => match many.iter().find(|(n, _)| Some(n) == at.package.as_ref()) {
            Some(found) => Ok(Some(found)),
            None => {
                let names: Vec<&str> = many.iter().map(|(n, _)| n.as_str()).collect();
                bail!(
                    "the package has several binaries ({}): choose one with --bin",
                    names.join(", ")
                )
            }
        },
    }
}

/// Whether the nightly toolchain has rust-src, which `-Zbuild-std` needs.
pub(crate) fn nightly_src_installed() -> bool {
    let Ok((out, _)) = io::run_timed(rustc_of(Some("nightly")).args(["--print", "sysroot"])) else {
        return false;
    };
    if !out.status.success() {
        return false;
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    io::is_file(&sysroot.join("lib/rustlib/src/rust/library/Cargo.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jobs_are_limited_by_the_option_the_variable_or_a_config_file() {
        let none: [&str; 0] = [];
        assert!(!jobs_limited(&[], false, &none));
        assert!(!jobs_limited(
            &["--features".into(), "x".into()],
            false,
            &[
                "[build]\ntarget-dir = \"t\"\n",
                "[profile.release]\njobs = 1\n"
            ],
        ));
        assert!(jobs_limited(&["--jobs".into(), "2".into()], false, &none));
        assert!(jobs_limited(&[], true, &none));
        for config in [
            "[build]\njobs = 1\n",
            "build.jobs = 2\n",
            "build = { jobs = -1 }\n",
        ] {
            assert!(jobs_limited(&[], false, &["", config]), "{config}");
        }
    }

    #[test]
    fn only_what_cargo_and_rustc_read_decides_the_key() {
        for name in [
            "RUSTFLAGS",
            "CARGO_PROFILE_RELEASE_LTO",
            "CARGO_BUILD_TARGET",
            "CARGO_ENCODED_RUSTFLAGS",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
        ] {
            assert!(decides_the_build(name), "{name}");
        }
        for name in [
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_BUILD_DIR",
            "CARGO_HOME",
            "NO_COLOR",
            "PATH",
            "CARGO",
        ] {
            assert!(!decides_the_build(name), "{name}");
        }
    }
}
