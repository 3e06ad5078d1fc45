//! Which manifest, workspace and package a command works on, found the way cargo finds them.

use std::path::{Path, PathBuf};

use anyhow::{Result, anyhow, bail};
use size_profile::__private::{
    ConfigArg, Disk, Document, FlagsFrom, Inputs, Overrides, ProcessEnv, Project, SourceFile,
    gather_from, gather_in_workspace,
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
    /// What `cargo metadata` says of the workspace; `None` when the input has problems this
    /// reader found first (then nothing is built or written).
    pub(crate) metadata: Option<cargo_metadata::Metadata>,
    /// The target triple the build is for: `--target`, else `CARGO_BUILD_TARGET` or
    /// `build.target`, else the host.
    pub(crate) triple: String,
    /// The `--config` values, as given: every cargo command gets them.
    pub(crate) config: Vec<String>,
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

    /// Where cargo builds it.
    pub(crate) fn place(&self) -> crate::cargo::Place {
        crate::cargo::Place {
            cwd: self.cwd.clone(),
            manifest: self.package_manifest(),
            package: self.package.clone(),
            config: self.config.clone(),
        }
    }

    /// The target directory cargo uses, as `cargo metadata` says (`CARGO_TARGET_DIR`,
    /// `build.target-dir`, `CARGO_BUILD_TARGET_DIR`, else `<root>/target`).
    pub(crate) fn target_dir(&self) -> PathBuf {
        match (&self.metadata, io::var("CARGO_TARGET_DIR")) {
            (Some(m), _) => m.target_directory.as_std_path().to_path_buf(),
            (None, Some(dir)) => self.cwd.join(dir),
            (None, None) => self.inputs.root_dir.join("target"),
        }
    }

    /// The build directory cargo uses, as `cargo metadata` says (`build.build-dir` or
    /// `CARGO_BUILD_BUILD_DIR`, its templates filled in), else the target directory.
    pub(crate) fn build_dir(&self) -> PathBuf {
        match self
            .metadata
            .as_ref()
            .and_then(|m| m.build_directory.as_ref())
        {
            Some(dir) => dir.as_std_path().to_path_buf(),
            None => self.target_dir(),
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
        Ok(Project::new(&inputs, &ProcessEnv, overrides, names))
    }
}

impl Located {
    /// Fails with the core's message (which names the profiles there are, and how to define
    /// this one) when `profile` is not one cargo would build.
    pub(crate) fn require_profile(&self, profile: &str) -> Result<()> {
        self.project
            .resolve(profile)
            .map(|_| ())
            .map_err(|e| anyhow!("{e}"))
    }

    /// Fails, naming the next step, when the package (or, at a virtual workspace root, every
    /// member) builds no binary: `command` measures one. The next step is `-p` with a member
    /// that has one, or how to add one.
    pub(crate) fn require_binary(&self, command: &str, bin: Option<&str>) -> Result<()> {
        let Some(metadata) = &self.metadata else {
            return Ok(());
        };
        let with_bin = members_with_binary(metadata);
        let (this, add) = match &self.package {
            Some(name) if with_bin.contains(&name.as_str()) => {
                return self.require_bin_named(metadata, command, bin);
            }
            Some(name) => (
                format!("package `{name}` builds no binary"),
                format!(
                    "add `src/main.rs`, or a `[[bin]]` table to {}",
                    self.package_manifest().display()
                ),
            ),
            // a virtual root: cargo builds every member
            None if !with_bin.is_empty() => {
                return self.require_bin_named(metadata, command, bin);
            }
            None => (
                format!(
                    "no member of the workspace at {} builds a binary",
                    self.inputs.root_dir.display()
                ),
                "`cargo new <name>` in the workspace adds a member with one".to_owned(),
            ),
        };
        match with_bin.first() {
            Some(first) => bail!(
                "{this}, and `{command}` measures one: run `cargo size-profile {command} -p {first}` (members with a binary: {})",
                with_bin.join(", ")
            ),
            None => bail!("{this}, and `{command}` measures one: {add}"),
        }
    }

    /// Fails, naming the binaries there are, when `--bin` names none of the package's (or, at
    /// a virtual root, of any member's).
    fn require_bin_named(
        &self,
        metadata: &cargo_metadata::Metadata,
        command: &str,
        bin: Option<&str>,
    ) -> Result<()> {
        let Some(bin) = bin else {
            return Ok(());
        };
        let names: Vec<&str> = metadata
            .workspace_packages()
            .into_iter()
            .filter(|p| {
                self.package
                    .as_ref()
                    .is_none_or(|name| *name == p.name.as_str())
            })
            .flat_map(|p| p.targets.iter().filter(|t| t.is_bin()))
            .map(|t| t.name.as_str())
            .collect();
        if names.contains(&bin) {
            return Ok(());
        }
        let place = match &self.package {
            Some(name) => format!("package `{name}`"),
            None => format!("the workspace at {}", self.inputs.root_dir.display()),
        };
        bail!(
            "{place} has no binary `{bin}` (its binaries: {}): choose one with `cargo size-profile {command} --bin {}`",
            names.join(", "),
            names.first().copied().unwrap_or_default()
        )
    }

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

/// What a command that builds one binary was asked on its command line.
pub(crate) struct Asked<'a> {
    /// The command, for messages (`ladder`).
    pub(crate) command: &'static str,
    pub(crate) target: &'a Target,
    /// `--target`.
    pub(crate) triple: Option<&'a str>,
    /// `--profile`; `None`: the project's shipping profile.
    pub(crate) profile: Option<&'a str>,
    /// `--bin`.
    pub(crate) bin: Option<&'a str>,
    /// At a virtual workspace root, build the one member with the binary, as a package
    /// (`cargo rustc`, which the ladder relinks with, needs one).
    pub(crate) sole_member: bool,
}

/// Resolves, once, the build a command makes: the package, read and usable, with the binary
/// asked for, the profile (returned: the one asked for, else the shipping profile) and the
/// target's standard library there.
pub(crate) fn resolve_build(asked: &Asked) -> Result<(Located, String)> {
    let names: Vec<&str> = asked.profile.into_iter().collect();
    let pick = |metadata: &cargo_metadata::Metadata| match asked.sole_member {
        true => sole_binary_member(metadata, asked.command, asked.bin),
        false => Ok(None),
    };
    let at = locate_picking(
        asked.target,
        asked.triple,
        &Overrides::default(),
        &names,
        &pick,
    )?;
    at.usable()?;
    at.require_binary(asked.command, asked.bin)?;
    let profile = match asked.profile {
        Some(name) => name.to_owned(),
        None => at.project.shipping_profile(),
    };
    at.require_profile(&profile)?;
    if let Some(triple) = asked.triple {
        crate::cargo::require_std(triple)?;
    }
    Ok((at, profile))
}

/// At a virtual workspace root, the one member with a binary (named `bin`, when given),
/// which `command` measures; an error naming them when there are several.
fn sole_binary_member(
    metadata: &cargo_metadata::Metadata,
    command: &str,
    bin: Option<&str>,
) -> Result<Option<String>> {
    let owners: Vec<&str> = metadata
        .workspace_packages()
        .into_iter()
        .filter(|p| {
            p.targets
                .iter()
                .any(|t| t.is_bin() && bin.is_none_or(|b| t.name == b))
        })
        .map(|p| p.name.as_str())
        .collect();
    match owners.as_slice() {
        [] => Ok(None),
        [one] => Ok(Some((*one).to_owned())),
        many @ [first, ..] => bail!(
            "several members of the workspace at {} have a binary ({}), and `{command}` measures one: choose it with `cargo size-profile {command} -p {first}`",
            metadata.workspace_root,
            many.join(", ")
        ),
    }
}

/// Finds the manifest, the workspace and the package, and reads them; `triple` is the
/// `--target` of a command that builds.
pub(crate) fn locate(
    target: &Target,
    triple: Option<&str>,
    overrides: &Overrides,
    names: &[&str],
) -> Result<Located> {
    locate_picking(target, triple, overrides, names, &|_| Ok(None))
}

/// [`locate`], where at a virtual workspace root with no package given, `pick` may choose a
/// member from cargo's metadata.
fn locate_picking(
    target: &Target,
    triple: Option<&str>,
    overrides: &Overrides,
    names: &[&str],
    pick: &dyn Fn(&cargo_metadata::Metadata) -> Result<Option<String>>,
) -> Result<Located> {
    let cwd = io::cwd()?;
    let manifest = match &target.manifest.manifest_path {
        Some(path) => {
            let path = cwd.join(path);
            // as cargo: the path names a `Cargo.toml` file, not its directory or another file
            if path.file_name().is_none_or(|n| n != "Cargo.toml") {
                bail!(
                    "{}: --manifest-path must name a Cargo.toml file",
                    path.display()
                );
            }
            // a directory, FIFO or dangling symlink is named as such by the core's reader
            path
        }
        None => cwd
            .ancestors()
            .map(|d| d.join("Cargo.toml"))
            .find(|p| io::is_file(p))
            .ok_or_else(|| {
                anyhow!(
                    "could not find Cargo.toml in {} or any parent directory: run it in a Cargo project, or name one with `--manifest-path <path>/Cargo.toml`",
                    cwd.display()
                )
            })?,
    };
    let dir = manifest
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| cwd.clone());
    let arguments = config_args(&target.config, &cwd)?;
    // the target cargo builds for (`build.target` in a config file, else the host) decides
    // which `[target]` tables apply: read the config files once to learn it
    let none = FlagsFrom::Config(None);
    let configs = gather_from(&dir, &cwd, &ProcessEnv, &Disk, &none, &arguments)
        .map(|i| i.configs)
        .unwrap_or_default();
    let configured =
        || size_profile::__private::configured_target(&configs, &arguments, &ProcessEnv);
    let triple = match triple.map(str::to_owned).or_else(configured) {
        Some(t) => t,
        None => crate::cargo::host_triple()?,
    };
    let flags = FlagsFrom::Config(Some(crate::cargo::target_info(&triple)?));
    let read = |d: &Path| {
        gather_from(d, &cwd, &ProcessEnv, &Disk, &flags, &arguments).map_err(|p| anyhow!("{p}"))
    };
    let first = read(&dir)?;
    // cargo's own word on the workspace: its root, members and target directory, and whether
    // it accepts the manifests and config at all (an empty or package-less manifest, a member
    // the root does not list, ...). Input this reader refuses is reported as ours instead.
    let metadata = if first.problems.is_empty() {
        Some(crate::cargo::metadata(
            &dir.join("Cargo.toml"),
            &cwd,
            &target.config,
        )?)
    } else {
        None
    };
    // cargo's root is the one whose profiles it builds with: read with it, not ours
    let read_in = |d: &Path, metadata: &cargo_metadata::Metadata| {
        let root = metadata.workspace_root.as_std_path();
        gather_in_workspace(d, root, &cwd, &ProcessEnv, &Disk, &flags, &arguments)
            .map_err(|p| anyhow!("{p}"))
    };
    // a virtual root, as given
    let virtual_root = first.package.is_none() && first.root.package_name().is_none();
    let picked = match (&target.package, &metadata) {
        (None, Some(metadata))
            if virtual_root && metadata.workspace_root.as_std_path() == first.root_dir =>
        {
            pick(metadata)?
        }
        _ => None,
    };
    let (manifest_dir, inputs) = match (target.package.as_ref().or(picked.as_ref()), &metadata) {
        (None, None) => (dir, first),
        (None, Some(metadata)) if metadata.workspace_root.as_std_path() == first.root_dir => {
            (dir, first)
        }
        (None, Some(metadata)) => {
            let inputs = read_in(&dir, metadata)?;
            (dir, inputs)
        }
        (Some(spec), Some(metadata)) => {
            let member = find_member(metadata, spec)?;
            let inputs = read_in(&member, metadata)?;
            (member, inputs)
        }
        (Some(_), None) => {
            let lines: Vec<String> = first.problems.iter().map(ToString::to_string).collect();
            bail!("{}", lines.join("\nerror: "))
        }
    };
    let package = inputs
        .package
        .as_ref()
        .unwrap_or(&inputs.root)
        .package_name()
        .map(str::to_owned);
    // at a virtual root the check speaks for the members cargo builds there that ship a
    // binary, each with its own options
    let inputs = match (&package, &metadata) {
        (None, Some(metadata)) => inputs.with_members(&shipping_members(metadata), &Disk),
        _ => inputs,
    };
    let project = Project::new(&inputs, &ProcessEnv, overrides, names);
    Ok(Located {
        cwd,
        manifest_dir,
        package,
        inputs,
        project,
        metadata,
        triple,
        config: target.config.clone(),
    })
}

