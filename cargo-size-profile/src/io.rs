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

/// Whether stdout gets colour: anstream's choice, which honours `NO_COLOR`, `CLICOLOR`,
/// `CLICOLOR_FORCE` and whether stdout is a terminal.
pub(crate) fn color_stdout() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
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

/// Every environment variable with a name and value in UTF-8.
pub(crate) fn vars() -> Vec<(String, String)> {
    std::env::vars_os()
        .filter_map(|(k, v)| Some((k.into_string().ok()?, v.into_string().ok()?)))
        .collect()
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub(crate) fn today() -> String {
    jiff::Timestamp::now()
        .to_zoned_datetime(jiff::tz::TimeZone::UTC)
        .date()
        .to_string()
}

/// The size of a file in bytes.
pub(crate) fn size(path: &Path) -> Result<u64> {
    Ok(std::fs::metadata(path)
        .with_context(|| format!("{}: cannot be read", path.display()))?
        .len())
}

/// What a commit did.
pub(crate) struct Committed {
    /// The new text, or `None` when the file already had it.
    pub(crate) new: Option<String>,
    /// Where the file as it was is kept.
    pub(crate) backup: Option<PathBuf>,
}

/// Changes a file (creating it, and its directory, if missing) as one locked, atomic step.
///
/// `path` may be a symlink: the file it names is changed and the link stays. An exclusive lock
/// on that file is held from the read to the rename, so a second run waits and then plans on
/// the first one's result: `plan` gets the text as it is under the lock and returns the new
/// text (or `None` for no change); `show` sees old and new before anything is written. The
/// old file is copied to the next free `<name>.<n>` in `backup_dir`. The new text goes to a
/// uniquely named temporary file beside the target, flushed, then renamed over it, so readers
/// see the old file or the new one, never half of one; temporary files left by a run that was
/// killed are removed under the lock.
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

/// Runs a command to the end, timing it.
pub(crate) fn run_timed(cmd: &mut Command) -> Result<(Output, Duration)> {
    let start = Instant::now();
    let output = cmd
        .output()
        .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
    Ok((output, start.elapsed()))
}

/// The processes [`Child`] started that have not ended: what a signal that ends the tool
/// stops first.
static RUNNING: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());

fn running() -> std::sync::MutexGuard<'static, Vec<u32>> {
    RUNNING.lock().unwrap_or_else(|e| e.into_inner())
}

/// The signal that is ending the tool, once one came (0 before): a build it stopped fails,
/// and that failure is not the tool's outcome.
static STOPPED_BY: std::sync::atomic::AtomicI32 = std::sync::atomic::AtomicI32::new(0);

/// Waits for the end, if a signal is ending the tool: its handler stops the builds and ends
/// the tool as the signal would. Called before a build starts and before the outcome of a
/// command is printed, so a build the signal stopped is not reported as failed.
pub(crate) fn wait_if_stopped() {
    if stopping() {
        wait_for_the_end();
    }
}

fn stopping() -> bool {
    STOPPED_BY.load(std::sync::atomic::Ordering::SeqCst) != 0
}

fn wait_for_the_end() -> ! {
    loop {
        std::thread::park();
    }
}

/// On SIGINT, SIGTERM or SIGHUP, stops every process the tool started and what they started
/// (a terminal's Ctrl-C reaches them all, but `kill` and a closed session reach the tool
/// alone), then ends the tool as the signal would. Files of ours are written whole or not at
/// all ([`write_ours`]), so what the tool kept stays readable.
pub(crate) fn stop_children_on_signals() {
    #[cfg(unix)]
    {
        use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
        let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP]) else {
            return;
        };
        std::thread::spawn(move || {
            if let Some(signal) = signals.forever().next() {
                STOPPED_BY.store(signal, std::sync::atomic::Ordering::SeqCst);
                // the lock stays held to the end: no build starts after these are stopped
                let mut running = running();
                for pid in running.drain(..) {
                    kill_group(pid);
                }
                std::process::exit(128 + signal);
            }
        });
    }
}

/// Kills the process group `pid` leads: a child of [`Child::spawn`] and every process it
/// started (cargo's rustc, linkers and build scripts), with one signal.
fn kill_group(pid: u32) {
    #[cfg(unix)]
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &format!("-{pid}")])
        .output();
    #[cfg(not(unix))]
    let _ = pid;
}

/// A process run with its stdout read as it comes, by a reader of the caller's. Dropped
/// before [`Child::wait`], it is killed (see [`Child::kill`]): a build the ladder started
/// ahead does not outlive it.
pub(crate) struct Child {
    child: Option<std::process::Child>,
    started: Instant,
    /// The threads reading stdout (with the caller's reader) and stderr (their result).
    out: Option<std::thread::JoinHandle<()>>,
    err: Option<std::thread::JoinHandle<String>>,
}

impl Child {
    /// Starts `cmd` with its stdout given to `read` on a thread of its own, and its stderr
    /// kept.
    pub(crate) fn spawn(
        cmd: &mut Command,
        read: impl FnOnce(std::io::BufReader<std::process::ChildStdout>) + Send + 'static,
    ) -> Result<Child> {
        use std::io::Read;
        use std::process::Stdio;
        let started = Instant::now();
        // a group of its own, so that one signal stops it and all it starts
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(cmd, 0);
        // under the lock a signal's handler holds while it stops the builds: a build starts
        // before them, and is stopped with them, or not at all
        let mut running = running();
        if stopping() {
            drop(running);
            wait_for_the_end();
        }
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot run {:?}", cmd.get_program()))?;
        running.push(child.id());
        drop(running);
        let out = child
            .stdout
            .take()
            .map(|pipe| std::thread::spawn(move || read(std::io::BufReader::new(pipe))));
        let err = child.stderr.take().map(|mut pipe| {
            std::thread::spawn(move || {
                let mut text = Vec::new();
                let _ = pipe.read_to_end(&mut text);
                String::from_utf8_lossy(&text).into_owned()
            })
        });
        Ok(Child {
            child: Some(child),
            started,
            out,
            err,
        })
    }

    /// Waits for the readers: they end when the last process holding the pipes is gone.
    /// Returns stderr.
    fn join_readers(&mut self) -> String {
        if let Some(out) = self.out.take() {
            let _ = out.join();
        }
        self.err
            .take()
            .and_then(|err| err.join().ok())
            .unwrap_or_default()
    }

    /// Waits for the end, and for stdout's reader: stderr, success and the time since the
    /// start.
    pub(crate) fn wait(mut self) -> Result<(String, bool, Duration)> {
        let mut child = self.child.take().context("the build was stopped")?;
        let status = child.wait().context("cannot wait for a build")?;
        running().retain(|p| *p != child.id());
        let time = self.started.elapsed();
        let stderr = self.join_readers();
        Ok((stderr, status.success(), time))
    }

    /// Kills the process and every process it started (its group), then waits for it.
    pub(crate) fn kill(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(mut child) = self.child.take() else {
            return;
        };
        kill_group(child.id());
        let _ = child.kill();
        let _ = child.wait();
        running().retain(|p| *p != child.id());
        self.join_readers();
    }
}

impl Drop for Child {
    fn drop(&mut self) {
        self.stop();
    }
}

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

/// An environment variable.
pub(crate) fn var(key: &str) -> Option<String> {
    std::env::var(key).ok()
}
