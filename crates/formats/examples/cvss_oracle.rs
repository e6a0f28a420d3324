//! CVSS scoring oracle for the differential test against Red Hat's `cvss`
//! Python library (`scripts/conformance/cvss_differential.sh`).
//!
//! Reads one vector per line on stdin and writes one JSON object per line:
//!
//! ```text
//! {"vector":"CVSS:3.1/…","version":"3.1","canonical":"CVSS:3.1/…","base":9.8,"temporal":9.8,"environmental":9.8,"severity":"Critical"}
//! {"vector":"CVSS:4.0/…","version":"4.0","canonical":"CVSS:4.0/…","score":9.3,"severity":"Critical"}
//! {"vector":"…","error":"…"}
//! ```
//!
//! Run with `cargo run --release -p bulwark-formats --example cvss_oracle`.

use std::error::Error;
use std::io::{self, BufRead, BufWriter, Write};

use bulwark_formats::cvss::{parse, Cvss};
use serde_json::{json, Value};

fn main() -> Result<(), Box<dyn Error>> {
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        let vector = line.trim_end_matches('\r');
        serde_json::to_writer(&mut out, &score(vector))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}

/// The JSON line for one vector.
fn score(vector: &str) -> Value {
    match parse(vector) {
        Ok(Cvss::V3(v)) => json!({
            "vector": vector,
            "version": Cvss::V3(v).version().as_str(),
            "canonical": v.to_string(),
            "base": v.base_score(),
            "temporal": v.temporal_score(),
            "environmental": v.environmental_score(),
            "severity": v.severity().as_str(),
        }),
        Ok(Cvss::V4(v)) => json!({
            "vector": vector,
            "version": "4.0",
            "canonical": v.to_string(),
            "score": v.score(),
            "severity": v.severity().as_str(),
        }),
        Err(e) => json!({ "vector": vector, "error": e.to_string() }),
    }
}
