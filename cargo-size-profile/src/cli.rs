//! The command line, as clap sees it.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Check, apply, measure and budget the size profile of a Rust binary.
#[derive(Debug, Parser)]
#[command(
    name = "cargo-size-profile",
    bin_name = "cargo size-profile",
    styles = clap_cargo::style::CLAP_STYLING,
    version,
    about,
    long_about = None,
    after_help = "\
First steps, in a Cargo project:
  cargo size-profile check             what your release profile leaves on the table
  cargo size-profile apply --dry-run   the fix as a diff; `apply` writes it
  cargo size-profile ladder            what each setting saves your binary (a few minutes)
In CI: `check --deny`, and `budget` once `max-size` is set in [package.metadata.size-profile]."
)]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Print the resolved profile and what makes the binary bigger than the preset allows.
    #[command(after_help = "Next: `cargo size-profile apply --dry-run` shows the fix as a diff.")]
    Check(CheckArgs),
    /// Write a preset into the manifest cargo reads profiles from.
    #[command(
        after_help = "Next: `cargo size-profile check` shows what is left (a CARGO_PROFILE_* variable or a config file can still override the manifest)."
    )]
    Apply(ApplyArgs),
    /// Build the binary with each size setting added in turn and measure every step.
    #[command(
        after_help = "It builds the binary about twelve times: a few minutes on a small machine (under a minute for a hello world). Next: `--apply-best` writes the smallest combination."
    )]
    Ladder(LadderArgs),
    /// Build the shipping profile and fail when a binary is over its `max-size` (or, against a
    /// baseline, grew more than `max-growth`).
    #[command(
        after_help = "Needs a budget in Cargo.toml, e.g.\n  [package.metadata.size-profile]\n  max-size = \"3 MiB\"\nunless --save or --baseline is given (`--save sizes.json` measures without one)."
    )]
    Budget(BudgetArgs),
    /// Which crates the binary's bytes are: per crate, and the largest symbols.
    #[command(
        after_help = "Next: `cargo size-profile budget --save base.json` keeps this measurement, so a later `--baseline base.json` shows what a change did, by crate."
    )]
    Why(WhyArgs),
}

/// Which package, and cargo's config from the command line, as in cargo's own commands.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct Target {
    #[command(flatten)]
    pub(crate) manifest: clap_cargo::Manifest,
    /// The workspace member to use.
    #[arg(short, long, value_name = "SPEC")]
    pub(crate) package: Option<String>,
    /// Override a configuration value, as cargo's `--config` (read as a config file given
    /// last, and passed to every cargo command run).
    #[arg(long = "config", value_name = "KEY=VALUE|PATH")]
    pub(crate) config: Vec<String>,
}

impl Target {
    /// The package of the manifest at `path`, with the same `--config` values.
    pub(crate) fn with_manifest(&self, path: PathBuf) -> Target {
        let mut manifest = clap_cargo::Manifest::default();
        manifest.manifest_path = Some(path);
        Target {
            manifest,
            package: None,
            config: self.config.clone(),
        }
    }
}

/// What to build, as in `cargo build`: passed through to every build a command runs.
#[derive(Debug, Args, Clone, Default)]
pub(crate) struct Selection {
    #[command(flatten)]
    pub(crate) features: clap_cargo::Features,
    /// Build for the target triple (its standard library must be installed:
    /// `rustup target add <TRIPLE>`).
    #[arg(long = "target", value_name = "TRIPLE")]
    pub(crate) triple: Option<String>,
    /// Number of parallel jobs.
    #[arg(short, long, value_name = "N", allow_negative_numbers = true)]
    pub(crate) jobs: Option<i32>,
    /// Assert that `Cargo.lock` will remain unchanged.
    #[arg(long)]
    pub(crate) locked: bool,
    /// Run without accessing the network.
    #[arg(long)]
    pub(crate) offline: bool,
    /// Equivalent to both `--locked` and `--offline`.
    #[arg(long)]
    pub(crate) frozen: bool,
}

