//! TOML text read into the owned tree of [`Node`]s the checker walks, each value with its line.
//!
//! Lexing, the grammar and the decoding of strings and numbers are `toml_parser`'s (the parser
//! underneath the `toml` crate, which cargo uses); this module lays its events out as tables,
//! with TOML's rules on where a table may be defined: a key or table is defined once, an inline
//! table or array value is closed, dotted keys extend no table a header defined.
//! The `toml` crate's own layer on top would double this crate's compile time, which every
//! user's build pays. See <https://toml.io/en/v1.0.0>.

use toml_parser::decoder::ScalarKind;
use toml_parser::parser::{Event, EventKind, RecursionGuard, ValidateWhitespace};
use toml_parser::{Expected, ParseError, Source, Span};

use crate::manifest::{Item, Node, Origin};
use crate::map::NameMap;
use crate::source::{Location, SourceFile};

/// A syntax error: where it is (a byte offset) and what is wrong.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SyntaxError {
    pub(crate) offset: usize,
    pub(crate) message: String,
}

/// How deep arrays and inline tables may nest, as the `toml` crate allows.
const MAX_DEPTH: u32 = 80;

/// Reads a whole document into its root table.
pub(crate) fn read(file: &SourceFile) -> Result<Node, SyntaxError> {
    let source = Source::new(&file.text);
    let tokens = source.lex().into_vec();
    let mut events: Vec<Event> = Vec::with_capacity(tokens.len());
    let mut first: Option<ParseError> = None;
    {
        let mut validate = ValidateWhitespace::new(&mut events, source);
        let mut guard = RecursionGuard::new(&mut validate, MAX_DEPTH);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut first);
    }
    if let Some(e) = first {
        return Err(from_parse_error(&e));
    }
    events.retain(|e| {
        !matches!(
            e.kind(),
            EventKind::Whitespace | EventKind::Comment | EventKind::Newline
        )
    });
    let newlines = file
        .text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let mut builder = Builder {
        file,
        source,
        events: &events,
        next: 0,
        newlines,
    };
    builder.document()
}

fn from_parse_error(e: &ParseError) -> SyntaxError {
    let mut message = e.description().to_owned();
    if let Some(expected) = e.expected() {
        message.push_str(", expected ");
        for (i, item) in expected.iter().enumerate() {
            if i > 0 {
                message.push_str(", ");
            }
            match item {
                Expected::Literal("\n") => message.push_str("newline"),
                Expected::Literal(lit) => {
                    message.push('`');
                    message.push_str(lit);
                    message.push('`');
                }
                Expected::Description(what) => message.push_str(what),
                _ => message.push_str("something else"),
            }
        }
    }
    let offset = e.unexpected().or(e.context()).map_or(0, |s| s.start());
    SyntaxError { offset, message }
}

struct Builder<'a> {
    file: &'a SourceFile,
    source: Source<'a>,
    events: &'a [Event],
    next: usize,
    /// Where each line ends, to find a value's line without rescanning the text.
    newlines: Vec<usize>,
}

/// One key of a dotted key, decoded, with where it starts.
struct Key {
    name: String,
    offset: usize,
}

