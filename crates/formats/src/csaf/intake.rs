//! CSAF 2.0 intake: a valid document becomes one [`Report`] per
//! `vulnerabilities[]` entry.
//!
//! A document that fails the schema checks or any mandatory test is
//! refused whole ([`IntakeError::Invalid`], one reason per finding): its
//! product references cannot be trusted, so no part of it is taken.
//!
//! Per vulnerability: `source_id` is `<tracking id>#<CVE or index>`;
//! aliases are the CVE and `ids[].text`; the description joins the
//! description, summary and details notes (else the general ones; the
//! document's when the vulnerability has none); CVSS v3 and v2 vectors and the document's
//! aggregate severity become severities; `known_affected`, `first_affected`
//! and `last_affected` products become [`Affected`] entries; every product
//! status becomes a VEX statement (not-affected ones with the flag's
//! justification and the impact threat's text); remediations are resolved to
//! products; an `exploit_status` threat is exploitation.

use std::collections::HashSet;

use chrono::{DateTime, Utc};

use super::document::{CsafDocument, Note, NoteCategory, ReferenceCategory};
use super::resolve::Catalog;
use super::validate::{parse_document, validate, DocumentError};
use super::vex;
use super::vulnerability::{RemediationCategory, ThreatCategory, Vulnerability};
use crate::intake::{IntakeError, RecordOutcome};
use crate::model::{
    Exploitation, Reference, Remediation, RemediationKind, Report, Severity, SourceFormat, Tlp,
};

/// What intake takes from one CSAF document.
#[derive(Debug, Clone, PartialEq)]
pub struct CsafIntake {
    /// The document's TLP (`distribution.tlp.label`, `WHITE` read as
    /// `CLEAR`), for the caller to keep with the reports.
    pub tlp: Option<Tlp>,
    /// One outcome per `vulnerabilities[]` entry, in order.
    pub records: Vec<RecordOutcome>,
}

/// Reads a CSAF document into reports: the intake hook
/// (`crate::intake::parse` with [`SourceFormat::Csaf`]).
pub fn parse(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    read(bytes).map(|intake| intake.records)
}

/// Reads a CSAF document into reports and its TLP. Documents over
/// [`MAX_DOCUMENT_BYTES`](crate::intake::MAX_DOCUMENT_BYTES) are refused
/// unread.
pub fn read(bytes: &[u8]) -> Result<CsafIntake, IntakeError> {
    let limit = crate::intake::MAX_DOCUMENT_BYTES;
    if bytes.len() > limit {
        return Err(IntakeError::TooLarge {
            size: bytes.len(),
            limit,
        });
    }
    let doc = parse_document(bytes).map_err(|e| match e {
        DocumentError::Json { source } => IntakeError::Json {
            format: SourceFormat::Csaf,
            source,
        },
        DocumentError::Schema { finding } => IntakeError::Invalid {
            reasons: vec![finding.to_string()],
        },
    })?;
    let findings = validate(&doc);
    if !findings.is_empty() {
        return Err(IntakeError::Invalid {
            reasons: findings.iter().map(ToString::to_string).collect(),
        });
    }
    let records = reports(&doc)
        .into_iter()
        .enumerate()
        .map(|(index, report)| RecordOutcome::accepted(index, report))
        .collect();
    Ok(CsafIntake {
        tlp: doc.tlp_label().map(|label| label.to_tlp()),
        records,
    })
}

/// The reports of a document, one per vulnerability. Meant for documents
/// that [`validate`] accepts; on others, unresolvable product ids become
/// products named by the id.
pub fn reports(doc: &CsafDocument) -> Vec<Report> {
    let catalog = Catalog::new(doc);
    doc.vulnerability_list()
        .iter()
        .enumerate()
        .map(|(index, vuln)| report(doc, &catalog, index, vuln))
        .collect()
}

fn report(doc: &CsafDocument, catalog: &Catalog<'_>, index: usize, vuln: &Vulnerability) -> Report {
    let tracking = &doc.document.tracking;
    let key = vuln.cve.clone().unwrap_or_else(|| index.to_string());
    Report {
        source_id: Some(format!("{}#{key}", tracking.id)),
        aliases: aliases(vuln),
        title: vuln
            .title
            .clone()
            .or_else(|| Some(doc.document.title.clone())),
        description: description(doc, vuln),
        cwes: vuln
            .cwe
            .as_ref()
            .and_then(|c| crate::intake::cwe::parse_cwe(&c.id))
            .into_iter()
            .collect(),
        severities: severities(doc, vuln),
        affected: vex::affected(catalog, vuln),
        vex: vex::statements(catalog, vuln),
        remediations: remediations(catalog, vuln),
        exploitation: exploitation(vuln),
        references: references(doc, vuln),
        published: vuln
            .release_date
            .as_deref()
            .and_then(timestamp)
            .or_else(|| timestamp(&tracking.initial_release_date)),
        modified: timestamp(&tracking.current_release_date),
        ..Report::default()
    }
}

