//! A package's inputs: the manifests and config files (found here), the manifest's facts
//! ([`manifest`]), our options ([`options`]), the variables cargo gives a build script
//! ([`build_env`]), and the recording of what was read ([`record`]).
//!
//! Finding the files cargo reads: the workspace root manifest (found as cargo finds it, by
//! walking up and reading manifests, not by running `cargo metadata`) and the
//! `.cargo/config.toml` files, nearest first, then `$CARGO_HOME`'s.
//! See <https://doc.rust-lang.org/cargo/reference/workspaces.html#root-package> and
//! <https://doc.rust-lang.org/cargo/reference/config.html#hierarchical-structure>.

pub(crate) mod build_env;
pub(crate) mod lock;
pub(crate) mod manifest;
pub(crate) mod options;
pub(crate) mod record;
pub(crate) mod savings;

use std::path::{Component, Path, PathBuf};

use crate::host::{Env, Files};
use crate::inputs::build_env::Built;
use crate::profile::ConfigArg;
use crate::profile::cfg::Target;
use crate::profile::rustflags::{self, Rustflags};
use crate::source::SourceFile;
use crate::toml_tree::{Document, Problem};

/// Where a build script's flags come from when no config file gives exactly them.
const OUTSIDE_CONFIG: &str = "RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS";

/// Everything the core reads for one package.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// The directory of the workspace root manifest.
    pub root_dir: PathBuf,
    /// The workspace root manifest (paths in documents are shown relative to `root_dir`).
    pub root: Document,
    /// The package's own manifest, when the package is not the workspace root.
    pub package: Option<Document>,
    /// At a virtual workspace root, the manifests of the members that ship (those with a
    /// binary that cargo builds there), whose options the check then speaks for; read by
    /// [`Inputs::with_members`], empty otherwise.
    pub members: Vec<Document>,
    /// `.cargo/config.toml` files, lowest precedence first (`$CARGO_HOME`'s, then from the
    /// outermost directory to the nearest).
    pub configs: Vec<Document>,
    /// The `--config` arguments cargo is given, in order (see [`ConfigArg`]); a front that
    /// runs cargo knows them, a build script and the attribute do not.
    pub command_line: Vec<ConfigArg>,
    /// The rustflags rustc gets beside cargo's own flags.
    pub rustflags: Option<Rustflags>,
    /// The target of the build, when the front knows it.
    pub target: Option<Target>,
    /// The package's features that are on (`CARGO_FEATURE_<NAME>` form), when the front
    /// knows them (a build script); else the default features are assumed.
    pub features: Option<Vec<String>>,
    /// What cargo says it compiles the package with, in a build script.
    pub built: Option<Built>,
    /// What this front could not read and says so (never a finding or an error): the
    /// attribute's `[target]` rustflags.
    pub unread: Vec<String>,
    /// Variables the config files' `[env]` sets (name, value) that cargo reads for its own
    /// settings but never from `[env]`: in a build script and in rustc, where `[env]` is
    /// set, they are not the build's, and the check reads past them.
    pub unapplied_env: Vec<(String, String)>,
    /// In a build script, why the build is not the package's own workspace's (the package is
    /// a dependency of another project, which ships): then the check says nothing.
    pub dependency_of: Option<String>,
    /// Rustflags the config files give that the build does not get, since a variable that
    /// cargo reads instead is set: the flags, and the variable.
    pub ignored_rustflags: Option<(Rustflags, String)>,
    /// What the ladder measured on this package, and the text of `Cargo.lock` now (to tell
    /// whether the numbers are from an older build); read only when there are savings.
    pub savings: Option<(savings::Savings, Option<String>)>,
    /// The target directories a savings file is looked for under, most likely first.
    pub target_dirs: Vec<PathBuf>,
    /// Problems met on the way (an unreadable config file, say); they do not stop the check.
    pub problems: Vec<Problem>,
}

impl Inputs {
    /// Reads the manifests of the members in `dirs` (a front that knows them, as the CLI
    /// does from `cargo metadata`): at a virtual root their options are the check's. One
    /// that cannot be read is a problem and is left out.
    pub fn with_members(mut self, dirs: &[PathBuf], files: &dyn Files) -> Inputs {
        for dir in dirs {
            let path = dir.join("Cargo.toml");
            match read_required(files, &path).and_then(|text| parse(&path, &self.root_dir, text)) {
                Ok(doc) => self.members.push(doc),
                Err(problem) => self.problems.push(problem),
            }
        }
        self
    }
}

/// How the rustflags are known to the front.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FlagsFrom {
    /// A build script: `CARGO_ENCODED_RUSTFLAGS` holds exactly what rustc gets, and `TARGET`
    /// and `CARGO_CFG_*` name the target, so the config's flags can be matched to name where
    /// each one is written.
    BuildScript,
    /// Inside rustc (the attribute): found as cargo finds them, with no target known (so
    /// `[target]` tables are not read), from rustc's environment, which holds the config's
    /// `[env]` as a build script's does.
    Rustc,
    /// Anywhere else (the CLI): found as cargo finds them (see the `rustflags` module), for
    /// this target when it is known; without it `[target]` tables are not read.
    Config(Option<Target>),
}

