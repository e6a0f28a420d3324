//! Differential property test: the compiled matcher says what
//! [`crate::version::is_affected`] says, on generated entries and versions
//! in every ecosystem.

use proptest::prelude::*;

use super::compiled::CompiledAffected;
use super::evaluate::{Candidate, Verdict};
use super::AdvisoryIndex;
use crate::model::{Affected, Product, RangeEvent, RangeKind, VersionRange};
use crate::sbom::Component;
use crate::version::{is_affected, Ecosystem, VersionKey};

/// Versions that parse in some orders and not others, near each other.
const POOL: &[&str] = &[
    "0",
    "1",
    "1.0",
    "1.0.0",
    "1.0.1",
    "1.2.3",
    "1.2.3-rc.1",
    "1.2.3-alpha",
    "1.10.0",
    "2.0.0",
    "v1.2.3",
    "=1.0.0",
    "0.9.9",
    "3.0.0+build.1",
    "1:1.0-1",
    "1.0-1",
    "1.0~rc1",
    "1.0a1",
    "1.0.post1",
    "1.0.dev0",
    "2!1.0",
    "1.0-SNAPSHOT",
    "1.0.RELEASE",
    "abc",
    "",
    " 1.0.0 ",
    "*",
    "10",
    "1.2",
    "v1",
    "0.0.0-20191109021931-daa7c04131f5",
];

fn version() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(POOL).prop_map(str::to_owned),
        6 => "[0-3]\\.[0-3]\\.[0-3](-rc\\.[0-2])?",
        1 => "[0-9a-z.:~+-]{0,6}",
    ]
}

fn event() -> impl Strategy<Value = RangeEvent> {
    // Mostly introduced and fixed events, so that many versions are affected.
    (0..10u8, version()).prop_map(|(kind, v)| match kind {
        0..=3 => RangeEvent::Introduced(v),
        4..=6 => RangeEvent::Fixed(v),
        7..=8 => RangeEvent::LastAffected(v),
        _ => RangeEvent::Limit(v),
    })
}

fn range() -> impl Strategy<Value = VersionRange> {
    let kind = prop_oneof![
        3 => Just(RangeKind::Semver),
        3 => Just(RangeKind::Ecosystem),
        1 => Just(RangeKind::Git),
    ];
    (kind, proptest::collection::vec(event(), 0..5))
        .prop_map(|(kind, events)| VersionRange { kind, events })
}

fn affected() -> impl Strategy<Value = Affected> {
    (
        proptest::collection::vec(range(), 1..3),
        proptest::collection::vec(version(), 0..3),
        proptest::bool::weighted(0.05),
    )
        .prop_map(|(ranges, versions, all_versions)| Affected {
            product: Product {
                purl: Some("pkg:generic/x".into()),
                ..Product::default()
            },
            ranges,
            versions,
            all_versions,
        })
}

fn ecosystem() -> impl Strategy<Value = Ecosystem> {
    proptest::sample::select(Ecosystem::ALL.to_vec())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn compiled_matcher_equals_is_affected(eco in ecosystem(), entry in affected(), v in version()) {
        prop_assume!(totally_ordered(eco, std::slice::from_ref(&entry), &v));
        let expected = is_affected(eco, &entry, &v);
        let compiled = CompiledAffected::new(eco, &entry);
        let got = compiled.as_ref().ok().map(|c| c.evaluate(&Candidate::new(eco, &v)).0);
        let agree = matches!(
            (&expected, got),
            (Ok(true), Some(Verdict::Affected))
                | (Ok(false), Some(Verdict::NotAffected))
                | (Err(_), None | Some(Verdict::Unevaluable))
        );
        prop_assert!(agree, "{eco} {v:?} {entry:?}: is_affected {expected:?}, compiled {got:?}");
    }

    #[test]
    fn the_fixing_version_is_above_and_not_affected(eco in ecosystem(), entry in affected(), v in version()) {
        let Ok(compiled) = CompiledAffected::new(eco, &entry) else { return Ok(()) };
        let candidate = Candidate::new(eco, &v);
        let (Verdict::Affected, Some(fixed)) = compiled.evaluate(&candidate) else { return Ok(()) };
        {
            prop_assert_eq!(is_affected(eco, &entry, fixed), Ok(false), "{} fixed by {}", v, fixed);
        }
    }

    /// Entries sharing one package (one universe, renumbered as versions
    /// arrive, compacted on removal) still each say what `is_affected` says.
    #[test]
    fn a_shared_package_index_equals_is_affected(
        eco in ecosystem(),
        entries in proptest::collection::vec(affected(), 1..6),
        removed in 0..6usize,
        v in version(),
    ) {
        prop_assume!(totally_ordered(eco, &entries, &v));
        let purl = format!("pkg:{}/x", purl_type(eco));
        let mut index = AdvisoryIndex::new();
        for (key, entry) in entries.iter().enumerate() {
            let mut entry = entry.clone();
            entry.product.purl = Some(purl.clone());
            index.insert(key as u64, &[entry]);
        }
        index.remove(removed as u64);
        let component = Component { purl: Some(purl), version: Some(v.clone()), ..Component::default() };
        let found: Vec<u64> = index.match_components(&[component]).iter().map(|m| m.advisory).collect();
        let expected: Vec<u64> = (0..entries.len())
            .filter(|&key| key != removed && is_affected(eco, &entries[key], &v) == Ok(true))
            .map(|key| key as u64)
            .collect();
        prop_assert_eq!(found, expected, "{} {:?}", eco, v);
    }
}

/// Whether `eco`'s order is transitive on the versions involved. Ranks
/// need a total order; Maven's (like Maven's own `ComparableVersion`) is
/// not for some spellings (`0 < v1.2.3 < 0.0.0-rc.0 < 0`), and there the
/// index and `is_affected` may disagree. The other orders are total.
fn totally_ordered(eco: Ecosystem, entries: &[Affected], v: &str) -> bool {
    if eco != Ecosystem::Maven {
        return true;
    }
    let texts = entries.iter().flat_map(|e| {
        let events = e
            .ranges
            .iter()
            .flat_map(|r| &r.events)
            .map(|event| match event {
                RangeEvent::Introduced(t)
                | RangeEvent::Fixed(t)
                | RangeEvent::LastAffected(t)
                | RangeEvent::Limit(t) => t,
            });
        e.versions.iter().chain(events)
    });
    let keys: Vec<_> = texts
        .map(String::as_str)
        .chain([v])
        .filter_map(|t| VersionKey::parse(eco, t).ok())
        .collect();
    keys.iter().all(|a| {
        keys.iter()
            .all(|b| a > b || keys.iter().all(|c| b > c || a <= c))
    })
}

/// A purl type whose ecosystem is `eco`.
fn purl_type(eco: Ecosystem) -> &'static str {
    match eco {
        Ecosystem::Semver => "cargo",
        Ecosystem::Npm => "npm",
        Ecosystem::Pep440 => "pypi",
        Ecosystem::Debian => "deb",
        Ecosystem::Rpm => "rpm",
        Ecosystem::Maven => "maven",
        Ecosystem::Go => "golang",
        Ecosystem::Generic => "generic",
    }
}
