//! `cargo size-profile ladder`: build the binary with each size setting added in turn, and
//! measure every step. The user's files are never edited: each step sets the profile's keys
//! with `CARGO_PROFILE_<NAME>_*` variables, which win over the manifest and config files (a key
//! the project leaves at cargo's default stays unset), and builds in its own target directory,
//! so an unchanged rerun is all cache hits.
//!
//! [`strategy`] decides, [`cargo_steps`] builds, [`present`] shows.

mod cargo_steps;
mod present;
mod strategy;

use std::process::ExitCode;

use anyhow::Result;
use size_profile::__private::Overrides;

use crate::cli::LadderArgs;
use crate::edit::config::write_link_flags;
use crate::edit::manifest::{Want, write_wants};
use crate::io;
use crate::target::locate;

use cargo_steps::{CargoBuilder, nightly_src_installed};
use strategy::{Climb, best_settings, climb_all, planned_builds};

pub(crate) fn run(args: &LadderArgs) -> Result<ExitCode> {
    let at = locate(
        &args.target,
        &Overrides::default(),
        &[args.profile.as_str()],
    )?;
    at.usable()?;
    let nightly = args.nightly.then(nightly_src_installed);
    let mut builder = CargoBuilder {
        root: at.target_dir().join("size-profile").join("ladder"),
        at: &at,
        bin: args.bin.clone(),
        progress: io::progress_on(),
        count: 0,
        total: planned_builds(nightly),
        untouched: CargoBuilder::defaults_of(&at),
    };
    let climb = climb_all(&mut builder, nightly)?;
    if builder.progress {
        io::err("\r\x1b[K");
    }
    let bin = builder.bin.clone().unwrap_or_default();
    present::show(&bin, &climb, args.format);
    let Climb { state, .. } = climb;
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
