//! What `cargo size-profile ladder` measured on this project: for each size setting it kept,
//! the bytes it saved against the step before, written to
//! `<target-dir>/size-profile/measured/savings.toml` (TOML, so this reader reads it). The
//! findings quote those numbers; a file written before `Cargo.lock` or the toolchain changed is
//! marked as from an older build. A build script watches the file's directory, which it makes
//! when it is missing, so the first ladder run is seen by the next build too.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::host::{Env, Files};
use crate::profile::ConfigArg;
use crate::profile::setting::{Raw, Setting, Value};
use crate::source::SourceFile;
use crate::toml_tree::{Document, Item, Problem};

/// The file's place under a target directory.
pub const SAVINGS_FILE: &str = "size-profile/measured/savings.toml";

/// The file cargo writes at the top of every target directory it makes.
const CARGO_MADE: &str = "CACHEDIR.TAG";

/// One setting's measured saving.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saving {
    /// The value the ladder kept.
    pub value: Value,
    /// Bytes saved against the step before.
    pub bytes: u64,
    /// The size of the step before.
    pub before: u64,
}

/// What one ladder run measured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Savings {
    /// The package measured.
    pub package: String,
    /// The binary measured.
    pub binary: String,
    /// The day of the run, `YYYY-MM-DD`.
    pub date: String,
    /// `rustc -V` of the toolchain that built it.
    pub rustc: String,
    /// The fingerprint of `Cargo.lock` then (`None`: there was none).
    pub cargo_lock: Option<u64>,
    /// The settings that saved bytes (read back in the order of their keys).
    pub saves: Vec<Saving>,
}

/// A measured saving as a finding quotes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quoted {
    /// The saving.
    pub saving: Saving,
    /// The binary measured.
    pub binary: String,
    /// The day of the ladder run.
    pub date: String,
    /// Why the number is from an older build, if it is: `Cargo.lock` or the toolchain changed.
    pub older: Option<&'static str>,
}

impl Savings {
    /// The saving measured for `setting`, if the ladder kept it.
    pub fn of(&self, setting: Setting) -> Option<&Saving> {
        self.saves.iter().find(|s| s.value.setting() == setting)
    }

    /// The file's text.
    pub fn to_toml(&self) -> String {
        let mut out = format!(
            "# Written by `cargo size-profile ladder`: what each size setting it kept saved on the\n\
             # binary `{}`, against the step before. The build script, #[size_optimized] and\n\
             # `cargo size-profile check` quote these numbers; remove the file to leave them out.\n",
            self.binary
        );
        let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
        out.push_str(&format!("package = {}\n", quote(&self.package)));
        out.push_str(&format!("binary = {}\n", quote(&self.binary)));
        out.push_str(&format!("date = {}\n", quote(&self.date)));
        out.push_str(&format!("rustc = {}\n", quote(&self.rustc)));
        if let Some(lock) = self.cargo_lock {
            out.push_str(&format!("cargo-lock = \"{lock:016x}\"\n"));
        }
        for s in &self.saves {
            out.push_str(&format!(
                "\n[saves.{}]\nvalue = {}\nbytes = {}\nbefore = {}\n",
                s.value.setting().key(),
                s.value,
                s.bytes,
                s.before
            ));
        }
        out
    }

    /// Reads the file; a problem names the key that is wrong.
    pub fn from_document(doc: &Document) -> Result<Savings, Problem> {
        let root = &doc.root;
        let text = |key: &str| -> Result<String, Problem> {
            match root.get(key).map(|n| (&n.item, n)) {
                Some((Item::Str(s), _)) => Ok(s.clone()),
                Some((_, n)) => Err(Problem::key(&n.at, key, "must be a string")),
                None => Err(Problem {
                    file: doc.path().to_path_buf(),
                    line: None,
                    key: Some(key.into()),
                    message: "is missing".into(),
                }),
            }
        };
        let cargo_lock = match root.get("cargo-lock") {
            None => None,
            Some(n) => Some(
                n.str()
                    .and_then(|s| u64::from_str_radix(s, 16).ok())
                    .ok_or_else(|| Problem::key(&n.at, "cargo-lock", "must be 16 hex digits"))?,
            ),
        };
        let mut saves = Vec::new();
        for (key, node) in root
            .get("saves")
            .and_then(|n| n.table())
            .into_iter()
            .flatten()
        {
            let at = |field: &str| format!("saves.{key}.{field}");
            let setting = Setting::from_key(key).ok_or_else(|| {
                Problem::key(&node.at, format!("saves.{key}"), "is not a setting")
            })?;
            let value = node
                .get("value")
                .ok_or_else(|| Problem::key(&node.at, at("value"), "is missing"))?;
            let value = setting
                .parse(&Raw::of(value))
                .map_err(|e| Problem::key(&value.at, at("value"), e.to_string()))?;
            let number = |field: &str| match node.get(field).map(|n| (&n.item, n)) {
                Some((Item::Int(i), _)) if *i >= 0 => Ok(*i as u64),
                Some((_, n)) => Err(Problem::key(&n.at, at(field), "must be a number of bytes")),
                None => Err(Problem::key(&node.at, at(field), "is missing")),
            };
            saves.push(Saving {
                value,
                bytes: number("bytes")?,
                before: number("before")?,
            });
        }
        Ok(Savings {
            package: text("package")?,
            binary: text("binary")?,
            date: text("date")?,
            rustc: text("rustc")?,
            cargo_lock,
            saves,
        })
    }
}

