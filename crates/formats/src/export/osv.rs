//! OSV records (OSV schema 1.6: every field used here exists since 1.6.0,
//! and records validate against the current 1.7 JSON schema too).
//!
//! OSV describes packages in ecosystems, so only affected products with an
//! OSV ecosystem (their own, or their purl type's) become `affected`
//! entries; the others are listed under `database_specific.other_affected`
//! so nothing is silently dropped. OSV ids need a registered home-database
//! prefix: ids without one are written with the schema's private `x_`
//! prefix (`x_BWK-2026-000123`) until Bulwark's prefix is registered.

use serde::Serialize;
use serde_json::Value;

use super::ecosystem::{osv_ecosystem, Purl};
use super::error::ExportError;
use super::rfc3339;
use crate::model::{Advisory, Affected, RangeEvent, RangeKind, Reference, Severity};

const FORMAT: &str = "OSV";

/// The OSV schema version the records follow.
pub const OSV_SCHEMA_VERSION: &str = "1.6.0";

/// Home-database prefixes OSV has registered (the schema's `prefix`).
const OSV_PREFIXES: &[&str] = &[
    "ASB-A",
    "PUB-A",
    "ALPINE",
    "ALSA",
    "ALBA",
    "ALEA",
    "AZL",
    "BELL",
    "BIT",
    "CGA",
    "CLEANSTART",
    "CLSA",
    "CURL",
    "CVE",
    "DEBIAN",
    "DHI",
    "DRUPAL",
    "DSA",
    "DLA",
    "ELA",
    "DTSA",
    "ECHO",
    "EEF",
    "FreeBSD",
    "GHSA",
    "GO",
    "GSD",
    "HSEC",
    "JLSEC",
    "KUBE",
    "LBSEC",
    "LSN",
    "MAL",
    "MINI",
    "MGASA",
    "OESA",
    "OSEC",
    "OSV",
    "openSUSE-SU",
    "PHSA",
    "PSF",
    "PYSEC",
    "RHBA",
    "RHEA",
    "RHSA",
    "RLSA",
    "RXSA",
    "RSEC",
    "ROOT",
    "RUSTSEC",
    "SUSE-SU",
    "SUSE-RU",
    "SUSE-FU",
    "SUSE-OU",
    "UBUNTU",
    "USN",
    "V8",
];

/// Writes `advisory` as an OSV record.
pub fn to_osv(advisory: &Advisory) -> Result<Value, ExportError> {
    let record = osv_record(advisory);
    serde_json::to_value(&record).map_err(|e| ExportError::json(&advisory.id, FORMAT, e))
}

/// The OSV id for a clearinghouse id: itself when its prefix is registered
/// with OSV, else with the private `x_` prefix.
pub fn osv_id(id: &str) -> String {
    let registered = OSV_PREFIXES.iter().any(|prefix| {
        id.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with('-'))
    });
    if registered || id.starts_with("x_") {
        id.to_owned()
    } else {
        format!("x_{id}")
    }
}

fn osv_record(advisory: &Advisory) -> OsvRecord {
    let id = osv_id(&advisory.id);
    let mut aliases: Vec<String> = Vec::new();
    for alias in &advisory.aliases {
        if *alias != id && !aliases.contains(alias) {
            aliases.push(alias.clone());
        }
    }
    let (affected, other): (Vec<&Affected>, Vec<&Affected>) = advisory
        .affected
        .iter()
        .partition(|a| osv_ecosystem(&a.product).is_some());
    OsvRecord {
        schema_version: OSV_SCHEMA_VERSION,
        id,
        modified: rfc3339(advisory.modified),
        published: rfc3339(advisory.published),
        aliases,
        summary: advisory.title.clone(),
        details: advisory.description.clone(),
        severity: advisory
            .severities
            .iter()
            .filter_map(osv_severity)
            .collect(),
        affected: affected.into_iter().filter_map(osv_affected).collect(),
        references: advisory.references.iter().map(osv_reference).collect(),
        database_specific: DatabaseSpecific {
            cwe_ids: advisory.cwes.iter().map(|n| format!("CWE-{n}")).collect(),
            tlp: advisory.tlp.as_str(),
            severity: advisory.severities.iter().find_map(|s| match s {
                Severity::Qualitative { rating } => Some(rating.to_ascii_uppercase()),
                _ => None,
            }),
            revision: advisory.revision,
            other_affected: other.into_iter().map(other_product).collect(),
        },
    }
}

