//! Text for people: sizes, ratios, tables and colour.

use std::time::Duration;

/// Terminal colours, or none.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Style {
    pub(crate) color: bool,
}

impl Style {
    fn paint(self, style: anstyle::Style, text: &str) -> String {
        if self.color {
            format!("{style}{text}{style:#}")
        } else {
            text.to_owned()
        }
    }

    pub(crate) fn warn(self, text: &str) -> String {
        self.paint(anstyle::AnsiColor::Yellow.on_default(), text)
    }

    pub(crate) fn bad(self, text: &str) -> String {
        self.paint(anstyle::AnsiColor::Red.on_default(), text)
    }

    pub(crate) fn good(self, text: &str) -> String {
        self.paint(anstyle::AnsiColor::Green.on_default(), text)
    }

    pub(crate) fn bold(self, text: &str) -> String {
        self.paint(anstyle::Style::new().bold(), text)
    }
}

/// How many columns `text` takes on a terminal, less colour escapes (a wide character takes
/// two).
fn width(text: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(anstream::adapter::strip_str(text).to_string().as_str())
}

/// `1234567` as `1,234,567`, as the findings write it.
pub(crate) fn bytes(n: u64) -> String {
    size_profile::__private::thousands(n)
}

/// A change in percent, as `-3.9 %` or `+1.2 %`.
pub(crate) fn change(from: u64, to: u64) -> String {
    if from == 0 {
        return String::new();
    }
    let pct = (to as f64 - from as f64) * 100.0 / from as f64;
    format!("{pct:+.1} %")
}

/// A ratio, as `0.43x`.
pub(crate) fn ratio(of: u64, to: u64) -> String {
    if to == 0 {
        return String::new();
    }
    format!("{:.2}x", of as f64 / to as f64)
}

/// A path as a message shows it: relative to `cwd` when it is under it.
pub(crate) fn path(p: &std::path::Path, cwd: &std::path::Path) -> String {
    p.strip_prefix(cwd).unwrap_or(p).display().to_string()
}

/// Seconds with one decimal.
pub(crate) fn seconds(d: Duration) -> String {
    format!("{:.1} s", d.as_secs_f64())
}

/// A table with a header row: aligned columns for a terminal, or markdown.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>], markdown: bool) -> String {
    let mut out = String::new();
    if markdown {
        out.push_str(&format!("| {} |\n", header.join(" | ")));
        out.push_str(&format!(
            "|{}\n",
            header.iter().map(|_| "---|").collect::<String>()
        ));
        for row in rows {
            out.push_str(&format!("| {} |\n", row.join(" | ")));
        }
        return out;
    }
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            rows.iter()
                .map(|r| width(&r[i]))
                .chain([header[i].len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: Vec<&str>| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w - width(c))))
            .collect();
        format!("{}\n", padded.join("  ").trim_end())
    };
    out.push_str(&line(header.to_vec()));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(bytes(445_904), "445,904");
        assert_eq!(bytes(12), "12");
        assert_eq!(bytes(1_000_000), "1,000,000");
        assert_eq!(change(200, 150), "-25.0 %");
        assert_eq!(ratio(287_856, 445_904), "0.65x");
    }

    #[test]
    fn tables() {
        let rows = vec![
            vec!["a".to_string(), "1".to_string()],
            vec!["bbb".to_string(), "22".to_string()],
        ];
        assert_eq!(
            table(&["k", "v"], &rows, false),
            "k    v\na    1\nbbb  22\n"
        );
        // colour takes no columns: a painted cell lines up with plain ones
        let style = Style { color: true };
        let painted = vec![
            vec![style.warn("✗ a"), "1".to_string()],
            vec!["✓ bbb".to_string(), style.good("22")],
        ];
        let shown = anstream::adapter::strip_str(&table(&["k", "v"], &painted, false)).to_string();
        assert_eq!(shown, "k      v\n✗ a    1\n✓ bbb  22\n");
        assert_ne!(
            table(&["k", "v"], &painted, false),
            shown,
            "the escapes are there"
        );
        // a wide character takes two columns
        let wide = vec![vec!["日本".to_string(), "1".to_string()]];
        assert_eq!(table(&["k", "v"], &wide, false), "k     v\n日本  1\n");
        assert_eq!(
            table(&["k", "v"], &rows, true),
            "| k | v |\n|---|---|\n| a | 1 |\n| bbb | 22 |\n"
        );
    }
}
