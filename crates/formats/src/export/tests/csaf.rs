//! CSAF 2.0 documents.

use serde_json::{json, Value};

use super::super::*;
use super::*;
use crate::model::{Advisory, Affected, Product, Severity, Tlp, VexStatement, VexStatus};

#[test]
fn csaf_document_carries_products_statuses_and_scores() -> TestResult {
    let doc = to_csaf(&advisory())?;
    let document = &doc["document"];
    assert_eq!(document["category"], "csaf_vex");
    assert_eq!(document["csaf_version"], "2.0");
    assert_eq!(
        document["distribution"]["tlp"],
        json!({"label": "AMBER", "url": "https://www.first.org/tlp/"})
    );
    assert_eq!(document["publisher"]["category"], "coordinator");
    let tracking = &document["tracking"];
    assert_eq!(tracking["id"], "BWK-2026-000123");
    assert_eq!(tracking["version"], "2");
    assert_eq!(tracking["status"], "final");
    assert_eq!(tracking["initial_release_date"], "2026-03-01T12:00:00Z");
    assert_eq!(tracking["current_release_date"], "2026-03-15T08:30:00Z");
    let numbers: Vec<&Value> = tracking["revision_history"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|r| &r["number"])
        .collect();
    assert_eq!(numbers, [&json!("1"), &json!("2")]);
    assert_eq!(document["aggregate_severity"]["text"], "High");

    let cargo = &doc["product_tree"]["branches"][0];
    assert_eq!(cargo["category"], "vendor");
    assert_eq!(cargo["name"], "crates.io");
    let versions = &cargo["branches"][0]["branches"];
    assert_eq!(versions[0]["category"], "product_version_range");
    assert_eq!(versions[0]["name"], "vers:cargo/>=1.0.0|<1.4.2");
    assert_eq!(versions[0]["product"]["product_id"], "CSAFPID-0001");
    assert_eq!(versions[1]["name"], "1.4.2");
    assert_eq!(
        versions[1]["product"]["product_identification_helper"]["purl"],
        "pkg:cargo/framewerk@1.4.2"
    );
    let pypi = &doc["product_tree"]["branches"][1]["branches"][0]["branches"][0];
    assert_eq!(pypi["name"], "vers:pypi/<2.3.1");

    let vulnerability = &doc["vulnerabilities"][0];
    assert_eq!(vulnerability["cve"], "CVE-2026-12345");
    assert_eq!(
        vulnerability["cwe"],
        json!({"id": "CWE-787", "name": "Out-of-bounds Write"})
    );
    assert_eq!(
        vulnerability["product_status"],
        json!({
            "fixed": ["CSAFPID-0002", "CSAFPID-0004"],
            "known_affected": ["CSAFPID-0001", "CSAFPID-0003"],
            "known_not_affected": ["CSAFPID-0005"],
        })
    );
    assert_eq!(
        vulnerability["flags"],
        json!([{"label": "vulnerable_code_not_present", "product_ids": ["CSAFPID-0005"]}])
    );
    let remediations = &vulnerability["remediations"];
    assert_eq!(remediations[0]["category"], "vendor_fix");
    assert_eq!(remediations[0]["product_ids"], json!(["CSAFPID-0001"]));
    assert_eq!(
        remediations[0]["url"],
        "https://github.com/example/framewerk/releases/tag/v1.4.2"
    );
    // The VEX profile wants an action statement for every affected product.
    assert_eq!(remediations[1]["category"], "none_available");
    assert_eq!(remediations[1]["product_ids"], json!(["CSAFPID-0003"]));
    assert_eq!(
        vulnerability["scores"],
        json!([{
            "cvss_v3": {
                "version": "3.1",
                "vectorString": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H",
                "baseScore": 8.8,
                "baseSeverity": "HIGH",
            },
            "products": ["CSAFPID-0001", "CSAFPID-0003"],
        }])
    );
    let ids: Vec<&Value> = vulnerability["ids"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|i| &i["text"])
        .collect();
    assert_eq!(
        ids,
        [&json!("BWK-2026-000123"), &json!("GHSA-abcd-efgh-ijkl")]
    );
    Ok(())
}

