//! Running cargo builds and finding the binaries they produce.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use std::sync::{Arc, Condvar, Mutex, MutexGuard};

use anyhow::{Result, bail};
use cargo_metadata::{Artifact, Message};
use size_profile::__private::Target;

use crate::io;

/// Where cargo runs a build: the directory it starts in (config files are found from there),
/// the manifest, the package when the manifest is a workspace's, and the `--config` values.
#[derive(Clone, Debug)]
pub(crate) struct Place {
    /// The directory cargo runs in.
    pub(crate) cwd: PathBuf,
    /// The manifest given with `--manifest-path`.
    pub(crate) manifest: PathBuf,
    /// The package given with `--package`.
    pub(crate) package: Option<String>,
    /// The `--config` values, as the user gave them.
    pub(crate) config: Vec<String>,
}

/// One build: how cargo is asked, and where it builds.
#[derive(Clone, Debug, Default)]
pub(crate) struct Build {
    /// `cargo build` (`false`) or `cargo rustc` (`true`, with `rustc_args` for the final crate).
    pub(crate) rustc: bool,
    /// A toolchain for the rustup proxy, e.g. `nightly`.
    pub(crate) toolchain: Option<String>,
    /// The profile.
    pub(crate) profile: String,
    /// Environment variables (`CARGO_PROFILE_*`, `RUSTFLAGS`).
    pub(crate) env: Vec<(String, String)>,
    /// Extra cargo arguments (`-Zbuild-std`, `--target`).
    pub(crate) cargo_args: Vec<String>,
    /// Arguments for rustc on the final crate (with `rustc`).
    pub(crate) rustc_args: Vec<String>,
    /// The target directory, when not cargo's own (the ladder builds in a directory of its own).
    pub(crate) target_dir: Option<PathBuf>,
    /// The build directory, when not cargo's own (the ladder's lanes each have one).
    pub(crate) build_dir: Option<PathBuf>,
    /// Only this binary.
    pub(crate) bin: Option<String>,
}

/// What a build produced.
#[derive(Clone, Debug)]
pub(crate) struct Built {
    /// Binaries by name, with their paths.
    pub(crate) binaries: Vec<(String, PathBuf)>,
    /// The wall time of the cargo command.
    pub(crate) time: Duration,
    /// Every file and directory cargo names for the build's units, fresh or compiled, and
    /// which kind of unit it is: what a build in a shared target directory must keep.
    pub(crate) artifacts: Vec<(PathBuf, UnitKind)>,
    /// The libraries linked into the binaries (not proc-macros or build scripts).
    pub(crate) libraries: Vec<Library>,
    /// How many units the build had: crates, build scripts and their runs.
    pub(crate) units: usize,
    /// How many crates it compiled (the others were fresh): one for a relink.
    pub(crate) compiled: usize,
}

/// What a unit of a build is, as the ladder keeps its files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum UnitKind {
    /// A crate of the binary: its profile is the build's.
    Target,
    /// A build script or proc-macro, or a crate built for one (cargo's build-override
    /// profile: an opt-level other than the binaries', 0 unless the project sets one). Its
    /// profile keeps only
    /// some keys of the build's: `lto` and `strip`, not `opt-level`, `codegen-units` or
    /// `panic`.
    Host,
    /// A build script's run, its `out_dir`. Its profile keeps only `opt-level` and the debug
    /// settings, whoever it builds for. When it is gone cargo runs the script again, and
    /// compiles again the crate it builds and everything that depends on it: for a
    /// proc-macro's crates (`proc-macro2`), every proc-macro and every crate that uses one.
    Run,
}

/// A library crate of a build.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Library {
    /// The crate's name as rustc knows it (`clap_builder`).
    pub(crate) name: String,
    /// Its package's version, as `Cargo.lock` has it.
    pub(crate) version: Option<String>,
    /// The archive it compiled to.
    pub(crate) rlib: Option<PathBuf>,
}

