//! CycloneDX JSON (spec 1.2–1.6) into an [`Sbom`].
//!
//! Components are read depth first with their nested `components`; the
//! BOM's own `metadata.component` comes first (an advisory about the
//! product itself must reach its operators too) unless a component with the
//! same `bom-ref` is listed. `vulnerabilities[]` with an `analysis.state`
//! become [`SbomVexStatement`]s for the components their `affects[].ref`
//! names in this BOM (a plain `bom-ref`, or a BOM-link whose serial number
//! is this BOM's); statements about other BOMs are not about this inventory
//! and are dropped.
//!
//! State mapping: `not_affected` and `false_positive` → not affected;
//! `resolved` and `resolved_with_pedigree` → fixed; `exploitable` →
//! affected; `in_triage` → under investigation. When `affects[].versions[]`
//! is given, a statement applies only to a listed `version` equal to the
//! component's (an `unaffected` entry reads as not affected, `unknown` as
//! under investigation); `range` entries (vers) are not evaluated, so they
//! suppress nothing.

use std::collections::HashMap;

use super::json::Object;
use super::{read_purl, Component, Sbom, SbomError, SbomFormat, SbomVexStatement};
use crate::model::{VexStatement, VexStatus};

/// The spec versions read (JSON exists from 1.2 on).
const VERSIONS: [&str; 5] = ["1.2", "1.3", "1.4", "1.5", "1.6"];

/// Reads a document whose `bomFormat` is `CycloneDX`.
pub(super) fn parse(root: &Object<'_>) -> Result<Sbom, SbomError> {
    let spec_version = root.req_str("specVersion")?;
    if !VERSIONS.contains(&spec_version) {
        return Err(SbomError::UnsupportedVersion {
            field: "specVersion",
            version: spec_version.chars().take(40).collect(),
            supported: "CycloneDX 1.2 to 1.6",
        });
    }
    let mut components = Vec::new();
    let metadata = root.opt_object("metadata")?;
    let own = match &metadata {
        Some(metadata) => metadata.opt_object("component")?,
        None => None,
    };
    let name = match &own {
        Some(own) => Some(own.req_str("name")?.to_owned()),
        None => None,
    };
    if let Some(own) = &own {
        components.push(read_component(own)?);
    }
    read_components(root, &mut components)?;
    let refs = index_refs(&mut components);
    let vex = read_vex(root, &components, &refs)?;
    Ok(Sbom {
        format: SbomFormat::Cyclonedx,
        spec_version: spec_version.to_owned(),
        name,
        components,
        vex,
    })
}

/// Appends `parent.components` and their nested components, depth first.
/// Recursion depth is bounded by serde_json's nesting limit.
fn read_components(parent: &Object<'_>, out: &mut Vec<Component>) -> Result<(), SbomError> {
    for item in parent.objects("components")? {
        out.push(read_component(&item)?);
        read_components(&item, out)?;
    }
    Ok(())
}

fn read_component(item: &Object<'_>) -> Result<Component, SbomError> {
    let (purl, purl_version) = read_purl(item.opt_str("purl")?, || item.path_of("purl"))?;
    let supplier = match item.opt_object("supplier")? {
        Some(supplier) => supplier.opt_str("name")?,
        None => item.opt_str("publisher")?,
    };
    Ok(Component {
        purl,
        version: purl_version.or(item.opt_str("version")?.map(str::to_owned)),
        cpe: item.opt_str("cpe")?.map(str::to_owned),
        name: item.req_str("name")?.to_owned(),
        ref_id: item.opt_str("bom-ref")?.map(str::to_owned),
        group: item.opt_str("group")?.map(str::to_owned),
        supplier: supplier.map(str::to_owned),
    })
}

/// Maps `bom-ref` to component index; drops the metadata component (index
/// 0) when a listed component has the same `bom-ref`.
fn index_refs(components: &mut Vec<Component>) -> HashMap<String, usize> {
    let duplicate_own = components
        .first()
        .and_then(|own| own.ref_id.as_ref())
        .is_some_and(|r| {
            components
                .iter()
                .skip(1)
                .any(|c| c.ref_id.as_ref() == Some(r))
        });
    if duplicate_own {
        components.remove(0);
    }
    let mut refs = HashMap::new();
    for (index, component) in components.iter().enumerate() {
        if let Some(r) = &component.ref_id {
            refs.entry(r.clone()).or_insert(index);
        }
    }
    refs
}

