//! Entries evaluated by [`AffectedMatcher`] itself, for the rare entries
//! whose versions cannot take ranks in their package's universe (Maven
//! spellings that break the order, see [`super::universe::Universe::add`]).
//! Slower (the component's version is parsed per evaluation) and exactly
//! [`crate::version::is_affected`].

use std::cmp::Ordering;

use crate::model::{Affected, RangeEvent, RangeKind};
use crate::version::{compare, AffectedMatcher, Ecosystem, VersionError};

use super::evaluate::Verdict;

/// An entry evaluated without ranks.
#[derive(Debug, Clone)]
pub(crate) struct ExactEntry {
    ecosystem: Ecosystem,
    matcher: AffectedMatcher,
    /// The entry's `fixed` versions (of its non-git ranges) that it does
    /// not itself affect.
    fixes: Vec<String>,
}

impl ExactEntry {
    /// Compiles `affected`; fails as `is_affected` would.
    pub(crate) fn new(ecosystem: Ecosystem, affected: &Affected) -> Result<Self, VersionError> {
        let matcher = AffectedMatcher::new(ecosystem, affected)?;
        let fixes = affected
            .ranges
            .iter()
            .filter(|r| r.kind != RangeKind::Git)
            .flat_map(|r| &r.events)
            .filter_map(|event| match event {
                RangeEvent::Fixed(version) => Some(version),
                _ => None,
            })
            .filter(|version| matcher.is_affected(version) == Ok(false))
            .cloned()
            .collect();
        Ok(ExactEntry {
            ecosystem,
            matcher,
            fixes,
        })
    }

    /// Evaluates the entry for `version`, with the fixing version when
    /// affected: the lowest fix above it (by the ecosystem's order, pairwise).
    pub(crate) fn evaluate(&self, version: &str) -> (Verdict, Option<&str>) {
        match self.matcher.is_affected(version) {
            Ok(true) => (Verdict::Affected, self.fixing_version(version)),
            Ok(false) => (Verdict::NotAffected, None),
            Err(_) => (Verdict::Unevaluable, None),
        }
    }

    fn fixing_version(&self, version: &str) -> Option<&str> {
        let above = |fix: &&String| compare(self.ecosystem, fix, version) == Ok(Ordering::Greater);
        let mut best: Option<&String> = None;
        for fix in self.fixes.iter().filter(above) {
            let lower = best.is_none_or(|b| compare(self.ecosystem, fix, b) == Ok(Ordering::Less));
            if lower {
                best = Some(fix);
            }
        }
        best.map(String::as_str)
    }
}
