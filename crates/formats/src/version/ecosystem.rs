//! Which version ordering applies, and how OSV ecosystem names and package
//! URL types map onto it.

use std::fmt;

/// A version ordering. Package ecosystems that share one (crates.io, Hex and
/// Pub all use SemVer) map onto the same variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Ecosystem {
    /// Strict SemVer 2.0 precedence (crates.io, Hex, Pub, SwiftURL): build
    /// metadata ignored, pre-releases before the release.
    Semver,
    /// npm: SemVer 2.0, tolerating leading `v` and `=` as node-semver does.
    Npm,
    /// PyPI: PEP 440 (epochs, pre/post/dev releases, local versions).
    Pep440,
    /// Debian and Ubuntu: dpkg's order (epoch, upstream, revision, `~`).
    Debian,
    /// RPM distributions: rpmvercmp on `epoch:version-release` (`~`, `^`).
    Rpm,
    /// Maven: `ComparableVersion` (qualifier order, number/string items).
    Maven,
    /// Go modules: SemVer with an optional `v`, pseudo-versions, shorthand
    /// `v1`/`v1.2`, build metadata such as `+incompatible` ignored.
    Go,
    /// Anything else: components split at non-alphanumerics and at
    /// digit/letter changes, numbers compared numerically, words (before
    /// numbers) compared case-insensitively, missing components as `0`.
    Generic,
}

/// OSV ecosystem names (before any `:` suffix) and their ordering; names
/// not listed order as [`Ecosystem::Generic`].
const OSV_NAMES: &[(&str, Ecosystem)] = &[
    ("crates.io", Ecosystem::Semver),
    ("Hex", Ecosystem::Semver),
    ("Pub", Ecosystem::Semver),
    ("SwiftURL", Ecosystem::Semver),
    ("Bitnami", Ecosystem::Semver),
    ("npm", Ecosystem::Npm),
    ("PyPI", Ecosystem::Pep440),
    ("Debian", Ecosystem::Debian),
    ("Ubuntu", Ecosystem::Debian),
    ("Red Hat", Ecosystem::Rpm),
    ("AlmaLinux", Ecosystem::Rpm),
    ("Rocky Linux", Ecosystem::Rpm),
    ("SUSE", Ecosystem::Rpm),
    ("openSUSE", Ecosystem::Rpm),
    ("openEuler", Ecosystem::Rpm),
    ("Mageia", Ecosystem::Rpm),
    ("Photon OS", Ecosystem::Rpm),
    ("Fedora", Ecosystem::Rpm),
    ("Maven", Ecosystem::Maven),
    ("Go", Ecosystem::Go),
    ("Kubernetes", Ecosystem::Go),
];

/// Package URL types and their ordering; types not listed order as
/// [`Ecosystem::Generic`] (gem, nuget, composer, apk, … until they get
/// orderings of their own).
const PURL_TYPES: &[(&str, Ecosystem)] = &[
    ("cargo", Ecosystem::Semver),
    ("hex", Ecosystem::Semver),
    ("pub", Ecosystem::Semver),
    ("swift", Ecosystem::Semver),
    ("bitnami", Ecosystem::Semver),
    ("npm", Ecosystem::Npm),
    ("pypi", Ecosystem::Pep440),
    ("deb", Ecosystem::Debian),
    ("rpm", Ecosystem::Rpm),
    ("maven", Ecosystem::Maven),
    ("golang", Ecosystem::Go),
];

impl Ecosystem {
    /// Every ordering, in a fixed order.
    pub const ALL: [Ecosystem; 8] = [
        Ecosystem::Semver,
        Ecosystem::Npm,
        Ecosystem::Pep440,
        Ecosystem::Debian,
        Ecosystem::Rpm,
        Ecosystem::Maven,
        Ecosystem::Go,
        Ecosystem::Generic,
    ];

    /// The ordering for an OSV ecosystem name (`crates.io`, `PyPI`,
    /// `Debian:12`, `Ubuntu:22.04:LTS`, `Red Hat:rhel_aus:8.4::appstream`,
    /// …), ignoring ASCII case and any `:` suffix. Unknown names give
    /// [`Ecosystem::Generic`].
    pub fn from_osv(name: &str) -> Ecosystem {
        let base = name.split(':').next().unwrap_or_default().trim();
        lookup(OSV_NAMES, base)
    }

    /// The ordering for a package URL type (`cargo`, `pypi`, `deb`, …),
    /// ignoring ASCII case. Unknown types give [`Ecosystem::Generic`].
    pub fn from_purl_type(ty: &str) -> Ecosystem {
        lookup(PURL_TYPES, ty.trim())
    }

