//! The real [`Builder`]: each step a plain cargo build of the release profile with its keys set
//! by `CARGO_PROFILE_RELEASE_*` variables (which win over the manifest and config files), all
//! in one work directory. Cargo itself reuses there whatever a step does not change (build
//! scripts and proc-macros, unless the step changes `lto` or `strip`, which cargo passes on to
//! them; every crate but the final one when only linker flags change), so each binary is what a plain `cargo build`
//! from scratch gives, byte for byte. Before each build the directory is trimmed to the last
//! build's build scripts and proc-macros and, for a step that relinks, the build it relinks
//! over: about one build, and the final crate of a relink.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Result, bail};
use size_profile::__private::{Setting, Source, Value, fingerprint};

use crate::cargo::{Build, Built, UnitKind, build, rustc_of, rustc_vv};
use crate::io;
use crate::ladder::results::{Entry, Results, sources};
use crate::ladder::strategy::{Builder, How, Measured, State, Step, What};
use crate::render;
use crate::target::Located;

/// Builds each step with cargo, showing progress.
pub(crate) struct CargoBuilder<'a> {
    pub(crate) at: &'a Located,
    /// Where the builds happen (see the module's text).
    pub(crate) work: PathBuf,
    pub(crate) bin: Option<String>,
    /// Cargo's build options, as given (`--features`, `--target`, ...).
    pub(crate) selection: Vec<String>,
    pub(crate) progress: bool,
    pub(crate) count: usize,
    /// How many steps the ladder will run, for the progress line.
    pub(crate) total: usize,
    /// The values the project's `release` takes from cargo's defaults: a step leaves these
    /// unset rather than writing them out, since an explicit value can change cargo's
    /// metadata hash (`codegen-units = 16` moves a hello world by 256 bytes), and the
    /// `release` step is to be cargo's own default release build, byte for byte.
    pub(crate) untouched: Vec<(Setting, Value)>,
    /// Measurements of earlier runs.
    pub(crate) results: Results,
    /// What decides every step's binary besides its sources (see [`CargoBuilder::inputs`]).
    pub(crate) inputs: String,
    /// The nightly toolchain's `rustc -vV`, once asked.
    pub(crate) nightly: Option<String>,
    /// The units of each build of this run (their hashes), by the step's key.
    pub(crate) artifacts: BTreeMap<String, BTreeSet<String>>,
    /// The build scripts and proc-macros of the last release build, what they depend on, and
    /// its build scripts' runs: the next step reuses them unless it changes their profile, so
    /// they stay.
    pub(crate) host_units: BTreeSet<String>,
    /// Every step a clean build, nothing reused (`SIZE_PROFILE_LADDER_CLEAN_BUILDS=1`): how
    /// the benchmark measures what the work directory and the kept results save.
    pub(crate) clean: bool,
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
    /// toolchain, `Cargo.lock`, the workspace's manifests and the config files, the variables
    /// cargo and rustc read, the build options and the binary asked for. (A path dependency
    /// outside the workspace is seen by its sources, not its manifest.)
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
            let text = io::bytes(&file).unwrap_or_default();
            parts.push(format!("{} {:016x}", file.display(), fingerprint(&text)));
        }
        // the config files as they were read
        for doc in &at.inputs.configs {
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
    fn key(&mut self, what: &What<'_>) -> Result<String> {
        let mut text = format!("{}\n{}", self.inputs, what.key());
        if matches!(what, What::Ladder(s) if s.nightly) {
            if self.nightly.is_none() {
                self.nightly = Some(rustc_vv(Some("nightly"))?);
            }
            text.push('\n');
            text.push_str(self.nightly.as_deref().unwrap_or_default());
        }
        Ok(format!("{:016x}", fingerprint(text.as_bytes())))
    }
}

/// Whether cargo or rustc reads the variable `name` in a way that can change a binary.
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
    (cargo.iter().any(|p| name.starts_with(p)) && name != "CARGO_TARGET_DIR")
        || rustc.contains(&name)
}

