//! The crate's own settings: `[workspace.metadata.size-profile]` in the workspace root gives
//! defaults, and `[package.metadata.size-profile]` overrides them key by key.
//!
//! ```toml
//! [package.metadata.size-profile]
//! preset = "min-size"          # or "small-fast"
//! profiles = ["release"]       # default: release and every profile inheriting from it
//! allow = ["panic"]            # settings (or "allocator") this crate keeps on purpose
//! deny = false                 # true: findings fail the build
//! max-size = "3 MiB"           # `cargo size-profile budget`; or { app = "3 MiB", cli = "1 MiB" }
//! max-growth = "1 %"           # `budget --baseline`: how much a binary may grow; or "20 KB"
//! ```

use std::fmt;

use crate::map::NameMap;
use crate::profile::preset::Preset;
use crate::profile::setting::Setting;
use crate::profile::setting_map::SettingSet;
use crate::toml_tree::{Document, Item, Node, Problem};

/// The options of a check.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The preset to check against.
    pub preset: Preset,
    /// The profiles that ship; `None` means `release` and every profile inheriting from it.
    pub profiles: Option<Vec<String>>,
    /// Settings this crate keeps on purpose.
    pub allow: SettingSet,
    /// `allow = ["allocator"]`: a custom global allocator dependency is kept on purpose.
    pub allow_allocator: bool,
    /// Whether findings fail the build.
    pub deny: bool,
    /// The size budget of the shipped binaries.
    pub max_size: Option<Budget>,
    /// How much a binary may grow against a baseline (`budget --baseline`).
    pub max_growth: Option<Growth>,
}

/// `max-growth`: how much a binary may grow against a baseline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Growth {
    /// `"1 %"`: a share of the baseline's size, in hundredths of a percent (1 % is 100).
    Percent(u64),
    /// `"20 KB"` or a number: bytes.
    Bytes(u64),
}

impl Growth {
    /// The most bytes a binary of `before` bytes may grow.
    pub fn limit(self, before: u64) -> u64 {
        match self {
            Growth::Percent(hundredths) => {
                let limit = u128::from(before) * u128::from(hundredths) / 10_000;
                u64::try_from(limit).unwrap_or(u64::MAX)
            }
            Growth::Bytes(n) => n,
        }
    }

    /// Reads `"1 %"`, `"0.5%"`, `"20 KB"` or a number of bytes.
    pub(crate) fn parse(node: &Node) -> Result<Growth, String> {
        const EXPECTED: &str = "expected a share such as \"1 %\" or a size such as \"20 KB\"";
        match &node.item {
            Item::Int(n) if *n >= 0 => Ok(Growth::Bytes(n.unsigned_abs())),
            Item::Str(text) => match text.trim().strip_suffix('%') {
                Some(number) => match number.trim().parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => {
                        Ok(Growth::Percent((v * 100.0).round() as u64))
                    }
                    _ => Err(format!("{EXPECTED}, found \"{text}\"")),
                },
                None => parse_size(text)
                    .map(Growth::Bytes)
                    .map_err(|_| format!("{EXPECTED}, found \"{text}\"")),
            },
            _ => Err(format!("{EXPECTED}, found a {}", node.type_name())),
        }
    }
}

impl fmt::Display for Growth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Growth::Percent(h) if h % 100 == 0 => write!(f, "{} %", h / 100),
            Growth::Percent(h) => write!(f, "{}.{:02} %", h / 100, h % 100),
            Growth::Bytes(n) => write!(f, "{n} bytes"),
        }
    }
}

/// `max-size`: one budget for every binary, or one per binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Budget {
    /// `max-size = "3 MiB"`: every binary of the package.
    All(u64),
    /// `max-size = { app = "3 MiB", helper = "500 KB" }`: binaries by name.
    PerBinary(NameMap<u64>),
}

