//! `cargo size-profile budget`: build the shipping profile and fail when a binary is over its
//! `max-size`; with `--save`, keep the measurement (each binary's size and crates) in a file;
//! with `--baseline`, compare with one and fail when a binary grew more than `max-growth`.
//! `--baseline A --current B` compares two saved files without building.

pub(crate) mod baseline;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, ExitCode};

use anyhow::{Result, anyhow, bail};
use serde_json::json;
use size_profile::__private::{Budget, Env, Growth, Overrides, ProcessEnv};

use crate::cargo::{Build, build};
use crate::cli::{BudgetArgs, TableFormat};
use crate::io;
use crate::render::{self, Style};
use crate::target::{Asked, Located, locate, members, resolve_build};

use baseline::{BinaryChange, BinarySize, CrateSize, Measurement, compare, over_growth, signed};

/// What a package allows: its `max-size` and `max-growth`.
#[derive(Clone, Debug, Default)]
struct Limits {
    max_size: Option<Budget>,
    max_growth: Option<Growth>,
}

pub(crate) fn run(args: &BudgetArgs) -> Result<ExitCode> {
    if let (Some(old), Some(new)) = (&args.baseline, &args.current) {
        // two saved files: no build; the limits of the project here, when there is one
        let (old, new) = (read_measurement(old)?, read_measurement(new)?);
        let limits = locate_packages(args)
            .map(|packages| limits_of(&packages))
            .unwrap_or_default();
        return Ok(compare_and_report(&old, &new, &limits, args.format));
    }
    let packages = locate_packages(args)?;
    // a baseline that cannot be read stops before the build
    let baseline = args.baseline.as_deref().map(read_measurement).transpose()?;
    if packages
        .iter()
        .all(|p| p.project.options.max_size.is_none())
        && args.save.is_none()
        && args.baseline.is_none()
    {
        let manifest = packages
            .first()
            .map(Located::package_manifest)
            .unwrap_or_default();
        bail!(
            "{} sets no max-size, so there is no budget to check: add `max-size = \"3 MiB\"` under [package.metadata.size-profile] (`cargo size-profile budget --save sizes.json` prints the sizes without one)",
            manifest.display()
        );
    }
    let limits = limits_of(&packages);
    let measurement = measure(args, &packages)?;
    if let Some(path) = &args.save {
        io::write_ours(path, &measurement.to_json())?;
        let count = measurement.binaries.len();
        let what = if count == 1 { "binary" } else { "binaries" };
        io::err(&format!(
            "saved the measurement of {count} {what} to {}\n",
            path.display()
        ));
    }
    if let Some(old) = &baseline {
        return Ok(compare_and_report(old, &measurement, &limits, args.format));
    }
    show_sizes(&measurement, &limits, args.format);
    let over = over_budget(&measurement, &limits);
    for line in &over {
        io::err(&format!("error: {line}\n"));
    }
    Ok(if over.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The package, or in a virtual workspace root every member with a budget (all of them when
/// saving or comparing).
fn locate_packages(args: &BudgetArgs) -> Result<Vec<Located>> {
    let names: Vec<&str> = args.profile.iter().map(String::as_str).collect();
    let triple = args.selection.triple.as_deref();
    let (first, _) = resolve_build(&Asked {
        command: "budget",
        target: &args.target,
        triple,
        profile: args.profile.as_deref(),
        bin: args.bin.as_deref(),
        sole_member: false,
    })?;
    let every = args.save.is_some() || args.baseline.is_some();
    match (&first.package, &args.target.package) {
        (None, None) => {
            let mut found = Vec::new();
            let metadata = first.metadata.as_ref().expect("usable: cargo read it");
            for dir in members(metadata) {
                let target = args.target.with_manifest(dir.join("Cargo.toml"));
                let at = locate(&target, triple, &Overrides::default(), &names)?;
                at.usable()?;
                if every || at.project.options.max_size.is_some() {
                    found.push(at);
                }
            }
            Ok(found)
        }
        _ => Ok(vec![first]),
    }
}

fn limits_of(packages: &[Located]) -> BTreeMap<String, Limits> {
    packages
        .iter()
        .map(|at| {
            let options = &at.project.options;
            let limits = Limits {
                max_size: options.max_size.clone(),
                max_growth: options.max_growth,
            };
            (at.package.clone().unwrap_or_default(), limits)
        })
        .collect()
}

/// Builds each package's shipping profile and measures its binaries; with `--save` or
/// `--baseline`, also which crates they are (`why`'s build, symbols kept).
fn measure(args: &BudgetArgs, packages: &[Located]) -> Result<Measurement> {
    let split_crates = args.save.is_some() || args.baseline.is_some();
    let mut binaries = Vec::new();
    let mut profile_used = String::new();
    let mut settings = serde_json::Map::new();
    for at in packages {
        let profile = match &args.profile {
            Some(p) => p.clone(),
            None => at.project.shipping_profile(),
        };
        let built = build(
            &at.place(),
            &Build {
                profile: profile.clone(),
                bin: args.bin.clone(),
                cargo_args: args.selection.cargo_args(),
                ..Build::default()
            },
        )?;
        let splits = if split_crates {
            crate::why::measure(at, &profile, args.bin.as_deref(), &args.selection, 0)?
        } else {
            Vec::new()
        };
        for (binary, path) in &built.binaries {
            let crates = splits
                .iter()
                .find(|s| s.binary == *binary)
                .map(|s| {
                    s.crates
                        .iter()
                        .map(|c| CrateSize {
                            name: c.name.clone(),
                            version: c.version.clone(),
                            bytes: c.code + c.data,
                        })
                        .collect()
                })
                .unwrap_or_default();
            binaries.push(BinarySize {
                package: at.package.clone().unwrap_or_default(),
                binary: binary.clone(),
                bytes: io::size(path)?,
                crates,
            });
        }
        if let Ok(resolved) = at.project.resolve(&profile) {
            settings = resolved
                .settings
                .iter()
                .map(|(s, e)| (s.key().to_owned(), crate::check::value(e.value)))
                .collect();
        }
        profile_used = profile;
    }
    let at = packages
        .first()
        .ok_or_else(|| anyhow!("no package to build"))?;
    Ok(Measurement {
        toolchain: ProcessEnv.rustc_version().unwrap_or_default(),
        target: at.triple.clone(),
        profile: profile_used,
        settings,
        commit: git_commit(&at.inputs.root_dir),
        binaries,
    })
}

/// The commit checked out at `dir`, when it is in a git repository.
fn git_commit(dir: &Path) -> Option<String> {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir).args(["rev-parse", "HEAD"]);
    let (out, _) = io::run_timed(&mut cmd).ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// A measurement saved by `--save`; an error that names the command writing one.
fn read_measurement(path: &Path) -> Result<Measurement> {
    let next = format!(
        "`cargo size-profile budget --save {}` writes one",
        path.display()
    );
    let text = io::read(path).map_err(|e| anyhow!("{e:#}; {next}"))?;
    Measurement::from_json(&text).map_err(|e| anyhow!("{}: {e}; {next}", path.display()))
}

/// Each binary over its `max-size`, as an error line.
fn over_budget(m: &Measurement, limits: &BTreeMap<String, Limits>) -> Vec<String> {
    m.binaries
        .iter()
        .filter_map(|b| {
            let budget = limits
                .get(&b.package)?
                .max_size
                .as_ref()?
                .for_binary(&b.binary)?;
            (b.bytes > budget).then(|| {
                format!(
                    "binary `{}` is {} bytes, {} over its max-size of {} bytes",
                    b.binary,
                    render::bytes(b.bytes),
                    render::bytes(b.bytes - budget),
                    render::bytes(budget)
                )
            })
        })
        .collect()
}

fn budget_of(limits: &BTreeMap<String, Limits>, package: &str, binary: &str) -> Option<u64> {
    limits.get(package)?.max_size.as_ref()?.for_binary(binary)
}

/// The sizes against their budgets (no baseline).
fn show_sizes(m: &Measurement, limits: &BTreeMap<String, Limits>, format: TableFormat) {
    let budgets: Vec<Option<u64>> = m
        .binaries
        .iter()
        .map(|b| budget_of(limits, &b.package, &b.binary))
        .collect();
    if format == TableFormat::Json {
        io::out(&format!(
            "{:#}\n",
            json!({
                "version": crate::check::JSON_VERSION,
                "binaries": m.binaries.iter().zip(&budgets).map(|(b, budget)| json!({
                    "package": b.package,
                    "binary": b.binary,
                    "bytes": b.bytes,
                    "max_size": budget,
                    "over": budget.is_some_and(|x| b.bytes > x),
                })).collect::<Vec<_>>(),
            })
        ));
        return;
    }
    let markdown = format == TableFormat::Markdown;
    let style = Style {
        color: io::color_stdout() && !markdown,
    };
    let rows: Vec<Vec<String>> = m
        .binaries
        .iter()
        .zip(&budgets)
        .map(|(b, budget)| {
            let (limit, headroom) = match *budget {
                Some(x) if b.bytes > x => (
                    render::bytes(x),
                    style.bad(&format!("{} over", render::bytes(b.bytes - x))),
                ),
                Some(x) => (
                    render::bytes(x),
                    style.good(&format!("{} left", render::bytes(x - b.bytes))),
                ),
                None => ("-".into(), "no budget".into()),
            };
            vec![b.binary.clone(), render::bytes(b.bytes), limit, headroom]
        })
        .collect();
    io::out(&render::table(
        &["binary", "bytes", "max-size", "headroom"],
        &rows,
        markdown,
    ));
}

/// Compares `new` with `old`, prints what changed, and says which binaries are over their
/// `max-size` or grew more than their `max-growth` (exit 1 then).
fn compare_and_report(
    old: &Measurement,
    new: &Measurement,
    limits: &BTreeMap<String, Limits>,
    format: TableFormat,
) -> ExitCode {
    let changes = compare(old, new);
    let mut failures = over_budget(new, limits);
    failures.extend(changes.iter().filter_map(|c| {
        let growth = limits.get(&c.package)?.max_growth?;
        over_growth(c, growth)
    }));
    match format {
        TableFormat::Json => io::out(&format!("{:#}\n", changes_json(&changes, &failures))),
        TableFormat::Markdown => io::out(&changes_markdown(old, &changes, &failures)),
        TableFormat::Human => io::out(&changes_text(&changes)),
    }
    for line in &failures {
        io::err(&format!("error: {line}\n"));
    }
    if failures.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn size_or_dash(n: Option<u64>) -> String {
    n.map(render::bytes).unwrap_or_else(|| "-".into())
}

/// The binaries table and, for each binary, the crates that changed.
fn changes_tables(changes: &[BinaryChange], markdown: bool) -> (String, Vec<(String, String)>) {
    let rows: Vec<Vec<String>> = changes
        .iter()
        .map(|c| {
            vec![
                c.size.name.clone(),
                size_or_dash(c.size.before),
                size_or_dash(c.size.after),
                c.size.describe(),
            ]
        })
        .collect();
    let binaries = render::table(&["binary", "before", "after", "change"], &rows, markdown);
    let crates = changes
        .iter()
        .filter(|c| !c.crates.is_empty())
        .map(|c| {
            let rows: Vec<Vec<String>> = c
                .crates
                .iter()
                .map(|x| {
                    vec![
                        x.name.clone(),
                        size_or_dash(x.before),
                        size_or_dash(x.after),
                        x.describe(),
                    ]
                })
                .collect();
            let table = render::table(&["crate", "before", "after", "change"], &rows, markdown);
            (c.size.name.clone(), table)
        })
        .collect();
    (binaries, crates)
}

fn changes_text(changes: &[BinaryChange]) -> String {
    let (binaries, crates) = changes_tables(changes, false);
    let mut out = binaries;
    for (binary, table) in crates {
        out.push_str(&format!(
            "\ncrates of `{binary}` that changed, largest change first:\n{table}"
        ));
    }
    out
}

/// A report for a pull-request comment or `$GITHUB_STEP_SUMMARY`.
fn changes_markdown(old: &Measurement, changes: &[BinaryChange], failures: &[String]) -> String {
    let total: i128 = changes.iter().map(|c| c.size.delta()).sum();
    let mut out = format!(
        "### Binary size: {} bytes against {}\n\n",
        signed(total),
        old.commit
            .as_deref()
            .map(|c| format!("`{}`", &c[..c.len().min(12)]))
            .unwrap_or_else(|| "the baseline".into())
    );
    let (binaries, crates) = changes_tables(changes, true);
    out.push_str(&binaries);
    for (binary, table) in crates {
        out.push_str(&format!(
            "\n<details><summary>crates of <code>{binary}</code> that changed</summary>\n\n{table}\n</details>\n"
        ));
    }
    for line in failures {
        out.push_str(&format!("\n**Over:** {line}\n"));
    }
    out
}

fn changes_json(changes: &[BinaryChange], failures: &[String]) -> serde_json::Value {
    let change = |c: &baseline::Change| {
        json!({
            "before": c.before,
            "after": c.after,
            "delta": i64::try_from(c.delta()).unwrap_or(i64::MAX),
        })
    };
    json!({
        "version": crate::check::JSON_VERSION,
        "binaries": changes.iter().map(|c| {
            let mut v = change(&c.size);
            v["package"] = json!(c.package);
            v["binary"] = json!(c.size.name);
            v["crates"] = c.crates.iter().map(|x| {
                let mut v = change(x);
                v["name"] = json!(x.name);
                v
            }).collect();
            v
        }).collect::<Vec<_>>(),
        "failures": failures,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_markdown_report_names_the_baseline_and_folds_the_crates() {
        let one = |bytes: u64, crates: &[(&str, u64)]| Measurement {
            commit: Some("0123456789abcdef0123".into()),
            ..baseline::tests::measurement(bytes, crates)
        };
        let old = one(10_000, &[("std", 6_000)]);
        let new = one(26_000, &[("std", 6_000), ("big", 15_000)]);
        let changes = compare(&old, &new);
        let failures = vec!["binary `app` grew".to_owned()];
        assert_eq!(
            changes_markdown(&old, &changes, &failures),
            "### Binary size: +16,000 bytes against `0123456789ab`\n\n\
             | binary | before | after | change |\n\
             |---|---|---|---|\n\
             | app | 10,000 | 26,000 | +16,000 (+160.0 %) |\n\
             \n<details><summary>crates of <code>app</code> that changed</summary>\n\n\
             | crate | before | after | change |\n\
             |---|---|---|---|\n\
             | big | - | 15,000 | new |\n\
             \n</details>\n\
             \n**Over:** binary `app` grew\n"
        );
    }
}
