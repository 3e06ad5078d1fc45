//! The facts the checker needs from a manifest: the workspace, the package, and the
//! dependencies it links.

use crate::profile::cfg::Target;
use crate::profile::setting::env_form;
use crate::source::Location;
use crate::toml_tree::{Document, Item, Node};

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

impl Document {
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
mod tests {
    use super::*;
    use crate::toml_tree::doc;

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
