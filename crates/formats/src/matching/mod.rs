//! In-memory matching of advisories against SBOM inventories (DESIGN §4.3,
//! "match … VEX suppresses … notify operators of exactly their affected
//! assets and the fixing versions").
//!
//! Two indexes, one per direction, both keyed by canonical purl
//! ([`crate::sbom::purl::canonicalize`]) interned as dense `u32` ids:
//!
//! * [`AdvisoryIndex`] holds every advisory's
//!   [`Affected`](crate::model::Affected) entries, compiled once at insert:
//!   per package, every event version is parsed into a
//!   [`VersionKey`](crate::version::VersionKey) and replaced by its rank
//!   among the package's versions, and the package's entries lie in flat
//!   arrays. Matching one SBOM ([`AdvisoryIndex::match_components`]) parses
//!   each component's version once, finds its place among the package's
//!   versions by binary search, and then compares integers only (no
//!   parsing and no allocation per comparison); large SBOMs are split over
//!   the machine's cores.
//! * [`InventoryIndex`] holds every registered inventory's components
//!   grouped by (purl, version), each distinct version parsed once, and
//!   matches one new advisory against all inventories
//!   ([`InventoryIndex::match_advisory_with`]): each distinct version of the
//!   package is evaluated once and its holders are listed.
//!
//! Semantics: a component matches an affected entry when its purl equals
//! the entry's product purl (both canonicalised) and
//! [`crate::version::is_affected`] (OSV evaluation in the purl type's
//! ecosystem, [`crate::version::Ecosystem::from_purl_type`]) says its
//! version is affected; property tests hold the compiled evaluation equal
//! to `is_affected`. Where `is_affected` fails (a version that is not a
//! version of the ecosystem, an event that does not parse) nothing
//! matches; [`AdvisoryIndex::insert`] reports such entries. Maven's order
//! (like Maven's own `ComparableVersion`) is not transitive for a few odd
//! spellings (`0 < v1.2.3 < 0.0.0-rc.0 < 0`); among such versions the
//! index may answer differently from `is_affected`, which no order could
//! avoid. Components without a purl are not matched (matching is by purl);
//! a component without a version matches only entries that affect every
//! version.
//!
//! The fixing version of a match is the smallest `fixed` event above the
//! component's version that the entry does not itself affect (so a fix
//! that falls inside another of the entry's ranges is not offered). VEX
//! suppression is described in [`vex`].

mod advisory_index;
mod compiled;
mod evaluate;
mod exact;
mod interner;
mod inventory_index;
#[cfg(test)]
mod proptests;
#[cfg(test)]
mod tests;
mod universe;
pub mod vex;

pub use advisory_index::{AdvisoryIndex, InsertOutcome};
pub use inventory_index::InventoryIndex;
pub use vex::{AdvisoryVex, Suppressions};

/// The caller's key for an advisory (a database row id, say).
pub type AdvisoryKey = u64;

/// The caller's key for a registered inventory (SBOM).
pub type InventoryKey = u64;

/// A component of one SBOM affected by one advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Match {
    /// The component's index in the slice matched.
    pub component: usize,
    /// The advisory.
    pub advisory: AdvisoryKey,
    /// The index of the matching entry in the advisory's affected list.
    pub affected: usize,
    /// The version to upgrade to, when a fix is known.
    pub fixed: Option<String>,
}

impl Match {
    pub(crate) fn new(
        component: usize,
        advisory: AdvisoryKey,
        affected: u32,
        fixed: Option<String>,
    ) -> Match {
        Match {
            component,
            advisory,
            affected: affected as usize,
            fixed,
        }
    }
}

/// A registered inventory's component affected by one advisory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InventoryMatch {
    /// The inventory.
    pub inventory: InventoryKey,
    /// The component's index in the components the inventory was
    /// registered with.
    pub component: usize,
    /// The index of the matching entry in the advisory's affected list.
    pub affected: usize,
    /// The version to upgrade to, when a fix is known.
    pub fixed: Option<String>,
}
