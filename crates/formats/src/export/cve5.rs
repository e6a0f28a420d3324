//! CVE JSON 5 records (CVE Record Format 5.1), CNA container only.
//!
//! A CVE record is public the moment it is published, and the format has no
//! field to carry a TLP marking, so only TLP:CLEAR advisories are written
//! (invariant 8: TLP is enforced on every way out). The assigning CNA's
//! organisation UUID and short name come from CVE Services, not from the
//! advisory, and are passed in as a [`CnaOrg`].

use serde::Serialize;
use serde_json::Value;

use super::csaf_products::same_product;
use super::cwe::cwe_name;
use super::ecosystem::Purl;
use super::error::ExportError;
use super::score::{cvss_scores, CvssJson};
use super::{cve_alias, rfc3339};
use crate::model::{
    Advisory, Affected, Product, RangeEvent, RangeKind, Reference, RemediationKind, Tlp,
    VersionRange, VexStatus,
};

const FORMAT: &str = "CVE JSON 5";

/// The longest description value the schema allows.
const MAX_DESCRIPTION: usize = 4096;

/// The longest title the schema allows.
const MAX_TITLE: usize = 256;

/// The assigning CNA, as registered with CVE Services.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CnaOrg {
    org_id: String,
    short_name: String,
}

impl CnaOrg {
    /// Checks the organisation UUID (a version 4 UUID, as the CVE schema
    /// requires) and the short name (2–32 characters).
    pub fn new(org_id: &str, short_name: &str) -> Result<CnaOrg, ExportError> {
        let is_v4 = uuid::Uuid::parse_str(org_id).is_ok_and(|u| u.get_version_num() == 4);
        if !is_v4 {
            return Err(ExportError::invalid(
                "",
                FORMAT,
                format!("CNA orgId {org_id:?} is not a version 4 UUID"),
            ));
        }
        if !(2..=32).contains(&short_name.chars().count()) {
            let problem = format!("CNA shortName {short_name:?} must have 2 to 32 characters");
            return Err(ExportError::parameter(FORMAT, problem));
        }
        Ok(CnaOrg {
            org_id: org_id.to_ascii_lowercase(),
            short_name: short_name.to_owned(),
        })
    }
}

/// Writes `advisory` as a published CVE JSON 5.1 record whose CNA
/// container is `cna`'s.
///
/// Fails when the advisory has no CVE alias, is not TLP:CLEAR, or has no
/// reference (the CNA container requires one).
pub fn to_cve5_cna(advisory: &Advisory, cna: &CnaOrg) -> Result<Value, ExportError> {
    let record = cve_record(advisory, cna)?;
    serde_json::to_value(&record).map_err(|e| ExportError::json(&advisory.id, FORMAT, e))
}

fn cve_record(advisory: &Advisory, cna: &CnaOrg) -> Result<CveRecord, ExportError> {
    let cve_id = publishable_cve(advisory)?;
    Ok(CveRecord {
        data_type: "CVE_RECORD",
        data_version: "5.1",
        cve_metadata: CveMetadata {
            cve_id: cve_id.to_owned(),
            assigner_org_id: cna.org_id.clone(),
            assigner_short_name: cna.short_name.clone(),
            state: "PUBLISHED",
            date_published: rfc3339(advisory.published),
            date_updated: rfc3339(advisory.modified),
        },
        containers: Containers {
            cna: cna_container(advisory, cna)?,
        },
    })
}

/// The advisory's CVE id, when it may become a CVE record: it has one and
/// is TLP:CLEAR.
fn publishable_cve(advisory: &Advisory) -> Result<&str, ExportError> {
    let Some(cve_id) = cve_alias(&advisory.aliases) else {
        return Err(ExportError::MissingCve {
            advisory: advisory.id.clone(),
        });
    };
    if advisory.tlp != Tlp::Clear {
        return Err(ExportError::NotPublic {
            advisory: advisory.id.clone(),
            format: FORMAT,
            tlp: advisory.tlp.as_str(),
        });
    }
    Ok(cve_id)
}

