//! Reading a binary and the archives of its crates, with the `object` crate: the code section's
//! size, and each symbol with its address, size and whether it is code or data.

use anyhow::{Result, anyhow, bail};
use object::read::archive::ArchiveFile;
use object::{Object, ObjectSection, ObjectSymbol, SectionKind};

/// One symbol of a binary.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Symbol {
    /// As the binary names it (mangled).
    pub(crate) name: String,
    pub(crate) address: u64,
    pub(crate) size: u64,
    /// In the code section (else in a data section).
    pub(crate) code: bool,
}

/// What `why` reads of a binary.
#[derive(Clone, Debug, Default)]
pub(crate) struct Image {
    /// The size of the code section (`.text`, Mach-O's `__text`).
    pub(crate) text_bytes: u64,
    /// The symbols of the code section and of the data sections (one per address).
    pub(crate) symbols: Vec<Symbol>,
}

/// Reads a binary's code section and symbols. A binary without symbols (stripped, or a PE
/// file whose symbols are in a PDB) is an error saying so.
pub(crate) fn read_image(data: &[u8]) -> Result<Image> {
    let file =
        object::File::parse(data).map_err(|e| anyhow!("not a binary object can read: {e}"))?;
    let text = file
        .sections()
        .find(|s| matches!(s.name(), Ok(".text" | "__text")))
        .or_else(|| file.sections().find(|s| s.kind() == SectionKind::Text))
        .ok_or_else(|| anyhow!("the binary has no code section"))?;
    let data_kinds = [
        SectionKind::Data,
        SectionKind::ReadOnlyData,
        SectionKind::ReadOnlyString,
        SectionKind::ReadOnlyDataWithRel,
    ];
    // (section, address, name, size): sizes of 0 (Mach-O has none) are filled in from the
    // next symbol of the section
    let mut found: Vec<(usize, u64, String, u64)> = Vec::new();
    let mut ends = std::collections::BTreeMap::new();
    for symbol in file.symbols() {
        let Some(index) = symbol.section_index() else {
            continue;
        };
        let Ok(section) = file.section_by_index(index) else {
            continue;
        };
        if index != text.index() && !data_kinds.contains(&section.kind()) {
            continue;
        }
        let Ok(name) = symbol.name() else { continue };
        if name.is_empty() || symbol.is_undefined() {
            continue;
        }
        ends.insert(index.0, section.address() + section.size());
        found.push((index.0, symbol.address(), name.to_owned(), symbol.size()));
    }
    let text_index = text.index().0;
    if found.iter().all(|f| f.0 != text_index) {
        bail!(
            "the binary has no symbols in its code section (stripped; on a Windows MSVC target the symbols are in a PDB file, which `why` does not read)"
        );
    }
    found.sort_by_key(|f| (f.0, f.1));
    found.dedup_by(|b, a| a.0 == b.0 && a.1 == b.1);
    let mut symbols = Vec::with_capacity(found.len());
    for (i, (index, address, name, size)) in found.iter().enumerate() {
        let size = if *size > 0 {
            *size
        } else {
            let next = match found.get(i + 1) {
                Some(n) if n.0 == *index => n.1,
                _ => ends[index],
            };
            next.saturating_sub(*address)
        };
        symbols.push(Symbol {
            name: name.clone(),
            address: *address,
            size,
            code: *index == text_index,
        });
    }
    Ok(Image {
        text_bytes: text.size(),
        symbols,
    })
}

/// The symbols an archive (an rlib, a static library) defines: its symbol table, else the
/// defined global symbols of each member object.
pub(crate) fn archive_symbols(data: &[u8]) -> Vec<String> {
    let Ok(archive) = ArchiveFile::parse(data) else {
        return Vec::new();
    };
    let mut names: Vec<String> = match archive.symbols() {
        Ok(Some(table)) => table
            .filter_map(|s| s.ok())
            .filter_map(|s| std::str::from_utf8(s.name()).ok().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        for member in archive.members().filter_map(|m| m.ok()) {
            let Ok(bytes) = member.data(data) else {
                continue;
            };
            let Ok(object) = object::File::parse(bytes) else {
                continue;
            };
            names.extend(
                object
                    .symbols()
                    .filter(|s| s.is_definition() && s.is_global())
                    .filter_map(|s| s.name().ok().map(str::to_owned)),
            );
        }
    }
    names
}
