//! `#[size_optimized]`: the `size-profile` check at compile time, shown in the editor.
//!
//! Put it on `fn main` (or on the `extern "C" fn main` of a `#![no_main]` binary):
//!
//! ```no_run
//! use size_profile_macros::size_optimized;
//!
//! #[size_optimized]
//! fn main() {
//!     println!("hello");
//! }
//! ```
//!
//! At expansion it reads the crate's manifests and cargo config files the way the build
//! script check does (the same resolver, the same presets, the same findings) and reports each
//! finding as a rustc warning on the attribute. rust-analyzer runs `cargo check`, so the editor
//! underlines the attribute with every missing size setting. The expansion makes rustc track
//! every file it read, so fixing `Cargo.toml` clears the warning on the next check even though
//! no `.rs` file changed.
//!
//! Options, all optional:
//!
//! | option | meaning |
//! |---|---|
//! | `profile = "dist"` | the profile to check (default: the metadata's `profiles`, else `release` and every profile inheriting it, as the build script) |
//! | `preset = "small-fast"` | the preset (default: the metadata's, else `min-size`) |
//! | `allow(panic, strip, allocator)` | settings kept on purpose (`opt_level`, `codegen_units` with `_`) |
//! | `deny` | findings are compile errors |
//! | `allocator = "system"` | install the system allocator: `std::alloc::System`, or in a `no_std` binary a `malloc`/`free` one |
//! | `allocator = "system-in-size-builds"` | the same, only where the build script set `cfg(size_optimized)` |
//! | `panic_handler = "abort" \| "halt" \| "trap"` | a `#[panic_handler]` for a `no_std` binary |
//!
//! A binary counts as `no_std` when the attribute is on an `extern "C"` function (a
//! `#![no_std]` binary on stable Rust is `#![no_main]` with libc's `main`). The generated
//! allocator and panic handler use `unsafe` code, so they cannot be used in a crate that
//! `forbid`s `unsafe_code`.
//!
//! `size-profile-macros` depends on `size-profile` for the resolver, so `size-profile` cannot
//! re-export it: add both crates (`size-profile` as a build dependency if you use the build
//! script check, `size-profile-macros` as a dependency).
//! See <https://doc.rust-lang.org/reference/procedural-macros.html#attribute-macros>.

// the doc example shows a whole `fn main` on purpose
#![allow(clippy::needless_doctest_main)]

mod args;
mod expand;

use proc_macro::TokenStream;

/// Checks the crate's shipping profile at compile time; see the [crate docs](crate).
#[proc_macro_attribute]
pub fn size_optimized(args: TokenStream, item: TokenStream) -> TokenStream {
    let item = proc_macro2::TokenStream::from(item);
    let expanded = args::parse(args.into()).and_then(|args| expand::expand(&args, item.clone()));
    match expanded {
        Ok(tokens) => tokens.into(),
        Err(error) => {
            // keep the user's item, so the error is the only one they see
            let mut tokens = error.to_compile_error();
            tokens.extend(item);
            tokens.into()
        }
    }
}
