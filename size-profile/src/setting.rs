//! The profile settings that change binary size, and their typed values.
//!
//! Every form cargo accepts parses to one typed [`Value`]; a form cargo rejects is an
//! error message naming what is accepted. See the cargo reference:
//! <https://doc.rust-lang.org/cargo/reference/profiles.html>.

use std::fmt;

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
    pub(crate) fn parse(self, raw: &Raw<'_>) -> Result<Value, String> {
        let accepted = self.accepted();
        let bad = || Err(format!("expected {accepted}"));
        Ok(match (self, raw) {
            (Setting::OptLevel, Raw::Int(n @ 0..=3)) => Value::OptLevel(OptLevel::from_int(*n)),
            (Setting::OptLevel, Raw::Str("s")) => Value::OptLevel(OptLevel::S),
            (Setting::OptLevel, Raw::Str("z")) => Value::OptLevel(OptLevel::Z),
            (Setting::Lto, Raw::Bool(true)) => Value::Lto(Lto::Fat),
            (Setting::Lto, Raw::Bool(false)) => Value::Lto(Lto::ThinLocal),
            (Setting::Lto, Raw::Str(s)) => match *s {
                // cargo passes any other string through to `-C lto=`, which takes these
                "fat" | "y" | "yes" | "on" | "true" => Value::Lto(Lto::Fat),
                "thin" => Value::Lto(Lto::Thin),
                "off" | "n" | "no" | "false" | "none" => Value::Lto(Lto::Off),
                _ => return bad(),
            },
            (Setting::CodegenUnits, Raw::Int(n)) if *n >= 1 => match u32::try_from(*n) {
                Ok(n) => Value::CodegenUnits(n),
                Err(_) => return bad(),
            },
            (Setting::Panic, Raw::Str("unwind")) => Value::Panic(Panic::Unwind),
            (Setting::Panic, Raw::Str("abort")) => Value::Panic(Panic::Abort),
            (Setting::Strip, Raw::Bool(b)) => {
                Value::Strip(if *b { Strip::Symbols } else { Strip::None })
            }
            (Setting::Strip, Raw::Str("none")) => Value::Strip(Strip::None),
            (Setting::Strip, Raw::Str("debuginfo")) => Value::Strip(Strip::Debuginfo),
            (Setting::Strip, Raw::Str("symbols")) => Value::Strip(Strip::Symbols),
            (Setting::Debug, Raw::Bool(b)) => {
                Value::Debug(if *b { Debug::Full } else { Debug::None })
            }
            (Setting::Debug, Raw::Int(0)) => Value::Debug(Debug::None),
            (Setting::Debug, Raw::Int(1)) => Value::Debug(Debug::Limited),
            (Setting::Debug, Raw::Int(2)) => Value::Debug(Debug::Full),
            (Setting::Debug, Raw::Str(s)) => match *s {
                "none" => Value::Debug(Debug::None),
                "line-directives-only" => Value::Debug(Debug::LineDirectivesOnly),
                "line-tables-only" => Value::Debug(Debug::LineTablesOnly),
                "limited" => Value::Debug(Debug::Limited),
                "full" => Value::Debug(Debug::Full),
                _ => return bad(),
            },
            (Setting::Incremental, Raw::Bool(b)) => Value::Incremental(*b),
            _ => return bad(),
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
    Debug(Debug),
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
        let text = self.to_string();
        text.trim_matches('"').to_owned()
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
        Some(match (key, value) {
            ("opt-level", Some(v)) => Value::OptLevel(OptLevel::from_flag(v)?),
            ("lto", None | Some("y" | "yes" | "on" | "true" | "fat")) => Value::Lto(Lto::Fat),
            ("lto", Some("n" | "no" | "off" | "false")) => Value::Lto(Lto::Off),
            ("lto", Some("thin")) => Value::Lto(Lto::Thin),
            ("codegen-units", Some(v)) => Value::CodegenUnits(v.parse().ok().filter(|n| *n > 0)?),
            ("panic", Some("abort")) => Value::Panic(Panic::Abort),
            ("panic", Some("unwind")) => Value::Panic(Panic::Unwind),
            ("strip", Some("none")) => Value::Strip(Strip::None),
            ("strip", Some("debuginfo")) => Value::Strip(Strip::Debuginfo),
            ("strip", Some("symbols")) => Value::Strip(Strip::Symbols),
            ("debuginfo", Some("0" | "none")) => Value::Debug(Debug::None),
            ("debuginfo", Some("line-directives-only")) => Value::Debug(Debug::LineDirectivesOnly),
            ("debuginfo", Some("line-tables-only")) => Value::Debug(Debug::LineTablesOnly),
            ("debuginfo", Some("1" | "limited")) => Value::Debug(Debug::Limited),
            ("debuginfo", Some("2" | "full")) => Value::Debug(Debug::Full),
            _ => return None,
        })
    }
}

/// Displays the value in the TOML form cargo's documentation uses (`"s"`, `true`, `16`).
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::OptLevel(o) => f.write_str(o.toml()),
            Value::Lto(l) => f.write_str(match l {
                Lto::Off => r#""off""#,
                Lto::ThinLocal => "false",
                Lto::Thin => r#""thin""#,
                Lto::Fat => "true",
            }),
            Value::CodegenUnits(n) => write!(f, "{n}"),
            Value::Panic(p) => f.write_str(match p {
                Panic::Unwind => r#""unwind""#,
                Panic::Abort => r#""abort""#,
            }),
            Value::Strip(s) => f.write_str(match s {
                Strip::None => "false",
                Strip::Debuginfo => r#""debuginfo""#,
                Strip::Symbols => "true",
            }),
            Value::Debug(d) => f.write_str(match d {
                Debug::None => "false",
                Debug::LineDirectivesOnly => r#""line-directives-only""#,
                Debug::LineTablesOnly => r#""line-tables-only""#,
                Debug::Limited => r#""limited""#,
                Debug::Full => "true",
            }),
            Value::Incremental(b) => write!(f, "{b}"),
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
    fn from_int(n: i64) -> OptLevel {
        match n {
            0 => OptLevel::O0,
            1 => OptLevel::O1,
            2 => OptLevel::O2,
            _ => OptLevel::O3,
        }
    }

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
        Some(match flag {
            "0" => OptLevel::O0,
            "1" => OptLevel::O1,
            "2" => OptLevel::O2,
            "3" => OptLevel::O3,
            "s" => OptLevel::S,
            "z" => OptLevel::Z,
            _ => return None,
        })
    }

    fn toml(self) -> &'static str {
        match self {
            OptLevel::O0 => "0",
            OptLevel::O1 => "1",
            OptLevel::O2 => "2",
            OptLevel::O3 => "3",
            OptLevel::S => r#""s""#,
            OptLevel::Z => r#""z""#,
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
pub enum Debug {
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
        setting.parse(&raw)
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
            (Setting::Debug, Int(0), Value::Debug(Debug::None)),
            (Setting::Debug, Int(1), Value::Debug(Debug::Limited)),
            (Setting::Debug, Int(2), Value::Debug(Debug::Full)),
            (Setting::Debug, Bool(true), Value::Debug(Debug::Full)),
            (Setting::Debug, Bool(false), Value::Debug(Debug::None)),
            (Setting::Debug, Str("none"), Value::Debug(Debug::None)),
            (
                Setting::Debug,
                Str("line-tables-only"),
                Value::Debug(Debug::LineTablesOnly),
            ),
            (
                Setting::Debug,
                Str("line-directives-only"),
                Value::Debug(Debug::LineDirectivesOnly),
            ),
            (Setting::Debug, Str("limited"), Value::Debug(Debug::Limited)),
            (Setting::Debug, Str("full"), Value::Debug(Debug::Full)),
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
        assert_eq!(Value::Debug(Debug::None).assignment(), "debug = false");
        assert_eq!(Setting::CodegenUnits.env_key(), "CODEGEN_UNITS");
        assert_eq!(
            Setting::from_key("codegen-units"),
            Some(Setting::CodegenUnits)
        );
    }
}
