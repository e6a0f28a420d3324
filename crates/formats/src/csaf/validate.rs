//! Validation entry points: bytes → typed document → schema checks and
//! mandatory tests.

use super::document::CsafDocument;
use super::finding::Finding;
use super::{mandatory, schema_checks};

/// Why bytes are not a CSAF document at all.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// Not JSON (syntax error, bad UTF-8, trailing data, nesting too deep).
    #[error("not valid JSON: {source}")]
    Json {
        /// The parser's error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// JSON, but not the shape of a CSAF document (a required property
    /// missing, a wrong type, an unknown enum value).
    #[error("{finding}")]
    Schema {
        /// The first such problem, with its JSON pointer.
        finding: Finding,
    },
}

impl DocumentError {
    /// The error as a finding (test `schema`).
    pub fn to_finding(&self) -> Finding {
        match self {
            DocumentError::Json { source } => {
                Finding::schema("", format!("not valid JSON: {source}"))
            }
            DocumentError::Schema { finding } => finding.clone(),
        }
    }
}

/// Reads a CSAF document from JSON bytes (a UTF-8 byte-order mark is
/// skipped). Only the typed shape is checked here; see [`validate`].
pub fn parse_document(bytes: &[u8]) -> Result<CsafDocument, DocumentError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let doc = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = pointer(e.path());
        let inner = e.into_inner();
        if inner.is_data() {
            DocumentError::Schema {
                finding: Finding::schema(path, inner.to_string()),
            }
        } else {
            DocumentError::Json { source: inner }
        }
    })?;
    de.end().map_err(|source| DocumentError::Json { source })?;
    Ok(doc)
}

/// Every schema check and mandatory test finding for `doc`; empty when the
/// document is valid.
pub fn validate(doc: &CsafDocument) -> Vec<Finding> {
    let mut findings = schema_checks::check(doc);
    findings.extend(mandatory::run(doc));
    findings
}

/// Reads and validates bytes: the document when it is valid, else every
/// finding (a document that cannot be read has one).
pub fn validate_bytes(bytes: &[u8]) -> Result<CsafDocument, Vec<Finding>> {
    let doc = parse_document(bytes).map_err(|e| vec![e.to_finding()])?;
    let findings = validate(&doc);
    if findings.is_empty() {
        Ok(doc)
    } else {
        Err(findings)
    }
}

/// A `serde_path_to_error` path as a JSON pointer (RFC 6901).
fn pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => out.push_str(&format!("/{index}")),
            Segment::Map { key } => {
                out.push('/');
                out.push_str(&key.replace('~', "~0").replace('/', "~1"));
            }
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::csaf::mandatory::fixtures::base;

    #[test]
    fn valid_document_has_no_findings() -> Result<(), serde_json::Error> {
        let bytes = serde_json::to_vec(&base())?;
        let doc = validate_bytes(&bytes).map_err(|f| format!("{f:?}"));
        assert!(doc.is_ok(), "{doc:?}");
        Ok(())
    }

    #[test]
    fn shape_errors_carry_a_pointer() -> Result<(), serde_json::Error> {
        let mut value = base();
        value["document"]["tracking"]["revision_history"][0]["number"] = json!(1);
        let found = validate_bytes(&serde_json::to_vec(&value)?)
            .err()
            .unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].test, "schema");
        assert_eq!(
            found[0].path,
            "/document/tracking/revision_history/0/number"
        );
        value["document"]["tracking"]["revision_history"][0]["number"] = json!("1");
        value["document"]["publisher"]["category"] = json!("hacker");
        let found = validate_bytes(&serde_json::to_vec(&value)?)
            .err()
            .unwrap_or_default();
        assert_eq!(found[0].path, "/document/publisher/category");
        Ok(())
    }

    #[test]
    fn non_json_is_one_finding() {
        let found = validate_bytes(b"{\"document\": ").err().unwrap_or_default();
        assert_eq!(found.len(), 1);
        assert!(found[0].message.starts_with("not valid JSON"), "{found:?}");
        assert!(validate_bytes(b"{} x").is_err());
    }
}