/// The version in a package id: `registry+…#clap_builder@4.5.40`, `path+file:///x#0.1.0`, or
/// the older `clap_builder 4.5.40 (registry+…)`.
pub(crate) fn version_of(package_id: &str) -> Option<String> {
    match package_id.rsplit_once('#') {
        Some((_, tail)) => Some(tail.rsplit('@').next()?.to_owned()),
        None => package_id.split_whitespace().nth(1).map(str::to_owned),
    }
}

/// Runs the build in the directory cargo would run in, and collects the binaries.
pub(crate) fn build(place: &Place, b: &Build) -> Result<Built> {
    spawn(place, b)?.wait()
}

/// A cargo build under way, whose messages are read as they come.
pub(crate) struct Running {
    child: io::Child,
    /// Cargo's messages so far, and a signal for each new one (see [`Stream`]).
    stream: Arc<(Mutex<Stream>, Condvar)>,
    describe: String,
}

/// Cargo's messages so far (`--message-format=json`), as `cargo_metadata` reads them, and
/// whether cargo's output has ended.
#[derive(Default)]
struct Stream {
    messages: Vec<Message>,
    ended: bool,
}

/// Starts the build (see [`build`]).
pub(crate) fn spawn(place: &Place, b: &Build) -> Result<Running> {
    let mut cmd = match &b.toolchain {
        // the rustup proxy picks the toolchain; `CARGO` is the current toolchain's own cargo
        Some(toolchain) => {
            let mut c = Command::new("cargo");
            c.arg(format!("+{toolchain}"));
            c
        }
        None => Command::new(io::var("CARGO").unwrap_or_else(|| "cargo".into())),
    };
    cmd.current_dir(&place.cwd)
        .arg(if b.rustc { "rustc" } else { "build" });
    cmd.arg("--manifest-path").arg(&place.manifest);
    if let Some(name) = &place.package {
        cmd.args(["--package", name]);
    }
    for value in &place.config {
        cmd.args(["--config", value]);
    }
    // after the user's: a later `--config` wins, and the build directory is ours
    if let Some(dir) = &b.build_dir {
        let value = toml_edit::Value::from(dir.to_string_lossy().as_ref());
        cmd.arg("--config")
            .arg(format!("build.build-dir={}", value.to_string().trim()));
    }
    if let Some(bin) = &b.bin {
        cmd.args(["--bin", bin]);
    } else if b.rustc {
        cmd.arg("--bins");
    }
    cmd.args([
        "--profile",
        &b.profile,
        "--message-format=json-render-diagnostics",
    ]);
    cmd.args(&b.cargo_args);
    if b.rustc && !b.rustc_args.is_empty() {
        cmd.arg("--").args(&b.rustc_args);
    }
    if let Some(dir) = &b.target_dir {
        cmd.env("CARGO_TARGET_DIR", dir);
    }

    for (k, v) in &b.env {
        cmd.env(k, v);
    }
    let stream = Arc::new((Mutex::new(Stream::default()), Condvar::new()));
    let read = {
        let stream = stream.clone();
        move |stdout| {
            let (shared, more) = &*stream;
            for message in Message::parse_stream(stdout).map_while(Result::ok) {
                lock(shared).messages.push(message);
                more.notify_all();
            }
            lock(shared).ended = true;
            more.notify_all();
        }
    };
    Ok(Running {
        child: io::Child::spawn(&mut cmd, read)?,
        stream,
        describe: describe(b),
    })
}

fn lock(stream: &Mutex<Stream>) -> MutexGuard<'_, Stream> {
    stream.lock().unwrap_or_else(|e| e.into_inner())
}

impl Running {
    /// Waits until cargo has finished `n` of its units (fresh, compiled or run), or its output
    /// has ended: whether it got there.
    pub(crate) fn wait_for_units(&self, n: usize) -> bool {
        let (shared, more) = &*self.stream;
        let mut stream = lock(shared);
        loop {
            if units(&stream.messages) >= n {
                return true;
            }
            if stream.ended {
                return false;
            }
            stream = more.wait(stream).unwrap_or_else(|e| e.into_inner());
        }
    }

