//! Cargo as the oracle for the workspace root: in generated layouts
//! (`size_profile_tests::layouts`), the root the build script and the attribute find (the
//! core's own discovery: they cannot run cargo) is the `workspace_root` of `cargo metadata`,
//! for every package cargo accepts. `SIZE_PROFILE_LAYOUT_CASES` sets how many layouts (default
//! 60; CONTRIBUTING.md has a longer run).

use std::path::Path;

use size_profile::__private::{Disk, Env, FlagsFrom, NameMap, ProcessEnv, gather};
use size_profile_tests::layouts::{cargo_root, generate};
use size_profile_tests::{Scratch, hermetic};

fn cases() -> u64 {
    ProcessEnv
        .var("SIZE_PROFILE_LAYOUT_CASES")
        .and_then(|n| n.parse().ok())
        .unwrap_or(60)
}

/// The root the core finds for the package in `dir`, with cargo's home as the tests' cargo
/// runs have it.
fn core_root(dir: &Path) -> Result<std::path::PathBuf, String> {
    let env: NameMap<String> = [(
        "CARGO_HOME".to_owned(),
        hermetic::cargo_home().display().to_string(),
    )]
    .into_iter()
    .collect();
    gather(dir, &env, &Disk, &FlagsFrom::Config(None))
        .map(|i| i.root_dir)
        .map_err(|p| p.to_string())
}

/// The opt-level the root manifest at `root` gives release, as the layouts write it.
#[allow(clippy::disallowed_methods)] // the test reads the layouts' manifests
fn root_opt_level(root: &Path) -> String {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).expect("the root manifest");
    let line = text
        .lines()
        .rfind(|l| l.starts_with("opt-level = "))
        .expect("each layout manifest sets one");
    line.trim_start_matches("opt-level = ")
        .trim_matches('"')
        .to_owned()
}

