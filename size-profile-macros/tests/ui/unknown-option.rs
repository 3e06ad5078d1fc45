use size_profile_macros::size_optimized;

#[size_optimized(speed = "max")]
fn main() {}
