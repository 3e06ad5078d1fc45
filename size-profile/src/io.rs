//! The one place that touches the process: environment variables, files and stdout.

#![allow(clippy::disallowed_methods)]

use std::io::Write;
use std::path::Path;

use crate::host::{Env, Files};
use crate::report::directives::{Directive, Syntax};

/// The real process environment.
#[derive(Clone, Copy, Debug, Default)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn var(&self, key: &str) -> Option<String> {
        std::env::var(key).ok()
    }

    fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        std::env::vars_os()
            .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
            .filter(|(k, _)| k.starts_with(prefix))
            .collect()
    }

    fn rustc_version(&self) -> Option<String> {
        let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
        let out = std::process::Command::new(rustc).arg("-V").output().ok()?;
        out.status
            .success()
            .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
    }
}

/// The real file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl Files for Disk {
    fn read(&self, path: &Path) -> std::io::Result<String> {
        use std::io::{Error, ErrorKind};
        // a directory or a FIFO is not a file to read (reading a FIFO would block the build)
        match std::fs::metadata(path) {
            Ok(m) if m.is_dir() => {
                return Err(Error::new(
                    ErrorKind::IsADirectory,
                    "is a directory, not a file",
                ));
            }
            Ok(m) if !m.is_file() => return Err(Error::other("is not a regular file")),
            // a symlink to nothing is not a missing file
            Err(e)
                if e.kind() == ErrorKind::NotFound && std::fs::symlink_metadata(path).is_ok() =>
            {
                return Err(Error::other("is a symlink to a file that does not exist"));
            }
            _ => {}
        }
        std::fs::read_to_string(path)
    }

    fn make_dir(&self, dir: &Path) -> bool {
        std::fs::create_dir_all(dir).is_ok() && dir.is_dir()
    }
}

/// Prints every directive for cargo, one per line, on stdout, in `syntax`. Where that syntax
/// has no error line and there are errors, they are also written on stderr and the build
/// script ends with exit code 1: the one way left to fail the build.
pub(crate) fn emit(directives: &[Directive], syntax: Syntax) {
    let mut out = std::io::stdout().lock();
    for d in directives {
        // stdout closed means cargo is gone: nothing useful is left to do
        let _ = writeln!(out, "{}", d.line(syntax));
    }
    let _ = out.flush();
    if syntax == Syntax::Single {
        let errors: Vec<&String> = directives
            .iter()
            .filter_map(|d| match d {
                Directive::Error(m) => Some(m),
                _ => None,
            })
            .collect();
        if !errors.is_empty() {
            let mut err = std::io::stderr().lock();
            for m in errors {
                let _ = writeln!(err, "error: {m}");
            }
            std::process::exit(1);
        }
    }
}
