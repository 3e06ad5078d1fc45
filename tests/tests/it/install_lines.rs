//! The lines a newcomer copies from the README and the docs to get the CLI or depend on our
//! crates, run as written. Until 0.1 is on crates.io they work from a clone of this repository
//! beside the project (`git clone ... ../size-profile`): dependency lines keep their crates.io
//! form and a `[patch.crates-io]` table points them at the clone; the CLI is installed with
//! `cargo install --path`. Each line of every fenced block that clones, installs or names one
//! of our crates is run in a new project laid out that way, as a user would paste it.

// tests write scratch projects and read what cargo printed
#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use size_profile_tests::{checkout_files, hermetic, repo_root, shared_target};

use crate::templates::CRATES;

/// A fenced block of a doc: where it is, its language and its lines.
struct Block {
    place: String,
    lang: String,
    lines: Vec<String>,
}

fn blocks(path: &Path) -> Vec<Block> {
    let text = fs::read_to_string(path).expect("a doc");
    let rel = path.strip_prefix(repo_root()).unwrap_or(path).display();
    let mut out = Vec::new();
    let mut open: Option<Block> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        match (trimmed.strip_prefix("```"), open.take()) {
            (Some(info), None) => {
                open = Some(Block {
                    place: format!("{rel}:{}", i + 1),
                    lang: info.split(',').next().unwrap_or_default().trim().to_owned(),
                    lines: Vec::new(),
                });
            }
            (Some(_), Some(block)) => out.push(block),
            (None, Some(mut block)) => {
                block.lines.push(line.to_owned());
                open = Some(block);
            }
            (None, None) => {}
        }
    }
    out
}

