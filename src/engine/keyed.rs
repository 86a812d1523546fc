//! Per-key values (locks, lines) shared while someone holds them. The map keeps only weak
//! references and forgets dead ones as it grows, so memory follows the keys in use, not every
//! key ever seen.

use parking_lot::Mutex;
use std::collections::HashMap;
use std::sync::{Arc, Weak};

/// Below this many entries the map is not swept.
const MIN_SWEEP: usize = 64;

/// A `T` per key, alive while an `Arc` from [`Keyed::get`] is held.
pub(crate) struct Keyed<T> {
    inner: Mutex<Entries<T>>,
}

struct Entries<T> {
    map: HashMap<String, Weak<T>>,
    /// Sweep dead entries once the map reaches this size: twice the live entries of the last
    /// sweep, so sweeping costs O(1) per insert on average.
    sweep_at: usize,
}

impl<T> Default for Keyed<T> {
    fn default() -> Self {
        Keyed {
            inner: Mutex::new(Entries {
                map: HashMap::new(),
                sweep_at: MIN_SWEEP,
            }),
        }
    }
}

impl<T: Default> Keyed<T> {
    /// The key's value: the one someone holds now, or a new one.
    pub(crate) fn get(&self, key: &str) -> Arc<T> {
        let mut e = self.inner.lock();
        if let Some(live) = e.map.get(key).and_then(Weak::upgrade) {
            return live;
        }
        let fresh = Arc::new(T::default());
        e.map.insert(key.to_string(), Arc::downgrade(&fresh));
        if e.map.len() >= e.sweep_at {
            e.map.retain(|_, w| w.strong_count() > 0);
            e.sweep_at = (e.map.len() * 2).max(MIN_SWEEP);
        }
        fresh
    }

    /// Entries in the map, dead ones not yet swept included.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.inner.lock().map.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_value_is_shared_and_a_dropped_one_is_forgotten() {
        let keyed: Keyed<Mutex<u32>> = Keyed::default();
        let a = keyed.get("a");
        *a.lock() = 7;
        assert_eq!(*keyed.get("a").lock(), 7, "shared while held");
        drop(a);
        assert_eq!(*keyed.get("a").lock(), 0, "new once dropped");
        for i in 0..100_000 {
            drop(keyed.get(&format!("user{i}")));
        }
        assert!(keyed.len() <= 2 * MIN_SWEEP, "{} entries kept", keyed.len());
        let held: Vec<_> = (0..1_000).map(|i| keyed.get(&format!("h{i}"))).collect();
        for i in 0..10_000 {
            drop(keyed.get(&format!("other{i}")));
        }
        assert!(keyed.len() <= 2 * held.len() + MIN_SWEEP, "{}", keyed.len());
        assert!(
            Arc::ptr_eq(&held[3], &keyed.get("h3")),
            "held ones survive sweeps"
        );
    }
}
