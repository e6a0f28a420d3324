use serde_json::{json, Value};

use super::*;
use crate::csaf::mandatory::fixtures::{base, merge};
use crate::model::{Affected, Product, RangeEvent, VexStatus};

/// A VEX document: ACME Widget 1.0 and 1.1 affected (a vendor fix in 1.2),
/// Gadget not affected, with CVSS, CWE, exploitation and references.
fn advisory() -> Value {
    let mut doc = base();
    let product = |id: &str, version: &str| {
        json!({"category": "product_version", "name": version, "product": {
            "name": format!("ACME Widget {version}"), "product_id": id,
            "product_identification_helper": {"purl": format!("pkg:npm/%40acme/widget@{version}")}}})
    };
    let patch = json!({
        "document": {
            "category": "csaf_vex",
            "aggregate_severity": {"text": "Important"},
            "distribution": {"tlp": {"label": "WHITE"}},
            "notes": [{"category": "summary", "text": "Document summary."}],
            "references": [{"category": "self", "summary": "This advisory",
                "url": "https://acme.example/advisories/ACME-2024-1.json"}],
            "tracking": {"id": "ACME-2024-1"}
        },
        "product_tree": {
            "branches": [{"category": "vendor", "name": "ACME", "branches": [
                {"category": "product_name", "name": "Widget", "branches": [
                    product("W10", "1.0"), product("W11", "1.1"), product("W12", "1.2")]}]}],
            "full_product_names": [{"name": "ACME Gadget", "product_id": "GADGET",
                "product_identification_helper": {"cpe": "cpe:2.3:a:acme:gadget:-:*:*:*:*:*:*:*"}}],
            "product_groups": [{"group_id": "OLD", "product_ids": ["W10", "W11"]}]
        },
        "vulnerabilities": [{
            "cve": "CVE-2024-0001",
            "ids": [{"system_name": "GitHub", "text": "GHSA-aaaa-bbbb-cccc"}],
            "title": "Prototype pollution in widget",
            "cwe": {"id": "CWE-1321", "name": "Improperly Controlled Modification of Object Prototype Attributes ('Prototype Pollution')"},
            "notes": [{"category": "description", "text": "Widget merges untrusted keys."},
                      {"category": "other", "text": "Ignored."}],
            "product_status": {"known_affected": ["W10", "W11"], "fixed": ["W12"],
                "known_not_affected": ["GADGET"]},
            "flags": [{"label": "vulnerable_code_not_present", "product_ids": ["GADGET"]}],
            "threats": [{"category": "impact", "details": "Gadget never ships widget.", "product_ids": ["GADGET"]},
                        {"category": "exploit_status", "details": "Exploited in the wild.",
                         "date": "2024-02-01T00:00:00Z"}],
            "remediations": [{"category": "vendor_fix", "details": "Update to 1.2.",
                "url": "https://acme.example/widget/1.2", "product_ids": ["W12"], "group_ids": ["OLD"]}],
            "scores": [{"products": ["W10", "W11"], "cvss_v3": {"version": "3.1",
                "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                "baseScore": 9.8, "baseSeverity": "CRITICAL"}}],
            "references": [{"summary": "Report", "url": "https://acme.example/bug/1"}],
            "release_date": "2024-01-15T12:00:00Z"
        }, {
            "notes": [{"category": "summary", "text": "Second issue."}],
            "ids": [{"system_name": "ACME", "text": "ACME-BUG-2"}],
            "product_status": {"under_investigation": ["GADGET"]}
        }]
    });
    merge(&mut doc, &patch);
    doc
}

fn widget() -> Product {
    Product {
        purl: Some("pkg:npm/%40acme/widget".into()),
        ecosystem: Some("npm".into()),
        vendor: Some("ACME".into()),
        name: "Widget".into(),
        ..Product::default()
    }
}

fn read_advisory() -> Result<CsafIntake, Box<dyn std::error::Error>> {
    Ok(read(&serde_json::to_vec(&advisory())?)?)
}

fn first_report() -> Result<Report, Box<dyn std::error::Error>> {
    let intake = read_advisory()?;
    Ok(intake.records[0].result.clone()?)
}

#[test]
fn a_valid_document_yields_one_report_per_vulnerability() -> Result<(), Box<dyn std::error::Error>>
{
    let intake = read_advisory()?;
    assert_eq!(intake.tlp, Some(Tlp::Clear));
    assert_eq!(intake.records.len(), 2);
    let second = intake.records[1].result.clone()?;
    assert_eq!(intake.records[1].index, 1);
    assert_eq!(second.source_id.as_deref(), Some("ACME-2024-1#1"));
    assert_eq!(second.title.as_deref(), Some("Test document"));
    assert_eq!(second.description, "Second issue.");
    assert_eq!(second.vex[0].status, VexStatus::UnderInvestigation);
    assert!(second.affected.is_empty());
    // The same through the intake entry point.
    let bytes = serde_json::to_vec(&advisory())?;
    let records = crate::intake::parse(SourceFormat::Csaf, &bytes)?;
    assert_eq!(records.len(), 2);
    Ok(())
}

#[test]
fn identity_text_and_severity_are_extracted() -> Result<(), Box<dyn std::error::Error>> {
    let first = first_report()?;
    assert_eq!(
        first.source_id.as_deref(),
        Some("ACME-2024-1#CVE-2024-0001")
    );
    assert_eq!(first.aliases, ["CVE-2024-0001", "GHSA-aaaa-bbbb-cccc"]);
    assert_eq!(
        first.title.as_deref(),
        Some("Prototype pollution in widget")
    );
    assert_eq!(first.description, "Widget merges untrusted keys.");
    assert_eq!(first.cwes, [1321]);
    assert_eq!(
        first.severities,
        [
            Severity::CvssV3 {
                vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()
            },
            Severity::Qualitative {
                rating: "important".into()
            },
        ]
    );
    assert_eq!(
        first.published.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-01-15T12:00:00+00:00")
    );
    assert_eq!(
        first.modified.map(|t| t.to_rfc3339()).as_deref(),
        Some("2024-01-02T00:00:00+00:00")
    );
    Ok(())
}

#[test]
fn products_and_vex_statements_are_resolved() -> Result<(), Box<dyn std::error::Error>> {
    let first = first_report()?;
    assert_eq!(
        first.affected,
        [Affected {
            product: widget(),
            versions: vec!["1.0".into(), "1.1".into()],
            ..Affected::default()
        }]
    );
    let not_affected = first
        .vex
        .iter()
        .find(|s| s.status == VexStatus::NotAffected);
    let not_affected = not_affected.ok_or("no not-affected statement")?;
    assert_eq!(
        not_affected.product.cpe.as_deref(),
        Some("cpe:2.3:a:acme:gadget:-:*:*:*:*:*:*:*")
    );
    assert_eq!(
        not_affected.justification.as_deref(),
        Some("vulnerable_code_not_present")
    );
    assert_eq!(
        not_affected.detail.as_deref(),
        Some("Gadget never ships widget.")
    );
    let fixed = first
        .vex
        .iter()
        .find(|s| s.status == VexStatus::Fixed)
        .ok_or("no fixed")?;
    assert_eq!(
        (fixed.product.clone(), fixed.version.as_deref()),
        (widget(), Some("1.2"))
    );
    assert_eq!(first.vex.len(), 4);
    Ok(())
}

#[test]
fn remediations_exploitation_and_references() -> Result<(), Box<dyn std::error::Error>> {
    let first = first_report()?;
    let fix = first
        .remediations
        .iter()
        .find(|r| r.fixed_version.is_some())
        .ok_or("no fix")?;
    assert_eq!(fix.kind, RemediationKind::VendorFix);
    assert_eq!(fix.fixed_version.as_deref(), Some("1.2"));
    assert_eq!(fix.url.as_deref(), Some("https://acme.example/widget/1.2"));
    // W12, W10 and W11 are one product identity: one entry per distinct fix.
    assert_eq!(first.remediations.len(), 2);
    let exploitation = first.exploitation.clone().ok_or("no exploitation")?;
    assert_eq!(exploitation.note.as_deref(), Some("Exploited in the wild."));
    assert_eq!(
        exploitation.date_added.map(|d| d.to_string()).as_deref(),
        Some("2024-02-01")
    );
    let urls: Vec<(&str, Option<&str>)> = first
        .references
        .iter()
        .map(|r| (r.url.as_str(), r.kind.as_deref()))
        .collect();
    assert_eq!(
        urls,
        [
            ("https://acme.example/bug/1", Some("web")),
            (
                "https://acme.example/advisories/ACME-2024-1.json",
                Some("advisory")
            ),
        ]
    );
    Ok(())
}

#[test]
fn ranges_come_from_first_and_last_affected() {
    let mut doc = advisory();
    merge(
        &mut doc,
        &json!({"vulnerabilities": [{"product_status": {"known_affected": null,
            "first_affected": ["W10"], "known_not_affected": ["GADGET"], "fixed": ["W12"]}}]}),
    );
    let parsed: Result<CsafDocument, _> = serde_json::from_value(doc);
    let reports = parsed.map(|d| reports(&d)).unwrap_or_default();
    let ranges = &reports[0].affected[0].ranges;
    assert_eq!(
        ranges[0].events,
        [
            RangeEvent::Introduced("1.0".into()),
            RangeEvent::Fixed("1.2".into())
        ]
    );
}

#[test]
fn an_invalid_document_is_refused_whole_with_every_reason() -> Result<(), serde_json::Error> {
    let mut doc = advisory();
    merge(
        &mut doc,
        &json!({"vulnerabilities": [{"product_status": {"known_affected": ["W10", "NOPE"]}}],
            "document": {"tracking": {"version": "2"}}}),
    );
    match parse(&serde_json::to_vec(&doc)?) {
        Err(IntakeError::Invalid { reasons }) => {
            assert!(
                reasons
                    .iter()
                    .any(|r| r.starts_with("6.1.1 ") && r.contains("NOPE")),
                "{reasons:?}"
            );
            assert!(
                reasons.iter().any(|r| r.starts_with("6.1.16 ")),
                "{reasons:?}"
            );
        }
        other => panic!("expected Invalid, got {other:?}"),
    }
    assert!(matches!(parse(b"{not json"), Err(IntakeError::Json { .. })));
    assert!(matches!(
        parse(br#"{"document": {}}"#),
        Err(IntakeError::Invalid { .. })
    ));
    Ok(())
}
