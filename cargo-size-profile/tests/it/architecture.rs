//! The CLI's layers, as `size-profile/tests/architecture.rs` holds the core's parts: each
//! module of `src` uses only modules of the layers below its own, so there is no import circle.

// the test reads the crate's own sources
#![allow(clippy::disallowed_methods)]

use std::path::{Path, PathBuf};

/// The modules of `src`, lowest layer first: the edge (printing, files, processes) and the
/// command line; cargo; the build target; what commands share; the commands.
const LAYERS: &[&[&str]] = &[
    &["io", "render", "corrupt", "cli", "testdata"],
    &["cargo"],
    &["target"],
    &["edit", "check"],
    &["apply", "why"],
    &["budget", "ladder"],
    &["main"],
];

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every `.rs` file of a module: `src/<name>.rs`, or everything under `src/<name>/`.
fn files_of(module: &Path) -> Vec<PathBuf> {
    if module.is_file() {
        return vec![module.to_path_buf()];
    }
    let mut out = Vec::new();
    for entry in std::fs::read_dir(module).expect("a module's folder") {
        let path = entry.expect("an entry").path();
        if path.is_dir() || path.extension().is_some_and(|e| e == "rs") {
            out.extend(files_of(&path));
        }
    }
    out
}

/// The modules a source text names through `crate::`, also in a group (`crate::{io, cli}`).
fn used(text: &str) -> Vec<String> {
    let word = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut out = Vec::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        let names: Vec<String> = match rest.strip_prefix('{') {
            // the first word of each item of the group: after `{` and each `,` at its depth
            Some(group) => {
                let (mut depth, mut items) = (0, vec![word(group)]);
                for (i, c) in group.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => break,
                        '}' => depth -= 1,
                        ',' if depth == 0 => items.push(word(&group[i + 1..])),
                        _ => {}
                    }
                }
                items
            }
            None => vec![word(rest)],
        };
        for name in names {
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

#[test]
fn each_module_uses_only_the_layers_below_it() {
    let layer_of = |name: &str| LAYERS.iter().position(|layer| layer.contains(&name));
    let mut wrong = Vec::new();
    for entry in std::fs::read_dir(src()).expect("src") {
        let path = entry.expect("an entry").path();
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let Some(layer) = layer_of(&name) else {
            wrong.push(format!("src/{name} is in no layer of LAYERS"));
            continue;
        };
        for file in files_of(&path) {
            let text = std::fs::read_to_string(&file).expect("a source file");
            for other in used(&text) {
                if other == name {
                    continue;
                }
                match layer_of(&other) {
                    Some(below) if below < layer => {}
                    _ => wrong.push(format!(
                        "{} uses `{other}`, which is not in a layer below `{name}`",
                        file.strip_prefix(src()).unwrap_or(&file).display()
                    )),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn the_reader_finds_the_uses_written_each_way() {
    let text = "use crate::io;\nuse crate::target::{Located, locate};\ncrate::cargo::spawn(p, b)\n\
                use crate::{render, check::{json, Report}, edit};";
    assert_eq!(
        used(text),
        ["io", "target", "cargo", "render", "check", "edit"]
    );
}
