//! The normalised vulnerability model.
//!
//! Every intake format (native JSON, SARIF, OSV, CSAF, CVE 5, CycloneDX VEX,
//! KEV) is read into [`Report`]s; deduplication, triage and matching work on
//! reports only. What the clearinghouse publishes is an [`Advisory`], from
//! which every export format (CSAF, OSV, CVE 5, STIX 2.1) is written.
//!
//! Version strings stay strings here: their order depends on the ecosystem
//! and is decided where ranges are evaluated.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The format a report arrived in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceFormat {
    /// Bulwark's own JSON (see [`Report`]).
    Native,
    /// SARIF 2.1.0: one report per result.
    Sarif,
    /// OSV (JSON or YAML).
    Osv,
    /// CSAF 2.0: one report per `vulnerabilities[]` entry.
    Csaf,
    /// CVE JSON 5 record.
    Cve5,
    /// CycloneDX VEX: one report per `vulnerabilities[]` entry.
    CyclonedxVex,
    /// The CISA Known Exploited Vulnerabilities catalog: one report per entry.
    Kev,
}

impl SourceFormat {
    /// Every format, in a fixed order.
    pub const ALL: [SourceFormat; 7] = [
        SourceFormat::Native,
        SourceFormat::Sarif,
        SourceFormat::Osv,
        SourceFormat::Csaf,
        SourceFormat::Cve5,
        SourceFormat::CyclonedxVex,
        SourceFormat::Kev,
    ];

    /// The name used on the command line and in the API (`cyclonedx-vex`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            SourceFormat::Native => "native",
            SourceFormat::Sarif => "sarif",
            SourceFormat::Osv => "osv",
            SourceFormat::Csaf => "csaf",
            SourceFormat::Cve5 => "cve5",
            SourceFormat::CyclonedxVex => "cyclonedx-vex",
            SourceFormat::Kev => "kev",
        }
    }

    /// Parses [`as_str`](Self::as_str) names.
    pub fn parse(name: &str) -> Option<SourceFormat> {
        SourceFormat::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// One vulnerability as reported, normalised. Fields a format does not carry
/// stay empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The identifier in the source document, when it has one: an OSV or CVE
    /// id, a CSAF tracking id with the vulnerability's CVE or index
    /// (`RHSA-2024:1#CVE-2024-1`), a SARIF `ruleId` with the result's index.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_id: Option<String>,
    /// Other identifiers of the same vulnerability: `CVE-…`, `GHSA-…`,
    /// `RUSTSEC-…`, OSV ids. Upper-case as their schemes write them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// A one-line title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The description (plain text or Markdown).
    #[serde(default)]
    pub description: String,
    /// CWE numbers (`79` for CWE-79), without duplicates.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cwes: Vec<u32>,
    /// Severity ratings as given (CVSS vectors, qualitative ratings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severities: Vec<Severity>,
    /// The affected products and their affected version ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affected: Vec<Affected>,
    /// Where in source code the vulnerability is (SARIF locations).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub locations: Vec<CodeLocation>,
    /// Tool fingerprints (SARIF `partialFingerprints` and `fingerprints`),
    /// as `(name, value)`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fingerprints: Vec<(String, String)>,
    /// A stack trace or code flow, one frame per line, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stack_trace: Option<String>,
    /// Known exploitation (the KEV catalog, CSAF/CVE exploitation notes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exploitation: Option<Exploitation>,
    /// VEX statements: a product's status for this vulnerability.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub vex: Vec<VexStatement>,
    /// Fixes and workarounds named by the source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remediations: Vec<Remediation>,
    /// Links (advisories, patches, reports).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub references: Vec<Reference>,
    /// When the source says it was published.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<DateTime<Utc>>,
    /// When the source says it last changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<DateTime<Utc>>,
    /// Withdrawn or rejected at the source (OSV `withdrawn`, CVE `REJECTED`).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub withdrawn: bool,
}

/// A severity rating.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Severity {
    /// A CVSS 3.0 or 3.1 vector (`CVSS:3.1/AV:N/…`).
    CvssV3 {
        /// The vector string.
        vector: String,
    },
    /// A CVSS 4.0 vector (`CVSS:4.0/AV:N/…`).
    CvssV4 {
        /// The vector string.
        vector: String,
    },
    /// A CVSS 2 vector (kept, not scored).
    CvssV2 {
        /// The vector string.
        vector: String,
    },
    /// A qualitative rating (`critical`, `high`, `moderate`, `low`, …), lower case.
    Qualitative {
        /// The rating.
        rating: String,
    },
}

/// An affected product and which of its versions are affected.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Affected {
    /// The product.
    pub product: Product,
    /// Affected version ranges (OSV semantics; CVE `versions[]` entries and
    /// CSAF product versions are converted to these).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<VersionRange>,
    /// Individually listed affected versions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Every version is affected (CVE `defaultStatus: affected` with no
    /// versions, a KEV entry naming only a product).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all_versions: bool,
}

