//! The sorted, distinct versions that compiled entries name, so that entries
//! hold ranks (`u32`) instead of parsed versions.
//!
//! A version to match is located in the universe once (a binary search);
//! after that every event of every entry that shares the universe is
//! compared as an integer, with no parsing, no pointer chasing and no
//! allocation. Keys of different orders (an ecosystem's own and SemVer)
//! live in one universe: [`VersionKey`] orders by ecosystem first, so each
//! order's keys form one contiguous block and positions within a block
//! compare correctly.

use crate::version::{Ecosystem, VersionKey};

/// Sorted distinct version keys; a key's index is its rank.
#[derive(Debug, Clone, Default)]
pub(crate) struct Universe {
    keys: Vec<VersionKey>,
}

/// Where a version lies in a universe: `2r + 1` when it equals rank `r`,
/// `2r` when it lies between ranks `r - 1` and `r`.
pub(crate) type Position = u64;

impl Universe {
    /// The position of `key`.
    pub(crate) fn locate(&self, key: &VersionKey) -> Position {
        match self.keys.binary_search(key) {
            Ok(rank) => 2 * rank as u64 + 1,
            Err(rank) => 2 * rank as u64,
        }
    }

    /// The rank of a key in the universe.
    pub(crate) fn rank(&self, key: &VersionKey) -> Option<u32> {
        self.keys
            .binary_search(key)
            .ok()
            .and_then(|r| u32::try_from(r).ok())
    }

    /// The key at `rank`.
    pub(crate) fn key(&self, rank: u32) -> Option<&VersionKey> {
        self.keys.get(rank as usize)
    }

    /// The text of the key at `rank` (the first spelling added of equal
    /// versions).
    pub(crate) fn text(&self, rank: u32) -> &str {
        self.key(rank).map_or("", VersionKey::as_str)
    }

    /// Adds `keys`. When existing keys change rank, returns the map from
    /// old rank to new rank, which the holders of ranks must apply.
    ///
    /// Keys go in one at a time by binary search, never by sorting, and
    /// each new key is checked against every key already held: Maven's
    /// order is not transitive for some spellings (as in Maven itself;
    /// `0 < v1.2.3 < 0.0.0-rc.0 < 0`), sorting by a non-total order may
    /// panic, and one entry's odd versions must not disorder the universe
    /// that other entries of the package rely on. Keys that cannot join
    /// the chain leave the universe as it was and fail with [`NotTotal`].
    pub(crate) fn add(&mut self, keys: Vec<VersionKey>) -> Result<Option<Vec<u32>>, NotTotal> {
        let old_len = self.keys.len();
        // Where each new key went in, in order.
        let mut inserted_at = Vec::new();
        for key in keys {
            let Err(at) = self.keys.binary_search(&key) else {
                continue;
            };
            if !self.fits(at, &key) {
                for &at in inserted_at.iter().rev() {
                    self.keys.remove(at);
                }
                return Err(NotTotal);
            }
            inserted_at.push(at);
            self.keys.insert(at, key);
        }
        if inserted_at.is_empty() {
            return Ok(None);
        }
        // Replay the insertions on the old ranks' current positions.
        let mut remap: Vec<u32> = (0..old_len)
            .map(|r| u32::try_from(r).unwrap_or(u32::MAX))
            .collect();
        for at in inserted_at {
            for rank in remap.iter_mut().filter(|r| **r as usize >= at) {
                *rank += 1;
            }
        }
        let moved = remap
            .iter()
            .enumerate()
            .any(|(old, new)| old != *new as usize);
        Ok(moved.then_some(remap))
    }

    /// Whether `key` is above every key before `at` and below every key
    /// from `at` on (so the keys stay a chain). Only Maven needs checking:
    /// the other orders are total (their property tests say so).
    fn fits(&self, at: usize, key: &VersionKey) -> bool {
        if key.ecosystem() != Ecosystem::Maven {
            return true;
        }
        let (below, above) = self.keys.split_at(at.min(self.keys.len()));
        below.iter().all(|k| k < key) && above.iter().all(|k| k > key)
    }
}

/// Versions that no total order can hold together (see [`Universe::add`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NotTotal;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::Ecosystem;

    fn keys(versions: &[&str]) -> Vec<VersionKey> {
        versions
            .iter()
            .map(|v| VersionKey::parse(Ecosystem::Pep440, v).unwrap())
            .collect()
    }

    #[test]
    fn adding_keys_reports_how_ranks_moved() {
        let mut universe = Universe::default();
        assert_eq!(universe.add(keys(&["2.0", "1.0", "1.0.0"])), Ok(None));
        assert_eq!((universe.text(0), universe.text(1)), ("1.0", "2.0"));
        assert_eq!(universe.add(keys(&["3.0"])), Ok(None));
        assert_eq!(
            universe.add(keys(&["0.5", "1.5", "2.0"])),
            Ok(Some(vec![1, 3, 4]))
        );
        let k = keys(&["1.5", "1.6", "0.1", "4"]);
        let located: Vec<_> = k.iter().map(|k| universe.locate(k)).collect();
        assert_eq!(located, [5, 6, 0, 10]);
        assert_eq!(universe.rank(&k[0]), Some(2));
        assert_eq!(universe.rank(&k[1]), None);
    }

    #[test]
    fn maven_versions_that_break_the_order_are_refused() {
        let maven = |v: &str| VersionKey::parse(Ecosystem::Maven, v).unwrap();
        let mut universe = Universe::default();
        assert_eq!(universe.add(vec![maven("0"), maven("1.0.1")]), Ok(None));
        // 0 < v1.2.3 < 0.0.0-rc.0 < 0: the last cannot join the chain.
        assert_eq!(universe.add(vec![maven("v1.2.3")]), Ok(Some(vec![0, 2])));
        assert_eq!(
            universe.add(vec![maven("2.0"), maven("0.0.0-rc.0")]),
            Err(NotTotal)
        );
        let texts: Vec<_> = (0..4).map(|r| universe.text(r)).collect();
        assert_eq!(texts, ["0", "v1.2.3", "1.0.1", ""]);
    }
}
