//! TOML text read into the owned tree of [`Node`]s the checker walks, each value with its line.
//!
//! A small recursive-descent reader of TOML 1.1 (the version the `toml` crate, and so cargo,
//! reads), with TOML's rules on where a table may be defined: a key or table is defined once, an
//! inline table or array value is closed, dotted keys extend no table a header defined.
//! It is written here rather than taken from `toml` or `toml_parser` because every user's build
//! compiles it, and those would nearly double the crate's compile time. Its tests read the same
//! texts with the `toml` crate and expect the same tree, or both to refuse.
//! See <https://toml.io/en/v1.1.0>.

pub(crate) mod document;
pub(crate) mod node;
pub(crate) mod scalar;

#[cfg(test)]
pub(crate) use document::doc;
pub use document::{Document, Problem};
pub(crate) use node::{Item, Node, Origin};

use crate::map::NameMap;
use crate::source::{Location, SourceFile};
use crate::toml_tree::scalar::{Cursor, Scalar, SyntaxError, is_bare};

/// How deep arrays and inline tables may nest, as the `toml` crate allows.
const MAX_DEPTH: u32 = 80;

/// Reads a whole document into its root table.
pub(crate) fn read(file: &SourceFile) -> Result<Node, SyntaxError> {
    let text = file.text.as_str();
    let newlines = text
        .bytes()
        .enumerate()
        .filter(|(_, b)| *b == b'\n')
        .map(|(i, _)| i)
        .collect();
    let mut builder = Builder {
        file,
        at: Cursor {
            text,
            pos: usize::from(text.starts_with('\u{feff}')) * 3,
        },
        newlines,
    };
    builder.document()
}

struct Builder<'a> {
    file: &'a SourceFile,
    at: Cursor<'a>,
    /// Where each line ends, to find a value's line without rescanning the text.
    newlines: Vec<usize>,
}

/// One key of a dotted key, decoded, with where it starts.
struct Key {
    name: String,
    offset: usize,
}