/// The `--config` values as cargo reads them ([`ConfigArg::read`]); a value that is not what
/// cargo takes is refused with cargo's reason.
fn config_args(values: &[String], cwd: &Path) -> Result<Vec<ConfigArg>> {
    let mut out = Vec::new();
    for value in values {
        let refused = |why: String| {
            anyhow!(
                "--config argument `{value}` {why} (and no file of that name is in {})",
                cwd.display()
            )
        };
        match ConfigArg::read(value, cwd, &Disk) {
            Ok(arg @ ConfigArg::File(_)) => out.push(arg),
            Ok(arg @ ConfigArg::Value(_)) => {
                dotted_key_value(value).map_err(refused)?;
                out.push(arg);
            }
            // not even TOML: cargo's reason, unless it was a file that is there
            Err(_) if !io::exists(&cwd.join(value)) => {
                return Err(refused(dotted_key_value(value).err().unwrap_or_default()));
            }
            Err(p) => bail!("--config argument `{value}`: {p}"),
        }
    }
    Ok(out)
}

/// Whether `text` is what cargo takes as a `--config` value: one dotted key set to a value
/// that is no inline table or array of tables, with no comment (cargo 1.95's rules and
/// words, from its `load_cli_args`).
fn dotted_key_value(text: &str) -> std::result::Result<(), String> {
    let wanted = "was not a TOML dotted key expression (such as `build.jobs = 2`)";
    let decorated = "includes non-whitespace decoration";
    let doc: toml_edit::DocumentMut = text.parse().map_err(|_| wanted.to_owned())?;
    let plain = |d: Option<&toml_edit::RawString>| {
        d.is_none_or(|d| d.as_str().is_none_or(|s| s.trim().is_empty()))
    };
    let mut table = doc.as_table();
    if !plain(doc.trailing().into()) {
        return Err(decorated.into());
    }
    loop {
        let mut items = table.iter();
        let (Some((key, item)), None) = (items.next(), items.next()) else {
            return Err(wanted.into());
        };
        let key_plain = table
            .key(key)
            .is_none_or(|k| plain(k.leaf_decor().prefix()) && plain(k.leaf_decor().suffix()));
        if !key_plain {
            return Err(decorated.into());
        }
        match item {
            toml_edit::Item::Table(inner) if inner.is_dotted() => table = inner,
            toml_edit::Item::Value(v) if v.is_inline_table() => {
                return Err("sets a value to an inline table, which is not accepted".into());
            }
            toml_edit::Item::Value(v) => {
                let decor = v.decor();
                return match plain(decor.prefix()) && plain(decor.suffix()) {
                    true => Ok(()),
                    false => Err(decorated.into()),
                };
            }
            toml_edit::Item::ArrayOfTables(_) => {
                return Err("sets a value to an array of tables, which is not accepted".into());
            }
            _ => return Err(wanted.into()),
        }
    }
}

