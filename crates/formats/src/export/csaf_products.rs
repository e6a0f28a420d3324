//! The CSAF product tree of an advisory and each product's status.
//!
//! Every affected range, listed version, fixed version and VEX statement
//! becomes one leaf product under `vendor → product_name`, with a stable id
//! (`CSAFPID-0001`, … in the order the advisory lists them), so the same
//! advisory always yields the same ids. Ranges become
//! `product_version_range` branches named with a `vers:` string; single
//! versions become `product_version` branches. Git commit ranges have no
//! `vers:` form and are left out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ecosystem::{encode, osv_ecosystem, purl_with_version, Purl};
use crate::model::{Advisory, Affected, Product, RangeEvent, RangeKind, VersionRange, VexStatus};

/// What a leaf stands for under its product name.
#[derive(Debug, Clone, PartialEq, Eq)]
enum LeafKind {
    /// The product as a whole (a VEX statement without a version).
    Whole,
    /// One version.
    Version(String),
    /// A `vers:` range.
    Range(String),
}

/// A product's status for the vulnerability (CSAF `product_status` lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// `known_affected`.
    Affected,
    /// `fixed`.
    Fixed,
    /// `known_not_affected`.
    NotAffected,
    /// `under_investigation`.
    UnderInvestigation,
}

/// One leaf product.
#[derive(Debug, Clone)]
struct Leaf {
    vendor: String,
    product_name: String,
    kind: LeafKind,
    product: Product,
    id: String,
}

/// Why a product is not affected, from a VEX statement.
#[derive(Debug, Clone)]
pub(crate) struct NotAffectedReason {
    /// A CSAF flag label, when the justification maps to one.
    pub flag: Option<&'static str>,
    /// The statement's words (justification and detail).
    pub text: String,
}

/// The product tree with every leaf's status.
#[derive(Debug, Default)]
pub(crate) struct Catalog {
    leaves: Vec<Leaf>,
    /// Product id → status; VEX statements override derived statuses.
    pub statuses: BTreeMap<String, Status>,
    /// Product id → why it is not affected.
    pub reasons: BTreeMap<String, NotAffectedReason>,
}

impl Catalog {
    /// Builds the catalog from the advisory's affected list and VEX.
    pub fn build(advisory: &Advisory) -> Catalog {
        let mut catalog = Catalog::default();
        for affected in &advisory.affected {
            catalog.add_affected(affected);
        }
        for statement in &advisory.vex {
            let kind = match &statement.version {
                Some(version) => LeafKind::Version(version.clone()),
                None => LeafKind::Whole,
            };
            let id = catalog.leaf(&statement.product, kind);
            let status = match statement.status {
                VexStatus::Affected => Status::Affected,
                VexStatus::NotAffected => Status::NotAffected,
                VexStatus::Fixed => Status::Fixed,
                VexStatus::UnderInvestigation => Status::UnderInvestigation,
            };
            if status == Status::NotAffected {
                let reason = not_affected_reason(
                    statement.justification.as_deref(),
                    statement.detail.as_deref(),
                );
                catalog.reasons.insert(id.clone(), reason);
            } else {
                catalog.reasons.remove(&id);
            }
            catalog.statuses.insert(id, status);
        }
        catalog
    }

    fn add_affected(&mut self, affected: &Affected) {
        let product = &affected.product;
        let scheme = vers_scheme(product, affected.ranges.first().map(|r| r.kind));
        for range in &affected.ranges {
            if let Some(vers) = vers_range(range, &scheme) {
                let id = self.leaf(product, LeafKind::Range(vers));
                self.statuses.insert(id, Status::Affected);
            }
        }
        if affected.all_versions {
            let id = self.leaf(product, LeafKind::Range(format!("vers:{scheme}/*")));
            self.statuses.insert(id, Status::Affected);
        }
        for version in &affected.versions {
            let id = self.leaf(product, LeafKind::Version(version.clone()));
            self.statuses.insert(id, Status::Affected);
        }
        let fixed = affected.ranges.iter().filter(|r| r.kind != RangeKind::Git);
        for event in fixed.flat_map(|r| &r.events) {
            if let RangeEvent::Fixed(version) = event {
                let id = self.leaf(product, LeafKind::Version(version.clone()));
                self.statuses.insert(id, Status::Fixed);
            }
        }
    }