    /// The files of the units finished so far (see [`Built::artifacts`]).
    pub(crate) fn artifacts_so_far(&self) -> Vec<(PathBuf, UnitKind)> {
        unit_files(&lock(&self.stream.0).messages)
    }

    /// Stops the build: cargo and everything it runs (its process group).
    pub(crate) fn cancel(self) {
        self.child.kill();
    }

    /// Waits for the build to end and collects what it made.
    pub(crate) fn wait(self) -> Result<Built> {
        let (stderr, success, time) = self.child.wait()?;
        if !success {
            let tail: Vec<&str> = stderr.lines().rev().take(15).collect();
            let tail: Vec<&str> = tail.into_iter().rev().collect();
            bail!("cargo failed ({}):\n{}", self.describe, tail.join("\n"));
        }
        Ok(collect(&lock(&self.stream.0).messages, time))
    }
}

/// How many units cargo's messages say are done: crates fresh or compiled, and build
/// scripts run.
fn units(messages: &[Message]) -> usize {
    let done = messages.iter().filter(|m| {
        matches!(
            m,
            Message::CompilerArtifact(_) | Message::BuildScriptExecuted(_)
        )
    });
    done.count()
}

/// The crates cargo's messages say are built, fresh or compiled.
fn artifacts(messages: &[Message]) -> impl Iterator<Item = &Artifact> {
    messages.iter().filter_map(|m| match m {
        Message::CompilerArtifact(a) => Some(a),
        _ => None,
    })
}

/// What cargo's messages say a build made.
fn collect(messages: &[Message], time: Duration) -> Built {
    let mut binaries: Vec<(String, PathBuf)> = artifacts(messages)
        .filter(|a| a.target.is_bin())
        .filter_map(|a| {
            Some((
                a.target.name.clone(),
                a.executable.clone()?.into_std_path_buf(),
            ))
        })
        .collect();
    // cargo reports artifacts as they finish: sort for stable output
    binaries.sort();
    let libraries = artifacts(messages)
        .filter(|a| a.target.is_lib() || a.target.is_rlib())
        .map(|a| Library {
            name: a.target.name.replace('-', "_"),
            version: version_of(&a.package_id.repr),
            rlib: a
                .filenames
                .iter()
                .find(|f| f.extension() == Some("rlib"))
                .map(|f| f.clone().into_std_path_buf()),
        })
        .collect();
    Built {
        binaries,
        time,
        artifacts: unit_files(messages),
        libraries,
        units: units(messages),
        compiled: artifacts(messages).filter(|a| !a.fresh).count(),
    }
}

/// Every file and directory cargo's messages name for a build's units, with the unit's kind.
/// A crate is built for a build script or proc-macro when its opt-level is not the binaries'
/// (cargo's build-override gives such crates `opt-level` 0 unless the project sets another);
/// with no binary among the messages, when it is 0.
fn unit_files(messages: &[Message]) -> Vec<(PathBuf, UnitKind)> {
    let own = artifacts(messages)
        .find(|a| a.target.is_bin())
        .map(|a| a.profile.opt_level.as_str());
    let mut files = Vec::new();
    for m in messages {
        match m {
            Message::BuildScriptExecuted(run) => {
                files.push((run.out_dir.clone().into_std_path_buf(), UnitKind::Run));
            }
            Message::CompilerArtifact(a) => {
                let opt_level = a.profile.opt_level.as_str();
                let for_host = own.map_or(opt_level == "0", |own| opt_level != own);
                let kind = if a.target.is_proc_macro() || a.target.is_custom_build() || for_host {
                    UnitKind::Host
                } else {
                    UnitKind::Target
                };
                let paths = a.filenames.iter().chain(&a.executable);
                files.extend(paths.map(|p| (p.clone().into_std_path_buf(), kind)));
            }
            _ => {}
        }
    }
    files
}

