//! Evaluating compiled entries for component versions.
//!
//! The evaluation is the one [`crate::version::is_affected`] performs (OSV
//! semantics, see `version/evaluate.rs`), restated over ranks in a
//! [`Universe`]: a component's version is parsed once and located in the
//! universe once, and then every event comparison is an integer
//! comparison. A differential property test (`proptests.rs`) holds the two
//! equal: [`Verdict::Affected`] exactly when `is_affected` says `Ok(true)`,
//! [`Verdict::Unevaluable`] exactly when it fails.

use std::cmp::Ordering;

use crate::version::{Ecosystem, VersionKey};

use super::compiled::{Bound, EntryView, EventKind, Item, Listed};
use super::universe::{Position, Universe};

/// The outcome of evaluating one entry for one version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// The version is affected.
    Affected,
    /// It is not.
    NotAffected,
    /// A range had to be evaluated and the version is not a version of its
    /// order (`is_affected` fails): no match.
    Unevaluable,
}

/// A component version parsed once by its package's ecosystem.
#[derive(Debug, Clone)]
pub(crate) enum Candidate {
    /// Parsed by the ecosystem's rules.
    Parsed(VersionKey),
    /// Not a version of the ecosystem: only listed versions can match it,
    /// as text (or `SEMVER` ranges, parsed by SemVer rules).
    Unparsed(Box<str>),
}

impl Candidate {
    /// Parses `version` by `ecosystem`'s rules.
    pub(crate) fn new(ecosystem: Ecosystem, version: &str) -> Candidate {
        match VersionKey::parse(ecosystem, version) {
            Ok(key) => Candidate::Parsed(key),
            Err(_) => Candidate::Unparsed(version.into()),
        }
    }

    /// The version text (trimmed when it parsed).
    pub(crate) fn text(&self) -> &str {
        match self {
            Candidate::Parsed(key) => key.as_str(),
            Candidate::Unparsed(text) => text,
        }
    }

    fn key(&self) -> Option<&VersionKey> {
        match self {
            Candidate::Parsed(key) => Some(key),
            Candidate::Unparsed(_) => None,
        }
    }
}

fn compare_bounds(a: Bound, b: Bound) -> Ordering {
    match (a, b) {
        (Bound::Zero, Bound::Zero) | (Bound::Infinity, Bound::Infinity) => Ordering::Equal,
        (Bound::Zero, _) | (_, Bound::Infinity) => Ordering::Less,
        (_, Bound::Zero) | (Bound::Infinity, _) => Ordering::Greater,
        (Bound::Rank(x), Bound::Rank(y)) => x.cmp(&y),
    }
}

/// The order of the version at `position` relative to `bound`.
fn compare_to_bound(position: Position, bound: Bound) -> Ordering {
    match bound {
        Bound::Zero => Ordering::Greater,
        Bound::Infinity => Ordering::Less,
        Bound::Rank(rank) => position.cmp(&(2 * u64::from(rank) + 1)),
    }
}

/// A range of a compiled entry: its order, events and limits, and the
/// offset of its first event in the entry's items.
struct RangeView<'a> {
    order: Ecosystem,
    events: &'a [Item],
    limits: &'a [Item],
    first_event: usize,
}

/// The ranges of an entry's items (stops at anything malformed).
fn ranges(items: &[Item]) -> impl Iterator<Item = RangeView<'_>> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let Item::Range {
            order,
            events,
            limits,
        } = *items.get(at)?
        else {
            return None;
        };
        let first_event = at + 1;
        let first_limit = first_event + events as usize;
        let end = first_limit + limits as usize;
        let view = RangeView {
            order,
            events: items.get(first_event..first_limit)?,
            limits: items.get(first_limit..end)?,
            first_event,
        };
        at = end;
        Some(view)
    })
}

impl RangeView<'_> {
    fn contains(&self, position: Position) -> bool {
        let below_a_limit = self.limits.is_empty()
            || self.limits.iter().any(|item| {
                matches!(item, Item::Limit(b) if compare_to_bound(position, *b) == Ordering::Less)
            });
        if !below_a_limit {
            return false;
        }
        // As in `version/evaluate.rs`: the last event in version order that
        // applies decides (among equal versions, the one given last).
        let mut last: Option<(EventKind, Bound)> = None;
        for item in self.events {
            let Item::Event(kind, bound) = *item else {
                continue;
            };
            let order = compare_to_bound(position, bound);
            let applies = match kind {
                EventKind::LastAffected => order == Ordering::Greater,
                EventKind::Introduced | EventKind::Fixed { .. } => order != Ordering::Less,
            };
            let later = last.is_none_or(|(_, best)| compare_bounds(bound, best) != Ordering::Less);
            if applies && later {
                last = Some((kind, bound));
            }
        }
        matches!(last, Some((EventKind::Introduced, _)))
    }
}

/// A candidate located in a universe, once for all the entries sharing it:
/// its position by its own ecosystem, and by SemVer rules when a range
/// needs it (computed on demand, once).
pub(crate) struct Located<'a> {
    candidate: &'a Candidate,
    own: Option<Position>,
    semver: Option<Option<Position>>,
}

