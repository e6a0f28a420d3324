//! The profile tests 6.1.27.1–6.1.27.11: what each document category
//! (`csaf_security_advisory`, `csaf_vex`, …) must or must not contain. Each
//! test passes for the categories it is not about.

use std::collections::HashSet;

use crate::csaf::document::{CsafDocument, NoteCategory, ReferenceCategory};
use crate::csaf::finding::Finding;
use crate::csaf::products::{expand, group_members};
use crate::csaf::vulnerability::{ThreatCategory, Vulnerability};

const SECURITY_ADVISORY: &str = "csaf_security_advisory";
const VEX: &str = "csaf_vex";
const INFORMATIONAL: &str = "csaf_informational_advisory";
const INCIDENT: &str = "csaf_security_incident_response";

fn is(doc: &CsafDocument, categories: &[&str]) -> bool {
    categories.contains(&doc.document.category.as_str())
}

/// 6.1.27.1 Document Notes: informational advisories and incident responses
/// have a description, details, general or summary note.
pub(crate) fn document_notes(doc: &CsafDocument) -> Vec<Finding> {
    if !is(doc, &[INFORMATIONAL, INCIDENT]) {
        return Vec::new();
    }
    let wanted = [
        NoteCategory::Description,
        NoteCategory::Details,
        NoteCategory::General,
        NoteCategory::Summary,
    ];
    let notes = doc.document.notes.as_deref().unwrap_or_default();
    if notes.iter().any(|n| wanted.contains(&n.category)) {
        return Vec::new();
    }
    vec![Finding::new(
        "6.1.27.1",
        "/document/notes",
        "needs a note of category description, details, general or summary",
    )]
}

/// 6.1.27.2 Document References: informational advisories and incident
/// responses link to an external source.
pub(crate) fn document_references(doc: &CsafDocument) -> Vec<Finding> {
    if !is(doc, &[INFORMATIONAL, INCIDENT]) {
        return Vec::new();
    }
    let refs = doc.document.references.as_deref().unwrap_or_default();
    // `external` is the default category.
    let external = refs
        .iter()
        .any(|r| r.category.unwrap_or(ReferenceCategory::External) == ReferenceCategory::External);
    if external {
        return Vec::new();
    }
    vec![Finding::new(
        "6.1.27.2",
        "/document/references",
        "needs a reference of category external",
    )]
}

/// 6.1.27.3 Vulnerabilities: an informational advisory has none.
pub(crate) fn no_vulnerabilities(doc: &CsafDocument) -> Vec<Finding> {
    if is(doc, &[INFORMATIONAL]) && doc.vulnerabilities.is_some() {
        return vec![Finding::new(
            "6.1.27.3",
            "/vulnerabilities",
            "an informational advisory must not have vulnerabilities",
        )];
    }
    Vec::new()
}

/// 6.1.27.4 Product Tree: security advisories and VEX documents have one.
pub(crate) fn product_tree(doc: &CsafDocument) -> Vec<Finding> {
    if is(doc, &[SECURITY_ADVISORY, VEX]) && doc.product_tree.is_none() {
        return vec![Finding::new(
            "6.1.27.4",
            "/product_tree",
            format!("a {} document needs a product_tree", doc.document.category),
        )];
    }
    Vec::new()
}

/// Findings for each vulnerability of the `categories` lacking `has`.
fn each_vulnerability(
    doc: &CsafDocument,
    categories: &[&str],
    test: &'static str,
    suffix: &str,
    has: fn(&Vulnerability) -> bool,
    why: &str,
) -> Vec<Finding> {
    if !is(doc, categories) {
        return Vec::new();
    }
    doc.vulnerability_list()
        .iter()
        .enumerate()
        .filter(|(_, v)| !has(v))
        .map(|(i, _)| Finding::new(test, format!("/vulnerabilities/{i}{suffix}"), why))
        .collect()
}

/// 6.1.27.5 Vulnerability Notes: in security advisories and VEX documents.
pub(crate) fn vulnerability_notes(doc: &CsafDocument) -> Vec<Finding> {
    each_vulnerability(
        doc,
        &[SECURITY_ADVISORY, VEX],
        "6.1.27.5",
        "/notes",
        |v| v.notes.is_some(),
        "the vulnerability needs notes",
    )
}

/// 6.1.27.6 Product Status: in security advisories.
pub(crate) fn product_status(doc: &CsafDocument) -> Vec<Finding> {
    each_vulnerability(
        doc,
        &[SECURITY_ADVISORY],
        "6.1.27.6",
        "/product_status",
        |v| v.product_status.is_some(),
        "the vulnerability needs a product_status",
    )
}

