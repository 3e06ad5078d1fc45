//! The integration tests, in one binary (one link instead of seven): scratch projects built by
//! the real cargo in the tests' hermetic environment (`size_profile_tests::hermetic`).

mod attribute;
mod build_script;
mod cli_example;
mod no_std;
mod oracle;
mod readme;
mod templates;
