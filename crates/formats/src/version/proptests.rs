//! Property tests: every ecosystem's order is a total preorder on the
//! versions it accepts (antisymmetric and transitive), and parsing never
//! panics.

use std::cmp::Ordering;

use proptest::prelude::*;

use super::{compare, is_affected, Ecosystem};
use crate::model::{Affected, RangeEvent, RangeKind, VersionRange};

/// Version-shaped strings per ecosystem, dense in the characters that make
/// each order interesting (so many land on equal or adjacent versions).
fn versions(eco: Ecosystem) -> BoxedStrategy<String> {
    let pattern = match eco {
        Ecosystem::Semver => {
            r"(0|[1-9]|1[0-2])\.(0|[1-9])\.(0|[1-9])(-(alpha|beta|rc|0|[1-9]|1[0-2]|[a-z0-9-]{1,2})(\.(alpha|0|[1-9]|x-1)){0,2})?(\+[a-z0-9]{1,2})?"
        }
        Ecosystem::Npm => r"[=v]{0,2}(0|[1-9])\.(0|1)\.(0|1)(-(rc|0|1|beta)(\.[0-9]){0,1})?",
        Ecosystem::Go => {
            r"v?(0|[1-9])(\.(0|1)(\.(0|1)(-(0|1|rc)(\.[0-9a-f]{1,2})?)?(\+incompatible)?)?)?"
        }
        Ecosystem::Pep440 => {
            r"(1!)?[0-9](\.[0-9]){0,2}((a|b|rc|alpha|c|pre)[0-9]?)?(\.post[0-9]?|-[0-9]|r[0-9])?([.-]?dev[0-9]?)?(\+[a-z0-9]{1,2}([._-][a-z0-9]{1,2})?)?"
        }
        Ecosystem::Debian => r"([0-2]:)?[0-9][0-9a-zA-Z.+~]{0,5}(-[0-9a-z.+~]{1,3})?",
        Ecosystem::Rpm => r"([0-2]:)?[0-9a-zA-Z.~^_+]{1,6}(-[0-9a-z.~^]{1,3})?",
        // Maven's own order is not transitive when a word follows a dot
        // (see maven.rs), so words here follow a digit or a hyphen.
        Ecosystem::Maven => {
            r"[0-9]{1,2}(\.[0-9]{1,2}|-?([a-zA-Z]{1,3}|alpha|rc|sp|ga|snapshot)[0-9]{0,2}|-[0-9]{1,2}){0,4}"
        }
        Ecosystem::Generic => r"[0-9a-zA-Z.~_-]{1,8}",
    };
    proptest::string::string_regex(pattern)
        .expect("the version patterns are valid regexes")
        .boxed()
}

fn any_ecosystem() -> impl Strategy<Value = Ecosystem> {
    proptest::sample::select(Ecosystem::ALL.to_vec())
}

fn triple() -> impl Strategy<Value = (Ecosystem, String, String, String)> {
    any_ecosystem().prop_flat_map(|eco| (Just(eco), versions(eco), versions(eco), versions(eco)))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2048))]

    #[test]
    fn compare_is_antisymmetric_and_transitive((eco, a, b, c) in triple()) {
        let (Ok(ab), Ok(ba), Ok(bc), Ok(ac)) =
            (compare(eco, &a, &b), compare(eco, &b, &a), compare(eco, &b, &c), compare(eco, &a, &c))
        else {
            return Ok(());
        };
        prop_assert_eq!(compare(eco, &a, &a), Ok(Ordering::Equal));
        prop_assert_eq!(ab, ba.reverse(), "{} {} {}", eco, a, b);
        if ab != Ordering::Greater && bc != Ordering::Greater {
            prop_assert_ne!(ac, Ordering::Greater, "{} {} <= {} <= {}", eco, a, b, c);
        }
        if ab == Ordering::Equal {
            prop_assert_eq!(ac, bc, "{} {} == {} vs {}", eco, a, b, c);
        }
    }

    #[test]
    fn any_maven_spelling_is_antisymmetric(a in "[0-9a-zA-Z.-]{1,9}", b in "[0-9a-zA-Z.-]{1,9}") {
        if let (Ok(ab), Ok(ba)) = (compare(Ecosystem::Maven, &a, &b), compare(Ecosystem::Maven, &b, &a)) {
            prop_assert_eq!(ab, ba.reverse());
        }
    }

    #[test]
    fn arbitrary_text_never_panics(eco in any_ecosystem(), a in ".{0,40}", b in "[0-9a-z.:~^+_-]{0,20}") {
        if let (Ok(ab), Ok(ba)) = (compare(eco, &a, &b), compare(eco, &b, &a)) {
            prop_assert_eq!(ab, ba.reverse());
        }
    }
}

/// The OSV pseudo-code, literally: sort the events (stably) and walk them.
fn osv_reference(eco: Ecosystem, events: &[RangeEvent], version: &str) -> Option<bool> {
    let text = |e: &RangeEvent| match e {
        RangeEvent::Introduced(v)
        | RangeEvent::Fixed(v)
        | RangeEvent::LastAffected(v)
        | RangeEvent::Limit(v) => v.clone(),
    };
    // `introduced: "0"` sorts before every version.
    let zero = |e: &RangeEvent| matches!(e, RangeEvent::Introduced(v) if v == "0");
    let mut sorted = events.to_vec();
    let mut failed = false;
    sorted.sort_by(|a, b| match (zero(a), zero(b)) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => compare(eco, &text(a), &text(b)).unwrap_or_else(|_| {
            failed = true;
            Ordering::Equal
        }),
    });
    let mut vulnerable = false;
    for event in &sorted {
        let order = match zero(event) {
            true => Ordering::Greater,
            false => compare(eco, version, &text(event)).ok()?,
        };
        match event {
            RangeEvent::Introduced(_) if order != Ordering::Less => vulnerable = true,
            RangeEvent::Fixed(_) if order != Ordering::Less => vulnerable = false,
            RangeEvent::LastAffected(_) if order == Ordering::Greater => vulnerable = false,
            _ => {}
        }
    }
    (!failed).then_some(vulnerable)
}

fn event(kind: u8, version: String) -> RangeEvent {
    match kind {
        0 => RangeEvent::Introduced(version),
        1 => RangeEvent::Fixed(version),
        _ => RangeEvent::LastAffected(version),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1024))]

    #[test]
    fn evaluation_matches_the_osv_pseudocode(
        raw in proptest::collection::vec((0u8..3, versions(Ecosystem::Debian)), 1..6),
        version in versions(Ecosystem::Debian),
    ) {
        let events: Vec<RangeEvent> = raw.into_iter().map(|(k, v)| event(k, v)).collect();
        let affected = Affected {
            ranges: vec![VersionRange { kind: RangeKind::Ecosystem, events: events.clone() }],
            ..Affected::default()
        };
        if let (Ok(ours), Some(reference)) = (
            is_affected(Ecosystem::Debian, &affected, &version),
            osv_reference(Ecosystem::Debian, &events, &version),
        ) {
            prop_assert_eq!(ours, reference, "{:?} {}", events, version);
        }
    }
}
