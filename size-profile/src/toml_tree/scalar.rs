//! TOML's scalars read from the text: strings with their escapes, integers, booleans, and the
//! floats, dates and times the checker only has to recognise (no profile setting takes one).
//! See <https://toml.io/en/v1.1.0>.

/// A syntax error: where it is (a byte offset) and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// The message alone: the file and line are added where the offset is turned into a line.
impl std::fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for SyntaxError {}

/// A scalar value as the checker keeps it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Scalar {
    Str(String),
    Int(i64),
    Bool(bool),
    Float,
    DateTime,
}

/// A position in a TOML text, and the readers of what starts there.
pub(crate) struct Cursor<'a> {
    pub(crate) text: &'a str,
    pub(crate) pos: usize,
}

/// Whether `c` may not appear in a comment or string (TOML allows tab, and newlines only
/// where the grammar does).
fn is_control(c: char) -> bool {
    (c < ' ' && c != '\t') || c == '\u{7f}'
}

/// Whether `b` may appear in a bare key.
pub(crate) fn is_bare(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

/// Whether `b` may appear in a number, boolean, date or time.
fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'+' | b'-' | b'.' | b':')
}

impl Cursor<'_> {
    pub(crate) fn error<T>(
        &self,
        offset: usize,
        message: impl Into<String>,
    ) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset,
            message: message.into(),
        })
    }

    pub(crate) fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.text.as_bytes().get(self.pos + ahead).copied()
    }

    pub(crate) fn starts_with(&self, s: &str) -> bool {
        self.text.as_bytes()[self.pos..].starts_with(s.as_bytes())
    }

    /// Takes `b` if it comes next.
    pub(crate) fn eat(&mut self, b: u8) -> bool {
        let next = self.peek() == Some(b);
        if next {
            self.pos += 1;
        }
        next
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.text[self.pos..].chars().next()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Passes spaces and tabs.
    pub(crate) fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.pos += 1;
        }
    }

    /// Takes a newline (`\n` or `\r\n`) if one comes next.
    pub(crate) fn newline(&mut self) -> bool {
        if self.starts_with("\r\n") {
            self.pos += 2;
            return true;
        }
        self.eat(b'\n')
    }

    /// A comment, from its `#` up to (not including) the end of its line.
    pub(crate) fn comment(&mut self) -> Result<(), SyntaxError> {
        self.pos += 1;
        while self.peek() != Some(b'\n') && !self.starts_with("\r\n") {
            let at = self.pos;
            match self.next_char() {
                None => break,
                Some(c) if is_control(c) => {
                    return self.error(at, "control character in a comment");
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// The quote that opens a string here, and whether it is tripled (a multi-line string).
    pub(crate) fn opening_quote(&self) -> Option<(u8, bool)> {
        match self.peek() {
            Some(q @ (b'"' | b'\'')) => {
                Some((q, self.peek_at(1) == Some(q) && self.peek_at(2) == Some(q)))
            }
            _ => None,
        }
    }

    /// A one-line string opened by `quote` here: a `"basic string"`, whose escapes are decoded,
    /// or a `'literal string'`, taken as written.
    pub(crate) fn string(&mut self, quote: u8) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        loop {
            let at = self.pos;
            match self.next_char() {
                Some(c) if c == char::from(quote) => return Ok(out),
                Some('\\') if quote == b'"' => self.escape(&mut out)?,
                None | Some('\n' | '\r') => return self.error(start, "unterminated string"),
                Some(c) if is_control(c) => return self.error(at, "control character in a string"),
                Some(c) => out.push(c),
            }
        }
    }

    /// A multi-line string opened by three `quote`s here. A newline right after the opening
    /// quotes is dropped. In a `"""basic"""` one escapes are decoded and a backslash at the end
    /// of a line drops the whitespace up to the next text; a `'''literal'''` one is as written.
    pub(crate) fn multiline_string(&mut self, quote: u8) -> Result<String, SyntaxError> {
        let start = self.pos;
        self.pos += 3;
        self.newline();
        let mut out = String::new();
        loop {
            if self.closing_quotes(quote, &mut out) {
                return Ok(out);
            }
            let at = self.pos;
            match self.next_char() {
                None => return self.error(start, "unterminated string"),
                Some('\\') if quote == b'"' => {
                    self.skip_spaces();
                    if self.newline() {
                        while self.newline() || matches!(self.peek(), Some(b' ' | b'\t')) {
                            self.skip_spaces();
                        }
                    } else {
                        self.pos = at + 1;
                        self.escape(&mut out)?;
                    }
                }
                Some('\r') if self.eat(b'\n') => out.push_str("\r\n"),
                Some('\n') => out.push('\n'),
                Some(c) if is_control(c) => return self.error(at, "control character in a string"),
                Some(c) => out.push(c),
            }
        }
    }

    /// Whether three `quote`s close a multi-line string here, taking them; up to two more
    /// right before them are the string's own last characters.
    fn closing_quotes(&mut self, quote: u8, out: &mut String) -> bool {
        let mut run = 0;
        while run < 5 && self.peek_at(run) == Some(quote) {
            run += 1;
        }
        if run < 3 {
            return false;
        }
        for _ in 3..run {
            out.push(char::from(quote));
        }
        self.pos += run;
        true
    }

    /// The escape after a backslash (already taken) in a basic string.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let at = self.pos - 1;
        let c = match self.next_char() {
            Some('b') => '\u{8}',
            Some('t') => '\t',
            Some('n') => '\n',
            Some('f') => '\u{c}',
            Some('r') => '\r',
            Some('e') => '\u{1b}',
            Some('"') => '"',
            Some('\\') => '\\',
            Some('x') => self.code_point(at, 2)?,
            Some('u') => self.code_point(at, 4)?,
            Some('U') => self.code_point(at, 8)?,
            Some(other) => return self.error(at, format!("invalid escape `\\{other}`")),
            None => return self.error(at, "unterminated string"),
        };
        out.push(c);
        Ok(())
    }

    fn code_point(&mut self, at: usize, digits: usize) -> Result<char, SyntaxError> {
        let hex = self.text.get(self.pos..self.pos + digits).unwrap_or("");
        if hex.len() != digits || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return self.error(at, format!("an escape of {digits} hex digits expected"));
        }
        self.pos += digits;
        match u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            Some(c) => Ok(c),
            None => self.error(at, format!("`{hex}` is not a Unicode scalar value")),
        }
    }

    /// A boolean, number, date or time. A date and a time may be separated by a space.
    pub(crate) fn word(&mut self) -> Result<Scalar, SyntaxError> {
        let start = self.pos;
        self.take_word();
        if self.pos == start {
            return self.error(start, "expected a value");
        }
        if self.pos - start == 10
            && date(&self.text.as_bytes()[start..self.pos]).is_some()
            && self.peek() == Some(b' ')
            && self.peek_at(1).is_some_and(|b| b.is_ascii_digit())
            && self.peek_at(2).is_some_and(|b| b.is_ascii_digit())
            && self.peek_at(3) == Some(b':')
        {
            self.pos += 1;
            self.take_word();
        }
        let word = &self.text[start..self.pos];
        match word {
            "true" => return Ok(Scalar::Bool(true)),
            "false" => return Ok(Scalar::Bool(false)),
            _ => {}
        }
        if is_datetime(word.as_bytes()) {
            return Ok(Scalar::DateTime);
        }
        if is_float(word) {
            // `inf` and `nan` are words; a number too large for an f64 is refused, as toml does
            let plain: String = word.chars().filter(|&c| c != '_').collect();
            let finite = plain.ends_with("inf")
                || plain.ends_with("nan")
                || plain.parse::<f64>().is_ok_and(f64::is_finite);
            if !finite {
                return self.error(start, "float out of range of a 64-bit float");
            }
            return Ok(Scalar::Float);
        }
        match integer(word) {
            Some(Ok(n)) => Ok(Scalar::Int(n)),
            Some(Err(())) => self.error(start, "integer out of range of a 64-bit integer"),
            None => self.error(start, format!("`{word}` is not a TOML value")),
        }
    }

    fn take_word(&mut self) {
        while self.peek().is_some_and(is_word) {
            self.pos += 1;
        }
    }
}

