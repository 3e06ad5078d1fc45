//! Cargo as the oracle: for generated configurations (manifest profiles, `inherits` chains,
//! `.cargo/config.toml`, `CARGO_PROFILE_*`, `CARGO_INCREMENTAL`, `RUSTFLAGS`), the values the
//! resolver gives equal what `cargo build -v` passes to rustc for the final crate.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use size_profile::{
    Debug, Disk, Env, FlagsFrom, Lto, NameMap, OptLevel, Overrides, Panic, ProcessEnv, Project,
    Setting, Strip, Value, gather,
};
use size_profile_tests::Scratch;

/// How many configurations are generated and built.
const CASES: u64 = 40;

/// A small deterministic generator, so a failing case can be rebuilt by its number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
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

fn table(rng: &mut Rng, header: &str, extra: &str) -> String {
    let mut out = format!("{header}\n{extra}");
    for (key, forms) in TOML_FORMS {
        if rng.chance(35) {
            let _ = writeln!(out, "{key} = {}", rng.pick(forms));
        }
    }
    out
}

struct Case {
    manifest: String,
    config: Option<String>,
    env: Vec<(String, String)>,
    profile: String,
}

fn generate(n: u64) -> Case {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let mut manifest = table(&mut rng, "[profile.release]", "");
    let mut profiles = vec!["release"];
    if rng.chance(60) {
        manifest += &table(&mut rng, "\n[profile.dist]", "inherits = \"release\"\n");
        profiles.push("dist");
        if rng.chance(50) {
            manifest += &table(&mut rng, "\n[profile.tiny-dist]", "inherits = \"dist\"\n");
            profiles.push("tiny-dist");
        }
    }
    if rng.chance(25) {
        manifest += &table(&mut rng, "\n[profile.dev]", "");
        profiles.push("dev");
    }
    let config = rng.chance(50).then(|| {
        let target = rng.pick(&profiles);
        let mut text = table(
            &mut rng,
            &format!("# shared settings\n[profile.{target}]"),
            "",
        );
        if rng.chance(15) {
            text += &format!(
                "\n[build]\nincremental = {}\n",
                rng.pick(&["true", "false"])
            );
        }
        text
    });
    let mut env = Vec::new();
    if rng.chance(45) {
        let target = rng.pick(&profiles).to_ascii_uppercase().replace('-', "_");
        let (key, forms) = ENV_FORMS[rng.below(ENV_FORMS.len())];
        env.push((
            format!("CARGO_PROFILE_{target}_{key}"),
            rng.pick(forms).to_owned(),
        ));
    }
    if rng.chance(10) {
        env.push((
            "CARGO_INCREMENTAL".to_owned(),
            rng.pick(&["0", "1"]).to_owned(),
        ));
    }
    if rng.chance(15) {
        let flag = rng.pick(&[
            "-C opt-level=2",
            "-Cstrip=symbols",
            "-C debuginfo=1",
            "-C codegen-units=3",
        ]);
        env.push(("RUSTFLAGS".to_owned(), flag.to_owned()));
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
    Case {
        manifest,
        config,
        env,
        profile,
    }
}

/// The settings rustc got, read from its arguments; rustc's defaults where cargo passed none.
fn from_rustc(args: &[String]) -> BTreeMap<Setting, Value> {
    let mut codegen: BTreeMap<String, String> = BTreeMap::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let flag = match arg.strip_prefix("-C") {
            Some("") => it.next().cloned().unwrap_or_default(),
            Some(rest) => rest.to_owned(),
            None => continue,
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
            None | Some("0" | "none") => Debug::None,
            Some("1" | "limited") => Debug::Limited,
            Some("line-tables-only") => Debug::LineTablesOnly,
            Some("line-directives-only") => Debug::LineDirectivesOnly,
            Some(_) => Debug::Full,
        }),
    );
    out.insert(Setting::Incremental, Value::Incremental(incremental));
    out
}

fn ours(p: &Scratch, case: &Case) -> BTreeMap<Setting, Value> {
    // the same environment cargo saw: the case's variables, plus where CARGO_HOME is
    let mut env: NameMap<String> = case.env.iter().cloned().collect();
    for key in ["HOME", "CARGO_HOME"] {
        if let Some(v) = ProcessEnv.var(key) {
            env.insert(key.into(), v);
        }
    }
    let inputs = gather(&p.dir, &env, &Disk, FlagsFrom::Guess).expect("inputs read");
    let project = Project::new(&inputs, &Overrides::default(), &[case.profile.as_str()]);
    let resolved = project.resolve(&case.profile).expect("profile resolves");
    resolved
        .settings
        .iter()
        .map(|(s, e)| (s, e.value))
        .collect()
}

#[test]
fn resolved_profiles_match_the_flags_cargo_gives_rustc() {
    let mut failures = String::new();
    let mut compared = 0;
    for n in 0..CASES {
        let case = generate(n);
        let p = Scratch::new(&format!("oracle{n}"), &case.manifest);
        if let Some(config) = &case.config {
            p.write(".cargo/config.toml", config);
        }
        let env: Vec<(&str, &str)> = case
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let run = p.cargo_with(&["build", "-v", "--profile", &case.profile], &env);
        let describe = || {
            format!(
                "case {n}: --profile {}\nenv {:?}\n--- Cargo.toml\n{}\n--- .cargo/config.toml\n{}\n",
                case.profile,
                case.env,
                case.manifest,
                case.config.as_deref().unwrap_or("(none)")
            )
        };
        if !run.success {
            // a combination cargo refuses is no oracle; the resolver must not accept it silently either
            let _ = writeln!(failures, "{}cargo failed:\n{}", describe(), run.stderr);
            continue;
        }
        let crate_name = format!("oracle{n}");
        let args = run
            .rustc_args(&crate_name)
            .unwrap_or_else(|| panic!("no rustc line in:\n{}", run.stderr));
        let want = from_rustc(&args);
        let got = ours(&p, &case);
        let diff: Vec<String> = want
            .iter()
            .filter(|(s, v)| got.get(s) != Some(v))
            .map(|(s, v)| format!("{s}: cargo {v}, ours {}", got[s]))
            .collect();
        if !diff.is_empty() {
            let _ = writeln!(
                failures,
                "{}differs: {diff:?}\nrustc: {}\n",
                describe(),
                args.join(" ")
            );
        }
        compared += 1;
    }
    assert!(failures.is_empty(), "{failures}");
    assert!(
        compared >= 30,
        "only {compared} configurations were compared"
    );
}

#[test]
fn the_generated_configurations_cover_every_source() {
    let cases: Vec<Case> = (0..CASES).map(generate).collect();
    let count = |f: &dyn Fn(&Case) -> bool| cases.iter().filter(|c| f(c)).count();
    let coverage = [
        ("a config file", count(&|c| c.config.is_some())),
        (
            "build.incremental",
            count(&|c| c.config.as_deref().is_some_and(|t| t.contains("[build]"))),
        ),
        (
            "a CARGO_PROFILE_* variable",
            count(&|c| c.env.iter().any(|(k, _)| k.starts_with("CARGO_PROFILE_"))),
        ),
        (
            "CARGO_INCREMENTAL",
            count(&|c| c.env.iter().any(|(k, _)| k == "CARGO_INCREMENTAL")),
        ),
        (
            "RUSTFLAGS",
            count(&|c| c.env.iter().any(|(k, _)| k == "RUSTFLAGS")),
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
    ];
    for (what, n) in coverage {
        assert!(n >= 2, "only {n} of {CASES} configurations use {what}");
    }
}
