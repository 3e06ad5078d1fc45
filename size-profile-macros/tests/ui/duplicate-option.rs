use size_profile_macros::size_optimized;

#[size_optimized(preset = "min-size", preset = "small-fast")]
fn main() {}