#[test]
fn the_root_the_core_finds_is_the_one_whose_profile_rustc_gets() {
    let scratch = Scratch::new("layout-builds", "");
    std::fs::remove_file(scratch.dir.join("Cargo.toml")).expect("the scratch manifest");
    let target = size_profile_tests::shared_target().join("layouts");
    let (mut built, mut n) = (0, 0);
    let mut wrong = Vec::new();
    // a build of the first packages cargo accepts, in the first layouts
    while built < 12 && n < cases() {
        let layout = generate(n);
        let dir = scratch.dir.join(format!("case-{n}"));
        layout.write(&dir);
        for package in layout.packages.iter().take(2) {
            let pkg = dir.join(package);
            if cargo_root(&pkg).is_err() {
                continue;
            }
            let name = match package.as_str() {
                "top" => "top".to_owned(),
                other => other.trim_start_matches("top/").replace('/', "-"),
            };
            let out = hermetic::cargo()
                .args(["build", "--release", "-v", "--offline", "-p", &name])
                .current_dir(&pkg)
                .env("CARGO_TARGET_DIR", &target)
                .output()
                .expect("cargo runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            let crate_name = format!("--crate-name {} ", name.replace('-', "_"));
            let Some(line) = stderr
                .lines()
                .find(|l| l.contains("Running `") && l.contains(&crate_name))
            else {
                wrong.push(format!(
                    "case {n}, {package}: no rustc line
{stderr}"
                ));
                continue;
            };
            let rustc = line
                .split(" -C ")
                .find_map(|f| f.strip_prefix("opt-level="))
                .map(|v| v.split(' ').next().unwrap_or_default().to_owned())
                .unwrap_or_else(|| "0".to_owned());
            let ours = root_opt_level(&core_root(&pkg).expect("the core finds a root"));
            if rustc != ours {
                wrong.push(format!(
                    "case {n}, {package}: rustc opt-level {rustc}, the core's root gives {ours}\n{}",
                    layout.show()
                ));
            }
            built += 1;
        }
        n += 1;
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(built >= 12, "only {built} packages built");
}

#[test]
fn the_core_finds_the_workspace_root_cargo_finds() {
    let scratch = Scratch::new("layouts", "");
    // the layouts stand in no workspace but their own
    std::fs::remove_file(scratch.dir.join("Cargo.toml")).expect("the scratch manifest");
    let (mut agreed, mut refused) = (0, Vec::new());
    let mut wrong = Vec::new();
    for n in 0..cases() {
        let layout = generate(n);
        let dir = scratch.dir.join(format!("case-{n}"));
        layout.write(&dir);
        for package in &layout.packages {
            let pkg = dir.join(package);
            let truth = match cargo_root(&pkg) {
                Ok(root) => root,
                // a layout cargo refuses (a package its root does not list, say) has no root
                Err(why) => {
                    refused.push(why.lines().next().unwrap_or_default().to_owned());
                    continue;
                }
            };
            match core_root(&pkg) {
                Ok(ours) if ours == truth => agreed += 1,
                ours => wrong.push(format!(
                    "case {n}, package {package}: cargo {}, ours {ours:?}\n{}",
                    truth.display(),
                    layout.show()
                )),
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} disagreements:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    // the generator must keep making layouts cargo accepts
    assert!(
        agreed >= 2 * cases() as usize,
        "only {agreed} packages cargo accepts; refused: {refused:#?}"
    );
}

const MIN_SIZE: &str = "[profile.release]\nopt-level = \"z\"\nlto = true\ncodegen-units = 1\npanic = \"abort\"\nstrip = true\n";

#[test]
fn a_package_cargo_builds_as_its_own_root_is_checked_with_its_own_profile() {
    // an outer root with the whole size profile, and a package cargo takes out of it: by
    // `exclude` spelled with `./`, by `exclude` below a glob's match, by `exclude` a glob
    // cannot take back
    let layouts = [
        ("exclude = [\"./examples\"]\n", "examples/ex"),
        (
            "members = [\"crates/*\"]\nexclude = [\"crates/app/tools\"]\n",
            "crates/app/tools/t",
        ),
        (
            "members = [\"crates/*\"]\nexclude = [\"crates/b\"]\n",
            "crates/b",
        ),
    ];
    let dep = size_profile_tests::repo_root().join("size-profile");
    for (workspace, dir) in layouts {
        let p = Scratch::checked("ownroot", "");
        p.write(
            "Cargo.toml",
            &format!("[workspace]\n{workspace}\n{MIN_SIZE}"),
        );
        std::fs::remove_file(p.dir.join("build.rs")).expect("the scratch build script");
        for member in ["crates/app", "crates/b"] {
            p.write(
                &format!("{member}/Cargo.toml"),
                &format!(
                    "[package]\nname = \"{}\"\nversion = \"0.1.0\"\n",
                    member.replace('/', "-")
                ),
            );
            p.write(&format!("{member}/src/lib.rs"), "");
        }
        p.write(
            &format!("{dir}/Cargo.toml"),
            &format!(
                "[package]\nname = \"own\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[build-dependencies]\nsize-profile = {{ path = {:?} }}\n",
                dep.display().to_string()
            ),
        );
        p.write(
            &format!("{dir}/build.rs"),
            "fn main() {\n    size_profile::check();\n}\n",
        );
        p.write(&format!("{dir}/src/main.rs"), "fn main() {}\n");
        let run = p.cargo_in(dir, &["build", "--release", "-v"], &[]).ok();
        // cargo's truth: the outer profile does not apply
        let args = run
            .rustc_args("own")
            .expect("rustc ran for the package")
            .join(" ");
        assert!(
            args.contains("-C opt-level=3") && !args.contains("-C lto"),
            "{dir}: {args}"
        );
        // and the build script says so, pointing at the package's own manifest
        assert_eq!(
            run.warnings(),
            [
                r#"release: opt-level is 3 (cargo's default for release); want "z" or "s": add `opt-level = "z"` under [profile.release] in Cargo.toml"#,
                r#"release: lto is false (cargo's default for release); want true: add `lto = true` under [profile.release] in Cargo.toml"#,
                r#"release: codegen-units is 16 (cargo's default for release); want 1: add `codegen-units = 1` under [profile.release] in Cargo.toml"#,
                r#"release: panic is "unwind" (cargo's default for release); want "abort": add `panic = "abort"` under [profile.release] in Cargo.toml"#,
                r#"release: strip is "debuginfo" (cargo's default for release); want true: add `strip = true` under [profile.release] in Cargo.toml"#,
            ],
            "{dir}"
        );
    }
}
