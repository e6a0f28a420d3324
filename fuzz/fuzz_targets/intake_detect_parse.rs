//! Arbitrary bytes through intake: format detection, then every parser
//! (`bulwark_formats::intake`). Nothing may panic; outcomes are numbered
//! 0, 1, 2, …; a native report that is taken reads back the same.
#![no_main]

use bulwark_formats::intake::{detect, parse};
use bulwark_formats::model::SourceFormat;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let detected = detect(data);
    for format in SourceFormat::ALL {
        let Ok(outcomes) = parse(format, data) else {
            continue;
        };
        for (i, outcome) in outcomes.iter().enumerate() {
            assert_eq!(outcome.index, i, "outcomes are numbered in order");
            let Ok(report) = &outcome.result else {
                continue;
            };
            let json = serde_json::to_vec(report).expect("serialise");
            if format == SourceFormat::Native && detected == Some(SourceFormat::Native) {
                let again = parse(SourceFormat::Native, &json).expect("reparse");
                assert_eq!(again.len(), 1);
                assert_eq!(
                    again[0].result.as_ref().ok(),
                    Some(report),
                    "native reports are stable"
                );
            }
        }
    }
});