fn cna_container(advisory: &Advisory, cna: &CnaOrg) -> Result<CnaContainer, ExportError> {
    let references = references(&advisory.references);
    if references.is_empty() {
        let what = "at least one reference";
        return Err(ExportError::missing(&advisory.id, FORMAT, what));
    }
    let metrics = cvss_scores(advisory, FORMAT)?;
    let description = if advisory.description.trim().is_empty() {
        &advisory.title
    } else {
        &advisory.description
    };
    let title = Some(&advisory.title).filter(|t| !t.trim().is_empty());
    Ok(CnaContainer {
        provider_metadata: ProviderMetadata {
            org_id: cna.org_id.clone(),
            short_name: cna.short_name.clone(),
            date_updated: rfc3339(advisory.modified),
        },
        title: title.map(|t| truncate(t, MAX_TITLE)),
        date_public: rfc3339(advisory.published),
        descriptions: vec![LangText::en(truncate(description, MAX_DESCRIPTION))],
        affected: affected(advisory),
        problem_types: problem_types(&advisory.cwes),
        metrics: metrics
            .iter()
            .map(|s| Metric::from_json(s.json()))
            .collect(),
        solutions: remediation_texts(advisory, &[RemediationKind::VendorFix]),
        workarounds: remediation_texts(
            advisory,
            &[RemediationKind::Workaround, RemediationKind::Mitigation],
        ),
        references,
        x_generator: Generator {
            engine: concat!("Bulwark ", env!("CARGO_PKG_VERSION")),
        },
    })
}

/// One entry per affected product, plus entries for products only VEX
/// statements name.
fn affected(advisory: &Advisory) -> Vec<CveAffected> {
    let mut entries: Vec<(Product, CveAffected)> = advisory
        .affected
        .iter()
        .map(|a| (a.product.clone(), affected_entry(a)))
        .collect();
    for statement in &advisory.vex {
        let status = match statement.status {
            VexStatus::Affected => "affected",
            VexStatus::NotAffected | VexStatus::Fixed => "unaffected",
            VexStatus::UnderInvestigation => "unknown",
        };
        let index = match entries
            .iter()
            .position(|(p, _)| same_product(p, &statement.product))
        {
            Some(index) => index,
            None => {
                let mut entry = product_entry(&statement.product);
                entry.default_status = Some("unknown");
                entries.push((statement.product.clone(), entry));
                entries.len() - 1
            }
        };
        let Some((_, entry)) = entries.get_mut(index) else {
            continue;
        };
        match &statement.version {
            Some(version) => push_unique(&mut entry.versions, CveVersion::single(version, status)),
            None if entry.versions.is_empty() => entry.default_status = Some(status),
            None => {}
        }
    }
    entries.into_iter().map(|(_, entry)| entry).collect()
}

fn affected_entry(affected: &Affected) -> CveAffected {
    let mut entry = product_entry(&affected.product);
    let version_type = version_type(&affected.product);
    for range in &affected.ranges {
        for version in range_versions(range, &version_type) {
            push_unique(&mut entry.versions, version);
        }
    }
    for version in &affected.versions {
        push_unique(&mut entry.versions, CveVersion::single(version, "affected"));
    }
    entry.default_status = Some(match (affected.all_versions, entry.versions.is_empty()) {
        (true, _) => "affected",
        (false, false) => "unaffected",
        (false, true) => "unknown",
    });
    entry
}

