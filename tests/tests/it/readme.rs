//! The README shows real output and valid configuration.

use std::path::PathBuf;

use size_profile::__private::{
    Budget, Document, Growth, Options, Preset, Problem, Setting, SourceFile,
};
use size_profile_tests::{Scratch, block_after, read_repo_file};

#[test]
fn the_quick_start_output_is_what_building_examples_hello_prints() {
    let readme = read_repo_file("README.md");
    let shown: Vec<String> = block_after(&readme, "compare this block with a real build")
        .lines()
        .map(|l| {
            l.strip_prefix("warning: hello@0.1.0: size-profile: ")
                .expect("a hello warning")
                .to_owned()
        })
        .collect();
    let run = Scratch::existing("examples/hello")
        .cargo(&["build", "--release"])
        .ok();
    assert_eq!(run.warnings(), shown);
    let dev = Scratch::existing("examples/hello").cargo(&["build"]).ok();
    assert_eq!(
        dev.warnings(),
        Vec::<String>::new(),
        "the README says dev builds print nothing"
    );
}

#[test]
fn the_quick_start_says_how_long_and_ci_runs_its_test_command() {
    let readme = read_repo_file("README.md");
    let commands: Vec<String> = block_after(&readme, "## Quick start")
        .lines()
        .map(|l| l.strip_prefix("$ ").expect("a command line").to_owned())
        .collect();
    assert_eq!(commands.len(), 2, "the quick start has two commands");
    // how long each takes, said before them
    let intro = block_after(&readme, "## Quick start");
    let said = &readme[readme.find("## Quick start").unwrap()..readme.find(&intro).unwrap()];
    assert!(
        said.contains("main job (about ") && said.contains("tests (about "),
        "the quick start does not say how long each command takes:\n{said}"
    );
    let ci = read_repo_file(".ci/run");
    assert!(
        ci.lines().any(|line| line.trim() == commands[1]),
        "`.ci/run` does not run the README's test command `{}`",
        commands[1]
    );
}

/// The tests the README's command leaves out are CI's: each `#[ignore]` says so, and
/// `.ci/run` runs them after the README's command.
#[test]
#[allow(clippy::disallowed_methods)] // the test reads the checkout's sources
fn every_test_the_quick_start_leaves_out_runs_in_ci() {
    let mut ignored = 0;
    for file in size_profile_tests::checkout_files(".rs") {
        let text = std::fs::read_to_string(&file).expect("a source file");
        for (i, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("#[ignore") {
                ignored += 1;
                assert!(
                    line.contains(".ci/run runs it"),
                    "{}:{}: an ignored test that does not say CI runs it: {line}",
                    file.display(),
                    i + 1
                );
            }
        }
    }
    assert!(ignored > 0, "no test is left to CI");
    let ci = read_repo_file(".ci/run");
    assert!(
        ci.lines()
            .any(|line| line.trim() == "cargo test --workspace --tests -- --ignored"),
        "`.ci/run` does not run the ignored tests"
    );
}

#[test]
fn the_configuration_example_is_valid() {
    let readme = read_repo_file("README.md");
    let text = block_after(&readme, "read this block with the crate's own parser");
    let manifest = format!("[package]\nname = \"x\"\n\n{text}");
    let doc = Document::parse(SourceFile::new(PathBuf::from("Cargo.toml"), manifest))
        .expect("valid TOML");
    let mut problems: Vec<Problem> = Vec::new();
    let options = Options::read(None, &doc, &mut problems);
    assert_eq!(problems, vec![]);
    assert_eq!(options.preset, Preset::MinSize);
    assert_eq!(options.allow, [Setting::Panic].into());
    assert!(options.deny);
    assert_eq!(options.max_size, Some(Budget::All(3 * 1024 * 1024)));
    assert_eq!(options.max_growth, Some(Growth::Percent(100)));
}

/// The headings of a markdown text as GitHub anchors them: lower case, spaces as `-`, other
/// punctuation dropped (headings inside code blocks are none).
fn anchors(text: &str) -> Vec<String> {
    let mut in_code = false;
    let mut out = Vec::new();
    for line in text.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        }
        let heading = line.trim_start_matches('#');
        if in_code || heading.len() == line.len() || !heading.starts_with(' ') {
            continue;
        }
        let anchor: String = heading
            .trim()
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == '-' || *c == '_' || *c == ' ')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        out.push(anchor);
    }
    out
}

/// Every relative link of the README and the pages it leads to names a file of the checkout,
/// and a heading of it when it names one: moving a section cannot leave a link behind.
#[test]
#[allow(clippy::disallowed_methods)] // the test reads the checkout's pages
fn every_link_between_the_pages_leads_somewhere() {
    let root = size_profile_tests::repo_root();
    let mut pages = vec![root.join("README.md"), root.join("CONTRIBUTING.md")];
    pages.extend(
        size_profile_tests::checkout_files(".md")
            .into_iter()
            .filter(|p| p.starts_with(root.join("docs"))),
    );
    let mut links = 0;
    for page in &pages {
        let text = std::fs::read_to_string(page).expect("a page");
        // links in code blocks are examples, not links
        let prose: String = text.split("```").step_by(2).collect();
        for (at, _) in prose.match_indices("](") {
            let rest = &prose[at + 2..];
            let link = &rest[..rest.find(')').unwrap_or(rest.len())];
            if link.contains("://") || link.contains(' ') {
                continue;
            }
            links += 1;
            let (path, anchor) = link.split_once('#').unwrap_or((link, ""));
            let target = match path {
                "" => page.clone(),
                path => page.parent().unwrap().join(path),
            };
            assert!(
                target.exists(),
                "{}: `{link}` leads to no file",
                page.display()
            );
            if !anchor.is_empty() {
                let text = std::fs::read_to_string(&target).expect("a linked page");
                assert!(
                    anchors(&text).iter().any(|a| a == anchor),
                    "{}: `{link}`: {} has no heading `#{anchor}`",
                    page.display(),
                    target.display()
                );
            }
        }
    }
    assert!(links > 20, "only {links} links read");
}