impl Budget {
    /// The budget of one binary, if it has one.
    pub fn for_binary(&self, name: &str) -> Option<u64> {
        match self {
            Budget::All(n) => Some(*n),
            Budget::PerBinary(map) => map.get(name).copied(),
        }
    }
}

const KEYS: &str = "preset, profiles, allow, deny, max-size, max-growth";

impl Options {
    /// Reads the options: `[workspace.metadata.size-profile]` of the workspace root gives
    /// defaults, and the package's `[package.metadata.size-profile]` overrides them key by
    /// key (`package` is `None` when the package is the root). Every problem is reported and
    /// the option keeps its value.
    pub fn read(
        package: Option<&Document>,
        root: &Document,
        problems: &mut Vec<Problem>,
    ) -> Options {
        let mut options = Options::default();
        if let Some(node) = root
            .root
            .at_path(&["workspace", "metadata", "size-profile"])
        {
            options.apply(node, "workspace", problems);
        }
        let package = package.unwrap_or(root);
        if let Some(node) = package
            .root
            .at_path(&["package", "metadata", "size-profile"])
        {
            options.apply(node, "package", problems);
        }
        options
    }

    /// The options at a virtual workspace root, speaking for the members that ship: each
    /// member's own (over the workspace's defaults), joined so that no member's stated choice
    /// is overruled: a setting any member allows is allowed, `deny` in any member denies, the
    /// checked profiles are all of theirs. Members that ask for different presets are a
    /// problem (the check cannot speak for both), and the workspace's preset is used.
    /// `max-size` and `max-growth` stay the workspace's. Without members, the root's options.
    /// `default_profiles` names the profiles checked by default (release and its heirs).
    pub fn for_members(
        members: &[Document],
        root: &Document,
        default_profiles: impl Fn() -> Vec<String>,
        problems: &mut Vec<Problem>,
    ) -> Options {
        let mut joined = Options::read(None, root, problems);
        let mut each = Vec::new();
        for member in members {
            let mut found = Vec::new();
            each.push((member, Options::read(Some(member), root, &mut found)));
            // the workspace table's problems are reported once, with the root's
            for problem in found {
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            }
        }
        let Some((_, first)) = each.first() else {
            return joined;
        };
        let presets: Vec<String> = each
            .iter()
            .map(|(m, o)| format!("{} {:?}", m.package_name().unwrap_or("?"), o.preset.name()))
            .collect();
        if each.iter().all(|(_, o)| o.preset == first.preset) {
            joined.preset = first.preset;
        } else {
            problems.push(Problem::file(
                root.path(),
                format!(
                    "the members ask for different presets ({}): check each with `-p <member>`",
                    presets.join(", ")
                ),
            ));
        }
        for (_, o) in &each {
            joined.allow.extend(o.allow.iter());
            joined.allow_allocator |= o.allow_allocator;
            joined.deny |= o.deny;
        }
        // a member that checks the default profiles keeps them checked beside another's list
        let mut profiles: Option<Vec<String>> = None;
        if each.iter().any(|(_, o)| o.profiles.is_some()) {
            let all = profiles.get_or_insert_with(Vec::new);
            for (_, o) in &each {
                let names = o.profiles.clone().unwrap_or_else(&default_profiles);
                for name in names {
                    if !all.contains(&name) {
                        all.push(name);
                    }
                }
            }
        }
        joined.profiles = profiles.or(joined.profiles);
        joined
    }