/// Whether `s` is digits of `radix`, with single underscores only between two digits.
fn digits(s: &str, radix: u32) -> bool {
    let mut after_digit = false;
    for c in s.chars() {
        if c == '_' && after_digit {
            after_digit = false;
        } else if c.is_digit(radix) {
            after_digit = true;
        } else {
            return false;
        }
    }
    after_digit
}

/// A decimal integer part: no leading zero.
fn decimal(s: &str) -> bool {
    digits(s, 10) && (s == "0" || !s.starts_with('0'))
}

/// An integer: `None` when the text is not one, `Some(Err)` when it does not fit in an `i64`.
fn integer(word: &str) -> Option<Result<i64, ()>> {
    let (radix, body) = match word.get(..2) {
        Some("0x") => (16, &word[2..]),
        Some("0o") => (8, &word[2..]),
        Some("0b") => (2, &word[2..]),
        _ => (10, word),
    };
    let unsigned = match radix {
        10 => body.strip_prefix(['+', '-']).unwrap_or(body),
        _ => body,
    };
    let valid = match radix {
        10 => decimal(unsigned),
        _ => digits(unsigned, radix),
    };
    if !valid {
        return None;
    }
    let plain: String = body.chars().filter(|&c| c != '_').collect();
    Some(i64::from_str_radix(&plain, radix).map_err(|_| ()))
}

