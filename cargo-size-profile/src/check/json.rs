//! The document `check --format json` prints, version [`JSON_VERSION`]: one typed struct per
//! part, borrowing from the core's report. Its shape is documented in docs/cli.md.

use std::path::Path;

use serde::{Serialize, Serializer};
use size_profile::__private::{
    Finding, Location, Plain, Problem, Resolved, Setting, Source, Value,
};

use super::JSON_VERSION;
use crate::target::Located;

/// The whole document.
#[derive(Serialize)]
pub(crate) struct Report<'a> {
    version: u32,
    root_manifest: String,
    package: Option<&'a str>,
    /// The target triple checked for (its `[target]` rustflags tables apply).
    target: &'a str,
    preset: &'a str,
    problems: Vec<ProblemJson<'a>>,
    notes: &'a [String],
    profiles: Vec<ProfileJson<'a>>,
}

impl<'a> Report<'a> {
    /// The report of `at` with the profiles checked and their findings.
    pub(crate) fn new(at: &'a Located, checked: &'a [(Resolved, Vec<Finding>)]) -> Report<'a> {
        let project = &at.project;
        Report {
            version: JSON_VERSION,
            root_manifest: at.root_manifest().display().to_string(),
            package: at.package.as_deref(),
            target: &at.triple,
            preset: project.options.preset.name(),
            problems: project.problems.iter().map(ProblemJson::new).collect(),
            notes: &at.inputs.unread,
            profiles: checked
                .iter()
                .map(|(resolved, findings)| ProfileJson::new(resolved, findings))
                .collect(),
        }
    }
}

/// A problem with the input: its place, key and message, and the line as printed.
#[derive(Serialize)]
struct ProblemJson<'a> {
    file: String,
    line: Option<usize>,
    key: Option<&'a str>,
    message: &'a str,
    text: String,
}

impl<'a> ProblemJson<'a> {
    fn new(p: &'a Problem) -> ProblemJson<'a> {
        ProblemJson {
            file: shown(&p.file),
            line: p.line,
            key: p.key.as_deref(),
            message: &p.message,
            text: p.to_string(),
        }
    }
}

/// One profile: its chain, every setting's value and source, and the findings.
#[derive(Serialize)]
struct ProfileJson<'a> {
    name: &'a str,
    inherits: &'a [String],
    #[serde(serialize_with = "in_order")]
    settings: Vec<(&'static str, SettingJson<'a>)>,
    findings: Vec<FindingJson<'a>>,
}

impl<'a> ProfileJson<'a> {
    fn new(r: &'a Resolved, findings: &'a [Finding]) -> ProfileJson<'a> {
        let settings = Setting::ALL.iter().map(|s| {
            let e = r.get(*s);
            let json = SettingJson {
                value: Plainly(e.value),
                source: SourceJson::new(&e.source),
                inherited_from: e.inherited_from.as_deref(),
            };
            (s.key(), json)
        });
        ProfileJson {
            name: &r.profile,
            inherits: &r.chain,
            settings: settings.collect(),
            findings: findings.iter().map(FindingJson::new).collect(),
        }
    }
}

/// Pairs as a JSON object, in their order.
fn in_order<S: Serializer, T: Serialize>(
    pairs: &[(&'static str, T)],
    s: S,
) -> Result<S::Ok, S::Error> {
    s.collect_map(pairs.iter().map(|(k, v)| (k, v)))
}

/// One setting's resolved value and where it came from.
#[derive(Serialize)]
struct SettingJson<'a> {
    value: Plainly,
    source: SourceJson<'a>,
    inherited_from: Option<&'a str>,
}

/// A value in its JSON form: numbers and booleans as such, names as strings.
pub(crate) struct Plainly(pub(crate) Value);

impl Serialize for Plainly {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.0.plain() {
            Plain::Bool(b) => s.serialize_bool(b),
            Plain::Int(n) => s.serialize_u32(n),
            Plain::Str(text) => s.serialize_str(text),
        }
    }
}

