//! Everything the ladder assumes of how cargo lays out a build directory. Cargo calls the
//! layout an internal detail, so each build is checked against it ([`unknown`]), and the
//! ladder falls back to plain builds when a build does not match.
//!
//! The assumed layout: a profile's units live in `<build-dir>[/<triple>]/<profile>/`, each
//! unit's files and directories under `deps/` and `build/` named `<name>-<hash>…`, and
//! cargo's fingerprint of the unit in `.fingerprint/<name>-<hash>`, where the hash is sixteen
//! hex digits. Only the uplifted binaries sit directly in a profile's directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::Result;

use crate::cargo::UnitKind;
use crate::io;

/// Where a unit's files are, under a profile's directory.
const UNIT_PARTS: [&str; 2] = ["deps", "build"];
/// Where cargo keeps its fingerprints of the units, under a profile's directory.
const FINGERPRINTS: &str = ".fingerprint";

/// The hash cargo puts in the name of a unit's files and directories (`libfoo-<16 hex>.rlib`,
/// `foo-<16 hex>`), if the name has one.
pub(crate) fn unit_hash(name: &str) -> Option<String> {
    let stem = name.split('.').next()?;
    let (_, hash) = stem.rsplit_once('-')?;
    (hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit())).then(|| hash.to_owned())
}

/// Why a build's files are not laid out as this module assumes, or `None` when they are:
/// every file of a unit is under `build_dir` in a `deps/` or `build/` entry with a hash, and
/// only a binary is elsewhere, directly in a profile's directory of `target_dir` (uplifted).
pub(crate) fn unknown(
    target_dir: &Path,
    build_dir: &Path,
    artifacts: &[(PathBuf, UnitKind)],
) -> Option<String> {
    artifacts.iter().find_map(|(path, kind)| {
        let shown = path.display();
        let Ok(relative) = path.strip_prefix(build_dir) else {
            let uplifted = *kind == UnitKind::Target
                && path
                    .strip_prefix(target_dir)
                    .is_ok_and(|r| matches!(r.components().count(), 2 | 3));
            return (!uplifted).then(|| format!("{shown} is outside the build directory"));
        };
        let names: Vec<String> = relative
            .iter()
            .map(|c| c.to_string_lossy().into_owned())
            .collect();
        let part = names.iter().position(|n| UNIT_PARTS.contains(&n.as_str()));
        match part {
            // an uplifted binary, when the build directory is the target directory
            None if *kind == UnitKind::Target && matches!(names.len(), 2 | 3) => None,
            Some(at @ (1 | 2)) if names.get(at + 1).and_then(|n| unit_hash(n)).is_some() => None,
            Some(at @ (1 | 2)) => Some(format!(
                "{shown}: `{}/` holds `{}`, with no unit hash in its name",
                names[at],
                names.get(at + 1).map_or("", |n| n.as_str())
            )),
            _ => Some(format!(
                "{shown} is in no `deps/` or `build/` directory of a profile"
            )),
        }
    })
}

/// The hashes of the units of `kinds` among a build's files.
pub(crate) fn hashes(artifacts: &[(PathBuf, UnitKind)], kinds: [UnitKind; 2]) -> BTreeSet<String> {
    artifacts
        .iter()
        .filter(|(_, k)| kinds.contains(k))
        .flat_map(|(p, _)| p.iter().filter_map(|c| unit_hash(&c.to_string_lossy())))
        .collect()
}

/// The directories of a build directory that hold a profile's units: `<dir>/<profile>` and,
/// with `--target`, `<dir>/<triple>/<profile>`.
fn profile_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for first in io::entries(dir) {
        if io::is_dir(&first.join("deps")) {
            out.push(first.clone());
        }
        for second in io::entries(&first) {
            if io::is_dir(&second.join("deps")) {
                out.push(second);
            }
        }
    }
    out
}

