//! Tests on each vulnerability's product statements: 6.1.6, 6.1.7, 6.1.23,
//! 6.1.24, 6.1.29, 6.1.32 and 6.1.33.

use std::collections::{BTreeSet, HashMap, HashSet};

use crate::csaf::document::CsafDocument;
use crate::csaf::finding::Finding;
use crate::csaf::products::{expand, group_members};

/// 6.1.6 Contradicting Product Status: the affected, not affected, fixed
/// and under-investigation sets of one vulnerability are pairwise disjoint.
pub(crate) fn contradicting_product_status(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let Some(status) = &vuln.product_status else {
            continue;
        };
        // Product id → (contradiction group, first list naming it).
        let mut seen: HashMap<&str, (&str, &str)> = HashMap::new();
        for (list, ids) in status.lists() {
            let Some(group) = contradiction_group(list) else {
                continue;
            };
            for (i, id) in ids.iter().enumerate() {
                match seen.get(id.as_str()) {
                    Some((other, other_list)) if *other != group => out.push(Finding::new(
                        "6.1.6",
                        format!("/vulnerabilities/{v}/product_status/{list}/{i}"),
                        format!("product {id} is both {group} ({list}) and {other} ({other_list})"),
                    )),
                    Some(_) => {}
                    None => {
                        seen.insert(id, (group, list));
                    }
                }
            }
        }
    }
    out
}

/// The contradiction group of a product status list; `recommended` is in
/// none.
fn contradiction_group(list: &str) -> Option<&'static str> {
    match list {
        "first_affected" | "known_affected" | "last_affected" => Some("affected"),
        "known_not_affected" => Some("not affected"),
        "first_fixed" | "fixed" => Some("fixed"),
        "under_investigation" => Some("under investigation"),
        _ => None,
    }
}

/// 6.1.7 Multiple Scores with same Version per Product.
pub(crate) fn multiple_scores_per_product(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let mut seen: HashMap<(&str, String), usize> = HashMap::new();
        for (s, score) in vuln.score_list().iter().enumerate() {
            let mut versions = Vec::new();
            if score.cvss_v2.is_some() {
                versions.push("2.0".to_owned());
            }
            if let Some(v3) = &score.cvss_v3 {
                versions.push(cvss_v3_version(v3));
            }
            for (p, product) in score.products.iter().enumerate() {
                for version in &versions {
                    let key = (product.as_str(), version.clone());
                    if let Some(first) = seen.get(&key) {
                        out.push(Finding::new(
                            "6.1.7",
                            format!("/vulnerabilities/{v}/scores/{s}/products/{p}"),
                            format!(
                                "product {product} already has a CVSS {version} score in scores/{first}"
                            ),
                        ));
                    } else {
                        seen.insert(key, s);
                    }
                }
            }
        }
    }
    out
}

/// The CVSS version of a v3 object: its `version`, else the vector's prefix.
fn cvss_v3_version(v3: &crate::csaf::vulnerability::CvssV3Object) -> String {
    if let Some(version) = &v3.version {
        return version.clone();
    }
    let vector = v3.vector_string.as_deref().unwrap_or_default();
    let prefix = vector.split('/').next().unwrap_or_default();
    prefix.strip_prefix("CVSS:").unwrap_or("3").to_owned()
}

/// 6.1.23 Multiple Use of Same CVE.
pub(crate) fn multiple_use_of_cve(doc: &CsafDocument) -> Vec<Finding> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let Some(cve) = vuln.cve.as_deref() else {
            continue;
        };
        match first.get(cve) {
            Some(earlier) => out.push(Finding::new(
                "6.1.23",
                format!("/vulnerabilities/{v}/cve"),
                format!("{cve} is already used by /vulnerabilities/{earlier}"),
            )),
            None => {
                first.insert(cve, v);
            }
        }
    }
    out
}

/// 6.1.24 Multiple Definition in Involvements: one party at most once per
/// date (dates compared as instants).
pub(crate) fn multiple_involvement_definitions(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let mut seen = HashSet::new();
        for (i, inv) in vuln
            .involvements
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let Some(date) = inv.date.as_deref() else {
                continue;
            };
            let instant = chrono::DateTime::parse_from_rfc3339(date).ok();
            let key = (inv.party, instant, instant.is_none().then_some(date));
            if !seen.insert(key) {
                out.push(Finding::new(
                    "6.1.24",
                    format!("/vulnerabilities/{v}/involvements/{i}"),
                    format!("party {:?} already has an involvement at {date}", inv.party),
                ));
            }
        }
    }
    out
}

/// 6.1.29 Remediation without Product Reference.
pub(crate) fn remediation_without_product(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        for (i, rem) in vuln.remediation_list().iter().enumerate() {
            if rem.product_ids.is_none() && rem.group_ids.is_none() {
                out.push(Finding::new(
                    "6.1.29",
                    format!("/vulnerabilities/{v}/remediations/{i}"),
                    "remediation names neither product_ids nor group_ids",
                ));
            }
        }
    }
    out
}

/// 6.1.32 Flag without Product Reference.
pub(crate) fn flag_without_product(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        for (i, flag) in vuln.flag_list().iter().enumerate() {
            if flag.product_ids.is_none() && flag.group_ids.is_none() {
                out.push(Finding::new(
                    "6.1.32",
                    format!("/vulnerabilities/{v}/flags/{i}"),
                    "flag names neither product_ids nor group_ids",
                ));
            }
        }
    }
    out
}

