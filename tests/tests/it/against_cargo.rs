//! Cargo as the oracle: for generated configurations, the values both fronts give equal what
//! `cargo build -v` passes to rustc for the final crate. The generator covers manifest
//! profiles and `inherits` chains of custom profiles, `[profile.X.package.<this package>]` and
//! `"*"` tables in the manifest and in config files, two config files (one beside the package,
//! one in the directory above), `CARGO_PROFILE_*` and `CARGO_INCREMENTAL`,
//! and every rustflags source: `CARGO_ENCODED_RUSTFLAGS`, `RUSTFLAGS`, `CARGO_BUILD_RUSTFLAGS`,
//! `CARGO_TARGET_<HOST>_RUSTFLAGS`, `build.rustflags`, `[target.<host>]`, a table for another
//! triple, and `cfg(..)` tables that match and that do not.
//!
//! The CLI front resolves from the files and variables; the build-script front resolves
//! inside the case's own build script, from what cargo gives it. `SIZE_PROFILE_ORACLE_CASES`
//! sets how many cases are built (default 40): the first 8 in the default run, the rest in a
//! longer round that `.ci/run` runs (CONTRIBUTING.md has a longer run still).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use size_profile::__private::{
    ConfigArg, DebugInfo, Disk, Env, FlagsFrom, Lto, NameMap, OptLevel, Overrides, Panic,
    ProcessEnv, Request, Scope, Setting, Strip, Value, report,
};
use size_profile_tests::{Rng, Scratch, host_target};

/// How many configurations are generated and built.
fn cases() -> u64 {
    ProcessEnv
        .var("SIZE_PROFILE_ORACLE_CASES")
        .and_then(|n| n.parse().ok())
        .unwrap_or(40)
}

/// Every value form cargo accepts in TOML, per key.
const TOML_FORMS: &[(&str, &[&str])] = &[
    ("opt-level", &["0", "1", "2", "3", "\"s\"", "\"z\""]),
    ("lto", &["true", "false", "\"fat\"", "\"thin\"", "\"off\""]),
    ("codegen-units", &["1", "4", "16"]),
    ("panic", &["\"unwind\"", "\"abort\""]),
    (
        "strip",
        &["true", "false", "\"none\"", "\"debuginfo\"", "\"symbols\""],
    ),
    (
        "debug",
        &[
            "0",
            "1",
            "2",
            "true",
            "false",
            "\"none\"",
            "\"line-tables-only\"",
            "\"limited\"",
            "\"full\"",
        ],
    ),
    ("incremental", &["true", "false"]),
];

/// Forms in `CARGO_PROFILE_<NAME>_<KEY>` variables.
const ENV_FORMS: &[(&str, &[&str])] = &[
    ("OPT_LEVEL", &["2", "s", "z"]),
    ("LTO", &["true", "thin", "off", "false"]),
    ("CODEGEN_UNITS", &["1", "8"]),
    ("PANIC", &["abort", "unwind"]),
    ("STRIP", &["symbols", "false", "debuginfo"]),
    ("DEBUG", &["1", "false", "line-tables-only"]),
];

/// Keys a `[profile.X.package.<spec>]` table may set, and a key we do not read (so a table
/// can exist without any of ours).
const PACKAGE_FORMS: &[(&str, &[&str])] = &[
    ("opt-level", &["1", "\"s\"", "\"z\""]),
    ("codegen-units", &["1", "7"]),
    ("debug", &["0", "1", "\"line-tables-only\""]),
    ("strip", &["true", "false", "\"debuginfo\""]),
    ("incremental", &["true", "false"]),
    ("overflow-checks", &["false"]),
];

/// Flags for rustflags sources, in every spelling rustc takes (none for `lto`: cargo's
/// `-C embed-bitcode=no` refuses it).
const FLAGS: &[&str] = &[
    "-C opt-level=2",
    "-Copt-level=s",
    "-O",
    "--codegen=opt-level=1",
    "-Cstrip=symbols",
    "-C debuginfo=1",
    "-g",
    "-C codegen-units=3",
    "--codegen codegen-units=5",
    "-Cpanic=abort",
];

fn table(rng: &mut Rng, header: &str, extra: &str, forms: &[(&str, &[&str])]) -> String {
    let mut out = format!("{header}\n{extra}");
    for (key, values) in forms {
        if rng.chance(35) {
            let _ = writeln!(out, "{key} = {}", rng.pick(values));
        }
    }
    out
}

/// A value for a rustflags key: a string, or an array of the same words.
fn flags_value(rng: &mut Rng, array: bool) -> String {
    let flags: Vec<&str> = (0..1 + rng.below(2)).map(|_| rng.pick(FLAGS)).collect();
    let words: Vec<&str> = flags.iter().flat_map(|f| f.split(' ')).collect();
    if array {
        let quoted: Vec<String> = words.iter().map(|w| format!("{w:?}")).collect();
        format!("[{}]", quoted.join(", "))
    } else {
        format!("{:?}", words.join(" "))
    }
}

