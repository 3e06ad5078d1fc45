use size_profile_macros::size_optimized;

#[size_optimized(preset = "tiny")]
fn main() {}
