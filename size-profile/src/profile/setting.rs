//! The profile settings that change binary size, and their typed values.
//!
//! Every form cargo accepts parses to one typed [`Value`]; a form cargo rejects is an
//! error message naming what is accepted. See the cargo reference:
//! <https://doc.rust-lang.org/cargo/reference/profiles.html>.

use std::fmt;

use crate::toml_tree::{Item, Node};

/// A profile setting that changes the size of the binary.
///
/// Settings that do not change what ships (`rpath`, `split-debuginfo`, `overflow-checks`,
/// `debug-assertions`, `trim-paths`) are read by cargo but not checked here: release builds
/// default them to the small choice and turning one on is a deliberate trade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// `opt-level`: `-C opt-level`.
    OptLevel,
    /// `lto`: link-time optimisation across crates.
    Lto,
    /// `codegen-units`: how many pieces each crate is split into for codegen.
    CodegenUnits,
    /// `panic`: unwind tables and landing pads, or a plain abort.
    Panic,
    /// `strip`: what the linker removes from the output.
    Strip,
    /// `debug`: how much debug info is generated.
    Debug,
    /// `incremental`: incremental compilation (splits code into many units).
    Incremental,
}

impl Setting {
    /// Every setting, in the order a profile table usually lists them.
    #[doc(hidden)]
    pub const ALL: [Setting; 7] = [
        Setting::OptLevel,
        Setting::Lto,
        Setting::CodegenUnits,
        Setting::Panic,
        Setting::Strip,
        Setting::Debug,
        Setting::Incremental,
    ];

    /// The key as written in a `[profile]` table, e.g. `opt-level`.
    pub fn key(self) -> &'static str {
        match self {
            Setting::OptLevel => "opt-level",
            Setting::Lto => "lto",
            Setting::CodegenUnits => "codegen-units",
            Setting::Panic => "panic",
            Setting::Strip => "strip",
            Setting::Debug => "debug",
            Setting::Incremental => "incremental",
        }
    }

    /// The setting whose profile key is `key`.
    pub fn from_key(key: &str) -> Option<Setting> {
        Setting::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The key's form in a `CARGO_PROFILE_<NAME>_<KEY>` variable, e.g. `OPT_LEVEL`.
    #[doc(hidden)]
    pub fn env_key(self) -> String {
        env_form(self.key())
    }

    /// Whether cargo accepts this key in `[profile.X.package.NAME]` and `build-override`.
    ///
    /// Cargo rejects `lto`, `panic` (and `rpath`) there: they apply to the whole build.
    #[doc(hidden)]
    pub fn allowed_in_override(self) -> bool {
        !matches!(self, Setting::Lto | Setting::Panic)
    }

    /// Parses a value of this setting, as cargo would, from a TOML or environment value.
    pub(crate) fn parse(self, raw: &Raw<'_>) -> Result<Value, ValueError> {
        let bad = Err(ValueError { setting: self });
        let word = |text: &str, profile_form: Form| {
            VOCABULARY
                .iter()
                .find(|(s, w, form, _)| {
                    *s == self
                        && *w == text
                        && (*form == profile_form || *form == Form::ProfileWord)
                })
                .map(|(_, _, _, value)| *value)
        };
        let value = match (self, raw) {
            (Setting::CodegenUnits, Raw::Int(n)) => u32::try_from(*n)
                .ok()
                .filter(|n| *n >= 1)
                .map(Value::CodegenUnits),
            // `lto = false` is cargo's default, thin-local LTO; the string "false" is off
            (Setting::Lto, Raw::Bool(b)) => {
                Some(Value::Lto(if *b { Lto::Fat } else { Lto::ThinLocal }))
            }
            (Setting::Strip, Raw::Bool(b)) => {
                Some(Value::Strip(if *b { Strip::Symbols } else { Strip::None }))
            }
            (Setting::Debug, Raw::Bool(b)) => Some(Value::Debug(if *b {
                DebugInfo::Full
            } else {
                DebugInfo::None
            })),
            (Setting::Incremental, Raw::Bool(b)) => Some(Value::Incremental(*b)),
            (_, Raw::Int(n)) => word(&n.to_string(), Form::Number),
            (_, Raw::Str(s)) => word(s, Form::Word),
            _ => None,
        };
        value.map_or(bad, Ok)
    }

    /// The key of rustc's `-C` option that sets this setting, e.g. `debuginfo` for `debug`.
    pub(crate) fn codegen_key(self) -> Option<&'static str> {
        Some(match self {
            Setting::OptLevel => "opt-level",
            Setting::Lto => "lto",
            Setting::CodegenUnits => "codegen-units",
            Setting::Panic => "panic",
            Setting::Strip => "strip",
            Setting::Debug => "debuginfo",
            // `-C incremental=<dir>` names a directory, not a level
            Setting::Incremental => return None,
        })
    }

    /// The value forms cargo accepts for this setting, for error messages.
    #[doc(hidden)]
    pub fn accepted(self) -> &'static str {
        match self {
            Setting::OptLevel => r#"0, 1, 2, 3, "s" or "z""#,
            Setting::Lto => r#"true, false, "fat", "thin" or "off""#,
            Setting::CodegenUnits => "a whole number of at least 1",
            Setting::Panic => r#""unwind" or "abort""#,
            Setting::Strip => r#"true, false, "none", "debuginfo" or "symbols""#,
            Setting::Debug => {
                r#"0, 1, 2, true, false, "none", "line-directives-only", "line-tables-only", "limited" or "full""#
            }
            Setting::Incremental => "true or false",
        }
    }
}

