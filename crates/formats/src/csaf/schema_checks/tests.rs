use serde_json::{json, Value};

use super::check;
use crate::csaf::mandatory::fixtures::doc;

fn paths(patch: Value) -> Vec<String> {
    check(&doc(patch)).into_iter().map(|f| f.path).collect()
}

#[test]
fn the_base_fixture_passes() {
    assert_eq!(paths(json!({})), Vec::<String>::new());
}

#[test]
fn document_level_rules() {
    assert_eq!(
        paths(json!({"document": {"csaf_version": "2.1"}})),
        ["/document/csaf_version"]
    );
    assert_eq!(
        paths(json!({"document": {"category": " csaf_base"}})),
        ["/document/category"]
    );
    assert_eq!(
        paths(json!({"document": {"title": ""}})),
        ["/document/title"]
    );
    assert_eq!(
        paths(json!({"document": {"lang": "en_US"}})),
        ["/document/lang"]
    );
    assert_eq!(
        paths(json!({"document": {"publisher": {"namespace": "example.com"}}})),
        ["/document/publisher/namespace"]
    );
    assert_eq!(
        paths(json!({"document": {"tracking": {"current_release_date": "2024-01-02"}}})),
        ["/document/tracking/current_release_date"]
    );
    assert_eq!(
        paths(json!({"document": {"tracking": {"version": "1.0"}}})),
        ["/document/tracking/version"]
    );
    assert_eq!(
        paths(json!({"document": {"notes": []}})),
        ["/document/notes"]
    );
    assert_eq!(
        paths(json!({"document": {"tracking": {"aliases": ["A", "A"]}}})),
        ["/document/tracking/aliases/1"]
    );
    assert_eq!(
        paths(json!({"document": {"distribution": {}}})),
        ["/document/distribution"]
    );
    assert_eq!(
        paths(json!({"document": {"acknowledgments": [{}]}})),
        ["/document/acknowledgments/0"]
    );
}

#[test]
fn product_tree_rules() {
    let branch = json!({"product_tree": {"branches": [{"category": "vendor", "name": "V"}]}});
    assert_eq!(paths(branch), ["/product_tree/branches/0"]);
    let both = json!({"product_tree": {"branches": [{"category": "vendor", "name": "V",
        "product": {"name": "P", "product_id": "X"},
        "branches": [{"category": "product_name", "name": "N",
            "product": {"name": "Q", "product_id": "Y"}}]}]}});
    assert_eq!(paths(both), ["/product_tree/branches/0"]);
    let helper = |h: Value| {
        json!({"product_tree": {"full_product_names": [{"name": "P", "product_id": "X",
            "product_identification_helper": h}]}})
    };
    let base = "/product_tree/full_product_names/0/product_identification_helper";
    assert_eq!(paths(helper(json!({}))), [base]);
    assert_eq!(
        paths(helper(json!({"purl": "npm/x"}))),
        [format!("{base}/purl")]
    );
    assert_eq!(
        paths(helper(json!({"cpe": "cpe:2.3:a:x"}))),
        [format!("{base}/cpe")]
    );
    let hash = json!({"hashes": [{"filename": "f", "file_hashes": [{"algorithm": "md5", "value": "abc"}]}]});
    assert_eq!(
        paths(helper(hash)),
        [format!("{base}/hashes/0/file_hashes/0/value")]
    );
    let group = json!({"product_tree": {"product_groups": [{"group_id": "G", "product_ids": ["CSAFPID-1"]}]}});
    assert_eq!(paths(group), ["/product_tree/product_groups/0/product_ids"]);
    assert_eq!(
        paths(json!({"product_tree": {"full_product_names": null}})),
        ["/product_tree"]
    );
}

#[test]
fn vulnerability_rules() {
    assert_eq!(paths(json!({"vulnerabilities": []})), ["/vulnerabilities"]);
    assert_eq!(
        paths(json!({"vulnerabilities": [{}]})),
        ["/vulnerabilities/0"]
    );
    assert_eq!(
        paths(json!({"vulnerabilities": [{"cve": "CVE-21-1"}]})),
        ["/vulnerabilities/0/cve"]
    );
    assert_eq!(
        paths(json!({"vulnerabilities": [{"cwe": {"id": "79", "name": "x"}}]})),
        ["/vulnerabilities/0/cwe/id"]
    );
    assert_eq!(
        paths(json!({"vulnerabilities": [{"product_status": {"fixed": ["A", "A"]}}]})),
        ["/vulnerabilities/0/product_status/fixed/1"]
    );
    assert_eq!(
        paths(json!({"vulnerabilities": [{"product_status": {}}]})),
        ["/vulnerabilities/0/product_status"]
    );
    assert_eq!(
        paths(json!({"vulnerabilities": [{"scores": [{"products": ["A"]}]}]})),
        ["/vulnerabilities/0/scores/0"]
    );
    let flag = json!({"label": "component_not_present", "product_ids": ["A"]});
    assert_eq!(
        paths(json!({"vulnerabilities": [{"flags": [flag.clone(), flag]}]})),
        ["/vulnerabilities/0/flags/1"]
    );
    assert_eq!(
        paths(
            json!({"vulnerabilities": [{"remediations": [{"category": "workaround",
            "details": "x", "url": "not a url"}]}]})
        ),
        ["/vulnerabilities/0/remediations/0/url"]
    );
}
