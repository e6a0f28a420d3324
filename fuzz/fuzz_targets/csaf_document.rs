//! Arbitrary bytes as a CSAF 2.0 document: reading, validating (schema
//! rules and every mandatory test) and intake must never panic.
#![no_main]

use bulwark_formats::csaf;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = csaf::parse_document(data) {
        let findings = csaf::validate(&doc);
        // Reports are built for any readable document, valid or not.
        let reports = csaf::reports(&doc);
        assert_eq!(reports.len(), doc.vulnerability_list().len());
        // A document that serialises back must read back the same.
        let bytes = serde_json::to_vec(&doc).expect("serialise");
        let again = csaf::parse_document(&bytes).expect("reparse");
        assert_eq!(again, doc);
        assert_eq!(csaf::validate(&again).len(), findings.len());
    }
    let _ = csaf::parse(data);
});
