//! OSV records and CVE JSON 5 records.

use serde_json::json;

use super::super::*;
use super::*;
use crate::model::{Product, Tlp};

#[test]
fn osv_record_maps_packages_ranges_and_tlp() -> TestResult {
    let record = to_osv(&advisory())?;
    assert_eq!(record["schema_version"], OSV_SCHEMA_VERSION);
    assert_eq!(record["id"], "x_BWK-2026-000123");
    assert_eq!(
        record["aliases"],
        json!(["CVE-2026-12345", "GHSA-abcd-efgh-ijkl"])
    );
    assert_eq!(record["modified"], "2026-03-15T08:30:00Z");
    assert_eq!(record["published"], "2026-03-01T12:00:00Z");
    assert_eq!(
        record["severity"],
        json!([{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H"}])
    );
    assert_eq!(
        record["affected"][0],
        json!({
            "package": {"ecosystem": "crates.io", "name": "framewerk", "purl": "pkg:cargo/framewerk"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"fixed": "1.4.2"}]}],
        })
    );
    assert_eq!(record["affected"][1]["package"]["ecosystem"], "PyPI");
    assert_eq!(record["affected"][1]["ranges"][0]["type"], "ECOSYSTEM");
    assert_eq!(record["references"][0]["type"], "ADVISORY");
    assert_eq!(record["references"][1]["type"], "FIX");
    assert_eq!(record["database_specific"]["cwe_ids"], json!(["CWE-787"]));
    assert_eq!(record["database_specific"]["tlp"], "AMBER");
    Ok(())
}

#[test]
fn osv_names_packages_per_ecosystem_and_keeps_unmapped_products() -> TestResult {
    let mut advisory = advisory();
    advisory.affected[0].product = Product {
        purl: Some("pkg:maven/org.example/framewerk-core".into()),
        name: "framewerk-core".into(),
        ..Product::default()
    };
    advisory.affected[1].product = Product {
        cpe: Some("cpe:2.3:a:example:appliance:*:*:*:*:*:*:*:*".into()),
        vendor: Some("Example".into()),
        name: "Appliance".into(),
        ..Product::default()
    };
    let record = to_osv(&advisory)?;
    assert_eq!(record["affected"][0]["package"]["ecosystem"], "Maven");
    assert_eq!(
        record["affected"][0]["package"]["name"],
        "org.example:framewerk-core"
    );
    assert_eq!(record["affected"].as_array().map(Vec::len), Some(1));
    assert_eq!(
        record["database_specific"]["other_affected"][0]["name"],
        "Appliance"
    );
    assert_eq!(osv_id("GHSA-abcd-efgh-ijkl"), "GHSA-abcd-efgh-ijkl");
    Ok(())
}

#[test]
fn cve5_record_needs_a_cve_and_tlp_clear() -> TestResult {
    let amber = to_cve5_cna(&advisory(), &cna()?);
    assert!(matches!(
        amber,
        Err(ExportError::NotPublic { tlp: "AMBER", .. })
    ));
    let mut no_cve = advisory();
    no_cve.tlp = Tlp::Clear;
    no_cve.aliases.retain(|a| !a.starts_with("CVE-"));
    let err = to_cve5_cna(&no_cve, &cna()?).err();
    assert!(
        matches!(err, Some(ExportError::MissingCve { ref advisory }) if advisory == "BWK-2026-000123")
    );
    assert!(CnaOrg::new("not-a-uuid", "bulwark").is_err());
    assert!(
        CnaOrg::new("b3476cb9-2e3d-51a6-98d0-0f47421a65b6", "bulwark").is_err(),
        "v5 is not v4"
    );
    Ok(())
}

#[test]
fn cve5_record_maps_affected_versions_metrics_and_problem_types() -> TestResult {
    let mut clear = advisory();
    clear.tlp = Tlp::Clear;
    let record = to_cve5_cna(&clear, &cna()?)?;
    assert_eq!(record["dataType"], "CVE_RECORD");
    assert_eq!(record["dataVersion"], "5.1");
    assert_eq!(record["cveMetadata"]["cveId"], "CVE-2026-12345");
    assert_eq!(record["cveMetadata"]["state"], "PUBLISHED");
    let cna = &record["containers"]["cna"];
    assert_eq!(
        cna["providerMetadata"]["orgId"],
        "b3476cb9-2e3d-41a6-98d0-0f47421a65b6"
    );
    assert_eq!(
        cna["affected"][0],
        json!({
            "vendor": "N/A",
            "product": "framewerk",
            "collectionURL": "https://crates.io",
            "packageName": "framewerk",
            "versions": [{"version": "1.0.0", "status": "affected", "versionType": "semver", "lessThan": "1.4.2"}],
            "defaultStatus": "unaffected",
        })
    );
    assert_eq!(cna["affected"][1]["versions"][0]["versionType"], "python");
    assert_eq!(cna["affected"][1]["versions"][0]["version"], "0");
    assert_eq!(cna["affected"][2]["packageName"], "framewerk-js");
    assert_eq!(
        cna["affected"][2]["versions"],
        json!([{"version": "3.0.0", "status": "unaffected"}])
    );
    assert_eq!(cna["affected"][2]["defaultStatus"], "unknown");
    assert_eq!(cna["metrics"][0]["cvssV3_1"]["baseScore"], 8.8);
    assert_eq!(cna["metrics"][0]["cvssV3_1"]["baseSeverity"], "HIGH");
    assert_eq!(
        cna["problemTypes"][0]["descriptions"][0]["cweId"],
        "CWE-787"
    );
    assert_eq!(cna["references"][1]["tags"], json!(["patch"]));
    assert_eq!(
        cna["solutions"][0]["value"],
        "Upgrade framewerk to 1.4.2 or later."
    );
    Ok(())
}

#[test]
fn cve5_generator_keeps_its_x_prefix() -> TestResult {
    let mut clear = advisory();
    clear.tlp = Tlp::Clear;
    let record = to_cve5_cna(&clear, &cna()?)?;
    assert!(record["containers"]["cna"]["x_generator"]["engine"]
        .as_str()
        .is_some_and(|e| e.starts_with("Bulwark ")));
    Ok(())
}
