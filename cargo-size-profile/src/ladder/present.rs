//! How the ladder's outcome is shown: a table (plain or Markdown) with the best line, or JSON.

use serde_json::json;

use crate::cli::TableFormat;
use crate::io;
use crate::ladder::strategy::{Climb, Origin, Row, State, best_settings};
use crate::render::{self, Style};

/// Prints the outcome for the binary `bin` in `format`.
pub(crate) fn show(bin: &str, climb: &Climb, format: TableFormat) {
    match format {
        TableFormat::Json => io::out(&format!("{:#}\n", json(bin, climb))),
        format => {
            let markdown = format == TableFormat::Markdown;
            io::out(&table(&climb.rows, climb.release, markdown));
            let style = Style {
                color: io::color_stdout() && !markdown,
            };
            io::out(&format!("\n{}\n", summary(bin, climb, &style)));
        }
    }
}

/// The lines under the table: the best build, what it is against the project's own profile,
/// the nightly result against the same nightly without its flags, and where flags go.
fn summary(bin: &str, climb: &Climb, style: &Style) -> String {
    let Climb {
        state,
        best,
        release,
        yours,
        nightly,
        ..
    } = climb;
    let mut lines = vec![format!(
        "{} {}: {} bytes, {} of release",
        style.bold(&format!("best for `{bin}`:")),
        describe_best(state),
        render::bytes(*best),
        render::ratio(*best, *release)
    )];
    match yours {
        (profile, Some(now)) => lines.push(format!(
            "{} {} → best: {} bytes ({})",
            style.bold(&format!("your {profile}:")),
            render::bytes(*now),
            render::bytes(*best),
            render::change(*now, *best)
        )),
        (profile, None) => lines.push(format!("your {profile}: did not build")),
    }
    if let Some(n) = nightly {
        lines.push(format!(
            "with nightly: {} bytes ({} against the same nightly build without its flags; the toolchain alone: {} against this toolchain)",
            render::bytes(n.best),
            render::change(n.alone, n.best),
            render::change(*best, n.alone)
        ));
    }
    if !state.link_flags.is_empty() {
        lines.push(
            "flags are not profile settings: --apply-best writes them to [target.<triple>] rustflags in .cargo/config.toml"
                .into(),
        );
    }
    lines.join("\n") + "\n"
}

fn describe_best(state: &State) -> String {
    let mut parts: Vec<String> = best_settings(state)
        .iter()
        .map(|v| v.assignment())
        .collect();
    parts.extend(state.link_flags.iter().cloned());
    parts.extend(state.nightly_flags.iter().cloned());
    if state.build_std {
        parts.push("-Zbuild-std".into());
    }
    parts.join(", ")
}

fn table(rows: &[Row], release: u64, markdown: bool) -> String {
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let bytes = r.bytes.map(render::bytes).unwrap_or_else(|| "-".into());
            let previous = match (r.bytes, r.previous) {
                (Some(b), Some(p)) => render::change(p, b),
                _ => String::new(),
            };
            let vs_release = r
                .bytes
                .map(|b| render::ratio(b, release))
                .unwrap_or_default();
            let time = match (r.bytes, r.origin) {
                (None, _) => String::new(),
                (Some(_), Origin::Reused) => format!("{} (reused)", render::seconds(r.time)),
                (Some(_), Origin::Relinked) => format!("{} (relink)", render::seconds(r.time)),
                (Some(_), Origin::Built) => render::seconds(r.time),
            };
            vec![
                r.step.clone(),
                bytes,
                previous,
                vs_release,
                time,
                r.note.clone(),
            ]
        })
        .collect();
    render::table(
        &[
            "step",
            "bytes",
            "vs previous",
            "vs release",
            "build time",
            "note",
        ],
        &cells,
        markdown,
    )
}

fn json(bin: &str, climb: &Climb) -> serde_json::Value {
    let Climb {
        rows,
        state,
        best,
        release,
        yours,
        nightly,
    } = climb;
    json!({
        "version": crate::check::JSON_VERSION,
        "binary": bin,
        "steps": rows.iter().map(|r| json!({
            "step": r.key,
            "value": r.value,
            "bytes": r.bytes,
            "kept": r.kept,
            "build_seconds": r.time.as_secs_f64(),
            "build": r.origin.word(),
            "note": (!r.note.is_empty()).then_some(&r.note),
        })).collect::<Vec<_>>(),
        "best": {
            "bytes": best,
            "vs_release": if *release > 0 { *best as f64 / *release as f64 } else { 0.0 },
            "settings": best_settings(state).iter().map(|v| (v.setting().key().to_owned(), crate::check::value(*v))).collect::<serde_json::Map<_, _>>(),
            "flags": state.link_flags,
        },
        "yours": { "profile": yours.0, "bytes": yours.1 },
        "nightly": nightly.as_ref().map(|n| json!({
            "alone_bytes": n.alone,
            "bytes": n.best,
            "flags": n.state.nightly_flags,
            "build_std": n.state.build_std,
        })),
    })
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn row(step: &str, bytes: Option<u64>, previous: Option<u64>, kept: bool, note: &str) -> Row {
        Row {
            step: step.into(),
            key: step.into(),
            value: None,
            bytes,
            time: Duration::from_millis(1500),
            origin: Origin::Built,
            kept,
            previous,
            note: note.into(),
            added: None,
        }
    }

    #[test]
    fn the_markdown_table_compares_each_step_with_the_last_kept_one_and_release() {
        let rows = [
            row("release", Some(400_000), None, true, ""),
            row("+ strip = true", Some(300_000), Some(400_000), true, ""),
            row(
                "+ panic = \"abort\"",
                Some(306_000),
                Some(300_000),
                false,
                "larger than the step before: not kept",
            ),
            row(
                "+ -C link-arg=-Wl,--icf=all",
                None,
                Some(300_000),
                false,
                "build failed: no",
            ),
        ];
        assert_eq!(
            table(&rows, 400_000, true),
            "| step | bytes | vs previous | vs release | build time | note |\n\
             |---|---|---|---|---|---|\n\
             | release | 400,000 |  | 1.00x | 1.5 s |  |\n\
             | + strip = true | 300,000 | -25.0 % | 0.75x | 1.5 s |  |\n\
             | + panic = \"abort\" | 306,000 | +2.0 % | 0.77x | 1.5 s | larger than the step before: not kept |\n\
             | + -C link-arg=-Wl,--icf=all | - |  |  |  | build failed: no |\n"
        );
    }
}