impl fmt::Display for Setting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// Turns a profile or key name into its environment-variable form (`dist-x` → `DIST_X`).
pub(crate) fn env_form(name: &str) -> String {
    name.to_ascii_uppercase().replace(['-'], "_")
}

/// A value as written in TOML or an environment variable, before it is typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Raw<'a> {
    Bool(bool),
    Int(i64),
    Str(&'a str),
    /// Any other TOML type (float, array, table, datetime), named for the message.
    Other(&'static str),
}

impl<'a> Raw<'a> {
    /// A TOML value as a typed-setting input.
    pub(crate) fn of(node: &'a Node) -> Raw<'a> {
        match &node.item {
            Item::Bool(b) => Raw::Bool(*b),
            Item::Int(n) => Raw::Int(*n),
            Item::Str(s) => Raw::Str(s),
            _ => Raw::Other(node.type_name()),
        }
    }

    /// Reads an environment variable's text the way cargo's config does: `true`/`false`
    /// are booleans, whole numbers are integers, anything else is a string.
    pub(crate) fn from_env(text: &'a str) -> Raw<'a> {
        match text {
            "true" => Raw::Bool(true),
            "false" => Raw::Bool(false),
            _ => text.parse().map(Raw::Int).unwrap_or(Raw::Str(text)),
        }
    }
}

impl fmt::Display for Raw<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Raw::Bool(b) => write!(f, "{b}"),
            Raw::Int(n) => write!(f, "{n}"),
            Raw::Str(s) => write!(f, "{s:?}"),
            Raw::Other(kind) => write!(f, "a {kind}"),
        }
    }
}

/// A typed value of one [`Setting`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Value {
    /// `opt-level`.
    OptLevel(OptLevel),
    /// `lto`.
    Lto(Lto),
    /// `codegen-units`.
    CodegenUnits(u32),
    /// `panic`.
    Panic(Panic),
    /// `strip`.
    Strip(Strip),
    /// `debug`.
    Debug(DebugInfo),
    /// `incremental`.
    Incremental(bool),
}

impl Value {
    /// The setting this value belongs to.
    pub fn setting(self) -> Setting {
        match self {
            Value::OptLevel(_) => Setting::OptLevel,
            Value::Lto(_) => Setting::Lto,
            Value::CodegenUnits(_) => Setting::CodegenUnits,
            Value::Panic(_) => Setting::Panic,
            Value::Strip(_) => Setting::Strip,
            Value::Debug(_) => Setting::Debug,
            Value::Incremental(_) => Setting::Incremental,
        }
    }

    /// The value as a `CARGO_PROFILE_*` variable writes it: the TOML form without quotes
    /// (`s`, `true`, `thin`).
    pub fn env_form(self) -> String {
        match self.plain() {
            Plain::Bool(b) => b.to_string(),
            Plain::Int(n) => n.to_string(),
            Plain::Str(s) => s.to_owned(),
        }
    }

    /// The line that sets this value in a `[profile]` table, e.g. `lto = true`.
    pub fn assignment(self) -> String {
        format!("{} = {self}", self.setting().key())
    }
}

