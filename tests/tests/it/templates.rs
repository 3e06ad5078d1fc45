//! Every example is also a `cargo generate` template: its `cargo-generate.rhai` hook swaps each
//! in-repository manifest (path dependencies on this checkout) for its `Cargo.template.toml`
//! (the crates.io names; until 0.1 is published, the workspace root's template patches them to
//! a clone beside the project). A template must be its manifest with only those lines changed
//! and that table added, so a project made from an example builds with the same settings as
//! the example does. `install_lines` resolves the templates with cargo.

#![allow(clippy::disallowed_methods)]

use std::fs;
use std::path::{Path, PathBuf};

use size_profile_tests::repo_root;

/// Every `Cargo.template.toml` below `dir`, relative to `dir`, sorted.
fn templates_in(dir: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        for entry in fs::read_dir(dir).expect("read example dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() && path.file_name().is_some_and(|n| n != "target") {
                walk(root, &path, out);
            } else if path.file_name().is_some_and(|n| n == "Cargo.template.toml") {
                let rel = path.strip_prefix(root).expect("below root");
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// The string arguments of each `file::<call>(...)` in a rhai hook.
pub(crate) fn calls<'a>(script: &'a str, call: &str) -> Vec<Vec<&'a str>> {
    let open = format!("file::{call}(");
    script
        .lines()
        .filter_map(|line| line.trim().strip_prefix(open.as_str()))
        .map(|args| {
            let args = args.trim_end_matches(';').trim_end_matches(')');
            args.split(',')
                .map(|a| a.trim().trim_matches('"'))
                .collect()
        })
        .collect()
}

/// The template cargo-generate should find: `manifest` with each path dependency on one of
/// our crates turned into a version requirement, and the package name into the placeholder
/// when `name_placeholder` is set.
fn expected_template(manifest: &str, requirement: &str, name_placeholder: bool) -> String {
    let mut renamed = !name_placeholder;
    let mut out = String::new();
    for line in manifest.lines() {
        let trimmed = line.trim_start();
        let ours = CRATES
            .into_iter()
            .find(|krate| trimmed.starts_with(&format!("{krate} = {{ path = ")));
        if let Some(krate) = ours {
            out.push_str(&format!("{krate} = \"{requirement}\""));
        } else if !renamed && trimmed.starts_with("name = ") {
            out.push_str("name = \"{{project-name}}\"");
            renamed = true;
        } else {
            out.push_str(line);
        }
        out.push('\n');
    }
    out
}

/// The `[patch.crates-io]` table a template's workspace root ends with until 0.1 is on
/// crates.io: `crates` from a clone of this repository beside the project.
pub(crate) fn patch_block(crates: &[&str]) -> String {
    let mut block = String::from(
        "\n# Until size-profile 0.1 is on crates.io, its crates come from a clone beside this project\n\
         # (git clone https://github.com/size-profile/size-profile ../size-profile); remove this\n\
         # table once it is published.\n[patch.crates-io]\n",
    );
    for krate in crates {
        block.push_str(&format!(
            "{krate} = {{ path = \"../size-profile/{krate}\" }}\n"
        ));
    }
    block
}

/// Our crates, as a dependency line names them.
pub(crate) const CRATES: [&str; 2] = ["size-profile", "size-profile-macros"];

/// Our crates that the manifests below `dir` depend on by path, in the order of
/// [`patch_block`].
pub(crate) fn crates_used(dir: &Path) -> Vec<&'static str> {
    fn walk(dir: &Path, text: &mut String) {
        for entry in fs::read_dir(dir).expect("read example dir") {
            let path = entry.expect("dir entry").path();
            if path.is_dir() && path.file_name().is_some_and(|n| n != "target") {
                walk(&path, text);
            } else if path.file_name().is_some_and(|n| n == "Cargo.toml") {
                text.push_str(&fs::read_to_string(&path).expect("manifest"));
            }
        }
    }
    let mut text = String::new();
    walk(dir, &mut text);
    CRATES
        .into_iter()
        .filter(|krate| {
            text.lines()
                .any(|l| l.trim_start().starts_with(&format!("{krate} = {{ path = ")))
        })
        .collect()
}

