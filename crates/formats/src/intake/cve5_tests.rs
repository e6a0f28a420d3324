//! Tests of CVE 5 intake on small records written for them.

use super::*;
use crate::model::{RangeEvent, RangeKind, Severity, VexStatus};

const RECORD: &str = r#"{
    "dataType": "CVE_RECORD",
    "dataVersion": "5.1",
    "cveMetadata": {
        "cveId": "CVE-2024-9999",
        "state": "PUBLISHED",
        "datePublished": "2024-04-09T14:22:40.000Z",
        "dateUpdated": "2024-08-01T23:19:52.921Z"
    },
    "containers": {
        "cna": {
            "providerMetadata": {"orgId": "x", "shortName": "GitHub_M"},
            "title": "Argument injection in widget",
            "descriptions": [
                {"lang": "eo", "value": "Esperanto."},
                {"lang": "en-US", "value": "Line one.\r\nLine two."}
            ],
            "problemTypes": [
                {"descriptions": [{"cweId": "CWE-78", "lang": "en", "description": "CWE-78: OS Command Injection", "type": "CWE"}]},
                {"descriptions": [{"lang": "en", "description": "CWE-88 Argument Injection", "type": "CWE"}]},
                {"descriptions": [{"lang": "en", "description": "n/a", "type": "text"}]}
            ],
            "metrics": [
                {"cvssV3_1": {"version": "3.1", "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H", "baseScore": 10, "baseSeverity": "CRITICAL"}},
                {"cvssV4_0": {"version": "4.0", "vectorString": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}},
                {"cvssV2_0": {"version": "2.0", "vectorString": "garbage", "baseSeverity": "HIGH"}},
                {"other": {"type": "Red Hat severity rating", "content": {"value": "Important", "namespace": "x"}}}
            ],
            "affected": [
                {"vendor": "acme", "product": "widget", "versions": [{"version": "< 1.77.2", "status": "affected"}]},
                {"vendor": "acme", "product": "Widget Cloud", "defaultStatus": "unaffected"}
            ],
            "references": [
                {"url": "https://github.com/acme/widget/security/advisories/GHSA-1", "tags": ["x_refsource_CONFIRM", "vendor-advisory"]},
                {"url": "https://example.org/patch", "tags": ["patch"]}
            ],
            "solutions": [{"lang": "en", "value": "Upgrade to 1.77.2."}],
            "workarounds": [{"lang": "en", "value": "Do not pass untrusted arguments."}]
        },
        "adp": [
            {
                "title": "CISA ADP Vulnrichment",
                "providerMetadata": {"orgId": "y", "shortName": "CISA-ADP"},
                "problemTypes": [{"descriptions": [{"cweId": "CWE-77", "lang": "en", "type": "CWE"}]}],
                "metrics": [
                    {"other": {"type": "ssvc", "content": {"options": [{"Exploitation": "active"}, {"Automatable": "yes"}]}}},
                    {"other": {"type": "kev", "content": {"dateAdded": "2024-05-01", "reference": "https://www.cisa.gov/kev"}}}
                ],
                "affected": [
                    {"vendor": "acme", "product": "widget", "cpes": ["cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*"], "defaultStatus": "unknown",
                     "versions": [{"version": "0", "status": "affected", "lessThan": "1.77.2", "versionType": "semver"}]},
                    {"vendor": "acme", "product": "gadget", "defaultStatus": "affected"}
                ]
            },
            {
                "title": "CVE Program Container",
                "references": [{"url": "https://example.org/patch"}, {"url": "https://example.org/blog", "tags": ["x_transferred"]}]
            }
        ]
    }
}"#;

fn read(json: &str) -> Result<Report, RecordError> {
    read_record(json)
}

#[test]
fn a_published_record_with_adp_containers() -> Result<(), RecordError> {
    let report = read(RECORD)?;
    assert_eq!(report.source_id.as_deref(), Some("CVE-2024-9999"));
    assert_eq!(
        report.title.as_deref(),
        Some("Argument injection in widget")
    );
    assert_eq!(report.description, "Line one.\r\nLine two.");
    assert_eq!(report.cwes, vec![78, 88, 77]);
    assert!(matches!(report.severities[0], Severity::CvssV3 { .. }));
    assert!(matches!(report.severities[1], Severity::CvssV4 { .. }));
    assert_eq!(
        report.severities[2],
        Severity::Qualitative {
            rating: "high".into()
        }
    );
    assert_eq!(
        report.severities[3],
        Severity::Qualitative {
            rating: "important".into()
        }
    );
    assert_eq!(report.affected.len(), 2);
    let widget = &report.affected[0];
    assert_eq!(widget.product.name, "widget");
    assert_eq!(
        widget.product.cpe.as_deref(),
        Some("cpe:2.3:a:acme:widget:*:*:*:*:*:*:*:*")
    );
    assert_eq!(widget.ranges.len(), 1);
    assert_eq!(
        widget.ranges[0].events,
        vec![
            RangeEvent::Introduced("0".into()),
            RangeEvent::Fixed("1.77.2".into())
        ]
    );
    assert_eq!(widget.ranges[0].kind, RangeKind::Ecosystem);
    assert!(report.affected[1].all_versions);
    assert_eq!(report.vex.len(), 1);
    assert_eq!(report.vex[0].product.name, "Widget Cloud");
    assert_eq!(report.vex[0].status, VexStatus::NotAffected);
    let exploitation = report.exploitation.clone().unwrap_or_default();
    assert!(exploitation.kev);
    assert_eq!(
        exploitation.date_added.map(|d| d.to_string()).as_deref(),
        Some("2024-05-01")
    );
    assert_eq!(
        exploitation.note.as_deref(),
        Some("SSVC exploitation: active")
    );
    let urls: Vec<_> = report
        .references
        .iter()
        .map(|r| (r.url.as_str(), r.kind.as_deref()))
        .collect();
    assert_eq!(
        urls,
        [
            (
                "https://github.com/acme/widget/security/advisories/GHSA-1",
                Some("advisory")
            ),
            ("https://example.org/patch", Some("fix")),
            ("https://example.org/blog", None),
        ]
    );
    assert_eq!(report.remediations.len(), 2);
    assert_eq!(report.remediations[1].kind, RemediationKind::Workaround);
    assert_eq!(
        report.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2024-04-09T14:22:40+00:00")
    );
    assert!(report.modified.is_some() && !report.withdrawn);
    Ok(())
}