/// Where a value came from, by its `kind`.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum SourceJson<'a> {
    Manifest {
        file: String,
        line: usize,
    },
    Config {
        file: String,
        line: usize,
    },
    Env {
        var: &'a str,
    },
    Rustflags {
        origin: &'a str,
        flag: &'a str,
    },
    Default {
        profile: &'a str,
    },
    PackageDefault {
        table: &'a str,
        file: Option<String>,
        line: Option<usize>,
    },
    Hidden {
        var: &'a str,
    },
    CommandLine {
        arg: &'a str,
    },
}

impl<'a> SourceJson<'a> {
    fn new(source: &'a Source) -> SourceJson<'a> {
        match source {
            Source::Manifest(l) => SourceJson::Manifest {
                file: shown(&l.file),
                line: l.line,
            },
            Source::Config(l) => SourceJson::Config {
                file: shown(&l.file),
                line: l.line,
            },
            Source::Env(var) => SourceJson::Env { var },
            Source::Rustflags { origin, flag } => SourceJson::Rustflags { origin, flag },
            Source::Default(profile) => SourceJson::Default { profile },
            Source::PackageDefault { table, at } => SourceJson::PackageDefault {
                table,
                file: at.as_ref().map(|l| shown(&l.file)),
                line: at.as_ref().map(|l| l.line),
            },
            Source::Hidden(var) => SourceJson::Hidden { var },
            Source::CommandLine(arg) => SourceJson::CommandLine { arg },
        }
    }

    fn manifest(at: &Location) -> SourceJson<'a> {
        SourceJson::Manifest {
            file: shown(&at.file),
            line: at.line,
        }
    }
}

/// Where ignored rustflags are: the config key, as the finding names it.
#[derive(Serialize)]
struct ConfigKey<'a> {
    kind: &'static str,
    at: &'a str,
}

/// One finding, by its `kind`, with the line a person reads.
#[derive(Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
enum FindingJson<'a> {
    Setting {
        setting: &'static str,
        package: Option<&'a str>,
        current: Plainly,
        source: SourceJson<'a>,
        inherited_from: Option<&'a str>,
        wanted: Plainly,
        reason: &'static str,
        fix: String,
        measured: Option<MeasuredJson<'a>>,
        message: String,
    },
    Invalid {
        key: &'a str,
        value: &'a str,
        source: SourceJson<'a>,
        problem: &'a str,
        message: String,
    },
    Allocator {
        dependency: &'a str,
        source: SourceJson<'a>,
        message: String,
    },
    IgnoredRustflags {
        flags: &'a [String],
        source: ConfigKey<'a>,
        overridden_by: &'a str,
        message: String,
    },
    IgnoredProfiles {
        source: SourceJson<'a>,
        root: String,
        message: String,
    },
}

/// What the ladder measured a setting to save.
#[derive(Serialize)]
struct MeasuredJson<'a> {
    value: Plainly,
    saves_bytes: u64,
    before_bytes: u64,
    binary: &'a str,
    date: &'a str,
    older_build: Option<&'static str>,
}