pub(crate) fn examples() -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = fs::read_dir(repo_root().join("examples"))
        .expect("examples/")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.join("Cargo.toml").is_file())
        .collect();
    dirs.sort();
    dirs
}

#[test]
fn each_example_is_a_template_whose_manifests_match_the_example() {
    let version = env!("CARGO_PKG_VERSION");
    let requirement = version.rsplit_once('.').expect("x.y.z").0;
    let dirs = examples();
    assert_eq!(
        dirs.iter()
            .map(|d| d.file_name().unwrap().to_string_lossy().into_owned())
            .collect::<Vec<_>>(),
        ["cli", "hello", "no-std", "workspace"]
    );
    for dir in dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        let config = fs::read_to_string(dir.join("cargo-generate.toml"))
            .unwrap_or_else(|e| panic!("examples/{name}/cargo-generate.toml: {e}"));
        assert!(
            config.contains(r#"pre = ["cargo-generate.rhai"]"#),
            "examples/{name}/cargo-generate.toml does not run the hook"
        );
        assert!(
            config.contains(r#"ignore = ["target", "Cargo.lock"]"#),
            "examples/{name}/cargo-generate.toml would copy build output or the lockfile"
        );
        let script = fs::read_to_string(dir.join("cargo-generate.rhai"))
            .unwrap_or_else(|e| panic!("examples/{name}/cargo-generate.rhai: {e}"));

        let templates = templates_in(&dir);
        assert!(!templates.is_empty(), "examples/{name} has no template");
        let renames: Vec<(String, String)> = calls(&script, "rename")
            .into_iter()
            .map(|args| (args[0].to_owned(), args[1].to_owned()))
            .collect();
        let deletes: Vec<&str> = calls(&script, "delete").into_iter().map(|a| a[0]).collect();
        let renamed: Vec<&str> = renames.iter().map(|(from, _)| from.as_str()).collect();
        assert_eq!(renamed, templates, "examples/{name}: the hook renames");

        for (template, manifest) in &renames {
            assert_eq!(
                Path::new(template).with_file_name("Cargo.toml"),
                Path::new(manifest),
                "examples/{name}: {template} replaces the manifest beside it"
            );
            assert!(
                deletes.contains(&manifest.as_str()),
                "examples/{name}: the hook renames onto {manifest} without deleting it"
            );
            let template_text = fs::read_to_string(dir.join(template)).unwrap();
            let manifest_text = fs::read_to_string(dir.join(manifest)).unwrap();
            // only the package at the template's root takes the project's name, and only the
            // workspace root can patch
            let at_root = !manifest.contains('/');
            let mut expected = expected_template(&manifest_text, requirement, at_root);
            if at_root {
                expected.push_str(&patch_block(&crates_used(&dir)));
            }
            assert_eq!(
                template_text, expected,
                "examples/{name}/{template} differs from {manifest} in more than the \
                 dependency lines, the name and the patch table"
            );
            assert!(
                !template_text
                    .lines()
                    .any(|l| l.starts_with("size-profile") && l.contains("path = \"../../")),
                "examples/{name}/{template} still depends on this checkout by path"
            );
        }
    }
}

#[test]
fn expected_template_changes_only_our_dependency_lines_and_the_name() {
    let manifest = "[package]\nname = \"foldersync\"\n\n[dependencies]\n\
                    size-profile-macros = { path = \"../../size-profile-macros\" }\n\
                    walkdir = { path = \"../walkdir\" }\n\
                    [build-dependencies]\nsize-profile = { path = \"../../size-profile\" }\n";
    assert_eq!(
        expected_template(manifest, "0.1", true),
        "[package]\nname = \"{{project-name}}\"\n\n[dependencies]\n\
         size-profile-macros = \"0.1\"\nwalkdir = { path = \"../walkdir\" }\n\
         [build-dependencies]\nsize-profile = \"0.1\"\n"
    );
    assert!(expected_template(manifest, "0.1", false).contains("name = \"foldersync\""));
}
