//! Checks in `build.rs` that the profile you ship is the one that makes small binaries.
//!
//! Add the crate as a build dependency and call [`check`] from `build.rs`:
//!
//! ```no_run
//! // build.rs
//! fn main() {
//!     size_profile::check();
//! }
//! ```
//!
//! In a shipping profile (`release` and every profile that inherits from it, unless
//! `[package.metadata.size-profile] profiles` says otherwise), each setting that makes the
//! binary bigger than the preset allows becomes one cargo warning: the setting, its current
//! value, where that value comes from (a line of `Cargo.toml` or `.cargo/config.toml`, a
//! `CARGO_PROFILE_*` variable, a `-C` flag, or cargo's default) and the fix. Dev and test
//! builds stay silent. `deny = true` turns the findings into errors.
//!
//! The check also sets `cfg(size_optimized)` in shipping profiles (and declares it in every
//! profile), so code can swap parts for size:
//!
//! ```
//! #[cfg(size_optimized)]
//! fn log(_: &str) {}
//! #[cfg(not(size_optimized))]
//! fn log(message: &str) { eprintln!("{message}") }
//! # log("hi");
//! ```
//!
//! What a build script cannot see: values given with `--config` on cargo's command line.
//! Cargo's `OPT_LEVEL` and `DEBUG` still reveal those two settings, and the check reports them
//! as set "where a build script cannot see". A `.cargo/config.toml` in a directory below the
//! package (where cargo was started) is not read either: cargo does not tell build scripts
//! where it was started, so config files are looked up from the package's directory upwards.
//!
//! The resolver underneath is pure (text and maps in, values out) and is shared with the
//! `#[size_optimized]` attribute and `cargo size-profile`; it is not part of this crate's API.
//! See <https://doc.rust-lang.org/cargo/reference/profiles.html>.

// build.rs examples show the whole `fn main` of a build script on purpose
#![allow(clippy::needless_doctest_main)]

// the parts, in the order they depend on each other: what the host gives, the TOML reader,
// the profile model, a package's inputs, the report; then the process I/O of a build script
mod host;
mod map;
mod source;
mod toml_tree;

mod profile;

mod inputs;

mod report;

mod io;

pub use host::{Env, Files};
pub use profile::preset::Preset;
pub use profile::setting::Setting;
pub use report::directives::{CFG, Directive, Syntax};

/// Checks the profile being built against the crate's preset; call it from `build.rs`.
///
/// Options come from `[package.metadata.size-profile]`, over the defaults of
/// `[workspace.metadata.size-profile]` in the workspace root. Use [`Check`] to set them in
/// code instead.
///
/// ```no_run
/// fn main() {
///     size_profile::check();
/// }
/// ```
pub fn check() {
    Check::new().run();
}

/// A check with options set in code; they win over `[package.metadata.size-profile]`.
///
/// ```no_run
/// use size_profile::{Check, Preset, Setting};
///
/// fn main() {
///     Check::new()
///         .preset(Preset::SmallFast)
///         .profiles(["release", "dist"])
///         .allow(Setting::Panic)
///         .deny(true)
///         .run();
/// }
/// ```
///
/// The size budget (`max-size`) is a manifest key only: `cargo size-profile budget` reads it,
/// because a build script runs before the binary it would measure exists.
#[derive(Clone, Debug, Default)]
#[must_use = "a Check does nothing until `run` is called"]
pub struct Check {
    overrides: report::project::Overrides,
}

impl Check {
    /// A check with the options of `[package.metadata.size-profile]`.
    pub fn new() -> Check {
        Check::default()
    }

    /// Checks against this preset.
    pub fn preset(mut self, preset: Preset) -> Check {
        self.overrides.preset = Some(preset);
        self
    }

    /// Checks these profiles (by name) instead of `release` and its descendants.
    pub fn profiles<I, S>(mut self, profiles: I) -> Check
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.overrides.profiles = Some(profiles.into_iter().map(Into::into).collect());
        self
    }

    /// Keeps this setting as it is, whatever the preset says.
    pub fn allow(mut self, setting: Setting) -> Check {
        self.overrides.allow.insert(setting);
        self
    }

    /// Keeps a custom global allocator dependency (mimalloc, jemalloc, …) in size builds.
    pub fn allow_allocator(mut self) -> Check {
        self.overrides.allow_allocator = true;
        self
    }

    /// Whether findings fail the build.
    pub fn deny(mut self, deny: bool) -> Check {
        self.overrides.deny = Some(deny);
        self
    }

    /// What the check tells cargo, computed from `env` and `files` without printing:
    /// for tests, and for build scripts that filter or add to the output.
    pub fn directives(&self, env: &dyn Env, files: &dyn Files) -> Vec<Directive> {
        report::directives::plan(&self.overrides, env, files)
    }

    /// Runs the check in a build script: reads the environment and files, prints the
    /// directives in the syntax the package's `rust-version` allows ([`Syntax`]). Under
    /// `deny`, findings fail the build: as `cargo::error` lines, or, before Rust 1.77, by
    /// ending the build script with exit code 1 after printing them.
    pub fn run(self) {
        let syntax = Syntax::of_package(&io::ProcessEnv);
        io::emit(&self.directives(&io::ProcessEnv, &io::Disk), syntax);
    }
}

/// What only this crate's siblings (`size-profile-macros`, `cargo-size-profile`) and its tests
/// use: the resolver, the inputs and the findings underneath [`check`]. Not part of the public
/// API: it changes in any release, and the siblings pin this crate's exact version.
#[doc(hidden)]
pub mod __private {
    pub use crate::host::{Env, Files};
    pub use crate::inputs::build_env::Built;
    pub use crate::inputs::lock::linked_lock;
    pub use crate::inputs::manifest::Dependency;
    pub use crate::inputs::options::{Budget, Growth, Options};
    pub use crate::inputs::savings::{Quoted, SAVINGS_FILE, Saving, Savings, thousands};
    pub use crate::inputs::{FlagsFrom, Inputs, gather, gather_from, gather_in_workspace};
    pub use crate::io::{Disk, ProcessEnv};
    pub use crate::map::NameMap;
    pub use crate::profile::cfg::Target;
    pub use crate::profile::preset::{NO_STD_PANIC, Preset, Rule};
    pub use crate::profile::resolve::{Crate, Entry, Override, ResolveError, Resolved};
    pub use crate::profile::rustflags::{FlagSetting, Rustflag, Rustflags, configured_target};
    pub use crate::profile::setting::{
        DebugInfo, Lto, OptLevel, Panic, Plain, Setting, Strip, Value,
    };
    pub use crate::profile::setting_map::{SettingMap, SettingSet};
    pub use crate::profile::{
        BUILT_IN, ConfigArg, FileKind, InvalidValue, Layer, PackageTable, ProfileNameError,
        ProfileTable, Profiles, Sourced, check_profile_name,
    };
    pub use crate::report::directives::{CFG, Directive, Syntax};
    pub use crate::report::finding::{Finding, Fix, SettingFinding};
    pub use crate::report::project::{Overrides, Project};
    pub use crate::report::{ProfileReport, Report, Request, Scope, report};
    pub use crate::source::{Location, Source, SourceFile, fingerprint};
    pub use crate::toml_tree::{Document, Problem};

    /// The build-script front's report on the profile being built (checked whatever the
    /// options say), and that profile's name; `None` outside a build script.
    pub fn build_script_report(env: &dyn Env, files: &dyn Files) -> Option<(String, Report)> {
        crate::report::directives::report_here(env, files)
    }
}
