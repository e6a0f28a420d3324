//! Tests of CycloneDX VEX intake on small BOMs written for them.

use super::*;
use crate::model::{RangeEvent, RangeKind};

const VEX: &str = r#"{
  "bomFormat": "CycloneDX",
  "specVersion": "1.5",
  "serialNumber": "urn:uuid:11111111-2222-3333-4444-555555555555",
  "version": 1,
  "metadata": {"component": {"type": "application", "name": "Portal", "version": "4.2", "bom-ref": "app",
                             "supplier": {"name": "Acme"}}},
  "components": [
    {"type": "library", "name": "log4j-core", "version": "2.14.1", "bom-ref": "log4j",
     "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1?type=jar",
     "components": [{"type": "library", "name": "inner", "bom-ref": "nested", "purl": "pkg:npm/%40acme/inner@1.0.0"}]}
  ],
  "services": [{"name": "api", "bom-ref": "svc", "version": "v2", "provider": {"name": "Acme"}}],
  "vulnerabilities": [
    {"id": "CVE-2021-44228", "source": {"name": "NVD", "url": "https://nvd.nist.gov/vuln/detail/CVE-2021-44228"},
     "references": [{"id": "GHSA-jfh8-c2jp-5v3q", "source": {"url": "https://github.com/advisories/GHSA-jfh8-c2jp-5v3q"}}],
     "ratings": [
        {"score": 10.0, "severity": "critical", "method": "CVSSv31", "vector": "AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"},
        {"score": 9.1, "severity": "critical", "method": "CVSSv31", "vector": "AAV:N/AC:L"},
        {"severity": "high", "method": "other"},
        {"score": 5.0, "method": "CVSSv4"}
     ],
     "cwes": [502, 400, 502],
     "description": "Remote code execution via JNDI.",
     "recommendation": "Upgrade to 2.17.1.",
     "published": "2021-12-10T00:00:00Z",
     "updated": "2021-12-20T10:00:00.5Z",
     "analysis": {"state": "exploitable", "response": ["update", "will_not_fix"], "detail": "Reachable from the login form."},
     "affects": [
        {"ref": "log4j", "versions": [
            {"version": "2.14.1", "status": "affected"},
            {"range": "vers:maven/>=2.0.0|<2.15.0"},
            {"range": "vers:maven/>=2.17.1", "status": "unaffected"}]},
        {"ref": "app"}
     ]},
    {"id": "CVE-2022-0001", "analysis": {"state": "not_affected", "justification": "code_not_reachable", "detail": "Not called."},
     "affects": [{"ref": "nested"}, {"ref": "svc"}]},
    {"id": "CVE-2022-0002", "analysis": {"state": "resolved"},
     "affects": [{"ref": "urn:cdx:99999999-2222-3333-4444-555555555555/1#product-JKL", "versions": [{"version": "5.1"}]},
                 {"ref": "urn:cdx:11111111-2222-3333-4444-555555555555/1#app"}]},
    {"id": "CVE-2022-0003", "affects": [{"ref": "missing"}]},
    {"id": "CVE-2022-0004", "analysis": {"state": "maybe"}},
    {"id": "CVE-2022-0005", "affects": [{"ref": "log4j", "versions": [{"range": ">=1.0"}]}]},
    {"id": "CVE-2022-0006", "analysis": {"state": "in_triage"}, "affects": [{"ref": "svc"}]},
    {"id": "CVE-2022-0007", "analysis": {"state": "in_triage"}, "affects": [{"ref": "log4j", "versions": [{"version": "2.0", "status": "unknown"}]}]},
    {"id": "CVE-2022-0008", "affects": [{"ref": "urn:cdx:11111111-2222-3333-4444-555555555555/1#gone"}]}
  ]
}"#;

fn outcomes() -> Vec<RecordOutcome> {
    parse(VEX.as_bytes()).unwrap_or_default()
}