    /// The ordering's own name ([`as_str`](Self::as_str)), if `name` is one.
    pub fn from_name(name: &str) -> Option<Ecosystem> {
        Ecosystem::ALL
            .into_iter()
            .find(|eco| eco.as_str().eq_ignore_ascii_case(name.trim()))
    }

    /// A short lower-case name: `semver`, `npm`, `pep440`, `debian`, `rpm`,
    /// `maven`, `go`, `generic`.
    pub fn as_str(self) -> &'static str {
        match self {
            Ecosystem::Semver => "semver",
            Ecosystem::Npm => "npm",
            Ecosystem::Pep440 => "pep440",
            Ecosystem::Debian => "debian",
            Ecosystem::Rpm => "rpm",
            Ecosystem::Maven => "maven",
            Ecosystem::Go => "go",
            Ecosystem::Generic => "generic",
        }
    }

    /// The SemVer 2.0 ordering in this ecosystem's spelling, for OSV
    /// `SEMVER` ranges: npm and Go accept their prefixes (`v`, `=`) and Go
    /// its shorthand, and order exactly as SemVer does; everything else is
    /// strict [`Ecosystem::Semver`].
    pub fn semver_flavour(self) -> Ecosystem {
        match self {
            Ecosystem::Npm | Ecosystem::Go => self,
            _ => Ecosystem::Semver,
        }
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn lookup(table: &[(&str, Ecosystem)], key: &str) -> Ecosystem {
    table
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(key))
        .map_or(Ecosystem::Generic, |&(_, eco)| eco)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn osv_names_map_to_orderings() {
        let cases = [
            ("crates.io", Ecosystem::Semver),
            ("npm", Ecosystem::Npm),
            ("PyPI", Ecosystem::Pep440),
            ("Maven", Ecosystem::Maven),
            ("Maven:https://maven.google.com", Ecosystem::Maven),
            ("Go", Ecosystem::Go),
            ("Debian", Ecosystem::Debian),
            ("Debian:12", Ecosystem::Debian),
            ("Ubuntu", Ecosystem::Debian),
            ("Ubuntu:22.04:LTS", Ecosystem::Debian),
            ("Ubuntu:Pro:18.04:LTS", Ecosystem::Debian),
            ("Red Hat", Ecosystem::Rpm),
            ("Red Hat:rhel_aus:8.4::appstream", Ecosystem::Rpm),
            ("AlmaLinux:8", Ecosystem::Rpm),
            ("Rocky Linux", Ecosystem::Rpm),
            ("SUSE:Linux Enterprise Server 15 SP5", Ecosystem::Rpm),
            ("openSUSE:Tumbleweed", Ecosystem::Rpm),
            ("RubyGems", Ecosystem::Generic),
            ("NuGet", Ecosystem::Generic),
            ("Packagist", Ecosystem::Generic),
            ("Hex", Ecosystem::Semver),
            ("Pub", Ecosystem::Semver),
            ("Alpine:v3.16", Ecosystem::Generic),
            ("pypi", Ecosystem::Pep440),
            ("Nonsense", Ecosystem::Generic),
            ("", Ecosystem::Generic),
        ];
        for (name, eco) in cases {
            assert_eq!(Ecosystem::from_osv(name), eco, "{name}");
        }
    }

    #[test]
    fn purl_types_map_to_orderings() {
        let cases = [
            ("cargo", Ecosystem::Semver),
            ("npm", Ecosystem::Npm),
            ("pypi", Ecosystem::Pep440),
            ("maven", Ecosystem::Maven),
            ("golang", Ecosystem::Go),
            ("deb", Ecosystem::Debian),
            ("rpm", Ecosystem::Rpm),
            ("gem", Ecosystem::Generic),
            ("nuget", Ecosystem::Generic),
            ("composer", Ecosystem::Generic),
            ("generic", Ecosystem::Generic),
            ("PyPI", Ecosystem::Pep440),
            ("unknown", Ecosystem::Generic),
        ];
        for (ty, eco) in cases {
            assert_eq!(Ecosystem::from_purl_type(ty), eco, "{ty}");
        }
    }

    #[test]
    fn names_round_trip() {
        for eco in Ecosystem::ALL {
            assert_eq!(Ecosystem::from_name(eco.as_str()), Some(eco));
            assert_eq!(eco.to_string(), eco.as_str());
        }
        assert_eq!(Ecosystem::from_name("cargo"), None);
        assert_eq!(Ecosystem::Go.semver_flavour(), Ecosystem::Go);
        assert_eq!(Ecosystem::Maven.semver_flavour(), Ecosystem::Semver);
    }
}
