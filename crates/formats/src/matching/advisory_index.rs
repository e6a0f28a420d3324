//! Every advisory's affected entries by package: match one SBOM's
//! components against all advisories.

use std::collections::HashMap;

use crate::model::Affected;
use crate::sbom::Component;
use crate::version::{Ecosystem, VersionError};

use super::compiled::{compile_into, CompileError, EntryView, Item, Listed};
use super::evaluate::{Candidate, Located, Verdict};
use super::exact::ExactEntry;
use super::interner::{canonical_purl, PurlInterner};
use super::universe::Universe;
use super::{AdvisoryKey, Match};

/// Components per thread below which matching stays on one thread (a
/// thread costs tens of microseconds; a component about one).
const PARALLEL_MIN: usize = 2048;

/// One affected entry of one advisory: where its compiled form is in its
/// package's item and listed-version arrays.
#[derive(Debug, Clone, Copy)]
struct Entry {
    advisory: AdvisoryKey,
    affected: u32,
    all_versions: bool,
    items: (u32, u32),
    listed: (u32, u32),
}

/// An entry whose versions cannot take ranks (see [`ExactEntry`]).
#[derive(Debug, Clone)]
struct OddEntry {
    advisory: AdvisoryKey,
    affected: u32,
    all_versions: bool,
    entry: ExactEntry,
}

/// Every entry for one purl, compiled over one shared universe, in flat
/// arrays that matching walks in order.
#[derive(Debug, Clone, Default)]
struct Package {
    universe: Universe,
    entries: Vec<Entry>,
    items: Vec<Item>,
    listed: Vec<Listed>,
    /// Entries evaluated without ranks (rare).
    odd: Vec<OddEntry>,
}

impl Package {
    fn add(
        &mut self,
        ecosystem: Ecosystem,
        advisory: AdvisoryKey,
        affected: u32,
        entry: &Affected,
    ) -> Result<(), VersionError> {
        let (items, listed) = (self.items.len(), self.listed.len());
        let (universe, all_items, all_listed) =
            (&mut self.universe, &mut self.items, &mut self.listed);
        match compile_into(ecosystem, entry, universe, all_items, all_listed) {
            Ok(()) => {}
            Err(CompileError::Version(error)) => return Err(error),
            Err(CompileError::NotTotal) => {
                let all_versions = entry.all_versions;
                let entry = ExactEntry::new(ecosystem, entry)?;
                self.odd.push(OddEntry {
                    advisory,
                    affected,
                    all_versions,
                    entry,
                });
                return Ok(());
            }
        }
        self.entries.push(Entry {
            advisory,
            affected,
            all_versions: entry.all_versions,
            items: (to_u32(items), to_u32(self.items.len())),
            listed: (to_u32(listed), to_u32(self.listed.len())),
        });
        Ok(())
    }

    fn view<'a>(&'a self, ecosystem: Ecosystem, entry: &Entry) -> EntryView<'a> {
        let slice = |(start, end): (u32, u32)| start as usize..end as usize;
        EntryView {
            ecosystem,
            all_versions: entry.all_versions,
            items: self.items.get(slice(entry.items)).unwrap_or_default(),
            listed: self.listed.get(slice(entry.listed)).unwrap_or_default(),
            universe: &self.universe,
        }
    }

    /// Drops an advisory's entries and compacts the arrays; returns how
    /// many entries were dropped.
    fn remove(&mut self, advisory: AdvisoryKey) -> usize {
        let before = self.entries.len() + self.odd.len();
        let mut kept = Package {
            universe: std::mem::take(&mut self.universe),
            odd: std::mem::take(&mut self.odd),
            ..Package::default()
        };
        kept.odd.retain(|odd| odd.advisory != advisory);
        for entry in self.entries.iter().filter(|e| e.advisory != advisory) {
            let (items, listed) = (kept.items.len(), kept.listed.len());
            let slice = |(start, end): (u32, u32)| start as usize..end as usize;
            kept.items
                .extend_from_slice(self.items.get(slice(entry.items)).unwrap_or_default());
            kept.listed
                .extend_from_slice(self.listed.get(slice(entry.listed)).unwrap_or_default());
            kept.entries.push(Entry {
                items: (to_u32(items), to_u32(kept.items.len())),
                listed: (to_u32(listed), to_u32(kept.listed.len())),
                ..*entry
            });
        }
        if kept.entries.is_empty() {
            kept.universe = Universe::default();
        }
        *self = kept;
        before - self.entries.len() - self.odd.len()
    }

    fn is_empty(&self) -> bool {
        self.entries.is_empty() && self.odd.is_empty()
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// What inserting an advisory did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct InsertOutcome {
    /// Affected entries indexed.
    pub indexed: usize,
    /// Entries without a (parseable) purl: not matchable by purl.
    pub without_purl: usize,
    /// Entries with an event version that does not parse, with the error:
    /// they cannot be evaluated (as [`crate::version::is_affected`] fails
    /// for them) and are not indexed.
    pub invalid: Vec<(usize, VersionError)>,
}