struct Case {
    package: String,
    manifest: String,
    /// `.cargo/config.toml` in the directory above the package.
    far: Option<String>,
    /// `app/.cargo/config.toml`, beside the package's manifest, where cargo runs.
    near: Option<String>,
    env: Vec<(String, String)>,
    profile: String,
    /// Path dependencies: `helper` outside the workspace (not a member, so `"*"` reaches it),
    /// `inner` inside it (a member).
    deps: Vec<&'static str>,
    /// The cargo command that builds `profile`: `build --profile`, `bench`, `test`, or
    /// `test --release` (which builds `release`).
    command: Vec<&'static str>,
    /// The package's declared `rust-version`, if any.
    rust_version: Option<&'static str>,
    /// Whether cargo builds it as a path dependency of another workspace (`outer/`, in its
    /// own `target/`), which then ships: the build script must say nothing of its own.
    dependency: bool,
}

fn generate(n: u64, host: &str) -> Case {
    let mut rng = Rng::for_case(n);
    let package = format!("oracle{n}");
    let mut manifest = table(&mut rng, "[profile.release]", "", TOML_FORMS);
    let mut profiles = vec!["release"];
    if rng.chance(60) {
        manifest += &table(
            &mut rng,
            "\n[profile.dist]",
            "inherits = \"release\"\n",
            TOML_FORMS,
        );
        profiles.push("dist");
        if rng.chance(50) {
            manifest += &table(
                &mut rng,
                "\n[profile.tiny-dist]",
                "inherits = \"dist\"\n",
                TOML_FORMS,
            );
            profiles.push("tiny-dist");
        }
    }
    if rng.chance(25) {
        manifest += &table(&mut rng, "\n[profile.dev]", "", TOML_FORMS);
        profiles.push("dev");
    }

    let package_table = |rng: &mut Rng| {
        let target = rng.pick(&profiles);
        let spec = if rng.chance(75) {
            package.as_str()
        } else {
            "\"*\""
        };
        table(
            rng,
            &format!("\n[profile.{target}.package.{spec}]"),
            "",
            PACKAGE_FORMS,
        )
    };
    for _ in 0..rng.below(3) {
        if rng.chance(50) {
            manifest += &package_table(&mut rng);
        }
    }
    // rustflags keys keep one form (string or array) per case: cargo refuses to merge a
    // string with an array, and that refusal is tested on its own
    let array = rng.chance(50);
    let config = |rng: &mut Rng, chance: u64| {
        rng.chance(chance).then(|| {
            let mut text = String::from("# shared settings\n");
            if rng.chance(50) {
                let target = rng.pick(&profiles);
                text += &table(rng, &format!("[profile.{target}]"), "", TOML_FORMS);
            }
            if rng.chance(20) {
                text += &package_table(rng);
            }
            let mut build = String::new();
            if rng.chance(15) {
                build += &format!("incremental = {}\n", rng.pick(&["true", "false"]));
            }
            if rng.chance(30) {
                build += &format!("rustflags = {}\n", flags_value(rng, array));
            }
            if !build.is_empty() {
                text += &format!("\n[build]\n{build}");
            }

            for key in [
                host.to_owned(),
                "aarch64-unknown-linux-gnu".to_owned(),
                "'cfg(unix)'".to_owned(),
                "'cfg(windows)'".to_owned(),
                "'cfg(all(unix, target_arch = \"x86_64\"))'".to_owned(),
            ] {
                if rng.chance(12) {
                    text += &format!(
                        "\n[target.{key}]\nrustflags = {}\n",
                        flags_value(rng, array)
                    );
                }
            }
            text
        })
    };
    let mut far = config(&mut rng, 50);
    let mut near = config(&mut rng, 35);
    // the build's context, from a stream of its own (so the cases above stay as they were):
    // the profiles cargo builds into the same directory as release and dev, and `[env]`
    // tables, which cargo gives build scripts and rustc but never reads for its own settings
    let mut context = Rng::for_case(n ^ 0x5EED_C0DE);
    let mut twins = Vec::new();
    for (twin, chance) in [("bench", 30), ("test", 20)] {
        if context.chance(chance) {
            manifest += &table(&mut context, &format!("\n[profile.{twin}]"), "", TOML_FORMS);
            twins.push(twin);
        }
    }
    for config in [&mut far, &mut near].into_iter().flatten() {
        if context.chance(30) {
            let target = context
                .pick(&profiles)
                .to_ascii_uppercase()
                .replace('-', "_");
            let (key, forms) = ENV_FORMS[context.below(ENV_FORMS.len())];
            let value = context.pick(forms);
            *config += &format!("\n[env]\nCARGO_PROFILE_{target}_{key} = {value:?}\n");
            if context.chance(50) {
                let flag = context.pick(FLAGS);
                *config += &format!("RUSTFLAGS = {{ value = {flag:?} }}\n");
            }
        }
    }
    let mut env = Vec::new();
    if rng.chance(40) {
        let target = rng.pick(&profiles).to_ascii_uppercase().replace('-', "_");
        let (key, forms) = ENV_FORMS[rng.below(ENV_FORMS.len())];
        env.push((
            format!("CARGO_PROFILE_{target}_{key}"),
            rng.pick(forms).to_owned(),
        ));
    }
    if rng.chance(8) {
        // cargo ignores per-package profile variables: they must change nothing here either
        let target = rng.pick(&profiles).to_ascii_uppercase().replace('-', "_");
        env.push((
            format!(
                "CARGO_PROFILE_{target}_PACKAGE_{}_OPT_LEVEL",
                package.to_ascii_uppercase()
            ),
            "1".to_owned(),
        ));
    }
    if rng.chance(10) {
        env.push((
            "CARGO_INCREMENTAL".to_owned(),
            rng.pick(&["0", "1"]).to_owned(),
        ));
    }
    let host_var = format!(
        "CARGO_TARGET_{}_RUSTFLAGS",
        host.to_ascii_uppercase().replace('-', "_")
    );
    for (var, chance) in [
        ("RUSTFLAGS", 10),
        ("CARGO_ENCODED_RUSTFLAGS", 10),
        ("CARGO_BUILD_RUSTFLAGS", 10),
        (host_var.as_str(), 10),
    ] {
        if rng.chance(chance) {
            let flag = rng.pick(FLAGS);
            let value = match var {
                "CARGO_ENCODED_RUSTFLAGS" => flag.replace(' ', "\x1f"),
                _ => flag.to_owned(),
            };
            env.push((var.to_owned(), value));
        }
    }
    let mut deps = Vec::new();
    if rng.chance(35) {
        deps.push("helper");
    }
    if rng.chance(20) {
        deps.push("inner");
    }
    // the deepest inherits chain is the most interesting one: build it more often
    let deepest = profiles
        .iter()
        .rfind(|p| **p != "dev")
        .copied()
        .unwrap_or("release");
    let profile = if rng.chance(40) {
        deepest
    } else {
        rng.pick(&profiles)
    }
    .to_owned();
    // a twin is built in place of some builds of the others, never of dev's
    let profile = match twins.first() {
        Some(twin) if profile != "dev" && context.chance(60) => twin.to_string(),
        _ => profile,
    };
    let command = match profile.as_str() {
        "bench" => vec!["bench", "--no-run"],
        "test" => vec!["test", "--no-run"],
        "release" if context.chance(30) => vec!["test", "--release", "--no-run"],
        "dev" => vec!["build", "--profile"],
        // `cargo install` builds the profile as `cargo build` does (release by default)
        _ if context.chance(15) => vec!["install", "--path", ".", "--profile"],
        _ => vec!["build", "--profile"],
    };
    if command[0] != "build" {
        // rustc refuses a test harness with `-C panic=abort` ("not supported without
        // -Zpanic_abort_tests"), whatever the profile: that flag is left to `cargo build`
        let harmless = |t: &str| t.replace("-Cpanic=abort", "-Ccodegen-units=2");
        for config in [&mut far, &mut near].into_iter().flatten() {
            *config = harmless(config);
        }
        for (_, value) in &mut env {
            *value = harmless(value);
        }
    }
    let rust_version =
        [None, Some("1.60"), Some("1.76"), Some("1.77"), Some("1.85")][context.below(5)];
    let dependency = command[0] == "build" && context.chance(8);
    // a variable set in the shell with the value `[env]` gives it cannot be told apart from
    // `[env]`'s (a documented limit): the generator keeps them apart
    env.retain(|(k, v)| {
        let clash = format!("{k} = {v:?}");
        !far.as_deref().is_some_and(|t| t.contains(&clash))
            && !near.as_deref().is_some_and(|t| t.contains(&clash))
    });
    Case {
        command,
        rust_version,
        dependency,
        package,
        manifest,
        far,
        near,
        env,
        profile,
        deps,
    }
}

