//! CycloneDX VEX (BOMs of spec 1.4–1.6 with `vulnerabilities[]`): one
//! report per vulnerability. A BOM without vulnerabilities (a plain SBOM)
//! yields no records.
//!
//! * `id` is the source id; `references[].id` are aliases; the source,
//!   reference and advisory URLs are references;
//! * `ratings[]`: a vector with a CVSS `method` (`CVSSv2`, `CVSSv3`,
//!   `CVSSv31`, `CVSSv4`; the `CVSS:x.y/` prefix is added when missing)
//!   becomes a vector rating; otherwise, or when the vector is malformed,
//!   the `severity` is kept as a qualitative rating;
//! * `cwes`, `description` (else `detail`), `published`, `updated`;
//! * `affects[].ref` is resolved to a component or service of the BOM by
//!   `bom-ref` (nested ones too, and `metadata.component`); a BOM-Link into
//!   another BOM keeps only the ref as the product's name; a local ref that
//!   names nothing rejects the vulnerability;
//! * `affects[].versions[]` (`version` or `vers:` `range`, with `status`)
//!   become the affected product's versions and ranges, unless the analysis
//!   says the product is not affected or the issue is resolved;
//! * `analysis.state` becomes a VEX statement per affected subject (and per
//!   version entry): `resolved` → fixed, `exploitable` → affected,
//!   `in_triage` → under investigation, `false_positive`/`not_affected` →
//!   not affected (with `justification`); a version entry marked
//!   `unaffected` is not affected, `unknown` under investigation;
//! * `recommendation`, `workaround` and `analysis.response` are remedies.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::budget::Budget;
use super::cyclonedx_bom::{Bom, RefIndex, Subject};
use super::error::{IntakeError, RecordError};
use super::{date, decode, severity, unique, vers, RecordOutcome};
use crate::model::{
    Affected, Product, Reference, Remediation, RemediationKind, Report, Severity, SourceFormat,
    VexStatement, VexStatus,
};

/// Reads a CycloneDX BOM's vulnerabilities.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    let bom: Bom<'_> = decode::json_document(bytes, SourceFormat::CyclonedxVex)?;
    match bom.bom_format.as_deref() {
        Some(f) if f.eq_ignore_ascii_case("CycloneDX") => {}
        Some(other) => {
            return Err(IntakeError::invalid(format!(
                "bomFormat: `{other}` is not CycloneDX"
            )))
        }
        None => return Err(IntakeError::invalid("bomFormat: missing")),
    }
    let index = RefIndex::new(&bom);
    let mut budget = Budget::for_input(bytes.len());
    let mut outcomes = Vec::new();
    for (i, raw) in bom.vulnerabilities.iter().flatten().enumerate() {
        let result = read_vulnerability(raw.get(), &index)
            .map_err(|e| e.within(&format!("vulnerabilities[{i}]")));
        if let Ok(report) = &result {
            budget.charge(report)?;
        }
        outcomes.push(RecordOutcome { index: i, result });
    }
    Ok(outcomes)
}

/// One `vulnerabilities[]` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Vulnerability {
    id: Option<String>,
    source: Option<Source>,
    #[serde(deserialize_with = "decode::nullable")]
    references: Vec<VulnReference>,
    #[serde(deserialize_with = "decode::nullable")]
    ratings: Vec<Rating>,
    #[serde(deserialize_with = "decode::nullable")]
    cwes: Vec<u32>,
    description: Option<String>,
    detail: Option<String>,
    recommendation: Option<String>,
    workaround: Option<String>,
    #[serde(deserialize_with = "decode::nullable")]
    advisories: Vec<Source>,
    #[serde(deserialize_with = "date::opt_timestamp")]
    published: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "date::opt_timestamp")]
    updated: Option<DateTime<Utc>>,
    analysis: Option<Analysis>,
    #[serde(deserialize_with = "decode::nullable")]
    affects: Vec<Affect>,
}

