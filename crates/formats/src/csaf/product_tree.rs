//! The typed CSAF 2.0 `/product_tree`: branches, full product names,
//! relationships and product groups.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// `/product_tree`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductTree {
    /// The vendor → product → version hierarchy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branches: Option<Vec<Branch>>,
    /// Products named outside any branch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_product_names: Option<Vec<FullProductName>>,
    /// Named sets of products.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_groups: Option<Vec<ProductGroup>>,
    /// Products made of other products (`A installed on B`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relationships: Option<Vec<Relationship>>,
}

impl ProductTree {
    /// The top-level branches, empty when absent.
    pub fn branch_list(&self) -> &[Branch] {
        self.branches.as_deref().unwrap_or_default()
    }

    /// The full product names, empty when absent.
    pub fn full_product_name_list(&self) -> &[FullProductName] {
        self.full_product_names.as_deref().unwrap_or_default()
    }

    /// The product groups, empty when absent.
    pub fn product_group_list(&self) -> &[ProductGroup] {
        self.product_groups.as_deref().unwrap_or_default()
    }

    /// The relationships, empty when absent.
    pub fn relationship_list(&self) -> &[Relationship] {
        self.relationships.as_deref().unwrap_or_default()
    }
}

/// One branch (`branches_t` item): a category, a name and either sub-branches
/// or a product.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Branch {
    /// Sub-branches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub branches: Option<Vec<Branch>>,
    /// What the name is (vendor, product name, version, …).
    pub category: BranchCategory,
    /// The name.
    pub name: String,
    /// The product this leaf defines.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<FullProductName>,
    /// Any other property; the schema allows none (`maxProperties: 3`), so
    /// they are kept to be reported.
    #[serde(flatten)]
    pub other: BTreeMap<String, serde_json::Value>,
}

impl Branch {
    /// The sub-branches, empty when absent.
    pub fn branch_list(&self) -> &[Branch] {
        self.branches.as_deref().unwrap_or_default()
    }
}

/// Branch categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BranchCategory {
    /// A CPU architecture.
    Architecture,
    /// A host name.
    HostName,
    /// A language.
    Language,
    /// A legacy entry.
    Legacy,
    /// A patch level.
    PatchLevel,
    /// A product family.
    ProductFamily,
    /// A product name.
    ProductName,
    /// One product version.
    ProductVersion,
    /// A range of versions.
    ProductVersionRange,
    /// A service pack.
    ServicePack,
    /// A specification.
    Specification,
    /// The vendor.
    Vendor,
}

/// `full_product_name_t`: defines a product id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FullProductName {
    /// The product's name.
    pub name: String,
    /// The id the rest of the document refers to it by.
    pub product_id: String,
    /// Machine-readable identifiers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_identification_helper: Option<ProductIdentificationHelper>,
}

/// `product_identification_helper`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ProductIdentificationHelper {
    /// A CPE 2.2 or 2.3 name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpe: Option<String>,
    /// File hashes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hashes: Option<Vec<Hashes>>,
    /// Model numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_numbers: Option<Vec<String>>,
    /// A package URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// SBOM locations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sbom_urls: Option<Vec<String>>,
    /// Serial numbers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_numbers: Option<Vec<String>>,
    /// Stock keeping units.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skus: Option<Vec<String>>,
    /// Other identifiers, as URIs in a namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x_generic_uris: Option<Vec<GenericUri>>,
}

/// Hashes of one file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Hashes {
    /// The hashes.
    pub file_hashes: Vec<FileHash>,
    /// The file's name.
    pub filename: String,
}

/// One hash of a file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileHash {
    /// The algorithm (`sha256`, …).
    pub algorithm: String,
    /// The hex digest.
    pub value: String,
}

/// `x_generic_uris` item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GenericUri {
    /// The namespace the URI is meaningful in.
    pub namespace: String,
    /// The identifier.
    pub uri: String,
}

/// `/product_tree/product_groups[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ProductGroup {
    /// The group's id.
    pub group_id: String,
    /// Its members (at least two).
    pub product_ids: Vec<String>,
    /// What the group is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
}

/// `/product_tree/relationships[]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Relationship {
    /// How the two products relate.
    pub category: RelationshipCategory,
    /// The combined product this defines.
    pub full_product_name: FullProductName,
    /// The component.
    pub product_reference: String,
    /// What it is part of or installed on.
    pub relates_to_product_reference: String,
}

/// Relationship categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RelationshipCategory {
    /// Shipped as a component by default.
    DefaultComponentOf,
    /// A component shipped separately.
    ExternalComponentOf,
    /// Installed on.
    InstalledOn,
    /// Installed together with.
    InstalledWith,
    /// An optional component.
    OptionalComponentOf,
}
