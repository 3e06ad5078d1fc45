use size_profile_macros::size_optimized;

#[size_optimized(deny = true)]
fn main() {}
