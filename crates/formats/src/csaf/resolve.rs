//! Product ids resolved to the model's product identity, for intake.
//!
//! A product defined in `branches` takes its vendor, name and version from
//! the `vendor`, `product_name` and `product_version` branches above it; a
//! purl in its identification helper becomes the canonical
//! `pkg:type/namespace/name` with the version split off; a CPE is kept as
//! given. A product defined by a relationship ("A installed on B") is the
//! component A: that is what an SBOM lists and what gets patched.

use std::collections::{HashMap, HashSet};

use super::document::CsafDocument;
use super::product_tree::{BranchCategory, FullProductName};
use super::products::{expand, group_members, placed_products, Placed};
use crate::model::Product;

/// A product id's identity and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The identity (purl, CPE, vendor, name).
    pub product: Product,
    /// The version, when the tree or the purl gives one.
    pub version: Option<String>,
}

/// Product and group ids of one document, ready to resolve.
pub(crate) struct Catalog<'a> {
    products: HashMap<&'a str, Placed<'a>>,
    relationships: HashMap<&'a str, &'a str>,
    groups: HashMap<&'a str, &'a [String]>,
}

impl<'a> Catalog<'a> {
    /// Indexes `doc`'s product tree (the first definition of an id wins).
    pub fn new(doc: &'a CsafDocument) -> Self {
        let mut products = HashMap::new();
        let mut relationships = HashMap::new();
        if let Some(tree) = &doc.product_tree {
            for placed in placed_products(tree) {
                products
                    .entry(placed.product.product_id.as_str())
                    .or_insert(placed);
            }
            for rel in tree.relationship_list() {
                relationships
                    .entry(rel.full_product_name.product_id.as_str())
                    .or_insert(rel.product_reference.as_str());
            }
        }
        Catalog {
            products,
            relationships,
            groups: group_members(doc),
        }
    }

    /// The product ids named directly or through groups, without repeats.
    pub fn expand(
        &self,
        product_ids: Option<&'a [String]>,
        group_ids: Option<&'a [String]>,
    ) -> Vec<&'a str> {
        let mut seen = HashSet::new();
        expand(product_ids, group_ids, &self.groups)
            .into_iter()
            .filter(|id| seen.insert(*id))
            .collect()
    }

    /// Resolves a product id; an id the tree does not define resolves to a
    /// product named by the id (validation rejects such documents first).
    pub fn resolve(&self, id: &str) -> Resolved {
        // Follow relationships to the component, a bounded number of steps
        // (a circle is rejected by test 6.1.3, but stay safe without it).
        let mut current = id;
        for _ in 0..16 {
            match self.relationships.get(current) {
                Some(component) if self.products.contains_key(component) => current = component,
                _ => break,
            }
        }
        match self.products.get(current) {
            Some(placed) => from_placed(placed),
            None => Resolved {
                product: Product {
                    name: id.to_owned(),
                    ..Product::default()
                },
                version: None,
            },
        }
    }
}

fn from_placed(placed: &Placed<'_>) -> Resolved {
    let branch_named = |category: BranchCategory| {
        placed
            .lineage
            .iter()
            .rev()
            .find(|b| b.category == category)
            .map(|b| b.name.clone())
    };
    let (purl, purl_version, ecosystem) = purl_parts(placed.product);
    let helper = placed.product.product_identification_helper.as_ref();
    let name = branch_named(BranchCategory::ProductName)
        .or_else(|| purl.as_deref().and_then(purl_name))
        .unwrap_or_else(|| placed.product.name.clone());
    let cpe = helper.and_then(|h| h.cpe.as_deref()).map(product_cpe);
    let cpe_version = cpe.as_ref().and_then(|(_, v)| v.clone());
    let version = branch_named(BranchCategory::ProductVersion)
        .or(purl_version)
        .or(cpe_version);
    Resolved {
        product: Product {
            purl,
            cpe: cpe.map(|(cpe, _)| cpe),
            ecosystem,
            vendor: branch_named(BranchCategory::Vendor),
            name,
        },
        version,
    }
}

/// The canonical purl, its version and its OSV ecosystem, when the product
/// has a readable purl.
fn purl_parts(product: &FullProductName) -> (Option<String>, Option<String>, Option<String>) {
    let text = product
        .product_identification_helper
        .as_ref()
        .and_then(|h| h.purl.as_deref());
    let Some(canonical) = text.and_then(|t| crate::sbom::purl::canonicalize(t).ok()) else {
        return (None, None, None);
    };
    let ecosystem =
        crate::intake::purl::ecosystem_of(crate::sbom::purl::purl_type(&canonical.purl))
            .map(str::to_owned);
    (Some(canonical.purl), canonical.version, ecosystem)
}

