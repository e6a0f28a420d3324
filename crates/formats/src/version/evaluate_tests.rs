//! Tests of OSV range evaluation ([`super`]).

use super::*;
use crate::model::Product;

fn range(kind: RangeKind, events: &[(&str, &str)]) -> VersionRange {
    let events = events
        .iter()
        .map(|&(kind, v)| match kind {
            "introduced" => RangeEvent::Introduced(v.into()),
            "fixed" => RangeEvent::Fixed(v.into()),
            "last_affected" => RangeEvent::LastAffected(v.into()),
            _ => RangeEvent::Limit(v.into()),
        })
        .collect();
    VersionRange { kind, events }
}

fn affected(ranges: Vec<VersionRange>, versions: &[&str]) -> Affected {
    Affected {
        product: Product::default(),
        ranges,
        versions: versions.iter().map(|v| v.to_string()).collect(),
        all_versions: false,
    }
}

fn check(eco: Ecosystem, affected: &Affected, cases: &[(&str, bool)]) {
    let matcher = AffectedMatcher::new(eco, affected);
    assert!(matcher.is_ok(), "{matcher:?}");
    if let Ok(matcher) = matcher {
        for &(version, want) in cases {
            assert_eq!(matcher.is_affected(version), Ok(want), "{eco} {version}");
            assert_eq!(
                is_affected(eco, affected, version),
                Ok(want),
                "{eco} {version}"
            );
        }
    }
}

#[test]
fn osv_examples() {
    let all = affected(vec![range(RangeKind::Semver, &[("introduced", "0")])], &[]);
    check(
        Ecosystem::Semver,
        &all,
        &[("0.0.0", true), ("99.0.0-rc.1", true)],
    );
    let fixed = affected(
        vec![range(
            RangeKind::Semver,
            &[("introduced", "0"), ("fixed", "1.0.2")],
        )],
        &[],
    );
    check(
        Ecosystem::Semver,
        &fixed,
        &[("1.0.1", true), ("1.0.2-rc.1", true), ("1.0.2", false)],
    );
    let multiple = affected(
        vec![range(
            RangeKind::Semver,
            &[
                ("introduced", "1.0.0"),
                ("fixed", "1.0.2"),
                ("introduced", "3.0.0"),
                ("fixed", "3.2.5"),
            ],
        )],
        &[],
    );
    check(
        Ecosystem::Semver,
        &multiple,
        &[
            ("0.9.0", false),
            ("1.0.0", true),
            ("1.0.2", false),
            ("2.0.0", false),
            ("3.1.0", true),
            ("3.2.5", false),
        ],
    );
}

#[test]
fn unsorted_events_are_sorted_by_version() {
    let unsorted = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[
                ("fixed", "3.2.5"),
                ("introduced", "3.0.0"),
                ("fixed", "1.0.2"),
                ("introduced", "1.0.0"),
            ],
        )],
        &[],
    );
    check(
        Ecosystem::Pep440,
        &unsorted,
        &[
            ("0.9", false),
            ("1.0", true),
            ("1.0.2", false),
            ("3.1", true),
            ("3.2.5", false),
        ],
    );
}

#[test]
fn last_affected_and_limit() {
    let last = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "1.0"), ("last_affected", "1.2")],
        )],
        &[],
    );
    check(
        Ecosystem::Maven,
        &last,
        &[
            ("0.9", false),
            ("1.0", true),
            ("1.2", true),
            ("1.2.0", true),
            ("1.2.1", false),
        ],
    );
    let limited = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("limit", "2.0")],
        )],
        &[],
    );
    check(
        Ecosystem::Generic,
        &limited,
        &[("1.9", true), ("2.0", false), ("3.0", false)],
    );
    let star = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "1.0"), ("limit", "*")],
        )],
        &[],
    );
    check(Ecosystem::Generic, &star, &[("0.5", false), ("999", true)]);
    let two_limits = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "1.0"), ("limit", "2.0"), ("limit", "3.0")],
        )],
        &[],
    );
    check(
        Ecosystem::Generic,
        &two_limits,
        &[("2.5", true), ("3.0", false)],
    );
}