    /// The id of the leaf for `product` and `kind`, added when new.
    fn leaf(&mut self, product: &Product, kind: LeafKind) -> String {
        let vendor = vendor_name(product);
        let product_name = product_name(product);
        let existing = self.leaves.iter().find(|leaf| {
            leaf.vendor == vendor && leaf.product_name == product_name && leaf.kind == kind
        });
        if let Some(leaf) = existing {
            return leaf.id.clone();
        }
        let id = format!("CSAFPID-{:04}", self.leaves.len() + 1);
        self.leaves.push(Leaf {
            vendor,
            product_name,
            kind,
            product: product.clone(),
            id: id.clone(),
        });
        id
    }

    /// Ids with `status`, in id order.
    pub fn ids_with(&self, status: Status) -> Vec<String> {
        let matching = self.statuses.iter().filter(|(_, s)| **s == status);
        matching.map(|(id, _)| id.clone()).collect()
    }

    /// Affected ids of leaves that are `product` (all affected ids for `None`).
    pub fn affected_ids_of(&self, product: Option<&Product>) -> Vec<String> {
        let affected = self.ids_with(Status::Affected);
        let Some(product) = product else {
            return affected;
        };
        let matching = self
            .leaves
            .iter()
            .filter(|leaf| same_product(&leaf.product, product));
        let ids: Vec<&String> = matching.map(|leaf| &leaf.id).collect();
        affected
            .into_iter()
            .filter(|id| ids.contains(&id))
            .collect()
    }

    /// Whether the tree has any product.
    pub fn is_empty(&self) -> bool {
        self.leaves.is_empty()
    }

    /// The CSAF `branches` tree: vendor → product name → leaves, in order
    /// of first appearance.
    pub fn branches(&self) -> Vec<Branch> {
        let mut vendors: Vec<(&str, Vec<&Leaf>)> = Vec::new();
        for leaf in &self.leaves {
            match vendors.iter_mut().find(|(v, _)| *v == leaf.vendor) {
                Some((_, leaves)) => leaves.push(leaf),
                None => vendors.push((&leaf.vendor, vec![leaf])),
            }
        }
        let vendor_branch = |(vendor, leaves): (&str, Vec<&Leaf>)| Branch {
            category: "vendor",
            name: vendor.to_owned(),
            branches: Some(product_name_branches(&leaves)),
            product: None,
        };
        vendors.into_iter().map(vendor_branch).collect()
    }
}

/// The `product_name` branches of one vendor's leaves. A product that is
/// named as a whole and also by versions gets two sibling branches, since a
/// branch holds either a product or sub-branches.
fn product_name_branches(leaves: &[&Leaf]) -> Vec<Branch> {
    let mut names: Vec<&str> = Vec::new();
    for leaf in leaves {
        if !names.contains(&leaf.product_name.as_str()) {
            names.push(&leaf.product_name);
        }
    }
    let mut branches = Vec::new();
    for name in names {
        let of_name = leaves.iter().filter(|leaf| leaf.product_name == name);
        let (whole, versioned): (Vec<&Leaf>, Vec<&Leaf>) =
            of_name.partition(|leaf| leaf.kind == LeafKind::Whole);
        branches.extend(whole.into_iter().map(|leaf| Branch {
            category: "product_name",
            name: name.to_owned(),
            branches: None,
            product: Some(full_product_name(leaf)),
        }));
        if !versioned.is_empty() {
            let children = versioned.into_iter().map(version_branch).collect();
            branches.push(Branch {
                category: "product_name",
                name: name.to_owned(),
                branches: Some(children),
                product: None,
            });
        }
    }
    branches
}

