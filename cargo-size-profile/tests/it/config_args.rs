//! `--config` arguments as cargo takes them: for each spelling, the CLI accepts or refuses it
//! as `cargo metadata` does, and refuses it before running anything else.

// the test writes its project
#![allow(clippy::disallowed_methods)]

#[test]
fn a_config_argument_is_taken_or_refused_as_cargo_takes_it() {
    let dir = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!("config-args-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        "[package]\nname = \"app\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n",
    )
    .unwrap();
    std::fs::write(dir.join("src/main.rs"), "fn main() {}\n").unwrap();
    // a file, with and without `.toml`: cargo reads any path that is there
    std::fs::write(dir.join("extra"), "profile.release.opt-level = 1\n").unwrap();
    std::fs::write(dir.join("extra.toml"), "[profile.release]\nlto = true\n").unwrap();
    let arguments = [
        "profile.release.lto=true",
        "profile.release.opt-level = \"z\"",
        "target.'cfg(unix)'.rustflags=[\"-g\"]",
        "extra",
        "extra.toml",
        "profile.release.lto=true # a comment",
        "# a comment\nprofile.release.lto=true",
        "profile.release={lto=true}",
        "[[a]]",
        "[profile.release]",
        "a=1\nb=2",
        "nonsense",
        "profile.release.lto",
    ];
    let mut taken = 0;
    for arg in arguments {
        let cargo = size_profile_tests::hermetic::cargo()
            .args([
                "metadata",
                "--no-deps",
                "--offline",
                "--format-version",
                "1",
            ])
            .args(["--config", arg])
            .current_dir(&dir)
            .output()
            .expect("cargo runs");
        let ours = crate::support::run_in(&dir, &["check", "--config", arg]);
        let cargo_took = cargo.status.success();
        taken += usize::from(cargo_took);
        let stderr = String::from_utf8_lossy(&ours.stderr);
        assert_eq!(
            ours.status.code(),
            Some(if cargo_took { 0 } else { 2 }),
            "`{arg}`: cargo {}:\n{}\nours:\n{stderr}",
            if cargo_took { "takes it" } else { "refuses it" },
            String::from_utf8_lossy(&cargo.stderr)
        );
        if !cargo_took {
            // one line naming the argument, before anything was built or read further
            let first = stderr.lines().next().unwrap_or_default();
            assert!(
                first.starts_with(&format!(
                    "error: --config argument `{}",
                    arg.lines().next().unwrap()
                )),
                "`{arg}`: {stderr}"
            );
        }
    }
    // both kinds are in the table
    assert!((1..arguments.len()).contains(&taken), "{taken} taken");
    let _ = std::fs::remove_dir_all(&dir);
}