/// 6.1.27.7 VEX Product Status: a VEX vulnerability names products as
/// fixed, known affected, known not affected or under investigation.
pub(crate) fn vex_product_status(doc: &CsafDocument) -> Vec<Finding> {
    each_vulnerability(
        doc,
        &[VEX],
        "6.1.27.7",
        "/product_status",
        |v| {
            v.product_status.as_ref().is_some_and(|s| {
                s.fixed.is_some()
                    || s.known_affected.is_some()
                    || s.known_not_affected.is_some()
                    || s.under_investigation.is_some()
            })
        },
        "needs fixed, known_affected, known_not_affected or under_investigation",
    )
}

/// 6.1.27.8 Vulnerability ID: a VEX vulnerability has a CVE or ids.
pub(crate) fn vulnerability_id(doc: &CsafDocument) -> Vec<Finding> {
    each_vulnerability(
        doc,
        &[VEX],
        "6.1.27.8",
        "",
        |v| v.cve.is_some() || v.ids.is_some(),
        "the vulnerability needs a cve or ids",
    )
}

/// 6.1.27.9 Impact Statement: every known-not-affected product of a VEX
/// document has a flag or an `impact` threat, directly or through a group.
pub(crate) fn impact_statement(doc: &CsafDocument) -> Vec<Finding> {
    if !is(doc, &[VEX]) {
        return Vec::new();
    }
    let groups = group_members(doc);
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let mut covered: HashSet<&str> = HashSet::new();
        for flag in vuln.flag_list() {
            covered.extend(expand(
                flag.product_ids.as_deref(),
                flag.group_ids.as_deref(),
                &groups,
            ));
        }
        for threat in vuln.threat_list() {
            if threat.category == ThreatCategory::Impact {
                covered.extend(expand(
                    threat.product_ids.as_deref(),
                    threat.group_ids.as_deref(),
                    &groups,
                ));
            }
        }
        let status = vuln.product_status.as_ref();
        let ids = status
            .and_then(|s| s.known_not_affected.as_deref())
            .unwrap_or_default();
        for (i, id) in ids.iter().enumerate() {
            if !covered.contains(id.as_str()) {
                out.push(Finding::new(
                    "6.1.27.9",
                    format!("/vulnerabilities/{v}/product_status/known_not_affected/{i}"),
                    format!("no impact statement (flag or impact threat) for {id}"),
                ));
            }
        }
    }
    out
}

/// 6.1.27.10 Action Statement: every known-affected product of a VEX
/// document has a remediation, directly or through a group.
pub(crate) fn action_statement(doc: &CsafDocument) -> Vec<Finding> {
    if !is(doc, &[VEX]) {
        return Vec::new();
    }
    let groups = group_members(doc);
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let covered: HashSet<&str> = vuln
            .remediation_list()
            .iter()
            .flat_map(|r| expand(r.product_ids.as_deref(), r.group_ids.as_deref(), &groups))
            .collect();
        let status = vuln.product_status.as_ref();
        let ids = status
            .and_then(|s| s.known_affected.as_deref())
            .unwrap_or_default();
        for (i, id) in ids.iter().enumerate() {
            if !covered.contains(id.as_str()) {
                out.push(Finding::new(
                    "6.1.27.10",
                    format!("/vulnerabilities/{v}/product_status/known_affected/{i}"),
                    format!("no action statement (remediation) for {id}"),
                ));
            }
        }
    }
    out
}