impl Builder<'_> {
    fn error<T>(&self, offset: usize, message: impl Into<String>) -> Result<T, SyntaxError> {
        self.at.error(offset, message)
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
        loop {
            self.at.skip_spaces();
            let start = self.at.pos;
            match self.at.peek() {
                None => return Ok(root),
                Some(b'#') => self.at.comment()?,
                Some(b'[') => {
                    self.at.pos += 1;
                    let array = self.at.eat(b'[');
                    current = self.keys()?;
                    if !self.at.eat(b']') || (array && !self.at.eat(b']')) {
                        let close = if array { "]]" } else { "]" };
                        return self.error(
                            self.at.pos,
                            format!("unclosed table header, expected `{close}`"),
                        );
                    }
                    self.define_table(&mut root, &current, array, start)?;
                }
                Some(_) if self.at.newline() => continue,
                Some(_) => {
                    let (keys, value) = self.key_value(0, false)?;
                    let table = self.current_table(&mut root, &current)?;
                    self.insert(table, &keys, value)?;
                }
            }
            // the rest of the line: a comment at most
            self.at.skip_spaces();
            if self.at.peek() == Some(b'#') {
                self.at.comment()?;
            }
            if self.at.peek().is_some() && !self.at.newline() {
                return self.error(
                    self.at.pos,
                    "expected a newline after a header or key-value pair",
                );
            }
        }
    }

    /// A dotted key, with the spaces around it and its dots.
    fn keys(&mut self) -> Result<Vec<Key>, SyntaxError> {
        let mut keys = Vec::new();
        loop {
            self.at.skip_spaces();
            let offset = self.at.pos;
            let name = match (self.at.opening_quote(), self.at.peek()) {
                (Some((_, true)), _) => {
                    return self.error(offset, "a key cannot be a multi-line string");
                }
                (Some((q, false)), _) => self.at.string(q)?,
                (None, Some(b)) if is_bare(b) => {
                    while self.at.peek().is_some_and(is_bare) {
                        self.at.pos += 1;
                    }
                    self.at.text[offset..self.at.pos].to_owned()
                }
                _ => return self.error(offset, "expected a key"),
            };
            if keys.len() == MAX_DEPTH as usize {
                return self.error(offset, "a dotted key has too many parts");
            }
            keys.push(Key { name, offset });
            self.at.skip_spaces();
            if !self.at.eat(b'.') {
                return Ok(keys);
            }
        }
    }

    /// `key = value`. Inside an inline table (TOML 1.1, as the `toml` crate reads it) newlines
    /// and comments may stand on either side of the `=`.
    fn key_value(&mut self, depth: u32, inline: bool) -> Result<(Vec<Key>, Node), SyntaxError> {
        let keys = self.keys()?;
        if inline {
            self.blank()?;
        }
        if !self.at.eat(b'=') {
            return self.error(self.at.pos, "expected `=` after a key");
        }
        if inline {
            self.blank()?;
        } else {
            self.at.skip_spaces();
        }
        let value = self.value(depth)?;
        Ok((keys, value))
    }

    /// A value: a scalar, an array or an inline table.
    fn value(&mut self, depth: u32) -> Result<Node, SyntaxError> {
        let start = self.at.pos;
        let scalar = match self.at.peek() {
            Some(b'[' | b'{') if depth >= MAX_DEPTH => {
                return self.error(start, "arrays and inline tables nested too deep");
            }
            Some(b'[') => return self.array(depth + 1),
            Some(b'{') => return self.inline_table(depth + 1),
            _ => match self.at.opening_quote() {
                Some((q, true)) => Scalar::Str(self.at.multiline_string(q)?),
                Some((q, false)) => Scalar::Str(self.at.string(q)?),
                None => self.at.word()?,
            },
        };
        let item = match scalar {
            Scalar::Str(s) => Item::Str(s),
            Scalar::Int(n) => Item::Int(n),
            Scalar::Bool(b) => Item::Bool(b),
            Scalar::Float => Item::Other("float"),
            Scalar::DateTime => Item::Other("datetime"),
        };
        Ok(self.node(item, Origin::Value, start))
    }

    /// `[ value, ... ]`, across lines and comments, with an optional trailing comma.
    fn array(&mut self, depth: u32) -> Result<Node, SyntaxError> {
        let start = self.at.pos;
        self.at.pos += 1;
        let mut items = Vec::new();
        loop {
            self.blank()?;
            if self.at.eat(b']') {
                break;
            }
            items.push(self.value(depth)?);
            self.blank()?;
            if self.at.eat(b']') {
                break;
            }
            if !self.at.eat(b',') {
                return self.error(self.at.pos, "expected `,` or `]` in an array");
            }
        }
        Ok(self.node(Item::Array(items), Origin::Value, start))
    }

    /// `{ key = value, ... }`: in TOML 1.1 also across lines, with comments and a trailing
    /// comma.
    fn inline_table(&mut self, depth: u32) -> Result<Node, SyntaxError> {
        let start = self.at.pos;
        self.at.pos += 1;
        let mut table = self.node(Item::Table(NameMap::new()), Origin::Inline, start);
        loop {
            self.blank()?;
            if self.at.eat(b'}') {
                break;
            }
            let (keys, value) = self.key_value(depth, true)?;
            self.insert(&mut table, &keys, value)?;
            self.blank()?;
            if self.at.eat(b'}') {
                break;
            }
            if !self.at.eat(b',') {
                return self.error(self.at.pos, "expected `,` or `}` in an inline table");
            }
        }
        Ok(table)
    }

    /// Spaces, newlines and comments, inside an array or inline table.
    fn blank(&mut self) -> Result<(), SyntaxError> {
        loop {
            self.at.skip_spaces();
            if self.at.peek() == Some(b'#') {
                self.at.comment()?;
            } else if !self.at.newline() {
                return Ok(());
            }
        }
    }

    /// Sets a dotted key in `table`: the keys before the last name tables that dotted keys
    /// create (or created before); the last must be new.
    fn insert(&self, table: &mut Node, keys: &[Key], value: Node) -> Result<(), SyntaxError> {
        let Some((last, parents)) = keys.split_last() else {
            return self.error(0, "missing key");
        };
        let mut table = table;
        for (i, key) in parents.iter().enumerate() {
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
                // and they reach into the last table of an array of tables, though not to set
                // a key of that table itself (`a.b.c = 1` is read, `a.b = 1` is a duplicate)
                Some(Node {
                    item: Item::Array(items),
                    origin: Origin::ArrayHeader,
                    ..
                }) if i + 1 < parents.len() => match items.last_mut() {
                    Some(last) => table = last,
                    None => return self.duplicate(key),
                },
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
        start: usize,
    ) -> Result<(), SyntaxError> {
        let Some((last, parents)) = path.split_last() else {
            return self.error(start, "missing table name");
        };
        let parent = self.walk(root, parents, true)?;
        let map = table_of(parent, last)?;
        let header = self.node(Item::Table(NameMap::new()), Origin::Header, start);
        match map.get_mut(&last.name) {
            None if array => {
                let list = self.node(Item::Array(vec![header]), Origin::ArrayHeader, start);
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
mod conformance;

#[cfg(test)]
mod tests {
    use super::*;

    /// Our tree in the `toml` crate's terms, to compare the two readers.
    pub(super) fn ours(text: &str) -> Result<toml::Value, String> {
        let file = SourceFile::new("t.toml", text);
        read(&file).map(|n| plain(&n)).map_err(|e| e.message)
    }

    pub(super) fn plain(node: &Node) -> toml::Value {
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
    pub(super) fn reference(text: &str) -> Result<toml::Value, String> {
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

    /// How our reading of `text` differs from the `toml` crate's, if it does.
    pub(super) fn difference(text: &str) -> Option<String> {
        match (ours(text), reference(text)) {
            (Ok(a), Ok(b)) if a == b => None,
            (Err(_), Err(_)) => None,
            (a, b) => Some(format!("ours {a:?}, toml {b:?} for:\n{text:?}")),
        }
    }

    pub(super) fn same_as_reference<'t>(texts: impl IntoIterator<Item = &'t str>) {
        let differences: Vec<String> = texts.into_iter().filter_map(difference).collect();
        assert!(differences.is_empty(), "{}", differences.join("\n\n"));
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
            // dotted keys into the last table of an array of tables
            "[[x.a]]\n[x]\na.b.c = 1\n",
            "[[x.a]]\nb.c = 2\n[[x.a]]\nb.c = 3\n[x]\na.b.d = 1\n",
            "[[x.a]]\n[x]\na.b = 1\n",
            "[[x.a]]\n[x.a.y]\n[x]\na.y.z = 1\n",
            "[[x.a]]\n[x]\na.b.c = 1\n[x.a.b]\n",
            "[[x.a]]\n[x]\na.b.c = 1\na.b.d = 2\n",
            "[[x.a.b]]\n[x]\na.b.c.d = 1\n",
            "x = [{ b = 1 }]\nx.c.d = 2\n",
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
        same_as_reference(cases);
    }

    #[test]
    fn strings_numbers_dates_and_toml_1_1_read_as_the_toml_crate_reads_them() {
        let cases = [
            // line endings, a byte order mark, comments
            "a = 1\r\nb = 2\r\n",
            "\u{feff}a = 1\n",
            "a = 1 # c\r\n# only\r\n",
            "a = 1\r\n\r",
            "# bad \u{1} comment\n",
            "# tab\tin comment\n",
            "a = 1 # del \u{7f}\n",
            // basic strings and their escapes
            "s = \"\\b\\t\\n\\f\\r\\\"\\\\ \\u00E9 \\U0001F600\"\n",
            "s = \"\\e and \\x41\"\n",
            "s = \"\\q\"\n",
            "s = \"\\uD800\"\n",
            "s = \"\\u12\"\n",
            "s = \"tab\tok\"\n",
            "s = \"nul \u{0}\"\n",
            "s = \"é and 日本\"\n",
            // multi-line strings
            "s = \"\"\"\r\nfirst\r\nsecond\"\"\"\n",
            "s = \"\"\"one \\\n    two \\   \n\n  three\"\"\"\n",
            "s = \"\"\"quotes \"\" inside\"\"\"\n",
            "s = \"\"\"ends with one\"\"\"\"\n",
            "s = \"\"\"ends with two\"\"\"\"\"\n",
            "s = \"\"\"too many\"\"\"\"\"\"\n",
            "s = \"\"\"a \\ b\"\"\"\n",
            "s = '''\nraw \\n 'q' ''q'' '''\n",
            "s = '''ends'''''\n",
            "s = 'no\nnewline'\n",
            "s = 'a\\b'\n",
            "s = \"\"\"\"\"\"\n",
            // keys
            "\"\" = 1\n",
            "'' = 1\n",
            "\"\"\"k\"\"\" = 1\n",
            "é = 1\n",
            "a . b . c = 1\n",
            "1234 = 5\n",
            "3.14 = 1\n",
            "true = 1\n",
            "\"a\\u0062\" = 1\n",
            // integers
            "a = +1\nb = -0\nc = 0\nd = 1_2_3\n",
            "a = 01\n",
            "a = 1__2\n",
            "a = _1\n",
            "a = 1_\n",
            "a = 0xDEAD_beef\nb = 0o7_7\nc = 0b1_0\n",
            "a = 0X1\n",
            "a = -0x1\n",
            "a = 0x_1\n",
            "a = 0xffffffffffffffff\n",
            "a = 9223372036854775807\nb = -9223372036854775808\n",
            "a = 9223372036854775808\n",
            // floats
            "a = 1.0\nb = -0.5\nc = 6e-3\nd = 1E+10\ne = 1_0.0_1\nf = -inf\ng = +nan\nh = 1e06\n",
            "a = .5\n",
            "a = 5.\n",
            "a = 01.5\n",
            "a = 1e\n",
            "a = 1.5.3\n",
            "a = infinity\n",
            "a = 1e1.5\n",
            // dates and times
            "a = 1979-05-27T07:32:00Z\nb = 1979-05-27 07:32:00-07:00\nc = 1979-05-27t07:32:00.999999z\n",
            "a = 1979-05-27T07:32:00\nb = 07:32:00\nc = 00:32:00.5\nd = 2000-02-29\n",
            "a = 1979-05-27T07:32Z\nb = 07:32\n",
            "a = 1979-13-01\n",
            "a = 2001-02-29\n",
            "a = 1979-05-27T25:00:00\n",
            "a = 1979-05-27T07:60:00\n",
            "a = 1979-05-27T07:32:00+7:00\n",
            "a = 1979-05-27T07:32:00.\n",
            "a = 1979-05-27 \n",
            "a = 1979-05-27 x\n",
            // booleans and other words
            "a = truex\n",
            "a = True\n",
            "a = nothing\n",
            // arrays and inline tables, TOML 1.1
            "a = [\n  1, # one\n  2,\n]\n",
            "a = [,]\n",
            "a = [1,,2]\n",
            "a = [1 2]\n",
            "t = {\n  a = 1, # c\n  b = 2,\n}\n",
            "t = { a = 1, }\n",
            "t = { , }\n",
            "t = { a = 1 b = 2 }\n",
            "t = { a.b = 1, a.c = 2 }\n",
            "t = { a = 1, a = 2 }\n",
            // TOML 1.1 inline tables: newlines and comments around the `=`, not inside a key
            "t = {\n a\n = 1 }\n",
            "t = { a # c\n = 1 }\n",
            "t = { a =\n 1 }\n",
            "t = { a = # c\n 1, \"b\" \n= 2 }\n",
            "t = { a\n.b = 1 }\n",
            "t = { a.\nb = 1 }\n",
            "a\n= 1\n",
            "a =\n1\n",
            // floats past an f64
            "f = 1e400\n",
            "f = -1.8e308\n",
            "f = 1_0e3_08\n",
            "f = 1.7976931348623157e308\n",
            "f = 1e-400\n",
            // headers
            "[ a . \"b\" ]\nc = 1\n",
            "[[ a ]]\n",
            "[ [a] ]\n",
            "[[a] ]\n",
            "[a] b = 1\n",
            "[a] # c\nb = 1\n",
            "[]\n",
            "[a.]\n",
            "a = 1 # c\n[b]",
        ];
        same_as_reference(cases);
    }

    /// Every one-character deletion from, and insertion of a character TOML gives a meaning
    /// to into, a document that uses each form: both readers accept and refuse alike.
    #[test]
    fn small_edits_of_a_document_read_as_the_toml_crate_reads_them() {
        let text = "[a.\"b\"]\nc = [1, 'x', { d = 2.5 }] # n\ne.f = \"\"\"g\\\n h\"\"\"\n\
                    t = 1979-05-27 07:32:00Z\n[[i]]\nj = -0x1f\n";
        let specials = "\"'[]{}=,.#\n\r \\x0:-+_eZ";
        let mut variants = Vec::new();
        for (at, c) in text.char_indices() {
            let mut deleted = text.to_owned();
            deleted.replace_range(at..at + c.len_utf8(), "");
            variants.push(deleted);
            for s in specials.chars() {
                let mut inserted = text.to_owned();
                inserted.insert(at, s);
                variants.push(inserted);
            }
        }
        same_as_reference(variants.iter().map(String::as_str));
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

    /// Nesting is bounded as the `toml` crate bounds it (80 levels of arrays and inline tables,
    /// 80 parts of a dotted key), and a document far past the bound is an error, not a stack
    /// overflow.
    #[test]
    fn nesting_is_bounded_as_toml_bounds_it() {
        let dotted = |n: usize| vec!["a"; n].join(".");
        let mut texts = Vec::new();
        for n in [79, 80, 81, 82] {
            texts.push(format!("a = {}1{}\n", "[".repeat(n), "]".repeat(n)));
            texts.push(format!("a = {}1{}\n", "{b = ".repeat(n), "}".repeat(n)));
            texts.push(format!("{} = 1\n", dotted(n)));
            texts.push(format!("[{}]\n", dotted(n)));
            texts.push(format!("[[{}]]\n", dotted(n)));
            texts.push(format!("t = {{ {} = 1 }}\n", dotted(n)));
            texts.push(format!(
                "[{}]\n{} = [{{ {} = 1 }}]\n",
                dotted(n),
                dotted(n),
                dotted(n)
            ));
        }
        same_as_reference(texts.iter().map(String::as_str));
        for huge in [
            format!("{} = 1\n", dotted(200_000)),
            format!("[{}]\n", dotted(200_000)),
            format!("a = {}1{}\n", "[".repeat(200_000), "]".repeat(200_000)),
        ] {
            assert!(read(&SourceFile::new("t.toml", &huge)).is_err());
        }
    }

    /// Tens of thousands of keys and tables in reverse order read like the same in order, each
    /// value at its own line. (How long that takes is shown by `bench/run.py`: reading was
    /// quadratic in the keys of one table before; speed is not asserted in tests.)
    #[test]
    fn many_keys_in_any_order_read_alike() {
        let n = 80_000;
        let keys = |order: &mut dyn Iterator<Item = usize>| {
            order
                .map(|i| format!("k{i:06} = {i}\n"))
                .collect::<String>()
        };
        let tables = |order: &mut dyn Iterator<Item = usize>| {
            order
                .map(|i| format!("[t{i:06}]\nx = {i}\n"))
                .collect::<String>()
        };
        for (forward, reverse) in [
            (keys(&mut (0..n)), keys(&mut (0..n).rev())),
            (tables(&mut (0..n)), tables(&mut (0..n).rev())),
        ] {
            let f = read(&SourceFile::new("t.toml", &forward)).expect("valid TOML");
            let r = read(&SourceFile::new("t.toml", &reverse)).expect("valid TOML");
            assert_eq!(plain(&f), plain(&r));
            let (Item::Table(fm), Item::Table(rm)) = (&f.item, &r.item) else {
                panic!("the root is a table");
            };
            assert_eq!(fm.len(), n);
            let first = |m: &NameMap<Node>| m.iter().next().map(|(_, v)| v.at.line);
            // the first key in name order is on the first line forwards, the last backwards
            assert_eq!(first(fm), Some(1));
            assert!(first(rm) >= Some(n));
        }
    }

    /// Every TOML file this repository ships (manifests, templates, the lock file, the CLI's
    /// test fixtures), read by both readers. With `SIZE_PROFILE_REGISTRY_MANIFESTS=1`, also every
    /// `Cargo.toml` in the machine's cargo registry (thousands on a developer's machine; what
    /// is there differs by machine, so it is not part of the default run).
    #[test]
    #[allow(clippy::disallowed_methods)] // a test reads files directly
    fn real_manifests_read_as_the_toml_crate_reads_them() {
        use std::path::{Path, PathBuf};
        let repo = Path::new(env!("CARGO_MANIFEST_DIR"))
            .parent()
            .expect("in the repo");
        let mut texts = Vec::new();
        let mut dirs = vec![repo.to_path_buf()];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let path = entry.path();
                let name = entry.file_name();
                if path.is_dir() {
                    if name != "target" && name != ".git" {
                        dirs.push(path);
                    }
                } else if path.extension().is_some_and(|e| e == "toml" || e == "lock") {
                    texts.push(std::fs::read_to_string(&path).expect("a text file"));
                }
            }
        }
        // the workspace, its crates, the examples and templates, the CLI's fixtures
        assert!(texts.len() >= 40, "only {} TOML files found", texts.len());
        if std::env::var_os("SIZE_PROFILE_REGISTRY_MANIFESTS").is_some() {
            let home = std::env::var_os("CARGO_HOME")
                .map(PathBuf::from)
                .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cargo")))
                .expect("CARGO_HOME or HOME is set");
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
                            texts.push(text);
                        }
                    }
                }
            }
        }
        same_as_reference(texts.iter().map(String::as_str));
    }
}