#[test]
fn csaf_maps_tlp_clear_to_white_and_amber_strict_to_amber() -> TestResult {
    let mut clear = advisory();
    clear.tlp = Tlp::Clear;
    assert_eq!(
        to_csaf(&clear)?["document"]["distribution"]["tlp"]["label"],
        "WHITE"
    );
    let mut strict = advisory();
    strict.tlp = Tlp::AmberStrict;
    let distribution = &to_csaf(&strict)?["document"]["distribution"];
    assert_eq!(distribution["tlp"]["label"], "AMBER");
    assert!(distribution["text"]
        .as_str()
        .is_some_and(|t| t.starts_with("TLP:AMBER+STRICT")));
    Ok(())
}

#[test]
fn csaf_without_vex_is_a_security_advisory() -> TestResult {
    let mut plain = advisory();
    plain.vex.clear();
    let doc = to_csaf(&plain)?;
    assert_eq!(doc["document"]["category"], "csaf_security_advisory");
    // No action statement is invented outside the VEX profile.
    assert_eq!(
        doc["vulnerabilities"][0]["remediations"]
            .as_array()
            .map(Vec::len),
        Some(1)
    );
    Ok(())
}

#[test]
fn csaf_refuses_advisories_without_products_or_with_bad_vectors() {
    let mut empty = advisory();
    empty.affected.clear();
    empty.vex.clear();
    assert!(matches!(to_csaf(&empty), Err(ExportError::Missing { .. })));
    let mut bad = advisory();
    bad.severities = vec![Severity::CvssV3 {
        vector: "CVSS:3.1/AV:X".into(),
    }];
    let err = to_csaf(&bad)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("BWK-2026-000123") && err.contains("CVSS:3.1/AV:X"),
        "{err}"
    );
}

/// Variants of the fixture that exercise the other CSAF paths: no VEX, TLP
/// levels, all-versions products, listed versions, exploitation, CVSS 3.0,
/// unmapped justifications, products without purl.
fn csaf_variants() -> Vec<Advisory> {
    let mut plain = advisory();
    plain.vex.clear();
    plain.tlp = Tlp::Clear;
    let mut rich = advisory();
    rich.id = "BWK-2026-000200".into();
    rich.revision = 4;
    rich.tlp = Tlp::AmberStrict;
    rich.severities = vec![Severity::CvssV3 {
        vector: "CVSS:3.0/AV:L/AC:H/PR:L/UI:N/S:C/C:L/I:N/A:N".into(),
    }];
    rich.affected[1].all_versions = true;
    rich.affected[1].versions = vec!["2.0.0".into(), "2.1.0".into()];
    rich.affected.push(Affected {
        product: Product {
            cpe: Some("cpe:2.3:a:example:appliance:4.2:*:*:*:*:*:*:*".into()),
            vendor: Some("Example".into()),
            name: "Appliance".into(),
            ..Product::default()
        },
        versions: vec!["4.2".into()],
        ..Affected::default()
    });
    rich.vex.push(VexStatement {
        product: package("pkg:gem/framewerk", "RubyGems", "framewerk"),
        version: None,
        status: VexStatus::NotAffected,
        justification: Some("requires_configuration".into()),
        detail: Some("The parser is disabled by default.".into()),
    });
    rich.exploitation = Some(crate::model::Exploitation {
        kev: true,
        date_added: chrono::NaiveDate::from_ymd_opt(2026, 3, 10),
        note: Some("Seen in targeted attacks.".into()),
        ..Default::default()
    });
    rich.cwes = vec![99_999, 79];
    vec![advisory(), plain, rich]
}

#[test]
fn csaf_exports_pass_the_schema_checks_and_mandatory_tests() -> TestResult {
    for advisory in csaf_variants() {
        let bytes = serde_json::to_vec(&to_csaf(&advisory)?)?;
        match crate::csaf::validate_bytes(&bytes) {
            Ok(_) => {}
            Err(findings) => panic!("{}: {findings:#?}", advisory.id),
        }
    }
    Ok(())
}
