//! Ecosystem version orders and affected-range evaluation.
//!
//! Each ecosystem's versions are ordered by its own rules ([`Ecosystem`]):
//! SemVer 2.0, npm, PEP 440, dpkg, rpm, Maven's `ComparableVersion`, Go
//! modules and a generic fallback. [`compare`] orders two version strings;
//! [`VersionKey`] parses once for sorting and repeated comparison;
//! [`is_affected`] and [`AffectedMatcher`] apply the OSV evaluation
//! algorithm to an [`Affected`](crate::model::Affected) entry.
//!
//! The parsers are hand-written, allocation-free (except Maven's nested
//! item lists) and never panic: comparison is the hot path of matching
//! SBOMs against advisories. A differential test against the PyPI library
//! `univers` lives in `scripts/conformance/univers_differential.py`.

mod cursor;
mod debian;
mod ecosystem;
mod error;
mod evaluate;
mod generic;
mod go;
mod key;
mod maven;
mod npm;
mod numeric;
mod pep440;
mod rpm;
mod semver;
mod span;

#[cfg(test)]
mod proptests;

use std::cmp::Ordering;

pub use ecosystem::Ecosystem;
pub use error::VersionError;
pub use evaluate::{is_affected, AffectedMatcher};
pub use key::VersionKey;

/// The longest version string accepted, in bytes.
pub const MAX_VERSION_LEN: usize = 512;

/// Orders two versions by `eco`'s rules (ASCII whitespace around them is
/// ignored). Fails when either is not a version of that ecosystem.
pub fn compare(eco: Ecosystem, a: &str, b: &str) -> Result<Ordering, VersionError> {
    let a = key::Parsed::new(eco, a)?;
    let b = key::Parsed::new(eco, b)?;
    Ok(a.compare(&b))
}