/// Reads a package's manifests and config files, as cargo would find them.
///
/// `manifest_dir` is the package's directory. Config files are looked up from it upwards:
/// cargo starts from the directory it runs in, which a build script cannot see, so a config
/// file in a directory *below* the package (where cargo was run) is not read. A front that
/// knows where cargo runs uses [`gather_from`].
pub fn gather(
    manifest_dir: &Path,
    env: &dyn Env,
    files: &dyn Files,
    flags: &FlagsFrom,
) -> Result<Inputs, Problem> {
    gather_from(manifest_dir, manifest_dir, env, files, flags, &[])
}

/// [`gather`], with config files looked up from `cwd` upwards, as cargo does when it runs in
/// `cwd` (the CLI runs cargo there).
pub fn gather_from(
    manifest_dir: &Path,
    cwd: &Path,
    env: &dyn Env,
    files: &dyn Files,
    flags: &FlagsFrom,
    command_line: &[ConfigArg],
) -> Result<Inputs, Problem> {
    gather_inner(manifest_dir, None, cwd, env, files, flags, command_line)
}

/// [`gather_from`] for a package whose workspace root is known already: the CLI takes it
/// from `cargo metadata`, which is cargo's own word on it.
pub fn gather_in_workspace(
    manifest_dir: &Path,
    root_dir: &Path,
    cwd: &Path,
    env: &dyn Env,
    files: &dyn Files,
    flags: &FlagsFrom,
    command_line: &[ConfigArg],
) -> Result<Inputs, Problem> {
    gather_inner(
        manifest_dir,
        Some(root_dir),
        cwd,
        env,
        files,
        flags,
        command_line,
    )
}

fn gather_inner(
    manifest_dir: &Path,
    known_root: Option<&Path>,
    cwd: &Path,
    env: &dyn Env,
    files: &dyn Files,
    flags: &FlagsFrom,
    command_line: &[ConfigArg],
) -> Result<Inputs, Problem> {
    let mut problems = Vec::new();
    // cargo hands a path dependency's directory over as written (`app/../lib`); its
    // ancestors are those of the directory it names
    let manifest_dir = normalize(manifest_dir);
    let manifest_dir = manifest_dir.as_path();
    let package_path = manifest_dir.join("Cargo.toml");
    let package_text = read_required(files, &package_path)?;
    let package = parse(&package_path, manifest_dir, package_text)?;

    let root_dir = match known_root {
        Some(root) => root.to_path_buf(),
        None => find_root(manifest_dir, &package, env, files, &mut problems),
    };
    let (root, package) = if root_dir == manifest_dir {
        (relabel(package, &root_dir, &package_path), None)
    } else {
        let root_path = root_dir.join("Cargo.toml");
        let text = read_required(files, &root_path)?;
        let root = parse(&root_path, &root_dir, text)?;
        (root, Some(relabel(package, &root_dir, &package_path)))
    };

    let mut configs = Vec::new();
    for path in config_paths(cwd, env, files) {
        match files.read(&path) {
            Ok(text) => match parse(&path, &root_dir, text) {
                Ok(doc) => configs.push(doc),
                Err(problem) => problems.push(problem),
            },
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => problems.push(Problem::file(display(&path, &root_dir), read_error(&e))),
        }
    }

    // a build script and rustc get the config's `[env]`, which cargo never reads for its own
    // settings: those variables are not the build's
    let unapplied_env = match flags {
        FlagsFrom::Config(_) => Vec::new(),
        FlagsFrom::BuildScript | FlagsFrom::Rustc => unapplied(&configs, flags),
    };
    let env = &Unapplied::new(env, &unapplied_env);
    let env: &dyn Env = env;
    let (target, features) = match flags {
        FlagsFrom::BuildScript => {
            let on = env
                .vars_with_prefix("CARGO_FEATURE_")
                .into_iter()
                .map(|(k, _)| k["CARGO_FEATURE_".len()..].to_owned())
                .collect();
            (Target::from_build_script(env), Some(on))
        }
        FlagsFrom::Config(target) => (target.clone(), None),
        FlagsFrom::Rustc => (None, None),
    };
    let mut unread = Vec::new();
    let mut from_config = |problems: &mut Vec<Problem>| -> Option<Rustflags> {
        let configs = rustflags::Configs {
            files: &configs,
            command_line,
        };
        rustflags::from_config(&configs, env, target.as_ref(), problems, &mut unread)
    };
    let (rustflags, ignored_rustflags) = match flags {
        FlagsFrom::BuildScript => match env.var("CARGO_ENCODED_RUSTFLAGS") {
            Some(text) => {
                // cargo hides RUSTFLAGS from build scripts: when the config gives exactly the
                // encoded flags they come from there, else from cargo's environment, which
                // then wins over the config's
                let truth = Rustflags::from_encoded(OUTSIDE_CONFIG, &text);
                let config = from_config(&mut problems).unwrap_or_default();
                if config.texts() == truth.texts() {
                    (Some(config), None)
                } else {
                    let ignored = (!config.flags.is_empty())
                        .then(|| (config, "RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS".to_owned()));
                    (Some(truth), ignored)
                }
            }
            None => (None, None),
        },
        FlagsFrom::Config(_) | FlagsFrom::Rustc => match rustflags::from_env(env) {
            Some(set) => {
                let by = set
                    .flags
                    .first()
                    .map_or_else(|| env_rustflags_name(env), |f| f.origin.clone());
                let ignored = from_config(&mut problems)
                    .filter(|c| !c.flags.is_empty())
                    .map(|c| (c, by));
                (Some(set), ignored)
            }
            None => (from_config(&mut problems), None),
        },
    };

    let package_name = package
        .as_ref()
        .unwrap_or(&root)
        .package_name()
        .map(str::to_owned);
    let target_dirs = savings::target_dirs(env, &configs, command_line, &root_dir, cwd);
    let places = savings::candidates(&target_dirs);
    let savings = match savings::read(&places, package_name.as_deref(), files) {
        Ok(Some(found)) => {
            let lock = files.read(&root_dir.join("Cargo.lock")).ok();
            Some((found, lock))
        }
        Ok(None) => None,
        Err(problem) => {
            unread.push(format!("{problem}; its measured savings are left out"));
            None
        }
    };

    let dependency_of = match flags {
        FlagsFrom::BuildScript => dependency_build(manifest_dir, &root_dir, env, files),
        FlagsFrom::Config(_) | FlagsFrom::Rustc => None,
    };
    let built = (*flags == FlagsFrom::BuildScript).then(|| Built::read(env));
    Ok(Inputs {
        unapplied_env: unapplied_env.clone(),
        dependency_of,
        root_dir,
        root,
        package,
        members: Vec::new(),
        configs,
        command_line: command_line.to_vec(),
        rustflags,
        target,
        features,
        built,
        unread,
        ignored_rustflags,
        savings,
        target_dirs,
        problems,
    })
}