impl Selection {
    /// The same options for cargo's command line.
    pub(crate) fn cargo_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        let features = &self.features;
        if !features.features.is_empty() {
            args.extend(["--features".to_owned(), features.features.join(" ")]);
        }
        let flags = [
            (features.all_features, "--all-features"),
            (features.no_default_features, "--no-default-features"),
            (self.locked, "--locked"),
            (self.offline, "--offline"),
            (self.frozen, "--frozen"),
        ];
        args.extend(flags.iter().filter(|f| f.0).map(|f| f.1.to_owned()));
        if let Some(t) = &self.triple {
            args.extend(["--target".to_owned(), t.clone()]);
        }
        if let Some(j) = self.jobs {
            args.extend(["--jobs".to_owned(), j.to_string()]);
        }
        args
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    /// Text for a terminal.
    Human,
    /// One JSON document on stdout.
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum TableFormat {
    /// Text for a terminal.
    Human,
    /// A markdown table.
    Markdown,
    /// One JSON document on stdout.
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) target: Target,
    /// Check this profile (default: the metadata's `profiles`, else release and its descendants).
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Check the build for this target triple, as `cargo build --target` makes it: its
    /// `[target]` rustflags tables apply (default: `build.target`, else the host).
    #[arg(long = "target", value_name = "TRIPLE")]
    pub(crate) triple: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub(crate) format: Format,
    /// Exit with 1 when there are findings (also on with `deny = true` in the metadata).
    #[arg(long)]
    pub(crate) deny: bool,
}

#[derive(Debug, Args)]
pub(crate) struct ApplyArgs {
    #[command(flatten)]
    pub(crate) target: Target,
    /// The preset to write (default: the metadata's, else min-size).
    #[arg(long, value_name = "NAME")]
    pub(crate) preset: Option<String>,
    /// The profile to write it into; a custom one is created with `inherits = "release"`
    /// (default: every profile `check` covers: the metadata's `profiles`, else release and its
    /// descendants).
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Say what still overrides the written settings in the build for this target triple
    /// (its `[target]` rustflags tables; default: `build.target`, else the host).
    #[arg(long = "target", value_name = "TRIPLE")]
    pub(crate) triple: Option<String>,
    /// Print the change, write nothing.
    #[arg(long)]
    pub(crate) dry_run: bool,
}

#[derive(Debug, Args)]
pub(crate) struct LadderArgs {
    #[command(flatten)]
    pub(crate) target: Target,
    /// The binary to measure (default: the package's only binary, or the one named like it).
    #[arg(long, value_name = "NAME")]
    pub(crate) bin: Option<String>,
    /// Your profile, measured as it is today, and the one `--apply-best` writes into.
    #[arg(long, value_name = "NAME", default_value = "release")]
    pub(crate) profile: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub(crate) format: TableFormat,
    /// Also try nightly-only flags (`cargo +nightly`): -Zlocation-detail, -Zfmt-debug, build-std.
    #[arg(long)]
    pub(crate) nightly: bool,
    /// Write the smallest combination into the manifest.
    #[arg(long)]
    pub(crate) apply_best: bool,
    #[command(flatten)]
    pub(crate) selection: Selection,
}

#[derive(Debug, Args)]
pub(crate) struct BudgetArgs {
    #[command(flatten)]
    pub(crate) target: Target,
    /// The profile to build (default: the metadata's first `profiles`, else release).
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Output format (markdown: a report for a pull-request comment).
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub(crate) format: TableFormat,
    /// Only this binary (default: every binary of the package).
    #[arg(long, value_name = "NAME")]
    pub(crate) bin: Option<String>,
    #[command(flatten)]
    pub(crate) selection: Selection,
    /// Also write this measurement (each binary's size and crates) to FILE, as JSON.
    #[arg(long, value_name = "FILE")]
    pub(crate) save: Option<PathBuf>,
    /// Compare with a measurement saved by `--save`: what grew, what shrank, and by which crate.
    #[arg(long, value_name = "FILE")]
    pub(crate) baseline: Option<PathBuf>,
    /// With `--baseline`: compare with this saved measurement instead of building.
    #[arg(long, value_name = "FILE", requires = "baseline")]
    pub(crate) current: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct WhyArgs {
    #[command(flatten)]
    pub(crate) target: Target,
    /// The profile to build (default: the one `budget` builds, the metadata's first `profiles`,
    /// else release).
    #[arg(long, value_name = "NAME")]
    pub(crate) profile: Option<String>,
    /// Only this binary (default: every binary of the package).
    #[arg(long, value_name = "NAME")]
    pub(crate) bin: Option<String>,
    /// How many of the largest symbols to list.
    #[arg(long, value_name = "N", default_value_t = 10)]
    pub(crate) symbols: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = TableFormat::Human)]
    pub(crate) format: TableFormat,
    #[command(flatten)]
    pub(crate) selection: Selection,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }
}
