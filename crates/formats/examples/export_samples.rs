//! Writes a varied set of generated advisories in every export format, for
//! `scripts/conformance/validate_exports.sh` to check with each ecosystem's
//! own validator.
//!
//! ```text
//! cargo run -p bulwark-formats --example export_samples -- OUT_DIR
//! ```
//!
//! Layout: `OUT_DIR/{csaf,osv,cve5,stix}/*.json` and `OUT_DIR/provider/…`
//! (a CSAF provider directory). CVE records are written only for TLP:CLEAR
//! advisories with a CVE alias, as the exporter allows.

use std::error::Error;
use std::fs;
use std::path::Path;

use bulwark_formats::export::{
    csaf_provider_layout, to_csaf, to_cve5_cna, to_osv, to_stix_bundle, CnaOrg, ExportError,
};
use bulwark_formats::model::{
    Advisory, Affected, Exploitation, Indicator, Product, Publisher, RangeEvent, RangeKind,
    Reference, Remediation, RemediationKind, Severity, Tlp, VersionRange, VexStatement, VexStatus,
};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};

fn main() -> Result<(), Box<dyn Error>> {
    let out = std::env::args()
        .nth(1)
        .ok_or("usage: export_samples OUT_DIR")?;
    let out = Path::new(&out);
    for dir in ["csaf", "osv", "cve5", "stix", "provider"] {
        fs::create_dir_all(out.join(dir))?;
    }
    let advisories = samples();
    let mut cve_records = 0;
    for advisory in &advisories {
        cve_records += usize::from(write_advisory(out, advisory)?);
    }
    let bundle = to_stix_bundle(&advisories, &publisher())?;
    write_json(&out.join("stix").join("all-advisories.json"), &bundle)?;
    let now = at(2026, 11, 23, 9, 0, 0);
    let base_url = "https://bulwark.example/.well-known/csaf";
    let provider = csaf_provider_layout(&advisories, base_url, now)?;
    for file in &provider {
        let path = out.join("provider").join(&file.path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        fs::write(path, &file.bytes)?;
    }
    let n = advisories.len();
    println!(
        "wrote {n} CSAF, {n} OSV, {cve_records} CVE 5, {} STIX bundles, {} provider files to {}",
        n + 1,
        provider.len(),
        out.display()
    );
    Ok(())
}

/// Writes one advisory as CSAF, OSV, a STIX bundle and, when the exporter
/// allows it, a CVE record; says whether it wrote the CVE record.
fn write_advisory(out: &Path, advisory: &Advisory) -> Result<bool, Box<dyn Error>> {
    let name = format!("{}.json", advisory.id.to_ascii_lowercase());
    write_json(&out.join("csaf").join(&name), &to_csaf(advisory)?)?;
    write_json(&out.join("osv").join(&name), &to_osv(advisory)?)?;
    let bundle = to_stix_bundle(std::slice::from_ref(advisory), &publisher())?;
    write_json(&out.join("stix").join(&name), &bundle)?;
    let cna = CnaOrg::new("6f1c3e2a-9b4d-4c1e-8f2a-3d5b7c9e1a24", "bulwark")?;
    match to_cve5_cna(advisory, &cna) {
        Ok(record) => {
            write_json(&out.join("cve5").join(&name), &record)?;
            Ok(true)
        }
        // Expected refusals: no CVE id, or not TLP:CLEAR.
        Err(ExportError::MissingCve { .. } | ExportError::NotPublic { .. }) => Ok(false),
        Err(other) => Err(other.into()),
    }
}

fn write_json(path: &Path, value: &serde_json::Value) -> Result<(), Box<dyn Error>> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    fs::write(path, bytes)?;
    Ok(())
}

fn at(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, s)
        .single()
        .unwrap_or_default()
}

fn publisher() -> Publisher {
    Publisher {
        name: "Bulwark Clearinghouse".into(),
        namespace: "https://bulwark.example".into(),
        contact: Some("psirt@bulwark.example".into()),
    }
}

fn package(purl: &str, name: &str) -> Product {
    Product {
        purl: Some(purl.into()),
        name: name.into(),
        ..Product::default()
    }
}

fn range(kind: RangeKind, events: &[(&str, &str)]) -> VersionRange {
    let events = events
        .iter()
        .map(|(event, version)| match *event {
            "introduced" => RangeEvent::Introduced((*version).into()),
            "fixed" => RangeEvent::Fixed((*version).into()),
            "last_affected" => RangeEvent::LastAffected((*version).into()),
            _ => RangeEvent::Limit((*version).into()),
        })
        .collect();
    VersionRange { kind, events }
}

