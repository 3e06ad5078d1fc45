//! `cargo size-profile ladder`: build the binary with each size setting added in turn, and
//! measure every step. The user's files are never edited: each step sets every profile key
//! with `CARGO_PROFILE_<NAME>_*` variables, which win over the manifest and config files, and
//! builds in its own target directory, so an unchanged rerun is all cache hits.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::time::Duration;

use anyhow::{Result, bail};
use serde_json::json;
use size_profile::__private::{Lto, OptLevel, Overrides, Panic, Profiles, Setting, Strip, Value};

use crate::cargo::{Build, build};
use crate::cli::{LadderArgs, TableFormat};
use crate::edit::config::write_link_flags;
use crate::edit::manifest::{Want, write_wants};
use crate::io;
use crate::render::{self, Style};
use crate::target::{Located, locate};

/// The linker flag for identical code folding (lld, gold).
const ICF: &str = "-C link-arg=-Wl,--icf=all";
/// Nightly flags that drop panic locations and `Debug` formatting.
const NIGHTLY_FLAGS: &str = "-Zlocation-detail=none -Zfmt-debug=none";

/// One measured build.
#[derive(Clone, Debug)]
struct Row {
    step: String,
    /// For JSON: what the step adds (`dev`, `release`, a setting key, or `flags`) and its value.
    key: String,
    value: Option<serde_json::Value>,
    bytes: Option<u64>,
    time: Duration,
    /// Whether the ladder went on from this build.
    kept: bool,
    /// Compared with the previous kept step.
    previous: Option<u64>,
    note: String,
}

/// The state the ladder climbs: the profile settings and extra flags kept so far.
#[derive(Clone, Debug)]
struct State {
    settings: BTreeMap<Setting, Value>,
    /// `-C` flags for the final crate (`cargo rustc`).
    link_flags: Vec<String>,
    /// Nightly `-Z` flags for every crate.
    nightly_flags: Vec<String>,
    build_std: bool,
}

impl State {
    /// Cargo's default release profile, every key spelled out, as the core resolves it.
    fn release() -> State {
        let defaults = Profiles::cargo_defaults("release").expect("release is built in");
        State {
            settings: defaults.iter().map(|(s, e)| (s, e.value)).collect(),
            link_flags: Vec::new(),
            nightly_flags: Vec::new(),
            build_std: false,
        }
    }

    fn with(&self, value: Value) -> State {
        let mut s = self.clone();
        s.settings.insert(value.setting(), value);
        s
    }
}

/// A builder of one step's cargo command.
struct Ladder<'a> {
    at: &'a Located,
    root: PathBuf,
    bin: Option<String>,
    progress: bool,
    count: usize,
    /// How many builds the ladder will run, for the progress line.
    total: usize,
}