    /// Applies one metadata table over the options so far.
    fn apply(&mut self, node: &Node, scope: &str, problems: &mut Vec<Problem>) {
        let options = self;
        let table_name = format!("{scope}.metadata.size-profile");
        let Some(table) = node.table() else {
            problems.push(Problem::key(
                &node.at,
                table_name,
                format!("expected a table, found a {}", node.type_name()),
            ));
            return;
        };
        for (key, value) in table {
            let full = format!("{table_name}.{key}");
            let mut bad =
                |message: String| problems.push(Problem::key(&value.at, full.clone(), message));
            match key.as_str() {
                "preset" => match value.str().map(|s| (s, Preset::from_name(s))) {
                    Some((_, Some(preset))) => options.preset = preset,
                    Some((name, None)) => bad(format!(
                        "unknown preset \"{name}\"; expected one of {}",
                        Preset::names()
                    )),
                    None => bad(format!("expected a string, one of {}", Preset::names())),
                },
                "profiles" => match strings(value) {
                    Some(names) => options.profiles = Some(names),
                    None => bad("expected a list of profile names, e.g. [\"release\"]".into()),
                },
                "allow" => match strings(value) {
                    Some(names) => {
                        options.allow.clear();
                        options.allow_allocator = false;
                        for name in names {
                            if name == "allocator" {
                                options.allow_allocator = true;
                                continue;
                            }
                            match Setting::from_key(&name) {
                                Some(setting) => {
                                    options.allow.insert(setting);
                                }
                                None => bad(format!(
                                    "unknown setting \"{name}\"; expected one of {}",
                                    setting_names()
                                )),
                            }
                        }
                    }
                    None => bad(format!(
                        "expected a list of settings, e.g. [\"panic\"]; one of {}",
                        setting_names()
                    )),
                },
                "deny" => match value.item {
                    Item::Bool(b) => options.deny = b,
                    _ => bad(format!(
                        "expected true or false, found a {}",
                        value.type_name()
                    )),
                },
                "max-size" => match &value.item {
                    Item::Table(per_binary) => {
                        let mut budgets = NameMap::new();
                        for (binary, size) in per_binary {
                            match size_of(size) {
                                Ok(n) => {
                                    budgets.insert(binary.clone(), n);
                                }
                                Err(e) => problems.push(Problem::key(
                                    &size.at,
                                    format!("{full}.{binary}"),
                                    e.to_string(),
                                )),
                            }
                        }
                        options.max_size = Some(Budget::PerBinary(budgets));
                    }
                    _ => match size_of(value) {
                        Ok(n) => options.max_size = Some(Budget::All(n)),
                        Err(e) => bad(e.to_string()),
                    },
                },
                "max-growth" => match Growth::parse(value) {
                    Ok(g) => options.max_growth = Some(g),
                    Err(message) => bad(message),
                },
                _ => bad(format!("unknown key; expected one of {KEYS}")),
            }
        }
    }
}

fn size_of(node: &Node) -> Result<u64, SizeError> {
    match &node.item {
        Item::Int(n) if *n > 0 => Ok(n.unsigned_abs()),
        Item::Str(s) => parse_size(s),
        _ => Err(SizeError::NotASize),
    }
}

fn strings(node: &Node) -> Option<Vec<String>> {
    match &node.item {
        Item::Array(items) => items.iter().map(|n| n.str().map(str::to_owned)).collect(),
        _ => None,
    }
}

fn setting_names() -> String {
    let mut names = Setting::ALL.map(Setting::key).to_vec();
    names.push("allocator");
    names.join(", ")
}

/// Why a `max-size` value is not a size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SizeError {
    /// Neither a string nor a positive integer (nor, at the top, a table of them).
    NotASize,
    /// The text does not start with a number.
    NoNumber(String),
    /// The unit after the number is not one of ours.
    UnknownUnit {
        /// The unit as written.
        unit: String,
        /// The whole text.
        text: String,
    },
    /// Zero, or more bytes than a file can have.
    Unusable(String),
}

impl fmt::Display for SizeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SizeError::NotASize => f.write_str(
                "expected a size such as \"3 MiB\", \"2500 KB\" or a number of bytes, or a table of them by binary",
            ),
            SizeError::NoNumber(text) => {
                write!(f, "expected a size such as \"3 MiB\", found \"{text}\"")
            }
            SizeError::UnknownUnit { unit, text } => write!(
                f,
                "unknown unit \"{unit}\" in \"{text}\"; expected B, KB, KiB, MB, MiB, GB or GiB"
            ),
            SizeError::Unusable(text) => write!(f, "\"{text}\" is not a usable size"),
        }
    }
}

