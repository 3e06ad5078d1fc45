//! `cargo size-profile apply`: write a preset into the root manifest, keeping its comments,
//! order and formatting (the edit itself is `edit::manifest`'s).

use std::process::ExitCode;

use anyhow::{Result, anyhow};
use size_profile::__private::{Overrides, Preset};

use crate::cli::ApplyArgs;
use crate::edit::manifest::{preset_wants, write_wants};
use crate::target::locate;

pub(crate) fn run(args: &ApplyArgs) -> Result<ExitCode> {
    let preset = match &args.preset {
        Some(name) => Some(Preset::from_name(name).ok_or_else(|| {
            anyhow!(
                "unknown preset `{name}`; expected one of {}",
                Preset::names()
            )
        })?),
        None => None,
    };
    let overrides = Overrides {
        preset,
        ..Overrides::default()
    };
    let names: Vec<&str> = args.profile.iter().map(String::as_str).collect();
    let at = locate(&args.target, args.triple.as_deref(), &overrides, &names)?;
    // by default every profile the check covers, so `check --deny` passes right after
    let profiles = match &args.profile {
        Some(p) => vec![p.clone()],
        None => at.project.checked(),
    };
    let wants = preset_wants(at.project.options.preset, &at.project.options.allow);
    let tables: Vec<String> = profiles.iter().map(|p| format!("[profile.{p}]")).collect();
    let what = format!(
        "the {} preset in {}",
        at.project.options.preset,
        tables.join(", ")
    );
    write_wants(&at, &profiles, &wants, &what, args.dry_run, &overrides)
}
