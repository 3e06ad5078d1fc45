//! The one place that touches the disk, the terminal, the environment and other processes:
//! a file for each job, their functions used as `io::name`.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod commit;
mod copy;
mod env;
mod files;
mod process;
mod terminal;

pub(crate) use commit::commit;
pub(crate) use copy::{copy_tree, link_or_copy};
pub(crate) use env::{today, var, vars};
pub(crate) use files::{
    cwd, entries, exists, files_under, is_dir, is_file, read, read_bytes, remove, size, write_ours,
};
pub(crate) use process::{Child, run_timed, stop_children_on_signals, wait_if_stopped};
pub(crate) use terminal::{color_stdout, err, out, progress_on};