/// The directory of the workspace member named by `spec` (`name` or `name@version`), as
/// cargo lists the members.
fn find_member(metadata: &cargo_metadata::Metadata, spec: &str) -> Result<PathBuf> {
    let (name, version) = match spec.split_once('@') {
        Some((n, v)) => (n, Some(v)),
        None => (spec, None),
    };
    metadata
        .workspace_packages()
        .into_iter()
        .find(|p| {
            p.name.as_str() == name && version.is_none_or(|v| p.version.to_string().starts_with(v))
        })
        .and_then(|p| p.manifest_path.parent())
        .map(|dir| dir.as_std_path().to_path_buf())
        .ok_or_else(|| {
            let names: Vec<&str> = metadata
                .workspace_packages()
                .into_iter()
                .map(|p| p.name.as_str())
                .collect();
            anyhow!(
                "package `{spec}` is not a member of the workspace at {}: the members are {} (`workspace.members` in its Cargo.toml lists them)",
                metadata.workspace_root,
                names.join(", ")
            )
        })
}

/// The directories of the members `cargo build` builds at the workspace root
/// (`default-members`, else all) that have a binary target.
fn shipping_members(metadata: &cargo_metadata::Metadata) -> Vec<PathBuf> {
    let built = match metadata.workspace_default_members.is_available() {
        true => metadata.workspace_default_packages(),
        false => metadata.workspace_packages(),
    };
    built
        .into_iter()
        .filter(|p| p.targets.iter().any(|t| t.is_bin()))
        .filter_map(|p| p.manifest_path.parent())
        .map(|dir| dir.as_std_path().to_path_buf())
        .collect()
}

/// The names of the workspace's members that have a binary target, as cargo lists them.
fn members_with_binary(metadata: &cargo_metadata::Metadata) -> Vec<&str> {
    metadata
        .workspace_packages()
        .into_iter()
        .filter(|p| p.targets.iter().any(|t| t.is_bin()))
        .map(|p| p.name.as_str())
        .collect()
}

/// The directories of the workspace's members, as cargo lists them.
pub(crate) fn members(metadata: &cargo_metadata::Metadata) -> Vec<PathBuf> {
    let mut dirs: Vec<PathBuf> = metadata
        .workspace_packages()
        .into_iter()
        .filter_map(|p| p.manifest_path.parent())
        .map(|dir| dir.as_std_path().to_path_buf())
        .collect();
    dirs.sort();
    dirs.dedup();
    dirs
}
