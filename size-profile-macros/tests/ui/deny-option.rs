use size_profile_macros::size_optimized;

#[size_optimized(deny, allow(opt_level, lto, codegen_units, strip))]
fn main() {}