/// A CPE naming the product rather than one version, and the version it
/// named: in a CPE 2.3 string the version and update fields become `*`; a
/// CPE 2.2 URI is cut after the product. As with purls, the version then
/// lives in the affected entry, so one product's versions share one
/// identity. A CPE without a version comes back as it was.
fn product_cpe(cpe: &str) -> (String, Option<String>) {
    if let Some(rest) = cpe.strip_prefix("cpe:2.3:") {
        let mut fields = split_cpe23(rest);
        let version = fields
            .get(3)
            .filter(|v| !matches!(**v, "*" | "-" | ""))
            .map(|v| (*v).to_owned());
        if version.is_some() {
            for i in [3, 4] {
                if let Some(field) = fields.get_mut(i) {
                    *field = "*";
                }
            }
            return (format!("cpe:2.3:{}", fields.join(":")), version);
        }
    } else if let Some(rest) = cpe.strip_prefix("cpe:/") {
        let fields: Vec<&str> = rest.split(':').collect();
        if let Some(version) = fields.get(3).filter(|v| !v.is_empty()) {
            return (
                format!("cpe:/{}", fields[..3].join(":")),
                Some((*version).to_owned()),
            );
        }
    }
    (cpe.to_owned(), None)
}

/// The fields of a CPE 2.3 string after `cpe:2.3:`, split on colons that
/// are not escaped with a backslash.
fn split_cpe23(rest: &str) -> Vec<&str> {
    let mut fields = Vec::new();
    let (mut start, mut escaped) = (0, false);
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            ':' => {
                fields.push(&rest[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    fields.push(&rest[start..]);
    fields
}

/// The (still percent-encoded) name segment of a canonical purl.
fn purl_name(purl: &str) -> Option<String> {
    purl.rsplit('/').next().map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::csaf::mandatory::fixtures::doc;

    #[test]
    fn resolves_branches_purls_and_relationships() {
        let d = doc(json!({"product_tree": {
            "branches": [{"category": "vendor", "name": "Apache", "branches": [
                {"category": "product_name", "name": "Log4j", "branches": [
                    {"category": "product_version", "name": "2.14.1", "product": {
                        "name": "Apache Log4j 2.14.1", "product_id": "LOG4J",
                        "product_identification_helper": {
                            "purl": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1",
                            "cpe": "cpe:2.3:a:apache:log4j:2.14.1:*:*:*:*:*:*:*"}}}]}]}],
            "relationships": [{"category": "default_component_of", "product_reference": "LOG4J",
                "relates_to_product_reference": "CSAFPID-1",
                "full_product_name": {"name": "Log4j in A", "product_id": "BUNDLE"}}]}}));
        let catalog = Catalog::new(&d);
        let r = catalog.resolve("BUNDLE");
        assert_eq!(
            r.product.purl.as_deref(),
            Some("pkg:maven/org.apache.logging.log4j/log4j-core")
        );
        assert_eq!(r.product.vendor.as_deref(), Some("Apache"));
        assert_eq!(r.product.name, "Log4j");
        assert_eq!(r.product.ecosystem.as_deref(), Some("Maven"));
        assert_eq!(r.version.as_deref(), Some("2.14.1"));
        assert_eq!(
            r.product.cpe.as_deref(),
            Some("cpe:2.3:a:apache:log4j:*:*:*:*:*:*:*:*")
        );
        assert_eq!(
            product_cpe("cpe:/a:csaf-tools:cvrf-csaf-converter:1.0.0-alpha"),
            (
                "cpe:/a:csaf-tools:cvrf-csaf-converter".into(),
                Some("1.0.0-alpha".into())
            )
        );
        assert_eq!(
            product_cpe(r"cpe:2.3:a:ve\:ndor:p:2.0:beta:*:*:*:*:*:*"),
            (
                r"cpe:2.3:a:ve\:ndor:p:*:*:*:*:*:*:*:*".into(),
                Some("2.0".into())
            )
        );
        assert_eq!(product_cpe("cpe:2.3:o:v:p:-:*:*:*:*:*:*:*").1, None);
        let plain = catalog.resolve("CSAFPID-2");
        assert_eq!(
            (plain.product.name.as_str(), plain.version),
            ("Product B", None)
        );
    }
}
