//! The ladder's measurements, kept for the next run: each under a key of everything that
//! decides the binary besides its source files (the toolchain, `Cargo.lock`, the manifests and
//! config files, the cargo and rustc variables, the build options, the step's settings), with
//! a fingerprint of each source file the build read (from the binary's dep-info; sources from
//! the registry are fixed by `Cargo.lock`). A step whose key and sources are unchanged is not
//! built again.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;
use serde::{Deserialize, Serialize};
use size_profile::__private::fingerprint;

use crate::io;

/// The version of the results file; a file of another version is ignored.
const VERSION: u64 = 1;

/// One kept measurement, as the file has it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub(crate) struct Entry {
    /// What the step built, for a reader of the file.
    pub(crate) step: String,
    pub(crate) binary: String,
    pub(crate) bytes: u64,
    #[serde(rename = "build_seconds", with = "seconds")]
    pub(crate) time: Duration,
    /// The day it was measured, `YYYY-MM-DD`.
    pub(crate) date: String,
    /// Each source file the build read, with its fingerprint (16 hex digits in the file).
    #[serde(with = "hex_fingerprints")]
    pub(crate) sources: BTreeMap<PathBuf, u64>,
}

/// The results file: its version, a line for a reader, and the entries by key.
#[derive(Serialize, Deserialize)]
struct ResultsFile<Entries> {
    version: u64,
    #[serde(default)]
    written_by: String,
    entries: Entries,
}

/// The results file of one target directory.
pub(crate) struct Results {
    path: PathBuf,
    entries: BTreeMap<String, Entry>,
}

impl Results {
    /// The file at `path`; a missing, unreadable or older file is an empty one.
    pub(crate) fn open(path: PathBuf) -> Results {
        let entries = io::read_bytes(&path).map(|b| parse(&b)).unwrap_or_default();
        Results { path, entries }
    }

    /// Where the file is.
    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The entry under `key` whose sources are all as they were.
    pub(crate) fn find(&self, key: &str) -> Option<&Entry> {
        let entry = self.entries.get(key)?;
        let same = entry
            .sources
            .iter()
            .all(|(path, hash)| fingerprint_of(path) == Some(*hash));
        same.then_some(entry)
    }

    /// Keeps `entry` under `key` and writes the file (so an interrupted ladder keeps what it
    /// measured).
    pub(crate) fn insert(&mut self, key: String, entry: Entry) -> Result<()> {
        self.entries.insert(key, entry);
        let file = ResultsFile {
            version: VERSION,
            written_by: "cargo size-profile ladder; remove this directory to measure afresh".into(),
            entries: &self.entries,
        };
        let text = serde_json::to_string_pretty(&file)?;
        io::write_ours(&self.path, &format!("{text}\n"))
    }
}

/// The entries of a results file's bytes: none when it is not one of this version, and an
/// entry left out when it does not read (the file is ours, but may have been edited or cut).
fn parse(bytes: &[u8]) -> BTreeMap<String, Entry> {
    let Ok(file) =
        serde_json::from_slice::<ResultsFile<BTreeMap<String, serde_json::Value>>>(bytes)
    else {
        return BTreeMap::new();
    };
    if file.version != VERSION {
        return BTreeMap::new();
    }
    let entries = file.entries.into_iter();
    entries
        .filter_map(|(k, v)| Some((k, serde_json::from_value::<Entry>(v).ok()?)))
        .collect()
}

/// The longest build time an entry may say: a longer one is not a measurement.
const LONGEST_BUILD: Duration = Duration::from_secs(7 * 24 * 3600);

/// A build time as seconds (`1.5`); one below zero, not finite, or longer than
/// [`LONGEST_BUILD`] does not read.
mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(time: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(time.as_secs_f64())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs)
            .ok()
            .filter(|t| *t <= super::LONGEST_BUILD)
            .ok_or_else(|| D::Error::custom(format!("{secs} is not a build time")))
    }
}

/// Fingerprints by path, each as 16 hex digits.
mod hex_fingerprints {
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    use serde::{Deserialize, Deserializer, Serializer, de::Error};

