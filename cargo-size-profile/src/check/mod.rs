//! `cargo size-profile check`: the resolved profile and its findings, for people or as JSON
//! ([`json`]).

mod json;

use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::Value as Json;
use size_profile::__private::{Finding, Overrides, Resolved, Scope, Setting, Source, Value};

use crate::cli::{CheckArgs, Format};
use crate::io;
use crate::render::{self, Style};
use crate::target::locate;

/// Version of the JSON document; bumped on any incompatible change.
pub(crate) const JSON_VERSION: u32 = 1;

pub(crate) fn run(args: &CheckArgs) -> Result<ExitCode> {
    let overrides = Overrides {
        deny: args.deny.then_some(true),
        ..Overrides::default()
    };
    let names: Vec<&str> = args.profile.iter().map(String::as_str).collect();
    let at = locate(&args.target, args.triple.as_deref(), &overrides, &names)?;
    let project = &at.project;
    let scope = match &args.profile {
        Some(p) => Scope::Named(vec![p.clone()]),
        None => Scope::Checked,
    };
    let report = project.report(&scope, false);
    let mut checked: Vec<(Resolved, Vec<Finding>)> = Vec::new();
    for profile in &report.profiles {
        match &profile.resolved {
            Ok(resolved) => checked.push((resolved.clone(), profile.findings.clone())),
            Err(problem) => bail!("{problem}"),
        }
    }
    let total = report.findings().count();
    let broken = !report.input_problems().is_empty();
    match args.format {
        Format::Json => io::out(&format!("{:#}\n", document(&at, &checked))),
        Format::Human => io::out(&human(
            &at,
            &checked,
            Style {
                color: io::color_stdout(),
            },
        )),
    }
    Ok(if broken {
        // cargo would refuse the input (or our own options are wrong): not a pass
        ExitCode::from(2)
    } else if project.options.deny && total > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn human(
    at: &crate::target::Located,
    checked: &[(Resolved, Vec<Finding>)],
    style: Style,
) -> String {
    let project = &at.project;
    let mut out = String::new();
    for problem in &project.problems {
        out.push_str(&format!("{}: {problem}\n", style.bad("error")));
    }
    // what was left unread (a savings file of ours that is broken), never an error
    for note in &at.inputs.unread {
        out.push_str(&format!("{}: {note}\n", style.warn("warning")));
    }
    for (resolved, findings) in checked {
        let chain = match resolved.chain.len() {
            1 => String::new(),
            _ => format!(" (inherits {})", resolved.chain[1..].join(" -> ")),
        };
        let title = format!(
            "profile {}{chain}, preset {}",
            resolved.profile, project.options.preset
        );
        out.push_str(&format!("{}\n", style.bold(&title)));
        let rows: Vec<Vec<String>> = Setting::ALL
            .iter()
            .map(|s| {
                let e = resolved.get(*s);
                let mut source = e.source.to_string();
                if let Some(parent) = &e.inherited_from {
                    source.push_str(&format!(", inherited from {parent}"));
                }
                let flagged = findings.iter().any(
                    |f| matches!(f, Finding::Setting(x) if x.setting == *s && x.package.is_none()),
                );
                let mark = if flagged {
                    style.warn("✗")
                } else {
                    style.good("✓")
                };
                vec![format!("  {mark} {}", s.key()), e.value.to_string(), source]
            })
            .collect();
        out.push_str(&render::table(
            &["  setting", "value", "source"],
            &rows,
            false,
        ));
        for f in findings {
            let level = match f {
                Finding::Invalid(_) => style.bad("error"),
                _ => style.warn("warning"),
            };
            out.push_str(&format!("{level}: {f}\n"));
        }
        out.push('\n');
    }
    let total: usize = checked.iter().map(|(_, f)| f.len()).sum();
    let profiles = checked.len();
    let summary = match total {
        0 => style.good(&format!(
            "no findings in {profiles} profile{}",
            plural(profiles)
        )),
        n => style.warn(&format!(
            "{n} finding{} in {profiles} profile{}",
            plural(n),
            plural(profiles)
        )),
    };
    out.push_str(&format!("{summary}\n"));
    // the next step, as cargo's `cargo fix` hint, when `apply` fixes a finding: one whose value
    // comes from the profile's table or cargo's default (a variable, a config file or a
    // package table is fixed by hand, as its finding says)
    let applicable = checked.iter().flat_map(|(_, f)| f).any(|f| {
        matches!(f, Finding::Setting(x) if x.package.is_none()
            && matches!(x.source, Source::Manifest(_) | Source::Default(_)))
    });
    if applicable {
        out.push_str(
            "next: `cargo size-profile apply --dry-run` shows the preset written into Cargo.toml, as a diff\n",
        );
    }
    out
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The JSON document of `check --format json`; its shape is documented in docs/cli.md.
pub(crate) fn document(at: &crate::target::Located, checked: &[(Resolved, Vec<Finding>)]) -> Json {
    let report = json::Report::new(at, checked);
    serde_json::to_value(report).expect("the report is JSON")
}

/// A value in its JSON form: numbers and booleans as such, names as strings.
pub(crate) fn value(v: Value) -> Json {
    serde_json::to_value(json::Plainly(v)).expect("a value is JSON")
}
