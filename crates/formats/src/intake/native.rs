//! Bulwark's own JSON: a [`Report`] exactly as the model serialises it
//! (unknown fields refused), one per document, array element or NDJSON
//! line, then checked:
//!
//! * a description or a title that is not blank;
//! * CWE numbers from 1 (duplicates dropped);
//! * CVSS vectors shaped like vectors of their kind (`CVSS:3.x/…`,
//!   `CVSS:4.0/…`); qualitative ratings put in lower case;
//! * product purls that read as package URLs, rewritten to the canonical
//!   `pkg:type/namespace/name` form;
//! * version ranges with at least one event.

use super::error::{IntakeError, RecordError};
use super::purl;
use super::{bulk, decode, severity, unique, RecordOutcome};
use crate::model::{Product, Report, Severity, SourceFormat};

/// Reads a native upload (single, array or NDJSON).
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    bulk::parse_records(bytes, SourceFormat::Native, read_record)
}

/// Reads and checks one native report from its JSON text.
pub fn read_record(json: &str) -> Result<Report, RecordError> {
    let mut report: Report = decode::json_record(json)?;
    match validate(&mut report) {
        Ok(()) => Ok(report),
        Err(error) => Err(error.with_source_id(report.source_id)),
    }
}

/// Checks a report and normalises what has one canonical form.
fn validate(report: &mut Report) -> Result<(), RecordError> {
    let has_title = report
        .title
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty());
    if report.description.trim().is_empty() && !has_title {
        return Err(RecordError::at(
            "description",
            "empty, and there is no title",
        ));
    }
    if let Some(i) = report.cwes.iter().position(|cwe| *cwe == 0) {
        return Err(RecordError::at(
            &format!("cwes[{i}]"),
            "CWE numbers start at 1",
        ));
    }
    unique::dedupe_by(&mut report.cwes, |cwe| *cwe);
    for (i, rating) in report.severities.iter_mut().enumerate() {
        check_severity(rating)
            .map_err(|problem| RecordError::at(&format!("severities[{i}]"), problem))?;
    }
    for (i, affected) in report.affected.iter_mut().enumerate() {
        canonical_purl(
            &mut affected.product,
            &format!("affected[{i}].product.purl"),
        )?;
        if let Some(j) = affected.ranges.iter().position(|r| r.events.is_empty()) {
            return Err(RecordError::at(
                &format!("affected[{i}].ranges[{j}].events"),
                "empty",
            ));
        }
    }
    for (i, statement) in report.vex.iter_mut().enumerate() {
        canonical_purl(&mut statement.product, &format!("vex[{i}].product.purl"))?;
    }
    for (i, remedy) in report.remediations.iter_mut().enumerate() {
        if let Some(product) = remedy.product.as_mut() {
            canonical_purl(product, &format!("remediations[{i}].product.purl"))?;
        }
    }
    Ok(())
}

/// Checks a rating's vector against its kind; lower-cases qualitative ones.
fn check_severity(rating: &mut Severity) -> Result<(), String> {
    match rating {
        Severity::CvssV3 { vector } => match severity::from_vector(vector) {
            Some(Severity::CvssV3 { .. }) => Ok(()),
            _ => Err(format!(
                "`{vector}` is not a CVSS v3 vector (`CVSS:3.1/AV:…`)"
            )),
        },
        Severity::CvssV4 { vector } => match severity::from_vector(vector) {
            Some(Severity::CvssV4 { .. }) => Ok(()),
            _ => Err(format!(
                "`{vector}` is not a CVSS v4 vector (`CVSS:4.0/AV:…`)"
            )),
        },
        Severity::CvssV2 { vector } => match severity::from_vector(vector) {
            Some(Severity::CvssV2 { .. }) => Ok(()),
            _ => Err(format!(
                "`{vector}` is not a CVSS v2 vector (`AV:N/AC:L/Au:N/…`)"
            )),
        },
        Severity::Qualitative { rating } => {
            if rating.trim().is_empty() {
                return Err("empty rating".to_owned());
            }
            *rating = rating.trim().to_lowercase();
            Ok(())
        }
    }
}

