//! Format detection from a document's content.
//!
//! One pass over the top-level object reads only the keys that tell the
//! formats apart (nested values are skipped, not built):
//!
//! | format | sign |
//! |---|---|
//! | CSAF | `document.csaf_version` |
//! | CycloneDX VEX | `bomFormat: "CycloneDX"` (an SBOM without vulnerabilities too: it has zero records) |
//! | KEV | `catalogVersion` and `vulnerabilities` |
//! | CVE 5 | `dataType: "CVE_RECORD"`, `cveMetadata`, or a `cnaContainer` wrapper |
//! | SARIF | `version: "2.1.0"` (or a SARIF `$schema`) and `runs` |
//! | OSV | `id` with `schema_version`, or with `modified` and one of `affected`, `aliases`, `summary`, `details`, … |
//! | native | none of those, and it deserialises as a [`Report`] |
//!
//! Arrays and NDJSON are detected from their first element; text that is
//! not JSON is tried as YAML, which only OSV uses.

use serde::de::IgnoredAny;
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use serde_json::Value;

use super::{strip_bom, MAX_DOCUMENT_BYTES};
use crate::model::{Report, SourceFormat};

/// The format of `bytes`, judged by content; `None` when it is none of the
/// intake formats (or over [`MAX_DOCUMENT_BYTES`]). A UTF-8 byte-order mark
/// is skipped.
pub fn detect(bytes: &[u8]) -> Option<SourceFormat> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return None;
    }
    let bytes = strip_bom(bytes).trim_ascii();
    match bytes.first()? {
        b'[' => {
            let elements: Vec<&RawValue> = serde_json::from_slice(bytes).ok()?;
            detect_record(elements.first()?.get().as_bytes())
        }
        b'{' => match serde_json::from_slice::<&RawValue>(bytes) {
            Ok(whole) => detect_record(whole.get().as_bytes()),
            // NDJSON: the first line decides.
            Err(_) => {
                let first = bytes
                    .split(|b| *b == b'\n')
                    .map(<[u8]>::trim_ascii)
                    .find(|line| !line.is_empty())?;
                detect_record(first)
            }
        },
        _ => detect_yaml(bytes),
    }
}

/// The format of one JSON object (a document or one bulk record).
pub(crate) fn detect_record(json: &[u8]) -> Option<SourceFormat> {
    let probe: Probe = serde_json::from_slice(json).ok()?;
    probe.classify().or_else(|| {
        serde_json::from_slice::<Report>(json)
            .ok()
            .map(|_| SourceFormat::Native)
    })
}

/// YAML is only an intake format for OSV.
fn detect_yaml(bytes: &[u8]) -> Option<SourceFormat> {
    if super::decode::yaml_too_deep(bytes) {
        return None;
    }
    let first = serde_yaml_ng::Deserializer::from_slice(bytes).next()?;
    let probe = Probe::deserialize(first).ok()?;
    (probe.classify() == Some(SourceFormat::Osv)).then_some(SourceFormat::Osv)
}

/// The top-level keys that tell the formats apart.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Probe {
    #[serde(rename = "$schema")]
    schema: Option<Value>,
    version: Option<Value>,
    runs: Present,
    document: Option<Value>,
    #[serde(rename = "bomFormat")]
    bom_format: Option<Value>,
    #[serde(rename = "catalogVersion")]
    catalog_version: Present,
    vulnerabilities: Present,
    #[serde(rename = "dataType")]
    data_type: Option<Value>,
    #[serde(rename = "cveMetadata")]
    cve_metadata: Present,
    #[serde(rename = "cnaContainer")]
    cna_container: Present,
    schema_version: Present,
    id: Option<Value>,
    modified: Present,
    published: Present,
    withdrawn: Present,
    affected: Present,
    aliases: Present,
    related: Present,
    summary: Present,
    details: Present,
    severity: Present,
    references: Present,
}

