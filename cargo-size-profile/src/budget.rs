//! `cargo size-profile budget`: build the shipping profile and fail when a binary is over its
//! `max-size`.

use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::json;
use size_profile::__private::{Budget, Overrides};

use crate::cargo::{Build, build};
use crate::cli::{BudgetArgs, Format, Target};
use crate::io;
use crate::render::{self, Style};
use crate::target::{Located, locate, members};

/// One binary against its budget.
struct Line {
    package: String,
    binary: String,
    bytes: u64,
    budget: Option<u64>,
}

pub(crate) fn run(args: &BudgetArgs) -> Result<ExitCode> {
    let names: Vec<&str> = args.profile.iter().map(String::as_str).collect();
    let triple = args.selection.triple.as_deref();
    let first = locate(&args.target, triple, &Overrides::default(), &names)?;
    first.usable()?;
    if let Some(triple) = triple {
        crate::cargo::require_std(triple)?;
    }
    // a virtual workspace root: every member with a budget
    let packages: Vec<Located> = match (&first.package, &args.target.package) {
        (None, None) => {
            let mut found = Vec::new();
            let metadata = first.metadata.as_ref().expect("usable: cargo read it");
            for dir in members(metadata) {
                let target = Target {
                    manifest_path: Some(dir.join("Cargo.toml")),
                    package: None,
                };
                let at = locate(&target, triple, &Overrides::default(), &names)?;
                at.usable()?;
                if at.project.options.max_size.is_some() {
                    found.push(at);
                }
            }
            found
        }
        _ => vec![first],
    };
    if packages.is_empty()
        || packages
            .iter()
            .all(|p| p.project.options.max_size.is_none())
    {
        let manifest = packages
            .first()
            .map(Located::package_manifest)
            .unwrap_or_default();
        bail!(
            "no max-size in [package.metadata.size-profile] of {}; e.g. max-size = \"3 MiB\"",
            manifest.display()
        );
    }
    let mut lines = Vec::new();
    for at in &packages {
        let budget: &Budget = at.project.options.max_size.as_ref().expect("filtered");
        let profile = match &args.profile {
            Some(p) => p.clone(),
            None => at.project.shipping_profile(),
        };
        let built = build(
            at,
            &Build {
                profile,
                bin: args.bin.clone(),
                cargo_args: args.selection.cargo_args(),
                ..Build::default()
            },
        )?;
        for (binary, path) in &built.binaries {
            lines.push(Line {
                package: at.package.clone().unwrap_or_default(),
                binary: binary.clone(),
                bytes: io::size(path)?,
                budget: budget.for_binary(binary),
            });
        }
    }
    let over: Vec<&Line> = lines
        .iter()
        .filter(|l| l.budget.is_some_and(|b| l.bytes > b))
        .collect();
    match args.format {
        Format::Json => io::out(&format!(
            "{:#}\n",
            json!({
                "version": crate::check::JSON_VERSION,
                "binaries": lines.iter().map(|l| json!({
                    "package": l.package,
                    "binary": l.binary,
                    "bytes": l.bytes,
                    "max_size": l.budget,
                    "over": l.budget.is_some_and(|b| l.bytes > b),
                })).collect::<Vec<_>>(),
            })
        )),
        Format::Human => {
            let style = Style {
                color: io::color_stdout(),
            };
            let rows: Vec<Vec<String>> = lines
                .iter()
                .map(|l| {
                    let (budget, headroom) = match l.budget {
                        Some(b) if l.bytes > b => (
                            render::bytes(b),
                            style.bad(&format!("{} over", render::bytes(l.bytes - b))),
                        ),
                        Some(b) => (
                            render::bytes(b),
                            style.good(&format!("{} left", render::bytes(b - l.bytes))),
                        ),
                        None => ("-".into(), "no budget".into()),
                    };
                    vec![l.binary.clone(), render::bytes(l.bytes), budget, headroom]
                })
                .collect();
            io::out(&render::table(
                &["binary", "bytes", "max-size", "headroom"],
                &rows,
                false,
            ));
        }
    }
    for l in &over {
        let budget = l.budget.unwrap_or_default();
        io::err(&format!(
            "error: binary `{}` is {} bytes, {} over its max-size of {} bytes\n",
            l.binary,
            render::bytes(l.bytes),
            render::bytes(l.bytes - budget),
            render::bytes(budget)
        ));
    }
    Ok(if over.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}
