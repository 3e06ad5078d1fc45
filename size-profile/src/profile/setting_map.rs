//! The maps the core keeps settings in: a profile has seven settings, and an array of seven
//! slots is all they need.

use std::fmt;
use std::ops::Index;

use crate::profile::setting::Setting;

/// A map with one slot per [`Setting`], iterated in [`Setting::ALL`] order.
#[derive(Clone, PartialEq, Eq)]
pub struct SettingMap<V> {
    slots: [Option<V>; Setting::ALL.len()],
}

impl<V> SettingMap<V> {
    /// An empty map.
    pub fn new() -> SettingMap<V> {
        SettingMap {
            slots: [const { None }; Setting::ALL.len()],
        }
    }

    /// The value of `setting`, if set.
    pub fn get(&self, setting: Setting) -> Option<&V> {
        self.slots[setting as usize].as_ref()
    }

    /// The value of `setting`, to change in place.
    pub fn get_mut(&mut self, setting: Setting) -> Option<&mut V> {
        self.slots[setting as usize].as_mut()
    }

    /// Whether `setting` has a value.
    pub fn contains_key(&self, setting: Setting) -> bool {
        self.slots[setting as usize].is_some()
    }

    /// Sets `setting`, returning the value it had.
    pub fn insert(&mut self, setting: Setting, value: V) -> Option<V> {
        self.slots[setting as usize].replace(value)
    }

    /// Removes `setting`, returning the value it had.
    pub fn remove(&mut self, setting: Setting) -> Option<V> {
        self.slots[setting as usize].take()
    }

    /// The settings that have a value, with their values.
    pub fn iter(&self) -> impl Iterator<Item = (Setting, &V)> {
        Setting::ALL
            .into_iter()
            .zip(&self.slots)
            .filter_map(|(s, v)| Some((s, v.as_ref()?)))
    }

    /// The settings that have a value.
    pub fn keys(&self) -> impl Iterator<Item = Setting> + '_ {
        self.iter().map(|(s, _)| s)
    }

    /// How many settings have a value.
    pub fn len(&self) -> usize {
        self.slots.iter().filter(|v| v.is_some()).count()
    }

    /// Whether no setting has a value.
    pub fn is_empty(&self) -> bool {
        self.slots.iter().all(Option::is_none)
    }
}

impl<V: Clone> SettingMap<V> {
    /// Lays `over` on top of `self`: every setting `over` has wins.
    pub fn overlay(&mut self, over: &SettingMap<V>) {
        for (slot, value) in self.slots.iter_mut().zip(&over.slots) {
            if value.is_some() {
                slot.clone_from(value);
            }
        }
    }
}

impl<V> Default for SettingMap<V> {
    fn default() -> Self {
        SettingMap::new()
    }
}

impl<V: fmt::Debug> fmt::Debug for SettingMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<V> Index<Setting> for SettingMap<V> {
    type Output = V;

    /// The value of `setting`.
    ///
    /// # Panics
    /// When `setting` has no value.
    fn index(&self, setting: Setting) -> &V {
        match self.get(setting) {
            Some(v) => v,
            None => panic!("no value for `{}`", setting.key()),
        }
    }
}

impl<V> FromIterator<(Setting, V)> for SettingMap<V> {
    fn from_iter<I: IntoIterator<Item = (Setting, V)>>(iter: I) -> Self {
        let mut map = SettingMap::new();
        for (s, v) in iter {
            map.insert(s, v);
        }
        map
    }
}

impl<V> IntoIterator for SettingMap<V> {
    type Item = (Setting, V);
    type IntoIter = std::iter::FilterMap<
        std::iter::Zip<
            std::array::IntoIter<Setting, { Setting::ALL.len() }>,
            std::array::IntoIter<Option<V>, { Setting::ALL.len() }>,
        >,
        fn((Setting, Option<V>)) -> Option<(Setting, V)>,
    >;

    fn into_iter(self) -> Self::IntoIter {
        Setting::ALL
            .into_iter()
            .zip(self.slots)
            .filter_map(|(s, v)| Some((s, v?)))
    }
}

/// A set of [`Setting`]s, iterated in [`Setting::ALL`] order.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
pub struct SettingSet(u8);

impl SettingSet {
    /// An empty set.
    pub const fn new() -> SettingSet {
        SettingSet(0)
    }

    /// Adds `setting`; whether it was new.
    pub fn insert(&mut self, setting: Setting) -> bool {
        let new = !self.contains(setting);
        self.0 |= 1 << setting as u8;
        new
    }

    /// Whether `setting` is in the set.
    pub fn contains(&self, setting: Setting) -> bool {
        self.0 & (1 << setting as u8) != 0
    }

    /// The settings in the set.
    pub fn iter(&self) -> impl Iterator<Item = Setting> + use<> {
        let bits = self.0;
        Setting::ALL
            .into_iter()
            .filter(move |s| bits & (1 << *s as u8) != 0)
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }

    /// Removes every setting.
    pub fn clear(&mut self) {
        self.0 = 0;
    }
}

impl fmt::Debug for SettingSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter()).finish()
    }
}

impl FromIterator<Setting> for SettingSet {
    fn from_iter<I: IntoIterator<Item = Setting>>(iter: I) -> Self {
        let mut set = SettingSet::new();
        set.extend(iter);
        set
    }
}

impl<const N: usize> From<[Setting; N]> for SettingSet {
    fn from(settings: [Setting; N]) -> Self {
        settings.into_iter().collect()
    }
}

impl Extend<Setting> for SettingSet {
    fn extend<I: IntoIterator<Item = Setting>>(&mut self, iter: I) {
        for s in iter {
            self.insert(s);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_setting_map_iterates_in_setting_order_and_overlays_what_is_set() {
        let mut map: SettingMap<u32> = [(Setting::Strip, 1), (Setting::OptLevel, 2)]
            .into_iter()
            .collect();
        assert_eq!(
            map.iter().collect::<Vec<_>>(),
            [(Setting::OptLevel, &2), (Setting::Strip, &1)]
        );
        let over: SettingMap<u32> = [(Setting::Strip, 9), (Setting::Lto, 3)]
            .into_iter()
            .collect();
        map.overlay(&over);
        assert_eq!(map[Setting::Strip], 9);
        assert_eq!(
            map.keys().collect::<Vec<_>>(),
            [Setting::OptLevel, Setting::Lto, Setting::Strip]
        );
        assert_eq!(map.remove(Setting::OptLevel), Some(2));
        assert_eq!(map.len(), 2);
    }

    #[test]
    fn a_setting_set_holds_each_setting_once() {
        let mut set: SettingSet = [Setting::Debug, Setting::Lto].into_iter().collect();
        assert!(!set.insert(Setting::Lto));
        assert!(set.insert(Setting::Panic));
        assert_eq!(
            set.iter().collect::<Vec<_>>(),
            [Setting::Lto, Setting::Panic, Setting::Debug]
        );
        assert!(!set.contains(Setting::OptLevel));
        assert!(SettingSet::new().is_empty());
    }
}
