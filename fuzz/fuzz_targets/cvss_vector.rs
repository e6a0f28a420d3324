//! Arbitrary text as a CVSS 3.x/4.0 vector string (intake normalisation).
#![no_main]

use bulwark_formats::cvss::parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(cvss) = parse(text) {
        // Whatever parses must print canonically, parse back to the same
        // value and score without panicking.
        let canonical = cvss.to_string();
        let again = parse(&canonical).expect("canonical vector reparses");
        assert_eq!(again, cvss);
        assert_eq!(again.to_string(), canonical);
        assert_eq!(again.score(), cvss.score());
        assert!(cvss.score().tenths() <= 100);
        if let bulwark_formats::cvss::Cvss::V3(v) = cvss {
            let _ = (v.temporal_score(), v.environmental_score());
        }
    }
});