fn is_float(word: &str) -> bool {
    let body = word.strip_prefix(['+', '-']).unwrap_or(word);
    if body == "inf" || body == "nan" {
        return true;
    }
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let (whole, fraction) = match mantissa.split_once('.') {
        Some((w, f)) => (w, Some(f)),
        None => (mantissa, None),
    };
    (fraction.is_some() || exponent.is_some())
        && decimal(whole)
        && fraction.is_none_or(|f| digits(f, 10))
        && exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e), 10))
}

/// The number `bytes` of exactly `n` digits start with, and the rest.
fn number(bytes: &[u8], n: usize) -> Option<(u32, &[u8])> {
    let (head, rest) = bytes.split_at_checked(n)?;
    let mut value = 0;
    for &b in head {
        if !b.is_ascii_digit() {
            return None;
        }
        value = value * 10 + u32::from(b - b'0');
    }
    Some((value, rest))
}

/// `YYYY-MM-DD` (a real day of the calendar) at the start of `bytes`, and the rest.
fn date(bytes: &[u8]) -> Option<&[u8]> {
    let (year, rest) = number(bytes, 4)?;
    let (month, rest) = number(rest.strip_prefix(b"-")?, 2)?;
    let (day, rest) = number(rest.strip_prefix(b"-")?, 2)?;
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return None,
    };
    (1..=days).contains(&day).then_some(rest)
}

/// `HH:MM`, optionally `:SS` and a fraction, at the start of `bytes`, and the rest.
fn time(bytes: &[u8]) -> Option<&[u8]> {
    let (hour, rest) = number(bytes, 2)?;
    let (minute, mut rest) = number(rest.strip_prefix(b":")?, 2)?;
    if let Some(seconds) = rest.strip_prefix(b":") {
        let (second, after) = number(seconds, 2)?;
        if second > 60 {
            return None;
        }
        rest = after;
        if let Some(fraction) = rest.strip_prefix(b".") {
            let digits = fraction.iter().take_while(|b| b.is_ascii_digit()).count();
            if digits == 0 {
                return None;
            }
            rest = &fraction[digits..];
        }
    }
    (hour < 24 && minute < 60).then_some(rest)
}

