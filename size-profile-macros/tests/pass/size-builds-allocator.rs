#![deny(deprecated)]

use size_profile_macros::size_optimized;

#[size_optimized(allocator = "system-in-size-builds", allow(opt_level, lto, codegen_units, panic, strip))]
fn main() {}
