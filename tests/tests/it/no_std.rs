//! `no_std` binaries that need nothing but the attribute: the panic handlers do what they say,
//! the allocator allocates, and a missing `panic = "abort"` is reported.

use std::os::unix::process::ExitStatusExt;
use std::process::Command;

use size_profile_tests::{Scratch, repo_root, shared_target};

const PROFILES: &str = "[profile.dev]\npanic = \"abort\"\n\n[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n";

/// A no_std, no_main binary that allocates, prints its argument count through libc, and
/// panics when given an argument.
fn no_std_crate(name: &str, options: &str, profiles: &str) -> Scratch {
    let dep = repo_root().join("size-profile-macros");
    let p = Scratch::new(
        name,
        &format!(
            "[dependencies]\nsize-profile-macros = {{ path = {:?} }}\n\n{profiles}",
            dep.display().to_string()
        ),
    );
    p.write(
        "src/main.rs",
        &format!(
            r#"#![no_std]
#![no_main]

extern crate alloc;

use size_profile_macros::size_optimized;

#[link(name = "c")]
unsafe extern "C" {{
    fn write(fd: i32, buf: *const u8, count: usize) -> isize;
}}

#[size_optimized({options})]
#[unsafe(no_mangle)]
extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {{
    let mut text = alloc::vec::Vec::new();
    text.extend_from_slice(b"args: ");
    text.push(b'0' + argc as u8);
    text.push(b'\n');
    unsafe {{ write(1, text.as_ptr(), text.len()) }};
    if argc > 1 {{
        panic!("asked to");
    }}
    0
}}
"#
        ),
    );
    p
}

fn run(name: &str, profile_dir: &str, args: &[&str]) -> std::process::Output {
    let exe = shared_target().join(profile_dir).join(name);
    Command::new(&exe)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{}: {e}", exe.display()))
}

#[test]
fn abort_handler_and_malloc_allocator_in_dev_and_release() {
    let p = no_std_crate(
        "nsabort",
        "panic_handler = \"abort\", allocator = \"system\"",
        PROFILES,
    );
    for (args, dir) in [
        (&["build"][..], "debug"),
        (&["build", "--release"][..], "release"),
    ] {
        let build = p.cargo(args).ok();
        assert!(
            !build.stderr.contains("warning: unused"),
            "{}",
            build.stderr
        );
        let ok = run("nsabort", dir, &[]);
        assert_eq!(String::from_utf8_lossy(&ok.stdout), "args: 1\n");
        assert!(ok.status.success());
        let panicked = run("nsabort", dir, &["x"]);
        assert_eq!(
            panicked.status.signal(),
            Some(6),
            "abort() raises SIGABRT ({dir})"
        );
    }
}

#[test]
fn trap_handler_stops_on_an_illegal_instruction() {
    let p = no_std_crate(
        "nstrap",
        "panic_handler = \"trap\", allocator = \"system\"",
        PROFILES,
    );
    p.cargo(&["build", "--release"]).ok();
    assert_eq!(run("nstrap", "release", &[]).status.code(), Some(0));
    let panicked = run("nstrap", "release", &["x"]);
    #[cfg(any(target_arch = "x86", target_arch = "x86_64"))]
    assert_eq!(panicked.status.signal(), Some(4), "ud2 raises SIGILL");
    assert!(!panicked.status.success());
}

#[test]
fn halt_handler_builds() {
    // spinning forever is for targets with nothing to return to; here it only has to build
    let p = no_std_crate(
        "nshalt",
        "panic_handler = \"halt\", allocator = \"system\"",
        PROFILES,
    );
    p.cargo(&["build", "--release"]).ok();
    assert_eq!(
        String::from_utf8_lossy(&run("nshalt", "release", &[]).stdout),
        "args: 1\n"
    );
}

#[test]
fn a_missing_panic_abort_is_reported_for_each_profile() {
    let release_only = PROFILES.replace("[profile.dev]\npanic = \"abort\"\n", "");
    let p = no_std_crate(
        "nsunwind",
        "panic_handler = \"abort\", allocator = \"system\"",
        &release_only,
    );
    // rustc refuses it too; the attribute's warning next to that error says what to change
    let run = p.cargo(&["check"]);
    assert!(!run.success);
    assert!(
        run.stderr
            .contains("unwinding panics are not supported without std"),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr.contains(
            r#"dev: panic is "unwind" (cargo's default for dev); want "abort": add `panic = "abort"` under [profile.dev] in Cargo.toml"#
        ),
        "{}",
        run.stderr
    );
}

#[test]
fn the_no_std_example_builds_and_runs() {
    let example = Scratch::existing("examples/no-std");
    let build = example.cargo(&["build", "--release"]).ok();
    assert_eq!(build.warnings(), Vec::<String>::new());
    let out = run("no-std-hello", "release", &[]);
    assert_eq!(String::from_utf8_lossy(&out.stdout), "Hello from no_std!\n");
    assert!(out.status.success());
}
