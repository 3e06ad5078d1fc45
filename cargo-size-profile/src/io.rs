//! The one place that touches the disk, the terminal and other processes.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

/// Prints to stdout.
pub(crate) fn out(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

/// Prints to stderr.
pub(crate) fn err(text: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// Whether stdout gets colour: a terminal, and `NO_COLOR` unset.
pub(crate) fn color_stdout() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether progress lines go to stderr: only on a terminal.
pub(crate) fn progress_on() -> bool {
    std::io::stderr().is_terminal()
}

/// The current directory.
pub(crate) fn cwd() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current directory")
}

/// Reads a text file.
pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: cannot be read", path.display()))
}

/// Whether a file exists.
pub(crate) fn exists(path: &Path) -> bool {
    path.is_file()
}

/// The size of a file in bytes.
pub(crate) fn size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("{}: cannot be read", path.display()))?
        .len())
}

/// The names of the subdirectories of `dir` (for member globs).
pub(crate) fn subdirs(dir: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    names.sort();
    names
}

/// Writes `text` to `path` atomically: a temporary file beside it, flushed, then renamed
/// over it, so a reader sees the old file or the new one, never half of one. A missing
/// parent directory (`.cargo/`) is created.
pub(crate) fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.size-profile.tmp"));
    let result = (|| -> std::io::Result<()> {
        std::fs::create_dir_all(dir)?;
        let mut file = std::fs::File::create(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
        if let Ok(meta) = std::fs::metadata(path) {
            std::fs::set_permissions(&tmp, meta.permissions())?;
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.with_context(|| format!("{}: cannot be written", path.display()))
}

/// Copies a file, creating the destination's directory.
pub(crate) fn backup(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot be created", dir.display()))?;
    }
    std::fs::copy(from, to).with_context(|| format!("{}: cannot be written", to.display()))?;
    Ok(())
}

/// Runs a command to the end, timing it.
pub(crate) fn run_timed(cmd: &mut Command) -> Result<(Output, Duration)> {
    let start = Instant::now();
    let output = cmd
        .output()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    Ok((output, start.elapsed()))
}

/// An environment variable.
pub(crate) fn var(key: &str) -> Option<String> {
    std::env::var(key).ok()
}