impl std::error::Error for SizeError {}

/// Parses a size: bytes as a number, or a number with a unit (`B`, `KB`, `KiB`, `MB`, `MiB`,
/// `GB`, `GiB`; decimal units are powers of 1000, binary ones of 1024).
pub(crate) fn parse_size(text: &str) -> Result<u64, SizeError> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '_'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: String = number.chars().filter(|c| *c != '_').collect();
    let scale: u64 = match unit.trim() {
        "" | "B" => 1,
        "KB" | "kB" => 1000,
        "KiB" => 1024,
        "MB" => 1000 * 1000,
        "MiB" => 1024 * 1024,
        "GB" => 1000 * 1000 * 1000,
        "GiB" => 1024 * 1024 * 1024,
        _ if number.is_empty() => return Err(SizeError::NoNumber(text.to_owned())),
        other => {
            return Err(SizeError::UnknownUnit {
                unit: other.to_owned(),
                text: text.to_owned(),
            });
        }
    };
    let value: f64 = number
        .parse()
        .map_err(|_| SizeError::NoNumber(text.to_owned()))?;
    let bytes = (value * scale as f64).round();
    if !(bytes >= 1.0 && bytes < u64::MAX as f64) {
        return Err(SizeError::Unusable(text.to_owned()));
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toml_tree::doc;

    fn read(package: &str, root: &str) -> (Options, Vec<String>) {
        let mut problems = Vec::new();
        let p = doc("app/Cargo.toml", package);
        let r = doc("Cargo.toml", root);
        let options = Options::read(Some(&p), &r, &mut problems);
        (options, problems.iter().map(ToString::to_string).collect())
    }

    #[test]
    fn every_key_is_read() {
        let (o, problems) = read(
            "[package.metadata.size-profile]\npreset = \"small-fast\"\nprofiles = [\"dist\"]\nallow = [\"panic\", \"strip\", \"allocator\"]\ndeny = true\nmax-size = \"3 MiB\"\n",
            "",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(o.preset, Preset::SmallFast);
        assert_eq!(o.profiles, Some(vec!["dist".to_string()]));
        assert_eq!(o.allow, [Setting::Panic, Setting::Strip].into());
        assert!(o.allow_allocator);
        assert!(o.deny);
        assert_eq!(o.max_size, Some(Budget::All(3 * 1024 * 1024)));
    }

    #[test]
    fn max_growth_is_a_share_or_a_size() {
        let growth = |value: &str| {
            let (o, problems) = read(
                &format!("[package.metadata.size-profile]\nmax-growth = {value}\n"),
                "",
            );
            (o.max_growth, problems)
        };
        assert_eq!(growth("\"1 %\"").0, Some(Growth::Percent(100)));
        assert_eq!(growth("\"0.5%\"").0, Some(Growth::Percent(50)));
        assert_eq!(growth("\"20 KB\"").0, Some(Growth::Bytes(20_000)));
        assert_eq!(growth("4096").0, Some(Growth::Bytes(4096)));
        assert_eq!(Growth::Percent(100).limit(2_034_104), 20_341);
        assert_eq!(Growth::Percent(50).to_string(), "0.50 %");
        assert_eq!(Growth::Bytes(20_000).limit(1), 20_000);
        let (none, problems) = growth("\"a lot\"");
        assert_eq!(none, None);
        assert_eq!(
            problems,
            [
                "app/Cargo.toml:2: `package.metadata.size-profile.max-growth`: expected a share such as \"1 %\" or a size such as \"20 KB\", found \"a lot\""
            ]
        );
    }

    #[test]
    fn workspace_metadata_gives_defaults_the_package_overrides_key_by_key() {
        let (o, _) = read(
            "[package]\nname = \"app\"\n",
            "[workspace.metadata.size-profile]\ndeny = true\n",
        );
        assert!(o.deny);
        let (o, problems) = read(
            "[package.metadata.size-profile]\nallow = [\"strip\"]\nmax-size = 1000\n",
            "[workspace.metadata.size-profile]\ndeny = true\nallow = [\"panic\", \"lto\"]\nprofiles = [\"dist\"]\n",
        );
        assert_eq!(problems, Vec::<String>::new());
        assert!(o.deny, "kept from the workspace");
        assert_eq!(
            o.profiles,
            Some(vec!["dist".to_string()]),
            "kept from the workspace"
        );
        assert_eq!(
            o.allow,
            [Setting::Strip].into(),
            "the package's list replaces the workspace's"
        );
        assert_eq!(o.max_size, Some(Budget::All(1000)));
    }

    #[test]
    fn bad_values_name_file_line_and_key_and_keep_defaults() {
        let (o, problems) = read(
            "[package.metadata.size-profile]\npreset = \"tiny\"\nallow = [\"lto\", \"speed\"]\ndeny = \"yes\"\nmax-size = \"3 MB/s\"\nmax_size = 1\n",
            "",
        );
        assert_eq!(o.preset, Preset::MinSize);
        assert!(!o.deny);
        assert_eq!(o.allow, [Setting::Lto].into());
        assert_eq!(
            problems,
            vec![
                "app/Cargo.toml:3: `package.metadata.size-profile.allow`: unknown setting \"speed\"; expected one of opt-level, lto, codegen-units, panic, strip, debug, incremental, allocator",
                "app/Cargo.toml:4: `package.metadata.size-profile.deny`: expected true or false, found a string",
                "app/Cargo.toml:5: `package.metadata.size-profile.max-size`: unknown unit \"MB/s\" in \"3 MB/s\"; expected B, KB, KiB, MB, MiB, GB or GiB",
                "app/Cargo.toml:6: `package.metadata.size-profile.max_size`: unknown key; expected one of preset, profiles, allow, deny, max-size, max-growth",
                "app/Cargo.toml:2: `package.metadata.size-profile.preset`: unknown preset \"tiny\"; expected one of \"min-size\", \"small-fast\"",
            ]
        );
    }

    #[test]
    fn budgets_per_binary() {
        let (o, problems) = read(
            "[package.metadata.size-profile]\nmax-size = { app = \"3 MiB\", helper = 500_000, bad = \"lots\" }\n",
            "",
        );
        let budget = o.max_size.unwrap();
        assert_eq!(budget.for_binary("app"), Some(3 * 1024 * 1024));
        assert_eq!(budget.for_binary("helper"), Some(500_000));
        assert_eq!(budget.for_binary("other"), None);
        assert_eq!(
            problems,
            vec![
                "app/Cargo.toml:2: `package.metadata.size-profile.max-size.bad`: expected a size such as \"3 MiB\", found \"lots\""
            ]
        );
    }

    #[test]
    fn sizes() {
        assert_eq!(parse_size("2500 KB"), Ok(2_500_000));
        assert_eq!(parse_size("1.5MiB"), Ok(1_572_864));
        assert_eq!(parse_size("300_000"), Ok(300_000));
        assert_eq!(parse_size("12 B"), Ok(12));
        assert_eq!(parse_size("0"), Err(SizeError::Unusable("0".into())));
        assert_eq!(parse_size("lots"), Err(SizeError::NoNumber("lots".into())));
        assert_eq!(parse_size(""), Err(SizeError::NoNumber(String::new())));
        assert_eq!(
            parse_size("3 mb").map_err(|e| e.to_string()),
            Err("unknown unit \"mb\" in \"3 mb\"; expected B, KB, KiB, MB, MiB, GB or GiB".into())
        );
    }
}
