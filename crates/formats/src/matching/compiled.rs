//! [`Affected`] entries compiled for matching: every event version parsed
//! once and replaced by its rank in a [`Universe`] (see `evaluate.rs` for
//! how entries are evaluated).
//!
//! An entry is a flat run of [`Item`]s (each range's header, then its
//! events in the order given, then its limits), so the entries of one
//! package can share one `Vec` and evaluating them walks memory in order.
//! Listed versions are kept apart, as ranks with their own text.

use crate::model::{Affected, RangeEvent, RangeKind};
use crate::version::{Ecosystem, VersionError, VersionKey};

use super::evaluate::{Candidate, Located, Verdict};
use super::exact::ExactEntry;
use super::universe::{NotTotal, Universe};

/// Why an entry could not be compiled into a universe.
#[derive(Debug)]
pub(crate) enum CompileError {
    /// An event version does not parse: the entry cannot be evaluated.
    Version(VersionError),
    /// Its versions cannot take ranks in the universe (see
    /// [`Universe::add`]): evaluate it with [`ExactEntry`] instead.
    NotTotal,
}

/// A listed affected version.
#[derive(Debug, Clone)]
pub(crate) enum Listed {
    /// Parsed: its rank, and its own text (for comparing with a version
    /// that does not parse).
    Parsed(u32, Box<str>),
    /// Not a version of the ecosystem: compared as text.
    Text(Box<str>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum EventKind {
    Introduced,
    /// `fix`: the entry does not affect this version itself (worked out at
    /// compile time, so a match's fixing version is found by comparing).
    Fixed {
        fix: bool,
    },
    LastAffected,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Bound {
    /// `introduced: "0"`: below every version.
    Zero,
    /// A version, by rank.
    Rank(u32),
    /// A `limit` containing `*`: above every version.
    Infinity,
}

/// One element of a compiled entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Item {
    /// A range: `events` event items and then `limits` limit items follow.
    Range {
        order: Ecosystem,
        events: u32,
        limits: u32,
    },
    Event(EventKind, Bound),
    Limit(Bound),
}

/// One compiled entry: its items and listed versions, over a universe.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EntryView<'a> {
    pub(crate) ecosystem: Ecosystem,
    pub(crate) all_versions: bool,
    pub(crate) items: &'a [Item],
    pub(crate) listed: &'a [Listed],
    pub(crate) universe: &'a Universe,
}

/// An entry compiled on its own: for matching one advisory against many
/// versions, and for tests.
#[derive(Debug, Clone)]
pub(crate) enum CompiledAffected {
    /// Over its own universe.
    Ranked {
        ecosystem: Ecosystem,
        all_versions: bool,
        universe: Universe,
        items: Vec<Item>,
        listed: Vec<Listed>,
    },
    /// Versions no total order holds: evaluated without ranks.
    Exact {
        all_versions: bool,
        entry: ExactEntry,
    },
}

impl CompiledAffected {
    /// Compiles `affected` for `ecosystem`; fails (as `is_affected` would for
    /// every version) when an event version is not a version of its range's
    /// order.
    pub(crate) fn new(ecosystem: Ecosystem, affected: &Affected) -> Result<Self, VersionError> {
        let (mut universe, mut items, mut listed) = (Universe::default(), Vec::new(), Vec::new());
        match compile_into(ecosystem, affected, &mut universe, &mut items, &mut listed) {
            Ok(()) => Ok(CompiledAffected::Ranked {
                ecosystem,
                all_versions: affected.all_versions,
                universe,
                items,
                listed,
            }),
            Err(CompileError::Version(error)) => Err(error),
            Err(CompileError::NotTotal) => Ok(CompiledAffected::Exact {
                all_versions: affected.all_versions,
                entry: ExactEntry::new(ecosystem, affected)?,
            }),
        }
    }

    /// Evaluates the entry for `candidate`, with its fixing version when
    /// affected.
    pub(crate) fn evaluate(&self, candidate: &Candidate) -> (Verdict, Option<&str>) {
        match self {
            CompiledAffected::Ranked {
                ecosystem,
                all_versions,
                universe,
                items,
                listed,
            } => {
                let view = EntryView {
                    ecosystem: *ecosystem,
                    all_versions: *all_versions,
                    items,
                    listed,
                    universe,
                };
                let mut located = Located::new(universe, candidate);
                match view.evaluate(&mut located) {
                    Verdict::Affected => (Verdict::Affected, view.fixing_version(&mut located)),
                    other => (other, None),
                }
            }
            CompiledAffected::Exact { entry, .. } => entry.evaluate(candidate.text()),
        }
    }