/// 6.1.33 Multiple Flags with VEX Justification Codes per Product (every
/// CSAF 2.0 flag label is a VEX justification code), counting products
/// named through groups.
pub(crate) fn multiple_vex_flags_per_product(doc: &CsafDocument) -> Vec<Finding> {
    let groups = group_members(doc);
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let mut first: HashMap<&str, usize> = HashMap::new();
        for (i, flag) in vuln.flag_list().iter().enumerate() {
            let products: BTreeSet<&str> = expand(
                flag.product_ids.as_deref(),
                flag.group_ids.as_deref(),
                &groups,
            )
            .into_iter()
            .collect();
            for product in products {
                match first.get(product) {
                    Some(earlier) => out.push(Finding::new(
                        "6.1.33",
                        format!("/vulnerabilities/{v}/flags/{i}"),
                        format!("product {product} already has a VEX flag in flags/{earlier}"),
                    )),
                    None => {
                        first.insert(product, i);
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::csaf::mandatory::fixtures::{fails, passes};

    #[test]
    fn t_6_1_6_contradicting_status() {
        fails(
            contradicting_product_status,
            json!({"vulnerabilities": [{"product_status": {
                "known_affected": ["CSAFPID-1"], "known_not_affected": ["CSAFPID-1"]}}]}),
            "/vulnerabilities/0/product_status/known_not_affected/0",
        );
        passes(
            contradicting_product_status,
            json!({"vulnerabilities": [{"product_status": {"first_affected": ["CSAFPID-1"],
                "known_affected": ["CSAFPID-1"], "recommended": ["CSAFPID-1"]}}]}),
        );
    }

    fn score(vector: &str, base: f64, severity: &str) -> serde_json::Value {
        json!({"products": ["CSAFPID-1"], "cvss_v3": {"version": &vector[5..8],
            "vectorString": vector, "baseScore": base, "baseSeverity": severity}})
    }

    #[test]
    fn t_6_1_7_multiple_scores() {
        let a = score(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H",
            10.0,
            "CRITICAL",
        );
        let b = score(
            "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H",
            6.5,
            "MEDIUM",
        );
        let c = score(
            "CVSS:3.0/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H",
            6.5,
            "MEDIUM",
        );
        fails(
            multiple_scores_per_product,
            json!({"vulnerabilities": [{"scores": [a.clone(), b]}]}),
            "/vulnerabilities/0/scores/1/products/0",
        );
        passes(
            multiple_scores_per_product,
            json!({"vulnerabilities": [{"scores": [a]}, {"scores": [c]}]}),
        );
    }

    #[test]
    fn t_6_1_23_same_cve() {
        let cve = json!({"cve": "CVE-2017-0145"});
        fails(
            multiple_use_of_cve,
            json!({"vulnerabilities": [cve.clone(), cve.clone()]}),
            "/vulnerabilities/1/cve",
        );
        passes(
            multiple_use_of_cve,
            json!({"vulnerabilities": [cve, {"cve": "CVE-2017-0146"}]}),
        );
    }

    #[test]
    fn t_6_1_24_involvements() {
        let inv = |status: &str| json!({"date": "2021-04-23T10:00:00.000Z", "party": "vendor", "status": status});
        fails(
            multiple_involvement_definitions,
            json!({"vulnerabilities": [{"involvements": [inv("completed"), inv("in_progress")]}]}),
            "/vulnerabilities/0/involvements/1",
        );
        passes(
            multiple_involvement_definitions,
            json!({"vulnerabilities": [{"involvements": [inv("completed")]},
                {"involvements": [inv("in_progress")]}]}),
        );
    }

    #[test]
    fn t_6_1_29_remediation_without_product() {
        let rem = json!({"category": "no_fix_planned", "details": "EOL"});
        fails(
            remediation_without_product,
            json!({"vulnerabilities": [{"remediations": [rem]}]}),
            "/vulnerabilities/0/remediations/0",
        );
        let rem =
            json!({"category": "no_fix_planned", "details": "EOL", "product_ids": ["CSAFPID-1"]});
        passes(
            remediation_without_product,
            json!({"vulnerabilities": [{"remediations": [rem]}]}),
        );
    }

    #[test]
    fn t_6_1_32_flag_without_product() {
        fails(
            flag_without_product,
            json!({"vulnerabilities": [{"flags": [{"label": "component_not_present"}]}]}),
            "/vulnerabilities/0/flags/0",
        );
        passes(
            flag_without_product,
            json!({"vulnerabilities": [{"flags": [{"label": "component_not_present",
                "group_ids": ["G"]}]}]}),
        );
    }

    #[test]
    fn t_6_1_33_multiple_vex_flags() {
        let groups = json!({"product_groups": [{"group_id": "G",
            "product_ids": ["CSAFPID-1", "CSAFPID-2"]}]});
        fails(
            multiple_vex_flags_per_product,
            json!({"product_tree": groups.clone(), "vulnerabilities": [{"flags": [
                {"label": "component_not_present", "group_ids": ["G"]},
                {"label": "vulnerable_code_not_present", "product_ids": ["CSAFPID-1"]}]}]}),
            "/vulnerabilities/0/flags/1",
        );
        passes(
            multiple_vex_flags_per_product,
            json!({"product_tree": groups, "vulnerabilities": [{"flags": [
                {"label": "component_not_present", "group_ids": ["G"], "product_ids": ["CSAFPID-1"]},
                {"label": "vulnerable_code_not_present", "product_ids": ["CSAFPID-3"]}]}]}),
        );
    }
}