/// Advisories' affected entries keyed by canonical purl, every range
/// compiled once at insert (see the module documentation of
/// [`super`]).
#[derive(Debug, Default, Clone)]
pub struct AdvisoryIndex {
    purls: PurlInterner,
    /// Entries by purl id.
    packages: Vec<Package>,
    /// The purl ids each advisory has entries under, for removal.
    advisories: HashMap<AdvisoryKey, Vec<u32>>,
    entries: usize,
}

impl AdvisoryIndex {
    /// An empty index.
    pub fn new() -> AdvisoryIndex {
        AdvisoryIndex::default()
    }

    /// Indexes (or re-indexes) an advisory's affected entries.
    pub fn insert(&mut self, advisory: AdvisoryKey, affected: &[Affected]) -> InsertOutcome {
        self.remove(advisory);
        let mut outcome = InsertOutcome::default();
        let mut touched = Vec::new();
        for (index, entry) in affected.iter().enumerate() {
            let Some(purl) = canonical_purl(entry.product.purl.as_deref()) else {
                outcome.without_purl += 1;
                continue;
            };
            let (Some(id), Ok(affected)) = (self.purls.intern(&purl), u32::try_from(index)) else {
                continue;
            };
            if self.packages.len() <= id as usize {
                self.packages.resize_with(id as usize + 1, Package::default);
            }
            let ecosystem = self.purls.ecosystem(id);
            if let Err(error) = self.packages[id as usize].add(ecosystem, advisory, affected, entry)
            {
                outcome.invalid.push((index, error));
                continue;
            }
            touched.push(id);
            outcome.indexed += 1;
        }
        touched.sort_unstable();
        touched.dedup();
        self.entries += outcome.indexed;
        if !touched.is_empty() {
            self.advisories.insert(advisory, touched);
        }
        outcome
    }

    /// Removes an advisory's entries; false when it had none.
    pub fn remove(&mut self, advisory: AdvisoryKey) -> bool {
        let Some(touched) = self.advisories.remove(&advisory) else {
            return false;
        };
        for id in touched {
            if let Some(package) = self.packages.get_mut(id as usize) {
                self.entries -= package.remove(advisory);
            }
        }
        true
    }

    /// How many advisories have indexed entries.
    pub fn advisory_count(&self) -> usize {
        self.advisories.len()
    }

    /// How many affected entries are indexed.
    pub fn entry_count(&self) -> usize {
        self.entries
    }

    /// How many distinct purls are indexed.
    pub fn purl_count(&self) -> usize {
        self.purls.len()
    }