    pub(super) fn serialize<S: Serializer>(
        map: &BTreeMap<PathBuf, u64>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(p, h)| (p, format!("{h:016x}"))))
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<PathBuf, u64>, D::Error> {
        let hex = BTreeMap::<PathBuf, String>::deserialize(d)?;
        hex.into_iter()
            .map(|(p, h)| match u64::from_str_radix(&h, 16) {
                Ok(hash) => Ok((p, hash)),
                Err(_) => Err(D::Error::custom(format!("{h} is not a fingerprint"))),
            })
            .collect()
    }
}

/// The source files a binary was built from, as its dep-info file (`<binary>.d`, beside it)
/// lists them, with their fingerprints; files under cargo's registry and git checkouts are
/// left out (`Cargo.lock` fixes them). A directory there is one a build script watches (our
/// own build script watches the one of the ladder's savings): it stands for every file under
/// it. `None` when there is no dep-info to read, or a source cannot be read.
pub(crate) fn sources(binary: &Path) -> Option<BTreeMap<PathBuf, u64>> {
    let dep_info = binary.with_extension("d");
    let text = String::from_utf8(io::read_bytes(&dep_info)?).ok()?;
    let mut out = BTreeMap::new();
    for path in dep_info_paths(&text) {
        let shown = path.to_string_lossy();
        if shown.contains("/registry/src/") || shown.contains("/git/checkouts/") {
            continue;
        }
        out.insert(path.clone(), fingerprint_of(&path)?);
    }
    Some(out)
}

/// The fingerprint of a file's bytes, or of a directory's files and their names, everything
/// under it (cargo reruns a build script whose watched directory has any file changed). A
/// directory met twice through symlinks is walked once.
fn fingerprint_of(path: &Path) -> Option<u64> {
    if !io::is_dir(path) {
        return Some(fingerprint(&io::read_bytes(path)?));
    }
    let files = io::files_under(path)?;
    let mut all = Vec::new();
    for file in files {
        let name = file.strip_prefix(path).unwrap_or(&file);
        all.extend(name.to_string_lossy().as_bytes());
        all.push(0);
        all.extend(fingerprint(&io::read_bytes(&file)?).to_le_bytes());
    }
    Some(fingerprint(&all))
}

