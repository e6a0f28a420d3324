//! Both directions end to end: SBOMs parsed, matched, VEX applied.

use super::*;
use crate::model::{
    Affected, Product, RangeEvent, RangeKind, VersionRange, VexStatement, VexStatus,
};
use crate::sbom::{parse_sbom, Sbom};

fn semver_entry(purl: &str, introduced: &str, fixed: &str) -> Affected {
    Affected {
        product: Product {
            purl: Some(purl.into()),
            ..Product::default()
        },
        ranges: vec![VersionRange {
            kind: RangeKind::Semver,
            events: vec![
                RangeEvent::Introduced(introduced.into()),
                RangeEvent::Fixed(fixed.into()),
            ],
        }],
        ..Affected::default()
    }
}

/// An SBOM with lodash 4.17.20 (twice: top level and nested), minimist
/// 1.2.5, and a statement that its minimist is not affected by CVE-2021-44906.
fn shop() -> Sbom {
    let doc = r#"{
      "bomFormat": "CycloneDX", "specVersion": "1.5",
      "components": [
        {"type": "library", "name": "lodash", "version": "4.17.20", "bom-ref": "l",
         "purl": "pkg:npm/lodash@4.17.20",
         "components": [{"type": "library", "name": "minimist", "bom-ref": "m",
                         "purl": "pkg:npm/minimist@1.2.5"}]},
        {"type": "library", "name": "lodash", "purl": "pkg:npm/lodash@4.17.20"},
        {"type": "library", "name": "left-pad", "purl": "pkg:npm/left-pad"}
      ],
      "vulnerabilities": [{"id": "CVE-2021-44906",
        "analysis": {"state": "not_affected", "justification": "code_not_reachable"},
        "affects": [{"ref": "m"}]}]
    }"#;
    parse_sbom(doc.as_bytes()).unwrap()
}

fn other() -> Sbom {
    let doc = r#"{"spdxVersion": "SPDX-2.3", "name": "svc", "packages": [
        {"SPDXID": "SPDXRef-a", "name": "minimist", "externalRefs": [
          {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
           "referenceLocator": "pkg:npm/minimist@1.2.0"}]},
        {"SPDXID": "SPDXRef-b", "name": "lodash", "externalRefs": [
          {"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
           "referenceLocator": "pkg:npm/lodash@4.17.21"}]}]}"#;
    parse_sbom(doc.as_bytes()).unwrap()
}

const LODASH: AdvisoryKey = 10;
const MINIMIST: AdvisoryKey = 20;

fn advisories() -> AdvisoryIndex {
    let mut index = AdvisoryIndex::new();
    index.insert(LODASH, &[semver_entry("pkg:npm/lodash", "0", "4.17.21")]);
    index.insert(MINIMIST, &[semver_entry("pkg:npm/minimist", "0", "1.2.6")]);
    index
}

#[test]
fn one_sbom_against_all_advisories_with_its_own_vex() {
    let sbom = shop();
    let index = advisories();
    let mut matches = index.match_components(&sbom.components);
    let found: Vec<_> = matches
        .iter()
        .map(|m| (m.component, m.advisory, m.fixed.as_deref()))
        .collect();
    assert_eq!(
        found,
        [
            (0, LODASH, Some("4.17.21")),
            (1, MINIMIST, Some("1.2.6")),
            (2, LODASH, Some("4.17.21"))
        ]
    );
    let mut vex = Suppressions::new();
    vex.add_sbom(&sbom.vex, |id| (id == "CVE-2021-44906").then_some(MINIMIST));
    vex.retain(&mut matches, &sbom.components);
    let found: Vec<_> = matches.iter().map(|m| (m.component, m.advisory)).collect();
    assert_eq!(found, [(0, LODASH), (2, LODASH)]);
}