    /// Whether every version is affected.
    pub(crate) fn all_versions(&self) -> bool {
        match self {
            CompiledAffected::Ranked { all_versions, .. }
            | CompiledAffected::Exact { all_versions, .. } => *all_versions,
        }
    }
}

/// Compiles `affected` onto the end of `items` and `listed`, adding its
/// versions to `universe`; the entries already in `items` and `listed`
/// (which must be all that use `universe`) are renumbered when ranks move.
/// On error nothing changes.
pub(crate) fn compile_into(
    ecosystem: Ecosystem,
    affected: &Affected,
    universe: &mut Universe,
    items: &mut Vec<Item>,
    listed: &mut Vec<Listed>,
) -> Result<(), CompileError> {
    let parsed = parse_entry(ecosystem, affected).map_err(CompileError::Version)?;
    match universe.add(parsed.keys()) {
        Ok(Some(map)) => renumber(items, listed, &map),
        Ok(None) => {}
        Err(NotTotal) => return Err(CompileError::NotTotal),
    }
    let (items_start, listed_start) = (items.len(), listed.len());
    for version in parsed.listed {
        listed.push(match version {
            ParsedListed::Key(key, text) => match universe.rank(&key) {
                Some(rank) => Listed::Parsed(rank, text),
                None => Listed::Text(text),
            },
            ParsedListed::Text(text) => Listed::Text(text),
        });
    }
    for range in parsed.ranges {
        push_range(range, universe, items);
    }
    let view = EntryView {
        ecosystem,
        all_versions: affected.all_versions,
        items: &items[items_start..],
        listed: &listed[listed_start..],
        universe,
    };
    let fixes = view.fixes();
    for (offset, fix) in fixes {
        if let Some(Item::Event(kind, _)) = items.get_mut(items_start + offset) {
            *kind = EventKind::Fixed { fix };
        }
    }
    Ok(())
}

/// Applies an old-to-new rank map to compiled items and listed versions.
fn renumber(items: &mut [Item], listed: &mut [Listed], map: &[u32]) {
    let new = |rank: &mut u32| *rank = map.get(*rank as usize).copied().unwrap_or(*rank);
    for item in items {
        if let Item::Event(_, Bound::Rank(rank)) | Item::Limit(Bound::Rank(rank)) = item {
            new(rank);
        }
    }
    for version in listed {
        if let Listed::Parsed(rank, _) = version {
            new(rank);
        }
    }
}

enum ParsedBound {
    Zero,
    Key(VersionKey),
    Infinity,
}

enum ParsedListed {
    Key(VersionKey, Box<str>),
    Text(Box<str>),
}

struct ParsedRange {
    order: Ecosystem,
    events: Vec<(EventKind, ParsedBound)>,
    limits: Vec<ParsedBound>,
}

struct ParsedEntry {
    listed: Vec<ParsedListed>,
    ranges: Vec<ParsedRange>,
}

impl ParsedEntry {
    fn keys(&self) -> Vec<VersionKey> {
        let listed = self.listed.iter().filter_map(|l| match l {
            ParsedListed::Key(key, _) => Some(key),
            ParsedListed::Text(_) => None,
        });
        let bounds = self.ranges.iter().flat_map(|r| {
            r.events
                .iter()
                .map(|(_, b)| b)
                .chain(&r.limits)
                .filter_map(|b| match b {
                    ParsedBound::Key(key) => Some(key),
                    _ => None,
                })
        });
        listed.chain(bounds).cloned().collect()
    }
}

fn parse_entry(ecosystem: Ecosystem, affected: &Affected) -> Result<ParsedEntry, VersionError> {
    let listed = affected
        .versions
        .iter()
        .map(|v| match VersionKey::parse(ecosystem, v) {
            Ok(key) => ParsedListed::Key(key, v.trim().into()),
            Err(_) => ParsedListed::Text(v.trim().into()),
        })
        .collect();
    let mut ranges = Vec::with_capacity(affected.ranges.len());
    for range in &affected.ranges {
        let order = match range.kind {
            RangeKind::Semver => ecosystem.semver_flavour(),
            RangeKind::Ecosystem => ecosystem,
            RangeKind::Git => continue,
        };
        let mut events = Vec::with_capacity(range.events.len());
        let mut limits = Vec::new();
        for event in &range.events {
            match event {
                RangeEvent::Introduced(v) if v.trim() == "0" => {
                    events.push((EventKind::Introduced, ParsedBound::Zero));
                }
                RangeEvent::Introduced(v) => {
                    events.push((EventKind::Introduced, key(order, v, "introduced")?));
                }
                RangeEvent::Fixed(v) => {
                    events.push((EventKind::Fixed { fix: false }, key(order, v, "fixed")?));
                }
                RangeEvent::LastAffected(v) => {
                    events.push((EventKind::LastAffected, key(order, v, "last_affected")?));
                }
                RangeEvent::Limit(v) if v.contains('*') => limits.push(ParsedBound::Infinity),
                RangeEvent::Limit(v) => limits.push(key(order, v, "limit")?),
            }
        }
        ranges.push(ParsedRange {
            order,
            events,
            limits,
        });
    }
    Ok(ParsedEntry { listed, ranges })
}

fn key(order: Ecosystem, version: &str, event: &'static str) -> Result<ParsedBound, VersionError> {
    VersionKey::parse(order, version)
        .map(ParsedBound::Key)
        .map_err(|source| VersionError::Event {
            event,
            source: Box::new(source),
        })
}

fn push_range(range: ParsedRange, universe: &Universe, items: &mut Vec<Item>) {
    let to_bound = |b: ParsedBound| match b {
        ParsedBound::Zero => Bound::Zero,
        ParsedBound::Infinity => Bound::Infinity,
        // Every key was added to the universe just before.
        ParsedBound::Key(key) => universe.rank(&key).map_or(Bound::Infinity, Bound::Rank),
    };
    // Events stay in the order given: evaluation scans them all.
    let events: Vec<_> = range
        .events
        .into_iter()
        .map(|(k, b)| (k, to_bound(b)))
        .collect();
    items.push(Item::Range {
        order: range.order,
        events: u32::try_from(events.len()).unwrap_or(0),
        limits: u32::try_from(range.limits.len()).unwrap_or(0),
    });
    items.extend(events.into_iter().map(|(k, b)| Item::Event(k, b)));
    items.extend(range.limits.into_iter().map(|b| Item::Limit(to_bound(b))));
}
