//! Generated workspace layouts, for holding the fronts' discovery of the workspace root to
//! cargo's: trees of packages and `[workspace]` manifests with `members` globs and literal
//! paths, every spelling of `exclude`, nested workspaces, `package.workspace` pointers (to the
//! root and to a workspace beside it) and path dependencies inside and outside the tree. The
//! truth is `cargo metadata`'s `workspace_root`, asked in each package's directory, and the
//! opt-level rustc gets: each manifest's `[profile.release]` has its own.

use std::path::{Path, PathBuf};

use crate::{Rng, hermetic};

/// Where packages may stand, under the layout's `top/`.
const PACKAGE_DIRS: &[&str] = &[
    "a",
    "crates/b",
    "crates/c",
    "crates/c/tools/t",
    "examples/ex",
    "x",
    "x/y",
    "nested/n",
    "nested/n/inner",
];

/// `members` entries: literal paths (some spelled with `./`) and globs.
const MEMBERS: &[&str] = &[
    "a",
    "crates/*",
    "crates/b",
    "./crates/c",
    "crates/c/tools/t",
    "examples/*",
    "x",
    "x/y",
    "nested/n",
    "nested/*",
];

/// `exclude` entries, in every spelling: plain, `./`, a trailing `/`, a deeper path, a path
/// through `..` (which cargo compares as written), a glob (which it takes literally).
const EXCLUDES: &[&str] = &[
    "examples",
    "./examples",
    "examples/",
    "crates/c/tools",
    "./crates/b",
    "crates/b/",
    "x",
    "nested",
    "../top/examples",
    "crates/*",
];

/// One generated layout: its files (paths relative to the scratch directory) and the
/// directories of its packages.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The case number it was generated from.
    pub n: u64,
    /// Every file, relative to the layout's directory.
    pub files: Vec<(String, String)>,
    /// The packages' directories, relative to the layout's directory.
    pub packages: Vec<String>,
}

fn toml_list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("{i:?}")).collect();
    format!("[{}]", quoted.join(", "))
}

/// `../` as many times as `dir` has parts: the way from `dir` back up to `top/`.
fn up(dir: &str) -> String {
    "../".repeat(dir.split('/').count())
}

