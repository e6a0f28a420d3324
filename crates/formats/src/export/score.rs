//! CVSS scores for exports, computed with [`crate::cvss`].
//!
//! CSAF (`cvss_v3`) and CVE 5 (`cvssV3_1`, `cvssV4_0`, …) embed the FIRST
//! CVSS JSON objects; their required core is the version, the vector, the
//! base score and its severity, which is all the exports write (so the
//! object can never disagree with its vector: CSAF test 6.1.10).

use serde::Serialize;

use super::error::ExportError;
use crate::cvss::{self, Cvss, Rating};
use crate::model::{Advisory, Severity};

/// One scored CVSS vector.
#[derive(Debug, Clone)]
pub(crate) struct CvssScore {
    /// `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    /// The canonical vector string.
    pub vector: String,
    /// The base score (for 4.0: CVSS-B, from the base metrics alone).
    pub base_score: f64,
    /// The base score's rating.
    pub rating: Rating,
}

impl CvssScore {
    /// The FIRST JSON object (`version`, `vectorString`, `baseScore`,
    /// `baseSeverity`).
    pub fn json(&self) -> CvssJson {
        CvssJson {
            version: self.version,
            vector_string: self.vector.clone(),
            base_score: self.base_score,
            base_severity: self.rating.as_str().to_ascii_uppercase(),
        }
    }
}

/// The required core of a FIRST CVSS v3.x / v4.0 JSON object.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CvssJson {
    /// `3.0`, `3.1` or `4.0`.
    pub version: &'static str,
    /// The vector string.
    pub vector_string: String,
    /// The base score.
    pub base_score: f64,
    /// `NONE`, `LOW`, `MEDIUM`, `HIGH` or `CRITICAL`.
    pub base_severity: String,
}

/// Scores every CVSS 3.x and 4.0 vector of `advisory`, in order (CVSS 2
/// and qualitative ratings are not scored). A vector that does not parse
/// is an error naming it: an export never drops a score silently.
pub(crate) fn cvss_scores(
    advisory: &Advisory,
    format: &'static str,
) -> Result<Vec<CvssScore>, ExportError> {
    let vectors = advisory
        .severities
        .iter()
        .filter_map(|severity| match severity {
            Severity::CvssV3 { vector } | Severity::CvssV4 { vector } => Some(vector.trim()),
            _ => None,
        });
    vectors
        .map(|vector| {
            let parsed = cvss::parse(vector).map_err(|e| {
                ExportError::invalid(&advisory.id, format, format!("CVSS vector {vector:?}: {e}"))
            })?;
            let base = match parsed {
                Cvss::V3(v) => v.base_score(),
                Cvss::V4(_) => base_only_v4(vector)
                    .map_err(|e| {
                        ExportError::invalid(
                            &advisory.id,
                            format,
                            format!("CVSS vector {vector:?}: {e}"),
                        )
                    })?
                    .score(),
            };
            Ok(CvssScore {
                version: parsed.version().as_str(),
                vector: parsed.to_string(),
                base_score: base.value(),
                rating: base.rating(),
            })
        })
        .collect()
}

/// The CVSS-B vector of a 4.0 vector: the prefix and the eleven base
/// metrics, which the specification orders first.
fn base_only_v4(vector: &str) -> Result<Cvss, cvss::CvssError> {
    let base: Vec<&str> = vector.split('/').take(12).collect();
    cvss::parse(&base.join("/"))
}

/// The highest rating among `scores`, as the specification writes it
/// (`High`).
pub(crate) fn highest_rating(scores: &[CvssScore]) -> Option<&'static str> {
    scores.iter().map(|s| s.rating).max().map(Rating::as_str)
}
