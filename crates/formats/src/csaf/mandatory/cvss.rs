//! Tests 6.1.8–6.1.10 on the CVSS objects under `/vulnerabilities[]/scores[]`:
//! valid against the FIRST schemas, scores computed correctly, and
//! properties that agree with the vector.

use serde_json::Value;

use super::cvss_metrics::{Metric, SEVERITIES, V2_METRICS, V3_METRICS};
use super::cvss_v2;
use crate::csaf::document::CsafDocument;
use crate::csaf::finding::Finding;
use crate::csaf::patterns;
use crate::csaf::vulnerability::{CvssV2Object, CvssV3Object};

/// A visitor of one score: its JSON pointer and CVSS objects.
type ScoreVisitor<'a> = dyn FnMut(&str, Option<&CvssV2Object>, Option<&CvssV3Object>) + 'a;

/// Calls `f` with each score's JSON pointer and CVSS objects.
fn each_score(doc: &CsafDocument, f: &mut ScoreVisitor<'_>) {
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        for (s, score) in vuln.score_list().iter().enumerate() {
            let path = format!("/vulnerabilities/{v}/scores/{s}");
            f(&path, score.cvss_v2.as_ref(), score.cvss_v3.as_ref());
        }
    }
}

/// 6.1.8 Invalid CVSS: each object is valid against its FIRST schema.
pub(crate) fn invalid_cvss(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    each_score(doc, &mut |path, v2, v3| {
        if let Some(v2) = v2 {
            check_v2_schema(&format!("{path}/cvss_v2"), v2, &mut out);
        }
        if let Some(v3) = v3 {
            check_v3_schema(&format!("{path}/cvss_v3"), v3, &mut out);
        }
    });
    out
}

fn check_v2_schema(path: &str, o: &CvssV2Object, out: &mut Vec<Finding>) {
    let mut fail = |at: String, msg: String| out.push(Finding::new("6.1.8", at, msg));
    match o.version.as_deref() {
        None => fail(
            path.to_owned(),
            "required property `version` is missing".into(),
        ),
        Some("2.0") => {}
        Some(other) => fail(format!("{path}/version"), format!("`{other}` is not 2.0")),
    }
    match o.vector_string.as_deref() {
        None => fail(
            path.to_owned(),
            "required property `vectorString` is missing".into(),
        ),
        Some(v) if !patterns::is_cvss_v2_vector(v) => fail(
            format!("{path}/vectorString"),
            format!("`{v}` is not a CVSS v2 vector"),
        ),
        Some(_) => {}
    }
    if o.base_score.is_none() {
        fail(
            path.to_owned(),
            "required property `baseScore` is missing".into(),
        );
    }
    let scores = [
        ("baseScore", o.base_score),
        ("temporalScore", o.temporal_score),
        ("environmentalScore", o.environmental_score),
    ];
    check_ranges(path, &scores, out);
    check_enums(path, &o.metrics, V2_METRICS, out);
}

fn check_v3_schema(path: &str, o: &CvssV3Object, out: &mut Vec<Finding>) {
    let mut fail = |at: String, msg: String| out.push(Finding::new("6.1.8", at, msg));
    let version = o.version.as_deref();
    match version {
        None => fail(
            path.to_owned(),
            "required property `version` is missing".into(),
        ),
        Some("3.0" | "3.1") => {}
        Some(other) => fail(
            format!("{path}/version"),
            format!("`{other}` is not 3.0 or 3.1"),
        ),
    }
    match o.vector_string.as_deref() {
        None => fail(
            path.to_owned(),
            "required property `vectorString` is missing".into(),
        ),
        Some(v) => {
            let ok = match version {
                Some("3.0") => patterns::is_cvss_v30_vector(v),
                Some("3.1") => patterns::is_cvss_v31_vector(v),
                _ => patterns::is_cvss_v30_vector(v) || patterns::is_cvss_v31_vector(v),
            };
            if !ok {
                let what = version.map_or("3.x".to_owned(), |v| format!("CVSS {v}"));
                fail(
                    format!("{path}/vectorString"),
                    format!("`{v}` is not a {what} vector"),
                );
            }
        }
    }
    if o.base_score.is_none() {
        fail(
            path.to_owned(),
            "required property `baseScore` is missing".into(),
        );
    }
    if o.base_severity.is_none() {
        fail(
            path.to_owned(),
            "required property `baseSeverity` is missing".into(),
        );
    }
    check_severity_names(path, o, out);
    let scores = [
        ("baseScore", o.base_score),
        ("temporalScore", o.temporal_score),
        ("environmentalScore", o.environmental_score),
    ];
    check_ranges(path, &scores, out);
    check_enums(path, &o.metrics, V3_METRICS, out);
}

