//! Walking the product tree: where products are defined, where product and
//! group ids are referenced, and what each group contains. Shared by the
//! mandatory tests and by intake.

use std::collections::HashMap;

use super::document::CsafDocument;
use super::product_tree::{Branch, FullProductName, ProductTree};
use super::vulnerability::Vulnerability;

/// A full product name in the tree, with the JSON pointer to it and the
/// branches above it (outermost first; empty outside `branches`).
#[derive(Debug, Clone)]
pub(crate) struct Placed<'a> {
    /// The definition.
    pub product: &'a FullProductName,
    /// The JSON pointer of the `full_product_name_t` object.
    pub path: String,
    /// The branches from the root down to the one holding the product.
    pub lineage: Vec<&'a Branch>,
}

/// Calls `visit` for every branch, depth first, with its JSON pointer and its
/// ancestors (outermost first).
pub(crate) fn walk_branches<'a>(
    branches: &'a [Branch],
    path: &str,
    ancestors: &mut Vec<&'a Branch>,
    visit: &mut dyn FnMut(&'a Branch, &str, &[&'a Branch]),
) {
    for (i, branch) in branches.iter().enumerate() {
        let here = format!("{path}/{i}");
        visit(branch, &here, ancestors);
        ancestors.push(branch);
        walk_branches(
            branch.branch_list(),
            &format!("{here}/branches"),
            ancestors,
            visit,
        );
        ancestors.pop();
    }
}

/// Every full product name in the tree: branch leaves, then
/// `full_product_names`, then relationships, in document order.
pub(crate) fn placed_products(tree: &ProductTree) -> Vec<Placed<'_>> {
    let mut out = Vec::new();
    walk_branches(
        tree.branch_list(),
        "/product_tree/branches",
        &mut Vec::new(),
        &mut |branch, path, ancestors| {
            if let Some(product) = &branch.product {
                let mut lineage = ancestors.to_vec();
                lineage.push(branch);
                out.push(Placed {
                    product,
                    path: format!("{path}/product"),
                    lineage,
                });
            }
        },
    );
    for (i, product) in tree.full_product_name_list().iter().enumerate() {
        out.push(Placed {
            product,
            path: format!("/product_tree/full_product_names/{i}"),
            lineage: Vec::new(),
        });
    }
    for (i, rel) in tree.relationship_list().iter().enumerate() {
        out.push(Placed {
            product: &rel.full_product_name,
            path: format!("/product_tree/relationships/{i}/full_product_name"),
            lineage: Vec::new(),
        });
    }
    out
}

/// Every reference to a product id outside a definition (the paths of test
/// 6.1.1), with its JSON pointer.
pub(crate) fn product_references(doc: &CsafDocument) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    if let Some(tree) = &doc.product_tree {
        for (g, group) in tree.product_group_list().iter().enumerate() {
            let base = format!("/product_tree/product_groups/{g}/product_ids");
            push_ids(&mut out, &base, &group.product_ids);
        }
        for (r, rel) in tree.relationship_list().iter().enumerate() {
            let base = format!("/product_tree/relationships/{r}");
            out.push((
                rel.product_reference.as_str(),
                format!("{base}/product_reference"),
            ));
            out.push((
                rel.relates_to_product_reference.as_str(),
                format!("{base}/relates_to_product_reference"),
            ));
        }
    }
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        vulnerability_product_references(vuln, &format!("/vulnerabilities/{v}"), &mut out);
    }
    out
}

fn vulnerability_product_references<'a>(
    vuln: &'a Vulnerability,
    base: &str,
    out: &mut Vec<(&'a str, String)>,
) {
    if let Some(status) = &vuln.product_status {
        for (name, ids) in status.lists() {
            push_ids(out, &format!("{base}/product_status/{name}"), ids);
        }
    }
    for (i, rem) in vuln.remediation_list().iter().enumerate() {
        let ids = rem.product_ids.as_deref().unwrap_or_default();
        push_ids(out, &format!("{base}/remediations/{i}/product_ids"), ids);
    }
    for (i, score) in vuln.score_list().iter().enumerate() {
        push_ids(out, &format!("{base}/scores/{i}/products"), &score.products);
    }
    for (i, threat) in vuln.threat_list().iter().enumerate() {
        let ids = threat.product_ids.as_deref().unwrap_or_default();
        push_ids(out, &format!("{base}/threats/{i}/product_ids"), ids);
    }
    // Flags refer to products too (CSAF 2.0 errata added them to 6.1.1).
    for (i, flag) in vuln.flag_list().iter().enumerate() {
        let ids = flag.product_ids.as_deref().unwrap_or_default();
        push_ids(out, &format!("{base}/flags/{i}/product_ids"), ids);
    }
}

/// Every reference to a product group id (the paths of test 6.1.4).
pub(crate) fn group_references(doc: &CsafDocument) -> Vec<(&str, String)> {
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let base = format!("/vulnerabilities/{v}");
        for (i, rem) in vuln.remediation_list().iter().enumerate() {
            let ids = rem.group_ids.as_deref().unwrap_or_default();
            push_ids(&mut out, &format!("{base}/remediations/{i}/group_ids"), ids);
        }
        for (i, threat) in vuln.threat_list().iter().enumerate() {
            let ids = threat.group_ids.as_deref().unwrap_or_default();
            push_ids(&mut out, &format!("{base}/threats/{i}/group_ids"), ids);
        }
        for (i, flag) in vuln.flag_list().iter().enumerate() {
            let ids = flag.group_ids.as_deref().unwrap_or_default();
            push_ids(&mut out, &format!("{base}/flags/{i}/group_ids"), ids);
        }
    }
    out
}

fn push_ids<'a>(out: &mut Vec<(&'a str, String)>, base: &str, ids: &'a [String]) {
    for (i, id) in ids.iter().enumerate() {
        out.push((id.as_str(), format!("{base}/{i}")));
    }
}

/// Product group id → member product ids.
pub(crate) fn group_members(doc: &CsafDocument) -> HashMap<&str, &[String]> {
    let mut out = HashMap::new();
    if let Some(tree) = &doc.product_tree {
        for group in tree.product_group_list() {
            out.entry(group.group_id.as_str())
                .or_insert(group.product_ids.as_slice());
        }
    }
    out
}

/// The product ids named directly or through groups.
pub(crate) fn expand<'a>(
    product_ids: Option<&'a [String]>,
    group_ids: Option<&'a [String]>,
    groups: &HashMap<&str, &'a [String]>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = product_ids
        .unwrap_or_default()
        .iter()
        .map(String::as_str)
        .collect();
    for group in group_ids.unwrap_or_default() {
        if let Some(members) = groups.get(group.as_str()) {
            out.extend(members.iter().map(String::as_str));
        }
    }
    out
}
