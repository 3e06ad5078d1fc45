//! The real [`Builder`]: each step a cargo build of the release profile with every key set by
//! `CARGO_PROFILE_RELEASE_*` variables (which win over the manifest and config files), in its
//! own target directory.

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use anyhow::{Result, bail};
use size_profile::__private::{Setting, Source, Value};

use crate::cargo::{Build, build};
use crate::io;
use crate::ladder::strategy::{Builder, Measured, State};
use crate::render;
use crate::target::Located;

/// Builds each step with cargo, in its own target directory, showing progress on a terminal.
pub(crate) struct CargoBuilder<'a> {
    pub(crate) at: &'a Located,
    pub(crate) root: PathBuf,
    pub(crate) bin: Option<String>,
    pub(crate) progress: bool,
    pub(crate) count: usize,
    /// How many builds the ladder will run, for the progress line.
    pub(crate) total: usize,
    /// The values the project's `release` takes from cargo's defaults: a step leaves these
    /// unset rather than writing them out, since an explicit value can change cargo's
    /// metadata hash (`codegen-units = 16` moves a hello world by 256 bytes), and the
    /// `release` step is to be cargo's own default release build, byte for byte.
    pub(crate) untouched: Vec<(Setting, Value)>,
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
}

impl Builder for CargoBuilder<'_> {
    fn one_more(&mut self) {
        self.total += 1;
    }

    /// Shows progress: on a terminal one line rewritten in place; elsewhere (a CI log) one
    /// plain line as each step starts and one as it ends, so a long ladder is never silent.
    fn build(&mut self, slug: &str, label: &str, state: Option<&State>) -> Result<Measured> {
        self.count += 1;
        let step = format!("[{}/{}] {label}", self.count, self.total);
        if self.progress {
            io::err(&format!("\r\x1b[K{step}: building …"));
        } else {
            io::err(&format!("{step}: building\n"));
        }
        let measured = self.measure(slug, state);
        if !self.progress {
            match &measured {
                Ok((Some(bytes), time, _)) => io::err(&format!(
                    "{step}: {} bytes in {}\n",
                    render::bytes(*bytes),
                    render::seconds(*time)
                )),
                Ok((None, _, note)) => io::err(&format!("{step}: {note}\n")),
                Err(_) => {}
            }
        }
        measured
    }
}

impl CargoBuilder<'_> {
    /// Builds one step and measures its binary.
    fn measure(&mut self, slug: &str, state: Option<&State>) -> Result<Measured> {
        let mut b = Build {
            profile: if state.is_some() {
                "release".into()
            } else {
                "dev".into()
            },
            target_dir: Some(self.root.join(slug)),
            bin: self.bin.clone(),
            ..Build::default()
        };
        if let Some(state) = state {
            for (setting, value) in &state.settings {
                if self.untouched.contains(&(*setting, *value)) {
                    continue;
                }
                let text = value.env_form();
                b.env
                    .push((format!("CARGO_PROFILE_RELEASE_{}", setting.env_key()), text));
            }
            if !state.link_flags.is_empty() {
                b.rustc = true;
                b.rustc_args = state
                    .link_flags
                    .iter()
                    .flat_map(|f| f.split(' '))
                    .map(String::from)
                    .collect();
            }
            if !state.nightly_flags.is_empty() || state.build_std {
                b.toolchain = Some("nightly".into());
                let mut flags = state.nightly_flags.join(" ");
                if b.rustc {
                    // nightly flags reach every crate through RUSTFLAGS, the link flags with them
                    flags = format!("{flags} {}", state.link_flags.join(" "));
                    b.rustc = false;
                    b.rustc_args.clear();
                }
                if let Some(user) = io::var("RUSTFLAGS") {
                    flags = format!("{user} {flags}");
                }
                b.env.push(("RUSTFLAGS".into(), flags.trim().to_owned()));
            }
            if state.build_std {
                b.cargo_args.extend([
                    "-Zbuild-std=std,panic_abort".to_owned(),
                    "-Zbuild-std-features=optimize_for_size".to_owned(),
                    "--target".to_owned(),
                    crate::cargo::host_triple()?,
                ]);
            }
        }
        match build(self.at, &b) {
            Ok(built) => {
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
                if self.bin.is_none() {
                    self.bin = Some(name.clone());
                }
                Ok((Some(io::size(path)?), built.time, String::new()))
            }
            Err(e) if state.is_some() && slug != "release" => {
                let first = e.to_string().lines().last().unwrap_or_default().to_owned();
                Ok((None, Duration::ZERO, format!("build failed: {first}")))
            }
            Err(e) => Err(e),
        }
    }
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
    let Ok((out, _)) =
        io::run_timed(Command::new("rustc").args(["+nightly", "--print", "sysroot"]))
    else {
        return false;
    };
    if !out.status.success() {
        return false;
    }
    let sysroot = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    io::exists(&sysroot.join("lib/rustlib/src/rust/library/Cargo.toml"))
}
