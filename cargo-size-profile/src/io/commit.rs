//! Changing a user's file as one locked, atomic step, with a backup of it.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// What a commit did.
pub(crate) struct Committed {
    /// The new text, or `None` when the file already had it.
    pub(crate) new: Option<String>,
    /// Where the file as it was is kept.
    pub(crate) backup: Option<PathBuf>,
}

/// Changes a file (creating it, and its directory, if missing) as one locked, atomic step.
///
/// `plan` gets the text as it is under an exclusive lock and returns the new text (`None`: no
/// change); `show` sees old and new before anything is written. A second run waits for the
/// lock and plans on the first one's result.
///
/// The old file is copied to the next free `<name>.<n>` in `backup_dir`, and the new text is
/// renamed over the file from a temporary file beside it, so a reader sees the old file or
/// the new one. A symlink stays a link to the file it names, which is the one changed.
/// Temporary files a killed run left are removed under the lock.
pub(crate) fn commit(
    path: &Path,
    backup_dir: &Path,
    plan: &dyn Fn(&str) -> Result<Option<String>>,
    show: &dyn Fn(&str, &str),
) -> Result<Committed> {
    let target = real_path(path)?;
    let shown = path.display().to_string();
    let dir = target.parent().unwrap_or(Path::new(".")).to_path_buf();
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("{}: cannot be created", dir.display()))?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let existed = target.exists();
    if !existed {
        // an empty file to lock; removed again below if nothing is written
        std::fs::OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&target)
            .or_else(|e| match e.kind() {
                std::io::ErrorKind::AlreadyExists => std::fs::File::open(&target),
                _ => Err(e),
            })
            .with_context(|| format!("{shown}: cannot be created"))?;
    }
    let lock = lock(&target).with_context(|| format!("{shown}: cannot be locked"))?;
    let tmp_prefix = format!(".{name}.size-profile-");
    remove_leftovers(&dir, &tmp_prefix);
    let old =
        std::fs::read_to_string(&target).with_context(|| format!("{shown}: cannot be read"))?;
    let planned = plan(&old);
    let Ok(Some(new)) = planned else {
        // nothing to write: the empty file made only to lock goes again
        if !existed && old.is_empty() {
            let _ = std::fs::remove_file(&target);
        }
        drop(lock);
        return planned.map(|_| Committed {
            new: None,
            backup: None,
        });
    };
    show(&old, &new);
    let backup = if existed {
        Some(
            keep_copy(&target, backup_dir, &name)
                .with_context(|| format!("{shown}: no copy could be kept, so it is as it was"))?,
        )
    } else {
        None
    };
    // a failed step leaves nothing behind: the temporary file goes when dropped, and the
    // copy of a file that was not replaced is removed
    let result = (|| -> std::io::Result<()> {
        let mut file = tempfile::Builder::new()
            .prefix(&tmp_prefix)
            .suffix(".tmp")
            .tempfile_in(&dir)?;
        file.write_all(new.as_bytes())?;
        file.as_file().sync_all()?;
        std::fs::set_permissions(file.path(), std::fs::metadata(&target)?.permissions())?;
        file.persist(&target).map(|_| ()).map_err(|e| e.error)
    })();
    if result.is_err()
        && let Some(copy) = &backup
    {
        let _ = std::fs::remove_file(copy);
    }
    drop(lock);
    result.with_context(|| format!("{shown}: cannot be written, and is as it was"))?;
    Ok(Committed {
        new: Some(new),
        backup,
    })
}

/// The file a path names, through any symlinks (a missing file: its would-be path).
fn real_path(path: &Path) -> Result<PathBuf> {
    match std::fs::canonicalize(path) {
        Ok(p) => Ok(p),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // a dangling symlink is not a missing file: writing would replace the link
            if std::fs::symlink_metadata(path).is_ok() {
                return Err(e).with_context(|| {
                    format!(
                        "{}: is a symlink to a file that does not exist",
                        path.display()
                    )
                });
            }
            Ok(path.to_path_buf())
        }
        Err(e) => Err(e).with_context(|| format!("{}: cannot be read", path.display())),
    }
}

/// An exclusive lock on the file at `path`. The file may be replaced (renamed over) while this
/// run waits for the lock: then the lock is on a file nobody reads any more, so lock again.
fn lock(path: &Path) -> std::io::Result<std::fs::File> {
    loop {
        let file = std::fs::File::open(path)?;
        file.lock()?;
        if same_file(&file, path) {
            return Ok(file);
        }
    }
}

/// Whether the open `file` is the one at `path` now.
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    let open = file.try_clone().and_then(same_file::Handle::from_file);
    match (open, same_file::Handle::from_path(path)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// Removes temporary files a killed run left beside the target (only ever written under the
/// lock this run holds, so none of them is in use).
fn remove_leftovers(dir: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with(prefix) && name.ends_with(".tmp") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Copies `file` to the next free `<name>.<n>` in `dir` (1, 2, 3, …): every apply keeps the
/// file as it was before it.
fn keep_copy(file: &Path, dir: &Path, name: &str) -> Result<PathBuf> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("{}: cannot be created", dir.display()))?;
    for n in 1.. {
        let to = dir.join(format!("{name}.{n}"));
        match std::fs::OpenOptions::new()
            .create_new(true)
            .write(true)
            .open(&to)
        {
            Ok(mut out) => {
                let copied = std::fs::read(file).and_then(|bytes| {
                    out.write_all(&bytes)?;
                    out.sync_all()
                });
                if let Err(e) = copied {
                    // no half copy is left to take the next number
                    drop(out);
                    let _ = std::fs::remove_file(&to);
                    return Err(e).with_context(|| format!("{}: cannot be written", to.display()));
                }
                return Ok(to);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => {
                return Err(e).with_context(|| format!("{}: cannot be written", to.display()));
            }
        }
    }
    unreachable!("some number is free")
}