/// The severities of a v3 object are `NONE` … `CRITICAL`.
fn check_severity_names(path: &str, o: &CvssV3Object, out: &mut Vec<Finding>) {
    let severities = [
        ("baseSeverity", &o.base_severity),
        ("temporalSeverity", &o.temporal_severity),
        ("environmentalSeverity", &o.environmental_severity),
    ];
    for (name, value) in severities {
        if let Some(s) = value.as_deref().filter(|s| !SEVERITIES.contains(s)) {
            out.push(Finding::new(
                "6.1.8",
                format!("{path}/{name}"),
                format!("`{s}` is not a CVSS severity"),
            ));
        }
    }
}

fn check_ranges(path: &str, scores: &[(&str, Option<f64>)], out: &mut Vec<Finding>) {
    for (name, value) in scores {
        if let Some(v) = value.filter(|v| !(0.0..=10.0).contains(v)) {
            out.push(Finding::new(
                "6.1.8",
                format!("{path}/{name}"),
                format!("{v} is not within 0–10"),
            ));
        }
    }
}

fn check_enums(
    path: &str,
    metrics: &std::collections::BTreeMap<String, Value>,
    table: &[Metric],
    out: &mut Vec<Finding>,
) {
    for (name, _, values) in table {
        let Some(value) = metrics.get(*name) else {
            continue;
        };
        let ok = value
            .as_str()
            .is_some_and(|s| values.iter().any(|(_, full)| *full == s));
        if !ok {
            out.push(Finding::new(
                "6.1.8",
                format!("{path}/{name}"),
                format!("{value} is not a valid {name}"),
            ));
        }
    }
}

/// 6.1.9 Invalid CVSS computation: the scores and severities are those the
/// vector yields.
pub(crate) fn invalid_cvss_computation(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    each_score(doc, &mut |path, v2, v3| {
        if let Some(v2) = v2 {
            check_v2_scores(&format!("{path}/cvss_v2"), v2, &mut out);
        }
        if let Some(v3) = v3 {
            check_v3_scores(&format!("{path}/cvss_v3"), v3, &mut out);
        }
    });
    out
}

fn check_v2_scores(path: &str, o: &CvssV2Object, out: &mut Vec<Finding>) {
    let Some(computed) = o.vector_string.as_deref().and_then(cvss_v2::score) else {
        return; // An unreadable vector is 6.1.8's finding.
    };
    let pairs = [
        ("baseScore", o.base_score, computed.base),
        ("temporalScore", o.temporal_score, computed.temporal),
        (
            "environmentalScore",
            o.environmental_score,
            computed.environmental,
        ),
    ];
    compare_scores(path, &pairs, out);
}

fn check_v3_scores(path: &str, o: &CvssV3Object, out: &mut Vec<Finding>) {
    let Some(Ok(crate::cvss::Cvss::V3(cvss))) = o.vector_string.as_deref().map(crate::cvss::parse)
    else {
        return; // An unreadable vector is 6.1.8's finding.
    };
    let base = cvss.base_score();
    let temporal = cvss.temporal_score();
    let environmental = cvss.environmental_score();
    let pairs = [
        ("baseScore", o.base_score, base.value()),
        ("temporalScore", o.temporal_score, temporal.value()),
        (
            "environmentalScore",
            o.environmental_score,
            environmental.value(),
        ),
    ];
    compare_scores(path, &pairs, out);
    let severities = [
        ("baseSeverity", &o.base_severity, base),
        ("temporalSeverity", &o.temporal_severity, temporal),
        (
            "environmentalSeverity",
            &o.environmental_severity,
            environmental,
        ),
    ];
    for (name, given, score) in severities {
        let expected = score.rating().as_str().to_ascii_uppercase();
        if let Some(given) = given.as_deref().filter(|g| *g != expected) {
            out.push(Finding::new(
                "6.1.9",
                format!("{path}/{name}"),
                format!("{name} is {given}; the vector gives {expected}"),
            ));
        }
    }
}

fn compare_scores(path: &str, pairs: &[(&str, Option<f64>, f64)], out: &mut Vec<Finding>) {
    for (name, given, computed) in pairs {
        // Scores have one decimal: anything closer than half a tenth is equal.
        if let Some(given) = given.filter(|g| (g - computed).abs() >= 0.05) {
            out.push(Finding::new(
                "6.1.9",
                format!("{path}/{name}"),
                format!("{name} is {given}; the vector gives {computed:.1}"),
            ));
        }
    }
}