impl Value {
    /// The value a rustc `-C key=value` flag sets (`value` is `None` for a bare `-C key`), if
    /// `key` is a size setting and rustc takes `value` for it. This is rustc's vocabulary,
    /// which differs from the profile's: `-C lto=off` and `-C lto=no` turn LTO off entirely
    /// (the profile's `"off"`), and a bare `-C lto` is fat LTO.
    pub fn from_codegen(key: &str, value: Option<&str>) -> Option<Value> {
        let setting = Setting::ALL
            .into_iter()
            .find(|s| s.codegen_key() == Some(key))?;
        match (setting, value) {
            (Setting::Lto, None) => Some(Value::Lto(Lto::Fat)),
            (Setting::CodegenUnits, Some(v)) => {
                Some(Value::CodegenUnits(v.parse().ok().filter(|n| *n > 0)?))
            }
            (_, Some(v)) => VOCABULARY
                .iter()
                .find(|(s, w, form, _)| *s == setting && *w == v && *form != Form::ProfileWord)
                .map(|(_, _, _, value)| *value),
            (_, None) => None,
        }
    }
}

/// Why a value is not one cargo takes for a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct ValueError {
    /// The setting the value was given for.
    pub(crate) setting: Setting,
}

impl fmt::Display for ValueError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "expected {}", self.setting.accepted())
    }
}

impl std::error::Error for ValueError {}

/// How a spelling in [`VOCABULARY`] is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Form {
    /// A string in a profile (`lto = "thin"`) and the value of a flag (`-C lto=thin`).
    Word,
    /// An integer in a profile (`opt-level = 3`) and the value of a flag (`-C opt-level=3`).
    Number,
    /// A string in a profile only: cargo takes it, rustc does not (`lto = "none"`).
    ProfileWord,
}

/// The one vocabulary of size-setting values: each spelling that cargo's profiles (TOML and
/// `CARGO_PROFILE_*` variables) or rustc's `-C` flags take, and the value it means.
/// Booleans, `codegen-units` counts and a bare `-C lto` are read where they are used.
///
/// For `lto`, cargo turns `"off"`, `"n"`, `"no"` and `"none"` into `-C lto=off` and passes any
/// other string to rustc as it is, which takes the rest of these; `"none"` is cargo's alone.
#[rustfmt::skip]
const VOCABULARY: &[(Setting, &str, Form, Value)] = &[
    (Setting::OptLevel, "0", Form::Number, Value::OptLevel(OptLevel::O0)),
    (Setting::OptLevel, "1", Form::Number, Value::OptLevel(OptLevel::O1)),
    (Setting::OptLevel, "2", Form::Number, Value::OptLevel(OptLevel::O2)),
    (Setting::OptLevel, "3", Form::Number, Value::OptLevel(OptLevel::O3)),
    (Setting::OptLevel, "s", Form::Word, Value::OptLevel(OptLevel::S)),
    (Setting::OptLevel, "z", Form::Word, Value::OptLevel(OptLevel::Z)),
    (Setting::Lto, "fat", Form::Word, Value::Lto(Lto::Fat)),
    (Setting::Lto, "y", Form::Word, Value::Lto(Lto::Fat)),
    (Setting::Lto, "yes", Form::Word, Value::Lto(Lto::Fat)),
    (Setting::Lto, "on", Form::Word, Value::Lto(Lto::Fat)),
    (Setting::Lto, "true", Form::Word, Value::Lto(Lto::Fat)),
    (Setting::Lto, "thin", Form::Word, Value::Lto(Lto::Thin)),
    (Setting::Lto, "off", Form::Word, Value::Lto(Lto::Off)),
    (Setting::Lto, "n", Form::Word, Value::Lto(Lto::Off)),
    (Setting::Lto, "no", Form::Word, Value::Lto(Lto::Off)),
    (Setting::Lto, "false", Form::Word, Value::Lto(Lto::Off)),
    (Setting::Lto, "none", Form::ProfileWord, Value::Lto(Lto::Off)),
    (Setting::Panic, "unwind", Form::Word, Value::Panic(Panic::Unwind)),
    (Setting::Panic, "abort", Form::Word, Value::Panic(Panic::Abort)),
    (Setting::Strip, "none", Form::Word, Value::Strip(Strip::None)),
    (Setting::Strip, "debuginfo", Form::Word, Value::Strip(Strip::Debuginfo)),
    (Setting::Strip, "symbols", Form::Word, Value::Strip(Strip::Symbols)),
    (Setting::Debug, "0", Form::Number, Value::Debug(DebugInfo::None)),
    (Setting::Debug, "1", Form::Number, Value::Debug(DebugInfo::Limited)),
    (Setting::Debug, "2", Form::Number, Value::Debug(DebugInfo::Full)),
    (Setting::Debug, "none", Form::Word, Value::Debug(DebugInfo::None)),
    (Setting::Debug, "line-directives-only", Form::Word, Value::Debug(DebugInfo::LineDirectivesOnly)),
    (Setting::Debug, "line-tables-only", Form::Word, Value::Debug(DebugInfo::LineTablesOnly)),
    (Setting::Debug, "limited", Form::Word, Value::Debug(DebugInfo::Limited)),
    (Setting::Debug, "full", Form::Word, Value::Debug(DebugInfo::Full)),
];