fn version_branch(leaf: &Leaf) -> Branch {
    let (category, name) = match &leaf.kind {
        LeafKind::Range(vers) => ("product_version_range", vers.clone()),
        LeafKind::Version(version) => ("product_version", version.clone()),
        // Whole products hang on product_name branches; never reached.
        LeafKind::Whole => ("product_version", leaf.product_name.clone()),
    };
    Branch {
        category,
        name,
        branches: None,
        product: Some(full_product_name(leaf)),
    }
}

fn full_product_name(leaf: &Leaf) -> FullProductName {
    let (name, purl) = match &leaf.kind {
        LeafKind::Whole => (leaf.product_name.clone(), leaf.product.purl.clone()),
        LeafKind::Version(version) => (
            format!("{} {version}", leaf.product_name),
            leaf.product
                .purl
                .as_deref()
                .map(|purl| purl_with_version(purl, version)),
        ),
        LeafKind::Range(vers) => (
            format!("{} {vers}", leaf.product_name),
            leaf.product.purl.clone(),
        ),
    };
    let helper = ProductIdentificationHelper {
        cpe: leaf.product.cpe.clone(),
        purl,
    };
    let has_helper = helper.cpe.is_some() || helper.purl.is_some();
    FullProductName {
        name,
        product_id: leaf.id.clone(),
        product_identification_helper: has_helper.then_some(helper),
    }
}

/// A CSAF branch.
#[derive(Debug, Serialize)]
pub(crate) struct Branch {
    #[serde(skip_serializing_if = "Option::is_none")]
    branches: Option<Vec<Branch>>,
    category: &'static str,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    product: Option<FullProductName>,
}

/// A CSAF `full_product_name_t`.
#[derive(Debug, Serialize)]
struct FullProductName {
    name: String,
    product_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    product_identification_helper: Option<ProductIdentificationHelper>,
}

/// The purl and CPE of a product.
#[derive(Debug, Serialize)]
struct ProductIdentificationHelper {
    #[serde(skip_serializing_if = "Option::is_none")]
    cpe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}

/// The vendor branch name: the vendor, else the (OSV) ecosystem, else the
/// purl type, so every product has one.
fn vendor_name(product: &Product) -> String {
    let from_purl = || product.purl.as_deref().and_then(Purl::parse).map(|p| p.ty);
    let ecosystem = || product.ecosystem.clone().or_else(|| osv_ecosystem(product));
    let vendor = product.vendor.clone().or_else(ecosystem).or_else(from_purl);
    vendor
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "unknown vendor".to_owned())
}

/// The product name branch name: the name, else the purl's package name.
fn product_name(product: &Product) -> String {
    if !product.name.trim().is_empty() {
        return product.name.clone();
    }
    let from_purl = product
        .purl
        .as_deref()
        .and_then(Purl::parse)
        .map(|p| p.package_name());
    from_purl.unwrap_or_else(|| "unnamed product".to_owned())
}

/// Whether two product identities name the same product: by purl when both
/// have one, else by CPE, else by vendor and name.
pub(crate) fn same_product(a: &Product, b: &Product) -> bool {
    match (&a.purl, &b.purl, &a.cpe, &b.cpe) {
        (Some(x), Some(y), _, _) => x == y,
        (_, _, Some(x), Some(y)) => x == y,
        _ => {
            a.name.eq_ignore_ascii_case(&b.name)
                && (a.vendor.is_none() || b.vendor.is_none() || a.vendor == b.vendor)
        }
    }
}

/// The `vers:` versioning scheme: the purl type, else `semver` for SemVer
/// ranges, else `generic`.
fn vers_scheme(product: &Product, kind: Option<RangeKind>) -> String {
    match product.purl.as_deref().and_then(Purl::parse) {
        Some(purl) => purl.ty,
        None if kind == Some(RangeKind::Semver) => "semver".to_owned(),
        None => "generic".to_owned(),
    }
}

