//! Helpers for the integration tests: tiny scratch projects, built by the real cargo in one
//! shared target directory, with an environment cleaned of anything that changes profiles.

// Tests write scratch files and read what cargo printed.
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

pub mod layouts;

/// A small deterministic generator, so a failing generated case can be rebuilt by its number.
pub struct Rng(pub u64);

impl Rng {
    /// The generator for case `n`: cases with near numbers still differ from the first draw.
    pub fn for_case(n: u64) -> Rng {
        Rng(0x9E37_79B9_7F4A_7C15 ^ (n + 1).wrapping_mul(0x2545_F491_4F6C_DD1D))
    }

    /// The next number (xorshift64).
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `items`.
    pub fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// This checkout's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is inside the repo")
        .to_path_buf()
}

/// Where the shared target directory and our own cargo home live: inside this checkout's
/// `target`, so `cargo clean` removes them.
fn cache_root() -> PathBuf {
    repo_root().join("target").join("scratch")
}

/// The target directory scratch builds share, so dependencies build once (build-script
/// projects have one of their own beside it).
pub fn shared_target() -> PathBuf {
    cache_root().join("target")
}

/// The environment every command a test runs starts from, whatever the caller's shell or CI
/// sets: nothing is inherited but what finds the toolchain, and cargo's home is one of our
/// own, which shares the machine's registry (so no test needs the network) but not its
/// `config.toml`. A caller's `CARGO_TARGET_DIR`, `RUSTFLAGS`, `CARGO_PROFILE_*`,
/// `CARGO_BUILD_*`, `NO_COLOR`/`CLICOLOR` or `$CARGO_HOME/config.toml` cannot change what a
/// test sees.
pub mod hermetic {
    use std::ffi::OsString;
    use std::path::{Path, PathBuf};
    use std::process::Command;

    /// The variables passed on: they find cargo, rustc and rustup, and nothing more.
    pub const PASSED_ON: &[&str] = &[
        "PATH",
        "HOME",
        "RUSTUP_HOME",
        "RUSTUP_TOOLCHAIN",
        "CARGO",
        "TMPDIR",
    ];

    /// The machine's cargo home, where the registry cache is.
    fn machine_cargo_home() -> Option<PathBuf> {
        std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
    }

    /// Our cargo home: the machine's `registry` and `git` caches linked in, no config file.
    pub fn cargo_home() -> PathBuf {
        let home = super::cache_root().join("cargo-home");
        std::fs::create_dir_all(&home).expect("our cargo home");
        if let Some(machine) = machine_cargo_home() {
            for cache in ["registry", "git"] {
                let (from, to) = (machine.join(cache), home.join(cache));
                if from.exists() && std::fs::symlink_metadata(&to).is_err() {
                    link(&from, &to);
                }
            }
        }
        home
    }

    #[cfg(unix)]
    fn link(from: &Path, to: &Path) {
        // another test may have linked it a moment ago
        let _ = std::os::unix::fs::symlink(from, to);
    }

    #[cfg(not(unix))]
    fn link(from: &Path, to: &Path) {
        // no symlinks without privileges: cargo fetches what it needs into our home instead
        let _ = (from, to);
    }

    /// The variables of the environment tests run commands in.
    pub fn vars() -> Vec<(String, OsString)> {
        let mut vars: Vec<(String, OsString)> = PASSED_ON
            .iter()
            .filter_map(|key| Some((key.to_string(), std::env::var_os(key)?)))
            .collect();
        vars.push(("CARGO_HOME".into(), cargo_home().into_os_string()));
        vars
    }

    /// `program` with only [`vars`] in its environment.
    pub fn command(program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear().envs(vars());
        cmd
    }

    /// Cargo (the one running the tests, else `cargo` on the `PATH`) in [`command`]'s
    /// environment.
    pub fn cargo() -> Command {
        command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
    }
}

/// A scratch cargo project, in a directory of its own under the system's temporary directory
/// (outside any directory whose `.cargo/config.toml` cargo would read). It is removed when the
/// test passes and kept, with its path printed, when the test fails.
#[derive(Debug)]
pub struct Scratch {
    /// Its directory.
    pub dir: PathBuf,
    env: Vec<(String, String)>,
    /// Whether the directory is ours to remove (an example of this checkout is not).
    owned: bool,
    /// The target directory it builds in.
    target: PathBuf,
    /// The build-script target directory it holds, if it builds in one (see [`Scratch::checked`]).
    _slot: Option<TargetSlot>,
}

/// How many projects use each build-script target directory now.
static BUILD_SCRIPT_TARGETS: std::sync::Mutex<[usize; 2]> = std::sync::Mutex::new([0; 2]);