/// Removes from a lane every unit's files but those of the units `keep`, its incremental
/// caches, and the dev profile's directory (never gone on from). Cargo builds again whatever
/// a build needs of what is gone, so a wrong guess costs time, never bytes. Fingerprints stay:
/// without its files, cargo finds a unit stale.
pub(crate) fn trim(dirs: &[&Path], keep: &BTreeSet<String>) -> Result<()> {
    for dir in dirs {
        io::remove(&dir.join("debug"))?;
        for profile_dir in profile_dirs(dir) {
            io::remove(&profile_dir.join("incremental"))?;
            for part in UNIT_PARTS {
                for entry in io::entries(&profile_dir.join(part)) {
                    let name = entry.file_name().unwrap_or_default().to_string_lossy();
                    if unit_hash(&name).is_some_and(|h| !keep.contains(&h)) {
                        io::remove(&entry)?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Copies the units `hashes` from one build directory to another, where they are not there
/// already: their files and directories, and cargo's fingerprints of them, at the same place
/// and with the same times, so cargo finds them fresh. (The paths in a build script's saved
/// output name the directory it ran in: cargo reads them for the directory it builds in.)
/// A compiled crate is linked, not copied: it takes no more disk, and rustc replaces such a
/// file rather than writing into it.
pub(crate) fn copy_units(from: &Path, to: &Path, hashes: &BTreeSet<String>) -> Result<()> {
    for profile_dir in profile_dirs(from) {
        let Ok(relative) = profile_dir.strip_prefix(from) else {
            continue;
        };
        let mut copied = BTreeSet::new();
        for part in UNIT_PARTS.into_iter().chain([FINGERPRINTS]) {
            for entry in io::entries(&profile_dir.join(part)) {
                let name = entry.file_name().unwrap_or_default();
                let Some(hash) = unit_hash(&name.to_string_lossy()) else {
                    continue;
                };
                let dest = to.join(relative).join(part).join(name);
                let missing = !io::exists(&dest);
                // a fingerprint goes with the files: one left by a trimmed unit is replaced
                let fingerprint = part == FINGERPRINTS && copied.contains(&hash);
                if hashes.contains(&hash) && (missing || fingerprint) {
                    io::remove(&dest)?;
                    // rustc writes its dep-info file in place: that one is copied
                    let crate_file = part == "deps" && entry.extension().is_none_or(|e| e != "d");
                    if crate_file {
                        io::link_or_copy(&entry, &dest)?;
                    } else {
                        io::copy_tree(&entry, &dest)?;
                    }
                    copied.insert(hash);
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cargo::tests::unit_files_of;

    #[test]
    fn a_unit_hash_is_the_sixteen_hex_digits_after_the_last_dash() {
        assert_eq!(
            unit_hash("libclap_builder-0f1e2d3c4b5a6978.rlib").as_deref(),
            Some("0f1e2d3c4b5a6978")
        );
        assert_eq!(
            unit_hash("ring-1122334455667788").as_deref(),
            Some("1122334455667788")
        );
        assert_eq!(
            unit_hash("foldersync-aabbccddeeff0011.d").as_deref(),
            Some("aabbccddeeff0011")
        );
        // the uplifted binary and cargo's own files have none: they stay
        assert_eq!(unit_hash("foldersync"), None);
        assert_eq!(unit_hash("my-tool-12345"), None);
        assert_eq!(unit_hash(".cargo-lock"), None);
    }

    /// A unit already in the other lane stays as it is there, its directories too (a build
    /// script's run is a directory); a missing one comes with its fingerprint; a unit not
    /// asked for stays behind.
    #[test]
    fn copying_units_adds_the_missing_ones_and_leaves_those_there() {
        #![allow(clippy::disallowed_methods)] // the test writes its lanes
        let root = std::env::temp_dir().join(format!("size-profile-lanes-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let (from, to) = (root.join("0"), root.join("1"));
        let (run, lib, other) = ("1111111111111111", "2222222222222222", "3333333333333333");
        let write = |path: PathBuf, text: &str| {
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, text).unwrap();
        };
        for lane in [&from, &to] {
            write(
                lane.join(format!("release/build/dep-{run}/out/data")),
                "from",
            );
            write(
                lane.join(format!("release/.fingerprint/dep-{run}/run")),
                "from",
            );
        }
        // what the other lane has of the run since it ran there: kept, not copied over
        write(to.join(format!("release/build/dep-{run}/out/mine")), "to");
        let units = [
            (format!("release/deps/libdep-{lib}.rlib"), "rlib"),
            (format!("release/deps/dep-{lib}.d"), "dep-info"),
            (format!("release/.fingerprint/dep-{lib}/lib"), "fp"),
            (format!("release/deps/libother-{other}.rlib"), "other"),
        ];
        for (path, text) in &units {
            write(from.join(path), text);
        }
        let hashes = [run, lib].map(String::from).into_iter().collect();
        copy_units(&from, &to, &hashes).unwrap();
        let read = |p: &str| std::fs::read_to_string(to.join(p)).ok();
        assert_eq!(
            read(&format!("release/build/dep-{run}/out/mine")).as_deref(),
            Some("to")
        );
        // the units asked for are copied, the other one is not
        for (path, text) in &units {
            let copied = !path.contains(other);
            assert_eq!(read(path).as_deref(), copied.then_some(*text), "{path}");
        }
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Cargo 1.95's messages for a binary with a build script on a proc-macro, without and
    /// with `--target`: every file is where the layout says. Nightly cargo's `-Zbuild-dir-new-layout` (one directory a
    /// unit, `build/<package>/<hash>/`) is not, and that is said, naming the file.
    #[test]
    fn a_build_in_another_layout_is_told_from_the_one_assumed() {
        let target = Path::new("/w/app/target");
        let stable = unit_files_of(include_str!("../testdata/release-layout.jsonl"));
        // the proc-macro, the build script, its run, the binary (named as a file and as the
        // executable)
        assert_eq!(stable.len(), 5);
        assert_eq!(unknown(target, target, &stable), None);
        // with `--target`: the binary's units under `<triple>/release`, the build script and
        // the proc-macro under `release` (cargo 1.95)
        let cross = unit_files_of(include_str!("../testdata/release-layout-target.jsonl"));
        assert!(cross.iter().any(|(p, _)| p.starts_with("/w/app/target/x86_64-unknown-linux-gnu/release/build")));
        assert_eq!(unknown(target, target, &cross), None);
        let new = unit_files_of(include_str!("../testdata/release-new-layout.jsonl"));
        let why = unknown(target, target, &new).expect("the new layout is another one");
        assert!(
            why.starts_with("/w/app/target/release/build/pm/79750aa36333a496/out/libpm-")
                && why.ends_with("`build/` holds `pm`, with no unit hash in its name"),
            "{why}"
        );
        // the units in a build directory apart from the target directory
        let apart: Vec<(PathBuf, UnitKind)> = stable
            .iter()
            .map(|(p, k)| {
                let moved = p.strip_prefix(target).map_or(p.clone(), |r| {
                    if *k == UnitKind::Target && r.components().count() == 2 {
                        p.clone()
                    } else {
                        Path::new("/w/build").join(r)
                    }
                });
                (moved, *k)
            })
            .collect();
        assert_eq!(unknown(target, Path::new("/w/build"), &apart), None);
        // and a build directory cargo did not use
        let why = unknown(target, Path::new("/w/elsewhere"), &apart).unwrap();
        assert!(why.ends_with("is outside the build directory"), "{why}");
    }
}
