//! Tests of every export on one realistic advisory: two affected packages
//! (a SemVer range with a fixed version, and an ecosystem range), a CVSS 3.1
//! vector, a CWE, a vendor fix, a VEX `not_affected`, an indicator, TLP:AMBER.

mod csaf;
mod osv_cve5;
mod stix_provider;

use chrono::{DateTime, TimeZone, Utc};

use super::*;
use crate::model::{
    Advisory, Affected, Indicator, Product, Publisher, RangeEvent, RangeKind, Reference,
    Remediation, RemediationKind, Severity, Tlp, VersionRange, VexStatement, VexStatus,
};

pub(super) type TestResult = Result<(), Box<dyn std::error::Error>>;

pub(super) const AMBER: &str = "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421";

pub(super) fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .unwrap_or_default()
}

pub(super) fn publisher() -> Publisher {
    Publisher {
        name: "Bulwark Clearinghouse".into(),
        namespace: "https://bulwark.example".into(),
        contact: Some("psirt@bulwark.example".into()),
    }
}

pub(super) fn package(purl: &str, ecosystem: &str, name: &str) -> Product {
    Product {
        purl: Some(purl.into()),
        ecosystem: Some(ecosystem.into()),
        name: name.into(),
        ..Product::default()
    }
}

pub(super) fn advisory() -> Advisory {
    let framewerk = package("pkg:cargo/framewerk", "crates.io", "framewerk");
    Advisory {
        id: "BWK-2026-000123".into(),
        revision: 2,
        title: "Heap overflow in framewerk's frame parser".into(),
        description: "A crafted frame header makes the parser write past its buffer.".into(),
        aliases: vec!["CVE-2026-12345".into(), "GHSA-abcd-efgh-ijkl".into()],
        cwes: vec![787],
        severities: vec![Severity::CvssV3 {
            vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H".into(),
        }],
        affected: vec![
            Affected {
                product: framewerk.clone(),
                ranges: vec![VersionRange {
                    kind: RangeKind::Semver,
                    events: vec![RangeEvent::Introduced("1.0.0".into()), RangeEvent::Fixed("1.4.2".into())],
                }],
                ..Affected::default()
            },
            Affected {
                product: package("pkg:pypi/framewerk-py", "PyPI", "framewerk-py"),
                ranges: vec![VersionRange {
                    kind: RangeKind::Ecosystem,
                    events: vec![RangeEvent::Introduced("0".into()), RangeEvent::Fixed("2.3.1".into())],
                }],
                ..Affected::default()
            },
        ],
        remediations: vec![Remediation {
            kind: RemediationKind::VendorFix,
            product: Some(framewerk),
            fixed_version: Some("1.4.2".into()),
            text: "Upgrade framewerk to 1.4.2 or later.".into(),
            url: Some("https://github.com/example/framewerk/releases/tag/v1.4.2".into()),
        }],
        exploitation: None,
        vex: vec![VexStatement {
            product: package("pkg:npm/framewerk-js", "npm", "framewerk-js"),
            version: Some("3.0.0".into()),
            status: VexStatus::NotAffected,
            justification: Some("vulnerable_code_not_present".into()),
            detail: None,
        }],
        indicators: vec![Indicator {
            name: "Exploit sample".into(),
            pattern: "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']"
                .into(),
            pattern_type: "stix".into(),
        }],
        references: vec![
            Reference {
                url: "https://bulwark.example/advisories/BWK-2026-000123".into(),
                kind: Some("advisory".into()),
            },
            Reference {
                url: "https://github.com/example/framewerk/commit/0123456789abcdef".into(),
                kind: Some("fix".into()),
            },
        ],
        tlp: Tlp::Amber,
        published: at(2026, 3, 1, 12, 0, 0),
        modified: at(2026, 3, 15, 8, 30, 0),
        publisher: publisher(),
    }
}

pub(super) fn cna() -> Result<CnaOrg, ExportError> {
    CnaOrg::new("b3476cb9-2e3d-41a6-98d0-0f47421a65b6", "bulwark")
}