fn osv_severity(severity: &Severity) -> Option<OsvSeverity> {
    let (kind, vector) = match severity {
        Severity::CvssV3 { vector } => ("CVSS_V3", vector),
        Severity::CvssV4 { vector } => ("CVSS_V4", vector),
        Severity::CvssV2 { vector } => ("CVSS_V2", vector),
        Severity::Qualitative { .. } => return None,
    };
    Some(OsvSeverity {
        kind,
        score: vector.trim().to_owned(),
    })
}

fn osv_affected(affected: &Affected) -> Option<OsvAffected> {
    let product = &affected.product;
    let ecosystem = osv_ecosystem(product)?;
    let purl = product.purl.as_deref().and_then(Purl::parse);
    let name = match &purl {
        Some(purl) => purl.package_name(),
        None => product.name.clone(),
    };
    let mut ranges: Vec<OsvRange> = affected.ranges.iter().filter_map(osv_range).collect();
    if affected.all_versions {
        ranges.push(OsvRange {
            kind: "ECOSYSTEM",
            events: vec![OsvEvent::Introduced("0".to_owned())],
        });
    }
    Some(OsvAffected {
        package: OsvPackage {
            ecosystem,
            name,
            purl: product.purl.clone(),
        },
        ranges,
        versions: affected.versions.clone(),
    })
}

/// A range in OSV form; `None` for Git ranges, which OSV requires a
/// repository URL for and the model does not keep. A range without an
/// `introduced` event (OSV requires one) starts at `0`.
fn osv_range(range: &crate::model::VersionRange) -> Option<OsvRange> {
    let kind = match range.kind {
        RangeKind::Semver => "SEMVER",
        RangeKind::Ecosystem => "ECOSYSTEM",
        RangeKind::Git => return None,
    };
    let mut events: Vec<OsvEvent> = range
        .events
        .iter()
        .map(|event| match event {
            RangeEvent::Introduced(v) => OsvEvent::Introduced(v.clone()),
            RangeEvent::Fixed(v) => OsvEvent::Fixed(v.clone()),
            RangeEvent::LastAffected(v) => OsvEvent::LastAffected(v.clone()),
            RangeEvent::Limit(v) => OsvEvent::Limit(v.clone()),
        })
        .collect();
    if !events.iter().any(|e| matches!(e, OsvEvent::Introduced(_))) {
        events.insert(0, OsvEvent::Introduced("0".to_owned()));
    }
    Some(OsvRange { kind, events })
}

/// OSV reference types for the model's lower-case kinds; unknown → `WEB`.
fn osv_reference(reference: &Reference) -> OsvReference {
    let upper = reference
        .kind
        .as_deref()
        .unwrap_or("web")
        .to_ascii_uppercase();
    let kind = match upper.as_str() {
        "ADVISORY" | "ARTICLE" | "DETECTION" | "DISCUSSION" | "REPORT" | "FIX" | "INTRODUCED"
        | "GIT" | "PACKAGE" | "EVIDENCE" => upper,
        _ => "WEB".to_owned(),
    };
    OsvReference {
        kind,
        url: reference.url.clone(),
    }
}

fn other_product(affected: &Affected) -> OtherProduct {
    OtherProduct {
        vendor: affected.product.vendor.clone(),
        name: affected.product.name.clone(),
        cpe: affected.product.cpe.clone(),
        purl: affected.product.purl.clone(),
    }
}

#[derive(Serialize)]
struct OsvRecord {
    schema_version: &'static str,
    id: String,
    modified: String,
    published: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    aliases: Vec<String>,
    summary: String,
    details: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    severity: Vec<OsvSeverity>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    affected: Vec<OsvAffected>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<OsvReference>,
    database_specific: DatabaseSpecific,
}

#[derive(Serialize)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: &'static str,
    score: String,
}

#[derive(Serialize)]
struct OsvAffected {
    package: OsvPackage,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ranges: Vec<OsvRange>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<String>,
}

#[derive(Serialize)]
struct OsvPackage {
    ecosystem: String,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}

#[derive(Serialize)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: &'static str,
    events: Vec<OsvEvent>,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum OsvEvent {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
}

#[derive(Serialize)]
struct OsvReference {
    #[serde(rename = "type")]
    kind: String,
    url: String,
}

/// Bulwark's own fields.
#[derive(Serialize)]
struct DatabaseSpecific {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cwe_ids: Vec<String>,
    /// The TLP 2.0 label (`AMBER+STRICT`, …): OSV has no TLP field.
    tlp: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<String>,
    revision: u32,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    other_affected: Vec<OtherProduct>,
}

/// An affected product OSV has no ecosystem for.
#[derive(Serialize)]
struct OtherProduct {
    #[serde(skip_serializing_if = "Option::is_none")]
    vendor: Option<String>,
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    cpe: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    purl: Option<String>,
}
