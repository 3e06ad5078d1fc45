// Findings are warnings; `deny(deprecated)` makes them checked errors here.
#![deny(deprecated)]

use size_profile_macros::size_optimized;

#[size_optimized]
fn main() {}