/// 6.1.27.11 Vulnerabilities: security advisories and VEX documents have
/// them.
pub(crate) fn vulnerabilities(doc: &CsafDocument) -> Vec<Finding> {
    if is(doc, &[SECURITY_ADVISORY, VEX]) && doc.vulnerabilities.is_none() {
        return vec![Finding::new(
            "6.1.27.11",
            "/vulnerabilities",
            format!("a {} document needs vulnerabilities", doc.document.category),
        )];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::csaf::mandatory::fixtures::{fails, passes};

    fn category(c: &str, rest: Value) -> Value {
        let mut patch = json!({"document": {"category": c}});
        crate::csaf::mandatory::fixtures::merge(&mut patch, &rest);
        patch
    }

    #[test]
    fn t_6_1_27_1_document_notes() {
        let legal = json!({"document": {"notes": [{"category": "legal_disclaimer", "text": "x"}]}});
        fails(
            document_notes,
            category(INFORMATIONAL, legal),
            "/document/notes",
        );
        let summary = json!({"document": {"notes": [{"category": "summary", "text": "x"}]}});
        passes(document_notes, category(INCIDENT, summary));
    }

    #[test]
    fn t_6_1_27_2_document_references() {
        let refs = |c: &str| {
            json!({"document": {"references": [{"category": c, "summary": "s",
                "url": "https://example.com"}]}})
        };
        fails(
            document_references,
            category(INCIDENT, refs("self")),
            "/document/references",
        );
        passes(document_references, category(INCIDENT, refs("external")));
    }

    #[test]
    fn t_6_1_27_3_no_vulnerabilities() {
        let vulns = json!({"vulnerabilities": [{"title": "x"}]});
        fails(
            no_vulnerabilities,
            category(INFORMATIONAL, vulns.clone()),
            "/vulnerabilities",
        );
        passes(no_vulnerabilities, category("csaf_base", vulns));
    }

    #[test]
    fn t_6_1_27_4_product_tree() {
        fails(
            product_tree,
            json!({"document": {"category": SECURITY_ADVISORY}, "product_tree": null}),
            "/product_tree",
        );
        passes(product_tree, category(VEX, json!({})));
    }

    #[test]
    fn t_6_1_27_5_vulnerability_notes() {
        let v = json!({"vulnerabilities": [{"title": "x"}]});
        fails(
            vulnerability_notes,
            category(VEX, v),
            "/vulnerabilities/0/notes",
        );
        let v = json!({"vulnerabilities": [{"notes": [{"category": "summary", "text": "x"}]}]});
        passes(vulnerability_notes, category(VEX, v));
    }

    #[test]
    fn t_6_1_27_6_product_status() {
        let v = json!({"vulnerabilities": [{"title": "x"}]});
        fails(
            product_status,
            category(SECURITY_ADVISORY, v),
            "/vulnerabilities/0/product_status",
        );
        let v = json!({"vulnerabilities": [{"product_status": {"fixed": ["CSAFPID-1"]}}]});
        passes(product_status, category(SECURITY_ADVISORY, v));
    }

    #[test]
    fn t_6_1_27_7_vex_product_status() {
        let v = json!({"vulnerabilities": [{"product_status": {"first_fixed": ["CSAFPID-1"]}}]});
        fails(
            vex_product_status,
            category(VEX, v),
            "/vulnerabilities/0/product_status",
        );
        let v = json!({"vulnerabilities": [{"product_status": {"fixed": ["CSAFPID-1"]}}]});
        passes(vex_product_status, category(VEX, v));
    }

    #[test]
    fn t_6_1_27_8_vulnerability_id() {
        let v = json!({"vulnerabilities": [{"title": "x"}]});
        fails(vulnerability_id, category(VEX, v), "/vulnerabilities/0");
        let v = json!({"vulnerabilities": [{"ids": [{"system_name": "S", "text": "1"}]}]});
        passes(vulnerability_id, category(VEX, v));
    }

    fn vex_with(vuln: Value) -> Value {
        category(
            VEX,
            json!({"product_tree": {"product_groups": [{"group_id": "G",
                "product_ids": ["CSAFPID-1", "CSAFPID-2"]}]}, "vulnerabilities": [vuln]}),
        )
    }

    #[test]
    fn t_6_1_27_9_impact_statement() {
        let status = json!({"known_not_affected": ["CSAFPID-1", "CSAFPID-2", "CSAFPID-3"]});
        let threat = |ids: Value| json!({"category": "impact", "details": "d", "group_ids": ["G"], "product_ids": ids});
        fails(
            impact_statement,
            vex_with(json!({"product_status": status, "threats": [threat(json!(null))]})),
            "/vulnerabilities/0/product_status/known_not_affected/2",
        );
        passes(
            impact_statement,
            vex_with(json!({"product_status": status, "threats": [threat(json!(["CSAFPID-3"]))]})),
        );
        passes(
            impact_statement,
            vex_with(
                json!({"product_status": status, "flags": [{"label": "component_not_present",
                "group_ids": ["G"], "product_ids": ["CSAFPID-3"]}]}),
            ),
        );
    }

    #[test]
    fn t_6_1_27_10_action_statement() {
        let status = json!({"known_affected": ["CSAFPID-1", "CSAFPID-2", "CSAFPID-3"]});
        let rem = json!({"category": "no_fix_planned", "details": "EOL", "group_ids": ["G"]});
        fails(
            action_statement,
            vex_with(json!({"product_status": status, "remediations": [rem]})),
            "/vulnerabilities/0/product_status/known_affected/2",
        );
        let rem2 =
            json!({"category": "vendor_fix", "details": "Update", "product_ids": ["CSAFPID-3"]});
        passes(
            action_statement,
            vex_with(json!({"product_status": status, "remediations": [rem, rem2]})),
        );
    }

    #[test]
    fn t_6_1_27_11_vulnerabilities() {
        fails(
            vulnerabilities,
            category(VEX, json!({})),
            "/vulnerabilities",
        );
        passes(vulnerabilities, category("csaf_base", json!({})));
    }
}