/// The shell commands of a block: `$ ` lines of a console block, one-line `run:` steps of a
/// workflow; a trailing `# comment` dropped.
fn commands(block: &Block) -> Vec<String> {
    let strip = |cmd: &str| {
        cmd.split(" # ")
            .next()
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    match block.lang.as_str() {
        "console" | "sh" | "shell" => block
            .lines
            .iter()
            .filter_map(|l| l.strip_prefix("$ "))
            .map(strip)
            .collect(),
        "yaml" | "yml" => block
            .lines
            .iter()
            .filter_map(|l| {
                l.trim_start()
                    .trim_start_matches("- ")
                    .strip_prefix("run: ")
            })
            .filter(|cmd| !cmd.starts_with('|'))
            .map(strip)
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a TOML line gives one of our crates as a dependency or a patch.
fn names_our_crate(line: &str) -> bool {
    let line = line.trim_start();
    CRATES
        .iter()
        .any(|krate| line.starts_with(&format!("{krate} =")))
}

/// A TOML block's tables and its lines that name our crates (other keys, such as a third-party
/// dependency beside ours, are left out: this is about our lines); only those of `table` when
/// it is given.
fn our_lines(block: &Block, table: Option<&str>) -> String {
    let mut out = String::new();
    let mut inside = table.is_none();
    for line in &block.lines {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            inside = table.is_none_or(|t| t == trimmed);
            if inside {
                out.push_str(trimmed);
                out.push('\n');
            }
        } else if inside && names_our_crate(trimmed) {
            out.push_str(trimmed);
            out.push('\n');
        }
    }
    out
}

/// Our crates that a TOML block names outside a `[patch.crates-io]` table.
fn depended_on(block: &Block) -> Vec<&'static str> {
    let mut patch = false;
    let mut named = Vec::new();
    for line in &block.lines {
        let line = line.trim();
        if line.starts_with('[') {
            patch = line == "[patch.crates-io]";
        } else if !patch {
            let found = CRATES
                .into_iter()
                .find(|k| line.starts_with(&format!("{k} =")));
            if let Some(krate) = found.filter(|k| !named.contains(k)) {
                named.push(krate);
            }
        }
    }
    named
}

/// `bash -c command` in `dir`, in the tests' environment plus `env`.
fn shell(dir: &Path, command: &str, env: &[(&str, &std::ffi::OsStr)]) -> Output {
    let mut cmd = hermetic::command("bash");
    cmd.args(["-c", command]).current_dir(dir);
    for (key, value) in env {
        cmd.env(key, value);
    }
    cmd.output().expect("bash runs")
}

fn shown(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A new package `name` in `dir` (its own workspace) with `tail` added to its manifest, and
/// this checkout's lock file to start from (no index look-ups for the shared dependencies).
fn package(dir: &Path, name: &str, tail: &str) -> PathBuf {
    let at = dir.join(name);
    fs::create_dir_all(at.join("src")).expect("package dir");
    fs::write(
        at.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[workspace]\n\n{tail}"
        ),
    )
    .expect("manifest");
    fs::write(at.join("src/main.rs"), "fn main() {}\n").expect("main");
    fs::copy(repo_root().join("Cargo.lock"), at.join("Cargo.lock")).expect("lock");
    at
}

/// Where cargo's metadata for the project in `dir` finds each of our crates it uses: the
/// manifest of each, by name.
fn our_packages(dir: &Path, offline: bool) -> Vec<(String, PathBuf)> {
    let mut cmd = hermetic::cargo();
    cmd.args(["metadata", "--format-version", "1"])
        .current_dir(dir);
    if offline {
        cmd.arg("--offline");
    }
    let out = cmd.output().expect("cargo runs");
    assert!(
        out.status.success(),
        "cargo cannot resolve {}:\n{}",
        dir.display(),
        shown(&out)
    );
    let metadata: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON");
    metadata["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter(|p| CRATES.contains(&p["name"].as_str().unwrap_or_default()))
        .map(|p| {
            let name = p["name"].as_str().unwrap_or_default().to_owned();
            let path = PathBuf::from(p["manifest_path"].as_str().unwrap_or_default());
            (name, path)
        })
        .collect()
}

/// A new empty folder `name` of this test run in the system's temporary directory (no parent
/// folder's `.cargo/config.toml` reaches it); a passing test removes it, a failing one leaves
/// it for a look.
fn scratch(name: &str) -> PathBuf {
    let root = std::env::temp_dir()
        .join("size-profile-tests")
        .join(format!("{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&root);
    fs::create_dir_all(&root).expect("scratch dir");
    root
}

/// A git repository at `dir` whose one commit is this checkout's working tree: every file git
/// tracks or would add (edited, new, not yet committed), so the clone is of what is tested, not
/// of the last commit.
fn working_tree(dir: &Path) -> PathBuf {
    let git = |dir: &Path, args: &[&str]| {
        let out = hermetic::command("git")
            .args(["-c", "user.name=test", "-c", "user.email=test@localhost"])
            .args(["-c", "commit.gpgsign=false", "-c", "core.autocrlf=false"])
            .args(args)
            .current_dir(dir)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git {args:?}:\n{}", shown(&out));
        out.stdout
    };
    let listed = git(
        &repo_root(),
        &[
            "ls-files",
            "-z",
            "--cached",
            "--others",
            "--exclude-standard",
        ],
    );
    fs::create_dir_all(dir).expect("the snapshot's folder");
    for rel in listed.split(|b| *b == 0).filter(|rel| !rel.is_empty()) {
        let rel = Path::new(std::str::from_utf8(rel).expect("a UTF-8 path"));
        let from = repo_root().join(rel);
        // a file deleted but not yet committed is not in the tree
        let Ok(meta) = fs::symlink_metadata(&from) else {
            continue;
        };
        let to = dir.join(rel);
        fs::create_dir_all(to.parent().expect("a file has a folder")).expect("folder");
        if meta.file_type().is_symlink() {
            #[cfg(unix)]
            std::os::unix::fs::symlink(fs::read_link(&from).expect("link"), &to).expect("link");
        } else {
            fs::copy(&from, &to).expect("a file of the checkout");
        }
    }
    git(dir, &["init", "-q"]);
    git(dir, &["add", "-A"]);
    git(dir, &["commit", "-q", "-m", "the working tree"]);
    dir.to_path_buf()
}

/// The repository address the manifests give.
fn repository() -> String {
    let manifest = fs::read_to_string(repo_root().join("Cargo.toml")).expect("root manifest");
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("repository = "))
        .expect("workspace.package.repository")
        .trim_matches('"')
        .to_owned()
}

#[test]
#[ignore = "installs the CLI: .ci/run runs it (cargo test --workspace --tests -- --ignored)"]
fn install_and_dependency_lines_work_as_written_from_a_clone() {
    let root = scratch("doc-lines");
    let app = root.join("app");
    fs::create_dir_all(&app).expect("scratch dir");
    let repository = repository();

    let all: Vec<Block> = checkout_files(".md")
        .iter()
        .flat_map(|d| blocks(d))
        .collect();
    let mut run: Vec<(String, String)> = Vec::new();
    for block in &all {
        for cmd in commands(block) {
            let ours = cmd.starts_with("git clone") || cmd.starts_with("cargo install");
            if ours && !run.iter().any(|(c, _)| *c == cmd) {
                run.push((cmd, block.place.clone()));
            }
        }
    }

    // the clone: every `git clone` line clones this repository to `../size-profile`; the first
    // makes the clone the other lines use (a repository of the checkout as it is, committed
    // or not, in place of the address, which a test cannot reach)
    let clones: Vec<&(String, String)> = run
        .iter()
        .filter(|(c, _)| c.starts_with("git clone"))
        .collect();
    assert!(
        !clones.is_empty(),
        "no doc says how to get the clone the other lines use"
    );
    let local = format!("file://{}", working_tree(&root.join("source")).display());
    for (i, (cmd, place)) in clones.iter().enumerate() {
        assert!(
            cmd.contains(&repository) && cmd.ends_with(" ../size-profile"),
            "{place}: `{cmd}` does not clone {repository} beside the project"
        );
        let dir = if i == 0 {
            app.clone()
        } else {
            let other = root.join(format!("other-{i}")).join("app");
            fs::create_dir_all(&other).expect("scratch dir");
            other
        };
        let out = shell(&dir, &cmd.replace(&repository, &local), &[]);
        assert!(out.status.success(), "{place}: `{cmd}`:\n{}", shown(&out));
        let cloned = dir.join("../size-profile/cargo-size-profile/Cargo.toml");
        assert!(
            cloned.is_file(),
            "{place}: `{cmd}` made no {}",
            cloned.display()
        );
    }
    let clone = root.join("size-profile");

    // every dependency block resolves to the clone: with its own patch table, or with the
    // one its file gives
    let mut checked = 0;
    for (n, block) in all.iter().enumerate() {
        // the crates the block depends on (a block that is only the patch table is checked
        // through the others)
        let named = depended_on(block);
        if block.lang != "toml" || named.is_empty() {
            continue;
        }
        let file = block.place.split(':').next().unwrap_or_default();
        let patch = all
            .iter()
            .filter(|b| b.place.split(':').next() == Some(file) && b.lang == "toml")
            .find(|b| b.lines.iter().any(|l| l.trim() == "[patch.crates-io]"));
        let own = block.lines.iter().any(|l| l.trim() == "[patch.crates-io]");
        let Some(patch) = patch else {
            panic!(
                "{}: names our crates, but {file} has no [patch.crates-io] table for the clone",
                block.place
            );
        };
        let mut tail = our_lines(block, None);
        if !own {
            tail.push_str(&our_lines(patch, Some("[patch.crates-io]")));
        }
        let dir = package(&root, &format!("deps-{n}"), &tail);
        let found = our_packages(&dir, true);
        for krate in named {
            let (_, manifest) = found
                .iter()
                .find(|(name, _)| name == krate)
                .unwrap_or_else(|| panic!("{}: cargo does not use {krate}:\n{tail}", block.place));
            assert!(
                manifest.starts_with(&clone),
                "{}: {krate} resolves to {}, not the clone",
                block.place,
                manifest.display()
            );
        }
        checked += 1;
    }
    assert!(checked >= 3, "only {checked} dependency blocks found");

    // every install line, in the project, installs a CLI cargo runs as `cargo size-profile`
    // (into a folder of the test's, built without optimisation: the line is what is tested,
    // not the optimiser)
    let installed = root.join("installed");
    let installs: Vec<&(String, String)> = run
        .iter()
        .filter(|(c, _)| c.starts_with("cargo install"))
        .collect();
    assert!(!installs.is_empty(), "no doc says how to install the CLI");
    let target = shared_target().with_file_name("target-install");
    for (cmd, place) in installs {
        let out = shell(
            &app,
            cmd,
            &[
                ("CARGO_INSTALL_ROOT", installed.as_os_str()),
                ("CARGO_TARGET_DIR", target.as_os_str()),
                ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "0".as_ref()),
                ("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "256".as_ref()),
                // the workspace's crates are in the cache: no index look-up
                ("CARGO_NET_OFFLINE", "true".as_ref()),
            ],
        );
        assert!(out.status.success(), "{place}: `{cmd}`:\n{}", shown(&out));
    }

    // a crate with both fronts, as the README's first sections make it, builds with their
    // findings; the installed CLI checks it
    let readme: Vec<&Block> = all
        .iter()
        .filter(|b| b.place.starts_with("README.md:"))
        .collect();
    let mut deps = String::new();
    for table in [
        "[dependencies]",
        "[build-dependencies]",
        "[patch.crates-io]",
    ] {
        deps.push_str(table);
        deps.push('\n');
        let mut seen: Vec<String> = Vec::new();
        for block in readme.iter().filter(|b| b.lang == "toml") {
            for line in our_lines(block, Some(table)).lines() {
                if !seen.iter().any(|s| s == line) && !line.starts_with('[') {
                    seen.push(line.to_owned());
                    deps.push_str(line);
                    deps.push('\n');
                }
            }
        }
    }
    let user = package(&root, "user", &deps);
    fs::write(
        user.join("build.rs"),
        "fn main() {\n    size_profile::check();\n}\n",
    )
    .unwrap();
    fs::write(
        user.join("src/main.rs"),
        "use size_profile_macros::size_optimized;\n\n#[size_optimized]\nfn main() {}\n",
    )
    .unwrap();
    let build = hermetic::cargo()
        .args(["build", "--release", "--offline"])
        .current_dir(&user)
        .env("CARGO_TARGET_DIR", shared_target())
        .output()
        .expect("cargo runs");
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(build.status.success(), "{deps}\n{stderr}");
    assert!(
        stderr.contains("warning: user@0.1.0: size-profile: release: lto is false"),
        "no build script finding:\n{stderr}"
    );
    assert!(
        stderr.contains("use of deprecated constant `_::size_profile`: release: lto is false"),
        "no attribute finding:\n{stderr}"
    );
    let mut path = std::ffi::OsString::from(installed.join("bin"));
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    let check = shell(
        &user,
        "cargo size-profile check",
        &[("PATH", path.as_os_str())],
    );
    let text = shown(&check);
    assert!(check.status.success(), "{text}");
    assert!(text.contains("lto is false"), "{text}");

    let _ = fs::remove_dir_all(&root);
}

/// Each example, made into a project as `cargo generate` makes it (the hook's renames done),
/// beside the clone: cargo takes our crates from the clone.
#[test]
fn a_project_generated_from_each_example_takes_our_crates_from_the_clone() {
    let root = scratch("generated");
    #[cfg(unix)]
    std::os::unix::fs::symlink(repo_root(), root.join("size-profile")).expect("the clone");
    for example in crate::templates::examples() {
        let name = example.file_name().unwrap().to_string_lossy().into_owned();
        let project = root.join(format!("my-{name}"));
        copy_dir(&example, &project);
        let script = fs::read_to_string(project.join("cargo-generate.rhai")).expect("hook");
        for args in crate::templates::calls(&script, "delete") {
            fs::remove_file(project.join(args[0])).expect("the hook deletes");
        }
        for args in crate::templates::calls(&script, "rename") {
            fs::rename(project.join(args[0]), project.join(args[1])).expect("the hook renames");
            // and cargo-generate fills in the name
            let manifest = project.join(args[1]);
            let text = fs::read_to_string(&manifest).expect("manifest");
            let project_name = format!("my-{name}");
            fs::write(&manifest, text.replace("{{project-name}}", &project_name)).unwrap();
        }
        // the example's lock file: the same versions, no index look-ups
        let found = our_packages(&project, false);
        let mut names: Vec<&str> = found.iter().map(|(k, _)| k.as_str()).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            crate::templates::crates_used(&example),
            "examples/{name}: cargo does not use each crate of ours the example uses"
        );
        for (krate, manifest) in found {
            assert!(
                manifest.starts_with(root.join("size-profile")),
                "examples/{name}: {krate} from {}",
                manifest.display()
            );
        }
    }
    let _ = fs::remove_dir_all(&root);
}

/// Copies `from` to `to`, without build output.
fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).expect("copy dir");
    for entry in fs::read_dir(from).expect("read dir") {
        let path = entry.expect("dir entry").path();
        let dest = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n != "target") {
                copy_dir(&path, &dest);
            }
        } else {
            fs::copy(&path, &dest).expect("copy file");
        }
    }
}
