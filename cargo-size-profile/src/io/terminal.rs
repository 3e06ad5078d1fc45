//! Printing to stdout and stderr, and what the terminal can show.

use std::io::{IsTerminal, Write};

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
