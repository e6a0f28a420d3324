//! Whether a version is affected: the OSV evaluation algorithm
//! (<https://ossf.github.io/osv-schema/#evaluation>) over the normalised
//! [`Affected`] model.
//!
//! A version is affected when every version is, when it equals a listed
//! version (under the ecosystem's order, or as text when the listed one does
//! not parse), or when it lies in any range. Within a range, events are
//! taken in version order (`introduced: "0"` first; ties in the order
//! given): `introduced` at or below the version marks it affected, `fixed`
//! at or below and `last_affected` strictly below mark it not. A range with
//! `limit` events only counts for versions below one of them (`*` is
//! infinity). `SEMVER` ranges use SemVer order whatever the ecosystem; `GIT`
//! ranges never match a package version.
//!
//! The walk over sorted events ends in the state its last applicable event
//! sets, so evaluation finds that event in one scan instead of sorting:
//! Maven's order is not transitive for some spellings (as in Maven itself),
//! and sorting by a non-total order is unspecified (and may panic).

use std::cmp::Ordering;

use crate::model::{Affected, RangeEvent, RangeKind, VersionRange};

use super::ecosystem::Ecosystem;
use super::error::VersionError;
use super::key::{Parsed, VersionKey};

/// One [`Affected`] entry compiled for evaluating many versions: every
/// event version is parsed once and the events are sorted.
#[derive(Debug, Clone)]
pub struct AffectedMatcher {
    ecosystem: Ecosystem,
    all_versions: bool,
    versions: Vec<ListedVersion>,
    ranges: Vec<CompiledRange>,
}

/// A listed affected version.
#[derive(Debug, Clone)]
enum ListedVersion {
    Parsed(VersionKey),
    /// Not a version of the ecosystem (a git tag, say): matched as text.
    Text(String),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EventKind {
    Introduced,
    Fixed,
    LastAffected,
}

/// An event or limit version.
#[derive(Debug, Clone)]
enum Bound {
    /// `introduced: "0"`: before every version.
    Zero,
    Version(VersionKey),
    /// A `limit` containing `*`: after every version.
    Infinity,
}

#[derive(Debug, Clone)]
struct CompiledRange {
    /// The order the range's versions follow.
    order: Ecosystem,
    /// Introduced, fixed and last-affected events, in the order given.
    events: Vec<(EventKind, Bound)>,
    /// Limit events (none: no limit).
    limits: Vec<Bound>,
}

impl AffectedMatcher {
    /// Compiles `affected` for versions ordered by `ecosystem`. Fails when an
    /// event version is not a version of the range's order.
    pub fn new(ecosystem: Ecosystem, affected: &Affected) -> Result<AffectedMatcher, VersionError> {
        let versions = affected
            .versions
            .iter()
            .map(|v| match VersionKey::parse(ecosystem, v) {
                Ok(key) => ListedVersion::Parsed(key),
                Err(_) => ListedVersion::Text(v.trim().to_owned()),
            })
            .collect();
        let mut ranges = Vec::with_capacity(affected.ranges.len());
        for range in &affected.ranges {
            if let Some(compiled) = compile_range(ecosystem, range)? {
                ranges.push(compiled);
            }
        }
        Ok(AffectedMatcher {
            ecosystem,
            all_versions: affected.all_versions,
            versions,
            ranges,
        })
    }

    /// The ecosystem whose order applies to `ECOSYSTEM` ranges.
    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// Whether `version` is affected. Fails only when a range must be
    /// evaluated and `version` is not a version of that range's order.
    pub fn is_affected(&self, version: &str) -> Result<bool, VersionError> {
        if self.all_versions {
            return Ok(true);
        }
        let own = Parsed::new(self.ecosystem, version);
        if self.is_listed(version, own.as_ref().ok()) {
            return Ok(true);
        }
        let semver_order = self.ecosystem.semver_flavour();
        let mut semver: Option<Result<Parsed<'_>, VersionError>> = None;
        for range in &self.ranges {
            let candidate = if range.order == self.ecosystem {
                &own
            } else {
                semver.get_or_insert_with(|| Parsed::new(semver_order, version))
            };
            let candidate = candidate.as_ref().map_err(Clone::clone)?;
            if range.contains(candidate) {
                return Ok(true);
            }
        }
        Ok(false)
    }

