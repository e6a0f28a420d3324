//! CVE JSON 5 records (5.0 and 5.1; single, array or NDJSON), one report
//! each; also the schema's bare `{"cnaContainer": …}` wrapper.
//!
//! The CNA container gives the title, the description (English first),
//! problem-type CWEs, metrics (CVSS 4.0, 3.1, 3.0, 2.0 vectors; `other`
//! ratings with a textual value), `affected[]` (see `cve5_versions.rs`),
//! references, solutions and workarounds, and exploit notes. ADP
//! containers (CISA's "Vulnrichment", the CVE Program container) add their
//! CWEs, ratings, references and products, a KEV listing, and SSVC
//! `Exploitation: active`. A `REJECTED` record is a withdrawn report whose
//! description is the rejection reason and whose aliases are the ids that
//! replace it.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::cve5_versions::{self, CveAffected, Stated};
use super::error::{IntakeError, RecordError};
use super::{bulk, cwe, date, decode, severity, unique, RecordOutcome};
use crate::model::{
    Affected, Exploitation, Reference, Remediation, RemediationKind, Report, SourceFormat,
};

/// Reads a CVE 5 upload (single, array or NDJSON).
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    bulk::parse_records(bytes, SourceFormat::Cve5, read_record)
}

/// Reads one CVE record from its JSON text.
pub fn read_record(json: &str) -> Result<Report, RecordError> {
    let record: Record = decode::json_record(json)?;
    let source_id = record
        .cve_metadata
        .as_ref()
        .map(|m| m.cve_id.trim().to_owned());
    convert(record).map_err(|e| e.with_source_id(source_id))
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Record {
    data_type: Option<String>,
    cve_metadata: Option<Metadata>,
    containers: Option<Containers>,
    /// The schema documentation's wrapper of a lone CNA container.
    cna_container: Option<Container>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Metadata {
    cve_id: String,
    state: String,
    #[serde(deserialize_with = "date::opt_timestamp")]
    date_published: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "date::opt_timestamp")]
    date_updated: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "date::opt_timestamp")]
    date_rejected: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Containers {
    cna: Option<Container>,
    #[serde(deserialize_with = "decode::nullable")]
    adp: Vec<Container>,
}