impl fmt::Display for Quoted {
    /// `saves 1,116,000 bytes, 34 %, on foldersync: ladder of 2026-11-25`, or with the value
    /// and "saved …, an older build" as the case may be.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.saving;
        let verb = if self.older.is_some() {
            "saved"
        } else {
            "saves"
        };
        let share = s.bytes as f64 * 100.0 / s.before.max(1) as f64;
        let share = if share >= 9.95 {
            format!("{share:.0}")
        } else {
            format!("{share:.1}")
        };
        write!(
            f,
            "{verb} {} bytes, {share} %, on {}: ladder of {}",
            thousands(s.bytes),
            self.binary,
            self.date
        )?;
        if let Some(why) = self.older {
            write!(f, ", an older build: {why} changed since")?;
        }
        Ok(())
    }
}

/// `1116000` as `1,116,000`: how the findings and the CLI write a number of bytes.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The target directories a savings file may be under: the one of the build in progress, as
/// `OUT_DIR` tells it (a build script, and the crate it builds, has one:
/// `<target>/[<triple>/]<profile>/build/<package>-<hash>/out`), then the one cargo uses
/// (`CARGO_TARGET_DIR`, `build.target-dir` in a `--config`, `CARGO_BUILD_TARGET_DIR`,
/// `build.target-dir` in a config file, else `<root>/target`).
pub(crate) fn target_dirs(
    env: &dyn Env,
    configs: &[Document],
    command_line: &[ConfigArg],
    root_dir: &Path,
    cwd: &Path,
) -> Vec<PathBuf> {
    let mut out: Vec<PathBuf> = Vec::new();
    if let Some(out_dir) = env.var("OUT_DIR") {
        let up = Path::new(&out_dir).ancestors();
        out.extend(up.skip(4).take(2).map(Path::to_path_buf));
    }
    // a config file's is relative to the directory holding its `.cargo`, a `--config`
    // value's to where cargo runs
    let in_file = |doc: &Document| {
        let dir = doc.root.at_path(&["build", "target-dir"])?.str()?;
        let base = doc.path().parent()?.parent()?;
        Some(root_dir.join(base).join(dir))
    };
    let in_argument = |arg: &ConfigArg| match arg {
        ConfigArg::Value(doc) => Some(cwd.join(doc.root.at_path(&["build", "target-dir"])?.str()?)),
        ConfigArg::File(doc) => in_file(doc),
    };
    let target_dir = env
        .var("CARGO_TARGET_DIR")
        .map(|d| cwd.join(d))
        .or_else(|| command_line.iter().rev().find_map(in_argument))
        .or_else(|| env.var("CARGO_BUILD_TARGET_DIR").map(|d| cwd.join(d)))
        .or_else(|| configs.iter().rev().find_map(in_file))
        .unwrap_or_else(|| root_dir.join("target"));
    out.push(target_dir);
    out
}

/// Where a savings file may be: [`SAVINGS_FILE`] under each of the [`target_dirs`].
/// Nothing above a target directory is looked at.
pub(crate) fn candidates(dirs: &[PathBuf]) -> Vec<PathBuf> {
    dirs.iter().map(|d| d.join(SAVINGS_FILE)).collect()
}

/// The directory of the savings file a build script watches: under the target directory
/// cargo uses, the last of `dirs` (where the ladder writes: `OUT_DIR`'s ancestors are another
/// directory when `build.build-dir` is set), made when it is missing, if cargo made that target
/// directory (it holds cargo's `CACHEDIR.TAG`). `None` when cargo did not make it or the
/// directory cannot be made: then a file is watched only once read.
pub(crate) fn dir_to_watch(dirs: &[PathBuf], files: &dyn Files) -> Option<PathBuf> {
    let target = dirs.last()?;
    files.read(&target.join(CARGO_MADE)).ok()?;
    let dir = target.join(SAVINGS_FILE).parent()?.to_path_buf();
    files.make_dir(&dir).then_some(dir)
}