/// The variable whose flags the build gets instead of the config's, when it sets none.
fn env_rustflags_name(env: &dyn Env) -> String {
    if env.var("CARGO_ENCODED_RUSTFLAGS").is_some() {
        "CARGO_ENCODED_RUSTFLAGS".into()
    } else {
        "RUSTFLAGS".into()
    }
}

/// A read error as a message: what the path is, or why it cannot be read.
fn read_error(e: &std::io::Error) -> String {
    let text = e.to_string();
    if text.starts_with("is ") {
        text
    } else {
        format!("cannot be read: {text}")
    }
}

fn read_required(files: &dyn Files, path: &Path) -> Result<String, Problem> {
    match files.read(path) {
        Ok(text) => Ok(text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(Problem::file(path, "does not exist"))
        }
        Err(e) => Err(Problem::file(path, read_error(&e))),
    }
}

fn parse(path: &Path, root_dir: &Path, text: String) -> Result<Document, Problem> {
    Document::parse(SourceFile::new(display(path, root_dir), text))
}

/// The package manifest shown relative to the root, once the root is known: the shown path
/// is part of every location in the tree, so the (small) text is parsed again.
fn relabel(doc: Document, root_dir: &Path, path: &Path) -> Document {
    let shown = display(path, root_dir);
    if doc.file.path == shown {
        return doc;
    }
    let text = doc.file.text.clone();
    Document::parse(SourceFile::new(shown, text)).unwrap_or(doc)
}

