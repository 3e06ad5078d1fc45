//! What `Cargo.lock` locks for a binary: the entries of the packages it links. The ladder's
//! measurements are from an older build when these change, and only then: adding a build- or
//! dev-dependency (size-profile itself, a test helper) changes the file, not the binary.

use std::collections::BTreeSet;

use crate::source::{SourceFile, fingerprint};
use crate::toml_tree::{Document, Item, Node};

/// One `[[package]]` of the lock.
struct Locked<'a> {
    name: &'a str,
    version: &'a str,
    source: Option<&'a str>,
    checksum: Option<&'a str>,
    dependencies: Vec<&'a str>,
}

impl Locked<'_> {
    /// Whether `spec` (`name`, `name version` or `name version (source)`, as the lock's
    /// dependency lists write them) names this entry.
    fn is(&self, spec: &str) -> bool {
        let mut parts = spec.splitn(3, ' ');
        let name = parts.next().unwrap_or_default();
        let version = parts.next();
        let source = parts
            .next()
            .map(|s| s.trim_start_matches('(').trim_end_matches(')'));
        name == self.name
            && version.is_none_or(|v| v == self.version)
            && source.is_none_or(|s| Some(s) == self.source)
    }
}

/// The fingerprint of what the lock `text` locks for `package`'s binary: the entry of every
/// package reached from the package's own `[dependencies]` (and `[target.*.dependencies]`,
/// optional ones included) through the lock's dependency lists, and the package's own name
/// and version. Entries only its build- and dev-dependencies reach are left out. A lock that
/// cannot be read, or that does not list the package, is fingerprinted whole.
pub fn linked_lock(text: &str, package: &Document) -> u64 {
    linked(text, package).unwrap_or_else(|| fingerprint(text.as_bytes()))
}

fn linked(text: &str, package: &Document) -> Option<u64> {
    let doc = Document::parse(SourceFile::new("Cargo.lock", text.to_owned())).ok()?;
    let Item::Array(entries) = &doc.root.get("package")?.item else {
        return None;
    };
    let entries: Vec<Locked> = entries.iter().filter_map(locked).collect();
    let name = package.package_name()?;
    let own = entries.iter().find(|e| {
        e.name == name
            && e.source.is_none()
            && package.package_version().is_none_or(|v| v == e.version)
    })?;
    // the package's links: its normal dependencies, whatever target or feature
    let normal: BTreeSet<String> = package
        .dependencies(None, Some(&all_features(package)))
        .into_iter()
        .map(|d| d.package)
        .collect();
    let mut lines = BTreeSet::from([format!("{} {}", own.name, own.version)]);
    let mut todo: Vec<&str> = own
        .dependencies
        .iter()
        .copied()
        .filter(|spec| normal.contains(spec.split(' ').next().unwrap_or_default()))
        .collect();
    let mut seen = BTreeSet::new();
    while let Some(spec) = todo.pop() {
        let Some(entry) = entries.iter().find(|e| e.is(spec)) else {
            // a spec the lock does not resolve: keep its words, so a change is still seen
            lines.insert(spec.to_owned());
            continue;
        };
        if !seen.insert((entry.name, entry.version, entry.source)) {
            continue;
        }
        lines.insert(format!(
            "{} {} {} {}",
            entry.name,
            entry.version,
            entry.source.unwrap_or("-"),
            entry.checksum.unwrap_or("-")
        ));
        todo.extend(entry.dependencies.iter().copied());
    }
    let joined: Vec<String> = lines.into_iter().collect();
    Some(fingerprint(joined.join("\n").as_bytes()))
}