impl Probe {
    /// The format these keys mark, if any.
    fn classify(&self) -> Option<SourceFormat> {
        let text = |v: &Option<Value>| v.as_ref().and_then(Value::as_str).map(str::to_owned);
        if self
            .document
            .as_ref()
            .is_some_and(|d| d.get("csaf_version").is_some())
        {
            return Some(SourceFormat::Csaf);
        }
        if text(&self.bom_format).is_some_and(|f| f.eq_ignore_ascii_case("CycloneDX")) {
            return Some(SourceFormat::CyclonedxVex);
        }
        if self.catalog_version.0 && self.vulnerabilities.0 {
            return Some(SourceFormat::Kev);
        }
        if text(&self.data_type).as_deref() == Some("CVE_RECORD")
            || self.cve_metadata.0
            || self.cna_container.0
        {
            return Some(SourceFormat::Cve5);
        }
        let sarif_schema =
            text(&self.schema).is_some_and(|s| s.to_ascii_lowercase().contains("sarif"));
        if self.runs.0 && (text(&self.version).as_deref() == Some("2.1.0") || sarif_schema) {
            return Some(SourceFormat::Sarif);
        }
        if self.looks_like_osv() {
            return Some(SourceFormat::Osv);
        }
        None
    }

    fn looks_like_osv(&self) -> bool {
        let has_id = self.id.as_ref().is_some_and(Value::is_string);
        let has_body = self.affected.0
            || self.aliases.0
            || self.related.0
            || self.summary.0
            || self.details.0
            || self.severity.0
            || self.references.0
            || self.published.0
            || self.withdrawn.0;
        has_id && (self.schema_version.0 || (self.modified.0 && has_body))
    }
}

/// Whether a key is present, whatever its value (even `null`).
#[derive(Debug, Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(deserializer)?;
        Ok(Present(true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_by_its_keys() {
        let cases: [(&str, SourceFormat); 10] = [
            (
                r#"{"document":{"csaf_version":"2.0"},"vulnerabilities":[]}"#,
                SourceFormat::Csaf,
            ),
            (
                r#"{"bomFormat":"CycloneDX","specVersion":"1.4","vulnerabilities":[]}"#,
                SourceFormat::CyclonedxVex,
            ),
            (
                r#"{"bomFormat":"CycloneDX","specVersion":"1.2","components":[]}"#,
                SourceFormat::CyclonedxVex,
            ),
            (
                r#"{"catalogVersion":"2025.08.25","vulnerabilities":[]}"#,
                SourceFormat::Kev,
            ),
            (
                r#"{"dataType":"CVE_RECORD","cveMetadata":{}}"#,
                SourceFormat::Cve5,
            ),
            (r#"{"cnaContainer":{}}"#, SourceFormat::Cve5),
            (r#"{"version":"2.1.0","runs":null}"#, SourceFormat::Sarif),
            (
                r#"{"id":"RUSTSEC-2024-0001","modified":"2024-01-01T00:00:00Z","affected":[]}"#,
                SourceFormat::Osv,
            ),
            (
                r#"{"schema_version":"1.6.0","id":"GHSA-xxxx"}"#,
                SourceFormat::Osv,
            ),
            (
                r#"{"description":"overflow","cwes":[787]}"#,
                SourceFormat::Native,
            ),
        ];
        for (json, format) in cases {
            assert_eq!(detect(json.as_bytes()), Some(format), "{json}");
        }
    }

    #[test]
    fn byte_order_marks_arrays_and_ndjson() {
        let sarif = b"\xEF\xBB\xBF{\r\n  \"version\": \"2.1.0\",\r\n  \"runs\": []\r\n}";
        assert_eq!(detect(sarif), Some(SourceFormat::Sarif));
        let array = br#"[{"id":"X-1","modified":"2024-01-01","aliases":[]},{"bogus":1}]"#;
        assert_eq!(detect(array), Some(SourceFormat::Osv));
        let lines = b"{\"description\":\"a\"}\n{\"description\":\"b\"}\n";
        assert_eq!(detect(lines), Some(SourceFormat::Native));
    }

    #[test]
    fn osv_in_yaml() {
        let yaml = b"id: PYSEC-2021-1\nmodified: 2021-01-01T00:00:00Z\naffected: []\n";
        assert_eq!(detect(yaml), Some(SourceFormat::Osv));
        assert_eq!(detect(b"name: not an advisory\n"), None);
    }

    #[test]
    fn nothing_recognisable() {
        for bytes in [
            &b""[..],
            b"   ",
            b"[]",
            b"[1,2]",
            b"{\"bogus\":true}",
            b"{\"version\":\"2.0.0\",\"runs\":[]}",
            b"not json",
            b"{\"unterminated\":",
            b"\xff\xfe",
            b"42",
        ] {
            assert_eq!(detect(bytes), None, "{}", String::from_utf8_lossy(bytes));
        }
    }
}