    /// Every (component, advisory, affected entry) whose affected versions
    /// include the component's version, in component order, with the
    /// fixing version. Components without a purl are not matched; one
    /// without a version matches only entries affecting every version.
    /// VEX is not applied here (see [`super::Suppressions`]). Large
    /// inventories are split over the machine's cores.
    pub fn match_components(&self, components: &[Component]) -> Vec<Match> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let threads = cores.min(components.len() / PARALLEL_MIN).max(1);
        if threads == 1 {
            return self.match_slice(0, components);
        }
        let chunk = components.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = components
                .chunks(chunk)
                .enumerate()
                .map(|(i, part)| {
                    let run = move || self.match_slice(i * chunk, part);
                    // If no thread can be had, the part is matched here.
                    std::thread::Builder::new()
                        .spawn_scoped(scope, run)
                        .map_err(|_| (i, part))
                })
                .collect();
            let mut matches = Vec::new();
            for part in parts {
                match part {
                    Ok(handle) => match handle.join() {
                        Ok(found) => matches.extend(found),
                        Err(panic) => std::panic::resume_unwind(panic),
                    },
                    Err((i, part)) => matches.extend(self.match_slice(i * chunk, part)),
                }
            }
            matches
        })
    }

    /// Matches `components`, the first of which has index `first`.
    fn match_slice(&self, first: usize, components: &[Component]) -> Vec<Match> {
        let mut matches = Vec::new();
        for (offset, component) in components.iter().enumerate() {
            self.match_component(first + offset, component, &mut matches);
        }
        matches
    }

    fn match_component(&self, index: usize, component: &Component, out: &mut Vec<Match>) {
        let Some(id) = component.purl.as_deref().and_then(|p| self.purls.get(p)) else {
            return;
        };
        let Some(package) = self.packages.get(id as usize).filter(|p| !p.is_empty()) else {
            return;
        };
        let Some(version) = component.version.as_deref() else {
            let ranked = package.entries.iter().filter(|e| e.all_versions);
            for (advisory, affected) in ranked.map(|e| (e.advisory, e.affected)) {
                out.push(Match::new(index, advisory, affected, None));
            }
            let odd = package.odd.iter().filter(|e| e.all_versions);
            for (advisory, affected) in odd.map(|e| (e.advisory, e.affected)) {
                out.push(Match::new(index, advisory, affected, None));
            }
            return;
        };
        let ecosystem = self.purls.ecosystem(id);
        let candidate = Candidate::new(ecosystem, version);
        // Located once; every entry of the package then compares ranks.
        let mut located = Located::new(&package.universe, &candidate);
        for entry in &package.entries {
            let view = package.view(ecosystem, entry);
            if view.evaluate(&mut located) == Verdict::Affected {
                let fixed = view.fixing_version(&mut located).map(str::to_owned);
                out.push(Match::new(index, entry.advisory, entry.affected, fixed));
            }
        }
        for odd in &package.odd {
            if let (Verdict::Affected, fixed) = odd.entry.evaluate(version) {
                let fixed = fixed.map(str::to_owned);
                out.push(Match::new(index, odd.advisory, odd.affected, fixed));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Product, RangeEvent, RangeKind, VersionRange};

    pub(crate) fn affected(purl: &str, kind: RangeKind, events: &[(&str, &str)]) -> Affected {
        let events = events
            .iter()
            .map(|&(kind, v)| match kind {
                "introduced" => RangeEvent::Introduced(v.into()),
                "fixed" => RangeEvent::Fixed(v.into()),
                "last_affected" => RangeEvent::LastAffected(v.into()),
                _ => RangeEvent::Limit(v.into()),
            })
            .collect();
        Affected {
            product: Product {
                purl: Some(purl.into()),
                ..Product::default()
            },
            ranges: vec![VersionRange { kind, events }],
            ..Affected::default()
        }
    }

    fn component(purl: &str, version: Option<&str>) -> Component {
        Component {
            purl: Some(purl.into()),
            version: version.map(str::to_owned),
            name: purl.rsplit('/').next().unwrap_or_default().into(),
            ..Component::default()
        }
    }

    fn summary(matches: &[Match]) -> Vec<(usize, u64, usize, Option<&str>)> {
        matches
            .iter()
            .map(|m| (m.component, m.advisory, m.affected, m.fixed.as_deref()))
            .collect()
    }

    #[test]
    fn components_match_the_advisories_whose_ranges_hold_their_versions() {
        let mut index = AdvisoryIndex::new();
        let lodash = affected(
            "pkg:npm/lodash",
            RangeKind::Semver,
            &[("introduced", "0"), ("fixed", "4.17.21")],
        );
        let django = affected(
            "pkg:pypi/Django",
            RangeKind::Ecosystem,
            &[
                ("introduced", "3.2"),
                ("fixed", "3.2.19"),
                ("introduced", "4.0"),
                ("fixed", "4.1.9"),
            ],
        );
        let mut everything = affected("pkg:deb/debian/openssl", RangeKind::Ecosystem, &[]);
        everything.all_versions = true;
        assert_eq!(index.insert(1, std::slice::from_ref(&lodash)).indexed, 1);
        assert_eq!(index.insert(2, &[django, everything]).indexed, 2);
        let components = [
            component("pkg:npm/lodash", Some("4.17.20")),
            component("pkg:npm/lodash", Some("4.17.21")),
            component("pkg:pypi/django", Some("4.0.2")),
            component("pkg:pypi/django", Some("3.1")),
            component("pkg:deb/debian/openssl", None),
            component("pkg:npm/express", Some("4.0.0")),
            component("pkg:PyPI/Django", Some("3.2.1")),
        ];
        let matches = index.match_components(&components);
        assert_eq!(
            summary(&matches),
            [
                (0, 1, 0, Some("4.17.21")),
                (2, 2, 0, Some("4.1.9")),
                (4, 2, 1, None),
                (6, 2, 0, Some("3.2.19")),
            ]
        );
        assert_eq!(
            (
                index.advisory_count(),
                index.entry_count(),
                index.purl_count()
            ),
            (2, 3, 3)
        );
        assert!(index.remove(2));
        assert!(!index.remove(2));
        assert_eq!(
            summary(&index.match_components(&components)),
            [(0, 1, 0, Some("4.17.21"))]
        );
        // Re-inserting replaces.
        index.insert(1, &[lodash.clone(), lodash]);
        assert_eq!(index.entry_count(), 2);
    }

    #[test]
    fn entries_that_cannot_be_evaluated_are_reported_not_indexed() {
        let mut index = AdvisoryIndex::new();
        let bad = affected(
            "pkg:cargo/x",
            RangeKind::Semver,
            &[("introduced", "not.a.version")],
        );
        let mut no_purl = bad.clone();
        no_purl.product.purl = None;
        let outcome = index.insert(7, &[bad, no_purl]);
        assert_eq!(
            (outcome.indexed, outcome.without_purl, outcome.invalid.len()),
            (0, 1, 1)
        );
        assert_eq!(outcome.invalid[0].0, 0);
        assert_eq!(index.advisory_count(), 0);
    }

    #[test]
    fn odd_maven_versions_do_not_disturb_the_other_advisories() {
        use crate::version::{is_affected, Ecosystem};
        let purl = "pkg:maven/org.example/lib";
        let plain = |from: &str, to: &str| {
            affected(
                purl,
                RangeKind::Ecosystem,
                &[("introduced", from), ("fixed", to)],
            )
        };
        // 0 < v1.2.3 < 0.0.0-rc.0 < 0 in Maven's order: no ranks for these.
        let odd = affected(
            purl,
            RangeKind::Ecosystem,
            &[
                ("introduced", "v1.2.3"),
                ("fixed", "0.0.0-rc.0"),
                ("introduced", "0"),
            ],
        );
        let mut index = AdvisoryIndex::new();
        index.insert(1, &[plain("0.0.0", "1.0.1")]);
        assert_eq!(index.insert(2, std::slice::from_ref(&odd)).indexed, 1);
        index.insert(3, &[plain("1.0.1", "2.0")]);
        let package = &index.packages[0];
        assert_eq!((package.entries.len(), package.odd.len()), (2, 1));
        for (version, expected) in [("1.0", vec![1]), ("1.5", vec![3]), ("2.0", vec![])] {
            let mut expected = expected;
            if is_affected(Ecosystem::Maven, &odd, version) == Ok(true) {
                expected.push(2);
            }
            let found: Vec<u64> = index
                .match_components(&[component(purl, Some(version))])
                .iter()
                .map(|m| m.advisory)
                .collect();
            assert_eq!(found, expected, "{version}");
        }
        assert!(index.remove(2));
        assert_eq!(index.entry_count(), 2);
    }
}