/// A source or advisory: only its URL is read.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Source {
    url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct VulnReference {
    id: Option<String>,
    source: Option<Source>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Rating {
    score: Option<f64>,
    severity: Option<String>,
    method: Option<String>,
    vector: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Analysis {
    state: Option<String>,
    justification: Option<String>,
    #[serde(deserialize_with = "decode::nullable")]
    response: Vec<String>,
    detail: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Affect {
    #[serde(rename = "ref")]
    reference: String,
    #[serde(deserialize_with = "decode::nullable")]
    versions: Vec<AffectVersion>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct AffectVersion {
    version: Option<String>,
    range: Option<String>,
    status: Option<String>,
}

/// Reads one vulnerability from its JSON text, resolving refs in `index`.
fn read_vulnerability(json: &str, index: &RefIndex<'_>) -> Result<Report, RecordError> {
    let vulnerability: Vulnerability = decode::json_record(json)?;
    let source_id = vulnerability
        .id
        .as_deref()
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(str::to_owned);
    convert(vulnerability, index, source_id.clone()).map_err(|e| e.with_source_id(source_id))
}

fn convert(
    v: Vulnerability,
    index: &RefIndex<'_>,
    source_id: Option<String>,
) -> Result<Report, RecordError> {
    let state = match v.analysis.as_ref().and_then(|a| a.state.as_deref()) {
        Some(state) => Some(state_status(state).ok_or_else(|| {
            RecordError::at(
                "analysis.state",
                format!("`{state}` is not a CycloneDX analysis state"),
            )
        })?),
        None => None,
    };
    if let Some(i) = v.cwes.iter().position(|c| *c == 0) {
        return Err(RecordError::at(
            &format!("cwes[{i}]"),
            "CWE numbers start at 1",
        ));
    }
    let mut report = Report {
        aliases: v
            .references
            .iter()
            .filter_map(|r| r.id.as_deref().map(str::trim))
            .filter(|id| !id.is_empty() && Some(*id) != source_id.as_deref())
            .map(str::to_owned)
            .collect(),
        source_id,
        description: v
            .description
            .clone()
            .or(v.detail.clone())
            .unwrap_or_default(),
        published: v.published,
        modified: v.updated,
        ..Report::default()
    };
    report.cwes.clone_from(&v.cwes);
    report.severities = v.ratings.iter().filter_map(rating_severity).collect();
    report.references = links(&v);
    // "will not fix" and "update" say nothing to do about a product that
    // is not affected.
    if state != Some(VexStatus::NotAffected) {
        report.remediations = remedies(&v);
    }
    for (j, affect) in v.affects.iter().enumerate() {
        add_affect(&mut report, affect, v.analysis.as_ref(), state, index)
            .map_err(|e| e.within(&format!("affects[{j}]")))?;
    }
    unique::tidy(&mut report);
    Ok(report)
}

/// The VEX status an analysis state stands for.
fn state_status(state: &str) -> Option<VexStatus> {
    Some(match state {
        "resolved" | "resolved_with_pedigree" => VexStatus::Fixed,
        "exploitable" => VexStatus::Affected,
        "in_triage" => VexStatus::UnderInvestigation,
        "false_positive" | "not_affected" => VexStatus::NotAffected,
        _ => return None,
    })
}

/// Adds one `affects[]` entry: its affected versions and its statements.
fn add_affect(
    report: &mut Report,
    affect: &Affect,
    analysis: Option<&Analysis>,
    state: Option<VexStatus>,
    index: &RefIndex<'_>,
) -> Result<(), RecordError> {
    let (product, own_version) = match index.resolve(&affect.reference) {
        Some(Subject::Local(product, version)) => (product, version),
        Some(Subject::External(product)) => (product, None),
        None => {
            return Err(RecordError::at(
                "ref",
                format!("no component with bom-ref `{}`", affect.reference.trim()),
            ))
        }
    };
    let entries = affect
        .versions
        .iter()
        .enumerate()
        .map(|(k, v)| read_version(v).map_err(|e| e.within(&format!("versions[{k}]"))))
        .collect::<Result<Vec<_>, _>>()?;
    // What the vendor says is not affected (or fixed) is not listed as affected.
    if !matches!(state, Some(VexStatus::NotAffected | VexStatus::Fixed)) {
        report
            .affected
            .extend(affected_of(&product, own_version.as_deref(), &entries));
    }
    if let Some(state) = state {
        let statement = |version: Option<String>, status: VexStatus| VexStatement {
            product: product.clone(),
            version,
            status,
            justification: (status == VexStatus::NotAffected)
                .then(|| analysis.and_then(|a| a.justification.clone()))
                .flatten(),
            detail: analysis.and_then(|a| a.detail.clone()),
        };
        if entries.is_empty() {
            report.vex.push(statement(own_version, state));
        }
        for entry in &entries {
            let status = entry.status.with_state(state);
            report.vex.push(statement(Some(entry.text.clone()), status));
        }
    }
    Ok(())
}

/// The affected product an `affects[]` entry lists: its affected version
/// entries, or without entries the subject's own version (every version
/// when it has none). `None` when no version is affected.
fn affected_of(
    product: &Product,
    own_version: Option<&str>,
    entries: &[VersionEntry],
) -> Option<Affected> {
    let mut affected = Affected {
        product: product.clone(),
        ..Affected::default()
    };
    if entries.is_empty() {
        match own_version {
            Some(version) => affected.versions.push(version.to_owned()),
            None => affected.all_versions = true,
        }
    }
    for entry in entries.iter().filter(|e| e.status == EntryStatus::Affected) {
        affected.ranges.extend(entry.constraints.range.clone());
        affected
            .versions
            .extend(entry.constraints.versions.iter().cloned());
        affected.all_versions |= entry.constraints.all;
    }
    let any = affected.all_versions || !affected.ranges.is_empty() || !affected.versions.is_empty();
    any.then_some(affected)
}

/// A version entry's own status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum EntryStatus {
    Affected,
    Unaffected,
    Unknown,
}

impl EntryStatus {
    /// The statement status of a version entry under an analysis state: a
    /// resolved analysis says fixed; otherwise an entry marked unaffected
    /// or unknown says so itself.
    fn with_state(self, state: VexStatus) -> VexStatus {
        match (state, self) {
            (VexStatus::Fixed, _) => VexStatus::Fixed,
            (_, EntryStatus::Unaffected) => VexStatus::NotAffected,
            (_, EntryStatus::Unknown) => VexStatus::UnderInvestigation,
            (state, EntryStatus::Affected) => state,
        }
    }
}

/// A read version entry.
struct VersionEntry {
    /// The version or range as written (for statements).
    text: String,
    status: EntryStatus,
    constraints: vers::Constraints,
}

fn read_version(v: &AffectVersion) -> Result<VersionEntry, RecordError> {
    let status = match v.status.as_deref() {
        None | Some("affected") => EntryStatus::Affected,
        Some("unaffected") => EntryStatus::Unaffected,
        Some("unknown") => EntryStatus::Unknown,
        Some(other) => {
            return Err(RecordError::at(
                "status",
                format!("`{other}` is not affected, unaffected or unknown"),
            ))
        }
    };
    let version = v
        .version
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty());
    let range = v.range.as_deref().map(str::trim).filter(|t| !t.is_empty());
    let (text, constraints) = match (version, range) {
        (Some(version), _) => (
            version,
            vers::Constraints {
                versions: vec![version.to_owned()],
                ..vers::Constraints::default()
            },
        ),
        (None, Some(range)) => (
            range,
            vers::parse_vers(range).map_err(|e| RecordError::at("range", e))?,
        ),
        (None, None) => return Err(RecordError::new("neither a version nor a range")),
    };
    Ok(VersionEntry {
        text: text.to_owned(),
        status,
        constraints,
    })
}

/// A rating as a vector (when its method is CVSS and the vector is well
/// formed) or as its qualitative severity (or the severity of its score).
fn rating_severity(rating: &Rating) -> Option<Severity> {
    let method = rating.method.as_deref().unwrap_or_default();
    let prefix = match method {
        "CVSSv3" => Some("CVSS:3.0/"),
        "CVSSv31" => Some("CVSS:3.1/"),
        "CVSSv4" => Some("CVSS:4.0/"),
        "CVSSv2" => Some(""),
        _ => None,
    };
    let vector = rating
        .vector
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty());
    if let (Some(prefix), Some(vector)) = (prefix, vector) {
        let full = if vector.starts_with("CVSS:") {
            vector.to_owned()
        } else {
            format!("{prefix}{vector}")
        };
        if let Some(rating) = severity::from_vector(&full) {
            return Some(rating);
        }
    }
    match rating.severity.as_deref() {
        Some(text) => severity::qualitative(text),
        None if prefix.is_some() => rating
            .score
            .and_then(severity::rating_of_score)
            .and_then(severity::qualitative),
        None => None,
    }
}

/// The vulnerability's own source, its references' sources and its
/// advisories.
fn links(v: &Vulnerability) -> Vec<Reference> {
    v.source
        .iter()
        .chain(v.references.iter().filter_map(|r| r.source.as_ref()))
        .chain(&v.advisories)
        .filter_map(|s| s.url.as_deref().map(str::trim))
        .filter(|u| !u.is_empty())
        .map(|url| Reference {
            url: url.to_owned(),
            kind: Some("advisory".to_owned()),
        })
        .collect()
}

/// Remedies: the recommendation (a vendor fix when the response is
/// `update`), the workaround, and "will not fix" / "can not fix".
fn remedies(v: &Vulnerability) -> Vec<Remediation> {
    let responses: &[String] = v.analysis.as_ref().map_or(&[], |a| &a.response);
    let responds = |name: &str| responses.iter().any(|r| r == name);
    let detail = v
        .analysis
        .as_ref()
        .and_then(|a| a.detail.clone())
        .unwrap_or_default();
    let remedy = |kind, text: String| Remediation {
        kind,
        text,
        ..Remediation::default()
    };
    let mut out = Vec::new();
    match v
        .recommendation
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        Some(text) if responds("update") => {
            out.push(remedy(RemediationKind::VendorFix, text.to_owned()))
        }
        Some(text) => out.push(remedy(RemediationKind::Mitigation, text.to_owned())),
        None if responds("update") => out.push(remedy(RemediationKind::VendorFix, detail.clone())),
        None => {}
    }
    if let Some(text) = v
        .workaround
        .as_deref()
        .map(str::trim)
        .filter(|t| !t.is_empty())
    {
        out.push(remedy(RemediationKind::Workaround, text.to_owned()));
    } else if responds("workaround_available") {
        out.push(remedy(RemediationKind::Workaround, detail.clone()));
    }
    if responds("will_not_fix") || responds("can_not_fix") {
        out.push(remedy(RemediationKind::NoFixPlanned, detail));
    }
    out
}

#[cfg(test)]
#[path = "cyclonedx_vex_tests.rs"]
mod tests;
