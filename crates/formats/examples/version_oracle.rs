//! A line-oriented oracle over `bulwark_formats::version`, for differential
//! tests (`scripts/conformance/univers_differential.py`).
//!
//! Reads one JSON object per line on stdin and writes one JSON line per
//! input line (blank lines are skipped), in order:
//!
//! ```text
//! {"op":"compare","ecosystem":"pypi","a":"1.0a1","b":"1.0"}
//!   -> {"result":-1}                       (-1, 0 or 1: a <, = or > b)
//! {"op":"affected","ecosystem":"deb","version":"1.2~rc1",
//!  "ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1.2"}]}],
//!  "versions":["1.1"],"all_versions":false}
//!   -> {"result":true}
//! anything that fails -> {"error":"..."}
//! ```
//!
//! `ecosystem` is an ordering name (`semver`, `pep440`, `debian`, …) or a
//! package URL type (`pypi`, `deb`, `cargo`, `golang`, …); `type` is an OSV
//! range type (`SEMVER`, `ECOSYSTEM`, `GIT`); events are OSV event objects.

use std::error::Error;
use std::io::{self, BufRead, BufWriter, Write};

use bulwark_formats::model::{Affected, RangeEvent, RangeKind, VersionRange};
use bulwark_formats::version::{compare, AffectedMatcher, Ecosystem};
use serde::Deserialize;
use serde_json::{json, Value};

/// One request line.
#[derive(Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
enum Request {
    Compare {
        ecosystem: String,
        a: String,
        b: String,
    },
    Affected {
        ecosystem: String,
        version: String,
        #[serde(default)]
        ranges: Vec<OsvRange>,
        #[serde(default)]
        versions: Vec<String>,
        #[serde(default)]
        all_versions: bool,
    },
}

/// An OSV `affected[].ranges[]` entry.
#[derive(Deserialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    events: Vec<RangeEvent>,
}

fn ecosystem(name: &str) -> Ecosystem {
    Ecosystem::from_name(name).unwrap_or_else(|| Ecosystem::from_purl_type(name))
}

fn range_kind(name: &str) -> Result<RangeKind, String> {
    match name.to_ascii_uppercase().as_str() {
        "SEMVER" => Ok(RangeKind::Semver),
        "ECOSYSTEM" => Ok(RangeKind::Ecosystem),
        "GIT" => Ok(RangeKind::Git),
        other => Err(format!("unknown range type {other:?}")),
    }
}

fn answer(line: &str) -> Result<Value, Box<dyn Error>> {
    match serde_json::from_str::<Request>(line)? {
        Request::Compare {
            ecosystem: eco,
            a,
            b,
        } => {
            let order = compare(ecosystem(&eco), &a, &b)?;
            Ok(json!(order as i8))
        }
        Request::Affected {
            ecosystem: eco,
            version,
            ranges,
            versions,
            all_versions,
        } => {
            let ranges = ranges
                .into_iter()
                .map(|r| {
                    Ok(VersionRange {
                        kind: range_kind(&r.kind)?,
                        events: r.events,
                    })
                })
                .collect::<Result<Vec<_>, String>>()?;
            let affected = Affected {
                ranges,
                versions,
                all_versions,
                ..Affected::default()
            };
            let matcher = AffectedMatcher::new(ecosystem(&eco), &affected)?;
            Ok(json!(matcher.is_affected(&version)?))
        }
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let stdin = io::stdin();
    let mut out = BufWriter::new(io::stdout().lock());
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let reply = match answer(&line) {
            Ok(result) => json!({ "result": result }),
            Err(err) => json!({ "error": err.to_string() }),
        };
        serde_json::to_writer(&mut out, &reply)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
