//! Damaged copies of a file the tool wrote, for the tests of every reader of its own files
//! (results, baselines): each reads them back as an error or as nothing, never a panic.

/// Values put in place of each number and each string: extremes, wrong types, nonsense.
const IN_PLACE: &[&str] = &[
    "0",
    "-1",
    "1e300",
    "-1e300",
    "18446744073709551615",
    "18446744073709551616",
    "1.5",
    "null",
    "true",
    "\"\"",
    "\"x\"",
    "[]",
    "{}",
];

/// `text` damaged in many ways: cut at each of many places, and each number and each string
/// value replaced with each of [`IN_PLACE`].
pub(crate) fn variants(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let cuts: Vec<usize> = (0..text.len())
        .step_by(7)
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    out.extend(cuts.iter().map(|i| text[..*i].to_owned()));
    for (start, end) in values(text) {
        for value in IN_PLACE {
            out.push(format!("{}{value}{}", &text[..start], &text[end..]));
        }
    }
    out
}

/// Where the numbers and the strings after a `:` are, as byte ranges.
fn values(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b':' {
            let mut start = i + 1;
            while start < bytes.len() && bytes[start] == b' ' {
                start += 1;
            }
            let mut end = start;
            if bytes.get(start) == Some(&b'"') {
                end += 1;
                while end < bytes.len() && bytes[end] != b'"' {
                    end += 1;
                }
                end = (end + 1).min(bytes.len());
            } else {
                while end < bytes.len()
                    && (bytes[end].is_ascii_digit() || b"-+.eE".contains(&bytes[end]))
                {
                    end += 1;
                }
            }
            if end > start {
                out.push((start, end));
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    out
}
