//! The integration tests, in one binary (one link instead of seven): scratch projects built by
//! the real cargo in the tests' hermetic environment (`size_profile_tests::hermetic`).
//!
//! The test harness starts tests in name order: the two longest, `against_cargo` (the oracle)
//! and `app_example` (builds and runs examples/cli), come first so that they run beside the
//! others instead of after them.

mod against_cargo;
mod app_example;
mod attribute;
mod build_script;
#[cfg(unix)]
mod install_lines;
mod no_std;
mod readme;
mod templates;
mod workspaces;
