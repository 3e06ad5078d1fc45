//! `cargo size-profile ladder`: build the binary with each size setting added in turn, and
//! measure every step, next to the project's own profile as it is. The user's files are never
//! edited: each step sets the profile with `CARGO_PROFILE_<NAME>_*` variables. Measurements
//! are kept by what decides them, so an unchanged rerun builds nothing.
//!
//! [`strategy`] decides, [`cargo_steps`] builds (with what it assumes of cargo's layout in
//! [`layout`]), [`results`] keeps, [`present`] shows.

mod cargo_steps;
mod layout;
mod present;
mod results;
mod strategy;

use std::process::ExitCode;

use anyhow::Result;
use size_profile::__private::{Env, Overrides, ProcessEnv, SAVINGS_FILE, Savings, linked_lock};

use crate::cli::LadderArgs;
use crate::edit::config::write_link_flags;
use crate::edit::manifest::{Want, write_wants};
use crate::io;
use crate::target::{Asked, Located, resolve_build};

use cargo_steps::{CargoBuilder, Lane, jobs_limited, nightly_src_installed};
use results::Results;
use strategy::{Climb, Plan, State, best_settings, climb, savings};

/// The project's `release` as a state of the chain: its resolved settings. A step with the
/// same settings is the same cargo profile, so the same build. `None` for another profile
/// (its name is in cargo's metadata hash, so the build differs) or one that does not resolve.
fn as_state(at: &Located, profile: &str) -> Option<State> {
    if profile != "release" {
        return None;
    }
    let resolved = at.project.resolve(profile).ok()?;
    let mut state = State::release();
    state.settings = resolved
        .settings
        .iter()
        .map(|(s, e)| (s, e.value))
        .collect();
    Some(state)
}

/// Writes what each kept setting saved where the findings read it
/// (`<target-dir>/size-profile/measured/savings.toml`), with what tells a later build that the
/// numbers are from an older one: the fingerprint of what `Cargo.lock` locks for the binary
/// and `rustc -V`.
fn write_savings(at: &Located, bin: &str, climb: &Climb) -> Result<std::path::PathBuf> {
    let path = at.target_dir().join(SAVINGS_FILE);
    let lock = io::read(&at.inputs.root_dir.join("Cargo.lock")).ok();
    let package = at.inputs.package.as_ref().unwrap_or(&at.inputs.root);
    let file = Savings {
        package: at.package.clone().unwrap_or_default(),
        binary: bin.to_owned(),
        date: io::today(),
        rustc: ProcessEnv.rustc_version().unwrap_or_default(),
        cargo_lock: lock.map(|text| linked_lock(&text, package)),
        saves: savings(&climb.rows),
    };
    io::write_ours(&path, &file.to_toml())?;
    Ok(path)
}

pub(crate) fn run(args: &LadderArgs) -> Result<ExitCode> {
    let triple = args.selection.triple.as_deref();
    let (at, _) = resolve_build(&Asked {
        command: "ladder",
        target: &args.target,
        triple,
        profile: Some(&args.profile),
        bin: args.bin.as_deref(),
        sole_member: true,
    })?;
    if args.nightly {
        crate::cargo::require_nightly(triple)?;
    }
    let nightly = args.nightly.then(nightly_src_installed);
    let home = at.target_dir().join("size-profile").join("ladder");
    // the lanes' build directories under the project's own, when it sets one apart
    let build_home = at.build_dir().join("size-profile").join("ladder");
    let selection = args.selection.cargo_args();
    let arguments = at.inputs.command_line.iter().map(|a| a.document());
    let configs: Vec<&str> = at
        .inputs
        .configs
        .iter()
        .chain(arguments)
        .map(|d| d.text())
        .collect();
    let one_at_a_time = jobs_limited(&selection, io::var("CARGO_BUILD_JOBS").is_some(), &configs);
    let mut builder = CargoBuilder {
        inputs: CargoBuilder::inputs(&at, &selection, args.bin.as_deref())?,
        at: &at,
        work: home.join("build"),
        lanes: Lane::two(&home.join("build"), &build_home.join("build")),
        bin: args.bin.clone(),
        selection,
        progress: io::progress_on(),
        untouched: CargoBuilder::defaults_of(&at),
        results: Results::open(home.join("results.json")),
        nightly: None,
        host_units: std::collections::BTreeSet::new(),
        host_profile: None,
        host_lane: None,
        ahead: None,
        units: None,
        clean: io::var("SIZE_PROFILE_LADDER_CLEAN_BUILDS").is_some_and(|v| v == "1"),
        one_at_a_time,
        plain: false,
    };
    // every step built, for the benchmark's comparison: your profile too
    let yours = as_state(&at, &args.profile).filter(|_| !builder.clean);
    let plan = Plan::new(&args.profile, yours, nightly);
    let climb = climb(&plan, &mut builder)?;
    if builder.progress {
        io::err("\r\x1b[K");
    }
    let bin = builder.bin.clone().unwrap_or_default();
    present::show(&bin, &climb, args.format);
    let saved = write_savings(&at, &bin, &climb)?;
    if args.format != crate::cli::TableFormat::Json {
        let shown = |p: &std::path::Path| crate::render::path(p, &at.cwd);
        io::out(&format!(
            "the build script and `check` quote what each setting saved from your next build on, and #[size_optimized] when its crate next compiles: {}\n",
            shown(&saved)
        ));
        let (builds, remove) = if build_home == home {
            (shown(&builder.work), shown(&home))
        } else {
            let apart = build_home.join("build");
            let builds = format!(
                "{} (their units in {})",
                shown(&builder.work),
                shown(&apart)
            );
            (
                builds,
                format!("{} and {}", shown(&home), shown(&build_home)),
            )
        };
        io::out(&format!(
            "the ladder keeps its measurements in {} and its builds in {builds}: remove {remove} to free the space and measure afresh\n",
            shown(builder.results.path()),
        ));
    }
    let Climb { state, .. } = &climb;
    if args.apply_best {
        let wants: Vec<Want> = best_settings(state)
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
            write_link_flags(&at, &at.triple, &flags)?;
            io::out(&format!(
                "note: [target.{}] rustflags apply to every profile (dev too), and cargo ignores them whenever RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS is set; `cargo size-profile check` says when that happens\n",
                at.triple
            ));
        }
        if climb.nightly.is_some() {
            io::out(
                "note: the nightly steps are not written: they need a nightly toolchain in every build\n",
            );
        }
        return Ok(code);
    }
    Ok(ExitCode::SUCCESS)
}
