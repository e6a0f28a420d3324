//! SPDX 2.2/2.3 JSON into an [`Sbom`].
//!
//! Every `packages[]` entry is a component: `name`, `SPDXID`,
//! `versionInfo`, `supplier`, and from `externalRefs[]` the first
//! `referenceType: purl` locator and the first `cpe23Type` (else
//! `cpe22Type`) locator. Files, snippets and relationships add nothing to
//! the inventory (a package is listed whatever relates to it), so they are
//! not read. SPDX 2 has no VEX.

use super::json::Object;
use super::{read_purl, Component, Sbom, SbomError, SbomFormat};

/// The `spdxVersion`s read (their JSON shapes agree on what is read here).
const VERSIONS: [&str; 2] = ["SPDX-2.2", "SPDX-2.3"];

/// Reads a document with an `spdxVersion` field.
pub(super) fn parse(root: &Object<'_>) -> Result<Sbom, SbomError> {
    let spec_version = root.req_str("spdxVersion")?;
    if !VERSIONS.contains(&spec_version) {
        return Err(SbomError::UnsupportedVersion {
            field: "spdxVersion",
            version: spec_version.chars().take(40).collect(),
            supported: "SPDX-2.2 and SPDX-2.3",
        });
    }
    let components = root
        .objects("packages")?
        .iter()
        .map(read_package)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Sbom {
        format: SbomFormat::Spdx,
        spec_version: spec_version.to_owned(),
        name: root.opt_str("name")?.map(str::to_owned),
        components,
        vex: Vec::new(),
    })
}

fn read_package(package: &Object<'_>) -> Result<Component, SbomError> {
    let mut purl_text = None;
    let mut purl_field = String::new();
    let mut cpe23 = None;
    let mut cpe22 = None;
    for reference in package.objects("externalRefs")? {
        let kind = reference.req_str("referenceType")?;
        let slot = match kind {
            "purl" => &mut purl_text,
            "cpe23Type" => &mut cpe23,
            "cpe22Type" => &mut cpe22,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(reference.req_str("referenceLocator")?);
            if kind == "purl" {
                purl_field = reference.path_of("referenceLocator");
            }
        }
    }
    let (purl, purl_version) = read_purl(purl_text, || purl_field)?;
    let version_info = package
        .opt_str("versionInfo")?
        .filter(|v| !is_no_assertion(v));
    Ok(Component {
        purl,
        version: purl_version.or(version_info.map(str::to_owned)),
        cpe: cpe23.or(cpe22).map(str::to_owned),
        name: package.req_str("name")?.to_owned(),
        ref_id: package.opt_str("SPDXID")?.map(str::to_owned),
        group: None,
        supplier: package
            .opt_str("supplier")?
            .and_then(supplier_name)
            .map(str::to_owned),
    })
}

fn is_no_assertion(value: &str) -> bool {
    matches!(value.trim(), "" | "NOASSERTION" | "NONE")
}

/// `Organization: Acme` → `Acme`; `NOASSERTION` → none.
fn supplier_name(value: &str) -> Option<&str> {
    if is_no_assertion(value) {
        return None;
    }
    let name = value
        .strip_prefix("Organization:")
        .or_else(|| value.strip_prefix("Person:"))
        .unwrap_or(value)
        .trim();
    // A person's e-mail address in parentheses is not part of the name.
    let name = name.split_once(" (").map_or(name, |(n, _)| n).trim();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use crate::sbom::{parse_sbom, SbomFormat};

    const DOC: &str = r#"{
      "spdxVersion": "SPDX-2.3", "SPDXID": "SPDXRef-DOCUMENT", "name": "my-image",
      "packages": [
        {"SPDXID": "SPDXRef-jena", "name": "Jena", "versionInfo": "3.12.0",
         "supplier": "Organization: Apache (dev@apache.org)",
         "externalRefs": [
           {"referenceCategory": "OTHER", "referenceType": "http://x", "referenceLocator": "y"},
           {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
            "referenceLocator": "pkg:maven/org.apache.jena/apache-jena@3.12.0?type=jar"},
           {"referenceCategory": "SECURITY", "referenceType": "cpe23Type",
            "referenceLocator": "cpe:2.3:a:apache:jena:3.12.0:*:*:*:*:*:*:*"}]},
        {"SPDXID": "SPDXRef-req", "name": "Requests_Toolbelt", "versionInfo": "NOASSERTION",
         "externalRefs": [{"referenceCategory": "PACKAGE_MANAGER", "referenceType": "purl",
                           "referenceLocator": "pkg:pypi/Requests_Toolbelt@1.0.0"}]},
        {"SPDXID": "SPDXRef-saxon", "name": "Saxon", "versionInfo": "8.8", "supplier": "NOASSERTION"}
      ],
      "relationships": [{"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                         "relatedSpdxElement": "SPDXRef-jena"}]
    }"#;

    #[test]
    fn reads_packages_with_purls_and_cpes() {
        let sbom = parse_sbom(DOC.as_bytes()).unwrap();
        assert_eq!(sbom.format, SbomFormat::Spdx);
        assert_eq!(sbom.spec_version, "SPDX-2.3");
        assert_eq!(sbom.name.as_deref(), Some("my-image"));
        assert_eq!(sbom.components.len(), 3);
        let jena = &sbom.components[0];
        assert_eq!(
            jena.purl.as_deref(),
            Some("pkg:maven/org.apache.jena/apache-jena")
        );
        assert_eq!(jena.version.as_deref(), Some("3.12.0"));
        assert_eq!(
            jena.cpe.as_deref(),
            Some("cpe:2.3:a:apache:jena:3.12.0:*:*:*:*:*:*:*")
        );
        assert_eq!(jena.ref_id.as_deref(), Some("SPDXRef-jena"));
        assert_eq!(jena.supplier.as_deref(), Some("Apache"));
        let requests = &sbom.components[1];
        assert_eq!(requests.purl.as_deref(), Some("pkg:pypi/requests-toolbelt"));
        assert_eq!(requests.version.as_deref(), Some("1.0.0"));
        let saxon = &sbom.components[2];
        assert_eq!(
            (saxon.purl.as_deref(), saxon.version.as_deref()),
            (None, Some("8.8"))
        );
        assert_eq!(saxon.supplier, None);
        assert!(sbom.vex.is_empty());
    }

    #[test]
    fn names_the_bad_field() {
        let bad = DOC.replace("pkg:pypi/Requests_Toolbelt@1.0.0", "pypi:requests");
        let err = parse_sbom(bad.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            err,
            "`packages[1].externalRefs[0].referenceLocator`: a package URL starts with `pkg:`"
        );
        let bad = DOC.replace("SPDX-2.3", "SPDX-3.0");
        let err = parse_sbom(bad.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("`spdxVersion`: unsupported version `SPDX-3.0`"),
            "{err}"
        );
        let bad = DOC.replace(r#""name": "Saxon","#, r#""name": ["Saxon"],"#);
        let err = parse_sbom(bad.as_bytes()).unwrap_err().to_string();
        assert_eq!(err, "`packages[2].name`: expected a string");
        let bad = DOC
            .replace(r#""packages": ["#, r#""packages": {"x": ["#)
            .replace(
                r#"}
      ],
      "relationships""#,
                r#"}
      ]},
      "relationships""#,
            );
        let err = parse_sbom(bad.as_bytes()).unwrap_err().to_string();
        assert_eq!(err, "`packages`: expected an array");
    }
}
