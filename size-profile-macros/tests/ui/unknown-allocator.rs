use size_profile_macros::size_optimized;

#[size_optimized(allocator = "jemalloc")]
fn main() {}