/// A range as a `vers:` string (`vers:cargo/>=1.0.0|<1.2.3`); `None` for
/// Git ranges, which `vers:` cannot express.
pub(crate) fn vers_range(range: &VersionRange, scheme: &str) -> Option<String> {
    if range.kind == RangeKind::Git {
        return None;
    }
    let mut constraints: Vec<String> = Vec::new();
    for event in &range.events {
        match event {
            RangeEvent::Introduced(v) if v == "0" => {}
            RangeEvent::Introduced(v) => constraints.push(format!(">={}", vers_escape(v))),
            RangeEvent::Fixed(v) | RangeEvent::Limit(v) => {
                constraints.push(format!("<{}", vers_escape(v)))
            }
            RangeEvent::LastAffected(v) => constraints.push(format!("<={}", vers_escape(v))),
        }
    }
    if constraints.is_empty() {
        return Some(format!("vers:{scheme}/*"));
    }
    Some(format!("vers:{scheme}/{}", constraints.join("|")))
}

/// Escapes the characters `vers:` reserves inside a version.
fn vers_escape(version: &str) -> String {
    if version.bytes().any(|b| b"|<>=!*%, /".contains(&b)) {
        encode(version)
    } else {
        version.to_owned()
    }
}

/// Maps a VEX justification to a CSAF flag label: CSAF and OpenVEX names
/// map to themselves, CycloneDX names to the nearest label; others (such as
/// `requires_configuration`) have no flag and are given as impact text.
fn not_affected_reason(justification: Option<&str>, detail: Option<&str>) -> NotAffectedReason {
    let normalised = justification.map(|j| j.trim().to_ascii_lowercase().replace(['-', ' '], "_"));
    let flag = match normalised.as_deref() {
        Some("component_not_present") => Some("component_not_present"),
        Some("vulnerable_code_not_present" | "code_not_present") => {
            Some("vulnerable_code_not_present")
        }
        Some("vulnerable_code_not_in_execute_path" | "code_not_reachable") => {
            Some("vulnerable_code_not_in_execute_path")
        }
        Some("vulnerable_code_cannot_be_controlled_by_adversary") => {
            Some("vulnerable_code_cannot_be_controlled_by_adversary")
        }
        Some(
            "inline_mitigations_already_exist"
            | "protected_by_compiler"
            | "protected_at_runtime"
            | "protected_at_perimeter"
            | "protected_by_mitigating_control",
        ) => Some("inline_mitigations_already_exist"),
        _ => None,
    };
    let words: Vec<&str> = [justification, detail]
        .into_iter()
        .flatten()
        .filter(|w| !w.trim().is_empty())
        .collect();
    let text = if words.is_empty() {
        "The vendor states that this product is not affected.".to_owned()
    } else {
        words.join(": ")
    };
    NotAffectedReason { flag, text }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(events: Vec<RangeEvent>) -> VersionRange {
        VersionRange {
            kind: RangeKind::Semver,
            events,
        }
    }

    #[test]
    fn ranges_become_vers_strings() {
        let fixed = range(vec![
            RangeEvent::Introduced("1.0.0".into()),
            RangeEvent::Fixed("1.2.3".into()),
        ]);
        assert_eq!(
            vers_range(&fixed, "cargo").as_deref(),
            Some("vers:cargo/>=1.0.0|<1.2.3")
        );
        let from_zero = range(vec![
            RangeEvent::Introduced("0".into()),
            RangeEvent::LastAffected("2.0".into()),
        ]);
        assert_eq!(
            vers_range(&from_zero, "npm").as_deref(),
            Some("vers:npm/<=2.0")
        );
        let open = range(vec![RangeEvent::Introduced("0".into())]);
        assert_eq!(
            vers_range(&open, "semver").as_deref(),
            Some("vers:semver/*")
        );
        let git = VersionRange {
            kind: RangeKind::Git,
            events: vec![],
        };
        assert_eq!(vers_range(&git, "generic"), None);
    }

    #[test]
    fn justifications_map_to_flags() {
        assert_eq!(
            not_affected_reason(Some("code_not_reachable"), None).flag,
            Some("vulnerable_code_not_in_execute_path")
        );
        let unmapped = not_affected_reason(Some("requires_configuration"), Some("off by default"));
        assert_eq!(unmapped.flag, None);
        assert_eq!(unmapped.text, "requires_configuration: off by default");
    }
}