/// The savings measured on `package`, from the first candidate file there is; a file of
/// another package is not this one's. `Err` names a file that is there but wrong.
pub(crate) fn read(
    candidates: &[PathBuf],
    package: Option<&str>,
    files: &dyn Files,
) -> Result<Option<Savings>, Problem> {
    for path in candidates {
        let Ok(text) = files.read(path) else {
            continue;
        };
        let doc = Document::parse(SourceFile::new(path, text))?;
        let savings = Savings::from_document(&doc)?;
        if package.is_none_or(|p| p == savings.package) {
            return Ok(Some(savings));
        }
    }
    Ok(None)
}

/// Why savings are from an older build: what `Cargo.lock` locks for `package`'s binary
/// (`lock` is its text now; see [`linked_lock`](crate::inputs::lock::linked_lock)) or the
/// toolchain (`rustc -V` now, when known) changed since.
/// The toolchain is asked for only when the lock is unchanged.
pub(crate) fn older(
    savings: &Savings,
    lock: Option<&str>,
    package: &Document,
    rustc: impl FnOnce() -> Option<String>,
) -> Option<&'static str> {
    if savings.cargo_lock != lock.map(|t| crate::inputs::lock::linked_lock(t, package)) {
        return Some("Cargo.lock");
    }
    if rustc().is_some_and(|r| r.trim() != savings.rustc.trim()) {
        return Some("the toolchain");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::profile::setting::{Lto, OptLevel, Strip};
    use crate::source::fingerprint;

    fn sample() -> Savings {
        Savings {
            package: "foldersync".into(),
            binary: "foldersync".into(),
            date: "2026-11-25".into(),
            rustc: "rustc 1.95.0 (abc 2026-04-14)".into(),
            cargo_lock: Some(fingerprint(b"lock v1")),
            saves: vec![
                Saving {
                    value: Value::OptLevel(OptLevel::S),
                    bytes: 3_000,
                    before: 4_441_704,
                },
                Saving {
                    value: Value::Lto(Lto::Fat),
                    bytes: 1_116_000,
                    before: 3_282_352,
                },
                Saving {
                    value: Value::Strip(Strip::Symbols),
                    bytes: 400_000,
                    before: 2_400_000,
                },
            ],
        }
    }

    #[test]
    fn the_file_reads_back_what_was_written() {
        let mut s = sample();
        let doc =
            Document::parse(SourceFile::new("t/size-profile/savings.toml", s.to_toml())).unwrap();
        s.saves.sort_by_key(|x| x.value.setting().key());
        assert_eq!(Savings::from_document(&doc).unwrap(), s);
        // a wrong value is named by its key and line
        let text = s.to_toml().replace("bytes = 1116000", "bytes = \"many\"");
        let doc = Document::parse(SourceFile::new("t/s.toml", text)).unwrap();
        let problem = Savings::from_document(&doc).unwrap_err().to_string();
        assert!(problem.starts_with("t/s.toml:"), "{problem}");
        assert!(problem.contains("saves.lto.bytes"), "{problem}");
    }

    #[test]
    fn a_saving_is_quoted_with_its_share_and_marked_when_older() {
        let s = sample();
        let quoted = |older| Quoted {
            saving: s.of(Setting::Lto).unwrap().clone(),
            binary: s.binary.clone(),
            date: s.date.clone(),
            older,
        };
        assert_eq!(
            quoted(None).to_string(),
            "saves 1,116,000 bytes, 34 %, on foldersync: ladder of 2026-11-25"
        );
        assert_eq!(
            quoted(Some("Cargo.lock")).to_string(),
            "saved 1,116,000 bytes, 34 %, on foldersync: ladder of 2026-11-25, an older build: Cargo.lock changed since"
        );
        let small = Quoted {
            saving: s.of(Setting::OptLevel).unwrap().clone(),
            ..quoted(None)
        };
        assert!(small.to_string().starts_with("saves 3,000 bytes, 0.1 %"));
        assert_eq!(s.of(Setting::Panic), None);
    }

    #[test]
    fn older_when_the_lock_or_the_toolchain_changed() {
        let s = sample();
        let package = crate::toml_tree::doc("Cargo.toml", "[package]\nname = \"foldersync\"\n");
        let older = |s: &Savings, lock: Option<&str>, rustc: &dyn Fn() -> Option<String>| {
            older(s, lock, &package, rustc)
        };
        let now = || Some("rustc 1.95.0 (abc 2026-04-14)\n".to_owned());
        assert_eq!(older(&s, Some("lock v1"), &now), None);
        assert_eq!(
            older(&s, Some("lock v1"), &|| None),
            None,
            "toolchain unknown"
        );
        assert_eq!(older(&s, Some("lock v2"), &now), Some("Cargo.lock"));
        assert_eq!(older(&s, None, &now), Some("Cargo.lock"));
        let next = || Some("rustc 1.96.0 (def 2026-05-28)".to_owned());
        assert_eq!(older(&s, Some("lock v1"), &next), Some("the toolchain"));
    }

    #[test]
    fn the_file_is_looked_for_above_out_dir_then_in_the_target_directory() {
        let env: std::collections::BTreeMap<String, String> = [(
            "OUT_DIR".to_owned(),
            "/w/target/release/build/app-0123456789abcdef/out".to_owned(),
        )]
        .into();
        let found = candidates(&target_dirs(
            &env,
            &[],
            &[],
            Path::new("/w"),
            Path::new("/w"),
        ));
        assert!(found.contains(&PathBuf::from(
            "/w/target/size-profile/measured/savings.toml"
        )));
        assert_eq!(
            found.last().unwrap(),
            Path::new("/w/target/size-profile/measured/savings.toml")
        );
        let env: std::collections::BTreeMap<String, String> =
            [("CARGO_TARGET_DIR".to_owned(), "out".to_owned())].into();
        let config = Document::parse(SourceFile::new(
            ".cargo/config.toml",
            "[build]\ntarget-dir = \"elsewhere\"\n",
        ))
        .unwrap();
        assert_eq!(
            target_dirs(
                &env,
                std::slice::from_ref(&config),
                &[],
                Path::new("/w"),
                Path::new("/w/sub")
            ),
            [PathBuf::from("/w/sub/out")]
        );
        let none = std::collections::BTreeMap::new();
        let (root, cwd) = (Path::new("/w"), Path::new("/w/sub"));
        let files = std::slice::from_ref(&config);
        assert_eq!(
            target_dirs(&none, files, &[], root, cwd),
            [PathBuf::from("/w/elsewhere")]
        );
        // a `--config` value beats CARGO_BUILD_TARGET_DIR and the files, relative to where
        // cargo runs; CARGO_TARGET_DIR beats it (cargo 1.95)
        let arg = "build.target-dir=\"given\"";
        let given = [ConfigArg::Value(
            Document::parse(SourceFile::new(arg, arg)).unwrap(),
        )];
        let build_var: std::collections::BTreeMap<String, String> =
            [("CARGO_BUILD_TARGET_DIR".to_owned(), "var".to_owned())].into();
        assert_eq!(
            target_dirs(&build_var, files, &given, root, cwd),
            [PathBuf::from("/w/sub/given")]
        );
        assert_eq!(
            target_dirs(&env, files, &given, root, cwd),
            [PathBuf::from("/w/sub/out")]
        );
        assert_eq!(
            target_dirs(&build_var, files, &[], root, cwd),
            [PathBuf::from("/w/sub/var")]
        );
    }

    #[test]
    fn the_watched_directory_is_under_the_target_directory_cargo_uses_when_cargo_made_it() {
        let tag = "Signature: 8a477f597d28d172789f06886806bc55";
        // OUT_DIR's ancestor is the build directory (build.build-dir), cargo made both
        let dirs = [PathBuf::from("/w/build"), PathBuf::from("/w/target")];
        let files = crate::host::file_map(&[
            ("/w/build/CACHEDIR.TAG", tag),
            ("/w/target/CACHEDIR.TAG", tag),
        ]);
        assert_eq!(
            dir_to_watch(&dirs, &files),
            Some(PathBuf::from("/w/target/size-profile/measured"))
        );
        // a target directory cargo did not make: nothing is made or watched
        let made_elsewhere = crate::host::file_map(&[("/w/build/CACHEDIR.TAG", tag)]);
        assert_eq!(dir_to_watch(&dirs, &made_elsewhere), None);
        assert_eq!(dir_to_watch(&[], &files), None);
        // a directory that cannot be made is not watched
        struct Unmakeable(std::collections::BTreeMap<PathBuf, String>);
        impl Files for Unmakeable {
            fn read(&self, path: &Path) -> std::io::Result<String> {
                self.0.read(path)
            }
        }
        assert_eq!(dir_to_watch(&dirs, &Unmakeable(files)), None);
    }
}