#[test]
fn vendor_statements_suppress_in_both_directions() {
    let sbom = shop();
    let index = advisories();
    let vendor = [VexStatement {
        product: Product {
            purl: Some("pkg:npm/lodash".into()),
            ..Product::default()
        },
        version: Some("4.17.20".into()),
        status: VexStatus::NotAffected,
        justification: Some("vulnerable_code_not_present".into()),
        detail: None,
    }];
    let mut matches = index.match_components(&sbom.components);
    let mut vex = Suppressions::new();
    vex.add_vendor(LODASH, &vendor);
    vex.retain(&mut matches, &sbom.components);
    assert_eq!(
        matches.iter().map(|m| m.advisory).collect::<Vec<_>>(),
        [MINIMIST]
    );

    let mut inventories = InventoryIndex::new();
    inventories.insert(1, &sbom.components, &sbom.vex);
    let lodash = [semver_entry("pkg:npm/lodash", "0", "4.17.21")];
    let ids = ["GHSA-x".to_owned()];
    let with = AdvisoryVex {
        ids: &ids,
        statements: &vendor,
    };
    assert!(inventories.match_advisory_with(&lodash, &with).is_empty());
    assert_eq!(inventories.match_advisory(&lodash).len(), 2);
}

/// (inventory, component, affected entry, fixing version), sorted.
fn summary(matches: Vec<InventoryMatch>) -> Vec<(u64, usize, usize, Option<String>)> {
    let mut rows: Vec<_> = matches
        .into_iter()
        .map(|m| (m.inventory, m.component, m.affected, m.fixed))
        .collect();
    rows.sort();
    rows
}

/// The shop (key 1) and the SPDX service (key 2), registered.
fn registered() -> InventoryIndex {
    let mut inventories = InventoryIndex::new();
    let (shop, other) = (shop(), other());
    assert_eq!(inventories.insert(1, &shop.components, &shop.vex), 4);
    assert_eq!(inventories.insert(2, &other.components, &other.vex), 2);
    inventories
}

fn minimist() -> [Affected; 2] {
    [
        semver_entry("pkg:npm/express", "0", "9.9.9"),
        semver_entry("pkg:npm/minimist", "0", "1.2.6"),
    ]
}

#[test]
fn one_advisory_against_all_inventories() {
    let inventories = registered();
    assert_eq!(
        (inventories.inventory_count(), inventories.component_count()),
        (2, 6)
    );
    let minimist = minimist();
    let fix = Some("1.2.6".to_owned());
    assert_eq!(
        summary(inventories.match_advisory(&minimist)),
        [(1, 1, 1, fix.clone()), (2, 0, 1, fix.clone())]
    );
    // The shop's SBOM says its minimist is not affected by this CVE.
    let ids = ["BWK-2026-000001".to_owned(), "cve-2021-44906".to_owned()];
    let vex = AdvisoryVex {
        ids: &ids,
        statements: &[],
    };
    assert_eq!(
        summary(inventories.match_advisory_with(&minimist, &vex)),
        [(2, 0, 1, fix)]
    );

    let lodash = [semver_entry("pkg:npm/lodash", "4.0.0", "4.17.21")];
    let lodash_fix = Some("4.17.21".to_owned());
    assert_eq!(
        summary(inventories.match_advisory(&lodash)),
        [(1, 0, 0, lodash_fix.clone()), (1, 2, 0, lodash_fix)]
    );
    // Versionless components match only entries affecting every version.
    let mut every = semver_entry("pkg:npm/left-pad", "0", "1.0.0");
    every.all_versions = true;
    assert_eq!(
        summary(inventories.match_advisory(&[every])),
        [(1, 3, 0, None)]
    );
    let some = semver_entry("pkg:npm/left-pad", "0", "1.0.0");
    assert!(inventories.match_advisory(&[some]).is_empty());
}

#[test]
fn inventories_are_removed_and_replaced() {
    let mut inventories = registered();
    let minimist = minimist();
    let fix = Some("1.2.6".to_owned());
    assert!(inventories.remove(1));
    assert!(!inventories.remove(1));
    assert_eq!(inventories.component_count(), 2);
    assert_eq!(
        summary(inventories.match_advisory(&minimist)),
        [(2, 0, 1, fix.clone())]
    );
    let mut every = semver_entry("pkg:npm/left-pad", "0", "1.0.0");
    every.all_versions = true;
    assert!(inventories.match_advisory(&[every]).is_empty());
    // Re-registering reuses the freed slot and replaces.
    let shop = shop();
    inventories.insert(3, &shop.components, &[]);
    inventories.insert(3, &shop.components, &[]);
    assert_eq!(inventories.component_count(), 6);
    assert_eq!(
        summary(inventories.match_advisory(&minimist)),
        [(2, 0, 1, fix.clone()), (3, 1, 1, fix)]
    );
}