fn affected(product: Product, ranges: Vec<VersionRange>) -> Affected {
    Affected {
        product,
        ranges,
        ..Affected::default()
    }
}

fn reference(url: &str, kind: &str) -> Reference {
    Reference {
        url: url.into(),
        kind: Some(kind.into()),
    }
}

fn cvss3(vector: &str) -> Severity {
    Severity::CvssV3 {
        vector: vector.into(),
    }
}

fn base(id: &str, tlp: Tlp, title: &str) -> Advisory {
    Advisory {
        id: id.into(),
        revision: 1,
        title: title.into(),
        description: format!(
            "{title}. Found by an AI model during review and confirmed by the vendor."
        ),
        aliases: Vec::new(),
        cwes: Vec::new(),
        severities: Vec::new(),
        affected: Vec::new(),
        remediations: Vec::new(),
        exploitation: None,
        vex: Vec::new(),
        indicators: Vec::new(),
        references: vec![reference(
            &format!("https://bulwark.example/advisories/{id}"),
            "advisory",
        )],
        tlp,
        published: at(2026, 3, 1, 12, 0, 0),
        modified: at(2026, 3, 1, 12, 0, 0),
        publisher: publisher(),
    }
}

/// Seven advisories covering the formats' branches: with and without CVE,
/// eleven ecosystems plus a CPE-only product, all five TLP levels, VEX of
/// every status, indicators, CVSS 3.0/3.1/4.0, exploitation, revisions,
/// all-versions products, listed versions and Git ranges.
fn samples() -> Vec<Advisory> {
    vec![
        cargo_pypi(),
        npm_maven(),
        go_deb_gem(),
        nuget_composer(),
        appliance(),
        hex_pub(),
        clear_mixed(),
    ]
}

fn cargo_pypi() -> Advisory {
    let mut a = base(
        "BWK-2026-000123",
        Tlp::Amber,
        "Heap overflow in framewerk's frame parser",
    );
    let framewerk = package("pkg:cargo/framewerk", "framewerk");
    a.revision = 2;
    a.modified = at(2026, 3, 15, 8, 30, 0);
    a.aliases = vec!["CVE-2026-12345".into(), "GHSA-abcd-efgh-ijkl".into()];
    a.cwes = vec![787];
    a.severities = vec![cvss3("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H")];
    a.affected = vec![
        affected(
            framewerk.clone(),
            vec![range(
                RangeKind::Semver,
                &[("introduced", "1.0.0"), ("fixed", "1.4.2")],
            )],
        ),
        affected(
            package("pkg:pypi/framewerk-py", "framewerk-py"),
            vec![range(
                RangeKind::Ecosystem,
                &[("introduced", "0"), ("fixed", "2.3.1")],
            )],
        ),
    ];
    a.remediations = vec![Remediation {
        kind: RemediationKind::VendorFix,
        product: Some(framewerk),
        fixed_version: Some("1.4.2".into()),
        text: "Upgrade framewerk to 1.4.2 or later.".into(),
        url: Some("https://github.com/example/framewerk/releases/tag/v1.4.2".into()),
    }];
    a.vex = vec![VexStatement {
        product: package("pkg:npm/framewerk-js", "framewerk-js"),
        version: Some("3.0.0".into()),
        status: VexStatus::NotAffected,
        justification: Some("vulnerable_code_not_present".into()),
        detail: None,
    }];
    a.indicators = vec![Indicator {
        name: "Exploit sample".into(),
        pattern: "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f']".into(),
        pattern_type: "stix".into(),
    }];
    a.references.push(reference(
        "https://github.com/example/framewerk/commit/0123456789abcdef",
        "fix",
    ));
    a
}