impl<'a> FindingJson<'a> {
    fn new(f: &'a Finding) -> FindingJson<'a> {
        let message = f.to_string();
        match f {
            Finding::Setting(s) => FindingJson::Setting {
                setting: s.setting.key(),
                package: s.package.as_deref(),
                current: Plainly(s.current),
                source: SourceJson::new(&s.source),
                inherited_from: s.inherited_from.as_deref(),
                wanted: Plainly(s.wanted),
                reason: s.reason,
                fix: s.fix.to_string(),
                measured: s.measured.as_ref().map(|m| MeasuredJson {
                    value: Plainly(m.saving.value),
                    saves_bytes: m.saving.bytes,
                    before_bytes: m.saving.before,
                    binary: &m.binary,
                    date: &m.date,
                    older_build: m.older,
                }),
                message,
            },
            Finding::Invalid(i) => FindingJson::Invalid {
                key: &i.key,
                value: &i.value,
                source: SourceJson::new(&i.source),
                problem: &i.problem,
                message,
            },
            Finding::Allocator { dependency, at, .. } => FindingJson::Allocator {
                dependency,
                source: SourceJson::manifest(at),
                message,
            },
            Finding::IgnoredRustflags { flags, at, by } => FindingJson::IgnoredRustflags {
                flags,
                source: ConfigKey { kind: "config", at },
                overridden_by: by,
                message,
            },
            Finding::IgnoredProfiles { at, root } => FindingJson::IgnoredProfiles {
                source: SourceJson::manifest(at),
                root: shown(root),
                message,
            },
        }
    }
}

/// A path as the document shows it.
fn shown(path: &Path) -> String {
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use size_profile::__private::InvalidValue;

    use super::*;

    fn at(line: usize) -> Location {
        Location {
            file: PathBuf::from("Cargo.toml"),
            line,
        }
    }

    /// Every kind of source and of finding, with the keys and their order docs/cli.md lists.
    #[test]
    fn each_source_and_finding_kind_has_the_keys_the_docs_list() {
        let sources = [
            (
                Source::Manifest(at(3)),
                r#"{"kind":"manifest","file":"Cargo.toml","line":3}"#,
            ),
            (
                Source::Config(at(4)),
                r#"{"kind":"config","file":"Cargo.toml","line":4}"#,
            ),
            (
                Source::Env("CARGO_PROFILE_RELEASE_LTO".into()),
                r#"{"kind":"env","var":"CARGO_PROFILE_RELEASE_LTO"}"#,
            ),
            (
                Source::Rustflags {
                    origin: "RUSTFLAGS".into(),
                    flag: "-C opt-level=1".into(),
                },
                r#"{"kind":"rustflags","origin":"RUSTFLAGS","flag":"-C opt-level=1"}"#,
            ),
            (
                Source::Default("release".into()),
                r#"{"kind":"default","profile":"release"}"#,
            ),
            (
                Source::PackageDefault {
                    table: "profile.release.package.\"app\"".into(),
                    at: None,
                },
                r#"{"kind":"package-default","table":"profile.release.package.\"app\"","file":null,"line":null}"#,
            ),
            (
                Source::Hidden("OPT_LEVEL".into()),
                r#"{"kind":"hidden","var":"OPT_LEVEL"}"#,
            ),
            (
                Source::CommandLine("profile.release.lto=false".into()),
                r#"{"kind":"command-line","arg":"profile.release.lto=false"}"#,
            ),
        ];
        for (source, json) in sources {
            assert_eq!(
                serde_json::to_string(&SourceJson::new(&source)).unwrap(),
                json
            );
        }
        let findings = [
            (
                Finding::Invalid(InvalidValue {
                    profile: "release".into(),
                    key: "profile.release.lto".into(),
                    value: "\"fast\"".into(),
                    source: Source::Manifest(at(7)),
                    problem: "expected a boolean or \"thin\"".into(),
                }),
                r#"{"kind":"invalid","key":"profile.release.lto","value":"\"fast\"","source":{"kind":"manifest","file":"Cargo.toml","line":7},"problem":"expected a boolean or \"thin\"","message":"#,
            ),
            (
                Finding::Allocator {
                    profile: "release".into(),
                    dependency: "mimalloc".into(),
                    at: at(9),
                },
                r#"{"kind":"allocator","dependency":"mimalloc","source":{"kind":"manifest","file":"Cargo.toml","line":9},"message":"#,
            ),
            (
                Finding::IgnoredRustflags {
                    flags: vec!["-C".into(), "link-arg=-s".into()],
                    at: ".cargo/config.toml:2".into(),
                    by: "RUSTFLAGS".into(),
                },
                r#"{"kind":"ignored-rustflags","flags":["-C","link-arg=-s"],"source":{"kind":"config","at":".cargo/config.toml:2"},"overridden_by":"RUSTFLAGS","message":"#,
            ),
            (
                Finding::IgnoredProfiles {
                    at: at(12),
                    root: PathBuf::from("/w"),
                },
                r#"{"kind":"ignored-profiles","source":{"kind":"manifest","file":"Cargo.toml","line":12},"root":"/w","message":"#,
            ),
        ];
        for (finding, start) in findings {
            let json = serde_json::to_string(&FindingJson::new(&finding)).unwrap();
            // the message is the line a person reads, last
            let message = serde_json::to_string(&finding.to_string()).unwrap();
            assert_eq!(json, format!("{start}{message}}}"));
        }
    }
}
