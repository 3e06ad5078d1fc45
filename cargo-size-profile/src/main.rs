//! `cargo size-profile`: check, apply, measure and budget the size profile of a Rust binary.
//!
//! Runs as a cargo subcommand (`cargo size-profile check`) or directly
//! (`cargo-size-profile check`). Exit codes: 0 fine; 1 findings under `--deny`, or a binary
//! over its budget; 2 the input could not be read or a build failed (with a message naming the
//! file and the problem).
//! See <https://doc.rust-lang.org/cargo/reference/external-tools.html#custom-subcommands>.

mod apply;
mod budget;
mod cargo;
mod check;
mod cli;
#[cfg(test)]
mod corrupt;
mod edit;
mod io;
mod ladder;
mod render;
mod target;
mod why;

use std::ffi::OsString;
use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

fn main() -> ExitCode {
    let mut args: Vec<OsString> = std::env::args_os().collect();
    // cargo runs `cargo-size-profile size-profile <args>`
    if args.get(1).is_some_and(|a| a == "size-profile") {
        args.remove(1);
    }
    let cli = Cli::parse_from(args);
    if matches!(
        cli.command,
        Command::Ladder(_) | Command::Budget(_) | Command::Why(_)
    ) {
        // the builds they start end with them
        io::stop_children_on_signals();
    }
    let result = match &cli.command {
        Command::Check(args) => check::run(args),
        Command::Apply(args) => apply::run(args),
        Command::Ladder(args) => ladder::run(args),
        Command::Budget(args) => budget::run(args),
        Command::Why(args) => why::run(args),
    };
    io::wait_if_stopped();
    match result {
        Ok(code) => code,
        Err(error) => {
            io::err(&format!("error: {error:#}\n"));
            ExitCode::from(2)
        }
    }
}
