//! `cargo size-profile why`: which crates the binary's bytes are. It builds the shipping
//! profile (the one `budget` builds) with its symbols kept, in a target directory of its own,
//! and counts each symbol of the code section (and each symbol a data section holds) for the
//! crate it belongs to ([`attribute`]), read with the `object` crate ([`binary`]).
//!
//! Attribution is a reading of symbol names: with LTO and inlining, code lands in the crate
//! that calls it, and generic code in the crate that instantiates it.

pub(crate) mod attribute;
pub(crate) mod binary;
mod present;

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result, bail};

use crate::cargo::{Build, build, std_rlibs};
use crate::cli::{Selection, WhyArgs};
use crate::io;
use crate::target::{Asked, Located, resolve_build};

use attribute::{Crates, crate_name};
use binary::{Image, archive_symbols, read_image};

/// The sentence every output of `why` carries.
pub(crate) const BLURRED: &str = "LTO and inlining move code into the crate that calls it, and generic code is counted in the crate that instantiates it: a crate's figure is the code built for it, not the size of its source";

/// One crate's share of a binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CrateBytes {
    /// The row: a crate's name, `std`, or `[unattributed]`.
    pub(crate) name: String,
    /// Its version, as `Cargo.lock` has it (none for `std` and the unattributed row).
    pub(crate) version: Option<String>,
    /// Bytes of code (in the code section).
    pub(crate) code: u64,
    /// Bytes of data its symbols hold.
    pub(crate) data: u64,
}

/// What a binary is made of.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    pub(crate) binary: String,
    /// The size of the file read (with its symbols).
    pub(crate) file_bytes: u64,
    /// The size of its code section.
    pub(crate) text_bytes: u64,
    /// By crate, largest code first.
    pub(crate) crates: Vec<CrateBytes>,
    /// The largest symbols: demangled name (no hash), crate, bytes.
    pub(crate) symbols: Vec<(String, String, u64)>,
}

/// Counts `image`'s symbols by crate; `versions` by crate name; the `top` largest symbols.
pub(crate) fn split(
    binary: &str,
    file_bytes: u64,
    image: &Image,
    crates: &Crates,
    versions: &BTreeMap<String, String>,
    top: usize,
) -> Split {
    let mut rows: BTreeMap<String, CrateBytes> = BTreeMap::new();
    let mut symbols: Vec<(String, String, u64)> = Vec::new();
    for symbol in &image.symbols {
        let (name, _) = crates.crate_of(&symbol.name);
        let row = rows.entry(name.clone()).or_insert_with(|| CrateBytes {
            version: versions.get(&name).cloned(),
            name: name.clone(),
            code: 0,
            data: 0,
        });
        if symbol.code {
            row.code += symbol.size;
            let shown = match rustc_demangle::try_demangle(&symbol.name) {
                Ok(d) => format!("{d:#}"),
                Err(_) => symbol.name.clone(),
            };
            symbols.push((shown, name, symbol.size));
        } else {
            row.data += symbol.size;
        }
    }
    let mut crates: Vec<CrateBytes> = rows.into_values().collect();
    crates.sort_by(|a, b| b.code.cmp(&a.code).then(a.name.cmp(&b.name)));
    symbols.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    symbols.truncate(top);
    Split {
        binary: binary.to_owned(),
        file_bytes,
        text_bytes: image.text_bytes,
        crates,
        symbols,
    }
}