fn reason(outcome: &RecordOutcome) -> String {
    outcome
        .result
        .as_ref()
        .err()
        .map(|e| e.reason.clone())
        .unwrap_or_default()
}

#[test]
fn an_exploitable_vulnerability_with_versions() -> Result<(), RecordError> {
    let outcomes = outcomes();
    assert_eq!(outcomes.len(), 9);
    let report = outcomes[0].result.clone()?;
    assert_eq!(report.source_id.as_deref(), Some("CVE-2021-44228"));
    assert_eq!(report.aliases, vec!["GHSA-jfh8-c2jp-5v3q".to_string()]);
    assert_eq!(report.cwes, vec![502, 400]);
    assert_eq!(
        report.severities,
        vec![
            Severity::CvssV3 {
                vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H".into()
            },
            Severity::Qualitative {
                rating: "critical".into()
            },
            Severity::Qualitative {
                rating: "high".into()
            },
            Severity::Qualitative {
                rating: "medium".into()
            },
        ]
    );
    assert_eq!(report.description, "Remote code execution via JNDI.");
    assert_eq!(report.references.len(), 2);
    assert!(report.published.is_some() && report.modified.is_some());
    let log4j = &report.affected[0];
    assert_eq!(
        log4j.product.purl.as_deref(),
        Some("pkg:maven/org.apache.logging.log4j/log4j-core")
    );
    assert_eq!(log4j.product.ecosystem.as_deref(), Some("Maven"));
    assert_eq!(log4j.versions, vec!["2.14.1".to_string()]);
    assert_eq!(log4j.ranges.len(), 1);
    assert_eq!(log4j.ranges[0].kind, RangeKind::Ecosystem);
    assert_eq!(
        log4j.ranges[0].events,
        vec![
            RangeEvent::Introduced("2.0.0".into()),
            RangeEvent::Fixed("2.15.0".into())
        ]
    );
    let app = &report.affected[1];
    assert_eq!(
        (app.product.name.as_str(), app.product.vendor.as_deref()),
        ("Portal", Some("Acme"))
    );
    assert_eq!(app.versions, vec!["4.2".to_string()]);
    let statuses: Vec<_> = report
        .vex
        .iter()
        .map(|s| (s.version.as_deref(), s.status))
        .collect();
    assert_eq!(
        statuses,
        [
            (Some("2.14.1"), VexStatus::Affected),
            (Some("vers:maven/>=2.0.0|<2.15.0"), VexStatus::Affected),
            (Some("vers:maven/>=2.17.1"), VexStatus::NotAffected),
            (Some("4.2"), VexStatus::Affected),
        ]
    );
    assert_eq!(report.vex[0].justification, None);
    assert_eq!(
        report.vex[0].detail.as_deref(),
        Some("Reachable from the login form.")
    );
    let kinds: Vec<_> = report.remediations.iter().map(|r| r.kind).collect();
    assert_eq!(
        kinds,
        [RemediationKind::VendorFix, RemediationKind::NoFixPlanned]
    );
    assert_eq!(report.remediations[0].text, "Upgrade to 2.17.1.");
    Ok(())
}

#[test]
fn not_affected_and_resolved_statements() -> Result<(), RecordError> {
    let outcomes = outcomes();
    let report = outcomes[1].result.clone()?;
    assert!(report.affected.is_empty());
    assert_eq!(report.vex.len(), 2);
    assert_eq!(
        report.vex[0].product.purl.as_deref(),
        Some("pkg:npm/%40acme/inner")
    );
    assert_eq!(report.vex[0].version.as_deref(), Some("1.0.0"));
    assert_eq!(report.vex[0].status, VexStatus::NotAffected);
    assert_eq!(
        report.vex[0].justification.as_deref(),
        Some("code_not_reachable")
    );
    assert_eq!(report.vex[1].product.name, "api");
    assert_eq!(report.vex[1].version.as_deref(), Some("v2"));
    let report = outcomes[2].result.clone()?;
    assert!(report.affected.is_empty());
    assert_eq!(report.vex[0].product.name, "product-JKL");
    assert_eq!(report.vex[0].version.as_deref(), Some("5.1"));
    assert_eq!(report.vex[0].status, VexStatus::Fixed);
    assert_eq!(report.vex[1].product.name, "Portal");
    Ok(())
}

