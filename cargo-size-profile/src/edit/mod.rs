//! Editing the user's files: every edit is planned as text first and shown as a diff; writing
//! is one locked, atomic step (`io::commit`) that keeps a numbered backup and the bytes the
//! edit does not own (comments, line ends, a byte-order mark, the final newline, symlinks).
//! [`manifest`] writes profile settings into the root `Cargo.toml`; [`config`] writes the
//! ladder's linker flags into `.cargo/config.toml`.

pub(crate) mod config;
pub(crate) mod manifest;

use crate::target::Located;

/// Edits a file's text in its own form. `edit` sees it without a byte-order mark and with LF
/// line ends (toml_edit writes LF); the result gets the mark, CRLF line ends (when every line
/// of the file ends so) and the final-newline state back, so no byte the edit does not own
/// changes.
pub(crate) fn in_own_form(
    text: &str,
    edit: impl FnOnce(&str) -> Result<String, String>,
) -> Result<String, String> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => ("\u{feff}", rest),
        None => ("", text),
    };
    let newlines = body.matches('\n').count();
    let crlf = newlines > 0 && body.matches("\r\n").count() == newlines;
    let plain = if crlf {
        body.replace("\r\n", "\n")
    } else {
        body.to_owned()
    };
    let mut new = edit(&plain)?;
    if new == plain {
        return Ok(text.to_owned());
    }
    if !body.is_empty() && !body.ends_with('\n') {
        while new.ends_with('\n') {
            new.pop();
        }
    }
    if crlf {
        new = new.replace('\n', "\r\n");
    }
    Ok(format!("{bom}{new}"))
}

/// A new table for the end of `doc`: the comments after the document's last key belong to
/// the table they end (a commented-out dependency, say), so they go above the new table's
/// header, not under it, where uncommenting them would put them in the wrong table.
pub(crate) fn new_table_at_end(doc: &mut toml_edit::DocumentMut) -> toml_edit::Table {
    let mut table = toml_edit::Table::new();
    let trailing = doc.trailing().as_str().unwrap_or_default().to_owned();
    if !trailing.trim().is_empty() {
        let end = if trailing.ends_with('\n') { "" } else { "\n" };
        table.decor_mut().set_prefix(format!("{trailing}{end}\n"));
        doc.set_trailing("");
    }
    table
}

/// A unified diff of two texts.
pub(crate) fn diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(path, path)
        .to_string()
}

/// Where `apply` keeps the manifests it replaced: numbered copies in the target directory, one
/// folder per project (named after its root directory and a hash of its path, since several
/// projects may share a `CARGO_TARGET_DIR`).
pub(crate) fn backup_dir(at: &Located) -> std::path::PathBuf {
    let root = &at.inputs.root_dir;
    let name = root
        .file_name()
        .map_or_else(|| "root".into(), |n| n.to_string_lossy().into_owned());
    // FNV-1a: stable across toolchains, unlike std's hasher
    let hash = root
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
    at.target_dir()
        .join("size-profile")
        .join("backup")
        .join(format!("{name}-{hash:016x}"))
}