fn timestamp(text: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

fn aliases(vuln: &Vulnerability) -> Vec<String> {
    let ids = vuln
        .ids
        .as_deref()
        .unwrap_or_default()
        .iter()
        .map(|id| &id.text);
    let mut seen = HashSet::new();
    vuln.cve
        .iter()
        .chain(ids)
        .filter(|alias| seen.insert(alias.as_str()))
        .cloned()
        .collect()
}

/// The description, summary and details notes, in document order (the
/// general notes when there are none of those); the document's own when the
/// vulnerability has no such note.
fn description(doc: &CsafDocument, vuln: &Vulnerability) -> String {
    let document_notes = doc.document.notes.as_deref().unwrap_or_default();
    [vuln.note_list(), document_notes]
        .into_iter()
        .flat_map(|notes| {
            [
                join_notes(notes, DESCRIPTIVE),
                join_notes(notes, &[NoteCategory::General]),
            ]
        })
        .find(|text| !text.is_empty())
        .unwrap_or_default()
}

const DESCRIPTIVE: &[NoteCategory] = &[
    NoteCategory::Description,
    NoteCategory::Summary,
    NoteCategory::Details,
];

fn join_notes(notes: &[Note], categories: &[NoteCategory]) -> String {
    notes
        .iter()
        .filter(|n| categories.contains(&n.category))
        .map(|n| n.text.trim())
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// CVSS vectors of the scores, then the aggregate rating, without repeats.
fn severities(doc: &CsafDocument, vuln: &Vulnerability) -> Vec<Severity> {
    let mut out = Vec::new();
    for score in vuln.score_list() {
        if let Some(vector) = score.cvss_v3.as_ref().and_then(|c| c.vector_string.clone()) {
            out.push(Severity::CvssV3 { vector });
        }
        if let Some(vector) = score.cvss_v2.as_ref().and_then(|c| c.vector_string.clone()) {
            out.push(Severity::CvssV2 { vector });
        }
    }
    if let Some(aggregate) = &doc.document.aggregate_severity {
        out.push(Severity::Qualitative {
            rating: aggregate.text.trim().to_lowercase(),
        });
    }
    let mut seen = HashSet::new();
    out.retain(|s| seen.insert(format!("{s:?}")));
    out
}

fn remediation_kind(category: RemediationCategory) -> RemediationKind {
    match category {
        RemediationCategory::Mitigation => RemediationKind::Mitigation,
        RemediationCategory::NoFixPlanned => RemediationKind::NoFixPlanned,
        RemediationCategory::NoneAvailable => RemediationKind::NoneAvailable,
        RemediationCategory::VendorFix => RemediationKind::VendorFix,
        RemediationCategory::Workaround => RemediationKind::Workaround,
    }
}

/// One remediation per product it names (the model's remediation is for
/// one product); a vendor fix for a fixed product carries that product's
/// version as the fixed version.
fn remediations(catalog: &Catalog<'_>, vuln: &Vulnerability) -> Vec<Remediation> {
    let fixed = vex::fixed_ids(vuln);
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for rem in vuln.remediation_list() {
        let kind = remediation_kind(rem.category);
        let ids = catalog.expand(rem.product_ids.as_deref(), rem.group_ids.as_deref());
        let base = Remediation {
            kind,
            text: rem.details.clone(),
            url: rem.url.clone(),
            ..Remediation::default()
        };
        if ids.is_empty() {
            out.push(base.clone());
        }
        for id in ids {
            let resolved = catalog.resolve(id);
            let fixed_version = resolved
                .version
                .clone()
                .filter(|_| kind == RemediationKind::VendorFix && fixed.contains(&id));
            // The same product (and fix) named twice by one item, directly
            // and through a group, is one remediation.
            if seen.insert((
                remediation_key(&base),
                resolved.product.clone(),
                fixed_version.clone(),
            )) {
                out.push(Remediation {
                    product: Some(resolved.product),
                    fixed_version,
                    ..base.clone()
                });
            }
        }
    }
    out
}

/// What makes two remediations of the same product different.
fn remediation_key(r: &Remediation) -> (RemediationKind, String, Option<String>) {
    (r.kind, r.text.clone(), r.url.clone())
}

fn exploitation(vuln: &Vulnerability) -> Option<Exploitation> {
    let threat = vuln
        .threat_list()
        .iter()
        .find(|t| t.category == ThreatCategory::ExploitStatus)?;
    Some(Exploitation {
        date_added: threat
            .date
            .as_deref()
            .and_then(timestamp)
            .map(|t| t.date_naive()),
        note: Some(threat.details.clone()),
        ..Exploitation::default()
    })
}

/// The vulnerability's references, then the document's (`self` ones are
/// the advisory itself).
fn references(doc: &CsafDocument, vuln: &Vulnerability) -> Vec<Reference> {
    let own = vuln.references.as_deref().unwrap_or_default();
    let document = doc.document.references.as_deref().unwrap_or_default();
    let mut out: Vec<Reference> = Vec::new();
    let mut seen = HashSet::new();
    for r in own.iter().chain(document) {
        if !seen.insert(r.url.as_str()) {
            continue;
        }
        let kind = match r.category {
            Some(ReferenceCategory::SelfRef) => "advisory",
            _ => "web",
        };
        out.push(Reference {
            url: r.url.clone(),
            kind: Some(kind.to_owned()),
        });
    }
    out
}

#[cfg(test)]
mod tests;
