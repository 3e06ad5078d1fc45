//! Reading and removing files and directories, and writing files of ours whole.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// The current directory.
pub(crate) fn cwd() -> Result<PathBuf> {
    std::env::current_dir().context("cannot read the current directory")
}

/// Reads a text file.
pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("{}: cannot be read", path.display()))
}

/// Whether anything is at `path`: a file, a directory or a symlink.
pub(crate) fn exists(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok()
}

/// Whether `path` is a file (or a symlink to one).
pub(crate) fn is_file(path: &Path) -> bool {
    path.is_file()
}

/// Whether a directory exists.
pub(crate) fn is_dir(path: &Path) -> bool {
    path.is_dir()
}

/// A file's bytes, or `None` when it cannot be read.
pub(crate) fn read_bytes(path: &Path) -> Option<Vec<u8>> {
    std::fs::read(path).ok()
}

/// The entries of a directory (none when it cannot be read).
pub(crate) fn entries(dir: &Path) -> Vec<PathBuf> {
    let Ok(read) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    read.filter_map(|e| e.ok().map(|e| e.path())).collect()
}

/// Every file under `dir`, sorted, following symlinks (a directory met again through one, a
/// loop, is walked once); `None` when some part cannot be read.
pub(crate) fn files_under(dir: &Path) -> Option<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
    {
        match entry {
            Ok(e) if !e.file_type().is_dir() => files.push(e.into_path()),
            Ok(_) => {}
            Err(e) if e.loop_ancestor().is_some() => {}
            Err(_) => return None,
        }
    }
    files.sort();
    Some(files)
}

/// Removes a file or a directory with everything in it; a missing one is no error.
pub(crate) fn remove(path: &Path) -> Result<()> {
    let result = match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => std::fs::remove_dir_all(path),
        Ok(_) => std::fs::remove_file(path),
        Err(_) => return Ok(()),
    };
    result.with_context(|| format!("{}: cannot be removed", path.display()))
}

/// Writes a file of ours (not the user's): the text goes to a temporary file beside it that
/// is renamed over it, so a reader sees the old file or the new one.
pub(crate) fn write_ours(path: &Path, text: &str) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot be created", dir.display()))?;
    let mut temp = tempfile::NamedTempFile::new_in(dir)
        .and_then(|mut t| t.write_all(text.as_bytes()).map(|()| t))
        .with_context(|| format!("{}: cannot be written", path.display()))?;
    temp.flush()?;
    temp.persist(path)
        .map(|_| ())
        .with_context(|| format!("{}: cannot be written", path.display()))
}

/// The size of a file in bytes.
pub(crate) fn size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("{}: cannot be read", path.display()))?
        .len())
}