/// Displays the value in the TOML form cargo's documentation uses (`"s"`, `true`, `16`).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.plain() {
            Plain::Bool(b) => write!(f, "{b}"),
            Plain::Int(n) => write!(f, "{n}"),
            Plain::Str(s) => write!(f, "\"{s}\""),
        }
    }
}

/// A value in TOML's own types, the form cargo's documentation writes it in: what a writer of
/// TOML, JSON or a `CARGO_PROFILE_*` variable starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plain {
    /// `true`, `false`.
    Bool(bool),
    /// A number: `3`, `16`.
    Int(u32),
    /// A string, without its quotes: `s`, `thin`.
    Str(&'static str),
}

impl Value {
    /// The value in TOML's own types (`lto = false` is [`Plain::Bool`], `"thin"` a
    /// [`Plain::Str`]).
    pub fn plain(self) -> Plain {
        match self {
            Value::OptLevel(o) => match o {
                OptLevel::O0 => Plain::Int(0),
                OptLevel::O1 => Plain::Int(1),
                OptLevel::O2 => Plain::Int(2),
                OptLevel::O3 => Plain::Int(3),
                OptLevel::S => Plain::Str("s"),
                OptLevel::Z => Plain::Str("z"),
            },
            Value::Lto(l) => match l {
                Lto::Off => Plain::Str("off"),
                Lto::ThinLocal => Plain::Bool(false),
                Lto::Thin => Plain::Str("thin"),
                Lto::Fat => Plain::Bool(true),
            },
            Value::CodegenUnits(n) => Plain::Int(n),
            Value::Panic(Panic::Unwind) => Plain::Str("unwind"),
            Value::Panic(Panic::Abort) => Plain::Str("abort"),
            Value::Strip(s) => match s {
                Strip::None => Plain::Bool(false),
                Strip::Debuginfo => Plain::Str("debuginfo"),
                Strip::Symbols => Plain::Bool(true),
            },
            Value::Debug(d) => match d {
                DebugInfo::None => Plain::Bool(false),
                DebugInfo::LineDirectivesOnly => Plain::Str("line-directives-only"),
                DebugInfo::LineTablesOnly => Plain::Str("line-tables-only"),
                DebugInfo::Limited => Plain::Str("limited"),
                DebugInfo::Full => Plain::Bool(true),
            },
            Value::Incremental(b) => Plain::Bool(b),
        }
    }
}

/// An `opt-level`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum OptLevel {
    /// `0`: no optimisation.
    O0,
    /// `1`: basic optimisation.
    O1,
    /// `2`: some optimisation.
    O2,
    /// `3`: all optimisation.
    O3,
    /// `"s"`: optimise for size.
    S,
    /// `"z"`: optimise for size, and also turn off loop vectorisation.
    Z,
}

impl OptLevel {
    /// The value as cargo passes it to `-C opt-level=` and sets `OPT_LEVEL` (`3`, `s`).
    pub fn flag(self) -> &'static str {
        match self {
            OptLevel::O0 => "0",
            OptLevel::O1 => "1",
            OptLevel::O2 => "2",
            OptLevel::O3 => "3",
            OptLevel::S => "s",
            OptLevel::Z => "z",
        }
    }

    /// Parses the form of `-C opt-level=` and the `OPT_LEVEL` variable.
    pub fn from_flag(flag: &str) -> Option<OptLevel> {
        match Value::from_codegen("opt-level", Some(flag))? {
            Value::OptLevel(level) => Some(level),
            _ => None,
        }
    }
}