/// A product identity: a package URL where there is one (the key for SBOM
/// matching), else a CPE 2.3 name, else vendor and product names.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Product {
    /// `pkg:type/namespace/name` without version, qualifiers or subpath
    /// (canonical: type and, where the purl spec says so, name lower case).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
    /// A CPE 2.3 formatted string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpe: Option<String>,
    /// The OSV ecosystem name (`crates.io`, `PyPI`, `Debian:12`, …) when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ecosystem: Option<String>,
    /// The vendor or supplier name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor: Option<String>,
    /// The product or package name.
    #[serde(default)]
    pub name: String,
}

/// A version range as an ordered list of events (the OSV model).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionRange {
    /// How the versions are ordered.
    pub kind: RangeKind,
    /// Events in the order given.
    pub events: Vec<RangeEvent>,
}

/// How a range's versions are ordered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RangeKind {
    /// SemVer 2.0 precedence, whatever the ecosystem.
    Semver,
    /// The ecosystem's own version order.
    Ecosystem,
    /// Git commits (kept; not evaluated against package versions).
    Git,
}

/// A range event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum RangeEvent {
    /// Affected from this version on (`0`: from the beginning).
    Introduced(String),
    /// Not affected from this version on.
    Fixed(String),
    /// Affected up to and including this version.
    LastAffected(String),
    /// An upper bound on the range (OSV `limit`).
    Limit(String),
}

/// A place in source code.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeLocation {
    /// The file (URI or repository-relative path).
    pub uri: String,
    /// First line (1-based), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_line: Option<u32>,
    /// Last line, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_line: Option<u32>,
    /// The function or logical location, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
}

/// Known exploitation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exploitation {
    /// Listed in the CISA KEV catalog.
    #[serde(default)]
    pub kev: bool,
    /// When it was added to the catalog (or first seen exploited).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date_added: Option<chrono::NaiveDate>,
    /// The remediation due date the catalog sets for federal agencies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_date: Option<chrono::NaiveDate>,
    /// Known use in ransomware campaigns.
    #[serde(default)]
    pub ransomware: bool,
    /// Free text (the required action, an exploitation note).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A VEX status of a product for this vulnerability.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VexStatement {
    /// The product (with a version in `version` when the statement is about one).
    pub product: Product,
    /// The version the statement is about, when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The status.
    pub status: VexStatus,
    /// Why not affected (CSAF/OpenVEX justification names, CycloneDX
    /// `analysis.justification`), when `status` is `not_affected`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// VEX statuses (CISA's minimum set).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    /// Affected.
    Affected,
    /// Not affected (a justification says why).
    NotAffected,
    /// Fixed in this version.
    Fixed,
    /// Being investigated.
    UnderInvestigation,
}

/// A fix or workaround.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Remediation {
    /// What kind of remedy.
    pub kind: RemediationKind,
    /// The product it is for, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<Product>,
    /// The first version with the fix, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_version: Option<String>,
    /// What to do.
    #[serde(default)]
    pub text: String,
    /// A link to the patch or instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// Kinds of remedy (the CSAF categories).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RemediationKind {
    /// A vendor fix (a fixed version or patch).
    #[default]
    VendorFix,
    /// A workaround.
    Workaround,
    /// A mitigation.
    Mitigation,
    /// No fix is planned.
    NoFixPlanned,
    /// No fix is available yet.
    NoneAvailable,
}

/// A link.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reference {
    /// The address.
    pub url: String,
    /// What it is (`advisory`, `fix`, `report`, `web`, … — OSV reference
    /// types, lower case), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

/// TLP 2.0 levels, from least to most restricted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tlp {
    /// TLP:CLEAR — no limit on disclosure.
    #[serde(rename = "CLEAR")]
    Clear,
    /// TLP:GREEN — the community.
    #[serde(rename = "GREEN")]
    Green,
    /// TLP:AMBER — the recipient's organisation and its clients.
    #[serde(rename = "AMBER")]
    Amber,
    /// TLP:AMBER+STRICT — the recipient's organisation only.
    #[serde(rename = "AMBER+STRICT")]
    AmberStrict,
    /// TLP:RED — the named recipients only.
    #[serde(rename = "RED")]
    Red,
}

impl Tlp {
    /// Every level, least restricted first.
    pub const ALL: [Tlp; 5] = [
        Tlp::Clear,
        Tlp::Green,
        Tlp::Amber,
        Tlp::AmberStrict,
        Tlp::Red,
    ];

