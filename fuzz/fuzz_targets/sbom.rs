//! Arbitrary bytes as an SBOM (CycloneDX or SPDX JSON), then matched.
#![no_main]

use bulwark_formats::matching::{AdvisoryIndex, InventoryIndex};
use bulwark_formats::model::{Affected, Product, RangeEvent, RangeKind, VersionRange};
use bulwark_formats::sbom::{parse_sbom, purl::canonicalize};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(sbom) = parse_sbom(data) else { return };
    // Every purl is canonical and versionless; VEX names real components.
    for component in &sbom.components {
        if let Some(purl) = &component.purl {
            let again = canonicalize(purl).expect("canonical purl parses");
            assert_eq!(&again.purl, purl);
            assert_eq!(again.version, None);
        }
    }
    assert!(sbom.vex.iter().all(|v| v.component < sbom.components.len()));
    // Matching whatever was read must not panic either: an advisory per
    // component, affecting everything below its own version.
    let advisories: Vec<Affected> = sbom
        .components
        .iter()
        .filter_map(|c| {
            Some(Affected {
                product: Product { purl: c.purl.clone(), ..Product::default() },
                ranges: vec![VersionRange {
                    kind: RangeKind::Ecosystem,
                    events: vec![
                        RangeEvent::Introduced("0".into()),
                        RangeEvent::LastAffected(c.version.clone()?),
                    ],
                }],
                ..Affected::default()
            })
        })
        .collect();
    let mut index = AdvisoryIndex::new();
    index.insert(1, &advisories);
    let _ = index.match_components(&sbom.components);
    let mut inventories = InventoryIndex::new();
    inventories.insert(1, &sbom.components, &sbom.vex);
    let _ = inventories.match_advisory(&advisories);
    inventories.remove(1);
    index.remove(1);
});
