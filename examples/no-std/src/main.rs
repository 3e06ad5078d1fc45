//! Prints a line through libc with no standard library: about 4 KB stripped.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::boxed::Box;
use size_profile_macros::size_optimized;

// rustc links with `-nodefaultlibs`: without std, ask for the C library by name
#[link(name = "c")]
unsafe extern "C" {
    fn write(fd: i32, buf: *const u8, count: usize) -> isize;
}

/// The entry point libc's start-up code calls.
#[size_optimized(panic_handler = "trap", allocator = "system")]
#[unsafe(no_mangle)]
extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    // a heap allocation, through the malloc-backed global allocator
    let line: Box<[u8]> = Box::new(*b"Hello from no_std!\n");
    let written = unsafe { write(1, line.as_ptr(), line.len()) };
    if written == line.len() as isize { 0 } else { 1 }
}