/// Builds `profile` with its symbols kept, in `<target-dir>/size-profile/why`, and splits
/// every binary it makes (or only `bin`).
pub(crate) fn measure(
    at: &Located,
    profile: &str,
    bin: Option<&str>,
    selection: &Selection,
    top: usize,
) -> Result<Vec<Split>> {
    let strip = format!(
        "CARGO_PROFILE_{}_STRIP",
        profile.to_ascii_uppercase().replace('-', "_")
    );
    let built = build(
        &at.place(),
        &Build {
            profile: profile.to_owned(),
            env: vec![(strip, "false".into())],
            target_dir: Some(at.target_dir().join("size-profile").join("why")),
            bin: bin.map(str::to_owned),
            cargo_args: selection.cargo_args(),
            ..Build::default()
        },
    )?;
    if built.binaries.is_empty() {
        bail!("the package builds no binary: `why` reads a binary");
    }
    let mut crates = Crates::default();
    let mut versions = BTreeMap::new();
    let mut archives: Vec<(String, PathBuf)> = Vec::new();
    for lib in &built.libraries {
        crates.built.insert(lib.name.clone());
        if let Some(v) = &lib.version {
            versions.insert(lib.name.clone(), v.clone());
        }
        if let Some(rlib) = &lib.rlib {
            archives.push((lib.name.clone(), rlib.clone()));
        }
    }
    for (name, _) in &built.binaries {
        crates.built.insert(crate_name(name));
    }
    // the package's own crates: its binaries and its library
    let manifest = at.inputs.package.as_ref().unwrap_or(&at.inputs.root);
    if let (Some(package), Some(v)) = (&at.package, manifest.package_version()) {
        for (name, _) in &built.binaries {
            versions.insert(crate_name(name), v.to_owned());
        }
        versions.insert(crate_name(package), v.to_owned());
    }
    // std's crates, unless the build has one of the same name as a dependency
    for (name, rlib) in std_rlibs(&at.triple)? {
        if !crates.built.contains(&name) {
            crates.std.insert(name.clone());
            archives.push((name, rlib));
        }
    }
    for (name, path) in archives {
        let Some(data) = io::read_bytes(&path) else {
            continue;
        };
        for symbol in archive_symbols(&data) {
            crates
                .defined_by
                .entry(symbol)
                .or_default()
                .push(name.clone());
        }
    }
    let mut splits = Vec::new();
    for (name, path) in &built.binaries {
        let data =
            io::read_bytes(path).with_context(|| format!("{}: cannot be read", path.display()))?;
        let image = read_image(&data).with_context(|| format!("{}", path.display()))?;
        splits.push(split(
            name,
            data.len() as u64,
            &image,
            &crates,
            &versions,
            top,
        ));
    }
    Ok(splits)
}

pub(crate) fn run(args: &WhyArgs) -> Result<ExitCode> {
    let (at, profile) = resolve_build(&Asked {
        command: "why",
        target: &args.target,
        triple: args.selection.triple.as_deref(),
        profile: args.profile.as_deref(),
        bin: args.bin.as_deref(),
        sole_member: false,
    })?;
    let splits = measure(
        &at,
        &profile,
        args.bin.as_deref(),
        &args.selection,
        args.symbols,
    )?;
    present::show(&profile, &splits, args.format);
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::why::binary::Symbol;

    #[test]
    fn bytes_are_counted_by_crate_code_and_data_apart_largest_first() {
        let crates = Crates {
            built: ["app", "big"].map(String::from).into(),
            std: ["core", "std"].map(String::from).into(),
            defined_by: [("zlib_inflate".to_owned(), vec!["big".to_owned()])].into(),
        };
        let sym = |name: &str, size: u64, code: bool| Symbol {
            name: name.into(),
            address: 0,
            size,
            code,
        };
        let image = Image {
            text_bytes: 10_000,
            symbols: vec![
                sym("_ZN3app4main17h0123456789abcdefE", 300, true),
                sym("_ZN3big4work17h0123456789abcdefE", 4_000, true),
                sym("zlib_inflate", 1_000, true),
                sym("_ZN4core3fmt5write17h0123456789abcdefE", 2_000, true),
                sym("_ZN3big5TABLE17h0123456789abcdefE", 700, false),
                sym("_start", 50, true),
            ],
        };
        let versions = [("big".to_owned(), "1.2.3".to_owned())].into();
        let s = split("app", 20_000, &image, &crates, &versions, 2);
        let rows: Vec<(&str, u64, u64, Option<&str>)> = s
            .crates
            .iter()
            .map(|c| (c.name.as_str(), c.code, c.data, c.version.as_deref()))
            .collect();
        assert_eq!(
            rows,
            [
                ("big", 5_000, 700, Some("1.2.3")),
                ("std", 2_000, 0, None),
                ("app", 300, 0, None),
                ("[unattributed]", 50, 0, None),
            ]
        );
        assert_eq!(
            s.symbols,
            [
                ("big::work".to_owned(), "big".to_owned(), 4_000),
                ("core::fmt::write".to_owned(), "std".to_owned(), 2_000),
            ]
        );
        assert_eq!((s.file_bytes, s.text_bytes), (20_000, 10_000));
    }
}