impl Ladder<'_> {
    fn build(
        &mut self,
        slug: &str,
        label: &str,
        state: Option<&State>,
    ) -> Result<(Option<u64>, Duration, String)> {
        self.count += 1;
        if self.progress {
            io::err(&format!(
                "\r\x1b[K[{}/{}] building {label} …",
                self.count, self.total
            ));
        }
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

fn nightly_src_installed() -> bool {
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

pub(crate) fn run(args: &LadderArgs) -> Result<ExitCode> {
    let at = locate(
        &args.target,
        &Overrides::default(),
        &[args.profile.as_str()],
    )?;
    at.usable()?;
    let mut ladder = Ladder {
        root: at.target_dir().join("size-profile").join("ladder"),
        at: &at,
        bin: args.bin.clone(),
        progress: io::progress_on(),
        count: 0,
        // dev, release, two opt-levels, two LTOs, codegen-units, panic, strip, ICF, and the
        // other opt-level again
        total: 11
            + if args.nightly {
                1 + usize::from(nightly_src_installed())
            } else {
                0
            },
    };
    let mut rows: Vec<Row> = Vec::new();

    let (bytes, time, note) = ladder.build("dev", "dev", None)?;
    rows.push(Row {
        step: "dev".into(),
        key: "dev".into(),
        value: None,
        bytes,
        time,
        kept: false,
        previous: None,
        note,
    });
    let mut state = State::release();
    let (release, time, _) = ladder.build("release", "release", Some(&state))?;
    let release = release.unwrap_or_default();
    rows.push(Row {
        step: "release".into(),
        key: "release".into(),
        value: None,
        bytes: Some(release),
        time,
        kept: true,
        previous: None,
        note: String::new(),
    });
    let mut current = release;

    // a setting with two candidates: both measured, the smaller continues
    let pairs: [(&str, [(&str, Value); 2]); 2] = [
        (
            "opt-level",
            [
                ("opt-s", Value::OptLevel(OptLevel::S)),
                ("opt-z", Value::OptLevel(OptLevel::Z)),
            ],
        ),
        (
            "lto",
            [
                ("lto-thin", Value::Lto(Lto::Thin)),
                ("lto-fat", Value::Lto(Lto::Fat)),
            ],
        ),
    ];
    for (_, candidates) in pairs {
        let mut measured = Vec::new();
        for (slug, value) in candidates {
            let next = state.with(value);
            let label = format!("+ {}", value.assignment());
            let (bytes, time, note) = ladder.build(slug, &label, Some(&next))?;
            measured.push((label, value, bytes, time, note));
        }
        let best = measured
            .iter()
            .enumerate()
            .filter_map(|(i, m)| m.2.map(|b| (b, i)))
            .min();
        for (i, (label, value, bytes, time, note)) in measured.into_iter().enumerate() {
            let kept = best.is_some_and(|(b, j)| i == j && b <= current);
            let note = match (&note, kept, bytes) {
                (n, _, _) if !n.is_empty() => n.clone(),
                (_, true, _) => String::new(),
                (_, false, Some(b)) if b > current => {
                    "larger than the step before: not kept".into()
                }
                _ => "the other candidate is smaller: not kept".into(),
            };
            rows.push(Row {
                step: label,
                key: value.setting().key().to_owned(),
                value: Some(crate::check::value(value)),
                bytes,
                time,
                kept,
                previous: Some(current),
                note,
            });
            if kept {
                state = state.with(value);
            }
        }
        if let Some((b, _)) = best.filter(|(b, _)| *b <= current) {
            current = b;
        }
    }

    let singles = [
        ("cgu1", Value::CodegenUnits(1)),
        ("abort", Value::Panic(Panic::Abort)),
        ("strip", Value::Strip(Strip::Symbols)),
    ];
    for (slug, value) in singles {
        let next = state.with(value);
        let label = format!("+ {}", value.assignment());
        climb(
            &mut ladder,
            &mut rows,
            &mut state,
            &mut current,
            slug,
            &label,
            next,
        )?;
    }

    // identical code folding: a linker flag, lld's (rustc's default linker on x86_64 Linux)
    let mut next = state.clone();
    next.link_flags.push(ICF.into());
    climb(
        &mut ladder,
        &mut rows,
        &mut state,
        &mut current,
        "icf",
        &format!("+ {ICF}"),
        next,
    )?;

    // "s" or "z" was decided before LTO and the rest; with them the other is often smaller
    let chosen = state.settings.get(&Setting::OptLevel).copied();
    if !matches!(chosen, Some(Value::OptLevel(OptLevel::S | OptLevel::Z))) {
        ladder.total += 1; // neither was kept: both are tried again
    }
    for other in [Value::OptLevel(OptLevel::Z), Value::OptLevel(OptLevel::S)] {
        if Some(other) != chosen && state.settings.get(&Setting::OptLevel).copied() != Some(other) {
            let label = format!("+ {} (again, after the rest)", other.assignment());
            let slug = format!("opt-{}-again", other.env_form());
            let next = state.with(other);
            climb(
                &mut ladder,
                &mut rows,
                &mut state,
                &mut current,
                &slug,
                &label,
                next,
            )?;
        }
    }

    if args.nightly {
        let mut next = state.clone();
        next.nightly_flags
            .extend(NIGHTLY_FLAGS.split(' ').map(String::from));
        climb(
            &mut ladder,
            &mut rows,
            &mut state,
            &mut current,
            "nightly-flags",
            &format!("+ {NIGHTLY_FLAGS} (nightly)"),
            next,
        )?;
        let label = "+ -Zbuild-std with optimize_for_size (nightly)";
        if nightly_src_installed() {
            let mut next = state.clone();
            next.build_std = true;
            climb(
                &mut ladder,
                &mut rows,
                &mut state,
                &mut current,
                "build-std",
                label,
                next,
            )?;
        } else {
            rows.push(Row {
                step: label.into(),
                key: "flags".into(),
                value: Some(json!(
                    "-Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size"
                )),
                bytes: None,
                time: Duration::ZERO,
                kept: false,
                previous: None,
                note: "skipped: needs `rustup component add rust-src --toolchain nightly`".into(),
            });
        }
    }
    if ladder.progress {
        io::err("\r\x1b[K");
    }

    let bin = ladder.bin.clone().unwrap_or_default();
    let best = describe_best(&state);
    match args.format {
        TableFormat::Json => io::out(&format!(
            "{:#}\n",
            json(&bin, &rows, &state, current, release)
        )),
        format => {
            let markdown = format == TableFormat::Markdown;
            io::out(&table(&rows, release, markdown));
            let style = Style {
                color: io::color_stdout() && !markdown,
            };
            io::out(&format!(
                "\n{} {best}: {} bytes, {} of release\n",
                style.bold(&format!("best for `{bin}`:")),
                render::bytes(current),
                render::ratio(current, release)
            ));
            if !state.link_flags.is_empty() || !state.nightly_flags.is_empty() || state.build_std {
                io::out(
                    "flags are not profile settings: --apply-best writes them to [target.<host>] rustflags in .cargo/config.toml\n",
                );
            }
        }
    }
    if args.apply_best {
        let wants: Vec<Want> = best_settings(&state)
            .into_iter()
            .map(|v| Want {
                setting: v.setting(),
                accept: vec![v],
                write: v,
            })
            .collect();
        let what = format!("the ladder's best settings in [profile.{}]", args.profile);
        let code = write_wants(
            &at,
            std::slice::from_ref(&args.profile),
            &wants,
            &what,
            false,
            &Overrides::default(),
        )?;
        if !state.link_flags.is_empty() {
            let flags: Vec<String> = state
                .link_flags
                .iter()
                .flat_map(|f| f.split(' '))
                .map(String::from)
                .collect();
            write_link_flags(&at, &crate::cargo::host_triple()?, &flags)?;
        }
        if !state.nightly_flags.is_empty() || state.build_std {
            io::out(
                "note: the nightly steps are not written: they need a nightly toolchain in every build\n",
            );
        }
        return Ok(code);
    }
    Ok(ExitCode::SUCCESS)
}

/// Builds `next`; it becomes the state when it is no larger than `current`.
fn climb(
    ladder: &mut Ladder<'_>,
    rows: &mut Vec<Row>,
    state: &mut State,
    current: &mut u64,
    slug: &str,
    label: &str,
    next: State,
) -> Result<()> {
    let (bytes, time, note) = ladder.build(slug, label, Some(&next))?;
    let kept = bytes.is_some_and(|b| b <= *current);
    let note = match (note.is_empty(), kept) {
        (false, _) => note,
        (true, true) => String::new(),
        (true, false) => "larger than the step before: not kept".into(),
    };
    // what this step adds: a profile setting, or flags
    let added = next
        .settings
        .iter()
        .find(|(k, v)| state.settings.get(k) != Some(v));
    let (key, value) = match added {
        Some((_, v)) => (v.setting().key().to_owned(), crate::check::value(*v)),
        None => {
            let flags = label
                .trim_start_matches("+ ")
                .trim_end_matches(" (nightly)");
            ("flags".to_owned(), json!(flags))
        }
    };
    rows.push(Row {
        step: label.into(),
        key,
        value: Some(value),
        bytes,
        time,
        kept,
        previous: Some(*current),
        note,
    });
    if let (true, Some(b)) = (kept, bytes) {
        *state = next;
        *current = b;
    }
    Ok(())
}

/// The profile settings that differ from cargo's default release profile.
fn best_settings(state: &State) -> Vec<Value> {
    let defaults = State::release();
    state
        .settings
        .values()
        .filter(|v| defaults.settings.get(&v.setting()) != Some(v))
        .copied()
        .collect()
}

fn describe_best(state: &State) -> String {
    let mut parts: Vec<String> = best_settings(state)
        .iter()
        .map(|v| v.assignment())
        .collect();
    parts.extend(state.link_flags.iter().cloned());
    parts.extend(state.nightly_flags.iter().cloned());
    if state.build_std {
        parts.push("-Zbuild-std".into());
    }
    parts.join(", ")
}

fn table(rows: &[Row], release: u64, markdown: bool) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let bytes = r.bytes.map(render::bytes).unwrap_or_else(|| "-".into());
            let previous = match (r.bytes, r.previous) {
                (Some(b), Some(p)) => render::change(p, b),
                _ => String::new(),
            };
            let vs_release = r
                .bytes
                .map(|b| render::ratio(b, release))
                .unwrap_or_default();
            let time = if r.bytes.is_some() {
                render::seconds(r.time)
            } else {
                String::new()
            };
            vec![
                r.step.clone(),
                bytes,
                previous,
                vs_release,
                time,
                r.note.clone(),
            ]
        })
        .collect();
    render::table(
        &[
            "step",
            "bytes",
            "vs previous",
            "vs release",
            "build time",
            "note",
        ],
        &cells,
        markdown,
    )
}

fn json(bin: &str, rows: &[Row], state: &State, best: u64, release: u64) -> serde_json::Value {
    json!({
        "version": crate::check::JSON_VERSION,
        "binary": bin,
        "steps": rows.iter().map(|r| json!({
            "step": r.key,
            "value": r.value,
            "bytes": r.bytes,
            "kept": r.kept,
            "build_seconds": r.time.as_secs_f64(),
            "note": (!r.note.is_empty()).then_some(&r.note),
        })).collect::<Vec<_>>(),
        "best": {
            "bytes": best,
            "vs_release": if release > 0 { best as f64 / release as f64 } else { 0.0 },
            "settings": best_settings(state).iter().map(|v| (v.setting().key().to_owned(), crate::check::value(*v))).collect::<serde_json::Map<_, _>>(),
            "flags": state.link_flags.iter().chain(&state.nightly_flags).collect::<Vec<_>>(),
            "build_std": state.build_std,
        },
    })
}