fn npm_maven() -> Advisory {
    let mut a = base(
        "BWK-2026-000131",
        Tlp::Clear,
        "Prototype pollution in @acme/merge-deep",
    );
    a.aliases = vec!["CVE-2026-20001".into()];
    a.cwes = vec![1321, 20];
    a.severities = vec![
        cvss3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:L"),
        Severity::CvssV4 {
            vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:L/SC:N/SI:N/SA:N".into(),
        },
    ];
    let npm = package("pkg:npm/%40acme/merge-deep", "merge-deep");
    a.affected = vec![
        affected(
            npm.clone(),
            vec![range(
                RangeKind::Semver,
                &[
                    ("introduced", "0"),
                    ("fixed", "4.1.3"),
                    ("introduced", "5.0.0"),
                    ("fixed", "5.0.2"),
                ],
            )],
        ),
        affected(
            package("pkg:maven/com.acme/merge-deep-java", "merge-deep-java"),
            vec![range(
                RangeKind::Ecosystem,
                &[("introduced", "1.0"), ("last_affected", "1.7.4")],
            )],
        ),
    ];
    a.remediations = vec![
        Remediation {
            kind: RemediationKind::VendorFix,
            product: Some(npm),
            fixed_version: Some("4.1.3".into()),
            text: String::new(),
            url: None,
        },
        Remediation {
            kind: RemediationKind::Workaround,
            product: None,
            fixed_version: None,
            text: "Freeze Object.prototype before merging untrusted input.".into(),
            url: None,
        },
    ];
    a.exploitation = Some(Exploitation {
        kev: true,
        date_added: NaiveDate::from_ymd_opt(2026, 3, 4),
        note: Some("Exploited against build servers.".into()),
        ..Exploitation::default()
    });
    a.references.push(reference(
        "https://github.com/acme/merge-deep/pull/77",
        "fix",
    ));
    a
}

fn go_deb_gem() -> Advisory {
    let mut a = base(
        "BWK-2026-000140",
        Tlp::Green,
        "Path traversal in archive extraction",
    );
    a.revision = 3;
    a.modified = at(2026, 4, 2, 16, 45, 10);
    a.aliases = vec!["GHSA-wxyz-1234-abcd".into()];
    a.cwes = vec![22];
    a.severities = vec![cvss3("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N")];
    a.affected = vec![
        affected(
            package(
                "pkg:golang/github.com/acme/unpack",
                "github.com/acme/unpack",
            ),
            vec![range(
                RangeKind::Semver,
                &[("introduced", "0.3.0"), ("fixed", "0.9.1")],
            )],
        ),
        affected(
            Product {
                ecosystem: Some("Debian:12".into()),
                ..package("pkg:deb/debian/unpack-tools", "unpack-tools")
            },
            vec![range(
                RangeKind::Ecosystem,
                &[("introduced", "0"), ("fixed", "1.2-3+deb12u1")],
            )],
        ),
        Affected {
            product: package("pkg:gem/unpack", "unpack"),
            all_versions: true,
            ..Affected::default()
        },
    ];
    a.remediations = vec![Remediation {
        kind: RemediationKind::NoFixPlanned,
        product: Some(package("pkg:gem/unpack", "unpack")),
        fixed_version: None,
        text: "The gem is unmaintained; replace it.".into(),
        url: None,
    }];
    a.indicators = vec![Indicator {
        name: "Traversal in archive entry names".into(),
        pattern: "[file:name MATCHES '^\\\\.\\\\./']".into(),
        pattern_type: "stix".into(),
    }];
    a
}

fn nuget_composer() -> Advisory {
    let mut a = base(
        "BWK-2026-000152",
        Tlp::Red,
        "Authentication bypass in Acme.Identity",
    );
    a.aliases = vec!["CVE-2026-20017".into()];
    a.cwes = vec![287];
    a.severities = vec![Severity::CvssV4 {
        vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:N/SC:N/SI:N/SA:N/E:A".into(),
    }];
    a.affected = vec![
        Affected {
            product: package("pkg:nuget/Acme.Identity", "Acme.Identity"),
            versions: vec!["6.0.0".into(), "6.0.1".into()],
            ..Affected::default()
        },
        affected(
            package("pkg:composer/acme/identity", "acme/identity"),
            vec![range(
                RangeKind::Ecosystem,
                &[("introduced", "3.0.0"), ("fixed", "3.2.0")],
            )],
        ),
    ];
    a.vex = vec![
        VexStatement {
            product: package("pkg:nuget/Acme.Identity", "Acme.Identity"),
            version: Some("5.9.0".into()),
            status: VexStatus::UnderInvestigation,
            justification: None,
            detail: None,
        },
        VexStatement {
            product: package("pkg:nuget/Acme.Identity.Legacy", "Acme.Identity.Legacy"),
            version: None,
            status: VexStatus::Affected,
            justification: None,
            detail: None,
        },
    ];
    a.indicators = vec![Indicator {
        name: "Forged token header".into(),
        pattern: "title: Forged token\ndetection:\n  sel:\n    header|contains: 'alg: none'\n  condition: sel".into(),
        pattern_type: "sigma".into(),
    }];
    a
}