impl<'a> Builder<'a> {
    fn error<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
        Err(SyntaxError {
            offset,
            message: message.into(),
        })
    }

    fn peek(&self) -> Option<Event> {
        self.events.get(self.next).copied()
    }

    fn bump(&mut self) -> Option<Event> {
        let e = self.peek();
        self.next += 1;
        e
    }

    fn node(&self, item: Item, origin: Origin, offset: usize) -> Node {
        Node {
            item,
            at: Location {
                file: self.file.path.clone(),
                line: self.newlines.partition_point(|&n| n < offset) + 1,
            },
            origin,
        }
    }

    fn document(&mut self) -> Result<Node, SyntaxError> {
        let mut root = self.node(Item::Table(NameMap::new()), Origin::Header, 0);
        // the path of the table key-values go to; empty for the root
        let mut current: Vec<Key> = Vec::new();
        while let Some(event) = self.bump() {
            match event.kind() {
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    let array = event.kind() == EventKind::ArrayTableOpen;
                    let close = if array {
                        EventKind::ArrayTableClose
                    } else {
                        EventKind::StdTableClose
                    };
                    current = self.keys(close)?;
                    self.define_table(&mut root, &current, array, event.span())?;
                }
                EventKind::SimpleKey => {
                    self.next -= 1;
                    let keys = self.keys(EventKind::KeyValSep)?;
                    let value = self.value()?;
                    let table = self.current_table(&mut root, &current)?;
                    self.insert(table, &keys, value)?;
                }
                _ => return self.unexpected(event),
            }
        }
        Ok(root)
    }

    fn unexpected<T>(&self, event: Event) -> Result<T, SyntaxError> {
        self.error(
            event.span().start(),
            format!("unexpected {}", event.kind().description()),
        )
    }

    /// A dotted key, up to and including `end`.
    fn keys(&mut self, end: EventKind) -> Result<Vec<Key>, SyntaxError> {
        let mut keys = Vec::new();
        loop {
            let Some(event) = self.bump() else {
                return self.error(self.file.text.len(), "unexpected end of file");
            };
            match event.kind() {
                EventKind::SimpleKey => {
                    let raw = self.raw(event)?;
                    let mut name = String::new();
                    let mut problem: Option<ParseError> = None;
                    raw.decode_key(&mut name, &mut problem);
                    if let Some(e) = problem {
                        return Err(from_parse_error(&e));
                    }
                    keys.push(Key {
                        name,
                        offset: event.span().start(),
                    });
                }
                EventKind::KeySep => {}
                kind if kind == end && !keys.is_empty() => return Ok(keys),
                _ => return self.unexpected(event),
            }
        }
    }

    fn raw(&self, event: Event) -> Result<toml_parser::Raw<'a>, SyntaxError> {
        match self.source.get(event) {
            Some(raw) => Ok(raw),
            None => self.error(event.span().start(), "a value outside the text"),
        }
    }

    /// A value: a scalar, an array or an inline table.
    fn value(&mut self) -> Result<Node, SyntaxError> {
        let Some(event) = self.bump() else {
            return self.error(self.file.text.len(), "expected a value");
        };
        let start = event.span().start();
        match event.kind() {
            EventKind::Scalar => {
                let raw = self.raw(event)?;
                let mut text = String::new();
                let mut problem: Option<ParseError> = None;
                let kind = raw.decode_scalar(&mut text, &mut problem);
                if let Some(e) = problem {
                    return Err(from_parse_error(&e));
                }
                let item = match kind {
                    ScalarKind::String => Item::Str(text),
                    ScalarKind::Boolean(b) => Item::Bool(b),
                    ScalarKind::Integer(radix) => match i64::from_str_radix(&text, radix.value()) {
                        Ok(n) => Item::Int(n),
                        Err(_) => {
                            return self.error(start, "integer out of range of a 64-bit integer");
                        }
                    },
                    ScalarKind::Float => Item::Other("float"),
                    ScalarKind::DateTime => Item::Other("datetime"),
                };
                Ok(self.node(item, Origin::Value, start))
            }
            EventKind::ArrayOpen => {
                let mut items = Vec::new();
                while !self.closes(EventKind::ArrayClose) {
                    items.push(self.value()?);
                }
                Ok(self.node(Item::Array(items), Origin::Value, start))
            }
            EventKind::InlineTableOpen => {
                let mut table = self.node(Item::Table(NameMap::new()), Origin::Inline, start);
                while !self.closes(EventKind::InlineTableClose) {
                    let keys = self.keys(EventKind::KeyValSep)?;
                    let value = self.value()?;
                    self.insert(&mut table, &keys, value)?;
                }
                Ok(table)
            }
            _ => self.unexpected(event),
        }
    }

    /// Passes value separators; whether `close` (the end of an array or inline table) comes
    /// next, taking it if so.
    fn closes(&mut self, close: EventKind) -> bool {
        while self.peek().map(|e| e.kind()) == Some(EventKind::ValueSep) {
            self.next += 1;
        }
        let closing = self.peek().map(|e| e.kind()) == Some(close);
        if closing {
            self.next += 1;
        }
        closing
    }

    /// Sets a dotted key in `table`: the keys before the last name tables that dotted keys
    /// create (or created before); the last must be new.
    fn insert(&self, table: &mut Node, keys: &[Key], value: Node) -> Result<(), SyntaxError> {
        let Some((last, parents)) = keys.split_last() else {
            return self.error(0, "missing key");
        };
        let mut table = table;
        for key in parents {
            let map = table_of(table, key)?;
            if !map.contains_key(&key.name) {
                let node = self.node(Item::Table(NameMap::new()), Origin::Dotted, key.offset);
                map.insert(key.name.clone(), node);
            }
            match map.get_mut(&key.name) {
                // as toml (and so cargo) reads it, dotted keys may also go into a table a header
                // only implied; that defines it, so no header may define it again
                Some(next) if matches!(next.origin, Origin::Dotted | Origin::Implicit) => {
                    next.origin = Origin::Dotted;
                    table = next;
                }
                _ => return self.duplicate(key),
            }
        }
        let map = table_of(table, last)?;
        if map.contains_key(&last.name) {
            return self.duplicate(last);
        }
        map.insert(last.name.clone(), value);
        Ok(())
    }

    fn duplicate<T>(&self, key: &Key) -> Result<T, SyntaxError> {
        self.error(key.offset, format!("duplicate key `{}`", key.name))
    }

    /// Defines the table of a `[header]` or `[[header]]`.
    fn define_table(
        &self,
        root: &mut Node,
        path: &[Key],
        array: bool,
        span: Span,
    ) -> Result<(), SyntaxError> {
        let Some((last, parents)) = path.split_last() else {
            return self.error(span.start(), "missing table name");
        };
        let parent = self.walk(root, parents, true)?;
        let map = table_of(parent, last)?;
        let header = self.node(Item::Table(NameMap::new()), Origin::Header, span.start());
        match map.get_mut(&last.name) {
            None if array => {
                let list = self.node(Item::Array(vec![header]), Origin::ArrayHeader, span.start());
                map.insert(last.name.clone(), list);
            }
            None => {
                map.insert(last.name.clone(), header);
            }
            Some(node) => match (&mut node.item, node.origin, array) {
                (Item::Array(items), Origin::ArrayHeader, true) => items.push(header),
                (Item::Table(_), Origin::Implicit, false) => {
                    node.origin = Origin::Header;
                    node.at = header.at;
                }
                _ => {
                    return self.error(last.offset, format!("duplicate table `{}`", dotted(path)));
                }
            },
        }
        Ok(())
    }

    /// The table key-values go to after a header (its path already defined).
    fn current_table<'n>(
        &self,
        root: &'n mut Node,
        path: &[Key],
    ) -> Result<&'n mut Node, SyntaxError> {
        self.walk(root, path, false)
    }

    /// Follows a header's path: through tables, into the last element of an array of tables.
    /// Missing tables are created (as implied by the header) when `create` is set.
    fn walk<'n>(
        &self,
        root: &'n mut Node,
        path: &[Key],
        create: bool,
    ) -> Result<&'n mut Node, SyntaxError> {
        let mut node = root;
        for key in path {
            let map = table_of(node, key)?;
            if create && !map.contains_key(&key.name) {
                let implied = self.node(Item::Table(NameMap::new()), Origin::Implicit, key.offset);
                map.insert(key.name.clone(), implied);
            }
            let Some(next) = map.get_mut(&key.name) else {
                return self.error(key.offset, format!("missing table `{}`", key.name));
            };
            node = match next.origin {
                Origin::ArrayHeader => match &mut next.item {
                    Item::Array(items) => match items.last_mut() {
                        Some(last) => last,
                        None => return self.error(key.offset, "empty array of tables"),
                    },
                    _ => return self.error(key.offset, "not an array of tables"),
                },
                Origin::Header | Origin::Implicit | Origin::Dotted
                    if matches!(next.item, Item::Table(_)) =>
                {
                    next
                }
                _ => {
                    return self.error(
                        key.offset,
                        format!(
                            "`{}` is a value and cannot be extended with a table",
                            key.name
                        ),
                    );
                }
            };
        }
        Ok(node)
    }
}