fn read_vex(
    root: &Object<'_>,
    components: &[Component],
    refs: &HashMap<String, usize>,
) -> Result<Vec<SbomVexStatement>, SbomError> {
    let serial = root
        .opt_str("serialNumber")?
        .and_then(|s| s.strip_prefix("urn:uuid:"));
    let mut out = Vec::new();
    for vulnerability in root.objects("vulnerabilities")? {
        let Some(id) = vulnerability.opt_str("id")? else {
            continue;
        };
        let Some(analysis) = vulnerability.opt_object("analysis")? else {
            continue;
        };
        let Some(state) = analysis.opt_str("state")? else {
            continue;
        };
        let Some(status) = state_status(state) else {
            return Err(SbomError::field(
                analysis.path_of("state"),
                "unknown analysis state",
            ));
        };
        let mut aliases = Vec::new();
        for reference in vulnerability.objects("references")? {
            if let Some(alias) = reference.opt_str("id")? {
                aliases.push(alias.to_owned());
            }
        }
        let justification = analysis.opt_str("justification")?.map(str::to_owned);
        let detail = analysis.opt_str("detail")?.map(str::to_owned);
        for affects in vulnerability.objects("affects")? {
            let reference = affects.req_str("ref")?;
            let Some(&index) = resolve_ref(reference, serial).and_then(|r| refs.get(&r)) else {
                continue;
            };
            let component = &components[index];
            for (version, status) in affected_versions(&affects, component, status)? {
                out.push(SbomVexStatement {
                    vulnerability: id.to_owned(),
                    aliases: aliases.clone(),
                    component: index,
                    statement: VexStatement {
                        product: component.product(),
                        version,
                        status,
                        justification: justification.clone(),
                        detail: detail.clone(),
                    },
                });
            }
        }
    }
    Ok(out)
}

/// The (version, status) pairs an `affects[]` entry gives the component.
fn affected_versions(
    affects: &Object<'_>,
    component: &Component,
    status: VexStatus,
) -> Result<Vec<(Option<String>, VexStatus)>, SbomError> {
    let versions = affects.objects("versions")?;
    if versions.is_empty() {
        return Ok(vec![(component.version.clone(), status)]);
    }
    let mut out = Vec::new();
    for entry in versions {
        let Some(version) = entry.opt_str("version")? else {
            continue;
        };
        if component.version.as_deref() != Some(version) {
            continue;
        }
        let entry_status = match entry.opt_str("status")? {
            Some("unaffected") => VexStatus::NotAffected,
            Some("unknown") => VexStatus::UnderInvestigation,
            _ => status,
        };
        out.push((Some(version.to_owned()), entry_status));
    }
    Ok(out)
}

fn state_status(state: &str) -> Option<VexStatus> {
    Some(match state {
        "not_affected" | "false_positive" => VexStatus::NotAffected,
        "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "exploitable" => VexStatus::Affected,
        "in_triage" => VexStatus::UnderInvestigation,
        _ => return None,
    })
}

/// The `bom-ref` an `affects[].ref` names in this BOM: itself, or the
/// fragment of a BOM-link (`urn:cdx:<serial>/<version>#<bom-ref>`) to this
/// BOM's serial number.
fn resolve_ref(reference: &str, serial: Option<&str>) -> Option<String> {
    let Some(link) = reference.strip_prefix("urn:cdx:") else {
        return Some(reference.to_owned());
    };
    let (bom, fragment) = link.split_once('#')?;
    let (link_serial, _version) = bom.split_once('/').unwrap_or((bom, ""));
    if Some(link_serial) != serial {
        return None;
    }
    // BOM-link fragments are percent-encoded bom-refs.
    super::purl::percent_decode(fragment).ok()
}

#[cfg(test)]
mod tests {
    use crate::model::VexStatus;
    use crate::sbom::{parse_sbom, SbomError};