/// Layout `n`.
pub fn generate(n: u64) -> Layout {
    let mut rng = Rng::for_case(n);
    let mut files = Vec::new();
    let present: Vec<&str> = loop {
        let dirs: Vec<&str> = PACKAGE_DIRS
            .iter()
            .copied()
            .filter(|_| rng.chance(55))
            .collect();
        if dirs.len() >= 2 {
            break dirs;
        }
    };
    // the top: a virtual root, a root package, or (rarely) a package with no workspace
    let kind = rng.below(10);
    // a literal member must exist (cargo refuses the layout otherwise); a glob need not match
    let members: Vec<&str> = MEMBERS
        .iter()
        .copied()
        .filter(|m| m.contains('*') || present.contains(&m.trim_start_matches("./")))
        .filter(|_| rng.chance(40))
        .collect();
    let exclude: Vec<&str> = EXCLUDES
        .iter()
        .copied()
        .filter(|_| rng.chance(25))
        .collect();
    let mut top = String::new();
    if kind >= 4 {
        top.push_str("[package]\nname = \"top\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n");
        files.push(("top/src/lib.rs".to_owned(), String::new()));
    }
    if kind != 9 {
        top.push_str("[workspace]\n");
        if !members.is_empty() || rng.chance(70) {
            top.push_str(&format!("members = {}\n", toml_list(&members)));
        }
        if !exclude.is_empty() {
            top.push_str(&format!("exclude = {}\n", toml_list(&exclude)));
        }
    }
    if top.is_empty() {
        top.push_str("[package]\nname = \"top\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
        files.push(("top/src/lib.rs".to_owned(), String::new()));
    }
    files.push(("top/Cargo.toml".to_owned(), top));
    let mut beside = false;
    for dir in &present {
        let name = dir.replace('/', "-");
        let mut text =
            format!("[package]\nname = \"{name}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n");
        match rng.below(100) {
            // a nested workspace of its own
            0..15 => {
                let inner = if *dir == "nested/n" && present.contains(&"nested/n/inner") {
                    "members = [\"inner\"]\n"
                } else {
                    ""
                };
                text.push_str(&format!("\n[workspace]\n{inner}"));
            }
            // a pointer back to the top
            15..27 => text.push_str(&format!(
                "workspace = \"{}\"\n",
                up(dir).trim_end_matches('/')
            )),
            // a pointer to the workspace beside the top
            27..35 => {
                beside = true;
                text.push_str(&format!("workspace = \"{}../ws\"\n", up(dir)));
            }
            _ => {}
        }
        if rng.chance(25) {
            let other = rng.pick(&present);
            if other != *dir {
                let to = format!("{}{other}", up(dir));
                text.push_str(&format!(
                    "\n[dependencies]\n{} = {{ path = \"{to}\" }}\n",
                    other.replace('/', "-")
                ));
            }
        }
        if rng.chance(10) {
            // a path dependency outside the tree
            text.push_str(&format!(
                "\n[dependencies.outside]\npath = \"{}../outside\"\n",
                up(dir)
            ));
        }
        files.push((format!("top/{dir}/Cargo.toml"), text));
        files.push((format!("top/{dir}/src/lib.rs"), String::new()));
    }
    if beside {
        let listed: Vec<String> = present.iter().map(|d| format!("../top/{d}")).collect();
        let listed: Vec<&str> = listed
            .iter()
            .map(String::as_str)
            .filter(|_| rng.chance(70))
            .collect();
        files.push((
            "ws/Cargo.toml".to_owned(),
            format!("[workspace]\nmembers = {}\n", toml_list(&listed)),
        ));
    }
    files.push((
        "outside/Cargo.toml".to_owned(),
        "[package]\nname = \"outside\"\nversion = \"0.1.0\"\nedition = \"2021\"\n".to_owned(),
    ));
    files.push(("outside/src/lib.rs".to_owned(), String::new()));
    // each manifest's own opt-level, so rustc's tells whose profile cargo built with (a
    // member's is ignored): the top's "s", the workspace beside it 2, a nested root 1, others 0
    for (rel, text) in files.iter_mut().filter(|(r, _)| r.ends_with("Cargo.toml")) {
        let level = match rel.as_str() {
            "top/Cargo.toml" => "\"s\"",
            "ws/Cargo.toml" => "2",
            _ if text.contains("[workspace]") => "1",
            _ => "0",
        };
        text.push_str(&format!("\n[profile.release]\nopt-level = {level}\n"));
    }
    let mut packages: Vec<String> = present.iter().map(|d| format!("top/{d}")).collect();
    packages.push("top".to_owned());
    Layout { n, files, packages }
}

impl Layout {
    /// Writes the layout's files under `dir`.
    pub fn write(&self, dir: &Path) {
        for (rel, text) in &self.files {
            let path = dir.join(rel);
            std::fs::create_dir_all(path.parent().expect("a parent")).expect("mkdir");
            std::fs::write(&path, text).expect("write");
        }
    }

    /// The layout's files, for a failure message.
    pub fn show(&self) -> String {
        self.files
            .iter()
            .filter(|(rel, _)| rel.ends_with("Cargo.toml"))
            .map(|(rel, text)| format!("--- {rel}\n{text}"))
            .collect()
    }
}

/// The workspace root `cargo metadata` names for the package in `dir`, or cargo's error when
/// it refuses the layout.
pub fn cargo_root(dir: &Path) -> Result<PathBuf, String> {
    let out = hermetic::cargo()
        .args([
            "metadata",
            "--no-deps",
            "--offline",
            "--format-version",
            "1",
        ])
        .current_dir(dir)
        .output()
        .expect("cargo runs");
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned());
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let key = "\"workspace_root\":\"";
    let start = text.find(key).expect("cargo metadata names the root") + key.len();
    let end = start + text[start..].find('"').expect("a JSON string");
    Ok(PathBuf::from(&text[start..end]))
}
