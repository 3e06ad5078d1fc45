// Every option at once compiles in a std binary, and the findings left are all allowed.
#![deny(deprecated)]

use size_profile_macros::size_optimized;

#[size_optimized(
    profile = "release",
    preset = "small-fast",
    allow(opt_level, lto, codegen_units, strip, debug, allocator),
    allocator = "system"
)]
fn main() {
    let v: Vec<u8> = Vec::with_capacity(8);
    assert!(v.capacity() >= 8);
}
