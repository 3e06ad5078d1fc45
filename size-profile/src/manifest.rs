//! TOML files (`Cargo.toml`, `.cargo/config.toml`) read into a small owned tree that keeps
//! the line of every value, and the facts the checker needs from a manifest.

use std::fmt;
use std::path::PathBuf;

use crate::cfg::Target;
use crate::map::NameMap;
use crate::setting::env_form;
use crate::source::{Location, SourceFile};

/// A problem with the input: a file that cannot be read or parsed, or a setting of our own
/// that is wrong. It is reported as one warning; the build goes on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file the problem is in.
    pub file: PathBuf,
    /// The line, when known.
    pub line: Option<usize>,
    /// The key, when the problem is one key's value.
    pub key: Option<String>,
    /// What is wrong, in lowercase, without a trailing period.
    pub message: String,
}

impl Problem {
    /// A problem with the whole file.
    pub fn file(file: impl Into<PathBuf>, message: impl Into<String>) -> Problem {
        Problem {
            file: file.into(),
            line: None,
            key: None,
            message: message.into(),
        }
    }

    /// A problem with one key of a file.
    pub fn key(at: &Location, key: impl Into<String>, message: impl Into<String>) -> Problem {
        Problem {
            file: at.file.clone(),
            line: Some(at.line),
            key: Some(key.into()),
            message: message.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(key) = &self.key {
            write!(f, ": `{key}`")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for Problem {}

/// Crates that replace the global allocator; each adds on the order of 100 KB.
const ALLOCATOR_CRATES: &[&str] = &[
    "mimalloc",
    "tikv-jemallocator",
    "jemallocator",
    "snmalloc-rs",
    "rpmalloc",
    "tcmalloc",
];

/// A dependency of a package, as its manifest declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dependency {
    /// The package's name (after a `package = ".."` rename).
    pub package: String,
    /// Where it is declared.
    pub at: Location,
    /// Its `path`, for a path dependency.
    pub path: Option<String>,
}

/// A TOML value with the line it is on.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) item: Item,
    pub(crate) at: Location,
    pub(crate) origin: Origin,
}

/// How a value came to be: TOML lets a table be extended or defined later depending on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Written as a value: a scalar or an array (closed).
    Value,
    /// An inline table (closed).
    Inline,
    /// A table defined by a `[header]` (and the root).
    Header,
    /// A table only named on the way to a header (`a` in `[a.b]`): a header may still define it.
    Implicit,
    /// A table made by a dotted key (`a` in `a.b = 1`): more dotted keys may extend it.
    Dotted,
    /// An array made by `[[header]]`s: each one adds a table.
    ArrayHeader,
}

/// An owned TOML value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    Bool(bool),
    Int(i64),
    Str(String),
    Array(Vec<Node>),
    Table(NameMap<Node>),
    /// A float or datetime: never valid where we read, named for messages.
    Other(&'static str),
}

impl Node {
    pub(crate) fn table(&self) -> Option<&NameMap<Node>> {
        match &self.item {
            Item::Table(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.table()?.get(key)
    }

    /// The node at a dotted path of keys.
    pub(crate) fn at_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub(crate) fn str(&self) -> Option<&str> {
        match &self.item {
            Item::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The name of this value's TOML type, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match &self.item {
            Item::Bool(_) => "boolean",
            Item::Int(_) => "integer",
            Item::Str(_) => "string",
            Item::Array(_) => "array",
            Item::Table(_) => "table",
            Item::Other(kind) => kind,
        }
    }

    /// The value as a typed-setting input.
    pub(crate) fn raw(&self) -> crate::setting::Raw<'_> {
        use crate::setting::Raw;
        match &self.item {
            Item::Bool(b) => Raw::Bool(*b),
            Item::Int(n) => Raw::Int(*n),
            Item::Str(s) => Raw::Str(s),
            _ => Raw::Other(self.type_name()),
        }
    }
}

/// A parsed TOML file.
#[derive(Clone, Debug)]
pub struct Document {
    pub(crate) file: SourceFile,
    pub(crate) root: Node,
}

impl Document {
    /// Parses a TOML file; a syntax error is a [`Problem`] naming the file and line.
    pub fn parse(file: SourceFile) -> Result<Document, Problem> {
        let root = match crate::tree::read(&file) {
            Ok(root) => root,
            Err(err) => {
                return Err(Problem {
                    file: file.path.clone(),
                    line: Some(file.line_of(err.offset)),
                    key: None,
                    message: format!("invalid TOML: {}", err.message),
                });
            }
        };
        Ok(Document { file, root })
    }

    /// The path this document is shown as.
    pub fn path(&self) -> &std::path::Path {
        &self.file.path
    }

    /// The text this document was parsed from.
    pub fn text(&self) -> &str {
        &self.file.text
    }

    /// Whether this manifest has a `[workspace]` table.
    pub fn is_workspace_root(&self) -> bool {
        self.root.get("workspace").is_some()
    }