/// The prerequisites of a Makefile-style dep-info file's rules: paths separated by spaces, a
/// space inside a path escaped with a backslash.
fn dep_info_paths(text: &str) -> Vec<PathBuf> {
    let mut paths = Vec::new();
    for line in text.lines() {
        let Some((_, deps)) = line.split_once(": ") else {
            continue;
        };
        let mut current = String::new();
        let mut chars = deps.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&' ') => {
                    current.push(' ');
                    chars.next();
                }
                ' ' => {
                    if !current.is_empty() {
                        paths.push(PathBuf::from(std::mem::take(&mut current)));
                    }
                }
                c => current.push(c),
            }
        }
        if !current.is_empty() {
            paths.push(PathBuf::from(current));
        }
    }
    paths.sort();
    paths.dedup();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_results_file_reads_as_fewer_entries_never_a_panic() {
        let text = r#"{
  "version": 1,
  "written_by": "cargo size-profile ladder",
  "entries": {
    "k": {
      "step": "lto = true",
      "binary": "app",
      "bytes": 1000,
      "build_seconds": 1.5,
      "date": "2026-11-25",
      "sources": {"/p/src/main.rs": "00000000000000ff"}
    }
  }
}"#;
        assert_eq!(parse(text.as_bytes()).len(), 1);
        let variants = crate::corrupt::variants(text);
        assert!(variants.len() > 100);
        for damaged in variants {
            for entry in parse(damaged.as_bytes()).values() {
                // what the ladder does with an entry: its time shown and added up
                assert!(entry.time <= LONGEST_BUILD, "{damaged}");
                let _ = entry.time + entry.time;
            }
        }
    }

    #[test]
    fn a_measurement_is_found_while_its_sources_are_as_they_were() {
        #![allow(clippy::disallowed_methods)] // the test writes its files
        let dir = std::env::temp_dir().join(format!("size-profile-results-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let main = dir.join("main.rs");
        std::fs::write(&main, "fn main() {}\n").unwrap();
        let path = dir.join("results.json");
        let mut results = Results::open(path.clone());
        let entry = Entry {
            step: "dev".into(),
            binary: "app".into(),
            bytes: 4_000,
            time: Duration::from_millis(1500),
            date: "2026-11-27".into(),
            sources: [(main.clone(), fingerprint(b"fn main() {}\n"))].into(),
        };
        results.insert("k1".into(), entry.clone()).unwrap();
        // the file as earlier versions wrote it: its keys in this order, fingerprints in hex
        let written = std::fs::read_to_string(&path).unwrap();
        let expected = format!(
            r#"{{
  "version": 1,
  "written_by": "cargo size-profile ladder; remove this directory to measure afresh",
  "entries": {{
    "k1": {{
      "step": "dev",
      "binary": "app",
      "bytes": 4000,
      "build_seconds": 1.5,
      "date": "2026-11-27",
      "sources": {{
        {}: "{:016x}"
      }}
    }}
  }}
}}
"#,
            serde_json::to_string(&main).unwrap(),
            fingerprint(b"fn main() {}\n")
        );
        assert_eq!(written, expected);
        // kept on disk: a later run reads it back whole
        let reopened = Results::open(path.clone());
        assert_eq!(reopened.find("k1"), Some(&entry));
        assert_eq!(reopened.find("k2"), None, "another key");
        // a source file changed or gone: not reused
        std::fs::write(&main, "fn main() { println!(); }\n").unwrap();
        assert_eq!(reopened.find("k1"), None);
        std::fs::remove_file(&main).unwrap();
        assert_eq!(reopened.find("k1"), None);
        // a file of another version is an empty one
        let text = std::fs::read_to_string(&path).unwrap();
        std::fs::write(&path, text.replace("\"version\": 1", "\"version\": 0")).unwrap();
        std::fs::write(&main, "fn main() {}\n").unwrap();
        assert_eq!(Results::open(path).find("k1"), None);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_watched_directory_among_the_sources_is_every_file_under_it() {
        let dir = std::env::temp_dir().join(format!("size-profile-dirsrc-{}", std::process::id()));
        let watched = dir.join("measured");
        std::fs::create_dir_all(watched.join("deeper")).unwrap();
        let main = dir.join("main.rs");
        std::fs::write(&main, "fn main() {}\n").unwrap();
        let binary = dir.join("app");
        std::fs::write(
            binary.with_extension("d"),
            format!(
                "{}: {} {}\n",
                binary.display(),
                main.display(),
                watched.display()
            ),
        )
        .unwrap();
        let mut results = Results::open(dir.join("results.json"));
        let entry = |sources| Entry {
            step: "release".into(),
            binary: "app".into(),
            bytes: 4_000,
            time: Duration::from_millis(1500),
            date: "2026-11-27".into(),
            sources,
        };
        // an empty directory is a source like a file: the measurement is kept and reused
        let sources = sources(&binary).expect("the directory is fingerprinted");
        assert!(sources.contains_key(&watched));
        results.insert("k".into(), entry(sources)).unwrap();
        assert!(results.find("k").is_some());
        // a file added, even deeper down, or changed: not reused
        std::fs::write(watched.join("deeper/savings.toml"), "a").unwrap();
        assert!(results.find("k").is_none());
        results
            .insert("k".into(), entry(super::sources(&binary).unwrap()))
            .unwrap();
        assert!(results.find("k").is_some());
        std::fs::write(watched.join("deeper/savings.toml"), "b").unwrap();
        assert!(results.find("k").is_none());
        // a symlink back up the tree is walked once, not forever
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&watched, watched.join("deeper/up")).unwrap();
            assert!(fingerprint_of(&watched).is_some());
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn dep_info_lists_each_prerequisite_once_with_escaped_spaces() {
        let text = "/t/release/app: /p/src/main.rs /p/src/my\\ mod.rs /p/build.rs\n\n\
                    /p/src/main.rs:\n/p/src/my\\ mod.rs:\n";
        assert_eq!(
            dep_info_paths(text),
            [
                PathBuf::from("/p/build.rs"),
                PathBuf::from("/p/src/main.rs"),
                PathBuf::from("/p/src/my mod.rs"),
            ]
        );
    }
}