/// The map of a table node, or the error of treating a value as a table.
fn table_of<'n>(node: &'n mut Node, key: &Key) -> Result<&'n mut NameMap<Node>, SyntaxError> {
    match &mut node.item {
        Item::Table(map) => Ok(map),
        _ => Err(SyntaxError {
            offset: key.offset,
            message: format!("`{}` is not a table", key.name),
        }),
    }
}

fn dotted(path: &[Key]) -> String {
    let names: Vec<&str> = path.iter().map(|k| k.name.as_str()).collect();
    names.join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Our tree in the `toml` crate's terms, to compare the two readers.
    fn ours(text: &str) -> Result<toml::Value, String> {
        let file = SourceFile::new("t.toml", text);
        read(&file).map(|n| plain(&n)).map_err(|e| e.message)
    }

    fn plain(node: &Node) -> toml::Value {
        match &node.item {
            Item::Bool(b) => toml::Value::Boolean(*b),
            Item::Int(n) => toml::Value::Integer(*n),
            Item::Str(s) => toml::Value::String(s.clone()),
            Item::Array(items) => toml::Value::Array(items.iter().map(plain).collect()),
            Item::Table(map) => {
                toml::Value::Table(map.iter().map(|(k, v)| (k.clone(), plain(v))).collect())
            }
            Item::Other(kind) => toml::Value::String(format!("<{kind}>")),
        }
    }

    /// The `toml` crate's reading, with floats and datetimes as our tree names them.
    fn reference(text: &str) -> Result<toml::Value, String> {
        fn fold(v: toml::Value) -> toml::Value {
            match v {
                toml::Value::Float(_) => toml::Value::String("<float>".into()),
                toml::Value::Datetime(_) => toml::Value::String("<datetime>".into()),
                toml::Value::Array(items) => {
                    toml::Value::Array(items.into_iter().map(fold).collect())
                }
                toml::Value::Table(t) => {
                    toml::Value::Table(t.into_iter().map(|(k, v)| (k, fold(v))).collect())
                }
                other => other,
            }
        }
        text.parse::<toml::Table>()
            .map(|t| fold(toml::Value::Table(t)))
            .map_err(|e| e.message().to_owned())
    }

    fn same_as_reference(text: &str) {
        match (ours(text), reference(text)) {
            (Ok(a), Ok(b)) => assert_eq!(a, b, "different trees for:\n{text}"),
            (Err(_), Err(_)) => {}
            (a, b) => panic!("ours {a:?}, toml {b:?} for:\n{text}"),
        }
    }

    #[test]
    fn every_form_of_table_key_and_value_reads_as_the_toml_crate_reads_it() {
        let cases = [
            "",
            "# only a comment\n",
            "a = 1\nb = \"two\"\nc = true\nd = 'lit'\ne = \"\"\"\nmulti\nline\"\"\"\nf = '''\nraw\\n'''\n",
            "n = [1, 2, [3, \"x\"], { y = 4 }]\nm = []\n",
            "hex = 0xff\noct = 0o17\nbin = 0b101\nneg = -3\nus = 1_000\n",
            "f = 1.5\ne = 1e3\ninf = inf\nd = 1979-05-27\ndt = 1979-05-27T07:32:00Z\n",
            "esc = \"tab\\there \\u00e9 \\\"q\\\"\"\n",
            "[profile.release]\nlto = true\n[profile.dist]\ninherits = \"release\"\n",
            "[profile]\nrelease.lto = true\nrelease.opt-level = \"z\"\n",
            "profile.release.package.\"*\".opt-level = 3\n",
            "\"quoted key\" = 1\n'literal key' = 2\n[\"a.b\".c]\nd = 3\n",
            "[[bin]]\nname = \"a\"\n[[bin]]\nname = \"b\"\n[bin.sub]\nx = 1\n",
            "[a.b.c]\nx = 1\n[a]\ny = 2\n",
            "[fruit]\napple.color = \"red\"\napple.taste.sweet = true\n[fruit.apple.texture]\nsmooth = true\n",
            "[target.'cfg(unix)'.dependencies]\nlibc = { version = \"0.2\", optional = true }\n",
            "t = { a = 1, b.c = 2, d = { e = [1] } }\n",
            "[[a.b]]\nx = 1\n[a]\ny = 2\n[[a.b]]\nx = 3\n",
            "key = \"value\" # trailing comment\n\n\n[ spaced . header ]\nk = 1\n",
            // not TOML: both readers refuse
            "a = 1\na = 2\n",
            "[a]\n[a]\n",
            "a = 1\n[a]\n",
            "a = {}\n[a.b]\n",
            "a = { b = 1 }\na.c = 2\n",
            "[a.b]\nx = 1\n[a]\nb.y = 2\n",
            "[a.b.c]\n[a]\nb.d = 1\n",
            "[a.b.c]\n[a]\nb.d = 1\n[a.b]\n",
            "[a]\nb.c = 1\n[a.b.d]\ne = 2\n",
            "a.b = 1\n[a]\n",
            "[[a]]\nb.c = 1\n[[a]]\nb.c = 2\n",
            "[a]\nb = { c = 1 }\n[a.b.d]\n",
            "[[a]]\n[a.b]\n[[a]]\n[a.b]\n",
            "a = [{ b = 1 }]\n[a.c]\n",
            "a = []\n[[a]]\n",
            "[a]\n[[a]]\n",
            "[[a]]\n[a]\n",
            "[fruit]\napple.color = \"red\"\n[fruit.apple]\n",
            "a.b = 1\na.b.c = 2\n",
            "a = [1,\n",
            "lto = \n",
            "a = 1 b = 2\n",
            "[a\n",
            "a = \"unterminated\n",
            "a = 0x\n",
            "= 1\n",
            "big = 99999999999999999999\n",
            "a = 1\n\u{0}\n",
        ];
        for case in cases {
            same_as_reference(case);
        }
    }

    #[test]
    fn errors_point_at_the_offending_key() {
        let text = "[profile.release]\nlto = true\nlto = false\n";
        let err = read(&SourceFile::new("t.toml", text)).unwrap_err();
        assert_eq!(err.message, "duplicate key `lto`");
        assert_eq!(err.offset, text.rfind("lto").unwrap());
        let err = read(&SourceFile::new("t.toml", "[a]\nx = 1\n[a]\n")).unwrap_err();
        assert_eq!(
            (err.message.as_str(), err.offset),
            ("duplicate table `a`", 11)
        );
    }

    #[test]
    fn nesting_is_bounded() {
        let deep = format!("a = {}1{}\n", "[".repeat(200), "]".repeat(200));
        assert!(read(&SourceFile::new("t.toml", &deep)).is_err());
    }

    /// Every manifest of every crate this workspace builds with: hundreds of real
    /// `Cargo.toml` files, read by both readers.
    #[test]
    #[allow(clippy::disallowed_methods)] // a test reads the registry's files directly
    fn real_manifests_read_as_the_toml_crate_reads_them() {
        let home = std::env::var_os("CARGO_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".cargo")))
            .expect("CARGO_HOME or HOME is set");
        let mut compared = 0;
        let registries = std::fs::read_dir(home.join("registry").join("src"))
            .into_iter()
            .flatten();
        for registry in registries.flatten() {
            for krate in std::fs::read_dir(registry.path())
                .into_iter()
                .flatten()
                .flatten()
            {
                for name in ["Cargo.toml", "Cargo.toml.orig"] {
                    if let Ok(text) = std::fs::read_to_string(krate.path().join(name)) {
                        same_as_reference(&text);
                        compared += 1;
                    }
                }
            }
        }
        // this test's own build put at least toml and its dependencies there
        assert!(
            compared >= 10,
            "only {compared} manifests found under {}",
            home.display()
        );
    }
}