    /// `package.name`, when this manifest has a package.
    pub fn package_name(&self) -> Option<&str> {
        self.root.at_path(&["package", "name"])?.str()
    }

    /// `package.version`, when written here (not inherited from the workspace).
    pub fn package_version(&self) -> Option<&str> {
        self.root.at_path(&["package", "version"])?.str()
    }

    /// `package.workspace`: the path of the workspace root this package names.
    pub fn package_workspace(&self) -> Option<&str> {
        self.root.at_path(&["package", "workspace"])?.str()
    }

    /// A list of strings under `workspace.<key>` (`members`, `exclude`).
    pub fn workspace_list(&self, key: &str) -> Vec<String> {
        match self.root.at_path(&["workspace", key]).map(|n| &n.item) {
            Some(Item::Array(items)) => items
                .iter()
                .filter_map(|n| n.str().map(str::to_owned))
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The dependencies linked into this build: `[dependencies]`, and
    /// `[target.<triple or cfg>.dependencies]` tables that match `target` (all of them when it
    /// is unknown); an optional one only when a feature that is on enables it. Each with its
    /// package name (a `package = ".."` rename is followed), where it is declared, and its
    /// `path` if it has one.
    ///
    /// `features` are the features that are on, in the form of `CARGO_FEATURE_<NAME>` (as a
    /// build script sees them); `None` means the package's default features, as a plain
    /// `cargo build` has them.
    pub fn dependencies(
        &self,
        target: Option<&Target>,
        features: Option<&[String]>,
    ) -> Vec<Dependency> {
        let mut tables: Vec<&Node> = self.root.get("dependencies").into_iter().collect();
        for (key, table) in self
            .root
            .get("target")
            .and_then(Node::table)
            .into_iter()
            .flatten()
        {
            if target.is_none_or(|t| t.matches(key)) {
                tables.extend(table.get("dependencies"));
            }
        }
        let on = match features {
            Some(on) => on.to_vec(),
            None => self.default_features(),
        };
        let mut found = Vec::new();
        for (name, dep) in tables.iter().filter_map(|t| t.table()).flatten() {
            let package = dep.get("package").and_then(Node::str).unwrap_or(name);
            let optional = matches!(dep.get("optional").map(|n| &n.item), Some(Item::Bool(true)));
            if !optional || self.enables(name, &on) {
                found.push(Dependency {
                    package: package.to_owned(),
                    at: dep.at.clone(),
                    path: dep.get("path").and_then(Node::str).map(str::to_owned),
                });
            }
        }
        found
    }

    /// The [dependencies](Document::dependencies) that replace the global allocator.
    pub fn allocator_dependencies(
        &self,
        target: Option<&Target>,
        features: Option<&[String]>,
    ) -> Vec<(String, Location)> {
        self.dependencies(target, features)
            .into_iter()
            .filter(|d| ALLOCATOR_CRATES.contains(&d.package.as_str()))
            .map(|d| (d.package, d.at))
            .collect()
    }

    /// `[features]`: each feature and what it lists.
    fn features(&self) -> Vec<(&str, Vec<&str>)> {
        self.root
            .get("features")
            .and_then(Node::table)
            .into_iter()
            .flatten()
            .map(|(name, list)| {
                let items = match &list.item {
                    Item::Array(items) => items.iter().filter_map(Node::str).collect(),
                    _ => Vec::new(),
                };
                (name.as_str(), items)
            })
            .collect()
    }

    /// The features `default` turns on, itself included, in `CARGO_FEATURE_*` form.
    fn default_features(&self) -> Vec<String> {
        let features = self.features();
        let mut on = vec![env_form("default")];
        let mut i = 0;
        while i < on.len() {
            let current = on[i].clone();
            for (name, list) in &features {
                if env_form(name) == current {
                    for item in list {
                        // `dep:x` and `x/feature` are not features of this package; `x` is
                        let feature = item.split('/').next().unwrap_or(item);
                        if !item.starts_with("dep:") && !feature.ends_with('?') {
                            let f = env_form(feature);
                            if !on.contains(&f) {
                                on.push(f);
                            }
                        }
                    }
                }
            }
            i += 1;
        }
        on
    }

    /// Whether the optional dependency `dep` is on, with the features `on`: a feature that is
    /// on lists `dep:<dep>`, `<dep>` or `<dep>/<feature>` (not `<dep>?/<feature>`), or the
    /// implicit feature named after it is on.
    fn enables(&self, dep: &str, on: &[String]) -> bool {
        let features = self.features();
        let explicit = features.iter().any(|(name, _)| *name == dep)
            || features
                .iter()
                .any(|(_, list)| list.contains(&format!("dep:{dep}").as_str()));
        if !explicit && on.contains(&env_form(dep)) {
            return true;
        }
        features.iter().any(|(name, list)| {
            on.contains(&env_form(name))
                && list.iter().any(|item| {
                    *item == format!("dep:{dep}")
                        || *item == dep
                        || item.strip_prefix(dep).is_some_and(|r| r.starts_with('/'))
                })
        })
    }

    /// Where this file's `[profile]` table starts, when it has one.
    pub fn profile_table(&self) -> Option<&Location> {
        self.root.get("profile").map(|n| &n.at)
    }
}

#[cfg(test)]
pub(crate) fn doc(path: &str, text: &str) -> Document {
    Document::parse(SourceFile::new(path, text)).expect("test TOML parses")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_keep_their_lines_through_every_table_form() {
        let d = doc(
            "Cargo.toml",
            "[package]\nname = \"app\"\n\n[profile.release]\nlto = true\n\n[profile]\ndist = { inherits = \"release\", opt-level = 0x3 }\ndev.debug = 1\n",
        );
        let lto = d.root.at_path(&["profile", "release", "lto"]).unwrap();
        assert_eq!((lto.item.clone(), lto.at.line), (Item::Bool(true), 5));
        let opt = d.root.at_path(&["profile", "dist", "opt-level"]).unwrap();
        assert_eq!((opt.item.clone(), opt.at.line), (Item::Int(3), 8));
        assert_eq!(
            d.root
                .at_path(&["profile", "dev", "debug"])
                .unwrap()
                .at
                .line,
            9
        );
        assert_eq!(d.package_name(), Some("app"));
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let err = Document::parse(SourceFile::new("Cargo.toml", "[profile.release]\nlto = \n"))
            .unwrap_err();
        assert_eq!(err.file, PathBuf::from("Cargo.toml"));
        assert_eq!(err.line, Some(2));
        assert!(err.message.starts_with("invalid TOML: "), "{}", err.message);
        assert!(!err.to_string().contains('\n'));
    }

    #[test]
    fn allocator_dependencies_are_found_unless_optional() {
        let d = doc(
            "Cargo.toml",
            "[dependencies]\nmimalloc = \"0.1\"\njem = { package = \"tikv-jemallocator\", version = \"0.6\" }\nsnmalloc-rs = { version = \"0.3\", optional = true }\nserde = \"1\"\n[target.'cfg(unix)'.dependencies]\nrpmalloc = \"0.2\"\n",
        );
        let found: Vec<String> = d
            .allocator_dependencies(None, None)
            .iter()
            .map(|(n, at)| format!("{n} {at}"))
            .collect();
        assert_eq!(
            found,
            vec![
                "tikv-jemallocator Cargo.toml:3",
                "mimalloc Cargo.toml:2",
                "rpmalloc Cargo.toml:7"
            ]
        );
    }

    /// ripgrep's case: jemalloc only for musl, so no finding on a gnu build; an optional
    /// allocator only when a feature that is on enables it.
    #[test]
    fn allocator_dependencies_count_only_where_they_apply() {
        let d = doc(
            "Cargo.toml",
            "[features]\ndefault = [\"fast\"]\nfast = [\"dep:mimalloc\"]\nsmall = []\n\
             [dependencies]\nmimalloc = { version = \"0.1\", optional = true }\nsnmalloc-rs = { version = \"0.3\", optional = true }\n\
             [target.'cfg(all(target_env = \"musl\", target_pointer_width = \"64\"))'.dependencies]\ntikv-jemallocator = \"0.6\"\n\
             [target.aarch64-apple-darwin.dependencies]\nrpmalloc = \"0.2\"\n",
        );
        let names = |target: Option<&Target>, features: Option<&[String]>| -> Vec<String> {
            d.allocator_dependencies(target, features)
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        let gnu = Target::from_print_cfg(
            "x86_64-unknown-linux-gnu",
            "target_env=\"gnu\"\ntarget_pointer_width=\"64\"\n",
        );
        let musl = Target::from_print_cfg(
            "x86_64-unknown-linux-musl",
            "target_env=\"musl\"\ntarget_pointer_width=\"64\"\n",
        );
        let features = |list: &[&str]| list.iter().map(|f| f.to_string()).collect::<Vec<_>>();
        // default features: `fast` turns mimalloc on
        assert_eq!(names(Some(&gnu), None), ["mimalloc"]);
        assert_eq!(names(Some(&musl), None), ["mimalloc", "tikv-jemallocator"]);
        // a build script's features: none, then the implicit feature of snmalloc-rs
        assert!(names(Some(&gnu), Some(&features(&[]))).is_empty());
        assert_eq!(
            names(Some(&gnu), Some(&features(&["SMALL", "SNMALLOC_RS"]))),
            ["snmalloc-rs"]
        );
        assert_eq!(names(Some(&gnu), Some(&features(&["FAST"]))), ["mimalloc"]);
        // the target unknown: every target table counts
        assert_eq!(
            names(None, Some(&features(&[]))),
            ["rpmalloc", "tikv-jemallocator"]
        );
    }

    #[test]
    fn workspace_facts() {
        let d = doc(
            "Cargo.toml",
            "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"old\"]\n",
        );
        assert!(d.is_workspace_root());
        assert_eq!(d.workspace_list("members"), vec!["crates/*"]);
        assert_eq!(d.workspace_list("exclude"), vec!["old"]);
        assert_eq!(d.package_name(), None);
    }
}