    const NESTED: &str = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": "urn:uuid:1111",
      "metadata": {"component": {"type": "application", "name": "shop", "version": "2.0",
                                 "bom-ref": "root", "purl": "pkg:npm/shop@2.0"}},
      "components": [
        {"type": "library", "name": "Lodash", "version": "4.17.20", "bom-ref": "a",
         "purl": "pkg:npm/Lodash@4.17.20", "supplier": {"name": "OpenJS"},
         "components": [
           {"type": "library", "name": "inner", "group": "@scope", "version": "1.0.0",
            "bom-ref": "a/b", "purl": "pkg:npm/%40scope/inner@1.0.0",
            "components": [{"type": "library", "name": "deep", "version": "9"}]}
         ]},
        {"type": "library", "name": "openssl", "version": "3.0.1",
         "cpe": "cpe:2.3:a:openssl:openssl:3.0.1:*:*:*:*:*:*:*", "unknownField": [1, 2]}
      ]
    }"#;

    #[test]
    fn reads_nested_components_depth_first_with_the_bom_component_first() {
        let sbom = parse_sbom(NESTED.as_bytes()).unwrap();
        assert_eq!(sbom.spec_version, "1.6");
        assert_eq!(sbom.name.as_deref(), Some("shop"));
        let names: Vec<_> = sbom.components.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["shop", "Lodash", "inner", "deep", "openssl"]);
        let lodash = &sbom.components[1];
        assert_eq!(lodash.purl.as_deref(), Some("pkg:npm/lodash"));
        assert_eq!(lodash.version.as_deref(), Some("4.17.20"));
        assert_eq!(lodash.supplier.as_deref(), Some("OpenJS"));
        let inner = &sbom.components[2];
        assert_eq!(inner.purl.as_deref(), Some("pkg:npm/%40scope/inner"));
        assert_eq!(inner.group.as_deref(), Some("@scope"));
        assert_eq!(inner.ref_id.as_deref(), Some("a/b"));
        assert_eq!(sbom.components[3].purl, None);
        assert_eq!(sbom.components[3].version.as_deref(), Some("9"));
        assert!(sbom.components[4]
            .cpe
            .as_deref()
            .is_some_and(|c| c.contains("openssl:3.0.1")));
    }

    #[test]
    fn names_the_bad_field() {
        let bad = NESTED.replace("pkg:npm/%40scope/inner@1.0.0", "npm/inner");
        let err = parse_sbom(bad.as_bytes()).unwrap_err();
        assert!(matches!(err, SbomError::Purl { .. }));
        assert_eq!(
            err.to_string(),
            "`components[0].components[0].purl`: a package URL starts with `pkg:`"
        );
        let bad = NESTED.replace(r#""version": "9""#, r#""version": 9"#);
        let err = parse_sbom(bad.as_bytes()).unwrap_err().to_string();
        assert_eq!(
            err,
            "`components[0].components[0].components[0].version`: expected a string"
        );
        let bad = NESTED.replace(r#""specVersion": "1.6""#, r#""specVersion": "2.0""#);
        let err = parse_sbom(bad.as_bytes()).unwrap_err().to_string();
        assert!(
            err.starts_with("`specVersion`: unsupported version `2.0`"),
            "{err}"
        );
        let bad = NESTED.replace(r#""name": "openssl","#, "");
        let err = parse_sbom(bad.as_bytes()).unwrap_err().to_string();
        assert_eq!(err, "`components[1].name`: required string is missing");
    }

    #[test]
    fn vulnerabilities_with_analysis_become_statements_about_own_components() {
        let doc = NESTED.replace(
            r#""components": ["#,
            r#""vulnerabilities": [
              {"id": "CVE-2021-1", "references": [{"id": "GHSA-aaaa-bbbb-cccc"}],
               "analysis": {"state": "not_affected", "justification": "code_not_reachable",
                            "detail": "never called"},
               "affects": [{"ref": "a"}, {"ref": "urn:cdx:1111/1#a%2Fb"},
                           {"ref": "urn:cdx:9999/1#a"}, {"ref": "missing"}]},
              {"id": "CVE-2021-2", "analysis": {"state": "resolved"},
               "affects": [{"ref": "root", "versions": [
                   {"version": "1.0", "status": "affected"},
                   {"version": "2.0", "status": "affected"},
                   {"range": "vers:npm/<3", "status": "affected"}]}]},
              {"id": "CVE-2021-3", "affects": [{"ref": "a"}]}
            ],
            "components": ["#,
        );
        let sbom = parse_sbom(doc.as_bytes()).unwrap();
        let got: Vec<_> = sbom
            .vex
            .iter()
            .map(|v| (v.vulnerability.as_str(), v.component, v.statement.status))
            .collect();
        assert_eq!(
            got,
            [
                ("CVE-2021-1", 1, VexStatus::NotAffected),
                ("CVE-2021-1", 2, VexStatus::NotAffected),
                ("CVE-2021-2", 0, VexStatus::Fixed),
            ]
        );
        let first = &sbom.vex[0];
        assert_eq!(first.aliases, ["GHSA-aaaa-bbbb-cccc"]);
        assert_eq!(
            first.statement.product.purl.as_deref(),
            Some("pkg:npm/lodash")
        );
        assert_eq!(first.statement.version.as_deref(), Some("4.17.20"));
        assert_eq!(
            first.statement.justification.as_deref(),
            Some("code_not_reachable")
        );
        assert_eq!(sbom.vex[2].statement.version.as_deref(), Some("2.0"));
    }

    #[test]
    fn a_listed_copy_of_the_bom_component_is_not_counted_twice() {
        let doc = NESTED.replace(r#""bom-ref": "a","#, r#""bom-ref": "root","#);
        let sbom = parse_sbom(doc.as_bytes()).unwrap();
        assert_eq!(sbom.components.len(), 4);
        assert_eq!(sbom.components[0].name, "Lodash");
    }
}