fn appliance() -> Advisory {
    let mut a = base(
        "BWK-2025-000977",
        Tlp::AmberStrict,
        "Command injection in Example Appliance web UI",
    );
    a.published = at(2025, 12, 20, 7, 0, 0);
    a.modified = at(2026, 1, 5, 7, 0, 0);
    a.revision = 2;
    a.aliases = vec!["CVE-2025-99001".into()];
    a.cwes = vec![78];
    a.severities = vec![cvss3("CVSS:3.0/AV:A/AC:L/PR:H/UI:N/S:C/C:H/I:H/A:H")];
    a.affected = vec![Affected {
        product: Product {
            cpe: Some("cpe:2.3:o:example:appliance_firmware:*:*:*:*:*:*:*:*".into()),
            vendor: Some("Example".into()),
            name: "Appliance firmware".into(),
            ..Product::default()
        },
        ranges: vec![range(
            RangeKind::Ecosystem,
            &[("introduced", "4.0"), ("fixed", "4.6")],
        )],
        ..Affected::default()
    }];
    a.vex = vec![VexStatement {
        product: Product {
            vendor: Some("Example".into()),
            name: "Appliance firmware".into(),
            cpe: Some("cpe:2.3:o:example:appliance_firmware:3.9:*:*:*:*:*:*:*".into()),
            ..Product::default()
        },
        version: Some("3.9".into()),
        status: VexStatus::NotAffected,
        justification: Some("requires_configuration".into()),
        detail: Some("The web UI is not present in 3.x.".into()),
    }];
    a.remediations = vec![Remediation {
        kind: RemediationKind::Mitigation,
        product: None,
        fixed_version: None,
        text: "Restrict the management interface to a dedicated network.".into(),
        url: None,
    }];
    a
}

fn hex_pub() -> Advisory {
    let mut a = base(
        "BWK-2026-000166",
        Tlp::Clear,
        "Denial of service in YAML decoders",
    );
    a.aliases = vec!["CVE-2026-20042".into(), "GHSA-hhhh-pppp-0000".into()];
    a.cwes = vec![400, 674];
    a.severities = vec![
        cvss3("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H"),
        Severity::Qualitative {
            rating: "high".into(),
        },
    ];
    a.affected = vec![
        affected(
            package("pkg:hex/yamerl", "yamerl"),
            vec![range(
                RangeKind::Semver,
                &[("introduced", "0.8.0"), ("fixed", "0.10.1")],
            )],
        ),
        affected(
            package("pkg:pub/yaml", "yaml"),
            vec![range(
                RangeKind::Semver,
                &[("introduced", "3.0.0"), ("limit", "3.1.0")],
            )],
        ),
    ];
    a.remediations = vec![Remediation {
        kind: RemediationKind::VendorFix,
        product: Some(package("pkg:hex/yamerl", "yamerl")),
        fixed_version: Some("0.10.1".into()),
        text: "Upgrade yamerl to 0.10.1.".into(),
        url: Some("https://hex.pm/packages/yamerl/0.10.1".into()),
    }];
    a
}

fn clear_mixed() -> Advisory {
    let mut a = base(
        "BWK-2026-000171",
        Tlp::Clear,
        "Use after free in the Example router firmware",
    );
    a.revision = 5;
    a.modified = at(2026, 6, 30, 23, 59, 59);
    a.aliases = vec!["CVE-2026-20099".into()];
    a.cwes = vec![416, 1385];
    a.severities = vec![cvss3("CVSS:3.0/AV:A/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H")];
    a.affected = vec![
        Affected {
            product: Product {
                cpe: Some("cpe:2.3:o:example:router_firmware:*:*:*:*:*:*:*:*".into()),
                vendor: Some("Example".into()),
                name: "Router firmware".into(),
                ..Product::default()
            },
            versions: vec!["7.1".into(), "7.2".into()],
            ranges: vec![range(
                RangeKind::Git,
                &[
                    ("introduced", "3f1c0a9e5d2b4c6a8e0f1a2b3c4d5e6f7a8b9c0d"),
                    ("fixed", "9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b"),
                ],
            )],
            ..Affected::default()
        },
        Affected {
            product: package("pkg:cran/routeR", "routeR"),
            all_versions: true,
            ..Affected::default()
        },
    ];
    a.vex = vec![VexStatement {
        product: package("pkg:cargo/router-sim", "router-sim"),
        version: None,
        status: VexStatus::NotAffected,
        justification: Some("code_not_reachable".into()),
        detail: Some("The simulator never frees sessions.".into()),
    }];
    a.remediations = vec![Remediation {
        kind: RemediationKind::NoneAvailable,
        product: None,
        fixed_version: None,
        text: String::new(),
        url: None,
    }];
    a.exploitation = Some(Exploitation {
        note: Some("Proof-of-concept published.".into()),
        ..Exploitation::default()
    });
    a
}