/// Rewrites a product's purl to its canonical form, or rejects it.
fn canonical_purl(product: &mut Product, path: &str) -> Result<(), RecordError> {
    if let Some(purl) = product.purl.as_mut() {
        let parsed = purl::canonicalise(purl)
            .map_err(|e| RecordError::at(path, format!("`{purl}`: {e}")))?;
        *purl = parsed.purl;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RangeEvent, RangeKind};

    fn reason(outcome: &RecordOutcome) -> String {
        outcome
            .result
            .as_ref()
            .err()
            .map(|e| e.reason.clone())
            .unwrap_or_default()
    }

    #[test]
    fn a_full_report_reads_and_normalises() -> Result<(), RecordError> {
        let json = r#"{
            "source_id": "LAB-7",
            "aliases": ["CVE-2024-0001"],
            "title": "Overflow in foo",
            "description": "A heap overflow.",
            "cwes": [787, 787, 120],
            "severities": [
                {"kind": "cvss_v3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
                {"kind": "qualitative", "rating": "HIGH"}
            ],
            "affected": [{
                "product": {"purl": "pkg:PyPI/Foo_Bar@1.0", "name": "foo"},
                "ranges": [{"kind": "semver", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}]
            }]
        }"#;
        let report = read_record(json)?;
        assert_eq!(report.cwes, vec![787, 120]);
        assert_eq!(
            report.affected[0].product.purl.as_deref(),
            Some("pkg:pypi/foo-bar")
        );
        assert_eq!(report.affected[0].ranges[0].kind, RangeKind::Semver);
        assert_eq!(
            report.affected[0].ranges[0].events[1],
            RangeEvent::Fixed("1.2.3".into())
        );
        assert_eq!(
            report.severities[1],
            Severity::Qualitative {
                rating: "high".into()
            }
        );
        Ok(())
    }

    #[test]
    fn invalid_reports_are_rejected_naming_the_field() -> Result<(), IntakeError> {
        let cases = [
            (r#"{"description":" "}"#, "description: empty"),
            (
                r#"{"description":"x","cwes":[0]}"#,
                "cwes[0]: CWE numbers start at 1",
            ),
            (
                r#"{"description":"x","severities":[{"kind":"cvss_v3","vector":"CVSS:4.0/AV:N"}]}"#,
                "severities[0]: `CVSS:4.0/AV:N` is not a CVSS v3 vector",
            ),
            (
                r#"{"description":"x","severities":[{"kind":"cvss_v4","vector":"AV:N"}]}"#,
                "severities[0]: `AV:N` is not a CVSS v4 vector",
            ),
            (
                r#"{"description":"x","affected":[{"product":{"purl":"cargo/foo","name":"foo"}}]}"#,
                "affected[0].product.purl: `cargo/foo`: a package URL starts with `pkg:`",
            ),
            (
                r#"{"description":"x","vex":[{"product":{"purl":"npm/x","name":"x"},"status":"fixed"}]}"#,
                "vex[0].product.purl:",
            ),
            (
                r#"{"description":"x","affected":[{"product":{"name":"foo"},"ranges":[{"kind":"git","events":[]}]}]}"#,
                "affected[0].ranges[0].events: empty",
            ),
            (r#"{"description":"x","bogus":1}"#, "unknown field `bogus`"),
            (
                r#"{"description":"x","cwes":["CWE-79"]}"#,
                "cwes[0]: invalid type",
            ),
        ];
        for (json, expected) in cases {
            let outcomes = parse(json.as_bytes())?;
            assert_eq!(outcomes.len(), 1);
            assert!(
                reason(&outcomes[0]).starts_with(expected)
                    || reason(&outcomes[0]).contains(expected),
                "{json}: {}",
                reason(&outcomes[0])
            );
        }
        Ok(())
    }

    #[test]
    fn rejections_carry_the_source_id() -> Result<(), IntakeError> {
        let outcomes = parse(br#"{"source_id":"LAB-9","description":"x","cwes":[0]}"#)?;
        let error = outcomes[0].result.as_ref().err();
        assert_eq!(error.and_then(|e| e.source_id.as_deref()), Some("LAB-9"));
        Ok(())
    }

    #[test]
    fn ndjson_with_one_bad_line() -> Result<(), IntakeError> {
        let upload = b"{\"description\":\"one\"}\n\n{\"description\":\"two\",\"cwes\":[0]}\nnot json\n{\"title\":\"four\"}\n";
        let outcomes = parse(upload)?;
        assert_eq!(outcomes.len(), 4);
        assert!(outcomes[0].result.is_ok() && outcomes[3].result.is_ok());
        assert_eq!(outcomes[1].index, 1);
        assert_eq!(
            reason(&outcomes[1]),
            "line 3: cwes[0]: CWE numbers start at 1"
        );
        assert_eq!(outcomes[2].index, 2);
        assert!(
            reason(&outcomes[2]).starts_with("line 4: not JSON"),
            "{}",
            reason(&outcomes[2])
        );
        Ok(())
    }

    #[test]
    fn arrays_index_their_elements() -> Result<(), IntakeError> {
        let outcomes = parse(br#"[{"description":"a"},{"description":"b","cwes":[0]},7]"#)?;
        assert_eq!(outcomes.len(), 3);
        assert_eq!(reason(&outcomes[1]), "[1].cwes[0]: CWE numbers start at 1");
        assert_eq!(
            reason(&outcomes[2]),
            "[2]: a record is a JSON object, not a number"
        );
        Ok(())
    }

    #[test]
    fn whole_documents_that_cannot_be_read() {
        assert!(matches!(
            parse(b"{\"description\":"),
            Err(IntakeError::Json { .. })
        ));
        assert!(matches!(
            parse(b"\"text\""),
            Err(IntakeError::Invalid { .. })
        ));
        assert!(matches!(parse(b"text"), Err(IntakeError::Json { .. })));
        assert!(matches!(
            parse(br#"{"version":"2.1.0","runs":[]}"#),
            Err(IntakeError::Invalid { .. })
        ));
    }
}
