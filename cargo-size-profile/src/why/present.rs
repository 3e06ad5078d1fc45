//! How `why` shows a split: a table of crates and one of the largest symbols (plain or
//! Markdown), or JSON.

use serde_json::json;

use crate::cli::TableFormat;
use crate::io;
use crate::render;
use crate::why::{BLURRED, Split};

/// A share with one decimal: `12.3 %`.
fn share(part: u64, of: u64) -> String {
    if of == 0 {
        return String::new();
    }
    format!("{:.1} %", part as f64 * 100.0 / of as f64)
}

/// Prints every split in `format`.
pub(crate) fn show(profile: &str, splits: &[Split], format: TableFormat) {
    if format == TableFormat::Json {
        io::out(&format!("{:#}\n", json(profile, splits)));
        return;
    }
    let markdown = format == TableFormat::Markdown;
    let mut out = String::new();
    for s in splits {
        out.push_str(&text(profile, s, markdown));
        out.push('\n');
    }
    out.push_str(&format!("note: {BLURRED}\n"));
    io::out(&out);
}

/// One binary as text.
pub(crate) fn text(profile: &str, s: &Split, markdown: bool) -> String {
    let mut out = format!(
        "{}: {} bytes built by the {profile} profile with its symbols kept; code (.text) {} bytes, {} of the file\n\n",
        s.binary,
        render::bytes(s.file_bytes),
        render::bytes(s.text_bytes),
        share(s.text_bytes, s.file_bytes)
    );
    let rows: Vec<Vec<String>> = s
        .crates
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                c.version.clone().unwrap_or_default(),
                render::bytes(c.code),
                share(c.code, s.text_bytes),
                render::bytes(c.data),
                share(c.code + c.data, s.file_bytes),
            ]
        })
        .collect();
    out.push_str(&render::table(
        &["crate", "version", "code", "% of code", "data", "% of file"],
        &rows,
        markdown,
    ));
    if !s.symbols.is_empty() {
        out.push('\n');
        let rows: Vec<Vec<String>> = s
            .symbols
            .iter()
            .map(|(name, krate, bytes)| vec![render::bytes(*bytes), krate.clone(), shortened(name)])
            .collect();
        out.push_str(&render::table(
            &["bytes", "crate", "symbol"],
            &rows,
            markdown,
        ));
    }
    out
}

/// A symbol's name cut to 100 characters for a table (JSON has it whole).
fn shortened(name: &str) -> String {
    match name.char_indices().nth(100) {
        Some((end, _)) => format!("{}…", &name[..end]),
        None => name.to_owned(),
    }
}

fn json(profile: &str, splits: &[Split]) -> serde_json::Value {
    json!({
        "version": crate::check::JSON_VERSION,
        "profile": profile,
        "note": BLURRED,
        "binaries": splits.iter().map(|s| json!({
            "binary": s.binary,
            "file_bytes": s.file_bytes,
            "text_bytes": s.text_bytes,
            "crates": s.crates.iter().map(|c| json!({
                "name": c.name,
                "version": c.version,
                "code_bytes": c.code,
                "data_bytes": c.data,
            })).collect::<Vec<_>>(),
            "symbols": s.symbols.iter().map(|(name, krate, bytes)| json!({
                "name": name,
                "crate": krate,
                "bytes": bytes,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
}