#[test]
fn under_investigation_entries() -> Result<(), RecordError> {
    let outcomes = outcomes();
    let report = outcomes[6].result.clone()?;
    assert_eq!(report.affected[0].versions, vec!["v2".to_string()]);
    assert_eq!(report.vex[0].status, VexStatus::UnderInvestigation);
    let report = outcomes[7].result.clone()?;
    assert_eq!(report.vex[0].status, VexStatus::UnderInvestigation);
    assert_eq!(report.vex[0].version.as_deref(), Some("2.0"));
    Ok(())
}

#[test]
fn bad_vulnerabilities_are_rejected_naming_the_field() {
    let outcomes = outcomes();
    assert_eq!(
        reason(&outcomes[3]),
        "vulnerabilities[3].affects[0].ref: no component with bom-ref `missing`"
    );
    assert_eq!(
        outcomes[3]
            .result
            .as_ref()
            .err()
            .and_then(|e| e.source_id.as_deref()),
        Some("CVE-2022-0003")
    );
    assert_eq!(
        reason(&outcomes[4]),
        "vulnerabilities[4].analysis.state: `maybe` is not a CycloneDX analysis state"
    );
    assert_eq!(
        reason(&outcomes[5]),
        "vulnerabilities[5].affects[0].versions[0].range: `>=1.0` is not a `vers:` range"
    );
    assert_eq!(
        reason(&outcomes[8]),
        "vulnerabilities[8].affects[0].ref: no component with bom-ref \
         `urn:cdx:11111111-2222-3333-4444-555555555555/1#gone`"
    );
    let bom =
        br#"{"bomFormat":"CycloneDX","components":[{"name":"x","bom-ref":"x"}],"vulnerabilities":[
        {"affects":[{"ref":"x","versions":[{"status":"unknown"}]}]},
        {"affects":[{"ref":"x","versions":[{"version":"1","status":"fixed"}]}]},
        {"cwes":[0]}, {"cwes":["CWE-79"]}]}"#;
    let outcomes = parse(bom).unwrap_or_default();
    assert_eq!(
        reason(&outcomes[0]),
        "vulnerabilities[0].affects[0].versions[0]: neither a version nor a range"
    );
    assert_eq!(
        reason(&outcomes[1]),
        "vulnerabilities[1].affects[0].versions[0].status: `fixed` is not affected, unaffected or unknown"
    );
    assert_eq!(
        reason(&outcomes[2]),
        "vulnerabilities[2].cwes[0]: CWE numbers start at 1"
    );
    assert!(
        reason(&outcomes[3]).starts_with("vulnerabilities[3].cwes[0]: invalid type"),
        "{}",
        reason(&outcomes[3])
    );
}

#[test]
fn sboms_without_vulnerabilities_have_no_records() -> Result<(), IntakeError> {
    let sbom = br#"{"bomFormat":"CycloneDX","specVersion":"1.4","components":[{"name":"x","bom-ref":"x"}]}"#;
    assert!(parse(sbom)?.is_empty());
    Ok(())
}

#[test]
fn documents_that_are_not_cyclonedx() {
    assert!(matches!(
        parse(br#"{"bomFormat":"SPDX","vulnerabilities":[]}"#),
        Err(IntakeError::Invalid { .. })
    ));
    assert!(matches!(
        parse(br#"{"vulnerabilities":[]}"#),
        Err(IntakeError::Invalid { .. })
    ));
    assert!(matches!(
        parse(br#"{"bomFormat":"CycloneDX","components":{}}"#),
        Err(IntakeError::Invalid { .. })
    ));
    assert!(matches!(
        parse(b"{\"bomFormat\""),
        Err(IntakeError::Json { .. })
    ));
}
