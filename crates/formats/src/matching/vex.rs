//! VEX suppression: statements that take a match away.
//!
//! The rule: a match of component C against advisory A is suppressed when
//! a statement with status `not_affected` or `fixed` covers it —
//!
//! * a statement in C's own SBOM about C whose vulnerability id or one of
//!   its aliases is one of A's ids (the caller resolves ids to advisories);
//! * a vendor statement attached to A (`Advisory::vex`) whose product purl
//!   canonicalises to C's purl and that names no version (every version),
//!   or names C's version (equal as text or in the ecosystem's order; a
//!   version in the statement's purl counts when `version` is empty).
//!
//! `affected` and `under_investigation` statements never suppress, and
//! statements are not weighed against each other: one suppressing
//! statement is enough. Statements that name a product only by CPE or name
//! do not suppress (matching is by purl).

use std::cmp::Ordering;
use std::collections::{HashMap, HashSet};

use crate::model::{VexStatement, VexStatus};
use crate::sbom::purl::{canonicalize, purl_type};
use crate::sbom::{Component, SbomVexStatement};
use crate::version::{compare, Ecosystem};

use super::{AdvisoryKey, Match};

/// Whether a status takes a match away.
pub fn is_suppressing(status: VexStatus) -> bool {
    matches!(status, VexStatus::NotAffected | VexStatus::Fixed)
}

/// Whether a vendor `statement` suppresses matches of the package `purl`
/// (canonical) at `version` (see the module documentation).
pub fn statement_suppresses(statement: &VexStatement, purl: &str, version: Option<&str>) -> bool {
    if !is_suppressing(statement.status) {
        return false;
    }
    let Some(stated) = statement
        .product
        .purl
        .as_deref()
        .and_then(|p| canonicalize(p).ok())
    else {
        return false;
    };
    if stated.purl != purl {
        return false;
    }
    match statement.version.as_deref().or(stated.version.as_deref()) {
        None => true,
        Some(stated_version) => version.is_some_and(|v| same_version(purl, stated_version, v)),
    }
}

fn same_version(purl: &str, a: &str, b: &str) -> bool {
    let ecosystem = Ecosystem::from_purl_type(purl_type(purl));
    a.trim() == b.trim() || compare(ecosystem, a, b) == Ok(Ordering::Equal)
}

/// What suppresses matches of one advisory against inventories (for
/// [`super::InventoryIndex::match_advisory_with`]).
#[derive(Debug, Clone, Copy, Default)]
pub struct AdvisoryVex<'a> {
    /// The advisory's ids (its own id and aliases): an SBOM's statement
    /// about any of them applies. Compared ignoring ASCII case.
    pub ids: &'a [String],
    /// The vendor statements attached to the advisory.
    pub statements: &'a [VexStatement],
}

impl AdvisoryVex<'_> {
    /// Whether a statement id names this advisory.
    pub(crate) fn names(&self, id: &str) -> bool {
        self.ids.iter().any(|own| own.eq_ignore_ascii_case(id))
    }
}

/// Suppressions for matching one inventory against all advisories (for
/// [`super::AdvisoryIndex::match_components`]' results).
#[derive(Debug, Clone, Default)]
pub struct Suppressions {
    /// (advisory, component index) pairs the SBOM's own statements cover.
    components: HashSet<(AdvisoryKey, usize)>,
    /// Suppressing vendor statements by advisory.
    vendor: HashMap<AdvisoryKey, Vec<VexStatement>>,
}

impl Suppressions {
    /// No suppressions.
    pub fn new() -> Suppressions {
        Suppressions::default()
    }

    /// Adds an SBOM's own statements; `resolve` gives the advisories a
    /// vulnerability id (or alias) names.
    pub fn add_sbom<I>(
        &mut self,
        statements: &[SbomVexStatement],
        mut resolve: impl FnMut(&str) -> I,
    ) where
        I: IntoIterator<Item = AdvisoryKey>,
    {
        for statement in statements
            .iter()
            .filter(|s| is_suppressing(s.statement.status))
        {
            let ids = std::iter::once(&statement.vulnerability).chain(&statement.aliases);
            for id in ids {
                for advisory in resolve(id) {
                    self.components.insert((advisory, statement.component));
                }
            }
        }
    }

    /// Adds an advisory's vendor statements.
    pub fn add_vendor(&mut self, advisory: AdvisoryKey, statements: &[VexStatement]) {
        let suppressing = statements
            .iter()
            .filter(|s| is_suppressing(s.status))
            .cloned();
        let list = self.vendor.entry(advisory).or_default();
        list.extend(suppressing);
    }

    /// Whether `found` (a match against `components`) is suppressed.
    pub fn suppresses(&self, found: &Match, components: &[Component]) -> bool {
        if self.components.contains(&(found.advisory, found.component)) {
            return true;
        }
        let (Some(statements), Some(component)) = (
            self.vendor.get(&found.advisory),
            components.get(found.component),
        ) else {
            return false;
        };
        let Some(purl) = component.purl.as_deref() else {
            return false;
        };
        let version = component.version.as_deref();
        statements
            .iter()
            .any(|s| statement_suppresses(s, purl, version))
    }

    /// Drops the suppressed matches.
    pub fn retain(&self, matches: &mut Vec<Match>, components: &[Component]) {
        if self.components.is_empty() && self.vendor.is_empty() {
            return;
        }
        matches.retain(|m| !self.suppresses(m, components));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Product;

    fn statement(purl: &str, version: Option<&str>, status: VexStatus) -> VexStatement {
        VexStatement {
            product: Product {
                purl: Some(purl.into()),
                ..Product::default()
            },
            version: version.map(str::to_owned),
            status,
            justification: None,
            detail: None,
        }
    }

    #[test]
    fn vendor_statements_suppress_by_purl_and_version() {
        let any = statement("pkg:PyPI/Django", None, VexStatus::NotAffected);
        assert!(statement_suppresses(&any, "pkg:pypi/django", Some("4.0")));
        assert!(statement_suppresses(&any, "pkg:pypi/django", None));
        assert!(!statement_suppresses(&any, "pkg:pypi/flask", Some("4.0")));
        let one = statement("pkg:pypi/django", Some("4.0"), VexStatus::Fixed);
        assert!(statement_suppresses(&one, "pkg:pypi/django", Some("4.0.0")));
        assert!(!statement_suppresses(
            &one,
            "pkg:pypi/django",
            Some("4.0.1")
        ));
        assert!(!statement_suppresses(&one, "pkg:pypi/django", None));
        let in_purl = statement("pkg:pypi/django@4.1", None, VexStatus::NotAffected);
        assert!(statement_suppresses(
            &in_purl,
            "pkg:pypi/django",
            Some("4.1")
        ));
        assert!(!statement_suppresses(
            &in_purl,
            "pkg:pypi/django",
            Some("4.2")
        ));
        for status in [VexStatus::Affected, VexStatus::UnderInvestigation] {
            assert!(!statement_suppresses(
                &statement("pkg:pypi/django", None, status),
                "pkg:pypi/django",
                None
            ));
        }
    }
}