/// One of the build-script target directories, held by a project until it is dropped: two,
/// so that two tests' builds run side by side (cargo builds in one target directory at a
/// time), each taking the one fewer projects use.
#[derive(Debug)]
struct TargetSlot(usize);

impl TargetSlot {
    fn take() -> TargetSlot {
        let mut used = BUILD_SCRIPT_TARGETS
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        let free = if used[0] <= used[1] { 0 } else { 1 };
        used[free] += 1;
        TargetSlot(free)
    }

    fn dir(&self) -> PathBuf {
        cache_root().join(format!("target-build-script-{}", self.0))
    }
}

impl Drop for TargetSlot {
    fn drop(&mut self) {
        let mut used = BUILD_SCRIPT_TARGETS
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        used[self.0] -= 1;
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if !self.owned {
            return;
        }
        if std::thread::panicking() {
            #[allow(clippy::disallowed_macros, clippy::print_stderr)]
            // the one place a kept directory is named
            {
                eprintln!("scratch project kept for a look: {}", self.dir.display());
            }
        } else {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}

/// What one cargo run printed.
#[derive(Debug)]
pub struct Run {
    /// Whether cargo succeeded.
    pub success: bool,
    /// Cargo's stderr (its messages).
    pub stderr: String,
    /// Cargo's stdout.
    pub stdout: String,
}

impl Run {
    /// The `size-profile:` warnings cargo showed for the package, without cargo's prefix.
    pub fn warnings(&self) -> Vec<String> {
        self.lines("warning")
    }

    /// The `size-profile:` errors cargo showed for the package, without cargo's prefix.
    pub fn errors(&self) -> Vec<String> {
        self.lines("error")
    }

    fn lines(&self, level: &str) -> Vec<String> {
        self.stderr
            .lines()
            .filter_map(|l| l.strip_prefix(level)?.strip_prefix(": "))
            .filter_map(|l| {
                // cargo shows build-script output as `<pkg>@<version>: <message>`
                let (_, msg) = l.split_once(": ")?;
                msg.strip_prefix("size-profile: ").map(str::to_owned)
            })
            .collect()
    }

    /// The arguments rustc got for the crate `name` (from `cargo build -v`).
    pub fn rustc_args(&self, name: &str) -> Option<Vec<String>> {
        let needle = format!("--crate-name {name} ");
        let line = self
            .stderr
            .lines()
            .find(|l| l.contains("Running `") && l.contains(&needle))?;
        let start = line.find("Running `")? + "Running `".len();
        let cmd = line[start..].trim_end_matches('`');
        Some(cmd.split_whitespace().map(String::from).collect())
    }

    /// Panics with cargo's output unless the run succeeded.
    pub fn ok(self) -> Run {
        assert!(self.success, "cargo failed:\n{}", self.stderr);
        self
    }
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Scratch {
    /// A new project named `name` (a unique directory each call) with a `src/main.rs` and a
    /// `Cargo.toml` made of `[package]`, an empty `[workspace]`, and `manifest_tail`.
    pub fn new(name: &str, manifest_tail: &str) -> Scratch {
        let n = COUNTER.fetch_add(1, Ordering::SeqCst);
        let dir = std::env::temp_dir()
            .join("size-profile-tests")
            .join(format!("{name}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("src")).expect("scratch dir");
        let s = Scratch {
            dir,
            env: Vec::new(),
            owned: true,
            target: shared_target(),
            _slot: None,
        };
        s.write(
            "Cargo.toml",
            &format!(
                "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n{manifest_tail}"
            ),
        );
        s.write("src/main.rs", "fn main() {}\n");
        // start from this workspace's lock file: no index look-ups for the shared deps
        let _ = std::fs::copy(repo_root().join("Cargo.lock"), s.dir.join("Cargo.lock"));
        s
    }

    /// The target directory it builds in.
    pub fn target_dir(&self) -> &Path {
        &self.target
    }

    /// Builds in a target directory of its own, `target/scratch/target-<dir>`: for a test that
    /// writes files there other tests' builds would read.
    pub fn own_target(mut self, dir: &str) -> Scratch {
        self.target = cache_root().join(format!("target-{dir}"));
        self
    }

    /// Builds in `<rel>/target` inside the project, where cargo builds a workspace at `rel`
    /// by default: for a test of what a build script learns from that directory's place.
    pub fn target_in(mut self, rel: &str) -> Scratch {
        self.target = self.dir.join(rel).join("target");
        self
    }

    /// The fingerprint of what its `Cargo.lock` locks for its binary, as the ladder records it.
    pub fn lock_fingerprint(&self) -> u64 {
        use size_profile::__private::{Document, SourceFile, linked_lock};
        let lock = std::fs::read_to_string(self.dir.join("Cargo.lock")).expect("a Cargo.lock");
        let manifest = std::fs::read_to_string(self.dir.join("Cargo.toml")).expect("a manifest");
        let manifest = Document::parse(SourceFile::new("Cargo.toml", manifest)).expect("TOML");
        linked_lock(&lock, &manifest)
    }

    /// Writes `<target>/size-profile/measured/savings.toml` as the ladder does after a run on
    /// `package` (lto = true saved 1,116,000 of 3,282,352 bytes on 2026-11-25), whole or not
    /// at all, with this toolchain's `rustc -V` and the given `Cargo.lock` fingerprint.
    pub fn write_savings(&self, package: &str, cargo_lock: u64) {
        use size_profile::__private::{Lto, SAVINGS_FILE, Saving, Savings, Value};
        let rustc = hermetic::command("rustc")
            .arg("-V")
            .output()
            .expect("rustc runs");
        let savings = Savings {
            package: package.into(),
            binary: package.into(),
            date: "2026-11-25".into(),
            rustc: String::from_utf8_lossy(&rustc.stdout).trim().to_owned(),
            cargo_lock: Some(cargo_lock),
            saves: vec![Saving {
                value: Value::Lto(Lto::Fat),
                bytes: 1_116_000,
                before: 3_282_352,
            }],
        };
        let path = self.target.join(SAVINGS_FILE);
        std::fs::create_dir_all(path.parent().expect("a parent")).expect("the directory");
        let temp = path.with_extension(format!("{}.tmp", std::process::id()));
        std::fs::write(&temp, savings.to_toml()).expect("written");
        std::fs::rename(&temp, &path).expect("renamed");
    }

    /// A project whose build script calls `size_profile::check()`.
    pub fn checked(name: &str, manifest_tail: &str) -> Scratch {
        let dep = repo_root().join("size-profile");
        let tail = format!(
            "[build-dependencies]\nsize-profile = {{ path = {:?} }}\n\n{manifest_tail}",
            dep.display().to_string()
        );
        let mut s = Scratch::new(name, &tail);
        // target directories of their own: cargo builds in one target directory at a time, so
        // build-script projects and the others (which need the attribute's syn and quote) build
        // side by side, and two build-script projects too; only the small `size-profile` is
        // compiled in each
        let slot = TargetSlot::take();
        s.target = slot.dir();
        s._slot = Some(slot);
        s.write("build.rs", "fn main() {\n    size_profile::check();\n}\n");
        s
    }

    /// A project whose `main` carries `#[size_optimized(<options>)]` on line 3.
    pub fn attributed(name: &str, options: &str, manifest_tail: &str) -> Scratch {
        let dep = repo_root().join("size-profile-macros");
        let tail = format!(
            "[dependencies]\nsize-profile-macros = {{ path = {:?} }}\n\n{manifest_tail}",
            dep.display().to_string()
        );
        let s = Scratch::new(name, &tail);
        let attribute = match options {
            "" => "#[size_optimized]".to_owned(),
            _ => format!("#[size_optimized({options})]"),
        };
        s.write(
            "src/main.rs",
            &format!("use size_profile_macros::size_optimized;\n\n{attribute}\nfn main() {{\n    println!(\"hello\");\n}}\n"),
        );
        s
    }

    /// Writes a file of the project, creating directories.
    pub fn write(&self, rel: &str, text: &str) -> &Scratch {
        let path = self.dir.join(rel);
        std::fs::create_dir_all(path.parent().expect("a file has a parent")).expect("mkdir");
        std::fs::write(&path, text).expect("write scratch file");
        self
    }

    /// Replaces `from` with `to` in a file (which must contain it).
    pub fn edit(&self, rel: &str, from: &str, to: &str) -> &Scratch {
        let text = std::fs::read_to_string(self.dir.join(rel)).expect("read scratch file");
        assert!(text.contains(from), "{rel} does not contain {from:?}");
        self.write(rel, &text.replacen(from, to, 1))
    }

    /// Sets an environment variable for every later cargo run.
    pub fn env(mut self, key: &str, value: &str) -> Scratch {
        self.env.push((key.into(), value.into()));
        self
    }

    /// Runs cargo with `args` in the project directory.
    pub fn cargo(&self, args: &[&str]) -> Run {
        self.cargo_with(args, &[])
    }

    /// Runs cargo with `args` and extra environment variables for this run only.
    pub fn cargo_with(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.cargo_in(".", args, env)
    }

    /// Runs cargo in the subdirectory `rel` of the project (where cargo starts its search
    /// for config files), with extra environment variables for this run only.
    pub fn cargo_in(&self, rel: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut cmd = hermetic::cargo();
        cmd.args(args).current_dir(self.dir.join(rel));
        cmd.env("CARGO_TARGET_DIR", &self.target)
            .env("CARGO_TERM_COLOR", "never");
        for (k, v) in self
            .env
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .chain(env.iter().copied())
        {
            cmd.env(k, v);
        }
        let out = cmd.output().expect("cargo runs");
        Run {
            success: out.status.success(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        }
    }

    /// The bytes of the built binary `name` in `profile_dir` (`debug`, `release`, …).
    pub fn binary(&self, name: &str, profile_dir: &str) -> Vec<u8> {
        let exe = self.target.join(profile_dir).join(name);
        std::fs::read(&exe).unwrap_or_else(|e| panic!("{}: {e}", exe.display()))
    }

    /// Runs the built binary of `profile_dir` (`debug`, `release`, `dist`) and returns stdout.
    pub fn run_binary(&self, name: &str, profile_dir: &str) -> String {
        let exe = self.target.join(profile_dir).join(name);
        let out = Command::new(&exe)
            .output()
            .unwrap_or_else(|e| panic!("{}: {e}", exe.display()));
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

/// The README's Rust examples, compiled (and run where not `no_run`) as doctests.
#[doc = include_str!("../../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

/// The files of this checkout whose names end with `suffix` (`.md`, `.rs`), outside build
/// output (`target`) and hidden folders, sorted.
pub fn checkout_files(suffix: &str) -> Vec<PathBuf> {
    fn walk(dir: &Path, suffix: &str, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).expect("read a folder of the checkout") {
            let path = entry.expect("dir entry").path();
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') {
                    walk(&path, suffix, out);
                }
            } else if name.ends_with(suffix) {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(&repo_root(), suffix, &mut out);
    out.sort();
    out
}

/// The text of a file of this checkout.
pub fn read_repo_file(rel: &str) -> String {
    std::fs::read_to_string(repo_root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The fenced block that follows the line containing `marker` in `text`.
pub fn block_after(text: &str, marker: &str) -> String {
    let start = text.find(marker).unwrap_or_else(|| panic!("no {marker:?}"));
    let rest = &text[start..];
    let open = rest.find("```").expect("a fenced block follows");
    let body = &rest[open..];
    let body = &body[body.find('\n').expect("fence line") + 1..];
    body[..body.find("```").expect("closing fence")].to_owned()
}

impl Scratch {
    /// A project in an existing directory, built in the shared target dir; the directory
    /// is not removed by this value.
    pub fn existing_dir(dir: PathBuf) -> Scratch {
        Scratch {
            dir,
            env: Vec::new(),
            owned: false,
            target: shared_target(),
            _slot: None,
        }
    }

    /// An existing project of this checkout (an example), built in the shared target dir.
    pub fn existing(rel: &str) -> Scratch {
        Scratch {
            dir: repo_root().join(rel),
            env: Vec::new(),
            owned: false,
            target: shared_target(),
            _slot: None,
        }
    }
}

/// The host target as cargo sees it: its triple (`rustc -vV`) and `cfg` values
/// (`rustc --print cfg`).
pub fn host_target() -> size_profile::__private::Target {
    let rustc = |args: &[&str]| {
        let out = Command::new("rustc")
            .args(args)
            .output()
            .expect("rustc runs");
        String::from_utf8(out.stdout).expect("rustc prints UTF-8")
    };
    let version = rustc(&["-vV"]);
    let triple = version
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .expect("rustc -vV names the host");
    size_profile::__private::Target::from_print_cfg(triple, &rustc(&["--print", "cfg"]))
}

#[cfg(all(test, unix))]
mod tests {
    use super::hermetic;

    /// What a command sees is exactly what is passed on, and our cargo home has no config.
    #[test]
    fn a_hermetic_command_sees_only_what_is_passed_on() {
        let out = hermetic::command("env").output().expect("env runs");
        let mut seen: Vec<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| Some(l.split_once('=')?.0.to_owned()))
            .collect();
        seen.sort();
        let mut allowed: Vec<String> = hermetic::PASSED_ON.iter().map(|k| k.to_string()).collect();
        allowed.push("CARGO_HOME".into());
        assert!(seen.iter().all(|k| allowed.contains(k)), "{seen:?}");
        assert!(seen.contains(&"CARGO_HOME".to_owned()) && seen.contains(&"PATH".to_owned()));
        let home = hermetic::cargo_home();
        assert!(!home.join("config.toml").exists() && !home.join("config").exists());
    }
}