/// The build as a command line, for messages.
pub(crate) fn describe(b: &Build) -> String {
    let mut parts: Vec<String> = b.env.iter().map(|(k, v)| format!("{k}={v}")).collect();
    parts.push("cargo".into());
    if let Some(t) = &b.toolchain {
        parts.push(format!("+{t}"));
    }
    parts.push(if b.rustc {
        "rustc".into()
    } else {
        "build".into()
    });
    parts.push(format!("--profile {}", b.profile));
    parts.extend(b.cargo_args.iter().cloned());
    if !b.rustc_args.is_empty() {
        parts.push("--".into());
        parts.extend(b.rustc_args.iter().cloned());
    }
    parts.join(" ")
}

/// The standard library's archives for `triple` (`lib/rustlib/<triple>/lib/*.rlib`), by crate
/// name.
pub(crate) fn std_rlibs(triple: &str) -> Result<Vec<(String, PathBuf)>> {
    let (out, _) = io::run_timed(rustc().args(["--print", "target-libdir", "--target", triple]))?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut found: Vec<(String, PathBuf)> = io::entries(&dir)
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "rlib"))
        .filter_map(|p| {
            let stem = p.file_stem()?.to_str()?;
            let name = stem.strip_prefix("lib")?;
            let name = name.rsplit_once('-').map_or(name, |(n, _)| n);
            Some((name.to_owned(), p.clone()))
        })
        .collect();
    found.sort();
    Ok(found)
}

/// The rustc cargo runs: `RUSTC`, else `rustc` from the `PATH`.
fn rustc() -> Command {
    rustc_of(None)
}

/// The rustc of `toolchain`, through rustup's `+toolchain` proxy, or with `None` the one cargo
/// runs (`RUSTC`, else `rustc` from the `PATH`).
pub(crate) fn rustc_of(toolchain: Option<&str>) -> Command {
    match toolchain {
        Some(t) => {
            let mut c = Command::new("rustc");
            c.arg(format!("+{t}"));
            c
        }
        None => Command::new(io::var("RUSTC").unwrap_or_else(|| "rustc".into())),
    }
}