#[test]
fn a_rejected_record() -> Result<(), RecordError> {
    let report = read(
        r#"{"dataType":"CVE_RECORD","dataVersion":"5.0",
            "cveMetadata":{"cveId":"CVE-2023-0001","state":"REJECTED","dateRejected":"2023-09-27T20:37:35.338Z"},
            "containers":{"cna":{"rejectedReasons":[{"lang":"en","value":"Duplicate of CVE-2023-0002."}],
                "replacedBy":["CVE-2023-0002"]}}}"#,
    )?;
    assert!(report.withdrawn);
    assert_eq!(report.description, "Duplicate of CVE-2023-0002.");
    assert_eq!(report.aliases, vec!["CVE-2023-0002".to_string()]);
    assert!(report.modified.is_some());
    Ok(())
}

#[test]
fn a_bare_cna_container() -> Result<(), RecordError> {
    let report = read(
        r#"{"cnaContainer":{"providerMetadata":{"orgId":"x"},
            "problemTypes":[{"descriptions":[{"lang":"en","description":"CWE-78 OS Command Injection"}]}],
            "affected":[{"vendor":"Example.org","product":"Example Enterprise","defaultStatus":"unaffected",
                "versions":[{"version":"1.0.0","status":"affected","lessThan":"1.0.6","versionType":"semver"}]}],
            "descriptions":[{"lang":"en","value":"OS command injection."}]}}"#,
    )?;
    assert_eq!(report.source_id, None);
    assert_eq!(report.cwes, vec![78]);
    assert_eq!(report.affected[0].ranges[0].kind, RangeKind::Semver);
    Ok(())
}

#[test]
fn bad_records_are_rejected_with_a_reason() -> Result<(), IntakeError> {
    let cases = [
        (
            r#"{"dataType":"CVE_RECORD","containers":{"cna":{}}}"#,
            "cveMetadata: missing",
        ),
        (
            r#"{"cveMetadata":{"cveId":"CVE-1-1","state":"PUBLISHED"}}"#,
            "containers: missing",
        ),
        (
            r#"{"cveMetadata":{"cveId":"CVE-1-1","state":"PUBLISHED"},"containers":{"adp":[]}}"#,
            "containers.cna: missing",
        ),
        (
            r#"{"cveMetadata":{"cveId":"GHSA-1","state":"PUBLISHED"},"containers":{"cna":{}}}"#,
            "cveMetadata.cveId: `GHSA-1` is not a CVE id",
        ),
        (
            r#"{"cveMetadata":{"cveId":"CVE-1-1","state":"RESERVED"},"containers":{"cna":{}}}"#,
            "cveMetadata.state: `RESERVED`",
        ),
        (
            r#"{"cveMetadata":{"cveId":"CVE-1-1","state":"PUBLISHED"},"containers":{"cna":{"affected":[{"versions":{}}]}}}"#,
            "containers.cna.affected[0].versions: invalid type",
        ),
    ];
    for (json, expected) in cases {
        let outcomes = parse(json.as_bytes())?;
        let reason = outcomes[0]
            .result
            .as_ref()
            .err()
            .map(|e| e.reason.clone())
            .unwrap_or_default();
        assert!(reason.starts_with(expected), "{json}: {reason}");
    }
    Ok(())
}

#[test]
fn bulk_records_in_ndjson() -> Result<(), IntakeError> {
    let one = RECORD.replace(['\n', '\r'], " ");
    let upload = format!(
        "{one}\n{{\"cveMetadata\":{{\"cveId\":\"CVE-1-1\",\"state\":\"PUBLISHED\"}}}}\n{one}\n"
    );
    let outcomes = parse(upload.as_bytes())?;
    assert_eq!(outcomes.len(), 3);
    assert!(outcomes[0].result.is_ok() && outcomes[2].result.is_ok());
    let rejected = outcomes[1].result.as_ref().err();
    assert_eq!(
        rejected.map(|e| e.reason.as_str()),
        Some("line 2: containers: missing")
    );
    assert_eq!(
        rejected.and_then(|e| e.source_id.as_deref()),
        Some("CVE-1-1")
    );
    Ok(())
}