/// 6.1.10 Inconsistent CVSS: the metric properties agree with the metrics
/// the vector gives. A property for a metric the vector leaves out
/// contradicts nothing (as the OASIS test files and the BSI reference
/// validator have it).
pub(crate) fn inconsistent_cvss(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    each_score(doc, &mut |path, v2, v3| {
        if let Some(v2) = v2 {
            let vector = v2.vector_string.as_deref().unwrap_or_default();
            compare_metrics(
                &format!("{path}/cvss_v2"),
                vector,
                &v2.metrics,
                V2_METRICS,
                &mut out,
            );
        }
        if let Some(v3) = v3 {
            let vector = v3.vector_string.as_deref().unwrap_or_default();
            let body = vector.split_once('/').map_or("", |(_, rest)| rest);
            compare_metrics(
                &format!("{path}/cvss_v3"),
                body,
                &v3.metrics,
                V3_METRICS,
                &mut out,
            );
        }
    });
    out
}

fn compare_metrics(
    path: &str,
    vector: &str,
    metrics: &std::collections::BTreeMap<String, Value>,
    table: &[Metric],
    out: &mut Vec<Finding>,
) {
    let parts: Vec<(&str, &str)> = vector
        .split('/')
        .filter_map(|p| p.split_once(':'))
        .collect();
    for (name, key, values) in table {
        let Some(given) = metrics.get(*name).and_then(Value::as_str) else {
            continue;
        };
        let Some(abbr) = parts.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v) else {
            continue;
        };
        let Some(expected) = values
            .iter()
            .find(|(a, _)| *a == abbr)
            .map(|(_, full)| *full)
        else {
            continue; // An unknown vector value is 6.1.8's finding.
        };
        if expected != given {
            out.push(Finding::new(
                "6.1.10",
                format!("{path}/{name}"),
                format!("{name} is {given}; the vector says {expected}"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::csaf::mandatory::fixtures::{fails, passes};

    fn with_cvss(cvss: Value) -> Value {
        let mut score = json!({"products": ["CSAFPID-1"]});
        crate::csaf::mandatory::fixtures::merge(&mut score, &cvss);
        json!({"vulnerabilities": [{"scores": [score]}]})
    }

    #[test]
    fn t_6_1_8_invalid_cvss() {
        let v = "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H";
        fails(
            invalid_cvss,
            with_cvss(json!({"cvss_v3": {"version": "3.1", "vectorString": v, "baseScore": 6.5}})),
            "/vulnerabilities/0/scores/0/cvss_v3",
        );
        fails(
            invalid_cvss,
            with_cvss(
                json!({"cvss_v2": {"vectorString": "AV:L/AC:L/Au:M/C:C/I:C/A:C", "baseScore": 6.5}}),
            ),
            "/vulnerabilities/0/scores/0/cvss_v2",
        );
        passes(
            invalid_cvss,
            with_cvss(
                json!({"cvss_v3": {"version": "3.1", "vectorString": v, "baseScore": 6.5,
                "baseSeverity": "MEDIUM", "attackVector": "LOCAL"}}),
            ),
        );
    }

    #[test]
    fn t_6_1_9_invalid_cvss_computation() {
        let v = "CVSS:3.1/AV:L/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H";
        let found = fails(
            invalid_cvss_computation,
            with_cvss(
                json!({"cvss_v3": {"version": "3.1", "vectorString": v, "baseScore": 10,
                "baseSeverity": "LOW"}}),
            ),
            "/vulnerabilities/0/scores/0/cvss_v3/baseScore",
        );
        assert_eq!(found.len(), 2, "{found:#?}");
        fails(
            invalid_cvss_computation,
            with_cvss(
                json!({"cvss_v2": {"version": "2.0", "vectorString": "AV:N/AC:L/Au:N/C:C/I:C/A:C",
                "baseScore": 6.5}}),
            ),
            "/vulnerabilities/0/scores/0/cvss_v2/baseScore",
        );
        passes(
            invalid_cvss_computation,
            with_cvss(
                json!({"cvss_v3": {"version": "3.1", "vectorString": v, "baseScore": 6.5,
                "baseSeverity": "MEDIUM"}, "cvss_v2": {"version": "2.0",
                "vectorString": "AV:N/AC:L/Au:N/C:C/I:C/A:C", "baseScore": 10}}),
            ),
        );
    }

    #[test]
    fn t_6_1_10_inconsistent_cvss() {
        let v = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
        let cvss = |av: &str| {
            with_cvss(
                json!({"cvss_v3": {"version": "3.1", "vectorString": v, "baseScore": 9.8,
                "baseSeverity": "CRITICAL", "attackVector": av, "exploitCodeMaturity": "NOT_DEFINED"}}),
            )
        };
        fails(
            inconsistent_cvss,
            cvss("LOCAL"),
            "/vulnerabilities/0/scores/0/cvss_v3/attackVector",
        );
        passes(inconsistent_cvss, cvss("NETWORK"));
    }
}