/// A path as shown in messages: relative to the workspace root when inside it.
fn display(path: &Path, root_dir: &Path) -> PathBuf {
    path.strip_prefix(root_dir)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

/// The workspace root directory of the package in `manifest_dir`, found as cargo's
/// `Workspace::find_root` finds it: the package's own `[workspace]` or `package.workspace`,
/// else the nearest ancestor manifest that is a root not excluding the package or that points
/// to a root with `package.workspace` (a package without either is passed over). The walk
/// stops below `target/package` and does not go above `$CARGO_HOME`; without any root the
/// package is its own.
fn find_root(
    manifest_dir: &Path,
    package: &Document,
    env: &dyn Env,
    files: &dyn Files,
    problems: &mut Vec<Problem>,
) -> PathBuf {
    let manifest = manifest_dir.join("Cargo.toml");
    if let Some(root) = root_named_by(manifest_dir, package, &manifest) {
        return root;
    }
    let home = cargo_home(env);
    let mut last: Option<&Path> = None;
    for dir in manifest_dir.ancestors().skip(1) {
        if dir.ends_with("target/package") || (last.is_some() && last == home.as_deref()) {
            break;
        }
        last = Some(dir);
        let path = dir.join("Cargo.toml");
        let Ok(text) = files.read(&path) else {
            continue;
        };
        match Document::parse(SourceFile::new(&path, text)) {
            Ok(doc) => {
                if let Some(root) = root_named_by(dir, &doc, &manifest) {
                    return root;
                }
            }
            Err(problem) => problems.push(problem),
        }
    }
    manifest_dir.to_path_buf()
}

/// The root a manifest in `dir` makes known for the package manifest `package`: `dir` when it
/// has `[workspace]` and does not exclude the package, the root its `package.workspace`
/// points to, else none (cargo's `WorkspaceConfig::get_ws_root`).
fn root_named_by(dir: &Path, doc: &Document, package: &Path) -> Option<PathBuf> {
    if doc.is_workspace_root() {
        return (!is_excluded(dir, doc, package)).then(|| dir.to_path_buf());
    }
    doc.package_workspace().map(|rel| normalize(&dir.join(rel)))
}

/// Cargo's `WorkspaceRootConfig::is_excluded`: an `exclude` path covers the package manifest
/// and no `members` entry does. Both are joined to the root and compared by path components
/// (so `./examples` and `examples/` are `examples`), and a `members` glob is compared as
/// written: only a literal member path can take a package back from `exclude`.
fn is_excluded(root_dir: &Path, root: &Document, package_manifest: &Path) -> bool {
    let covers = |entry: &String| package_manifest.starts_with(root_dir.join(entry));
    let excluded = root.workspace_list("exclude").iter().any(covers);
    let listed = root.workspace_list("members").iter().any(covers);
    excluded && !listed
}

/// Why a build script's build is another project's than its package's workspace, when it can
/// tell: the package is a copy cargo made or was given (under `$CARGO_HOME/registry` or
/// `$CARGO_HOME/git`, or vendored with a `.cargo-checksum.json`), or `OUT_DIR` lies in
/// `<dir>/target/` where `<dir>` holds a manifest of another workspace (cargo builds a path
/// dependency in the target directory of the workspace that depends on it). A target
/// directory of another shape (`CARGO_TARGET_DIR`, `build.target-dir`) tells nothing.
fn dependency_build(
    manifest_dir: &Path,
    own_root: &Path,
    env: &dyn Env,
    files: &dyn Files,
) -> Option<String> {
    let copied = cargo_home(env).is_some_and(|home| {
        manifest_dir.starts_with(home.join("registry"))
            || manifest_dir.starts_with(home.join("git"))
    });
    if copied
        || files
            .read(&manifest_dir.join(".cargo-checksum.json"))
            .is_ok()
    {
        return Some("a copy from a registry, git or vendor directory".to_owned());
    }
    let out_dir = build_env::out_dir(env)?;
    let target = out_dir
        .ancestors()
        .skip(4)
        .take(2)
        .find(|d| d.file_name().is_some_and(|n| n == "target"))?;
    let dir = target.parent()?;
    let text = files.read(&dir.join("Cargo.toml")).ok()?;
    let doc = Document::parse(SourceFile::new(dir.join("Cargo.toml"), text)).ok()?;
    let building = find_root(dir, &doc, env, files, &mut Vec::new());
    (building != own_root).then(|| format!("the workspace at {}", building.display()))
}

/// What the config files' `[env]` tables set, nearest file winning, for the variables cargo
/// reads for its own settings (profiles, rustflags, `CARGO_BUILD_*`, `CARGO_TARGET_*`,
/// `CARGO_INCREMENTAL`). Cargo gives `[env]` to build scripts and rustc only. In a build
/// script, `CARGO_ENCODED_RUSTFLAGS` is cargo's own, set after `[env]`.
fn unapplied(configs: &[Document], flags: &FlagsFrom) -> Vec<(String, String)> {
    let cargo_reads = |name: &str| {
        ["CARGO_PROFILE_", "CARGO_BUILD_", "CARGO_TARGET_"]
            .iter()
            .any(|p| name.starts_with(p))
            || name == "CARGO_INCREMENTAL"
            || name == "RUSTFLAGS"
            || (name == "CARGO_ENCODED_RUSTFLAGS" && *flags != FlagsFrom::BuildScript)
    };
    let mut set: crate::map::NameMap<String> = crate::map::NameMap::default();
    for doc in configs {
        let Some(table) = doc.root.get("env").and_then(|n| n.table()) else {
            continue;
        };
        for (name, node) in table {
            let value = node
                .str()
                .or_else(|| node.table()?.get("value")?.str())
                .map(str::to_owned);
            if let (true, Some(value)) = (cargo_reads(name), value) {
                set.insert(name.clone(), value);
            }
        }
    }
    set.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

/// An environment without the variables of `[env]` that cargo does not apply (a name whose
/// value is the one `[env]` gives it).
pub(crate) struct Unapplied<'a> {
    inner: &'a dyn Env,
    hidden: &'a [(String, String)],
}

impl<'a> Unapplied<'a> {
    pub(crate) fn new(inner: &'a dyn Env, hidden: &'a [(String, String)]) -> Unapplied<'a> {
        Unapplied { inner, hidden }
    }

    fn shown(&self, name: &str, value: &str) -> bool {
        !self.hidden.iter().any(|(n, v)| n == name && v == value)
    }
}