/// A local time, a local date, or a date with a time and optionally an offset.
fn is_datetime(word: &[u8]) -> bool {
    if let Some(rest) = date(word) {
        let rest = match rest.split_first() {
            None => return true,
            Some((b'T' | b't' | b' ', rest)) => rest,
            Some(_) => return false,
        };
        let Some(rest) = time(rest) else {
            return false;
        };
        return match rest {
            [] | [b'Z' | b'z'] => true,
            [b'+' | b'-', offset @ ..] => matches!(time(offset), Some([])) && offset.len() == 5,
            _ => false,
        };
    }
    matches!(time(word), Some([]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(text: &str) -> Result<Scalar, String> {
        let mut at = Cursor { text, pos: 0 };
        at.word().map_err(|e| e.message)
    }

    fn string(text: &str) -> Result<String, String> {
        let mut at = Cursor { text, pos: 0 };
        let read = match at.opening_quote().expect("a quoted test string") {
            (q, true) => at.multiline_string(q),
            (q, false) => at.string(q),
        };
        read.map_err(|e| e.message)
    }

    #[test]
    fn words_are_booleans_integers_floats_or_dates() {
        assert_eq!(word("true"), Ok(Scalar::Bool(true)));
        assert_eq!(word("-1_000"), Ok(Scalar::Int(-1000)));
        assert_eq!(word("0xff"), Ok(Scalar::Int(255)));
        assert_eq!(word("0b11"), Ok(Scalar::Int(3)));
        assert_eq!(word("6.02e23"), Ok(Scalar::Float));
        assert_eq!(word("-inf"), Ok(Scalar::Float));
        assert_eq!(word("2000-02-29"), Ok(Scalar::DateTime));
        assert_eq!(word("1979-05-27 07:32:00+01:00"), Ok(Scalar::DateTime));
        assert_eq!(word("07:32"), Ok(Scalar::DateTime));
        // the space after a date only joins a time to it
        let mut at = Cursor {
            text: "1979-05-27 # c",
            pos: 0,
        };
        assert_eq!(at.word(), Ok(Scalar::DateTime));
        assert_eq!(at.pos, 10);
    }

    #[test]
    fn malformed_words_are_refused_with_their_text() {
        assert_eq!(
            word("2001-02-29"),
            Err("`2001-02-29` is not a TOML value".into())
        );
        assert_eq!(word("012"), Err("`012` is not a TOML value".into()));
        assert_eq!(word("1__0"), Err("`1__0` is not a TOML value".into()));
        assert_eq!(word("yes"), Err("`yes` is not a TOML value".into()));
        assert_eq!(word("\n"), Err("expected a value".into()));
        assert_eq!(
            word("9223372036854775808"),
            Err("integer out of range of a 64-bit integer".into())
        );
    }

    #[test]
    fn strings_decode_escapes_and_trim_as_toml_says() {
        assert_eq!(string(r#""a\tb\u00e9\x41\e""#), Ok("a\tbéA\u{1b}".into()));
        assert_eq!(string(r"'C:\path'"), Ok(r"C:\path".into()));
        assert_eq!(
            string("\"\"\"\nline \\\n    joined\"\"\""),
            Ok("line joined".into())
        );
        assert_eq!(string("\"\"\"two\"\"\"\"\""), Ok("two\"\"".into()));
        assert_eq!(string("'''\nkept \\n'''"), Ok("kept \\n".into()));
        assert_eq!(string(r#""\q""#), Err(r"invalid escape `\q`".into()));
        assert_eq!(string("\"open\n\""), Err("unterminated string".into()));
        assert_eq!(
            string(r#""\uDC00""#),
            Err("`DC00` is not a Unicode scalar value".into())
        );
    }
}
