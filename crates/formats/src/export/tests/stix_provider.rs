//! STIX bundles, determinism across formats, and the CSAF provider directory.

use serde_json::{json, Value};

use super::super::*;
use super::*;
use crate::model::Tlp;

#[test]
fn stix_bundle_marks_every_object_and_links_them() -> TestResult {
    let bundle = to_stix_bundle(&[advisory()], &publisher())?;
    assert_eq!(bundle["type"], "bundle");
    let objects = bundle["objects"].as_array().cloned().unwrap_or_default();
    let types: Vec<&str> = objects.iter().filter_map(|o| o["type"].as_str()).collect();
    assert_eq!(
        types,
        [
            "identity",
            "marking-definition",
            "vulnerability",
            "course-of-action",
            "relationship",
            "indicator",
            "relationship"
        ]
    );
    assert_eq!(objects[1], tlp_marking_definition(Tlp::Amber));
    for object in objects.iter().filter(|o| o["type"] != "marking-definition") {
        assert_eq!(object["object_marking_refs"], json!([AMBER]), "{object}");
        assert_eq!(object["spec_version"], "2.1");
    }
    let vulnerability = &objects[2];
    assert_eq!(vulnerability["name"], "CVE-2026-12345");
    assert_eq!(vulnerability["created"], "2026-03-01T12:00:00.000Z");
    assert_eq!(vulnerability["modified"], "2026-03-15T08:30:00.000Z");
    assert_eq!(vulnerability["created_by_ref"], objects[0]["id"]);
    let refs = &vulnerability["external_references"];
    assert_eq!(
        refs[1],
        json!({"source_name": "cve", "external_id": "CVE-2026-12345"})
    );
    assert_eq!(
        refs[3],
        json!({"source_name": "cwe", "external_id": "CWE-787"})
    );
    let (coa, mitigates, indicator, related) = (&objects[3], &objects[4], &objects[5], &objects[6]);
    assert_eq!(coa["name"], "Vendor fix for framewerk: update to 1.4.2");
    assert_eq!(mitigates["relationship_type"], "mitigates");
    assert_eq!(mitigates["source_ref"], coa["id"]);
    assert_eq!(mitigates["target_ref"], vulnerability["id"]);
    assert_eq!(indicator["pattern_type"], "stix");
    assert_eq!(indicator["valid_from"], "2026-03-01T12:00:00.000Z");
    assert_eq!(related["relationship_type"], "related-to");
    assert_eq!(related["target_ref"], vulnerability["id"]);
    assert_eq!(related["source_ref"], indicator["id"]);
    Ok(())
}

#[test]
fn stix_ids_are_stable_uuidv5_across_exports_and_revisions() -> TestResult {
    let first = to_stix_bundle(&[advisory()], &publisher())?;
    let again = to_stix_bundle(&[advisory()], &publisher())?;
    assert_eq!(serde_json::to_vec(&first)?, serde_json::to_vec(&again)?);
    let vulnerability_id = first["objects"][2]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let uuid = uuid::Uuid::parse_str(vulnerability_id.trim_start_matches("vulnerability--"))?;
    assert_eq!(uuid.get_version_num(), 5);
    let mut revised = advisory();
    revised.revision = 3;
    revised.modified = at(2026, 4, 1, 0, 0, 0);
    let later = to_stix_bundle(&[revised], &publisher())?;
    assert_eq!(
        later["objects"][2]["id"], first["objects"][2]["id"],
        "a revision is a new version, same id"
    );
    assert_eq!(later["objects"][2]["modified"], "2026-04-01T00:00:00.000Z");
    assert_ne!(later["id"], first["id"], "a different bundle");
    Ok(())
}

#[test]
fn stix_bundle_includes_each_used_marking_once() -> TestResult {
    let mut clear = advisory();
    clear.id = "BWK-2026-000124".into();
    clear.tlp = Tlp::Clear;
    let bundle = to_stix_bundle(&[advisory(), clear, advisory()], &publisher())?;
    let objects = bundle["objects"].as_array().cloned().unwrap_or_default();
    let markings: Vec<&Value> = objects
        .iter()
        .filter(|o| o["type"] == "marking-definition")
        .map(|o| &o["id"])
        .collect();
    assert_eq!(
        markings,
        [&json!(tlp_marking_id(Tlp::Clear)), &json!(AMBER)]
    );
    assert_eq!(
        objects[0]["object_marking_refs"],
        json!([tlp_marking_id(Tlp::Clear)]),
        "identity gets the least TLP"
    );
    let empty = to_stix_bundle(&[], &publisher())?;
    assert_eq!(empty.get("objects"), None);
    Ok(())
}

