//! `apply` with the user's files: what it keeps, what it refuses, and two runs at once.

// tests write and read the projects they make
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::atomic::{AtomicUsize, Ordering};

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// A new project directory with `Cargo.toml` (a package named `app` plus `tail`) and a main.
fn project(tail: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let dir =
        Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("apply-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!("[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n{tail}"),
    )
    .unwrap();
    dir
}

fn run(dir: &Path, args: &[&str]) -> Output {
    crate::support::cli()
        .args(args)
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("the CLI runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn apply_with_no_profile_covers_every_checked_profile_so_check_deny_passes() {
    // dist overrides two settings release would give it: both profiles need writing
    let dir = project("\n[profile.dist]\ninherits = \"release\"\nlto = false\nstrip = \"none\"\n");
    let before = run(&dir, &["check", "--deny"]);
    assert_eq!(before.status.code(), Some(1), "{}", text(&before));
    let apply = run(&dir, &["apply"]);
    assert!(apply.status.success(), "{}", text(&apply));
    assert!(
        text(&apply).contains("in [profile.release], [profile.dist] to Cargo.toml"),
        "{}",
        text(&apply)
    );
    let after = run(&dir, &["check", "--deny"]);
    assert!(after.status.success(), "{}", text(&after));
}

#[test]
fn every_apply_keeps_the_file_as_it_was_and_says_where() {
    let dir = project("");
    let original = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let first = run(&dir, &["apply", "--preset", "small-fast"]);
    assert!(first.status.success(), "{}", text(&first));
    let after_first = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    let second = run(&dir, &["apply", "--preset", "min-size"]);
    assert!(second.status.success(), "{}", text(&second));
    let kept = |out: &Output| -> PathBuf {
        let t = text(out);
        let start = t.find("is kept at ").expect("says where") + "is kept at ".len();
        PathBuf::from(t[start..].split(')').next().unwrap())
    };
    let (one, two) = (kept(&first), kept(&second));
    assert!(
        one.ends_with("Cargo.toml.1") && two.ends_with("Cargo.toml.2"),
        "{one:?} {two:?}"
    );
    assert!(one.starts_with(dir.join("target/size-profile/backup")));
    // the original is still there after the second apply, byte for byte
    assert_eq!(std::fs::read_to_string(&one).unwrap(), original);
    assert_eq!(std::fs::read_to_string(&two).unwrap(), after_first);
}

#[test]
fn two_projects_sharing_a_target_dir_keep_their_own_copies() {
    let (a, b) = (project(""), project(""));
    let shared = a.join("shared-target");
    for dir in [&a, &b] {
        let out = crate::support::cli()
            .args(["apply"])
            .current_dir(dir)
            .env("CARGO_TARGET_DIR", &shared)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    let folders: Vec<_> = std::fs::read_dir(shared.join("size-profile/backup"))
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .collect();
    assert_eq!(folders.len(), 2, "{folders:?}");
    for folder in folders {
        assert!(folder.join("Cargo.toml.1").is_file(), "{folder:?}");
    }
}

#[test]
fn runs_at_the_same_time_each_land_their_edit() {
    let dir = project("");
    let names: Vec<String> = (0..8).map(|i| format!("dist{i}")).collect();
    let children: Vec<_> = names
        .iter()
        .map(|name| {
            crate::support::cli()
                .args(["apply", "--profile", name])
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", dir.join("target"))
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{}", text(&out));
    }
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    for name in &names {
        assert!(
            manifest.contains(&format!("[profile.{name}]")),
            "{name} lost:\n{manifest}"
        );
    }
    // and no temporary file is left beside it
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_temporary_file_left_by_a_killed_run_is_cleared() {
    let dir = project("");
    let stale = dir.join(".Cargo.toml.size-profile-4242-1.tmp");
    std::fs::write(&stale, "half a file").unwrap();
    let out = run(&dir, &["apply"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(!stale.exists());
}

#[cfg(unix)]
#[test]
fn a_symlinked_manifest_stays_a_symlink_and_its_target_is_edited() {
    let dir = project("");
    let real = dir.join("manifests/Cargo.toml");
    std::fs::create_dir_all(real.parent().unwrap()).unwrap();
    std::fs::rename(dir.join("Cargo.toml"), &real).unwrap();
    std::os::unix::fs::symlink("manifests/Cargo.toml", dir.join("Cargo.toml")).unwrap();
    let out = run(&dir, &["apply"]);
    assert!(out.status.success(), "{}", text(&out));
    let link = std::fs::symlink_metadata(dir.join("Cargo.toml")).unwrap();
    assert!(link.file_type().is_symlink());
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("[profile.release]")
    );
}

#[test]
fn crlf_a_byte_order_mark_and_no_final_newline_survive_on_disk() {
    let dir = project("");
    let text_crlf = "\u{feff}[package]\r\nname = \"app\"\r\nversion = \"0.1.0\"\r\nedition = \"2021\"\r\n\r\n[workspace]\r\n# keep me\r\n[profile.release]\r\n# why thin\r\nlto = \"thin\"";
    std::fs::write(dir.join("Cargo.toml"), text_crlf).unwrap();
    let out = run(&dir, &["apply"]);
    assert!(out.status.success(), "{}", text(&out));
    let got = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(got.starts_with("\u{feff}[package]\r\n"), "{got:?}");
    assert_eq!(
        got.matches('\n').count(),
        got.matches("\r\n").count(),
        "{got:?}"
    );
    assert!(
        got.contains("# keep me\r\n[profile.release]\r\n# why thin\r\nlto = true\r\n"),
        "{got:?}"
    );
    assert!(!got.ends_with('\n'), "{got:?}");
}

#[test]
fn refused_input_leaves_the_manifest_untouched_with_exit_2() {
    for (what, tail, args, config) in [
        (
            "a reserved profile name",
            "",
            vec!["apply", "--profile", "debug"],
            None,
        ),
        (
            "a profile name with a dot",
            "",
            vec!["apply", "--profile", "my.dist"],
            None,
        ),
        (
            "a broken config file",
            "",
            vec!["apply"],
            Some("[profile.release\nlto = true\n"),
        ),
        (
            "a value cargo refuses",
            "\n[profile.release]\nlto = \"maybe\"\n",
            vec!["apply"],
            None,
        ),
    ] {
        let dir = project(tail);
        if let Some(config) = config {
            std::fs::create_dir_all(dir.join(".cargo")).unwrap();
            std::fs::write(dir.join(".cargo/config.toml"), config).unwrap();
        }
        let before = std::fs::read(dir.join("Cargo.toml")).unwrap();
        let out = run(&dir, &args);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", text(&out));
        assert!(
            text(&out).contains("nothing was written"),
            "{what}: {}",
            text(&out)
        );
        assert_eq!(
            std::fs::read(dir.join("Cargo.toml")).unwrap(),
            before,
            "{what}"
        );
        assert!(!dir.join("target/size-profile/backup").exists(), "{what}");
    }
}

#[test]
fn the_target_dir_is_cargos_own_from_build_target_dir() {
    let dir = project("\n[package.metadata.size-profile]\nmax-size = \"50 MiB\"\n");
    std::fs::create_dir_all(dir.join(".cargo")).unwrap();
    std::fs::write(
        dir.join(".cargo/config.toml"),
        "[build]\ntarget-dir = \"elsewhere\"\n",
    )
    .unwrap();
    let cli = |args: &[&str]| {
        let out = crate::support::cli()
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        out
    };
    let apply = cli(&["apply"]);
    assert!(
        text(&apply).contains(&format!(
            "is kept at {}",
            dir.join("elsewhere/size-profile/backup").display()
        )),
        "{}",
        text(&apply)
    );
    cli(&["budget"]);
    assert!(dir.join("elsewhere/release/app").is_file());
    assert!(!dir.join("target").exists());
}

/// The unchanged lines at the start and at the end of each hunk of a unified diff.
fn hunk_context(diff: &str) -> Vec<(usize, usize)> {
    let mut hunks: Vec<Vec<char>> = Vec::new();
    for line in diff.lines() {
        if line.starts_with("@@ ") {
            hunks.push(Vec::new());
        } else if let Some(hunk) = hunks.last_mut() {
            match line.chars().next() {
                Some(c @ (' ' | '+' | '-')) => hunk.push(c),
                None => hunk.push(' '),
                // the dry run's own line after the diff
                Some(_) => {}
            }
        }
    }
    hunks
        .iter()
        .map(|h| {
            let lead = h.iter().take_while(|c| **c == ' ').count();
            let trail = h.iter().rev().take_while(|c| **c == ' ').count();
            (lead, trail)
        })
        .collect()
}

#[test]
fn the_dry_run_diff_has_three_lines_of_context_and_patches_to_what_apply_writes() {
    // the profile between other tables, so each side of the change has more than three
    // unchanged lines to show
    let tail = "\n[dependencies]\n\n[features]\none = []\ntwo = []\n\n[profile.release]\nlto = \"thin\"\n\n[profile.bench]\ndebug = true\n\n[lints.rust]\nunsafe_code = \"forbid\"\n";
    let dir = project(tail);
    let dry = run(&dir, &["apply", "--dry-run", "--profile", "release"]);
    assert!(dry.status.success(), "{}", text(&dry));
    let diff = String::from_utf8_lossy(&dry.stdout).into_owned();
    let context = hunk_context(&diff);
    assert!(!context.is_empty(), "no hunk in:\n{diff}");
    // as git, diff -u and cargo-wizard: three lines each side where there are three
    assert!(
        context.iter().all(|c| *c == (3, 3)),
        "{context:?} in:\n{diff}"
    );

    // git applies the shown diff, and gets the file apply writes (outside any repository,
    // so its paths are the directory's, not a work tree's)
    let copy = project(tail);
    std::fs::write(copy.join("shown.diff"), &diff).unwrap();
    let git = std::process::Command::new("git")
        .args(["apply", "-p0", "shown.diff"])
        .current_dir(&copy)
        .env("GIT_CEILING_DIRECTORIES", copy.parent().unwrap())
        .output()
        .expect("git runs");
    assert!(git.status.success(), "{}", text(&git));
    let out = run(&dir, &["apply", "--profile", "release"]);
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(copy.join("Cargo.toml")).unwrap(),
        std::fs::read_to_string(dir.join("Cargo.toml")).unwrap()
    );
}

/// Files under `dir`, recursively (none when it is missing).
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return out;
    };
    for entry in entries.flatten() {
        if entry.path().is_dir() {
            out.extend(files_under(&entry.path()));
        } else {
            out.push(entry.path());
        }
    }
    out
}

/// `apply` on a full file system: whether the copy of the manifest or the manifest itself
/// cannot be written, it exits 2, says the file is as it was, and leaves nothing behind (no
/// empty copy taking a number, no temporary file). The test mounts a 64 KiB tmpfs, so it
/// needs root, as this project's machines and CI have; `SIZE_PROFILE_NO_MOUNT=1` skips it
/// elsewhere.
#[cfg(target_os = "linux")]
#[test]
fn a_full_disk_leaves_the_manifest_as_it_was_and_nothing_behind() {
    if std::env::var_os("SIZE_PROFILE_NO_MOUNT").is_some() {
        return;
    }
    let base = project("");
    let disk = base.join("disk");
    std::fs::create_dir_all(&disk).unwrap();
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&disk)
        .status()
        .unwrap();
    assert!(
        mounted.success(),
        "mount a tmpfs (root needed; SIZE_PROFILE_NO_MOUNT=1 skips)"
    );
    let unmount = || {
        let _ = std::process::Command::new("umount").arg(&disk).status();
    };
    let result = std::panic::catch_unwind(|| {
        // the manifest on the full disk, its copies there (a) or on another disk (b)
        for (case, target) in [("a", disk.join("target")), ("b", base.join("elsewhere"))] {
            let dir = disk.join(case);
            std::fs::create_dir_all(dir.join("src")).unwrap();
            std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
            let manifest = "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n";
            std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
            if case == "a" {
                std::fs::create_dir_all(target.join("size-profile/backup")).unwrap();
            }
            // fill what is left
            let filler = disk.join(format!("filler-{case}"));
            let mut file = std::fs::File::create(&filler).unwrap();
            let block = vec![0u8; 1024];
            while std::io::Write::write_all(&mut file, &block).is_ok() {}
            drop(file);
            let out = crate::support::cli()
                .arg("apply")
                .current_dir(&dir)
                .env("CARGO_TARGET_DIR", &target)
                .output()
                .unwrap();
            let said = text(&out);
            assert_eq!(out.status.code(), Some(2), "{case}: {said}");
            assert!(said.contains("is as it was"), "{case}: {said}");
            assert_eq!(
                std::fs::read_to_string(dir.join("Cargo.toml")).unwrap(),
                manifest
            );
            let left: Vec<PathBuf> = files_under(&dir)
                .into_iter()
                .chain(files_under(&target.join("size-profile/backup")))
                .filter(|p| !p.ends_with("Cargo.toml") && !p.ends_with("src/main.rs"))
                .collect();
            assert!(left.is_empty(), "{case}: left behind: {left:?}");
            std::fs::remove_file(&filler).unwrap();
        }
    });
    unmount();
    let _ = std::fs::remove_dir_all(&base);
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}