/// The settings rustc got, read from its arguments; rustc's defaults where cargo passed none.
fn from_rustc(args: &[String]) -> BTreeMap<Setting, Value> {
    let mut codegen: BTreeMap<String, String> = BTreeMap::new();
    let mut it = args.iter();
    // rustc takes the rightmost setting of a key in any spelling: `-O` is `-C opt-level=3`
    // and `-g` is `-C debuginfo=2` (rustc's `parse_opt_level` and `parse_debuginfo`)
    while let Some(arg) = it.next() {
        let flag = match arg.as_str() {
            "-O" => "opt-level=3".to_owned(),
            "-g" => "debuginfo=2".to_owned(),
            "-C" | "--codegen" => it.next().cloned().unwrap_or_default(),
            _ => match arg
                .strip_prefix("--codegen=")
                .or_else(|| arg.strip_prefix("-C"))
            {
                Some(rest) => rest.to_owned(),
                None => continue,
            },
        };
        let (key, value) = flag.split_once('=').unwrap_or((&flag, ""));
        codegen.insert(key.to_owned(), value.to_owned());
    }
    let get = |k: &str| codegen.get(k).map(String::as_str);
    let incremental = codegen.contains_key("incremental");
    let mut out = BTreeMap::new();
    out.insert(
        Setting::OptLevel,
        Value::OptLevel(
            get("opt-level")
                .and_then(OptLevel::from_flag)
                .unwrap_or(OptLevel::O0),
        ),
    );
    out.insert(
        Setting::Lto,
        Value::Lto(match get("lto") {
            None => Lto::ThinLocal,
            Some("" | "fat" | "true" | "yes" | "on" | "y") => Lto::Fat,
            Some("thin") => Lto::Thin,
            Some(_) => Lto::Off,
        }),
    );
    let units = get("codegen-units").and_then(|n| n.parse().ok());
    out.insert(
        Setting::CodegenUnits,
        Value::CodegenUnits(units.unwrap_or(if incremental { 256 } else { 16 })),
    );
    out.insert(
        Setting::Panic,
        Value::Panic(if get("panic") == Some("abort") {
            Panic::Abort
        } else {
            Panic::Unwind
        }),
    );
    out.insert(
        Setting::Strip,
        Value::Strip(match get("strip") {
            Some("symbols") => Strip::Symbols,
            Some("debuginfo") => Strip::Debuginfo,
            _ => Strip::None,
        }),
    );
    out.insert(
        Setting::Debug,
        Value::Debug(match get("debuginfo") {
            None | Some("0" | "none") => DebugInfo::None,
            Some("1" | "limited") => DebugInfo::Limited,
            Some("line-tables-only") => DebugInfo::LineTablesOnly,
            Some("line-directives-only") => DebugInfo::LineDirectivesOnly,
            Some(_) => DebugInfo::Full,
        }),
    );
    out.insert(Setting::Incremental, Value::Incremental(incremental));
    out
}

