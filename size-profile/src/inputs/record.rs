//! The host's environment and files, recording what is read: a front watches exactly that.

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::host::{Env, Files};

/// An [`Env`] that remembers every variable asked for by name, set or not: what a front must
/// watch, recorded as it is read (as cargo's `build-rs` records a build script's inputs)
/// rather than listed by hand. Only the variables cargo sets for build scripts are listed by
/// prefix, and those are never watched.
pub(crate) struct RecordingEnv<'a> {
    inner: &'a dyn Env,
    names: RefCell<BTreeSet<String>>,
}

impl<'a> RecordingEnv<'a> {
    pub(crate) fn new(inner: &'a dyn Env) -> RecordingEnv<'a> {
        RecordingEnv {
            inner,
            names: RefCell::default(),
        }
    }

    /// The variables read by name, in name order.
    pub(crate) fn names(&self) -> Vec<String> {
        self.names.borrow().iter().cloned().collect()
    }
}

impl Env for RecordingEnv<'_> {
    fn var(&self, key: &str) -> Option<String> {
        self.names.borrow_mut().insert(key.to_owned());
        self.inner.var(key)
    }

    fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        self.inner.vars_with_prefix(prefix)
    }

    fn rustc_version(&self) -> Option<String> {
        self.inner.rustc_version()
    }
}

/// [`Files`] that remember every file read (a missing or unreadable one is not one to watch:
/// cargo reruns a build script that names a missing file on every build, and the attribute's
/// `include_bytes!` would fail on it).
pub(crate) struct RecordingFiles<'a> {
    inner: &'a dyn Files,
    paths: RefCell<Vec<PathBuf>>,
}

impl<'a> RecordingFiles<'a> {
    pub(crate) fn new(inner: &'a dyn Files) -> RecordingFiles<'a> {
        RecordingFiles {
            inner,
            paths: RefCell::default(),
        }
    }

    /// The files read, in the order first read.
    pub(crate) fn paths(&self) -> Vec<PathBuf> {
        self.paths.borrow().clone()
    }
}

impl Files for RecordingFiles<'_> {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        let result = self.inner.read(path);
        let mut paths = self.paths.borrow_mut();
        if result.is_ok() && !paths.iter().any(|p| p == path) {
            paths.push(path.to_path_buf());
        }
        result
    }

    fn make_dir(&self, dir: &Path) -> bool {
        self.inner.make_dir(dir)
    }
}
