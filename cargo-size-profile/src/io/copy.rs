//! Copying and linking files and directories with their times kept.

use std::path::Path;

use anyhow::{Context, Result};

use super::files::entries;

/// Makes `to` a hard link to the file `from`, or where that cannot be (another file system),
/// a copy of it (see [`copy_tree`]).
pub(crate) fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot be created", dir.display()))?;
    }
    match std::fs::hard_link(from, to) {
        Ok(()) => Ok(()),
        Err(_) => copy_tree(from, to),
    }
}

/// Copies a file or a directory with everything in it, keeping the files' modification times
/// (cargo compares them to decide what is fresh) and symlinks as symlinks.
pub(crate) fn copy_tree(from: &Path, to: &Path) -> Result<()> {
    let meta = std::fs::symlink_metadata(from)
        .with_context(|| format!("{}: cannot be read", from.display()))?;
    if let Some(dir) = to.parent() {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("{}: cannot be created", dir.display()))?;
    }
    if meta.is_dir() {
        std::fs::create_dir_all(to)
            .with_context(|| format!("{}: cannot be created", to.display()))?;
        for entry in entries(from) {
            copy_tree(&entry, &to.join(entry.file_name().unwrap_or_default()))?;
        }
        return Ok(());
    }
    if meta.is_symlink() {
        #[cfg(unix)]
        {
            let link = std::fs::read_link(from)
                .with_context(|| format!("{}: cannot be read", from.display()))?;
            return std::os::unix::fs::symlink(link, to)
                .with_context(|| format!("{}: cannot be written", to.display()));
        }
    }
    std::fs::copy(from, to).with_context(|| format!("{}: cannot be written", to.display()))?;
    let times = std::fs::FileTimes::new().set_modified(meta.modified()?);
    std::fs::File::options()
        .write(true)
        .open(to)
        .and_then(|f| f.set_times(times))
        .with_context(|| format!("{}: cannot be written", to.display()))
}
