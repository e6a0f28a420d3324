//! Schema checks of `/product_tree`.

use super::super::patterns;
use super::super::product_tree::{
    Branch, FullProductName, ProductIdentificationHelper, ProductTree,
};
use super::Checker;

pub(super) fn check_product_tree(c: &mut Checker, tree: &ProductTree) {
    const BASE: &str = "/product_tree";
    let empty = tree.branches.is_none()
        && tree.full_product_names.is_none()
        && tree.product_groups.is_none()
        && tree.relationships.is_none();
    if empty {
        c.fail(BASE, "must have at least one property");
    }
    if let Some(branches) = c.array("/product_tree/branches", &tree.branches) {
        check_branches(c, "/product_tree/branches", branches);
    }
    let path = "/product_tree/full_product_names";
    for (i, fpn) in c
        .array(path, &tree.full_product_names)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        full_product_name(c, &format!("{path}/{i}"), fpn);
    }
    let path = "/product_tree/product_groups";
    for (i, group) in c
        .array(path, &tree.product_groups)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let base = format!("{path}/{i}");
        c.text(&format!("{base}/group_id"), &group.group_id);
        let ids = format!("{base}/product_ids");
        c.min_items(&ids, &group.product_ids, 2);
        c.strings(&ids, &group.product_ids);
        c.unique(&ids, &group.product_ids);
        c.opt_text(&format!("{base}/summary"), &group.summary);
    }
    let path = "/product_tree/relationships";
    for (i, rel) in c
        .array(path, &tree.relationships)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let base = format!("{path}/{i}");
        full_product_name(
            c,
            &format!("{base}/full_product_name"),
            &rel.full_product_name,
        );
        c.text(&format!("{base}/product_reference"), &rel.product_reference);
        c.text(
            &format!("{base}/relates_to_product_reference"),
            &rel.relates_to_product_reference,
        );
    }
}

/// `branches_t`: each item has exactly `category`, `name` and one of
/// `branches` or `product` (`minProperties`/`maxProperties: 3`).
fn check_branches(c: &mut Checker, path: &str, branches: &[Branch]) {
    for (i, branch) in branches.iter().enumerate() {
        let base = format!("{path}/{i}");
        let extra = usize::from(branch.branches.is_some())
            + usize::from(branch.product.is_some())
            + branch.other.len();
        if extra != 1 {
            c.fail(
                &base,
                "a branch must have exactly one of `branches` or `product` besides category and name",
            );
        }
        c.text(&format!("{base}/name"), &branch.name);
        if let Some(product) = &branch.product {
            full_product_name(c, &format!("{base}/product"), product);
        }
        let sub = format!("{base}/branches");
        if let Some(children) = c.array(&sub, &branch.branches) {
            check_branches(c, &sub, children);
        }
    }
}

/// `full_product_name_t`.
fn full_product_name(c: &mut Checker, path: &str, fpn: &FullProductName) {
    c.text(&format!("{path}/name"), &fpn.name);
    c.text(&format!("{path}/product_id"), &fpn.product_id);
    if let Some(helper) = &fpn.product_identification_helper {
        identification_helper(c, &format!("{path}/product_identification_helper"), helper);
    }
}

fn identification_helper(c: &mut Checker, path: &str, h: &ProductIdentificationHelper) {
    if *h == ProductIdentificationHelper::default() {
        c.fail(path, "must have at least one property");
    }
    if let Some(cpe) = &h.cpe {
        c.pattern(&format!("{path}/cpe"), cpe, patterns::is_cpe, "a CPE name");
    }
    let hashes = format!("{path}/hashes");
    for (i, hash) in c
        .array(&hashes, &h.hashes)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let base = format!("{hashes}/{i}");
        let file_hashes = format!("{base}/file_hashes");
        c.min_items(&file_hashes, &hash.file_hashes, 1);
        for (j, fh) in hash.file_hashes.iter().enumerate() {
            c.text(&format!("{file_hashes}/{j}/algorithm"), &fh.algorithm);
            c.pattern(
                &format!("{file_hashes}/{j}/value"),
                &fh.value,
                patterns::is_hash_value,
                "a hex digest of at least 32 digits",
            );
        }
        c.text(&format!("{base}/filename"), &hash.filename);
    }
    c.string_array(&format!("{path}/model_numbers"), &h.model_numbers, true);
    if let Some(purl) = &h.purl {
        c.pattern(
            &format!("{path}/purl"),
            purl,
            patterns::is_purl_shaped,
            "a package URL",
        );
    }
    let sbom = format!("{path}/sbom_urls");
    for (i, url) in c
        .array(&sbom, &h.sbom_urls)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        c.uri(&format!("{sbom}/{i}"), url);
    }
    c.string_array(&format!("{path}/serial_numbers"), &h.serial_numbers, true);
    c.string_array(&format!("{path}/skus"), &h.skus, false);
    let generic = format!("{path}/x_generic_uris");
    for (i, g) in c
        .array(&generic, &h.x_generic_uris)
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        c.uri(&format!("{generic}/{i}/namespace"), &g.namespace);
        c.uri(&format!("{generic}/{i}/uri"), &g.uri);
    }
}