/// The CLI front: the files and variables cargo reads, from where cargo runs.
fn cli_front(p: &Scratch, case: &Case) -> Result<BTreeMap<Setting, Value>, String> {
    cli_front_with(p, &case.env, &case.profile, &[])
}

/// The same, for variables, a profile and `--config` arguments of its own.
fn cli_front_with(
    p: &Scratch,
    vars: &[(String, String)],
    profile: &str,
    command_line: &[ConfigArg],
) -> Result<BTreeMap<Setting, Value>, String> {
    // the same environment cargo saw: the tests' own, and the case's variables
    let mut env: NameMap<String> = size_profile_tests::hermetic::vars()
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.into_string().ok()?)))
        .collect();
    for (key, value) in vars {
        env.insert(key.clone(), value.clone());
    }
    let flags = FlagsFrom::Config(Some(host_target()));
    let app = p.dir.join("app");
    let request = Request {
        manifest_dir: &app,
        cwd: &app,
        flags,
        overrides: Overrides::default(),
        scope: Scope::Named(vec![profile.to_owned()]),
        no_std: false,
        command_line,
    };
    let report = report(&request, &env, &Disk);
    if !report.problems.is_empty() {
        let problems: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        return Err(problems.join("; "));
    }
    let resolved = match report.profiles.into_iter().next().map(|p| p.resolved) {
        Some(Ok(resolved)) => resolved,
        Some(Err(problem)) => return Err(problem.to_string()),
        None => return Err("no profile reported".into()),
    };
    Ok(resolved
        .settings
        .iter()
        .map(|(s, e)| (s, e.value))
        .collect())
}

/// The build-script front: the values the case's build script resolved, as it printed them.
fn build_script_front(run: &size_profile_tests::Run) -> Result<BTreeMap<Setting, Value>, String> {
    let mut out = BTreeMap::new();
    for line in run.warnings() {
        let Some(rest) = line.strip_prefix("oracle ") else {
            continue;
        };
        if rest.starts_with("note ") || rest.starts_with("dependency of ") {
            continue;
        }
        let Some((key, value)) = rest.split_once('=') else {
            return Err(rest.to_owned());
        };
        let setting = Setting::ALL
            .into_iter()
            .find(|s| s.key() == key)
            .ok_or_else(|| format!("unknown setting {key}"))?;
        let value = all_values()
            .into_iter()
            .find(|v| v.setting() == setting && v.to_string() == value)
            .ok_or_else(|| format!("unknown value {value} of {key}"))?;
        out.insert(setting, value);
    }
    Ok(out)
}

/// Every value of every setting, to read them back from their text.
fn all_values() -> Vec<Value> {
    let mut out = Vec::new();
    for o in [
        OptLevel::O0,
        OptLevel::O1,
        OptLevel::O2,
        OptLevel::O3,
        OptLevel::S,
        OptLevel::Z,
    ] {
        out.push(Value::OptLevel(o));
    }
    for l in [Lto::Off, Lto::ThinLocal, Lto::Thin, Lto::Fat] {
        out.push(Value::Lto(l));
    }
    out.extend((1..=256).map(Value::CodegenUnits));
    out.extend([Value::Panic(Panic::Unwind), Value::Panic(Panic::Abort)]);
    for s in [Strip::None, Strip::Debuginfo, Strip::Symbols] {
        out.push(Value::Strip(s));
    }
    for d in [
        DebugInfo::None,
        DebugInfo::LineDirectivesOnly,
        DebugInfo::LineTablesOnly,
        DebugInfo::Limited,
        DebugInfo::Full,
    ] {
        out.push(Value::Debug(d));
    }
    out.extend([Value::Incremental(false), Value::Incremental(true)]);
    out
}

const BUILD_SCRIPT: &str = r#"use size_profile::{Directive, Syntax};