#[test]
fn every_export_is_byte_for_byte_deterministic() -> TestResult {
    let mut clear = advisory();
    clear.tlp = Tlp::Clear;
    let now = at(2026, 5, 1, 0, 0, 0);
    let twice = || -> Result<Vec<Vec<u8>>, Box<dyn std::error::Error>> {
        let mut out = vec![
            serde_json::to_vec(&to_csaf(&advisory())?)?,
            serde_json::to_vec(&to_osv(&advisory())?)?,
            serde_json::to_vec(&to_cve5_cna(&clear, &cna()?)?)?,
            serde_json::to_vec(&to_stix_bundle(&[advisory()], &publisher())?)?,
        ];
        out.extend(
            csaf_provider_layout(
                &[advisory()],
                "https://bulwark.example/.well-known/csaf",
                now,
            )?
            .into_iter()
            .map(|f| f.bytes),
        );
        Ok(out)
    };
    assert_eq!(twice()?, twice()?);
    Ok(())
}

#[test]
fn provider_layout_has_metadata_documents_hashes_index_and_changes() -> TestResult {
    let mut older = advisory();
    older.id = "BWK-2025-000007".into();
    older.published = at(2025, 11, 2, 9, 0, 0);
    older.modified = at(2025, 11, 3, 9, 0, 0);
    let now = at(2026, 5, 1, 0, 0, 0);
    let files = csaf_provider_layout(
        &[older, advisory()],
        "https://bulwark.example/.well-known/csaf/",
        now,
    )?;
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "provider-metadata.json",
            "amber/2025/bwk-2025-000007.json",
            "amber/2025/bwk-2025-000007.json.sha256",
            "amber/2025/bwk-2025-000007.json.sha512",
            "amber/2026/bwk-2026-000123.json",
            "amber/2026/bwk-2026-000123.json.sha256",
            "amber/2026/bwk-2026-000123.json.sha512",
            "amber/index.txt",
            "amber/changes.csv",
        ]
    );
    let text = |i: usize| String::from_utf8_lossy(&files[i].bytes).into_owned();
    let metadata: Value = serde_json::from_slice(&files[0].bytes)?;
    assert_eq!(
        metadata["canonical_url"],
        "https://bulwark.example/.well-known/csaf/provider-metadata.json"
    );
    assert_eq!(
        metadata["distributions"],
        json!([{"directory_url": "https://bulwark.example/.well-known/csaf/amber/"}])
    );
    assert_eq!(metadata["role"], "csaf_provider");
    assert_eq!(metadata["last_updated"], "2026-05-01T00:00:00Z");
    use sha2::{Digest, Sha256};
    let digest = hex::encode(Sha256::digest(&files[4].bytes));
    assert_eq!(text(5), format!("{digest}  bwk-2026-000123.json\n"));
    assert!(text(6).ends_with("  bwk-2026-000123.json\n") && text(6).len() == 128 + 2 + 20 + 1);
    assert_eq!(
        text(7),
        "2025/bwk-2025-000007.json\n2026/bwk-2026-000123.json\n"
    );
    assert_eq!(
        text(8),
        "\"2026/bwk-2026-000123.json\",\"2026-03-15T08:30:00Z\"\n\"2025/bwk-2025-000007.json\",\"2025-11-03T09:00:00Z\"\n"
    );
    let document: Value = serde_json::from_slice(&files[4].bytes)?;
    let canonical = "https://bulwark.example/.well-known/csaf/amber/2026/bwk-2026-000123.json";
    assert_eq!(
        document,
        to_csaf_with_canonical_url(&advisory(), canonical)?
    );
    assert_eq!(
        document["document"]["references"][0],
        json!({"category": "self", "summary": "Canonical URL", "url": canonical})
    );
    Ok(())
}

#[test]
fn provider_layout_refuses_what_csaf_forbids() {
    let now = at(2026, 5, 1, 0, 0, 0);
    let message = |result: Result<Vec<ProviderFile>, ExportError>| {
        result.err().map(|e| e.to_string()).unwrap_or_default()
    };
    assert_eq!(
        message(csaf_provider_layout(&[advisory()], "http://insecure.example", now)),
        "CSAF provider: base URL \"http://insecure.example\" must be an https:// URL (CSAF requirement 3)"
    );
    assert_eq!(
        message(csaf_provider_layout(&[], "https://bulwark.example", now)),
        "CSAF provider: needs at least one advisory"
    );
    assert_eq!(
        message(csaf_provider_layout(&[advisory(), advisory()], "https://bulwark.example", now)),
        "advisory BWK-2026-000123: CSAF provider: two advisories map to amber/2026/bwk-2026-000123.json"
    );
    assert_eq!(
        csaf_filename("Example Company - 2019-YH3234"),
        "example_company_-_2019-yh3234.json"
    );
    assert_eq!(csaf_filename("RHBA-2019:0024"), "rhba-2019_0024.json");
}
