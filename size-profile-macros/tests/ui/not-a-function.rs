use size_profile_macros::size_optimized;

#[size_optimized]
struct Main;

fn main() {}