fn main() {
    let env = size_profile::__private::ProcessEnv;
    let syntax = Syntax::of_package(&env);
    let say = |text: String| {
        println!("{}", Directive::Warning(format!("size-profile: oracle {text}")).line(syntax));
    };
    let report = size_profile::__private::build_script_report(&env, &size_profile::__private::Disk);
    if let Some((_, report)) = &report {
        for note in &report.unread {
            say(format!("note {note}"));
        }
        if let Some(whose) = &report.dependency_of {
            say(format!("dependency of {whose}"));
        }
    }
    let reported = report.and_then(|(_, r)| r.profiles.into_iter().next());
    match reported.map(|p| p.resolved) {
        Some(Ok(resolved)) => {
            for (setting, entry) in resolved.settings.iter() {
                say(format!("{setting}={}", entry.value));
            }
        }
        Some(Err(e)) => say(e.to_string()),
        None => say("not reported".to_owned()),
    }
}
"#;

fn differences(
    want: &BTreeMap<Setting, Value>,
    got: &Result<BTreeMap<Setting, Value>, String>,
) -> Vec<String> {
    match got {
        Err(e) => vec![format!("failed: {e}")],
        Ok(got) => want
            .iter()
            .filter(|(s, v)| got.get(s) != Some(v))
            .map(|(s, v)| {
                format!(
                    "{s}: cargo {v}, ours {:?}",
                    got.get(s).map(ToString::to_string)
                )
            })
            .collect(),
    }
}

/// The cases the README's test command builds; `.ci/run` builds the rest of [`cases`] too.
const QUICK: u64 = 8;

#[test]
fn both_fronts_resolve_what_cargo_gives_rustc() {
    agree_on(0..QUICK.min(cases()));
}

#[test]
#[ignore = "the longer round: .ci/run runs it (cargo test --workspace --tests -- --ignored)"]
fn both_fronts_resolve_what_cargo_gives_rustc_in_a_longer_round() {
    agree_on(QUICK.min(cases())..cases());
}

