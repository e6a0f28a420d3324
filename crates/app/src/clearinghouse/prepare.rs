//! What intake computes for each parsed report before touching the
//! database: its content hash, exact keys, MinHash signature and LSH bands,
//! title and severity.

use bulwark_domain::clearinghouse::fingerprint::exact_keys;
use bulwark_domain::clearinghouse::near_duplicate::{Signature, BANDS};
use bulwark_domain::clearinghouse::priority::Qualitative;
use bulwark_formats::cvss;
use bulwark_formats::model::{Report, Severity};
use sha2::{Digest, Sha256};

/// Longest stored title (characters).
const TITLE_MAX: usize = 300;

/// A parsed report ready to be filed.
pub(crate) struct Prepared {
    /// Index of the record in the upload.
    pub index: usize,
    pub report: Report,
    /// The normalised report as stored (JSON).
    pub json: String,
    /// Hex SHA-256 of the normalised report (of `json`: the same bytes
    /// `fingerprint::content_hash` hashes).
    pub content_hash: String,
    /// Exact keys (see `fingerprint::exact_keys`).
    pub keys: Vec<String>,
    /// Whether any key is a public vulnerability id (`id:…`).
    pub has_public_id: bool,
    pub signature: Option<Signature>,
    pub bands: Option<[i64; BANDS]>,
    pub title: String,
    /// Highest CVSS score among its vectors.
    pub cvss: Option<f64>,
    /// Highest qualitative rating.
    pub qualitative: Option<Qualitative>,
    pub exploited: bool,
}

impl Prepared {
    /// Computes everything intake needs from `report`.
    pub(crate) fn new(index: usize, report: Report) -> Prepared {
        let keys = exact_keys(&report);
        let has_public_id = keys.iter().any(|k| k.starts_with("id:"));
        let signature = Signature::of_report(&report);
        let bands = signature.as_ref().map(Signature::band_keys);
        // Serialised once, here (off the intake lock): stored as is and
        // hashed, exactly as `fingerprint::content_hash` would.
        let json = serde_json::to_string(&report).unwrap_or_default();
        Prepared {
            index,
            content_hash: hex::encode(Sha256::digest(json.as_bytes())),
            json,
            keys,
            has_public_id,
            bands,
            signature,
            title: title_of(&report),
            cvss: max_cvss(&report),
            qualitative: max_qualitative(&report),
            exploited: report.exploitation.is_some(),
            report,
        }
    }
}

/// The report's title, else the first line of its description, else its id.
fn title_of(report: &Report) -> String {
    let candidate = report
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or_else(|| report.description.lines().find(|l| !l.trim().is_empty()))
        .or(report.source_id.as_deref())
        .or(report.aliases.first().map(String::as_str))
        .unwrap_or("untitled report")
        .trim();
    candidate.chars().take(TITLE_MAX).collect()
}

/// The highest score of the report's CVSS 3.x and 4.0 vectors (vectors that
/// do not parse are ignored here; intake of a native report rejects them).
pub(crate) fn max_cvss(report: &Report) -> Option<f64> {
    report
        .severities
        .iter()
        .filter_map(|s| match s {
            Severity::CvssV3 { vector } | Severity::CvssV4 { vector } => cvss::parse(vector).ok(),
            _ => None,
        })
        .map(|c| c.score().value())
        .fold(None, |best: Option<f64>, s| {
            Some(best.map_or(s, |b| b.max(s)))
        })
}

fn max_qualitative(report: &Report) -> Option<Qualitative> {
    report
        .severities
        .iter()
        .filter_map(|s| match s {
            Severity::Qualitative { rating } => Qualitative::parse(rating),
            _ => None,
        })
        .max()
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark_domain::clearinghouse::fingerprint::content_hash;

    #[test]
    fn the_stored_json_hashes_to_the_content_hash() {
        let report = Report {
            title: Some("Overflow \"quoted\" ü".into()),
            description: "A heap overflow in the PNG decoder.\nSecond line.".into(),
            aliases: vec!["CVE-2026-1234".into()],
            cwes: vec![787],
            ..Report::default()
        };
        let p = Prepared::new(3, report.clone());
        assert_eq!(p.content_hash, hex::encode(content_hash(&report)));
        let back: Report = serde_json::from_str(&p.json).unwrap();
        assert_eq!(back, report);
    }
}