impl Env for Unapplied<'_> {
    fn var(&self, key: &str) -> Option<String> {
        self.inner.var(key).filter(|v| self.shown(key, v))
    }

    fn vars_with_prefix(&self, prefix: &str) -> Vec<(String, String)> {
        let mut vars = self.inner.vars_with_prefix(prefix);
        vars.retain(|(k, v)| self.shown(k, v));
        vars
    }

    fn rustc_version(&self) -> Option<String> {
        self.inner.rustc_version()
    }
}

/// `$CARGO_HOME`, else `~/.cargo`, as cargo finds it.
fn cargo_home(env: &dyn Env) -> Option<PathBuf> {
    env.var("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| env.var("HOME").map(|h| Path::new(&h).join(".cargo")))
}

pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

/// The config files cargo reads, lowest precedence first. In each directory `.cargo/config`
/// (without extension) wins over `.cargo/config.toml`, as in cargo.
fn config_paths(start: &Path, env: &dyn Env, files: &dyn Files) -> Vec<PathBuf> {
    let home = cargo_home(env);
    let pick = |dir: &Path| {
        let bare = dir.join("config");
        // present, even when unreadable: cargo would pick it too
        if !matches!(files.read(&bare), Err(e) if e.kind() == std::io::ErrorKind::NotFound) {
            bare
        } else {
            dir.join("config.toml")
        }
    };
    let mut paths: Vec<PathBuf> = start.ancestors().map(|d| pick(&d.join(".cargo"))).collect();
    if let Some(home) = home {
        if !start.ancestors().any(|d| d.join(".cargo") == home) {
            paths.push(pick(&home));
        }
    }
    paths.reverse();
    paths
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::env_map as env;
    use crate::host::file_map as fs;

    #[test]
    fn a_member_finds_its_root_through_a_glob() {
        let files = fs(&[
            (
                "/w/Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\n[profile.release]\nlto = true\n",
            ),
            ("/w/crates/app/Cargo.toml", "[package]\nname = \"app\"\n"),
            ("/w/.cargo/config.toml", "[profile.release]\nstrip = true\n"),
            (
                "/home/u/.cargo/config.toml",
                "[profile.release]\ndebug = 1\n",
            ),
        ]);
        let inputs = gather(
            Path::new("/w/crates/app"),
            &env(&[("HOME", "/home/u")]),
            &files,
            &FlagsFrom::Config(None),
        )
        .unwrap();
        assert_eq!(inputs.root_dir, PathBuf::from("/w"));
        assert_eq!(inputs.root.path(), Path::new("Cargo.toml"));
        assert_eq!(
            inputs.package.as_ref().unwrap().path(),
            Path::new("crates/app/Cargo.toml")
        );
        let configs: Vec<&Path> = inputs.configs.iter().map(Document::path).collect();
        assert_eq!(
            configs,
            vec![
                Path::new("/home/u/.cargo/config.toml"),
                Path::new(".cargo/config.toml")
            ]
        );
    }

    #[test]
    fn an_excluded_package_is_its_own_root_and_package_workspace_is_honoured() {
        let files = fs(&[
            (
                "/w/Cargo.toml",
                "[workspace]\nmembers = [\"crates/*\"]\nexclude = [\"examples\"]\n",
            ),
            (
                "/w/examples/hello/Cargo.toml",
                "[package]\nname = \"hello\"\n",
            ),
            (
                "/w/tools/x/Cargo.toml",
                "[package]\nname = \"x\"\nworkspace = \"../..\"\n",
            ),
        ]);
        let e = env(&[]);
        let hello = gather(
            Path::new("/w/examples/hello"),
            &e,
            &files,
            &FlagsFrom::Config(None),
        )
        .unwrap();
        assert_eq!(hello.root_dir, PathBuf::from("/w/examples/hello"));
        assert!(hello.package.is_none());
        let x = gather(
            Path::new("/w/tools/x"),
            &e,
            &files,
            &FlagsFrom::Config(None),
        )
        .unwrap();
        assert_eq!(x.root_dir, PathBuf::from("/w"));
    }

    /// The root the core finds for the package in `dir`, among `files`.
    fn root_of(files: &[(&str, &str)], dir: &str) -> PathBuf {
        let files = fs(files);
        let e = env(&[("CARGO_HOME", "/home/u/.cargo")]);
        gather(Path::new(dir), &e, &files, &FlagsFrom::Config(None))
            .unwrap()
            .root_dir
    }

    const PKG: &str = "[package]\nname = \"p\"\n";

    #[test]
    fn exclude_is_compared_after_joining_to_the_root() {
        // cargo joins each entry to the root and compares path components: `./examples`,
        // `examples/` and `examples` exclude the same packages; `../w/examples` none
        for (spelling, excluded) in [
            ("examples", true),
            ("./examples", true),
            ("examples/", true),
            ("examples/ex", true),
            ("exam", false),
            ("../w/examples", false),
        ] {
            let root = format!("[workspace]\nexclude = [\"{spelling}\"]\n");
            let got = root_of(
                &[("/w/Cargo.toml", &root), ("/w/examples/ex/Cargo.toml", PKG)],
                "/w/examples/ex",
            );
            let want = if excluded { "/w/examples/ex" } else { "/w" };
            assert_eq!(got, PathBuf::from(want), "exclude = [{spelling:?}]");
        }
    }

    #[test]
    fn only_a_literal_member_path_takes_a_package_back_from_exclude() {
        let files = |members: &str, exclude: &str| {
            format!("[workspace]\nmembers = [{members}]\nexclude = [{exclude}]\n")
        };
        let layout = |root: &str| {
            vec![
                ("/w/Cargo.toml".to_owned(), root.to_owned()),
                ("/w/crates/app/Cargo.toml".to_owned(), PKG.to_owned()),
                (
                    "/w/crates/app/tools/t/Cargo.toml".to_owned(),
                    PKG.to_owned(),
                ),
                ("/w/crates/b/Cargo.toml".to_owned(), PKG.to_owned()),
            ]
        };
        let root = |text: String, dir: &str| {
            let owned = layout(&text);
            let borrowed: Vec<(&str, &str)> = owned
                .iter()
                .map(|(a, b)| (a.as_str(), b.as_str()))
                .collect();
            root_of(&borrowed, dir)
        };
        // a glob's match of `crates/app` is no membership of what lies below it
        let glob = files("\"crates/*\"", "\"crates/app/tools\"");
        assert_eq!(
            root(glob.clone(), "/w/crates/app/tools/t"),
            PathBuf::from("/w/crates/app/tools/t")
        );
        assert_eq!(root(glob, "/w/crates/app"), PathBuf::from("/w"));
        // nor does it take back a package `exclude` names
        let glob = files("\"crates/*\"", "\"crates/b\"");
        assert_eq!(root(glob, "/w/crates/b"), PathBuf::from("/w/crates/b"));
        // a literal path does, for everything below it too (cargo compares by prefix)
        let literal = files(
            "\"crates/b\", \"crates/app\"",
            "\"crates/b\", \"crates/app/tools\"",
        );
        assert_eq!(root(literal.clone(), "/w/crates/b"), PathBuf::from("/w"));
        assert_eq!(root(literal, "/w/crates/app/tools/t"), PathBuf::from("/w"));
    }

    #[test]
    fn an_ancestor_pointing_to_its_workspace_ends_the_search() {
        let files = [
            ("/w/Cargo.toml", "[workspace]\nmembers = [\"x\"]\n"),
            (
                "/w/ws/Cargo.toml",
                "[workspace]\nmembers = [\"../x\", \"../x/y\"]\n",
            ),
            (
                "/w/x/Cargo.toml",
                "[package]\nname = \"x\"\nworkspace = \"../ws\"\n",
            ),
            ("/w/x/y/Cargo.toml", PKG),
        ];
        assert_eq!(root_of(&files, "/w/x/y"), PathBuf::from("/w/ws"));
        // a package with neither `[workspace]` nor a pointer is passed over
        let files = [
            ("/w/Cargo.toml", "[workspace]\nmembers = [\"x/y\"]\n"),
            ("/w/x/Cargo.toml", PKG),
            ("/w/x/y/Cargo.toml", PKG),
        ];
        assert_eq!(root_of(&files, "/w/x/y"), PathBuf::from("/w"));
    }

    #[test]
    fn the_search_stops_at_cargo_home_and_at_a_packaged_copy() {
        // a registry copy under $CARGO_HOME is never a member of a workspace around it
        let files = [
            ("/home/u/Cargo.toml", "[workspace]\n"),
            ("/home/u/.cargo/registry/src/i/dep-1.0.0/Cargo.toml", PKG),
        ];
        assert_eq!(
            root_of(&files, "/home/u/.cargo/registry/src/i/dep-1.0.0"),
            PathBuf::from("/home/u/.cargo/registry/src/i/dep-1.0.0")
        );
        // `$CARGO_HOME` itself is still looked at, as cargo does
        let files = [
            (
                "/home/u/.cargo/Cargo.toml",
                "[workspace]\nmembers = [\"x\"]\n",
            ),
            ("/home/u/.cargo/x/Cargo.toml", PKG),
        ];
        assert_eq!(
            root_of(&files, "/home/u/.cargo/x"),
            PathBuf::from("/home/u/.cargo")
        );
        // `cargo package` verifies its copy in target/package on its own
        let files = [
            ("/w/Cargo.toml", "[workspace]\n"),
            ("/w/target/package/p-0.1.0/Cargo.toml", PKG),
        ];
        assert_eq!(
            root_of(&files, "/w/target/package/p-0.1.0"),
            PathBuf::from("/w/target/package/p-0.1.0")
        );
    }

    #[test]
    fn a_build_for_another_workspace_or_of_a_copy_is_told_apart() {
        let lib = "[package]\nname = \"lib\"\n";
        let files = fs(&[
            ("/a/Cargo.toml", "[package]\nname = \"app\"\n"),
            (
                "/w/Cargo.toml",
                "[workspace]\nmembers = [\"app\", \"lib\"]\n",
            ),
            ("/w/app/Cargo.toml", "[package]\nname = \"app\"\n"),
            ("/w/lib/Cargo.toml", lib),
            ("/libs/lib/Cargo.toml", lib),
            ("/v/vendor/lib/Cargo.toml", lib),
            ("/v/vendor/lib/.cargo-checksum.json", "{}"),
            ("/home/u/.cargo/registry/src/i/lib-1.0.0/Cargo.toml", lib),
        ]);
        let of = |dir: &str, out_dir: &str| {
            let e = env(&[("OUT_DIR", out_dir), ("CARGO_HOME", "/home/u/.cargo")]);
            gather(Path::new(dir), &e, &files, &FlagsFrom::BuildScript)
                .unwrap()
                .dependency_of
        };
        let out = |target: &str| format!("{target}/release/build/lib-0123/out");
        // a path dependency outside the workspace, built in the application's target dir,
        // also for a cross build and when cargo names the directory through `..`
        let other = Some("the workspace at /a".to_owned());
        assert_eq!(of("/libs/lib", &out("/a/target")), other);
        assert_eq!(
            of("/a/../libs/lib", &out("/a/target/x86_64-unknown-linux-gnu")),
            other
        );
        // built on its own, or as a member of the workspace being built: its own build
        assert_eq!(of("/libs/lib", &out("/libs/lib/target")), None);
        assert_eq!(of("/w/lib", &out("/w/target")), None);
        // a target directory of another shape tells nothing
        assert_eq!(of("/libs/lib", &out("/shared")), None);
        // copies are always someone else's build
        let copy = Some("a copy from a registry, git or vendor directory".to_owned());
        assert_eq!(of("/v/vendor/lib", &out("/v/target")), copy);
        assert_eq!(
            of("/home/u/.cargo/registry/src/i/lib-1.0.0", &out("/shared")),
            copy
        );
    }

    #[test]
    fn env_tables_of_the_config_are_read_past_where_cargo_ignores_them() {
        let files = fs(&[
            ("/p/Cargo.toml", "[package]\nname = \"p\"\n"),
            (
                "/.cargo/config.toml",
                "[env]\nCARGO_PROFILE_RELEASE_LTO = \"thin\"\nCARGO_INCREMENTAL = \"1\"\n",
            ),
            (
                "/p/.cargo/config.toml",
                "[env]\nCARGO_PROFILE_RELEASE_LTO = { value = \"true\", force = true }\nRUSTFLAGS = \"-g\"\nCARGO_ENCODED_RUSTFLAGS = \"-g\"\nMY_VAR = \"x\"\n",
            ),
        ]);
        let hidden = |flags: &FlagsFrom| {
            gather(Path::new("/p"), &env(&[]), &files, flags)
                .unwrap()
                .unapplied_env
        };
        let pairs = |list: &[(&str, &str)]| -> Vec<(String, String)> {
            list.iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        };
        // the nearest file wins; a variable cargo does not read is none of ours
        assert_eq!(
            hidden(&FlagsFrom::Rustc),
            pairs(&[
                ("CARGO_ENCODED_RUSTFLAGS", "-g"),
                ("CARGO_INCREMENTAL", "1"),
                ("CARGO_PROFILE_RELEASE_LTO", "true"),
                ("RUSTFLAGS", "-g"),
            ])
        );
        // a build script's CARGO_ENCODED_RUSTFLAGS is cargo's, set after `[env]`
        assert_eq!(
            hidden(&FlagsFrom::BuildScript),
            pairs(&[
                ("CARGO_INCREMENTAL", "1"),
                ("CARGO_PROFILE_RELEASE_LTO", "true"),
                ("RUSTFLAGS", "-g"),
            ])
        );
        // the CLI runs outside cargo: its variables are the shell's, which cargo reads
        assert_eq!(hidden(&FlagsFrom::Config(None)), pairs(&[]));
        // a variable with another value than `[env]`'s is the shell's, and is read
        let seen = |value: &str| {
            let e = env(&[("CARGO_PROFILE_RELEASE_LTO", value)]);
            let inputs = gather(Path::new("/p"), &e, &files, &FlagsFrom::Rustc).unwrap();
            Unapplied::new(&e, &inputs.unapplied_env).var("CARGO_PROFILE_RELEASE_LTO")
        };
        assert_eq!(seen("true"), None);
        assert_eq!(seen("off"), Some("off".to_owned()));
    }

    #[test]
    fn config_without_extension_wins_and_cargo_home_is_read_once() {
        let files = fs(&[
            ("/p/Cargo.toml", "[package]\nname = \"p\"\n"),
            ("/p/.cargo/config", "[profile.release]\nlto = true\n"),
            ("/p/.cargo/config.toml", "[profile.release]\nlto = false\n"),
        ]);
        let inputs = gather(
            Path::new("/p"),
            &env(&[("CARGO_HOME", "/p/.cargo")]),
            &files,
            &FlagsFrom::Config(None),
        )
        .unwrap();
        let configs: Vec<&Path> = inputs.configs.iter().map(Document::path).collect();
        assert_eq!(configs, vec![Path::new(".cargo/config")]);
    }

    #[test]
    fn missing_and_broken_files_are_problems_with_their_path() {
        let files = fs(&[
            ("/p/Cargo.toml", "[package]\nname = \"p\"\n"),
            ("/p/.cargo/config.toml", "[profile.release\n"),
        ]);
        let inputs = gather(Path::new("/p"), &env(&[]), &files, &FlagsFrom::Config(None)).unwrap();
        assert_eq!(inputs.problems.len(), 1);
        assert!(
            inputs.problems[0]
                .to_string()
                .starts_with(".cargo/config.toml:1: invalid TOML"),
            "{}",
            inputs.problems[0]
        );
        let err = gather(Path::new("/q"), &env(&[]), &files, &FlagsFrom::Config(None)).unwrap_err();
        assert_eq!(err.to_string(), "/q/Cargo.toml: does not exist");
    }

    #[test]
    fn a_build_script_names_the_config_line_its_flags_come_from() {
        let files = fs(&[
            ("/p/Cargo.toml", "[package]\nname = \"p\"\n"),
            (
                "/p/.cargo/config.toml",
                "[build]\nrustflags = [\"-C\", \"opt-level=2\"]\n[target.'cfg(windows)']\nrustflags = [\"-O\"]\n",
            ),
        ]);
        let script = |encoded: &str| {
            let e = env(&[
                ("CARGO_ENCODED_RUSTFLAGS", encoded),
                ("TARGET", "x86_64-unknown-linux-gnu"),
                ("CARGO_CFG_UNIX", ""),
            ]);
            let flags = gather(Path::new("/p"), &e, &files, &FlagsFrom::BuildScript)
                .unwrap()
                .rustflags
                .unwrap();
            flags
                .flags
                .iter()
                .map(|f| f.origin.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            script("-C\x1fopt-level=2"),
            [
                "build.rustflags at .cargo/config.toml:2",
                "build.rustflags at .cargo/config.toml:2"
            ]
        );
        assert_eq!(script("-Copt-level=1"), [OUTSIDE_CONFIG]);
    }

    #[test]
    fn config_rustflags_a_variable_overrides_are_named_with_it() {
        let files = fs(&[
            ("/p/Cargo.toml", "[package]\nname = \"p\"\n"),
            (
                "/p/.cargo/config.toml",
                "[build]\nrustflags = [\"-C\", \"link-arg=-Wl,--icf=all\"]\n",
            ),
        ]);
        let ignored = |vars: &[(&str, &str)], from: &FlagsFrom| {
            gather(Path::new("/p"), &env(vars), &files, from)
                .unwrap()
                .ignored_rustflags
                .map(|(flags, by)| (flags.texts().join(" "), by))
        };
        let config = FlagsFrom::Config(None);
        let icf = "-C link-arg=-Wl,--icf=all".to_owned();
        assert_eq!(ignored(&[], &config), None);
        assert_eq!(
            ignored(&[("RUSTFLAGS", "-g")], &config),
            Some((icf.clone(), "RUSTFLAGS".to_owned()))
        );
        // set but empty still wins: cargo passes no flags at all
        assert_eq!(
            ignored(&[("CARGO_ENCODED_RUSTFLAGS", "")], &config),
            Some((icf.clone(), "CARGO_ENCODED_RUSTFLAGS".to_owned()))
        );
        // a build script sees only the encoded flags: other than the config's, they won
        let script = FlagsFrom::BuildScript;
        let build = |encoded: &str| {
            ignored(
                &[
                    ("CARGO_ENCODED_RUSTFLAGS", encoded),
                    ("TARGET", "x86_64-unknown-linux-gnu"),
                ],
                &script,
            )
        };
        assert_eq!(build("-C\x1flink-arg=-Wl,--icf=all"), None);
        assert_eq!(
            build("-g"),
            Some((icf, "RUSTFLAGS or CARGO_ENCODED_RUSTFLAGS".to_owned()))
        );
    }
}
