//! Intake: documents in the formats the clearinghouse accepts, read into
//! normalised [`Report`]s (DESIGN §4.3).
//!
//! [`detect()`] names a document's format from its content; [`parse`] reads
//! it into one [`RecordOutcome`] per record — a SARIF result, an OSV
//! advisory, a CVE record, a VEX or KEV `vulnerabilities[]` entry, a CSAF
//! vulnerability. A record that cannot be read is rejected on its own (with
//! its index and a reason naming the field); only a document that cannot be
//! read at all is an [`IntakeError`].
//!
//! Native JSON, OSV and CVE 5 also take bulk uploads: a JSON array of
//! documents or NDJSON, one document a line (see [`bulk`]).
//!
//! | format | records | file |
//! |---|---|---|
//! | native | the document, array elements or lines | [`native`] |
//! | SARIF 2.1.0 | `runs[].results[]` | [`sarif`] |
//! | OSV (JSON, YAML) | the document, array elements or lines | [`osv`] |
//! | CSAF 2.0 | `vulnerabilities[]` | `crate::csaf` |
//! | CVE JSON 5 | the record, array elements or lines | [`cve5`] |
//! | CycloneDX VEX | `vulnerabilities[]` | [`cyclonedx_vex`] |
//! | CISA KEV | `vulnerabilities[]` | [`kev`] |

mod budget;
pub mod bulk;
pub mod cve5;
mod cve5_versions;
pub mod cwe;
mod cyclonedx_bom;
pub mod cyclonedx_vex;
mod date;
mod decode;
pub mod detect;
mod error;
pub mod kev;
pub mod native;
pub mod osv;
pub mod purl;
pub mod sarif;
mod sarif_log;
mod severity;
mod unique;
pub mod vers;

pub use detect::detect;
pub use error::{IntakeError, RecordError};

use crate::model::{Report, SourceFormat};

/// The largest document intake reads: 64 MiB. Larger uploads are refused
/// before parsing.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// What became of one record of a document.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordOutcome {
    /// The record's position among the document's records, from 0 (array
    /// element, NDJSON line without blank lines, SARIF result across runs,
    /// `vulnerabilities[]` entry).
    pub index: usize,
    /// The report, or why the record was rejected.
    pub result: Result<Report, RecordError>,
}

impl RecordOutcome {
    /// An accepted record.
    pub fn accepted(index: usize, report: Report) -> Self {
        RecordOutcome {
            index,
            result: Ok(report),
        }
    }

    /// A rejected record.
    pub fn rejected(index: usize, error: RecordError) -> Self {
        RecordOutcome {
            index,
            result: Err(error),
        }
    }
}

/// Reads `bytes` as a document of `format` into one outcome per record.
///
/// A UTF-8 byte-order mark is skipped. Documents over
/// [`MAX_DOCUMENT_BYTES`], empty documents, documents that are not JSON (or
/// YAML, for OSV), and documents whose top level is not of `format` are an
/// [`IntakeError`]; everything below a record's top level is the record's
/// own outcome. A document with no records (an empty SARIF log, an SBOM
/// without `vulnerabilities`) yields an empty list.
pub fn parse(format: SourceFormat, bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    let bytes = prepare(bytes)?;
    match format {
        SourceFormat::Native => native::parse(bytes),
        SourceFormat::Sarif => sarif::parse(bytes),
        SourceFormat::Osv => osv::parse(bytes),
        SourceFormat::Csaf => crate::csaf::parse(bytes),
        SourceFormat::Cve5 => cve5::parse(bytes),
        SourceFormat::CyclonedxVex => cyclonedx_vex::parse(bytes),
        SourceFormat::Kev => kev::parse(bytes),
    }
}

/// Checks the size limit and strips a UTF-8 byte-order mark and surrounding
/// whitespace.
fn prepare(bytes: &[u8]) -> Result<&[u8], IntakeError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(IntakeError::TooLarge {
            size: bytes.len(),
            limit: MAX_DOCUMENT_BYTES,
        });
    }
    let bytes = strip_bom(bytes).trim_ascii();
    if bytes.is_empty() {
        return Err(IntakeError::Empty);
    }
    Ok(bytes)
}

