use size_profile_macros::size_optimized;

#[size_optimized(panic_handler = "abort")]
fn main() {}