/// A CNA or ADP container (the fields intake reads are common to both).
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Container {
    provider_metadata: Option<ProviderMetadata>,
    title: Option<String>,
    #[serde(deserialize_with = "date::opt_timestamp")]
    date_public: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "decode::nullable")]
    descriptions: Vec<LangText>,
    #[serde(deserialize_with = "decode::nullable")]
    rejected_reasons: Vec<LangText>,
    #[serde(deserialize_with = "decode::nullable")]
    replaced_by: Vec<String>,
    #[serde(deserialize_with = "decode::nullable")]
    problem_types: Vec<ProblemType>,
    #[serde(deserialize_with = "decode::nullable")]
    metrics: Vec<Metric>,
    #[serde(deserialize_with = "decode::nullable")]
    affected: Vec<CveAffected>,
    #[serde(deserialize_with = "decode::nullable")]
    references: Vec<CveReference>,
    #[serde(deserialize_with = "decode::nullable")]
    solutions: Vec<LangText>,
    #[serde(deserialize_with = "decode::nullable")]
    workarounds: Vec<LangText>,
    #[serde(deserialize_with = "decode::nullable")]
    exploits: Vec<LangText>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ProviderMetadata {
    #[serde(deserialize_with = "date::opt_timestamp")]
    date_updated: Option<DateTime<Utc>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LangText {
    lang: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct ProblemType {
    #[serde(deserialize_with = "decode::nullable")]
    descriptions: Vec<ProblemDescription>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct ProblemDescription {
    cwe_id: Option<String>,
    description: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Metric {
    #[serde(rename = "cvssV4_0")]
    cvss_v4_0: Option<Cvss>,
    #[serde(rename = "cvssV3_1")]
    cvss_v3_1: Option<Cvss>,
    #[serde(rename = "cvssV3_0")]
    cvss_v3_0: Option<Cvss>,
    #[serde(rename = "cvssV2_0")]
    cvss_v2_0: Option<Cvss>,
    other: Option<OtherMetric>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Cvss {
    vector_string: String,
    base_severity: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OtherMetric {
    #[serde(rename = "type")]
    kind: String,
    content: Value,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct CveReference {
    url: String,
    #[serde(deserialize_with = "decode::nullable")]
    tags: Vec<String>,
}

/// Builds the report of a record.
fn convert(record: Record) -> Result<Report, RecordError> {
    let (cna, adp) = match (record.containers, record.cna_container) {
        (Some(containers), _) => (containers.cna, containers.adp),
        (None, Some(cna)) => (Some(cna), Vec::new()),
        (None, None) => return Err(RecordError::at("containers", "missing")),
    };
    let cna = cna.ok_or_else(|| RecordError::at("containers.cna", "missing"))?;
    let metadata = match record.cve_metadata {
        Some(m) => Some(m),
        None if record.data_type.is_some() => {
            return Err(RecordError::at("cveMetadata", "missing"))
        }
        None => None,
    };
    let mut report = Report::default();
    if let Some(m) = &metadata {
        let id = m.cve_id.trim();
        if !id.starts_with("CVE-") {
            return Err(RecordError::at(
                "cveMetadata.cveId",
                format!("`{id}` is not a CVE id"),
            ));
        }
        report.source_id = Some(id.to_owned());
        report.published = m.date_published;
        report.modified = m.date_updated.or(m.date_rejected);
    }
    report.published = report.published.or(cna.date_public);
    report.modified = report
        .modified
        .or(cna.provider_metadata.as_ref().and_then(|p| p.date_updated));
    match metadata.as_ref().map(|m| m.state.as_str()) {
        Some("REJECTED") => Ok(rejected(report, cna)),
        None | Some("PUBLISHED") => Ok(published(report, cna, adp)),
        Some(other) => Err(RecordError::at(
            "cveMetadata.state",
            format!("`{other}` is neither PUBLISHED nor REJECTED"),
        )),
    }
}

/// A rejected record: withdrawn, with the reason as its description.
fn rejected(mut report: Report, cna: Container) -> Report {
    report.withdrawn = true;
    report.description = english(&cna.rejected_reasons)
        .unwrap_or_default()
        .to_owned();
    report.aliases = cna
        .replaced_by
        .into_iter()
        .map(|id| id.trim().to_owned())
        .filter(|id| !id.is_empty())
        .collect();
    unique::tidy(&mut report);
    report
}

/// A published record: the CNA container with the ADP containers merged in.
fn published(mut report: Report, cna: Container, adp: Vec<Container>) -> Report {
    report.title = cna
        .title
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned);
    report.description = english(&cna.descriptions).unwrap_or_default().to_owned();
    for text in &cna.solutions {
        push_remedy(&mut report, RemediationKind::VendorFix, text);
    }
    for text in &cna.workarounds {
        push_remedy(&mut report, RemediationKind::Workaround, text);
    }
    if let Some(note) = english(&cna.exploits).filter(|n| !n.trim().is_empty()) {
        report.exploitation = Some(Exploitation {
            note: Some(note.trim().to_owned()),
            ..Exploitation::default()
        });
    }
    let mut from_cna = Vec::new();
    merge_container(&mut report, cna, &mut from_cna);
    for container in adp {
        let mut from_adp = Vec::new();
        merge_container(&mut report, container, &mut from_adp);
        merge_affected(&mut from_cna, from_adp);
    }
    report.affected = from_cna;
    // Platforms that name the same package (Fedora 38, Fedora 39) read the
    // same once the package is the product.
    unique::tidy(&mut report);
    report
}

/// Adds a container's CWEs, ratings, exploitation, references and products.
fn merge_container(report: &mut Report, container: Container, affected: &mut Vec<Affected>) {
    for problem in container.problem_types.iter().flat_map(|p| &p.descriptions) {
        let id = problem.cwe_id.as_deref().and_then(cwe::parse_cwe);
        report
            .cwes
            .extend(id.or_else(|| problem.description.as_deref().and_then(cwe::parse_cwe)));
    }
    for metric in &container.metrics {
        add_metric(report, metric);
    }
    for reference in container.references {
        let url = reference.url.trim();
        if !url.is_empty() {
            report.references.push(Reference {
                url: url.to_owned(),
                kind: reference
                    .tags
                    .iter()
                    .find_map(|t| reference_kind(t))
                    .map(str::to_owned),
            });
        }
    }
    for entry in container.affected {
        match cve5_versions::convert(entry) {
            Some(Stated::Affected(a)) => affected.push(a),
            Some(Stated::NotAffected(s)) => report.vex.push(s),
            None => {}
        }
    }
}

/// Adds one `metrics[]` entry: CVSS vectors (the base severity when the
/// vector is malformed), textual `other` ratings, KEV and SSVC notes.
fn add_metric(report: &mut Report, metric: &Metric) {
    for cvss in [
        &metric.cvss_v4_0,
        &metric.cvss_v3_1,
        &metric.cvss_v3_0,
        &metric.cvss_v2_0,
    ]
    .into_iter()
    .flatten()
    {
        let rating = severity::from_vector(&cvss.vector_string).or_else(|| {
            cvss.base_severity
                .as_deref()
                .and_then(severity::qualitative)
        });
        report.severities.extend(rating);
    }
    let Some(other) = &metric.other else {
        return;
    };
    match other.kind.to_ascii_lowercase().as_str() {
        "kev" => {
            let exploitation = report
                .exploitation
                .get_or_insert_with(Exploitation::default);
            exploitation.kev = true;
            exploitation.date_added = other
                .content
                .get("dateAdded")
                .and_then(Value::as_str)
                .and_then(date::parse_date)
                .or(exploitation.date_added);
        }
        "ssvc" => {
            let active = other
                .content
                .get("options")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|o| o.get("Exploitation").and_then(Value::as_str))
                .any(|e| e.eq_ignore_ascii_case("active"));
            if active {
                let exploitation = report
                    .exploitation
                    .get_or_insert_with(Exploitation::default);
                exploitation
                    .note
                    .get_or_insert_with(|| "SSVC exploitation: active".to_owned());
            }
        }
        _ => {
            let value = other.content.get("value").and_then(Value::as_str);
            report
                .severities
                .extend(value.and_then(severity::qualitative));
        }
    }
}

/// Merges an ADP's products into the CNA's: a product both name gets the
/// CPE (and, when the CNA gave none, the ranges) the ADP adds; others are
/// appended.
fn merge_affected(cna: &mut Vec<Affected>, adp: Vec<Affected>) {
    let key = |a: &Affected| {
        let vendor = a.product.vendor.as_deref().map(str::to_lowercase);
        (vendor, a.product.name.to_lowercase())
    };
    let mut positions: HashMap<_, usize> = HashMap::with_capacity(cna.len());
    for (i, a) in cna.iter().enumerate() {
        positions.entry(key(a)).or_insert(i);
    }
    for extra in adp {
        match positions.get(&key(&extra)).and_then(|i| cna.get_mut(*i)) {
            Some(existing) => {
                existing.product.cpe = existing.product.cpe.take().or(extra.product.cpe);
                existing.product.purl = existing.product.purl.take().or(extra.product.purl);
                let says_nothing = existing.ranges.is_empty()
                    && existing.versions.is_empty()
                    && !existing.all_versions;
                if says_nothing {
                    existing.ranges = extra.ranges;
                    existing.versions = extra.versions;
                    existing.all_versions = extra.all_versions;
                }
            }
            None => cna.push(extra),
        }
    }
}

fn push_remedy(report: &mut Report, kind: RemediationKind, text: &LangText) {
    if is_english(&text.lang) && !text.value.trim().is_empty() {
        report.remediations.push(Remediation {
            kind,
            text: text.value.trim().to_owned(),
            ..Remediation::default()
        });
    }
}

/// The English text of a list (`en`, `en-US`, …), else the first.
fn english(texts: &[LangText]) -> Option<&str> {
    texts
        .iter()
        .find(|t| is_english(&t.lang))
        .or_else(|| texts.first())
        .map(|t| t.value.as_str())
}

fn is_english(lang: &str) -> bool {
    let lang = lang.trim();
    lang.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("en"))
        && matches!(lang.as_bytes().get(2), None | Some(b'-' | b'_'))
}

/// The OSV reference type a CVE reference tag stands for.
fn reference_kind(tag: &str) -> Option<&'static str> {
    Some(match tag {
        "vendor-advisory" | "third-party-advisory" | "government-resource" | "vdb-entry" => {
            "advisory"
        }
        "patch" => "fix",
        "exploit" => "evidence",
        "issue-tracking" => "report",
        "technical-description" | "media-coverage" => "article",
        "mailing-list" => "discussion",
        "product" | "release-notes" | "related" => "web",
        _ => return None,
    })
}

#[cfg(test)]
#[path = "cve5_tests.rs"]
mod tests;
