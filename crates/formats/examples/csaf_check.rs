//! Validates CSAF 2.0 files and prints one JSON line per file:
//! `{"file":…,"valid":bool,"findings":[…],"reports":N}`.
//!
//! ```text
//! cargo run -p bulwark-formats --example csaf_check -- FILE...
//! ```
//!
//! A conformance aid, run by hand over the OASIS examples and the CSAF
//! validator test files (`testcases.json`); exits 0 whatever it finds.

use bulwark_formats::csaf;
use serde_json::json;

fn main() {
    for path in std::env::args().skip(1) {
        let line = match std::fs::read(&path) {
            Ok(bytes) => check(&path, &bytes),
            Err(e) => {
                json!({"file": path, "valid": false, "findings": [format!("unreadable: {e}")], "reports": 0})
            }
        };
        println!("{line}");
    }
}

fn check(path: &str, bytes: &[u8]) -> serde_json::Value {
    match csaf::validate_bytes(bytes) {
        Ok(doc) => {
            let reports = csaf::reports(&doc);
            let intake = csaf::parse(bytes).map(|records| records.len());
            json!({
                "file": path,
                "valid": true,
                "findings": [],
                "reports": reports.len(),
                "vulnerabilities": doc.vulnerability_list().len(),
                "intake_records": intake.as_ref().ok(),
                "intake_error": intake.err().map(|e| e.to_string()),
            })
        }
        Err(findings) => json!({
            "file": path,
            "valid": false,
            "findings": findings.iter().map(ToString::to_string).collect::<Vec<_>>(),
            "reports": 0,
        }),
    }
}
