//! The map the core keeps names in (profiles, packages, TOML keys): one `BTreeMap<String, _>`
//! wrapper, so insertion stays logarithmic for a table of any size and order; it added about
//! 5 % to this crate's compile time over the sorted `Vec` it replaced, which was quadratic on
//! large tables. (Settings have their own maps, in `profile::setting_map`.)

use std::collections::BTreeMap;
use std::fmt;
use std::ops::Index;

/// A map from names (profiles, packages, binaries, variables) to values, sorted by name.
///
/// A `BTreeMap` underneath: a TOML table may have tens of thousands of keys in any order, and
/// each insertion must stay logarithmic (a sorted `Vec` made reading such a file quadratic).
#[derive(Clone, PartialEq, Eq)]
pub struct NameMap<V> {
    entries: BTreeMap<String, V>,
}

impl<V> NameMap<V> {
    /// An empty map.
    pub const fn new() -> NameMap<V> {
        NameMap {
            entries: BTreeMap::new(),
        }
    }

    /// The value of `name`, if present.
    pub fn get(&self, name: &str) -> Option<&V> {
        self.entries.get(name)
    }

    /// The value of `name`, to change in place.
    pub fn get_mut(&mut self, name: &str) -> Option<&mut V> {
        self.entries.get_mut(name)
    }

    /// Whether `name` is present.
    pub fn contains_key(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Sets `name`, returning the value it had.
    pub fn insert(&mut self, name: String, value: V) -> Option<V> {
        self.entries.insert(name, value)
    }

    /// The value of `name`, inserting `V::default()` first when it is absent.
    pub fn get_or_default(&mut self, name: &str) -> &mut V
    where
        V: Default,
    {
        if !self.entries.contains_key(name) {
            self.entries.insert(name.to_owned(), V::default());
        }
        self.entries.get_mut(name).expect("inserted above")
    }

    /// The names and values, sorted by name.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &V)> {
        self.entries.iter()
    }

    /// The names, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &String> {
        self.entries.keys()
    }

    /// How many names there are.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map is empty.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

impl<V> Default for NameMap<V> {
    fn default() -> Self {
        NameMap::new()
    }
}

impl<V: fmt::Debug> fmt::Debug for NameMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V> Index<&str> for NameMap<V> {
    type Output = V;

    /// The value of `name`.
    ///
    /// # Panics
    /// When `name` is absent.
    fn index(&self, name: &str) -> &V {
        match self.get(name) {
            Some(v) => v,
            None => panic!("no entry for `{name}`"),
        }
    }
}

impl<V> FromIterator<(String, V)> for NameMap<V> {
    fn from_iter<I: IntoIterator<Item = (String, V)>>(iter: I) -> Self {
        let mut map = NameMap::new();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<'a, V> IntoIterator for &'a NameMap<V> {
    type Item = (&'a String, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, String, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_map_keeps_names_sorted_and_unique() {
        let mut map: NameMap<u32> = NameMap::new();
        assert_eq!(map.insert("release".into(), 1), None);
        assert_eq!(map.insert("dev".into(), 2), None);
        assert_eq!(map.insert("release".into(), 3), Some(1));
        *map.get_or_default("dist") += 5;
        assert_eq!(
            map.keys().map(String::as_str).collect::<Vec<_>>(),
            ["dev", "dist", "release"]
        );
        assert_eq!(map.get("release"), Some(&3));
        assert_eq!(map.get("bench"), None);
        assert!(map.contains_key("dist"));
    }
}
