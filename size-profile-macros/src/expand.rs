//! The expansion: the user's function, the findings as warnings on the attribute, the files
//! and variables read (so rustc tracks them), and the optional allocator and panic handler.

use std::path::PathBuf;

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use size_profile::__private::{
    Disk, Env, FlagsFrom, Overrides, ProcessEnv, Request, Scope, report,
};
use syn::{ItemFn, LitStr};

use crate::args::{Allocator, Args, PanicHandler};

pub(crate) fn expand(args: &Args, item: TokenStream) -> syn::Result<TokenStream> {
    let function: ItemFn = syn::parse2(item).map_err(|_| {
        syn::Error::new(
            Span::call_site(),
            "#[size_optimized] goes on `fn main`, or on the `extern \"C\" fn main` of a #![no_main] binary",
        )
    })?;
    // a #![no_std] binary on stable is #![no_main] with an `extern "C"` entry for libc
    let no_std = function.sig.abi.is_some();
    if let (Some((_, span)), false) = (args.panic_handler, no_std) {
        return Err(syn::Error::new(
            span,
            "panic_handler is for #![no_std] binaries (entry `extern \"C\" fn main`); std already has one",
        ));
    }

    let report = check(args, no_std);
    let messages = report.messages.iter().map(|m| finding(m, report.deny));
    // what this front cannot read is said, and never fails the build
    let mut notes: Vec<TokenStream> = report.unread.iter().map(|m| finding(m, false)).collect();
    // warnings stay until the crate is compiled again, and rustc on stable cannot be told to
    // watch a file that does not exist yet (a crate that failed under deny is compiled again)
    if !report.messages.is_empty() && !report.deny {
        notes.push(finding(STALE, false));
    }
    let files = report.files.iter().map(|p| {
        let path = LitStr::new(&p.to_string_lossy(), Span::call_site());
        quote! { const _: &[u8] = ::core::include_bytes!(#path); }
    });
    let vars = report
        .vars
        .iter()
        .map(|v| quote! { const _: ::core::option::Option<&str> = ::core::option_env!(#v); });
    let allocator = args.allocator.map(|a| allocator(a, no_std));
    let panic_handler = args.panic_handler.map(|(h, _)| panic_handler(h));
    Ok(quote! {
        #function
        #(#messages)*
        #(#notes)*
        #(#files)*
        #(#vars)*
        #allocator
        #panic_handler
    })
}

/// Said beside the findings: what the editor shows is as of the crate's last compile.
const STALE: &str = "as read when this crate was last compiled: a config file created since is read after the next change to a .rs file or Cargo.toml (size_profile::check() in build.rs follows it at once)";

/// What the check found, and what it read.
#[derive(Default)]
struct Outcome {
    /// `deny` from the attribute or the metadata.
    deny: bool,
    messages: Vec<String>,
    /// What the attribute could not read (never an error, even under `deny`).
    unread: Vec<String>,
    files: Vec<PathBuf>,
    vars: Vec<String>,
}

fn check(args: &Args, no_std: bool) -> Outcome {
    let env = ProcessEnv;
    let Some(dir) = env.var("CARGO_MANIFEST_DIR") else {
        return Outcome {
            messages: vec![
                "CARGO_MANIFEST_DIR is not set: the crate is not built by cargo, nothing checked"
                    .into(),
            ],
            ..Outcome::default()
        };
    };
    let dir = PathBuf::from(dir);
    let request = Request {
        manifest_dir: &dir,
        cwd: &dir,
        flags: FlagsFrom::Rustc,
        overrides: Overrides {
            preset: args.preset,
            profiles: args.profile.clone().map(|p| vec![p]),
            allow: args.allow,
            allow_allocator: args.allow_allocator,
            // the option can only turn deny on; without it the metadata decides
            deny: args.deny.then_some(true),
        },
        // the profile option, else the metadata's profiles, else release and its
        // descendants: the core's one choice, as the build script and the CLI make it
        scope: Scope::Checked,
        no_std,
        // rustc does not know cargo's command line
        command_line: &[],
    };
    let report = report(&request, &env, &Disk);
    let mut messages: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
    for profile in &report.profiles {
        if let Err(problem) = &profile.resolved {
            messages.push(problem.to_string());
        }
        messages.extend(profile.findings.iter().map(ToString::to_string));
    }
    Outcome {
        deny: report.deny,
        messages,
        unread: report.unread,
        files: report.files,
        vars: report.vars,
    }
}

/// One finding: a `#[deprecated]` item used at the attribute's span (stable Rust has no
/// custom warnings), or under `deny` a compile error there.
fn finding(message: &str, deny: bool) -> TokenStream {
    let span = Span::call_site();
    if deny {
        let message = format!("size-profile: {message}");
        return quote_spanned! {span=> ::core::compile_error!(#message); };
    }
    quote_spanned! {span=>
        const _: () = {
            #[deprecated(note = #message)]
            #[allow(non_upper_case_globals)]
            const size_profile: () = ();
            size_profile
        };
    }
}

fn allocator(kind: Allocator, no_std: bool) -> TokenStream {
    let cfg = match kind {
        Allocator::System => quote! {},
        Allocator::SystemInSizeBuilds => quote! { #[cfg(size_optimized)] },
    };
    // `size_optimized` is declared by the build script check only: allow it to be unknown
    if !no_std {
        return quote! {
            #[doc(hidden)]
            #[allow(unexpected_cfgs)]
            mod __size_profile_allocator {
                #cfg
                #[global_allocator]
                static ALLOCATOR: ::std::alloc::System = ::std::alloc::System;
            }
        };
    }
    quote! {
        #[doc(hidden)]
        #[allow(unused_unsafe, unsafe_code, unexpected_cfgs)]
        #cfg
        mod __size_profile_allocator {
            use ::core::alloc::{GlobalAlloc, Layout};
            use ::core::ffi::c_void;

            unsafe extern "C" {
                fn malloc(size: usize) -> *mut c_void;
                fn realloc(ptr: *mut c_void, size: usize) -> *mut c_void;
                fn free(ptr: *mut c_void);
                fn posix_memalign(out: *mut *mut c_void, align: usize, size: usize) -> i32;
            }

            // what malloc aligns every block to, as std's System assumes
            const MIN_ALIGN: usize = 2 * ::core::mem::size_of::<usize>();

            /// `malloc`/`free` from the C library, as the global allocator.
            pub struct Malloc;

            unsafe impl GlobalAlloc for Malloc {
                unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
                    if layout.align() <= MIN_ALIGN && layout.align() <= layout.size() {
                        return unsafe { malloc(layout.size()) as *mut u8 };
                    }
                    let mut out = ::core::ptr::null_mut();
                    let align = layout.align().max(::core::mem::size_of::<usize>());
                    match unsafe { posix_memalign(&mut out, align, layout.size()) } {
                        0 => out as *mut u8,
                        _ => ::core::ptr::null_mut(),
                    }
                }

                unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
                    unsafe { free(ptr as *mut c_void) }
                }

                unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
                    if layout.align() <= MIN_ALIGN && layout.align() <= new_size {
                        return unsafe { realloc(ptr as *mut c_void, new_size) as *mut u8 };
                    }
                    let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
                    let new = unsafe { self.alloc(new_layout) };
                    if !new.is_null() {
                        unsafe {
                            ::core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                            self.dealloc(ptr, layout);
                        }
                    }
                    new
                }
            }

            #[global_allocator]
            static ALLOCATOR: Malloc = Malloc;
        }
    }
}

fn panic_handler(kind: PanicHandler) -> TokenStream {
    let body = match kind {
        PanicHandler::Abort => quote! {
            unsafe extern "C" {
                fn abort() -> !;
            }
            unsafe { abort() }
        },
        PanicHandler::Halt => quote! {
            loop {
                ::core::hint::spin_loop();
            }
        },
        PanicHandler::Trap => quote! {
            #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
            unsafe { ::core::arch::asm!("ud2", options(noreturn)) }
            #[cfg(target_arch = "aarch64")]
            unsafe { ::core::arch::asm!("brk #0xf000", options(noreturn)) }
            #[cfg(target_arch = "arm")]
            unsafe { ::core::arch::asm!("udf #0", options(noreturn)) }
            #[cfg(any(target_arch = "riscv32", target_arch = "riscv64"))]
            unsafe { ::core::arch::asm!("unimp", options(noreturn)) }
            #[cfg(not(any(
                target_arch = "x86",
                target_arch = "x86_64",
                target_arch = "aarch64",
                target_arch = "arm",
                target_arch = "riscv32",
                target_arch = "riscv64"
            )))]
            loop {
                ::core::hint::spin_loop();
            }
        },
    };
    quote! {
        #[doc(hidden)]
        #[allow(unused_unsafe, unsafe_code)]
        #[panic_handler]
        fn __size_profile_panic(_: &::core::panic::PanicInfo<'_>) -> ! {
            #body
        }

        // The precompiled `alloc` names the unwinder's personality routine; without LTO (dev
        // builds) the link fails on it. With panic = "abort" nothing unwinds, so it is never
        // called, and release builds with LTO drop the reference altogether.
        #[doc(hidden)]
        #[cfg(panic = "abort")]
        #[allow(unsafe_code)]
        #[unsafe(no_mangle)]
        extern "C" fn rust_eh_personality() {}
    }
}