/// An `lto` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Lto {
    /// `"off"`: no LTO at all.
    Off,
    /// `false` (the default): "thin local" LTO within each crate only.
    ThinLocal,
    /// `"thin"`: ThinLTO across all crates.
    Thin,
    /// `true` / `"fat"`: full LTO across all crates.
    Fat,
}

/// A `panic` strategy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Panic {
    /// `"unwind"`: unwind the stack (needs unwind tables and landing pads).
    Unwind,
    /// `"abort"`: abort the process.
    Abort,
}

/// A `strip` setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Strip {
    /// `"none"` / `false`.
    None,
    /// `"debuginfo"`: debug info removed, symbols kept.
    Debuginfo,
    /// `"symbols"` / `true`: symbols removed too.
    Symbols,
}

/// A `debug` (debug info) level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DebugInfo {
    /// `0` / `false` / `"none"`.
    None,
    /// `"line-directives-only"`.
    LineDirectivesOnly,
    /// `"line-tables-only"`.
    LineTablesOnly,
    /// `1` / `"limited"`.
    Limited,
    /// `2` / `true` / `"full"`.
    Full,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(setting: Setting, raw: Raw<'_>) -> Result<Value, String> {
        setting.parse(&raw).map_err(|e| e.to_string())
    }

    #[test]
    fn what_is_written_reads_back_as_the_same_value() {
        let mut values: Vec<Value> = VOCABULARY.iter().map(|(_, _, _, v)| *v).collect();
        values.extend([
            Value::Lto(Lto::ThinLocal),
            Value::CodegenUnits(16),
            Value::Incremental(true),
            Value::Incremental(false),
        ]);
        for value in values {
            let setting = value.setting();
            let raw = match value.plain() {
                Plain::Bool(b) => Raw::Bool(b),
                Plain::Int(n) => Raw::Int(n.into()),
                Plain::Str(s) => Raw::Str(s),
            };
            assert_eq!(setting.parse(&raw), Ok(value), "TOML {value}");
            let env = value.env_form();
            assert_eq!(setting.parse(&Raw::from_env(&env)), Ok(value), "env {env}");
        }
    }

    #[test]
    fn profiles_and_flags_read_one_vocabulary() {
        for (setting, word, form, value) in VOCABULARY {
            let raw = match form {
                Form::Number => Raw::Int(word.parse().unwrap()),
                Form::Word | Form::ProfileWord => Raw::Str(word),
            };
            assert_eq!(setting.parse(&raw), Ok(*value), "{setting} = {raw}");
            let key = setting.codegen_key().unwrap();
            let flag = Value::from_codegen(key, Some(word));
            let rustc_takes = *form != Form::ProfileWord;
            assert_eq!(flag, rustc_takes.then_some(*value), "-C {key}={word}");
        }
        // where profile and flag differ on purpose: a TOML boolean is not the word
        assert_eq!(
            Setting::Lto.parse(&Raw::Bool(false)),
            Ok(Value::Lto(Lto::ThinLocal))
        );
        assert_eq!(
            Value::from_codegen("lto", Some("false")),
            Some(Value::Lto(Lto::Off))
        );
        assert_eq!(Value::from_codegen("lto", None), Some(Value::Lto(Lto::Fat)));
        assert_eq!(Setting::Incremental.codegen_key(), None);
    }

    #[test]
    fn every_documented_form_parses() {
        use Raw::*;
        let cases: &[(Setting, Raw<'_>, Value)] = &[
            (Setting::OptLevel, Int(0), Value::OptLevel(OptLevel::O0)),
            (Setting::OptLevel, Int(3), Value::OptLevel(OptLevel::O3)),
            (Setting::OptLevel, Str("s"), Value::OptLevel(OptLevel::S)),
            (Setting::OptLevel, Str("z"), Value::OptLevel(OptLevel::Z)),
            (Setting::Lto, Bool(true), Value::Lto(Lto::Fat)),
            (Setting::Lto, Bool(false), Value::Lto(Lto::ThinLocal)),
            (Setting::Lto, Str("fat"), Value::Lto(Lto::Fat)),
            (Setting::Lto, Str("thin"), Value::Lto(Lto::Thin)),
            (Setting::Lto, Str("off"), Value::Lto(Lto::Off)),
            (Setting::CodegenUnits, Int(1), Value::CodegenUnits(1)),
            (Setting::Panic, Str("abort"), Value::Panic(Panic::Abort)),
            (Setting::Panic, Str("unwind"), Value::Panic(Panic::Unwind)),
            (Setting::Strip, Bool(true), Value::Strip(Strip::Symbols)),
            (Setting::Strip, Bool(false), Value::Strip(Strip::None)),
            (Setting::Strip, Str("none"), Value::Strip(Strip::None)),
            (
                Setting::Strip,
                Str("debuginfo"),
                Value::Strip(Strip::Debuginfo),
            ),
            (Setting::Strip, Str("symbols"), Value::Strip(Strip::Symbols)),
            (Setting::Debug, Int(0), Value::Debug(DebugInfo::None)),
            (Setting::Debug, Int(1), Value::Debug(DebugInfo::Limited)),
            (Setting::Debug, Int(2), Value::Debug(DebugInfo::Full)),
            (Setting::Debug, Bool(true), Value::Debug(DebugInfo::Full)),
            (Setting::Debug, Bool(false), Value::Debug(DebugInfo::None)),
            (Setting::Debug, Str("none"), Value::Debug(DebugInfo::None)),
            (
                Setting::Debug,
                Str("line-tables-only"),
                Value::Debug(DebugInfo::LineTablesOnly),
            ),
            (
                Setting::Debug,
                Str("line-directives-only"),
                Value::Debug(DebugInfo::LineDirectivesOnly),
            ),
            (
                Setting::Debug,
                Str("limited"),
                Value::Debug(DebugInfo::Limited),
            ),
            (Setting::Debug, Str("full"), Value::Debug(DebugInfo::Full)),
            (Setting::Incremental, Bool(false), Value::Incremental(false)),
        ];
        for (setting, raw, want) in cases {
            assert_eq!(parse(*setting, *raw), Ok(*want), "{setting} = {raw}");
        }
    }

    #[test]
    fn forms_cargo_rejects_name_what_is_accepted() {
        use Raw::*;
        let cases: &[(Setting, Raw<'_>)] = &[
            (Setting::OptLevel, Int(4)),
            (Setting::OptLevel, Str("3")),
            (Setting::OptLevel, Str("fast")),
            (Setting::Lto, Str("maybe")),
            (Setting::Lto, Int(1)),
            (Setting::CodegenUnits, Int(0)),
            (Setting::CodegenUnits, Int(-2)),
            (Setting::CodegenUnits, Str("1")),
            (Setting::Panic, Str("immediate-abort")),
            (Setting::Strip, Str("all")),
            (Setting::Debug, Int(3)),
            (Setting::Debug, Str("yes")),
            (Setting::Incremental, Int(0)),
            (Setting::OptLevel, Other("float")),
        ];
        for (setting, raw) in cases {
            let err = parse(*setting, *raw).unwrap_err();
            assert_eq!(
                err,
                format!("expected {}", setting.accepted()),
                "{setting} = {raw}"
            );
        }
    }

    #[test]
    fn env_text_is_typed_like_cargo_config() {
        assert_eq!(Raw::from_env("true"), Raw::Bool(true));
        assert_eq!(Raw::from_env("2"), Raw::Int(2));
        assert_eq!(Raw::from_env("z"), Raw::Str("z"));
        assert_eq!(
            Setting::OptLevel.parse(&Raw::from_env("3")),
            Ok(Value::OptLevel(OptLevel::O3))
        );
    }

    #[test]
    fn values_print_as_toml_a_user_can_paste() {
        assert_eq!(
            Value::OptLevel(OptLevel::S).assignment(),
            r#"opt-level = "s""#
        );
        assert_eq!(Value::Lto(Lto::Fat).assignment(), "lto = true");
        assert_eq!(Value::Strip(Strip::Symbols).assignment(), "strip = true");
        assert_eq!(Value::Debug(DebugInfo::None).assignment(), "debug = false");
        assert_eq!(Setting::CodegenUnits.env_key(), "CODEGEN_UNITS");
        assert_eq!(
            Setting::from_key("codegen-units"),
            Some(Setting::CodegenUnits)
        );
    }
}
