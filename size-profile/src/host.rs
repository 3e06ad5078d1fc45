//! What the core asks of its host: environment variables and file contents.
//!
//! The fronts pass the real process environment and disk (`io`); tests pass maps.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::map::NameMap;

/// Read access to environment variables.
pub trait Env {
    /// The value of a variable, if it is set and valid UTF-8.
    fn var(&self, key: &str) -> Option<String>;
    /// Every variable whose name starts with `prefix`.
    fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)>;
    /// `rustc -V` of the compiler that builds, when it can be asked: the process environment
    /// runs `$RUSTC -V` (else `rustc -V`). The default, for maps of variables, cannot.
    fn rustc_version(&self) -> Option<String> {
        None
    }
}

/// Read access to files.
pub trait Files {
    /// The text of a file; an error of kind [`NotFound`](std::io::ErrorKind::NotFound) when
    /// there is no such file (then the file simply does not take part), any other error when it
    /// exists but cannot be read as text.
    fn read(&self, path: &Path) -> std::io::Result<String>;
    /// Makes the directory `dir`, and its parents, when it is missing; whether it is there
    /// now. A build script watches a directory the ladder writes into later, and cargo would
    /// rerun a build script that watches a missing path on every build. The core asks this only
    /// in a build script, for a directory under cargo's target directory. The default makes
    /// nothing and says no.
    fn make_dir(&self, dir: &Path) -> bool {
        let _ = dir;
        false
    }
}

/// A map of variables, for tests of a build script:
///
/// ```
/// use std::collections::BTreeMap;
/// use size_profile::{Check, Directive};
///
/// let env = BTreeMap::from([("CARGO_MANIFEST_DIR".to_string(), "/p".to_string())]);
/// let files = BTreeMap::from([(
///     std::path::PathBuf::from("/p/Cargo.toml"),
///     "[package]\nname = \"p\"\n".to_string(),
/// )]);
/// let directives = Check::new().directives(&env, &files);
/// // without OUT_DIR or PROFILE the check cannot tell which profile is built, and says so
/// assert!(directives.iter().any(|d| matches!(d, Directive::Warning(w) if w.contains("OUT_DIR"))));
/// ```
impl Env for BTreeMap<String, String> {
    fn var(&self, key: &str) -> Option<String> {
        self.get(key).cloned()
    }

    fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        self.range(prefix.to_owned()..)
            .take_while(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

impl Env for NameMap<String> {
    fn var(&self, key: &str) -> Option<String> {
        self.get(key).cloned()
    }

    fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        self.iter()
            .filter(|(k, _)| k.starts_with(prefix))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

/// Files by path, for tests of a build script (see the example on the [`Env`] impl).
impl Files for BTreeMap<PathBuf, String> {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        self.get(path)
            .cloned()
            .ok_or_else(|| std::io::ErrorKind::NotFound.into())
    }

    /// A map of files takes every directory as there.
    fn make_dir(&self, _dir: &Path) -> bool {
        true
    }
}

/// An environment from pairs, for tests.
#[cfg(test)]
pub(crate) fn env_map(pairs: &[(&str, &str)]) -> NameMap<String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// A file system from (path, text) pairs, for tests.
#[cfg(test)]
pub(crate) fn file_map(files: &[(&str, &str)]) -> BTreeMap<PathBuf, String> {
    files
        .iter()
        .map(|(p, t)| (PathBuf::from(p), t.to_string()))
        .collect()
}
