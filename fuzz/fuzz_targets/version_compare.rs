//! Arbitrary text as two versions of every ecosystem, and as a range event.
#![no_main]

use bulwark_formats::model::{Affected, RangeEvent, RangeKind, VersionRange};
use bulwark_formats::version::{compare, is_affected, Ecosystem, VersionKey};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // The first line is one version, the rest the other.
    let (a, b) = text.split_once('\n').unwrap_or((&text, "1.0"));
    for eco in Ecosystem::ALL {
        let (Ok(ab), Ok(ba)) = (compare(eco, a, b), compare(eco, b, a)) else {
            continue;
        };
        // The order is antisymmetric, and keys agree with `compare`.
        assert_eq!(ab, ba.reverse(), "{eco}: {a:?} vs {b:?}");
        let (ka, kb) = (
            VersionKey::parse(eco, a).expect("a"),
            VersionKey::parse(eco, b).expect("b"),
        );
        assert_eq!(ka.cmp(&kb), ab, "{eco}: keys of {a:?} and {b:?}");
        assert_eq!(compare(eco, a, a).expect("a"), std::cmp::Ordering::Equal);
        // Evaluation never panics, whatever the events.
        let affected = Affected {
            ranges: vec![VersionRange {
                kind: RangeKind::Ecosystem,
                events: vec![
                    RangeEvent::Introduced(a.to_owned()),
                    RangeEvent::Fixed(b.to_owned()),
                    RangeEvent::LastAffected(a.to_owned()),
                    RangeEvent::Limit(b.to_owned()),
                ],
            }],
            ..Affected::default()
        };
        let _ = is_affected(eco, &affected, b);
    }
});