    /// `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT`, `RED`.
    pub fn as_str(self) -> &'static str {
        match self {
            Tlp::Clear => "CLEAR",
            Tlp::Green => "GREEN",
            Tlp::Amber => "AMBER",
            Tlp::AmberStrict => "AMBER+STRICT",
            Tlp::Red => "RED",
        }
    }

    /// Parses a level, case-insensitively, with or without the `TLP:` prefix;
    /// `WHITE` (TLP 1.0) reads as `CLEAR`.
    pub fn parse(text: &str) -> Option<Tlp> {
        let upper = text.trim().to_ascii_uppercase();
        let bare = upper.strip_prefix("TLP:").unwrap_or(&upper);
        match bare {
            "WHITE" => Some(Tlp::Clear),
            other => Tlp::ALL.into_iter().find(|t| t.as_str() == other),
        }
    }

    /// Whether a recipient cleared for `clearance` may receive this level.
    pub fn allowed_for(self, clearance: Tlp) -> bool {
        self <= clearance
    }
}

/// What the clearinghouse publishes about one vulnerability (a case's
/// canonical report plus coordination results); every export is written
/// from this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Advisory {
    /// The clearinghouse's id (`BWK-2026-000123`).
    pub id: String,
    /// Revision, from 1, raised on every published change.
    pub revision: u32,
    /// The title.
    pub title: String,
    /// The description.
    pub description: String,
    /// Other ids (CVE first when there is one).
    #[serde(default)]
    pub aliases: Vec<String>,
    /// CWE numbers.
    #[serde(default)]
    pub cwes: Vec<u32>,
    /// Severity ratings.
    #[serde(default)]
    pub severities: Vec<Severity>,
    /// Affected products and ranges (with fixed versions as `Fixed` events).
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// Fixes and workarounds.
    #[serde(default)]
    pub remediations: Vec<Remediation>,
    /// Known exploitation.
    #[serde(default)]
    pub exploitation: Option<Exploitation>,
    /// VEX statements from vendors.
    #[serde(default)]
    pub vex: Vec<VexStatement>,
    /// STIX indicators, when given (pattern and its language).
    #[serde(default)]
    pub indicators: Vec<Indicator>,
    /// Links.
    #[serde(default)]
    pub references: Vec<Reference>,
    /// The TLP level of the advisory as a whole.
    pub tlp: Tlp,
    /// First publication.
    pub published: DateTime<Utc>,
    /// Last change.
    pub modified: DateTime<Utc>,
    /// Who publishes it.
    pub publisher: Publisher,
}

/// A detection indicator to share in STIX.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// A short name.
    pub name: String,
    /// The pattern (`[file:hashes.'SHA-256' = '…']`).
    pub pattern: String,
    /// Its language: `stix`, `snort`, `yara`, `sigma`, ….
    pub pattern_type: String,
}

/// The publishing organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Publisher {
    /// Its name.
    pub name: String,
    /// Its namespace URL (CSAF `publisher.namespace`).
    pub namespace: String,
    /// Contact details.
    #[serde(default)]
    pub contact: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlp_levels_order_and_parse() {
        assert!(Tlp::Clear < Tlp::Green && Tlp::Green < Tlp::Amber);
        assert!(Tlp::Amber < Tlp::AmberStrict && Tlp::AmberStrict < Tlp::Red);
        assert_eq!(Tlp::parse("tlp:amber+strict"), Some(Tlp::AmberStrict));
        assert_eq!(Tlp::parse("WHITE"), Some(Tlp::Clear));
        assert_eq!(Tlp::parse("purple"), None);
        assert!(Tlp::Green.allowed_for(Tlp::Amber));
        assert!(!Tlp::Amber.allowed_for(Tlp::Green));
        assert_eq!(
            serde_json::to_string(&Tlp::AmberStrict).ok().as_deref(),
            Some("\"AMBER+STRICT\"")
        );
    }

    #[test]
    fn source_formats_round_trip_their_names() {
        for format in SourceFormat::ALL {
            assert_eq!(SourceFormat::parse(format.as_str()), Some(format));
        }
        assert_eq!(SourceFormat::parse("xml"), None);
    }

    #[test]
    fn reports_round_trip_through_json() -> Result<(), serde_json::Error> {
        let report = Report {
            source_id: Some("RUSTSEC-2024-0001".into()),
            aliases: vec!["CVE-2024-0001".into()],
            description: "overflow".into(),
            cwes: vec![787],
            severities: vec![Severity::CvssV3 {
                vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into(),
            }],
            affected: vec![Affected {
                product: Product {
                    purl: Some("pkg:cargo/foo".into()),
                    ecosystem: Some("crates.io".into()),
                    name: "foo".into(),
                    ..Product::default()
                },
                ranges: vec![VersionRange {
                    kind: RangeKind::Semver,
                    events: vec![
                        RangeEvent::Introduced("0".into()),
                        RangeEvent::Fixed("1.2.3".into()),
                    ],
                }],
                ..Affected::default()
            }],
            ..Report::default()
        };
        let json = serde_json::to_string(&report)?;
        assert!(
            json.contains(r#""events":[{"introduced":"0"},{"fixed":"1.2.3"}]"#),
            "{json}"
        );
        let back: Report = serde_json::from_str(&json)?;
        assert_eq!(back, report);
        assert!(serde_json::from_str::<Report>(r#"{"description":"x","bogus":1}"#).is_err());
        Ok(())
    }
}
