//! SBOM intake: CycloneDX 1.2–1.6 JSON and SPDX 2.2/2.3 JSON read into a
//! component inventory for matching (DESIGN §4.3, "match").
//!
//! [`parse_sbom`] detects the format from the document itself:
//! `bomFormat: "CycloneDX"` or an `spdxVersion` field. Unknown fields are
//! ignored; a field the inventory needs with the wrong type, or a package
//! URL that does not parse, rejects the document with an [`SbomError`]
//! naming the field.
//!
//! Every component's purl is canonical ([`purl::canonicalize`]) and carries
//! no version; the version is in [`Component::version`] (the purl's version
//! when it has one, else the document's version field).

mod cyclonedx;
mod error;
mod json;
pub mod purl;
mod spdx;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::model::{Product, VexStatement};

pub use error::SbomError;
use json::Object;

/// The format an SBOM arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SbomFormat {
    /// CycloneDX JSON (spec 1.2–1.6).
    Cyclonedx,
    /// SPDX JSON (2.2 or 2.3).
    Spdx,
}

/// A component inventory read from an SBOM.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sbom {
    /// The format.
    pub format: SbomFormat,
    /// `1.4` for CycloneDX `specVersion`, `SPDX-2.3` for SPDX.
    pub spec_version: String,
    /// What the SBOM describes: the CycloneDX `metadata.component` name, the
    /// SPDX document name.
    pub name: Option<String>,
    /// The components, in document order (CycloneDX: the BOM's own
    /// `metadata.component` first, then `components` depth first).
    pub components: Vec<Component>,
    /// The VEX statements the document makes about its own components.
    pub vex: Vec<SbomVexStatement>,
}

/// One component (CycloneDX component, SPDX package).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// Canonical `pkg:type/namespace/name`, without version.
    pub purl: Option<String>,
    /// The version.
    pub version: Option<String>,
    /// A CPE 2.3 (or 2.2) name.
    pub cpe: Option<String>,
    /// The name.
    pub name: String,
    /// The document's reference: CycloneDX `bom-ref`, SPDX `SPDXID`.
    pub ref_id: Option<String>,
    /// The CycloneDX `group` (a Maven group id, an npm scope).
    pub group: Option<String>,
    /// The supplier's name (CycloneDX `supplier.name` or `publisher`, SPDX
    /// `supplier` without its `Organization:`/`Person:` prefix).
    pub supplier: Option<String>,
}

impl Component {
    /// The component as a [`Product`] (for VEX statements).
    pub fn product(&self) -> Product {
        Product {
            purl: self.purl.clone(),
            cpe: self.cpe.clone(),
            ecosystem: None,
            vendor: self.supplier.clone(),
            name: self.name.clone(),
        }
    }
}

/// A VEX statement an SBOM makes about one of its components (CycloneDX
/// `vulnerabilities[].analysis` with `affects[]` resolved to components of
/// this BOM).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SbomVexStatement {
    /// The vulnerability's id (`CVE-2021-44228`, `GHSA-…`).
    pub vulnerability: String,
    /// Other ids of it (CycloneDX `references[].id`).
    pub aliases: Vec<String>,
    /// The index of the component in [`Sbom::components`].
    pub component: usize,
    /// The statement (product and version are the component's).
    pub statement: VexStatement,
}

/// Reads a CycloneDX or SPDX JSON SBOM (see the module documentation).
pub fn parse_sbom(bytes: &[u8]) -> Result<Sbom, SbomError> {
    // Some generators write a UTF-8 byte-order mark.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let value: Value = serde_json::from_slice(bytes).map_err(SbomError::Json)?;
    let root = Object::root(&value)?;
    if let Some(format) = root.opt_str("bomFormat")? {
        if format != "CycloneDX" {
            return Err(SbomError::field("bomFormat", "expected \"CycloneDX\""));
        }
        return cyclonedx::parse(&root);
    }
    if root.opt_str("spdxVersion")?.is_some() {
        return spdx::parse(&root);
    }
    Err(SbomError::UnknownFormat)
}

/// Reads an optional purl field into (canonical purl, version).
fn read_purl(
    text: Option<&str>,
    field: impl FnOnce() -> String,
) -> Result<(Option<String>, Option<String>), SbomError> {
    match text {
        None => Ok((None, None)),
        Some(text) => {
            let canonical = purl::canonicalize(text).map_err(|source| SbomError::Purl {
                field: field(),
                source,
            })?;
            Ok((Some(canonical.purl), canonical.version))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_documents_that_are_neither_format() {
        assert!(matches!(parse_sbom(b"not json"), Err(SbomError::Json(_))));
        assert!(matches!(
            parse_sbom(b"{\"a\":1}"),
            Err(SbomError::UnknownFormat)
        ));
        let err = parse_sbom(b"[1]").unwrap_err().to_string();
        assert!(err.contains("`$`"), "{err}");
        let err = parse_sbom(br#"{"bomFormat":"SPDX"}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("bomFormat"), "{err}");
        let err = parse_sbom(br#"{"bomFormat":1}"#).unwrap_err().to_string();
        assert!(err.contains("`bomFormat`: expected a string"), "{err}");
    }

    #[test]
    fn tolerates_a_byte_order_mark() {
        let doc = b"\xEF\xBB\xBF{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.5\"}";
        let sbom = parse_sbom(doc).unwrap();
        assert_eq!(sbom.format, SbomFormat::Cyclonedx);
        assert!(sbom.components.is_empty());
    }

    proptest::proptest! {
        /// Whatever the bytes, parsing returns (the fuzz target goes further).
        #[test]
        fn arbitrary_documents_do_not_panic(
            bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..64),
            purl in "\\PC{0,24}",
            version in proptest::option::of("\\PC{0,8}"),
        ) {
            let _ = parse_sbom(&bytes);
            let component = serde_json::json!({"name": "x", "purl": purl, "version": version,
                                               "components": [{"name": "y", "purl": purl}]});
            let cyclonedx = serde_json::json!({"bomFormat": "CycloneDX", "specVersion": "1.4",
                                               "components": [component]});
            if let Ok(sbom) = parse_sbom(cyclonedx.to_string().as_bytes()) {
                proptest::prop_assert_eq!(sbom.components.len(), 2);
            }
        }
    }
}