    fn is_listed(&self, version: &str, parsed: Option<&Parsed<'_>>) -> bool {
        let text = version.trim();
        self.versions.iter().any(|listed| match (listed, parsed) {
            (ListedVersion::Parsed(key), Some(candidate)) => {
                key.compare_parsed(candidate) == Ordering::Equal
            }
            (ListedVersion::Parsed(key), None) => key.as_str() == text,
            (ListedVersion::Text(listed), _) => listed == text,
        })
    }
}

/// OSV evaluation of `affected` for one version ordered by `ecosystem`
/// (see [`AffectedMatcher`], which compiles the ranges once for many
/// versions).
pub fn is_affected(
    ecosystem: Ecosystem,
    affected: &Affected,
    version: &str,
) -> Result<bool, VersionError> {
    AffectedMatcher::new(ecosystem, affected)?.is_affected(version)
}

fn compile_range(
    ecosystem: Ecosystem,
    range: &VersionRange,
) -> Result<Option<CompiledRange>, VersionError> {
    let order = match range.kind {
        RangeKind::Semver => ecosystem.semver_flavour(),
        RangeKind::Ecosystem => ecosystem,
        RangeKind::Git => return Ok(None),
    };
    let mut events = Vec::with_capacity(range.events.len());
    let mut limits = Vec::new();
    for event in &range.events {
        match event {
            RangeEvent::Introduced(v) if v.trim() == "0" => {
                events.push((EventKind::Introduced, Bound::Zero))
            }
            RangeEvent::Introduced(v) => {
                events.push((EventKind::Introduced, bound(order, v, "introduced")?))
            }
            RangeEvent::Fixed(v) => events.push((EventKind::Fixed, bound(order, v, "fixed")?)),
            RangeEvent::LastAffected(v) => {
                events.push((EventKind::LastAffected, bound(order, v, "last_affected")?));
            }
            RangeEvent::Limit(v) if v.contains('*') => limits.push(Bound::Infinity),
            RangeEvent::Limit(v) => limits.push(bound(order, v, "limit")?),
        }
    }
    Ok(Some(CompiledRange {
        order,
        events,
        limits,
    }))
}

fn bound(order: Ecosystem, version: &str, event: &'static str) -> Result<Bound, VersionError> {
    VersionKey::parse(order, version)
        .map(Bound::Version)
        .map_err(|source| VersionError::Event {
            event,
            source: Box::new(source),
        })
}

fn compare_bounds(a: &Bound, b: &Bound) -> Ordering {
    match (a, b) {
        (Bound::Zero, Bound::Zero) | (Bound::Infinity, Bound::Infinity) => Ordering::Equal,
        (Bound::Zero, _) | (_, Bound::Infinity) => Ordering::Less,
        (_, Bound::Zero) | (Bound::Infinity, _) => Ordering::Greater,
        (Bound::Version(x), Bound::Version(y)) => x.cmp(y),
    }
}

/// The order of a version relative to a bound.
fn compare_to_bound(version: &Parsed<'_>, bound: &Bound) -> Ordering {
    match bound {
        Bound::Zero => Ordering::Greater,
        Bound::Infinity => Ordering::Less,
        Bound::Version(key) => key.compare_parsed(version).reverse(),
    }
}

impl CompiledRange {
    fn contains(&self, version: &Parsed<'_>) -> bool {
        let below_a_limit = self.limits.is_empty()
            || self
                .limits
                .iter()
                .any(|limit| compare_to_bound(version, limit) == Ordering::Less);
        if !below_a_limit {
            return false;
        }
        // The last event, in version order, that applies to the version
        // decides; among equal versions the one given last.
        let mut last: Option<(EventKind, &Bound)> = None;
        for (kind, bound) in &self.events {
            let order = compare_to_bound(version, bound);
            let applies = match kind {
                EventKind::LastAffected => order == Ordering::Greater,
                EventKind::Introduced | EventKind::Fixed => order != Ordering::Less,
            };
            let later = last.is_none_or(|(_, best)| compare_bounds(bound, best) != Ordering::Less);
            if applies && later {
                last = Some((*kind, bound));
            }
        }
        matches!(last, Some((EventKind::Introduced, _)))
    }
}

#[cfg(test)]
#[path = "evaluate_tests.rs"]
mod tests;