/// Vendor, product, package and CPE of `product`, with no versions yet.
fn product_entry(product: &Product) -> CveAffected {
    let purl = product.purl.as_deref().and_then(Purl::parse);
    let package_name = purl.as_ref().map(Purl::package_name);
    let name = Some(product.name.clone()).filter(|n| !n.trim().is_empty());
    let collection_url = purl.as_ref().and_then(Purl::collection_url);
    CveAffected {
        vendor: product
            .vendor
            .clone()
            .filter(|v| !v.trim().is_empty())
            .unwrap_or_else(|| "N/A".to_owned()),
        product: name
            .clone()
            .or_else(|| package_name.clone())
            .unwrap_or_else(|| "N/A".to_owned()),
        collection_url,
        package_name: collection_url.and(package_name),
        cpes: product.cpe.iter().cloned().collect(),
        versions: Vec::new(),
        default_status: None,
    }
}

/// The `versionType` of a product's ranges: the ecosystem's version scheme
/// named as the CVE schema's examples do, else the purl type, else
/// `custom`.
fn version_type(product: &Product) -> String {
    let Some(purl) = product.purl.as_deref().and_then(Purl::parse) else {
        return "custom".to_owned();
    };
    match purl.ty.as_str() {
        "pypi" => "python".to_owned(),
        "cargo" | "npm" => "semver".to_owned(),
        other => other.to_owned(),
    }
}

/// OSV-style events as CVE version ranges: `introduced`…`fixed` becomes
/// `{version, lessThan}`, `last_affected` becomes `lessThanOrEqual`, and an
/// open range ends at `*`.
fn range_versions(range: &VersionRange, ecosystem_type: &str) -> Vec<CveVersion> {
    let version_type = match range.kind {
        RangeKind::Semver => "semver",
        RangeKind::Ecosystem => ecosystem_type,
        RangeKind::Git => "git",
    };
    let mut out = Vec::new();
    let mut start: Option<&str> = None;
    for event in &range.events {
        let (bound, inclusive) = match event {
            RangeEvent::Introduced(v) => {
                start = Some(v);
                continue;
            }
            RangeEvent::Fixed(v) | RangeEvent::Limit(v) => (v.clone(), false),
            RangeEvent::LastAffected(v) => (v.clone(), true),
        };
        out.push(CveVersion::range(
            start.take().unwrap_or("0"),
            version_type,
            bound,
            inclusive,
        ));
    }
    if let Some(open) = start {
        out.push(CveVersion::range(open, version_type, "*".to_owned(), false));
    }
    out
}

fn problem_types(cwes: &[u32]) -> Vec<ProblemType> {
    cwes.iter()
        .map(|n| {
            let id = format!("CWE-{n}");
            let description = match cwe_name(*n) {
                Some(name) => format!("{id}: {name}"),
                None => id.clone(),
            };
            ProblemType {
                descriptions: vec![ProblemDescription {
                    lang: "en",
                    description,
                    cwe_id: id,
                    kind: "CWE",
                }],
            }
        })
        .collect()
}

