//! The architecture as decisions the sources are held to.
//!
//! The public API: the root's items, the variants of its enums and the public methods of its
//! types, as written in the sources, must equal the checked-in `api.txt`. Everything else is
//! behind `#[doc(hidden)] pub mod __private`, for the sibling crates only. After a deliberate
//! change, `SIZE_PROFILE_BLESS=1 cargo test -p size-profile --test architecture` writes the new
//! listing; review its diff like any other API change.
//!
//! The parts: each folder of `src` uses only the parts before it (no import circle).

// the test reads the crate's own sources
#![allow(clippy::disallowed_methods)]

use std::path::Path;

fn source(file: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(file))
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A declaration's first line, without its body: `pub fn new() -> Check`.
fn signature(line: &str) -> String {
    line.trim()
        .trim_end_matches('{')
        .trim_end_matches(';')
        .trim()
        .to_owned()
}

/// The lines of `text` from the line starting with `start` to the closing `}` at its indent.
fn block<'t>(text: &'t str, start: &str) -> Vec<&'t str> {
    let lines: Vec<&str> = text.lines().collect();
    let Some(at) = lines.iter().position(|l| l.starts_with(start)) else {
        panic!("no `{start}`");
    };
    let indent = lines[at].len() - lines[at].trim_start().len();
    let close = format!("{}}}", " ".repeat(indent));
    let end = lines[at..]
        .iter()
        .position(|l| *l == close)
        .map_or(lines.len(), |n| at + n);
    lines[at..=end.min(lines.len() - 1)].to_vec()
}

/// The `pub` items one level inside a block (methods, variants), less `#[doc(hidden)]` ones.
fn members(lines: &[&str], prefix: &str) -> Vec<String> {
    let inner_indent = "    ";
    let mut out = Vec::new();
    let mut hidden = false;
    for line in &lines[1..] {
        let Some(rest) = line.strip_prefix(inner_indent) else {
            continue;
        };
        if rest.starts_with(' ') || rest.starts_with("//") {
            continue;
        }
        if rest.starts_with("#[doc(hidden)]") {
            hidden = true;
            continue;
        }
        if rest.starts_with("#[") {
            continue;
        }
        let is_member = rest.starts_with("pub ")
            || rest.starts_with("fn ")
            || rest.chars().next().is_some_and(char::is_uppercase);
        if is_member && !hidden {
            out.push(format!("{prefix}{}", signature(rest)));
        }
        hidden = false;
    }
    out
}

fn listing() -> String {
    let lib = source("lib.rs");
    let mut out = Vec::new();
    // the root: re-exports and items, outside `__private`
    let mut hidden = false;
    for line in lib.lines() {
        if line.starts_with("#[doc(hidden)]") {
            hidden = true;
            continue;
        }
        if line.starts_with("pub ") {
            if !hidden {
                out.push(signature(line));
            }
            hidden = false;
        } else if !line.starts_with("#[") && !line.starts_with("///") {
            hidden = false;
        }
    }
    out.extend(members(&block(&lib, "impl Check {"), "Check::"));
    for (file, start, prefix) in [
        ("profile/preset.rs", "pub enum Preset {", "Preset::"),
        ("profile/preset.rs", "impl Preset {", "Preset::"),
        ("profile/setting.rs", "pub enum Setting {", "Setting::"),
        ("profile/setting.rs", "impl Setting {", "Setting::"),
        (
            "report/directives.rs",
            "pub enum Directive {",
            "Directive::",
        ),
        ("report/directives.rs", "impl Directive {", "Directive::"),
        ("report/directives.rs", "pub enum Syntax {", "Syntax::"),
        ("report/directives.rs", "impl Syntax {", "Syntax::"),
        ("host.rs", "pub trait Env {", "Env::"),
        ("host.rs", "pub trait Files {", "Files::"),
    ] {
        out.extend(members(&block(&source(file), start), prefix));
    }
    let directives = source("report/directives.rs");
    out.extend(
        directives
            .lines()
            .filter(|l| l.starts_with("pub const "))
            .map(signature),
    );
    let host = source("host.rs");
    out.extend(
        host.lines()
            .filter(|l| l.starts_with("impl Env for") || l.starts_with("impl Files for"))
            .filter(|l| !l.contains("NameMap"))
            .map(signature),
    );
    out.join("\n") + "\n"
}

#[test]
fn the_public_api_is_the_checked_in_listing() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("api.txt");
    let now = listing();
    if std::env::var_os("SIZE_PROFILE_BLESS").is_some() {
        std::fs::write(&path, &now).expect("write api.txt");
    }
    let checked_in = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        now, checked_in,
        "the public API changed: if that is deliberate, bless it (see this file's docs)"
    );
    // a small API: what a build script calls, and the types it names
    assert!(now.lines().count() < 60, "{now}");
}

/// The parts of the core in the order they may depend on each other; CONTRIBUTING.md's layout
/// table shows the same order.
const PARTS: [&str; 4] = ["toml_tree", "profile", "inputs", "report"];

/// Every `.rs` file under a folder of `src`.
fn files_of(part: &str) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut dirs = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(part)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read src") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }
    out
}

#[test]
fn each_part_uses_only_the_parts_before_it() {
    let mut wrong = Vec::new();
    for (at, part) in PARTS.iter().enumerate() {
        let files = files_of(part);
        assert!(!files.is_empty(), "no part `{part}`");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("read source");
            for later in &PARTS[at + 1..] {
                if text.contains(&format!("crate::{later}::")) {
                    wrong.push(format!("{} uses `{later}`", file.display()));
                }
            }
        }
    }
    // the shared leaves use no part at all
    for leaf in ["host.rs", "map.rs", "source.rs"] {
        let text = source(leaf);
        for part in PARTS {
            if text.contains(&format!("crate::{part}::")) {
                wrong.push(format!("{leaf} uses `{part}`"));
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}