/// `rustc -vV` of `toolchain` (see [`rustc_of`]).
pub(crate) fn rustc_vv(toolchain: Option<&str>) -> Result<String> {
    let (out, _) = io::run_timed(rustc_of(toolchain).arg("-vV"))?;
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The host's target triple, from `rustc -vV`.
pub(crate) fn host_triple() -> Result<String> {
    rustc_vv(None)?
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .map(str::to_owned)
        .ok_or_else(|| anyhow::anyhow!("`rustc -vV` names no host"))
}

/// Fails with the command that installs it when the toolchain has no standard library for
/// `triple` (a path to a target specification file is left to cargo).
pub(crate) fn require_std(triple: &str) -> Result<()> {
    std_installed(rustc(), triple, None)
}

/// Whether the standard library for `triple` is there for the toolchain `rustc` runs:
/// `toolchain` as rustup names it, or `None` for the current one.
fn std_installed(mut rustc: Command, triple: &str, toolchain: Option<&str>) -> Result<()> {
    if triple.ends_with(".json") {
        return Ok(());
    }
    let (out, _) = io::run_timed(rustc.args(["--print", "target-libdir", "--target", triple]))?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if !out.status.success() || !io::is_dir(&dir) {
        let (which, option) = match toolchain {
            Some(t) => (format!("the {t} toolchain"), format!(" --toolchain {t}")),
            None => ("this toolchain".to_owned(), String::new()),
        };
        bail!(
            "the standard library for target `{triple}` is not installed for {which}: \
             `rustup target add{option} {triple}` installs it"
        );
    }
    Ok(())
}

/// Fails, before anything is built, when the nightly steps cannot build: `cargo +nightly`
/// does not run (no rustup, or no nightly toolchain; nothing is installed by asking), or the
/// nightly toolchain has no standard library for `triple`.
pub(crate) fn require_nightly(triple: Option<&str>) -> Result<()> {
    let out = io::run_timed(
        Command::new("cargo")
            .args(["+nightly", "-V"])
            .env("RUSTUP_AUTO_INSTALL", "0"),
    );
    let why = match &out {
        Ok((o, _)) if o.status.success() => None,
        Ok((o, _)) => {
            let stderr = String::from_utf8_lossy(&o.stderr);
            let first = stderr
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default();
            Some(first.trim_start_matches("error: ").trim().to_owned())
        }
        Err(e) => Some(format!("{e:#}")),
    };
    if let Some(why) = why {
        bail!(
            "--nightly builds with `cargo +nightly`, which does not run here ({why}): \
             `rustup toolchain install nightly --profile minimal` installs it (cargo must run \
             through rustup), or leave out --nightly"
        );
    }
    if let Some(triple) = triple {
        std_installed(rustc_of(Some("nightly")), triple, Some("nightly"))?;
    }
    Ok(())
}

/// A target's `cfg` values, from `rustc --print cfg`: what `[target.<triple>]` and
/// `[target.'cfg(..)']` tables match.
pub(crate) fn target_info(triple: &str) -> Result<Target> {
    let (out, _) = io::run_timed(rustc().args(["--print", "cfg", "--target", triple]))?;
    if !out.status.success() {
        let stderr = String::from_utf8_lossy(&out.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        bail!(
            "target `{triple}`: `rustc --print cfg --target {triple}` failed: {} (`rustc --print target-list` lists the targets rustc knows)",
            first.trim_start_matches("error: ").trim()
        );
    }
    Ok(Target::from_print_cfg(
        triple,
        &String::from_utf8_lossy(&out.stdout),
    ))
}

/// What `cargo metadata --no-deps --offline` says of the workspace of `manifest` (it reads
/// every manifest of the workspace and the config files, resolves nothing and writes nothing):
/// an error with cargo's own message when cargo refuses the project.
pub(crate) fn metadata(
    manifest: &std::path::Path,
    cwd: &std::path::Path,
    config: &[String],
) -> Result<cargo_metadata::Metadata> {
    let mut options = vec!["--offline".to_owned()];
    for value in config {
        options.extend(["--config".to_owned(), value.clone()]);
    }
    let mut cmd = cargo_metadata::MetadataCommand::new();
    cmd.manifest_path(manifest)
        .current_dir(cwd)
        .no_deps()
        .other_options(options)
        .env("CARGO_TERM_COLOR", "never");
    if let Some(cargo) = io::var("CARGO") {
        cmd.cargo_path(cargo);
    }
    cmd.exec().map_err(|e| {
        let text = match e {
            cargo_metadata::Error::CargoMetadata { stderr } => stderr,
            other => other.to_string(),
        };
        anyhow::anyhow!("cargo refuses {}: {}", manifest.display(), one_line(&text))
    })
}

/// Cargo's lines as one: "a: b" for its causes, the words of a wrapped line run on.
fn one_line(stderr: &str) -> String {
    let mut message = String::new();
    for line in stderr
        .lines()
        .map(|l| l.trim_start_matches("error: ").trim())
        .filter(|l| !l.is_empty() && *l != "Caused by:")
    {
        if !message.is_empty() {
            message.push_str(if message.ends_with(':') { " " } else { ": " });
        }
        message.extend(line.split_whitespace().flat_map(|w| [w, " "]));
        message.pop();
    }
    message
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Cargo's messages as it printed them (cargo 1.95, `--release
    /// --message-format=json-render-diagnostics`, opt-level "z"): a binary `app` on a library
    /// `dep` with a build script, whose proc-macro `mac` uses `hostdep`; the build-override
    /// opt-level as the file says.
    fn messages(jsonl: &str) -> Vec<Message> {
        Message::parse_stream(jsonl.as_bytes())
            .map(Result::unwrap)
            .collect()
    }

    const OVERRIDE_0: &str = include_str!("testdata/release-build-override-0.jsonl");
    const OVERRIDE_3: &str = include_str!("testdata/release-build-override-3.jsonl");
    const RELINK: &str = include_str!("testdata/release-relink.jsonl");

    /// The units' files of the build whose messages are `jsonl`, for the tests of the ladder's
    /// layout.
    pub(crate) fn unit_files_of(jsonl: &str) -> Vec<(PathBuf, UnitKind)> {
        unit_files(&messages(jsonl))
    }

    /// A unit is done when cargo says a crate is built (fresh or not) or a build script ran;
    /// of the crates, those not fresh were compiled: all five in a first build, the final
    /// crate alone after its source changed.
    #[test]
    fn the_units_done_are_the_artifacts_and_the_script_runs() {
        let first = collect(&messages(OVERRIDE_3), Duration::ZERO);
        assert_eq!((first.units, first.compiled), (6, 5));
        let relink = collect(&messages(RELINK), Duration::ZERO);
        assert_eq!((relink.units, relink.compiled), (6, 1));
        assert_eq!(relink.binaries.len(), 1);
        assert_eq!(relink.binaries[0].0, "app");
        assert!(relink.binaries[0].1.ends_with("target/release/app"));
        let libraries: Vec<(&str, Option<&str>, bool)> = first
            .libraries
            .iter()
            .map(|l| (l.name.as_str(), l.version.as_deref(), l.rlib.is_some()))
            .collect();
        // the proc-macro is no library of the binary
        assert_eq!(
            libraries,
            [
                ("hostdep", Some("0.1.0"), true),
                ("dep", Some("0.1.0"), true)
            ]
        );
    }

    /// A build's units as the ladder keeps them: a crate built for a proc-macro is told by its
    /// opt-level, cargo's default build-override one (0) or the project's own (3).
    #[test]
    fn a_unit_is_a_crate_of_the_binary_one_for_the_host_or_a_script_run() {
        let kinds = |jsonl: &str| -> Vec<(String, UnitKind)> {
            let mut named: Vec<(String, UnitKind)> = unit_files(&messages(jsonl))
                .into_iter()
                .map(|(p, k)| {
                    let name = p.file_name().unwrap().to_string_lossy().into_owned();
                    let name = name.split('-').next().unwrap().trim_start_matches("lib");
                    (name.split('.').next().unwrap().to_owned(), k)
                })
                .collect();
            named.sort_by(|a, b| a.0.cmp(&b.0));
            named.dedup();
            named
        };
        let host = UnitKind::Host;
        let own = UnitKind::Target;
        assert_eq!(
            kinds(OVERRIDE_0),
            [
                ("app".to_owned(), own),
                ("build".to_owned(), host),
                ("dep".to_owned(), own),
                ("hostdep".to_owned(), host),
                ("mac".to_owned(), host),
                ("out".to_owned(), UnitKind::Run),
            ]
        );
        // with build-override opt-level 3 and the binary at "z": the same kinds
        assert_eq!(kinds(OVERRIDE_3), kinds(OVERRIDE_0));
    }

    /// A target whose standard library is missing names the toolchain it is missing for, and
    /// the rustup command for that toolchain (the nightly check asks this of `rustc +nightly`;
    /// the tests must not need a nightly, so the current rustc stands in for it here).
    #[test]
    fn a_missing_standard_library_names_the_toolchain_and_its_rustup_command() {
        let triple = "x86_64-unknown-fuchsia";
        let current = require_std(triple).unwrap_err().to_string();
        assert!(
            current.ends_with(&format!(
                "is not installed for this toolchain: `rustup target add {triple}` installs it"
            )),
            "{current}"
        );
        let nightly = std_installed(rustc(), triple, Some("nightly"))
            .unwrap_err()
            .to_string();
        assert!(
            nightly.ends_with(&format!(
                "is not installed for the nightly toolchain: \
                 `rustup target add --toolchain nightly {triple}` installs it"
            )),
            "{nightly}"
        );
    }

    #[test]
    fn a_package_id_gives_its_version_in_every_form_cargo_prints() {
        let registry = "registry+https://github.com/rust-lang/crates.io-index#clap_builder@4.5.40";
        assert_eq!(version_of(registry).as_deref(), Some("4.5.40"));
        // a path package named like its directory: only the version after `#`
        assert_eq!(
            version_of("path+file:///w/bigdep#0.3.1").as_deref(),
            Some("0.3.1")
        );
        // before cargo 1.77
        let old = "clap_builder 4.5.40 (registry+https://github.com/rust-lang/crates.io-index)";
        assert_eq!(version_of(old).as_deref(), Some("4.5.40"));
    }
}
