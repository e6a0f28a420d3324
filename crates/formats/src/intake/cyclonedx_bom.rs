//! The parts of a CycloneDX 1.2–1.6 BOM that VEX intake reads, and the
//! lookup of `bom-ref`s (components and services, nested at any depth,
//! including `metadata.component`) that `affects[].ref` points at.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::value::RawValue;

use super::decode::nullable;
use super::purl;
use crate::model::Product;

/// The BOM's top level; `vulnerabilities[]` stay raw so that each is read
/// (and rejected) on its own.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct Bom<'a> {
    pub bom_format: Option<String>,
    pub serial_number: Option<String>,
    pub metadata: Option<Metadata>,
    #[serde(deserialize_with = "nullable")]
    pub components: Vec<Component>,
    #[serde(deserialize_with = "nullable")]
    pub services: Vec<Service>,
    #[serde(borrow)]
    pub vulnerabilities: Option<Vec<&'a RawValue>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Metadata {
    pub component: Option<Component>,
}

/// A component (only what identifies it).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Component {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    name: String,
    version: Option<String>,
    purl: Option<String>,
    cpe: Option<String>,
    supplier: Option<Entity>,
    publisher: Option<String>,
    #[serde(deserialize_with = "nullable")]
    components: Vec<Component>,
}

/// A service (only what identifies it).
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Service {
    #[serde(rename = "bom-ref")]
    bom_ref: Option<String>,
    name: String,
    version: Option<String>,
    provider: Option<Entity>,
    #[serde(deserialize_with = "nullable")]
    services: Vec<Service>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(super) struct Entity {
    name: Option<String>,
}

/// Something a `bom-ref` names.
#[derive(Debug, Clone, Copy)]
enum Node<'b> {
    Component(&'b Component),
    Service(&'b Service),
}

/// What `affects[].ref` resolves to.
pub(super) enum Subject {
    /// A component or service of this BOM, with its version when it has one.
    Local(Product, Option<String>),
    /// A BOM-Link into another BOM (`urn:cdx:serial/version#ref`): only the
    /// ref is known.
    External(Product),
}

/// Every `bom-ref` of a BOM.
pub(super) struct RefIndex<'b> {
    nodes: HashMap<&'b str, Node<'b>>,
    serial: Option<&'b str>,
}

impl<'b> RefIndex<'b> {
    /// Indexes `metadata.component`, `components[]` and `services[]` and
    /// everything nested in them (iteratively: nesting depth is the
    /// document's to choose).
    pub fn new(bom: &'b Bom<'_>) -> Self {
        let mut nodes = HashMap::new();
        let mut components: Vec<&Component> = bom.components.iter().collect();
        components.extend(bom.metadata.as_ref().and_then(|m| m.component.as_ref()));
        while let Some(component) = components.pop() {
            if let Some(r) = component.bom_ref.as_deref() {
                nodes.entry(r).or_insert(Node::Component(component));
            }
            components.extend(&component.components);
        }
        let mut services: Vec<&Service> = bom.services.iter().collect();
        while let Some(service) = services.pop() {
            if let Some(r) = service.bom_ref.as_deref() {
                nodes.entry(r).or_insert(Node::Service(service));
            }
            services.extend(&service.services);
        }
        let serial = bom
            .serial_number
            .as_deref()
            .map(|s| s.trim().trim_start_matches("urn:uuid:"));
        RefIndex { nodes, serial }
    }

    /// Resolves a reference; `None` for a local ref that names nothing.
    pub fn resolve(&self, reference: &str) -> Option<Subject> {
        let reference = reference.trim();
        if let Some(link) = reference.strip_prefix("urn:cdx:") {
            let (document, fragment) = link.split_once('#').unwrap_or((link, ""));
            let serial = document.split('/').next().unwrap_or_default();
            if let Some(node) = self.nodes.get(fragment) {
                return Some(local(*node));
            }
            if fragment.is_empty() || self.serial.is_some_and(|s| s.eq_ignore_ascii_case(serial)) {
                return None;
            }
            return Some(Subject::External(Product {
                name: fragment.to_owned(),
                ..Product::default()
            }));
        }
        self.nodes.get(reference).map(|node| local(*node))
    }
}

/// The product (and version) a component or service stands for.
fn local(node: Node<'_>) -> Subject {
    match node {
        Node::Component(c) => {
            let canonical = c.purl.as_deref().and_then(|p| purl::canonicalise(p).ok());
            let (purl, purl_version) =
                canonical.map_or((None, None), |c| (Some(c.purl), c.version));
            let vendor = c
                .supplier
                .as_ref()
                .and_then(|s| s.name.clone())
                .or_else(|| c.publisher.clone());
            let product = Product {
                ecosystem: purl
                    .as_deref()
                    .and_then(|p| p.strip_prefix("pkg:"))
                    .and_then(|p| p.split('/').next())
                    .and_then(purl::ecosystem_of)
                    .map(str::to_owned),
                purl,
                cpe: c.cpe.clone().filter(|c| !c.trim().is_empty()),
                vendor: vendor.filter(|v| !v.trim().is_empty()),
                name: c.name.trim().to_owned(),
            };
            Subject::Local(
                product,
                c.version.clone().filter(|v| !v.is_empty()).or(purl_version),
            )
        }
        Node::Service(s) => {
            let product = Product {
                vendor: s.provider.as_ref().and_then(|p| p.name.clone()),
                name: s.name.trim().to_owned(),
                ..Product::default()
            };
            Subject::Local(product, s.version.clone().filter(|v| !v.is_empty()))
        }
    }
}
