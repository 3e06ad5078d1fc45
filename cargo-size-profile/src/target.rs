//! Which manifest, workspace and package a command works on, found the way cargo finds them.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use size_profile::{
    Disk, Document, FlagsFrom, Inputs, Overrides, ProcessEnv, Project, SourceFile,
    component_matches, gather_from,
};

use crate::cli::Target;
use crate::io;

/// A package (or a virtual workspace root) ready to check.
pub(crate) struct Located {
    /// Where cargo runs: config files are found from here.
    pub(crate) cwd: PathBuf,
    /// The package's directory (the root's, for a virtual workspace).
    pub(crate) manifest_dir: PathBuf,
    /// The package's name, when there is a package.
    pub(crate) package: Option<String>,
    /// What was read.
    pub(crate) inputs: Inputs,
    /// The checked view of it.
    pub(crate) project: Project,
}

impl Located {
    /// The workspace root manifest: the only one whose profiles cargo reads.
    pub(crate) fn root_manifest(&self) -> PathBuf {
        self.inputs.root_dir.join("Cargo.toml")
    }

    /// The package's manifest.
    pub(crate) fn package_manifest(&self) -> PathBuf {
        self.manifest_dir.join("Cargo.toml")
    }

    /// The target directory cargo uses (`CARGO_TARGET_DIR`, else `<root>/target`).
    pub(crate) fn target_dir(&self) -> PathBuf {
        match io::var("CARGO_TARGET_DIR") {
            Some(dir) => self.cwd.join(dir),
            None => self.inputs.root_dir.join("target"),
        }
    }

    /// Reads everything again with the root manifest's text replaced: what the project would
    /// be after an edit.
    pub(crate) fn with_root_text(
        &self,
        text: &str,
        overrides: &Overrides,
        names: &[&str],
    ) -> Result<Project> {
        let mut inputs = self.inputs.clone();
        inputs.root = Document::parse(SourceFile::new(inputs.root.path(), text))
            .map_err(|p| anyhow!("{p}"))?;
        Ok(Project::new(&inputs, overrides, names))
    }
}

impl Located {
    /// Fails, listing every input problem, when the project cannot be used as it is: a file
    /// that cannot be read or parsed, an option of ours that is wrong. For the commands that
    /// build or write (`check` reports them and exits 2 itself).
    pub(crate) fn usable(&self) -> Result<()> {
        if self.project.problems.is_empty() {
            return Ok(());
        }
        let lines: Vec<String> = self
            .project
            .problems
            .iter()
            .map(ToString::to_string)
            .collect();
        bail!("{}", lines.join("\nerror: "))
    }
}

/// Finds the manifest, the workspace and the package, and reads them.
pub(crate) fn locate(target: &Target, overrides: &Overrides, names: &[&str]) -> Result<Located> {
    let cwd = io::cwd()?;
    let manifest = match &target.manifest_path {
        Some(path) => {
            let path = cwd.join(path);
            // as cargo: the path names a `Cargo.toml` file, not its directory or another file
            if path.file_name().is_none_or(|n| n != "Cargo.toml") {
                bail!(
                    "{}: --manifest-path must name a Cargo.toml file",
                    path.display()
                );
            }
            if let Some(problem) = io::not_a_file(&path) {
                bail!("{}: {problem}", path.display());
            }
            path
        }
        None => cwd
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|p| io::exists(p))
            .ok_or_else(|| {
                anyhow!(
                    "could not find Cargo.toml in {} or any parent directory",
                    cwd.display()
                )
            })?,
    };
    let dir = manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.clone());
    // the target cargo builds for (`build.target` in a config file, else the host) decides
    // which `[target]` tables apply: read the config files once to learn it
    let configs = gather_from(&dir, &cwd, &ProcessEnv, &Disk, &FlagsFrom::Config(None))
        .map(|i| i.configs)
        .unwrap_or_default();
    let triple = match size_profile::configured_target(&configs, &ProcessEnv) {
        Some(t) => t,
        None => crate::cargo::host_triple()?,
    };
    let flags = FlagsFrom::Config(Some(crate::cargo::target_info(&triple)?));
    let read =
        |d: &Path| gather_from(d, &cwd, &ProcessEnv, &Disk, &flags).map_err(|p| anyhow!("{p}"));
    let first = read(&dir)?;
    let (manifest_dir, inputs) = match &target.package {
        None => (dir, first),
        Some(spec) => {
            let member = find_member(&first, spec)?;
            let inputs = read(&member)?;
            (member, inputs)
        }
    };
    let package = inputs
        .package
        .as_ref()
        .unwrap_or(&inputs.root)
        .package_name()
        .map(str::to_owned);
    let project = Project::new(&inputs, overrides, names);
    // what this reader accepts, cargo must accept too (an empty or package-less manifest, a
    // member the root does not list, ...): cargo's own word on the manifests and config
    if inputs.problems.is_empty() {
        crate::cargo::verify_manifest(&manifest_dir.join("Cargo.toml"), &cwd)?;
    }
    Ok(Located {
        cwd,
        manifest_dir,
        package,
        inputs,
        project,
    })
}

/// The directory of the workspace member named by `spec` (`name` or `name@version`).
fn find_member(inputs: &Inputs, spec: &str) -> Result<PathBuf> {
    let name = spec.split('@').next().unwrap_or(spec);
    let mut candidates = vec![inputs.root_dir.clone()];
    candidates.extend(members(inputs));
    for dir in candidates {
        let path = dir.join("Cargo.toml");
        let Ok(text) = io::read(&path) else { continue };
        let Ok(doc) = Document::parse(SourceFile::new(&path, text)) else {
            continue;
        };
        if doc.package_name() == Some(name) {
            return Ok(dir);
        }
    }
    Err(anyhow!(
        "package `{spec}` is not a member of the workspace at {} (see `workspace.members` in its Cargo.toml)",
        inputs.root_dir.display()
    ))
}

/// The directories of the workspace's members (`workspace.members` globs, less `exclude`).
pub(crate) fn members(inputs: &Inputs) -> Vec<PathBuf> {
    let root = &inputs.root_dir;
    let exclude = inputs.root.workspace_list("exclude");
    let mut dirs: Vec<PathBuf> = inputs
        .root
        .workspace_list("members")
        .iter()
        .flat_map(|pattern| expand(root, pattern))
        .filter(|d| io::exists(&d.join("Cargo.toml")))
        .filter(|d| !exclude.iter().any(|ex| d.starts_with(root.join(ex))))
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}

/// The directories a `members` glob names.
fn expand(root: &Path, pattern: &str) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    for part in pattern.split('/').filter(|p| !p.is_empty() && *p != ".") {
        if !part.contains(['*', '?']) {
            dirs = dirs.into_iter().map(|d| d.join(part)).collect();
            continue;
        }
        dirs = dirs
            .into_iter()
            .flat_map(|d| {
                io::subdirs(&d)
                    .into_iter()
                    .filter(|n| component_matches(part, n))
                    .map(move |n| d.join(n))
            })
            .collect();
    }
    dirs
}