#[test]
fn ecosystem_orders_apply() {
    let deb = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "1.2-1")],
        )],
        &[],
    );
    check(
        Ecosystem::Debian,
        &deb,
        &[
            ("1.2~rc1-1", true),
            ("1.2-0", true),
            ("1.2-1", false),
            ("1:0.1", false),
        ],
    );
    let pypi = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "1.0a1"), ("fixed", "1.0")],
        )],
        &[],
    );
    check(
        Ecosystem::Pep440,
        &pypi,
        &[
            ("1.0.dev0", false),
            ("1.0a1", true),
            ("1.0rc1", true),
            ("1.0.0", false),
        ],
    );
    let rpm = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "0:1.0-2.el8")],
        )],
        &[],
    );
    check(
        Ecosystem::Rpm,
        &rpm,
        &[
            ("1.0-1.el8", true),
            ("1.0~rc1-9", true),
            ("1.0^git1-1", false),
        ],
    );
}

#[test]
fn semver_ranges_accept_the_ecosystems_spelling() {
    let go = affected(
        vec![range(
            RangeKind::Semver,
            &[("introduced", "0"), ("fixed", "1.2.4")],
        )],
        &[],
    );
    check(
        Ecosystem::Go,
        &go,
        &[
            ("v1.2.3", true),
            ("v1.2.4-0.20191109021931-daa7c04131f5", true),
            ("v1.2.4", false),
        ],
    );
    let crates = affected(
        vec![range(
            RangeKind::Semver,
            &[("introduced", "0"), ("fixed", "1.2.4")],
        )],
        &[],
    );
    assert!(matches!(
        is_affected(Ecosystem::Semver, &crates, "v1.2.3"),
        Err(VersionError::Invalid { .. })
    ));
}

#[test]
fn listed_versions_git_ranges_and_all_versions() {
    let listed = affected(vec![], &["1.0", "v2-tag"]);
    check(
        Ecosystem::Pep440,
        &listed,
        &[
            ("1.0.0", true),
            ("1.0.1", false),
            ("v2-tag", true),
            ("not a version", false),
        ],
    );
    let git = affected(
        vec![range(
            RangeKind::Git,
            &[("introduced", "0"), ("fixed", "abcdef")],
        )],
        &[],
    );
    check(Ecosystem::Semver, &git, &[("1.0.0", false)]);
    let mut every = affected(vec![], &[]);
    every.all_versions = true;
    check(Ecosystem::Generic, &every, &[("anything", true)]);
    let two = affected(
        vec![
            range(
                RangeKind::Ecosystem,
                &[("introduced", "1.0"), ("fixed", "1.1")],
            ),
            range(
                RangeKind::Ecosystem,
                &[("introduced", "2.0"), ("fixed", "2.1")],
            ),
        ],
        &[],
    );
    check(
        Ecosystem::Maven,
        &two,
        &[
            ("1.0.5", true),
            ("1.5", false),
            ("2.0.1", true),
            ("2.1", false),
        ],
    );
}

#[test]
fn equal_event_versions_keep_their_order() {
    let empty = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "1.0"), ("fixed", "1.0")],
        )],
        &[],
    );
    check(
        Ecosystem::Generic,
        &empty,
        &[("1.0", false), ("1.1", false)],
    );
    let point = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "1.0"), ("last_affected", "1.0")],
        )],
        &[],
    );
    check(
        Ecosystem::Generic,
        &point,
        &[("0.9", false), ("1.0", true), ("1.0.1", false)],
    );
}

#[test]
fn a_non_transitive_maven_range_still_evaluates() {
    // 1.jre < 1alpha1 < 1 < 1.jre in Maven's own order.
    let cyclic = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[
                ("introduced", "1.jre"),
                ("fixed", "1alpha1"),
                ("introduced", "1"),
                ("fixed", "2"),
            ],
        )],
        &[],
    );
    for version in ["1", "1.jre", "1alpha1", "1.5", "3"] {
        assert!(
            is_affected(Ecosystem::Maven, &cyclic, version).is_ok(),
            "{version}"
        );
    }
    assert_eq!(is_affected(Ecosystem::Maven, &cyclic, "1.5"), Ok(true));
    assert_eq!(is_affected(Ecosystem::Maven, &cyclic, "3"), Ok(false));
}

#[test]
fn bad_versions_are_errors() {
    let bad_event = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "a1.0")],
        )],
        &[],
    );
    let err = AffectedMatcher::new(Ecosystem::Debian, &bad_event).err();
    assert!(
        matches!(&err, Some(VersionError::Event { event: "fixed", .. })),
        "{err:?}"
    );
    let fine = affected(
        vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "0"), ("fixed", "1.0")],
        )],
        &[],
    );
    assert!(is_affected(Ecosystem::Debian, &fine, "not-a-version").is_err());
    assert!(is_affected(Ecosystem::Semver, &fine, "1.0.0").is_err());
}
