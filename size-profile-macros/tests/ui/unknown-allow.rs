use size_profile_macros::size_optimized;

#[size_optimized(allow(panic, speed))]
fn main() {}
