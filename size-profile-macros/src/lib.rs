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
//!
//! # How the warnings show
//!
//! Stable Rust has no custom warnings, so each finding is a `#[deprecated]` item used at the
//! attribute's span:
//!
//! ```text
//! warning: use of deprecated constant `_::size_profile`: release: lto is false (cargo's default for release); want true: add `lto = true` under [profile.release] in Cargo.toml
//!  --> src/main.rs:3:1
//!   |
//! 3 | #[size_optimized]
//!   | ^^^^^^^^^^^^^^^^^
//! ```
//!
//! `#![deny(deprecated)]` or the `deny` option makes them errors. The expansion
//! `include_bytes!`s every file it read and `option_env!`s every variable, so rustc tracks
//! them. A file that did not exist at the last compile cannot be watched that way (stable
//! rustc has no way for a macro to depend on a missing path): a `.cargo/config.toml` created
//! since is read after the next change to a `.rs` file or `Cargo.toml`, and a note beside the
//! findings says so. With no allocator or panic-handler option the release binary is
//! byte-identical to the same program without the attribute (a test compares them).
//!
//! # A custom allocator, only in fast builds
//!
//! A `mimalloc`/`jemalloc` global allocator costs about 110 KB, even in a 290 KB hello world,
//! so a non-optional dependency on one is a finding in size profiles (`allow = ["allocator"]`
//! keeps it). To keep it in fast builds and drop it in size builds, make it optional and
//! register it only where the build script did not set `cfg(size_optimized)`:
//!
//! ```toml
//! [features]
//! default = ["fast-alloc"]
//! fast-alloc = ["dep:mimalloc"]
//!
//! [dependencies]
//! mimalloc = { version = "0.1", optional = true }
//! size-profile-macros = "0.1"
//!
//! [build-dependencies]
//! size-profile = "0.1"
//! ```
//!
//! ```ignore
//! #[cfg(all(feature = "fast-alloc", not(size_optimized)))]
//! #[global_allocator]
//! static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
//!
//! // std's System allocator in size builds (the default anyway, but now stated)
//! #[size_optimized(allocator = "system-in-size-builds")]
//! fn main() {}
//! ```
//!
//! `cargo build --release --no-default-features` leaves the crate out of the build altogether.
//!
//! # `no_std` binaries
//!
//! On an `extern "C" fn main` (a `#![no_std]`, `#![no_main]` binary on libc), the attribute
//! can install the rest of what such a binary needs:
//!
//! - `panic_handler = "abort"` (libc's `abort`, SIGABRT), `"trap"` (the CPU's trap
//!   instruction, SIGILL on x86), or `"halt"` (spin forever, for targets with nothing to
//!   return to). On a std `fn main` it is a compile error: std has a panic handler already.
//! - `allocator = "system"`: a `malloc`/`free`/`posix_memalign` global allocator, for `alloc`.
//! - A never-called `rust_eh_personality`, so dev builds link: the precompiled `alloc` names
//!   the unwinder's personality routine, and only LTO removes that reference.
//! - The check that `panic = "abort"` is set in `dev` and every checked profile (a `no_std`
//!   binary has no unwinder); rustc's own error says only that unwinding is unsupported.
//!
//! The repository's `examples/no-std` is such a binary: 4,984 bytes, against 288,432 for the
//! min-size hello world.

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