impl Builder for CargoBuilder<'_> {
    fn one_more(&mut self) {
        self.total += 1;
    }

    fn one_fewer(&mut self) {
        self.total -= 1;
    }

    fn reuse(&mut self, label: &str, what: &What<'_>) -> Option<Measured> {
        if self.clean {
            return None;
        }
        let key = self.key(what).ok()?;
        let entry = self.results.find(&key)?;
        if self.bin.as_ref().is_some_and(|b| *b != entry.binary) {
            return None;
        }
        let (bytes, time, binary) = (entry.bytes, entry.time, entry.binary.clone());
        self.bin = Some(binary);
        self.count += 1;
        if !self.progress {
            io::err(&format!(
                "[{}/{}] {label}: {} bytes, measured by an earlier run\n",
                self.count,
                self.total,
                render::bytes(bytes)
            ));
        }
        Some(Measured {
            bytes: Some(bytes),
            time,
            note: String::new(),
            how: How::Reused,
        })
    }

    /// Shows progress: on a terminal one line rewritten in place; elsewhere (a CI log) one
    /// plain line as each step starts and one as it ends, so a long ladder is never silent.
    fn build(&mut self, step: &Step<'_>) -> Result<Measured> {
        self.count += 1;
        let line = format!("[{}/{}] {}", self.count, self.total, step.label);
        if self.progress {
            io::err(&format!("\r\x1b[K{line}: building …"));
        } else {
            io::err(&format!("{line}: building\n"));
        }
        let measured = self.measure(step);
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
    fn command(&self, what: &What<'_>) -> Result<Build> {
        let mut b = Build {
            profile: "release".into(),
            target_dir: Some(self.work.clone()),
            bin: self.bin.clone(),
            cargo_args: self.selection.clone(),
            ..Build::default()
        };
        let state = match what {
            What::Dev => {
                b.profile = "dev".into();
                return Ok(b);
            }
            What::Yours(profile) => {
                b.profile = (*profile).to_owned();
                return Ok(b);
            }
            What::Ladder(state) => state,
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

    /// Builds one step, measures its binary, keeps the measurement and trims the work
    /// directory.
    fn measure(&mut self, step: &Step<'_>) -> Result<Measured> {
        let b = self.command(&step.what)?;
        self.trim(step.kept)?;
        let built = match build(self.at, &b) {
            Ok(built) => built,
            // a step after release (your own profile too) that fails is a row with a note; dev
            // or release failing stops the ladder
            Err(e) if !matches!(step.what, What::Dev) && step.slug != "release" => {
                let first = e.to_string().lines().last().unwrap_or_default().to_owned();
                return Ok(Measured {
                    bytes: None,
                    time: Duration::ZERO,
                    note: format!("build failed: {first}"),
                    how: How::Built,
                });
            }
            Err(e) => return Err(e),
        };
        let (name, path) = self.binary(&built)?;
        let bytes = io::size(&path)?;
        let key = self.key(&step.what)?;
        if let Some(sources) = sources(&path) {
            self.results.insert(
                key.clone(),
                Entry {
                    step: step.what.key(),
                    binary: name,
                    bytes,
                    time: built.time,
                    date: io::today(),
                    sources,
                },
            )?;
        }
        let hashes = |kinds: [UnitKind; 2]| -> BTreeSet<String> {
            built
                .artifacts
                .iter()
                .filter(|(_, k)| kinds.contains(k))
                .flat_map(|(p, _)| p.iter().filter_map(|c| unit_hash(&c.to_string_lossy())))
                .collect()
        };
        if !matches!(step.what, What::Dev) {
            // the last build's: a step that changes strip or LTO changes the build scripts'
            // profile too, so an older step's are seldom of use. The runs too: without them
            // cargo compiles again what they build, proc-macros included.
            self.host_units = hashes([UnitKind::Host, UnitKind::Run]);
        }
        // a relink over this build needs its runs as well as its crates
        self.artifacts
            .insert(key, hashes([UnitKind::Target, UnitKind::Run]));
        Ok(Measured {
            bytes: Some(bytes),
            time: built.time,
            note: String::new(),
            how: if step.relink {
                How::Relinked
            } else {
                How::Built
            },
        })
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

    /// Before a build: removes from the work directory every unit's output but the last
    /// build's build scripts, proc-macros and build-script runs (the next step reuses them
    /// unless it changes their profile) and the build the step relinks over, if it does. On a
    /// run's first build nothing is removed: what the last run left (about one build) has
    /// build scripts and proc-macros this run reuses. Cargo builds again whatever a step needs
    /// of what is gone.
    fn trim(&mut self, kept: Option<&State>) -> Result<()> {
        if self.clean {
            return io::remove(&self.work);
        }
        if self.artifacts.is_empty() {
            return Ok(());
        }
        let kept_key = match kept {
            Some(state) => Some(self.key(&What::Ladder(state))?),
            None => None,
        };
        self.artifacts.retain(|k, _| Some(k) == kept_key.as_ref());
        let mut keep: BTreeSet<String> = self.artifacts.values().flatten().cloned().collect();
        keep.extend(self.host_units.iter().cloned());
        // the dev step's build is never gone on from: its uplifted binary too
        io::remove(&self.work.join("debug"))?;
        for profile_dir in profile_dirs(&self.work) {
            io::remove(&profile_dir.join("incremental"))?;
            for part in ["deps", "build"] {
                for entry in io::entries(&profile_dir.join(part)) {
                    let name = entry.file_name().unwrap_or_default().to_string_lossy();
                    if unit_hash(&name).is_some_and(|h| !keep.contains(&h)) {
                        io::remove(&entry)?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// The directories of a target directory that hold a profile's `deps` and `build`:
/// `<dir>/<profile>` and, with `--target`, `<dir>/<triple>/<profile>`.
fn profile_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for first in io::entries(dir) {
        if io::is_dir(&first.join("deps")) {
            out.push(first.clone());
        }
        for second in io::entries(&first) {
            if io::is_dir(&second.join("deps")) {
                out.push(second);
            }
        }
    }
    out
}

/// The hash cargo puts in the name of a unit's files and directories (`libfoo-<16 hex>.rlib`,
/// `foo-<16 hex>`), if the name has one.
fn unit_hash(name: &str) -> Option<String> {
    let stem = name.split('.').next()?;
    let (_, hash) = stem.rsplit_once('-')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hash.to_owned())
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
    io::exists(&sysroot.join("lib/rustlib/src/rust/library/Cargo.toml"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_unit_hash_is_the_sixteen_hex_digits_after_the_last_dash() {
        assert_eq!(
            unit_hash("libclap_builder-0f1e2d3c4b5a6978.rlib").as_deref(),
            Some("0f1e2d3c4b5a6978")
        );
        assert_eq!(
            unit_hash("ring-1122334455667788").as_deref(),
            Some("1122334455667788")
        );
        assert_eq!(
            unit_hash("foldersync-aabbccddeeff0011.d").as_deref(),
            Some("aabbccddeeff0011")
        );
        // the uplifted binary and cargo's own files have none: they stay
        assert_eq!(unit_hash("foldersync"), None);
        assert_eq!(unit_hash("my-tool-12345"), None);
        assert_eq!(unit_hash(".cargo-lock"), None);
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
            "CARGO_HOME",
            "NO_COLOR",
            "PATH",
            "CARGO",
        ] {
            assert!(!decides_the_build(name), "{name}");
        }
    }
}
