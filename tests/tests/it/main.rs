//! The integration tests, in one binary (one link instead of seven): scratch projects built by
//! the real cargo in the tests' hermetic environment (`size_profile_tests::hermetic`).
//!
//! The test harness starts tests in name order: `against_cargo` (the oracle, the longest) comes
//! first so that it runs beside the others instead of after them.

mod against_cargo;
mod attribute;
mod build_script;
mod cli_example;
mod no_std;
mod readme;
mod templates;