impl<'a> Located<'a> {
    /// Locates `candidate` in `universe`.
    pub(crate) fn new(universe: &Universe, candidate: &'a Candidate) -> Located<'a> {
        let own = candidate.key().map(|key| universe.locate(key));
        Located {
            candidate,
            own,
            semver: None,
        }
    }
}

impl<'a> EntryView<'a> {
    /// Evaluates the entry for a candidate (parsed by this entry's
    /// ecosystem, located in this entry's universe).
    pub(crate) fn evaluate(&self, located: &mut Located<'_>) -> Verdict {
        if self.all_versions {
            return Verdict::Affected;
        }
        if self.is_listed(located) {
            return Verdict::Affected;
        }
        for range in ranges(self.items) {
            let Some(position) = self.position(located, range.order) else {
                return Verdict::Unevaluable;
            };
            if range.contains(position) {
                return Verdict::Affected;
            }
        }
        Verdict::NotAffected
    }

    fn position(&self, located: &mut Located<'_>, order: Ecosystem) -> Option<Position> {
        if order == self.ecosystem {
            return located.own;
        }
        // SemVer-order ranges of a non-SemVer ecosystem: rare, parsed on demand.
        let text = located.candidate.text();
        *located.semver.get_or_insert_with(|| {
            VersionKey::parse(order, text)
                .ok()
                .map(|key| self.universe.locate(&key))
        })
    }

    fn is_listed(&self, located: &Located<'_>) -> bool {
        let text = located.candidate.text().trim();
        self.listed
            .iter()
            .any(|listed| match (listed, located.own) {
                (Listed::Parsed(rank, _), Some(position)) => position == 2 * u64::from(*rank) + 1,
                (Listed::Parsed(_, listed), None) | (Listed::Text(listed), _) => &**listed == text,
            })
    }

    /// The version to upgrade an affected `candidate` to: the smallest
    /// `fixed` event above it (in its range's order) that this entry does
    /// not itself affect, so a fix inside another of the entry's ranges is
    /// not offered. None when there is no such event.
    pub(crate) fn fixing_version(&self, located: &mut Located<'_>) -> Option<&'a str> {
        let mut best: Option<u32> = None;
        for range in ranges(self.items) {
            let Some(position) = self.position(located, range.order) else {
                continue;
            };
            for item in range.events {
                let Item::Event(EventKind::Fixed { fix: true }, Bound::Rank(rank)) = *item else {
                    continue;
                };
                let above = compare_to_bound(position, Bound::Rank(rank)) == Ordering::Less;
                // Ranks order as their keys do (ranges of two orders: by
                // ecosystem first, as VersionKey does).
                if above && best.is_none_or(|b| rank < b) {
                    best = Some(rank);
                }
            }
        }
        best.map(|rank| self.universe.text(rank))
    }

    /// For each `fixed` event (offset in the items), whether the entry
    /// leaves its version unaffected.
    pub(crate) fn fixes(&self) -> Vec<(usize, bool)> {
        let mut out = Vec::new();
        for range in ranges(self.items) {
            for (offset, item) in range.events.iter().enumerate() {
                let Item::Event(EventKind::Fixed { .. }, Bound::Rank(rank)) = *item else {
                    continue;
                };
                let candidate = Candidate::new(self.ecosystem, self.universe.text(rank));
                let mut located = Located::new(self.universe, &candidate);
                let fix = self.evaluate(&mut located) == Verdict::NotAffected;
                out.push((range.first_event + offset, fix));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::matching::compiled::CompiledAffected;
    use crate::model::{Affected, Product, RangeEvent, RangeKind, VersionRange};

    fn entry(ranges: Vec<Vec<RangeEvent>>) -> Affected {
        Affected {
            product: Product {
                purl: Some("pkg:npm/x".into()),
                ..Product::default()
            },
            ranges: ranges
                .into_iter()
                .map(|events| VersionRange {
                    kind: RangeKind::Semver,
                    events,
                })
                .collect(),
            ..Affected::default()
        }
    }

    fn verdict_and_fix(affected: &Affected, version: &str) -> (Verdict, Option<String>) {
        let compiled = CompiledAffected::new(Ecosystem::Npm, affected).unwrap();
        let (verdict, fix) = compiled.evaluate(&Candidate::new(Ecosystem::Npm, version));
        (verdict, fix.map(str::to_owned))
    }

    #[test]
    fn the_fix_is_the_smallest_fixed_event_above_that_is_not_affected() {
        use RangeEvent::*;
        let affected = entry(vec![
            vec![Introduced("0".into()), Fixed("1.2.0".into())],
            vec![Introduced("1.1.5".into()), Fixed("1.4.0".into())],
            vec![Introduced("2.0.0".into()), Fixed("2.0.3".into())],
        ]);
        // 1.2.0 is inside the second range, so the fix is 1.4.0.
        assert_eq!(
            verdict_and_fix(&affected, "1.0.0"),
            (Verdict::Affected, Some("1.4.0".into()))
        );
        assert_eq!(
            verdict_and_fix(&affected, "2.0.1"),
            (Verdict::Affected, Some("2.0.3".into()))
        );
        assert_eq!(verdict_and_fix(&affected, "1.4.0").0, Verdict::NotAffected);
        assert_eq!(
            verdict_and_fix(&affected, "not-a-version").0,
            Verdict::Unevaluable
        );
        let open = entry(vec![vec![
            Introduced("1.0.0".into()),
            LastAffected("1.5.0".into()),
        ]]);
        assert_eq!(verdict_and_fix(&open, "1.5.0"), (Verdict::Affected, None));
        assert_eq!(verdict_and_fix(&open, "1.5.1").0, Verdict::NotAffected);
    }
}