/// `bytes` without a leading UTF-8 byte-order mark.
pub(crate) fn strip_bom(bytes: &[u8]) -> &[u8] {
    bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn documents_over_the_limit_are_refused_unread() {
        let big = vec![b' '; MAX_DOCUMENT_BYTES + 1];
        for format in SourceFormat::ALL {
            assert!(
                matches!(parse(format, &big), Err(IntakeError::TooLarge { .. })),
                "{format:?}"
            );
        }
        assert_eq!(detect(&big), None);
    }

    #[test]
    fn empty_documents_are_refused() {
        for format in SourceFormat::ALL {
            assert!(
                matches!(parse(format, b"\xEF\xBB\xBF \n\t"), Err(IntakeError::Empty)),
                "{format:?}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let deep_array = "[".repeat(100_000);
        let deep_object = format!("{}1{}", "{\"a\":".repeat(50_000), "}".repeat(50_000));
        let deep_field = format!("{{\"id\":\"X-1\",\"affected\":{}}}", "[".repeat(100_000));
        let deep_yaml = format!("id: X-1\naffected: {}", "[".repeat(100_000));
        for doc in [&deep_array, &deep_object, &deep_field, &deep_yaml] {
            let _ = detect(doc.as_bytes());
            for format in SourceFormat::ALL {
                let outcome = parse(format, doc.as_bytes());
                let taken = outcome
                    .iter()
                    .flatten()
                    .filter(|o| o.result.is_ok())
                    .count();
                assert_eq!(taken, 0, "{format:?}");
            }
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped_by_every_format() -> Result<(), IntakeError> {
        let sarif = b"\xEF\xBB\xBF{\"version\":\"2.1.0\",\"runs\":[{\"tool\":{\"driver\":{\"name\":\"t\"}},\
                      \"results\":[{\"message\":{\"text\":\"m\"}}]}]}";
        assert_eq!(detect(sarif), Some(SourceFormat::Sarif));
        assert_eq!(parse(SourceFormat::Sarif, sarif)?.len(), 1);
        let native = b"\xEF\xBB\xBF{\"description\":\"d\"}";
        assert_eq!(parse(SourceFormat::Native, native)?.len(), 1);
        let kev = b"\xEF\xBB\xBF{\"catalogVersion\":\"1\",\"vulnerabilities\":[]}";
        assert!(parse(SourceFormat::Kev, kev)?.is_empty());
        Ok(())
    }

    #[test]
    fn detection_and_parsing_agree() -> Result<(), IntakeError> {
        let documents: [&[u8]; 6] = [
            br#"{"description":"d"}"#,
            br#"{"version":"2.1.0","runs":[]}"#,
            b"id: A-1\nmodified: 2024-01-01T00:00:00Z\nsummary: s\n",
            br#"{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-1-1","state":"PUBLISHED"},"containers":{"cna":{}}}"#,
            br#"{"bomFormat":"CycloneDX","vulnerabilities":[{"id":"CVE-1-1"}]}"#,
            br#"{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-1-1"}]}"#,
        ];
        for document in documents {
            let format = detect(document);
            let outcomes = format.map(|f| parse(f, document)).transpose()?;
            let all_taken = outcomes.is_some_and(|o| o.iter().all(|o| o.result.is_ok()));
            assert!(all_taken, "{}", String::from_utf8_lossy(document));
        }
        Ok(())
    }

    #[test]
    fn the_wrong_format_is_refused_whole() {
        let sarif = br#"{"version":"2.1.0","runs":[]}"#;
        for format in [SourceFormat::Native, SourceFormat::Osv, SourceFormat::Cve5] {
            let error = parse(format, sarif)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(
                error.contains("document is sarif, not"),
                "{format:?}: {error}"
            );
        }
        assert!(matches!(
            parse(SourceFormat::Kev, sarif),
            Err(IntakeError::Invalid { .. })
        ));
        assert!(matches!(
            parse(SourceFormat::CyclonedxVex, sarif),
            Err(IntakeError::Invalid { .. })
        ));
        assert!(matches!(
            parse(SourceFormat::Csaf, sarif),
            Err(IntakeError::Invalid { .. })
        ));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = detect(&bytes);
            for format in SourceFormat::ALL {
                if let Ok(outcomes) = parse(format, &bytes) {
                    for (i, outcome) in outcomes.iter().enumerate() {
                        prop_assert_eq!(outcome.index, i);
                    }
                }
            }
        }

        #[test]
        fn json_shaped_text_never_panics(text in r#"[\[\]{}":,0-9a-z \n]{0,200}"#) {
            let _ = detect(text.as_bytes());
            for format in SourceFormat::ALL {
                let _ = parse(format, text.as_bytes());
            }
        }
    }
}
