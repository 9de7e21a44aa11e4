//! Memoised view models: each kept with the key it was built for (the record's id,
//! the stretch of unchanging record, and the inputs), rebuilt when the key changes.
//! Reads take `&self` so that panels, which see the app read-only, can use them.

use std::cell::RefCell;
use std::collections::VecDeque;

/// One value and the key it was made for.
pub struct Memo<K, V> {
    slot: RefCell<Option<(K, V)>>,
}

impl<K, V> Default for Memo<K, V> {
    fn default() -> Self {
        Memo {
            slot: RefCell::new(None),
        }
    }
}

impl<K: PartialEq, V: Clone> Memo<K, V> {
    /// The value for `key`: the kept one if it was made for `key`, else `make()`.
    pub fn get(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some((k, v)) = &*self.slot.borrow()
            && *k == key
        {
            return v.clone();
        }
        let v = make();
        *self.slot.borrow_mut() = Some((key, v.clone()));
        v
    }

    /// The kept value, if it was made for `key`.
    pub fn peek(&self, key: &K) -> Option<V> {
        match &*self.slot.borrow() {
            Some((k, v)) if k == key => Some(v.clone()),
            _ => None,
        }
    }

    /// Keeps `v` for `key`.
    pub fn put(&self, key: K, v: V) {
        *self.slot.borrow_mut() = Some((key, v));
    }

    /// Forgets the value.
    pub fn clear(&self) {
        *self.slot.borrow_mut() = None;
    }
}

/// The last few values, by key (the changes of the days a view shows).
pub struct MemoN<K, V> {
    slots: RefCell<VecDeque<(K, V)>>,
    keep: usize,
}

impl<K: PartialEq, V: Clone> MemoN<K, V> {
    /// Keeps up to `keep` values.
    pub fn new(keep: usize) -> Self {
        MemoN {
            slots: RefCell::new(VecDeque::new()),
            keep: keep.max(1),
        }
    }

    /// The value for `key`, made with `make()` if it is not kept.
    pub fn get(&self, key: K, make: impl FnOnce() -> V) -> V {
        if let Some((_, v)) = self.slots.borrow().iter().find(|(k, _)| *k == key) {
            return v.clone();
        }
        let v = make();
        let mut slots = self.slots.borrow_mut();
        slots.push_back((key, v.clone()));
        while slots.len() > self.keep {
            slots.pop_front();
        }
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_per_key_and_again_when_the_key_changes() {
        let made = std::cell::Cell::new(0);
        let m: Memo<(u64, u32), u32> = Memo::default();
        let make = |v| {
            made.set(made.get() + 1);
            v
        };
        assert_eq!(m.get((1, 1), || make(10)), 10);
        assert_eq!(m.get((1, 1), || make(99)), 10);
        assert_eq!(made.get(), 1);
        assert_eq!(m.get((2, 1), || make(20)), 20);
        assert_eq!(made.get(), 2);
        assert_eq!(m.peek(&(2, 1)), Some(20));
        assert_eq!(m.peek(&(1, 1)), None);
        let n: MemoN<u32, u32> = MemoN::new(2);
        n.get(1, || make(1));
        n.get(2, || make(2));
        n.get(1, || make(100));
        assert_eq!(made.get(), 4);
        n.get(3, || make(3));
        // The oldest went.
        assert_eq!(n.get(1, || make(7)), 7);
    }
}
