//! Child processes: run, read as they go, and stopped as a group, also on a signal.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};

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
/// all ([`write_ours`](super::write_ours)), so what the tool kept stays readable.
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
