//! Where a value came from, so a fix can point at the place that sets it.

use std::fmt;
use std::path::{Path, PathBuf};

/// A line in a file, shown as `path:line`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Location {
    /// The file, as the front chose to show it (usually relative to the workspace root).
    pub file: PathBuf,
    /// The 1-based line.
    pub line: usize,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// Where a resolved value came from.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Source {
    /// A `[profile]` table in the workspace root `Cargo.toml`.
    Manifest(Location),
    /// A `[profile]` table in a `.cargo/config.toml` file.
    Config(Location),
    /// An environment variable such as `CARGO_PROFILE_RELEASE_LTO` or `CARGO_INCREMENTAL`.
    Env(String),
    /// A `-C` flag in `RUSTFLAGS`, `CARGO_ENCODED_RUSTFLAGS` or `build.rustflags`; rustc takes
    /// the last `-C` it sees, so these win over the profile.
    Rustflags {
        /// The variable or config key the flags came from.
        origin: String,
        /// The flag as written, e.g. `-C opt-level=3`.
        flag: String,
    },
    /// Cargo's built-in default for the root profile (`dev` or `release`).
    Default(String),
    /// Cargo's default again, because the package's `[profile.X.package.<name>]` table does not
    /// set the key: cargo lays the whole table over the profile, and a table without `strip`
    /// means `strip`'s default.
    PackageDefault {
        /// The table, e.g. `profile.release.package."app"`.
        table: String,
        /// Where it is, when it is in a file.
        at: Option<Location>,
    },
    /// Cargo told the build script (`OPT_LEVEL`, `DEBUG`) a value that no file or variable it
    /// can see sets: most likely `--config` on cargo's command line.
    Hidden(String),
    /// A `KEY=VALUE` given with `--config` on cargo's command line: the argument.
    CommandLine(String),
}

impl Source {
    /// The file this value is written in, if it is in one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Source::Manifest(loc) | Source::Config(loc) => Some(loc),
            _ => None,
        }
    }

    /// The file this value is written in, if it is in one.
    pub fn file(&self) -> Option<&Path> {
        self.location().map(|l| l.file.as_path())
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Manifest(loc) | Source::Config(loc) => write!(f, "{loc}"),
            Source::Env(var) => write!(f, "env {var}"),
            Source::Rustflags { origin, flag } => write!(f, "`{flag}` in {origin}"),
            Source::Default(profile) => write!(f, "cargo's default for {profile}"),
            Source::PackageDefault { table, at } => {
                write!(f, "cargo's default, because [{table}]")?;
                if let Some(at) = at {
                    write!(f, " at {at}")?;
                }
                write!(f, " does not set it")
            }
            Source::Hidden(var) => write!(f, "cargo's {var}, set where a build script cannot see"),
            Source::CommandLine(arg) => write!(f, "--config {arg}"),
        }
    }
}

/// A text file given to the core: a path to show and its contents.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    /// The path shown in messages.
    pub path: PathBuf,
    /// The file's text.
    pub text: String,
}

impl SourceFile {
    /// A file with the given display path and text.
    pub fn new(path: impl Into<PathBuf>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            path: path.into(),
            text: text.into(),
        }
    }

    /// The 1-based line of a byte offset into the text.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        let end = offset.min(self.text.len());
        self.text.as_bytes()[..end]
            .iter()
            .filter(|&&b| b == b'\n')
            .count()
            + 1
    }
}

/// A 64-bit FNV-1a hash of `bytes`, the same on every machine and toolchain: what the ladder
/// keys its measurements by, and how a build script tells that `Cargo.lock` changed since.
pub fn fingerprint(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_is_fnv_1a() {
        // the published FNV-1a 64 test vectors
        assert_eq!(fingerprint(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fingerprint(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fingerprint(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn offsets_map_to_lines() {
        let file = SourceFile::new("Cargo.toml", "a = 1\nb = 2\n\nc = 3\n");
        assert_eq!(file.line_of(0), 1);
        assert_eq!(file.line_of(6), 2);
        assert_eq!(file.line_of(13), 4);
        assert_eq!(file.line_of(999), 5);
    }

    #[test]
    fn sources_read_as_places() {
        let loc = Location {
            file: ".cargo/config.toml".into(),
            line: 3,
        };
        assert_eq!(Source::Config(loc).to_string(), ".cargo/config.toml:3");
        assert_eq!(
            Source::Env("CARGO_PROFILE_RELEASE_LTO".into()).to_string(),
            "env CARGO_PROFILE_RELEASE_LTO"
        );
        assert_eq!(
            Source::Default("release".into()).to_string(),
            "cargo's default for release"
        );
    }
}
