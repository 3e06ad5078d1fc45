//! `cargo size-profile check`: the resolved profile and its findings, for people or as JSON.

use std::process::ExitCode;

use anyhow::{Result, bail};
use serde_json::{Value as Json, json};
use size_profile::__private::{
    Finding, Overrides, Plain, Problem, Resolved, Scope, Setting, Source, Value,
};

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
    let at = locate(&args.target, None, &overrides, &names)?;
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

/// The JSON document of `check --format json`; its shape is documented in the README.
pub(crate) fn document(at: &crate::target::Located, checked: &[(Resolved, Vec<Finding>)]) -> Json {
    let project = &at.project;
    json!({
        "version": JSON_VERSION,
        "root_manifest": at.root_manifest().display().to_string(),
        "package": at.package,
        "preset": project.options.preset.name(),
        "problems": project.problems.iter().map(problem).collect::<Vec<_>>(),
        "notes": at.inputs.unread,
        "profiles": checked.iter().map(|(r, f)| profile(r, f)).collect::<Vec<_>>(),
    })
}

fn profile(r: &Resolved, findings: &[Finding]) -> Json {
    let settings: serde_json::Map<String, Json> = Setting::ALL
        .iter()
        .map(|s| {
            let e = r.get(*s);
            (
                s.key().to_owned(),
                json!({
                    "value": value(e.value),
                    "source": source(&e.source),
                    "inherited_from": e.inherited_from,
                }),
            )
        })
        .collect();
    json!({
        "name": r.profile,
        "inherits": r.chain,
        "settings": settings,
        "findings": findings.iter().map(finding).collect::<Vec<_>>(),
    })
}

/// A value in its JSON form: numbers and booleans as such, names as strings.
pub(crate) fn value(v: Value) -> Json {
    match v.plain() {
        Plain::Bool(b) => json!(b),
        Plain::Int(n) => json!(n),
        Plain::Str(s) => json!(s),
    }
}

fn source(s: &Source) -> Json {
    match s {
        Source::Manifest(l) => {
            json!({"kind": "manifest", "file": l.file.display().to_string(), "line": l.line})
        }
        Source::Config(l) => {
            json!({"kind": "config", "file": l.file.display().to_string(), "line": l.line})
        }
        Source::Env(var) => json!({"kind": "env", "var": var}),
        Source::Rustflags { origin, flag } => {
            json!({"kind": "rustflags", "origin": origin, "flag": flag})
        }
        Source::Default(profile) => json!({"kind": "default", "profile": profile}),
        Source::PackageDefault { table, at } => json!({
            "kind": "package-default",
            "table": table,
            "file": at.as_ref().map(|l| l.file.display().to_string()),
            "line": at.as_ref().map(|l| l.line),
        }),
        Source::Hidden(var) => json!({"kind": "hidden", "var": var}),
    }
}

fn finding(f: &Finding) -> Json {
    let message = f.to_string();
    match f {
        Finding::Setting(s) => json!({
            "kind": "setting",
            "setting": s.setting.key(),
            "package": s.package,
            "current": value(s.current),
            "source": source(&s.source),
            "inherited_from": s.inherited_from,
            "wanted": value(s.wanted),
            "reason": s.reason,
            "fix": s.fix.to_string(),
            "measured": s.measured.as_ref().map(|m| json!({
                "value": value(m.saving.value),
                "saves_bytes": m.saving.bytes,
                "before_bytes": m.saving.before,
                "binary": m.binary,
                "date": m.date,
                "older_build": m.older,
            })),
            "message": message,
        }),
        Finding::Invalid(i) => json!({
            "kind": "invalid",
            "key": i.key,
            "value": i.value,
            "source": source(&i.source),
            "problem": i.problem,
            "message": message,
        }),
        Finding::Allocator { dependency, at, .. } => json!({
            "kind": "allocator",
            "dependency": dependency,
            "source": {"kind": "manifest", "file": at.file.display().to_string(), "line": at.line},
            "message": message,
        }),
        Finding::IgnoredRustflags { flags, at, by } => json!({
            "kind": "ignored-rustflags",
            "flags": flags,
            "source": {"kind": "config", "at": at},
            "overridden_by": by,
            "message": message,
        }),
        Finding::IgnoredProfiles { at, root } => json!({
            "kind": "ignored-profiles",
            "source": {"kind": "manifest", "file": at.file.display().to_string(), "line": at.line},
            "root": root.display().to_string(),
            "message": message,
        }),
    }
}

fn problem(p: &Problem) -> Json {
    json!({"file": p.file.display().to_string(), "line": p.line, "key": p.key, "message": p.message, "text": p.to_string()})
}