/// Every feature of `package`, in `CARGO_FEATURE_<NAME>` form: an optional dependency is a
/// link whichever feature turns it on.
fn all_features(package: &Document) -> Vec<String> {
    let mut names: Vec<String> = package
        .root
        .get("features")
        .and_then(Node::table)
        .into_iter()
        .flatten()
        .map(|(name, _)| name.clone())
        .collect();
    // an optional dependency's implicit feature is its own name, in any dependency table
    let root = &package.root;
    let targets = root
        .get("target")
        .and_then(Node::table)
        .into_iter()
        .flatten();
    let tables = root
        .get("dependencies")
        .into_iter()
        .chain(targets.filter_map(|(_, t)| t.get("dependencies")));
    for table in tables {
        names.extend(
            table
                .table()
                .into_iter()
                .flatten()
                .map(|(name, _)| name.clone()),
        );
    }
    names
        .into_iter()
        .map(|n| n.to_ascii_uppercase().replace('-', "_"))
        .collect()
}

fn locked(node: &Node) -> Option<Locked<'_>> {
    let dependencies = match node.get("dependencies").map(|d| &d.item) {
        Some(Item::Array(items)) => items.iter().filter_map(Node::str).collect(),
        _ => Vec::new(),
    };
    Some(Locked {
        name: node.get("name")?.str()?,
        version: node.get("version")?.str()?,
        source: node.get("source").and_then(Node::str),
        checksum: node.get("checksum").and_then(Node::str),
        dependencies,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toml_tree::doc;

    const MANIFEST: &str = "[package]\nname = \"app\"\nversion = \"0.1.0\"\n\n[dependencies]\nclap = \"4\"\nfast = { version = \"1\", optional = true }\n\n[build-dependencies]\nsize-profile = \"0.1\"\n\n[dev-dependencies]\ninsta = \"1\"\n";

    fn lock(clap_checksum: &str, extra: &str) -> String {
        format!(
            "version = 4\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\ndependencies = [\n \"clap\",\n \"fast\",\n \"insta\",\n \"size-profile\",\n]\n\n[[package]]\nname = \"clap\"\nversion = \"4.5.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"{clap_checksum}\"\ndependencies = [\n \"strsim\",\n]\n\n[[package]]\nname = \"strsim\"\nversion = \"0.11.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"s1\"\n\n[[package]]\nname = \"fast\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"f1\"\n\n[[package]]\nname = \"insta\"\nversion = \"1.0.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"i1\"\n{extra}"
        )
    }

    #[test]
    fn only_what_the_binary_links_counts() {
        let manifest = doc("Cargo.toml", MANIFEST);
        let base = linked_lock(&lock("c1", ""), &manifest);
        // adding the build-dependency itself, or a dev-dependency's new version: the same
        let with_us = lock(
            "c1",
            "\n[[package]]\nname = \"size-profile\"\nversion = \"0.1.0\"\nsource = \"registry+https://github.com/rust-lang/crates.io-index\"\nchecksum = \"p1\"\n",
        );
        assert_eq!(linked_lock(&with_us, &manifest), base);
        let newer_insta = lock("c1", "").replace("checksum = \"i1\"", "checksum = \"i2\"");
        assert_eq!(linked_lock(&newer_insta, &manifest), base);
        // a linked crate, directly or through another, or the package's version: a change
        assert_ne!(linked_lock(&lock("c2", ""), &manifest), base);
        let strsim = lock("c1", "").replace("checksum = \"s1\"", "checksum = \"s2\"");
        assert_ne!(linked_lock(&strsim, &manifest), base);
        let optional = lock("c1", "").replace("checksum = \"f1\"", "checksum = \"f2\"");
        assert_ne!(linked_lock(&optional, &manifest), base);
        let bumped = doc("Cargo.toml", &MANIFEST.replace("0.1.0", "0.2.0"));
        assert_ne!(
            linked_lock(
                &lock("c1", "").replace("version = \"0.1.0\"", "version = \"0.2.0\""),
                &bumped
            ),
            base
        );
        // what is not a lock of this package is taken whole
        assert_eq!(linked_lock("lock v1", &manifest), fingerprint(b"lock v1"));
    }
}