fn remediation_texts(advisory: &Advisory, kinds: &[RemediationKind]) -> Vec<LangText> {
    let mut out: Vec<LangText> = Vec::new();
    for remediation in advisory
        .remediations
        .iter()
        .filter(|r| kinds.contains(&r.kind))
    {
        let text = match (&remediation.text, &remediation.fixed_version) {
            (text, _) if !text.trim().is_empty() => text.clone(),
            (_, Some(version)) => format!("Update to version {version} or later."),
            _ => continue,
        };
        let item = LangText::en(truncate(&text, MAX_DESCRIPTION));
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// References without duplicates (the schema wants unique items), tagged
/// where the model's kind has a CVE tag.
fn references(references: &[Reference]) -> Vec<CveReference> {
    let mut out: Vec<CveReference> = Vec::new();
    for reference in references {
        if out.iter().any(|r| r.url == reference.url) {
            continue;
        }
        let tag = match reference.kind.as_deref() {
            Some("fix") => Some("patch"),
            Some("report") => Some("issue-tracking"),
            Some("article") => Some("technical-description"),
            Some("package") => Some("product"),
            Some("evidence") => Some("exploit"),
            _ => None,
        };
        out.push(CveReference {
            url: reference.url.clone(),
            tags: tag.into_iter().collect(),
        });
    }
    out
}

fn push_unique(versions: &mut Vec<CveVersion>, version: CveVersion) {
    if !versions.contains(&version) {
        versions.push(version);
    }
}

/// At most `max` characters, ending in `…` when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CveRecord {
    data_type: &'static str,
    data_version: &'static str,
    cve_metadata: CveMetadata,
    containers: Containers,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CveMetadata {
    cve_id: String,
    assigner_org_id: String,
    assigner_short_name: String,
    state: &'static str,
    date_published: String,
    date_updated: String,
}

#[derive(Serialize)]
struct Containers {
    cna: CnaContainer,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CnaContainer {
    provider_metadata: ProviderMetadata,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    date_public: String,
    descriptions: Vec<LangText>,
    affected: Vec<CveAffected>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    problem_types: Vec<ProblemType>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    metrics: Vec<Metric>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    solutions: Vec<LangText>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    workarounds: Vec<LangText>,
    references: Vec<CveReference>,
    #[serde(rename = "x_generator")]
    x_generator: Generator,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderMetadata {
    org_id: String,
    short_name: String,
    date_updated: String,
}

#[derive(Serialize, PartialEq)]
struct LangText {
    lang: &'static str,
    value: String,
}

impl LangText {
    fn en(value: String) -> LangText {
        LangText { lang: "en", value }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CveAffected {
    vendor: String,
    product: String,
    #[serde(rename = "collectionURL", skip_serializing_if = "Option::is_none")]
    collection_url: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    package_name: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    cpes: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    versions: Vec<CveVersion>,
    #[serde(skip_serializing_if = "Option::is_none")]
    default_status: Option<&'static str>,
}

#[derive(Serialize, PartialEq)]
#[serde(rename_all = "camelCase")]
struct CveVersion {
    version: String,
    status: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    version_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    less_than: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    less_than_or_equal: Option<String>,
}

impl CveVersion {
    fn single(version: &str, status: &'static str) -> CveVersion {
        CveVersion {
            version: version.to_owned(),
            status,
            version_type: None,
            less_than: None,
            less_than_or_equal: None,
        }
    }

    fn range(start: &str, version_type: &str, bound: String, inclusive: bool) -> CveVersion {
        CveVersion {
            version: start.to_owned(),
            status: "affected",
            version_type: Some(version_type.to_owned()),
            less_than: (!inclusive).then(|| bound.clone()),
            less_than_or_equal: inclusive.then_some(bound),
        }
    }
}

#[derive(Serialize)]
struct ProblemType {
    descriptions: Vec<ProblemDescription>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProblemDescription {
    lang: &'static str,
    description: String,
    cwe_id: String,
    #[serde(rename = "type")]
    kind: &'static str,
}

/// A metrics item: one CVSS object under its version's key.
#[derive(Serialize)]
struct Metric {
    #[serde(rename = "cvssV3_0", skip_serializing_if = "Option::is_none")]
    cvss_v3_0: Option<CvssJson>,
    #[serde(rename = "cvssV3_1", skip_serializing_if = "Option::is_none")]
    cvss_v3_1: Option<CvssJson>,
    #[serde(rename = "cvssV4_0", skip_serializing_if = "Option::is_none")]
    cvss_v4_0: Option<CvssJson>,
}

impl Metric {
    fn from_json(json: CvssJson) -> Metric {
        let version = json.version;
        Metric {
            cvss_v3_0: (version == "3.0").then(|| json.clone()),
            cvss_v3_1: (version == "3.1").then(|| json.clone()),
            cvss_v4_0: (version == "4.0").then_some(json),
        }
    }
}

#[derive(Serialize)]
struct CveReference {
    url: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'static str>,
}

#[derive(Serialize)]
struct Generator {
    engine: &'static str,
}
