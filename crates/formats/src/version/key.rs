//! Parsed versions of any ecosystem: the owned, ordered [`VersionKey`] and
//! the borrowed form `compare` and range evaluation use without allocating.

use std::cmp::Ordering;
use std::fmt;

use super::debian::{self, DebianParts};
use super::ecosystem::Ecosystem;
use super::error::VersionError;
use super::maven::{self, MavenParts};
use super::pep440::{self, Pep440Parts};
use super::rpm::{self, RpmParts};
use super::semver::{self, SemverParts};
use super::{generic, go, npm, MAX_VERSION_LEN};

/// The parsed parts of a version, as spans into its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Parts {
    Semver(SemverParts),
    Pep440(Pep440Parts),
    Debian(DebianParts),
    Rpm(RpmParts),
    Maven(MavenParts),
    Generic,
}

/// A version parsed in place: its trimmed text and parts.
#[derive(Debug, Clone)]
pub(crate) struct Parsed<'a> {
    text: &'a str,
    parts: Parts,
}

impl<'a> Parsed<'a> {
    /// Parses `text` (ASCII whitespace around it ignored) by `eco`'s rules.
    pub(crate) fn new(eco: Ecosystem, text: &'a str) -> Result<Parsed<'a>, VersionError> {
        let text = text.trim_matches(|c: char| c.is_ascii_whitespace());
        if text.len() > MAX_VERSION_LEN {
            return Err(VersionError::TooLong {
                ecosystem: eco,
                len: text.len(),
                max: MAX_VERSION_LEN,
            });
        }
        let parts = match eco {
            Ecosystem::Semver => semver::parse(text).map(Parts::Semver),
            Ecosystem::Npm => npm::parse(text).map(Parts::Semver),
            Ecosystem::Go => go::parse(text).map(Parts::Semver),
            Ecosystem::Pep440 => pep440::parse(text).map(Parts::Pep440),
            Ecosystem::Debian => debian::parse(text).map(Parts::Debian),
            Ecosystem::Rpm => rpm::parse(text).map(Parts::Rpm),
            Ecosystem::Maven => maven::parse(text).map(Parts::Maven),
            Ecosystem::Generic => generic::check(text).map(|()| Parts::Generic),
        };
        let parts = parts.map_err(|reason| VersionError::invalid(eco, text, reason))?;
        Ok(Parsed { text, parts })
    }

    /// The order of two versions parsed by the same ecosystem's rules.
    pub(crate) fn compare(&self, other: &Parsed<'_>) -> Ordering {
        compare_parts(self.text, &self.parts, other.text, &other.parts)
    }
}

fn compare_parts(a_text: &str, a: &Parts, b_text: &str, b: &Parts) -> Ordering {
    match (a, b) {
        (Parts::Semver(x), Parts::Semver(y)) => semver::compare(a_text, x, b_text, y),
        (Parts::Pep440(x), Parts::Pep440(y)) => pep440::compare(a_text, x, b_text, y),
        (Parts::Debian(x), Parts::Debian(y)) => debian::compare(a_text, x, b_text, y),
        (Parts::Rpm(x), Parts::Rpm(y)) => rpm::compare(a_text, x, b_text, y),
        (Parts::Maven(x), Parts::Maven(y)) => maven::compare(a_text, x, b_text, y),
        (Parts::Generic, Parts::Generic) => generic::compare(a_text, b_text),
        // Different orderings never meet through the public API (keys
        // compare their ecosystems first); any fixed answer keeps Ord total.
        _ => rank(a).cmp(&rank(b)),
    }
}

fn rank(parts: &Parts) -> u8 {
    match parts {
        Parts::Semver(_) => 0,
        Parts::Pep440(_) => 1,
        Parts::Debian(_) => 2,
        Parts::Rpm(_) => 3,
        Parts::Maven(_) => 4,
        Parts::Generic => 5,
    }
}

/// A version parsed once by its ecosystem's rules, ordered by them: the
/// key to sort and compare many versions fast. Keys of different
/// ecosystems order by ecosystem first; equal keys may have different text
/// (`1.0` and `1.0.0` are equal in PEP 440).
#[derive(Debug, Clone)]
pub struct VersionKey {
    ecosystem: Ecosystem,
    text: Box<str>,
    parts: Parts,
}

impl VersionKey {
    /// Parses `text` (ASCII whitespace around it ignored) by `ecosystem`'s
    /// rules.
    pub fn parse(ecosystem: Ecosystem, text: &str) -> Result<VersionKey, VersionError> {
        let parsed = Parsed::new(ecosystem, text)?;
        Ok(VersionKey {
            ecosystem,
            text: parsed.text.into(),
            parts: parsed.parts,
        })
    }

    /// The ecosystem whose order applies.
    pub fn ecosystem(&self) -> Ecosystem {
        self.ecosystem
    }

    /// The version text, trimmed.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The borrowed form, to compare with a [`Parsed`] version.
    pub(crate) fn compare_parsed(&self, other: &Parsed<'_>) -> Ordering {
        compare_parts(&self.text, &self.parts, other.text, &other.parts)
    }
}

impl Ord for VersionKey {
    fn cmp(&self, other: &Self) -> Ordering {
        self.ecosystem
            .cmp(&other.ecosystem)
            .then_with(|| compare_parts(&self.text, &self.parts, &other.text, &other.parts))
    }
}

impl PartialOrd for VersionKey {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for VersionKey {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for VersionKey {}

impl fmt::Display for VersionKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_sort_by_their_ecosystem_order() -> Result<(), VersionError> {
        let mut keys = ["1.0", "1.0a1", "1.0.dev0", "1.0.post1", "0.9"]
            .into_iter()
            .map(|v| VersionKey::parse(Ecosystem::Pep440, v))
            .collect::<Result<Vec<_>, _>>()?;
        keys.sort();
        let sorted: Vec<&str> = keys.iter().map(VersionKey::as_str).collect();
        assert_eq!(sorted, ["0.9", "1.0.dev0", "1.0a1", "1.0", "1.0.post1"]);
        assert_eq!(
            VersionKey::parse(Ecosystem::Pep440, " 1.0 ")?,
            VersionKey::parse(Ecosystem::Pep440, "1.0.0")?
        );
        assert_eq!(
            VersionKey::parse(Ecosystem::Debian, " 1:2.0-1 ")?.to_string(),
            "1:2.0-1"
        );
        let deb = VersionKey::parse(Ecosystem::Debian, "1.0")?;
        let rpm = VersionKey::parse(Ecosystem::Rpm, "1.0")?;
        assert!(deb < rpm && deb != rpm);
        Ok(())
    }

    #[test]
    fn overlong_versions_are_refused() {
        let long = "1.".repeat(MAX_VERSION_LEN) + "0";
        for eco in Ecosystem::ALL {
            assert!(matches!(
                VersionKey::parse(eco, &long),
                Err(VersionError::TooLong { .. })
            ));
        }
    }
}