/// Builds the cases of `range` and requires both fronts to give what cargo gave rustc.
fn agree_on(range: std::ops::Range<u64>) {
    assert!(
        !range.is_empty(),
        "SIZE_PROFILE_ORACLE_CASES={} leaves this round no case ({range:?})",
        cases()
    );
    let host = host_target();
    let cases = range.end - range.start;
    // cases run in a few workers, each with a target directory of its own (one cargo at a
    // time may use a target directory); results are put back in case order
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4)) as u64;
    let mut outcomes: Vec<(u64, Outcome)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|w| {
                let host = &host;
                let range = range.clone();
                scope.spawn(move || {
                    let target = size_profile_tests::shared_target().join(format!("oracle-{w}"));
                    (range.start + w..range.end)
                        .step_by(workers as usize)
                        .map(|n| (n, run_case(n, &host.triple, &target)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker ran its cases"))
            .collect()
    });
    outcomes.sort_by_key(|(n, _)| *n);
    let failures: String = outcomes
        .iter()
        .filter_map(|(_, o)| match o {
            Outcome::Failed(text) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let compared = outcomes
        .iter()
        .filter(|(_, o)| !matches!(o, Outcome::Refused))
        .count() as u64;
    let unsure = outcomes
        .iter()
        .filter(|(_, o)| matches!(o, Outcome::Unsure))
        .count() as u64;
    assert!(failures.is_empty(), "{failures}");
    // a bench or test build whose values fit release (or dev) too is not compared for the
    // build script: the compared ones must still be most of the cases
    assert!(
        (compared - unsure) * 3 >= cases * 2,
        "only {} of {cases} configurations were compared for both fronts ({unsure} unsure)",
        compared - unsure
    );
    assert!(
        compared * 4 >= cases * 3,
        "only {compared} of {cases} configurations were compared"
    );
}

/// What one generated configuration gave.
enum Outcome {
    /// Cargo and both fronts agree.
    Agreed,
    /// Cargo and the CLI agree; the build script said that cargo's values fit two profiles
    /// of one directory, and checked the directory's own.
    Unsure,
    /// Cargo refused it, and so did we.
    Refused,
    /// A difference, described.
    Failed(String),
}

/// Builds case `n` with `cargo build -v` in `target` and compares both fronts with what
/// rustc got.
fn run_case(n: u64, triple: &str, target: &std::path::Path) -> Outcome {
    let dep = size_profile_tests::repo_root().join("size-profile");
    let mut failures = String::new();
    let case = generate(n, triple);
    let mut dependencies = String::new();
    for name in &case.deps {
        let at = if *name == "helper" {
            "../helper"
        } else {
            "inner"
        };
        dependencies += &format!("{name} = {{ path = \"{at}\" }}\n");
    }
    let tail = format!(
        "[dependencies]\n{dependencies}\n[build-dependencies]\nsize-profile = {{ path = {:?} }}\n\n{}",
        dep.display().to_string(),
        case.manifest
    );
    // the package is in `app/`, where cargo runs; the far config file is in the directory
    // above it, the near one beside it: both are where a build script finds them too
    let p = Scratch::new(&case.package, "");
    p.write(
        "app/Cargo.toml",
        &format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n{}\n[workspace]\n{tail}",
            case.package,
            case.rust_version
                .map(|v| format!("rust-version = \"{v}\"\n"))
                .unwrap_or_default(),
        ),
    );
    p.write("app/src/main.rs", "fn main() {}\n");
    if case.dependency {
        // a library too, so that another workspace can depend on the package (else the
        // first rustc line of the package would be the library's, which never gets `-C lto`)
        p.write("app/src/lib.rs", "pub fn f() {}\n");
        p.write(
            "outer/Cargo.toml",
            &format!(
                "[package]\nname = \"outer\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[dependencies]\n{} = {{ path = \"../app\" }}\n\n[workspace]\n\n{}",
                case.package, case.manifest
            ),
        );
        p.write("outer/src/main.rs", "fn main() {}\n");
    }
    for (dir, name) in [("helper", "helper"), ("app/inner", "inner")] {
        p.write(
            &format!("{dir}/Cargo.toml"),
            &format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n"),
        );
        p.write(&format!("{dir}/src/lib.rs"), "pub fn f() {}\n");
    }
    p.write("app/build.rs", BUILD_SCRIPT);
    if let Some(text) = &case.far {
        p.write(".cargo/config.toml", text);
    }
    if let Some(text) = &case.near {
        p.write("app/.cargo/config.toml", text);
    }
    let target = target.to_string_lossy();
    let mut env: Vec<(&str, &str)> = case
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    // a dependency case builds where cargo builds the other workspace by default
    let outer_target = p.dir.join("outer/target").display().to_string();
    env.push((
        "CARGO_TARGET_DIR",
        if case.dependency {
            &outer_target
        } else {
            &target
        },
    ));
    // three cases in four name the host with `--target`, as a cross build does: then cargo
    // gives build scripts and build dependencies no rustflags (so the build dependency is not
    // rebuilt for each case's flags), the profile's directory is under the triple, and the
    // flags still reach the build script as CARGO_ENCODED_RUSTFLAGS
    let mut args = case.command.clone();
    if args.last() == Some(&"--profile") {
        args.push(&case.profile);
    }
    args.push("-v");
    // an install puts the binary in a directory of the case's own
    let install_root = p.dir.join("installed").display().to_string();
    if args[0] == "install" {
        args.extend(["--root", &install_root]);
    }
    if n % 4 != 0 {
        args.extend(["--target", triple]);
    }
    let run = p.cargo_in(if case.dependency { "outer" } else { "app" }, &args, &env);
    let describe = || {
        format!(
            "case {n}: cargo {} ({}), rust-version {:?}\nenv {:?}\n--- Cargo.toml\n{}\n--- .cargo/config.toml\n{}\n--- app/.cargo/config.toml\n{}\n",
            case.command.join(" "),
            case.profile,
            case.rust_version,
            case.env,
            case.manifest,
            case.far.as_deref().unwrap_or("(none)"),
            case.near.as_deref().unwrap_or("(none)"),
        )
    };
    // cargo built the package for another workspace: the build script must say so and
    // nothing of its own, and nowhere else
    let said_dependency = run
        .warnings()
        .iter()
        .any(|w| w.starts_with("oracle dependency of the workspace at "));
    if case.dependency {
        return match (run.success, said_dependency) {
            (false, _) => Outcome::Refused,
            (true, true) => Outcome::Agreed,
            (true, false) => Outcome::Failed(format!(
                "{}built as a dependency of outer/, the build script did not say so:\n{}",
                describe(),
                run.stderr
            )),
        };
    }
    if said_dependency {
        return Outcome::Failed(format!(
            "{}its own build taken for another workspace's:\n{}",
            describe(),
            run.stderr
        ));
    }
    let ours = cli_front(&p, &case);
    if !run.success {
        // a configuration cargo refuses must not pass silently here either
        if ours.is_ok() {
            let _ = writeln!(
                failures,
                "{}cargo failed, ours resolved:\n{}",
                describe(),
                run.stderr
            );
            return Outcome::Failed(failures);
        }
        return Outcome::Refused;
    }
    let args = run
        .rustc_args(&case.package)
        .unwrap_or_else(|| panic!("no rustc line in:\n{}", run.stderr));
    let mut want = from_rustc(&args);
    if args.iter().any(|a| a == "--test") {
        // a test harness (`cargo test`, `cargo bench`) always unwinds, whatever the profile
        // says (cargo's `PanicSetting::AlwaysUnwind`): its panic tells nothing of the profile
        want.remove(&Setting::Panic);
    }
    // where `release` and `bench` (or `dev` and `test`) both fit what cargo tells a build
    // script, it says so and checks the directory's own profile: right when cargo built that
    // one, and not to be compared when cargo built the other
    let said_unsure = run
        .warnings()
        .iter()
        .any(|w| w.starts_with("oracle note cargo builds"));
    let unsure = said_unsure && matches!(case.profile.as_str(), "bench" | "test");
    for (front, got) in [("cli", ours), ("build script", build_script_front(&run))] {
        if unsure && front == "build script" {
            continue;
        }
        let diff = differences(&want, &got);
        if !diff.is_empty() {
            let _ = writeln!(
                failures,
                "{}{front} differs: {diff:?}\nrustc: {}\n",
                describe(),
                args.join(" ")
            );
        }
    }
    if failures.is_empty() && unsure {
        Outcome::Unsure
    } else if failures.is_empty() {
        Outcome::Agreed
    } else {
        Outcome::Failed(failures)
    }
}

#[test]
fn the_generated_configurations_cover_every_source() {
    let host = host_target();
    let cases: Vec<Case> = (0..cases()).map(|n| generate(n, &host.triple)).collect();
    let count = |f: &dyn Fn(&Case) -> bool| cases.iter().filter(|c| f(c)).count();
    let config_has = |c: &Case, s: &str| {
        c.far.as_deref().is_some_and(|t| t.contains(s))
            || c.near.as_deref().is_some_and(|t| t.contains(s))
    };
    let env_has = |c: &Case, s: &str| c.env.iter().any(|(k, _)| k.starts_with(s));
    let host_table = format!("[target.{}]", host.triple);
    let coverage = [
        ("a far config file", count(&|c| c.far.is_some())),
        ("a near config file", count(&|c| c.near.is_some())),
        (
            "both config files",
            count(&|c| c.far.is_some() && c.near.is_some()),
        ),
        (
            "build.incremental",
            count(&|c| config_has(c, "incremental = ")),
        ),
        (
            "a CARGO_PROFILE_* variable",
            count(&|c| env_has(c, "CARGO_PROFILE_")),
        ),
        (
            "CARGO_INCREMENTAL",
            count(&|c| env_has(c, "CARGO_INCREMENTAL")),
        ),
        ("RUSTFLAGS", count(&|c| env_has(c, "RUSTFLAGS"))),
        (
            "CARGO_ENCODED_RUSTFLAGS",
            count(&|c| env_has(c, "CARGO_ENCODED_RUSTFLAGS")),
        ),
        (
            "CARGO_BUILD_RUSTFLAGS",
            count(&|c| env_has(c, "CARGO_BUILD_RUSTFLAGS")),
        ),
        (
            "CARGO_TARGET_<HOST>_RUSTFLAGS",
            count(&|c| env_has(c, "CARGO_TARGET_")),
        ),
        (
            "build.rustflags",
            count(&|c| config_has(c, "rustflags = ") && config_has(c, "[build]")),
        ),
        (
            "a [target.<host>] table",
            count(&|c| config_has(c, &host_table)),
        ),
        (
            "a table for another triple",
            count(&|c| config_has(c, "aarch64")),
        ),
        (
            "a cfg table that matches",
            count(&|c| config_has(c, "cfg(unix)")),
        ),
        (
            "a cfg table that does not",
            count(&|c| config_has(c, "cfg(windows)")),
        ),
        (
            "rustflags as an array",
            count(&|c| config_has(c, "rustflags = [")),
        ),
        (
            "rustflags as a string",
            count(&|c| config_has(c, "rustflags = \"")),
        ),
        (
            "a package table for the package",
            count(&|c| c.manifest.contains(&format!("package.{}]", c.package))),
        ),
        (
            "a package table in a config file",
            count(&|c| config_has(c, &format!("package.{}]", c.package))),
        ),
        (
            "a \"*\" package table",
            count(&|c| c.manifest.contains("package.\"*\"]")),
        ),
        (
            "a dependency outside the workspace",
            count(&|c| c.deps.contains(&"helper")),
        ),
        (
            "a per-package profile variable",
            count(&|c| c.env.iter().any(|(k, _)| k.contains("_PACKAGE_"))),
        ),
        (
            "a dependency that is a member",
            count(&|c| c.deps.contains(&"inner")),
        ),
        (
            "a \"*\" table with a dependency it reaches",
            count(&|c| c.manifest.contains("package.\"*\"]") && c.deps.contains(&"helper")),
        ),
        (
            "a custom profile built",
            count(&|c| c.profile != "release" && c.profile != "dev"),
        ),
        (
            "a two-step inherits chain built",
            count(&|c| c.profile == "tiny-dist"),
        ),
        ("the dev profile built", count(&|c| c.profile == "dev")),
        ("cargo bench", count(&|c| c.command[0] == "bench")),
        ("cargo test", count(&|c| c.command == ["test", "--no-run"])),
        (
            "cargo test --release",
            count(&|c| c.command.contains(&"--release")),
        ),
        ("cargo install", count(&|c| c.command[0] == "install")),
        (
            "a path dependency of another workspace",
            count(&|c| c.dependency),
        ),
        ("an [env] table", count(&|c| config_has(c, "[env]"))),
        (
            "a rust-version before 1.77",
            count(&|c| matches!(c.rust_version, Some("1.60" | "1.76"))),
        ),
        ("no rust-version", count(&|c| c.rust_version.is_none())),
    ];
    for (what, n) in coverage {
        assert!(
            n >= 2,
            "only {n} of {} configurations use {what}",
            cases.len()
        );
    }
}

/// The oracle reads `-O` as `-C opt-level=3` and `-g` as `-C debuginfo=2`, the rightmost
/// spelling winning: rustc itself must agree, byte for byte, or the oracle proves nothing.
#[test]
#[allow(clippy::disallowed_methods)] // the test writes a source file and reads the binaries
fn rustc_reads_the_spellings_as_the_oracle_does() {
    let dir = size_profile_tests::repo_root()
        .join("target/scratch")
        .join(format!("spellings-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("scratch dir");
    let main = dir.join("main.rs");
    std::fs::write(
        &main,
        "fn main() { let v: Vec<u64> = (0..100).collect(); println!(\"{}\", v.iter().sum::<u64>()); }\n",
    )
    .expect("write main.rs");
    let build = |name: &str, flags: &[&str]| -> Vec<u8> {
        let out = dir.join(name);
        let status = std::process::Command::new("rustc")
            .args(["--edition", "2021"])
            .arg(&main)
            .arg("-o")
            .arg(&out)
            .args(flags)
            .env_remove("RUSTFLAGS")
            .status()
            .expect("rustc runs");
        assert!(status.success(), "rustc {flags:?}");
        std::fs::read(&out).expect("the binary")
    };
    let settings = |flags: &[&str]| {
        let args: Vec<String> = flags.iter().map(|f| f.to_string()).collect();
        let s = from_rustc(&args);
        (s[&Setting::OptLevel], s[&Setting::Debug])
    };
    for (a, b) in [
        (&["-C", "opt-level=1", "-O"][..], &["-C", "opt-level=3"][..]),
        (&["-O", "-C", "opt-level=1"][..], &["-C", "opt-level=1"][..]),
        (&["-g"][..], &["-C", "debuginfo=2"][..]),
        (&["-g", "-Cdebuginfo=0"][..], &[][..]),
    ] {
        // the same settings for the oracle, and the same binary from rustc
        assert_eq!(settings(a), settings(b), "{a:?} ~ {b:?}");
        let names = (format!("a{}", a.join("_")), format!("b{}", b.join("_")));
        assert_eq!(build(&names.0, a), build(&names.1, b), "{a:?} ~ {b:?}");
    }
    // and the pairs differ where the settings differ: the comparison can fail
    assert_ne!(build("o1", &["-C", "opt-level=1"]), build("o3", &["-O"]));
}

/// `--config` on cargo's command line, as cargo reads it: each configuration is built with
/// `cargo build --release -v` and resolved by the CLI's front from the same files, variables
/// and arguments. An argument wins over the variables, the config files and the manifest, and
/// a later one over an earlier one, a value or a file (a path that is there); not over
/// `CARGO_INCREMENTAL`; its rustflags come after the variable's. In each, the arguments
/// change what cargo builds: the front without them would differ.
#[test]
fn config_arguments_are_read_as_cargo_reads_them() {
    let manifest = "[profile.release]\nopt-level = 1\ncodegen-units = 7\n";
    let extra = "[profile.release]\ncodegen-units = 3\nlto = \"thin\"\nstrip = \"symbols\"\n";
    let cases: [Given; 3] = [
        (
            "[profile.release]\nopt-level = 2\n",
            &[("CARGO_PROFILE_RELEASE_OPT_LEVEL", "s")],
            &["profile.release.opt-level=3"],
        ),
        (
            "[profile.release]\nlto = true\ndebug = 1\n",
            &[("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "2")],
            &["extra.toml", "profile.release.codegen-units=5"],
        ),
        (
            "",
            &[
                ("CARGO_INCREMENTAL", "1"),
                ("CARGO_BUILD_RUSTFLAGS", "-Ccodegen-units=4"),
            ],
            &[
                "build.incremental=false",
                "build.rustflags=[\"-Ccodegen-units=9\"]",
                "extra.toml",
            ],
        ),
    ];
    // the cases side by side, each in a target directory of its own (they share nothing)
    let failures: String = std::thread::scope(|scope| {
        let runs: Vec<_> = cases
            .iter()
            .enumerate()
            .map(|(i, case)| scope.spawn(move || config_case(i, case, manifest, extra)))
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("a case ran"))
            .collect()
    });
    assert!(failures.is_empty(), "{failures}");
}

/// A case of [`config_arguments_are_read_as_cargo_reads_them`]: the config file beside the
/// package, the variables, the `--config` arguments.
type Given<'a> = (&'a str, &'a [(&'a str, &'a str)], &'a [&'a str]);

/// One case of [`config_arguments_are_read_as_cargo_reads_them`]: what differs between cargo
/// and the CLI's front, as a line (empty when they agree).
fn config_case(i: usize, (config, vars, arguments): &Given, manifest: &str, extra: &str) -> String {
    let p =
        Scratch::new(&format!("oracle-config-{i}"), "").own_target(&format!("oracle-config-{i}"));
    p.write(
        "app/Cargo.toml",
        &format!(
            "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n{manifest}"
        ),
    );
    p.write("app/src/main.rs", "fn main() {}\n");
    p.write("app/.cargo/config.toml", config);
    p.write("app/extra.toml", extra);
    let mut args = vec!["build", "--release", "-v"];
    for a in arguments.iter() {
        args.extend(["--config", a]);
    }
    let run = p.cargo_in("app", &args, vars);
    assert!(run.success, "case {i}:\n{}", run.stderr);
    let rustc = run.rustc_args("app").expect("a rustc line");
    let want = from_rustc(&rustc);
    // as the CLI reads them: a path that is there is a file, else a `KEY=VALUE`
    let app = p.dir.join("app");
    let read: Vec<ConfigArg> = arguments
        .iter()
        .map(|a| ConfigArg::read(a, &app, &Disk).expect("an argument cargo took"))
        .collect();
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let without = cli_front_with(&p, &vars, "release", &[]);
    assert!(
        !differences(&want, &without).is_empty(),
        "case {i}: the arguments change nothing cargo builds"
    );
    let diff = differences(&want, &cli_front_with(&p, &vars, "release", &read));
    match diff.is_empty() {
        true => String::new(),
        false => format!("case {i} ({arguments:?}): {diff:?}\nrustc: {rustc:?}\n"),
    }
}
