//! The tree the reader builds: each value with the line it is on.

use crate::map::NameMap;
use crate::source::Location;

/// A TOML value with the line it is on.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub(crate) item: Item,
    pub(crate) at: Location,
    pub(crate) origin: Origin,
}

/// How a value came to be: TOML lets a table be extended or defined later depending on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    /// Written as a value: a scalar or an array (closed).
    Value,
    /// An inline table (closed).
    Inline,
    /// A table defined by a `[header]` (and the root).
    Header,
    /// A table only named on the way to a header (`a` in `[a.b]`): a header may still define it.
    Implicit,
    /// A table made by a dotted key (`a` in `a.b = 1`): more dotted keys may extend it.
    Dotted,
    /// An array made by `[[header]]`s: each one adds a table.
    ArrayHeader,
}

/// An owned TOML value.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Item {
    Bool(bool),
    Int(i64),
    Str(String),
    Array(Vec<Node>),
    Table(NameMap<Node>),
    /// A float or datetime: never valid where we read, named for messages.
    Other(&'static str),
}

impl Node {
    pub(crate) fn table(&self) -> Option<&NameMap<Node>> {
        match &self.item {
            Item::Table(t) => Some(t),
            _ => None,
        }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        self.table()?.get(key)
    }

    /// The node at a dotted path of keys.
    pub(crate) fn at_path(&self, path: &[&str]) -> Option<&Node> {
        path.iter().try_fold(self, |node, key| node.get(key))
    }

    pub(crate) fn str(&self) -> Option<&str> {
        match &self.item {
            Item::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The name of this value's TOML type, for messages.
    pub(crate) fn type_name(&self) -> &'static str {
        match &self.item {
            Item::Bool(_) => "boolean",
            Item::Int(_) => "integer",
            Item::Str(_) => "string",
            Item::Array(_) => "array",
            Item::Table(_) => "table",
            Item::Other(kind) => kind,
        }
    }
}
