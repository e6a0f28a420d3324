//! CVSS v2 scores (FIRST CVSS v2 Complete Documentation §3.2), for test
//! 6.1.9. The crate's `cvss` module scores 3.x and 4.0; v2 is only ever
//! checked, never produced, so its equations live here.

use std::collections::HashMap;

/// The three scores of a CVSS v2 vector, rounded to one decimal.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct V2Scores {
    pub base: f64,
    pub temporal: f64,
    pub environmental: f64,
}

/// The weight of each value of a metric.
type Weights = &'static [(&'static str, f64)];

/// Each metric: vector key, weight when absent (`None`: required), and the
/// weight of each value.
const WEIGHTS: &[(&str, Option<f64>, Weights)] = &[
    ("AV", None, &[("L", 0.395), ("A", 0.646), ("N", 1.0)]),
    ("AC", None, &[("H", 0.35), ("M", 0.61), ("L", 0.71)]),
    ("Au", None, &[("M", 0.45), ("S", 0.56), ("N", 0.704)]),
    ("C", None, CIA),
    ("I", None, CIA),
    ("A", None, CIA),
    (
        "E",
        Some(1.0),
        &[
            ("U", 0.85),
            ("POC", 0.9),
            ("F", 0.95),
            ("H", 1.0),
            ("ND", 1.0),
        ],
    ),
    (
        "RL",
        Some(1.0),
        &[
            ("OF", 0.87),
            ("TF", 0.90),
            ("W", 0.95),
            ("U", 1.0),
            ("ND", 1.0),
        ],
    ),
    (
        "RC",
        Some(1.0),
        &[("UC", 0.90), ("UR", 0.95), ("C", 1.0), ("ND", 1.0)],
    ),
    (
        "CDP",
        Some(0.0),
        &[
            ("N", 0.0),
            ("L", 0.1),
            ("LM", 0.3),
            ("MH", 0.4),
            ("H", 0.5),
            ("ND", 0.0),
        ],
    ),
    (
        "TD",
        Some(1.0),
        &[
            ("N", 0.0),
            ("L", 0.25),
            ("M", 0.75),
            ("H", 1.0),
            ("ND", 1.0),
        ],
    ),
    ("CR", Some(1.0), REQUIREMENT),
    ("IR", Some(1.0), REQUIREMENT),
    ("AR", Some(1.0), REQUIREMENT),
];
const CIA: Weights = &[("N", 0.0), ("P", 0.275), ("C", 0.660)];
const REQUIREMENT: Weights = &[("L", 0.5), ("M", 1.0), ("H", 1.51), ("ND", 1.0)];

/// The weight of every metric, in [`WEIGHTS`] order; `None` when a base
/// metric is missing or a value is unknown.
fn weights(vector: &str) -> Option<Vec<f64>> {
    let mut metrics: HashMap<&str, &str> = HashMap::new();
    for part in vector.split('/') {
        let (key, value) = part.split_once(':')?;
        metrics.insert(key, value);
    }
    WEIGHTS
        .iter()
        .map(|(key, default, table)| match metrics.get(key) {
            Some(value) => table.iter().find(|(v, _)| v == value).map(|(_, w)| *w),
            None => *default,
        })
        .collect()
}

/// Scores a v2 vector (`AV:N/AC:L/Au:N/C:P/I:P/A:P[/E:…]`); `None` when a
/// base metric is missing or a value is unknown.
pub(crate) fn score(vector: &str) -> Option<V2Scores> {
    let w = weights(vector)?;
    let [av, ac, au, c, i, a, e, rl, rc, cdp, td, cr, ir, ar] = w[..] else {
        return None;
    };
    let exploitability = 20.0 * av * ac * au;
    let base_with = |impact: f64| {
        let f = if impact == 0.0 { 0.0 } else { 1.176 };
        round1(((0.6 * impact) + (0.4 * exploitability) - 1.5) * f)
    };
    let base = base_with(10.41 * (1.0 - (1.0 - c) * (1.0 - i) * (1.0 - a)));
    let temporal = round1(base * e * rl * rc);
    let adjusted_impact =
        (10.41 * (1.0 - (1.0 - c * cr) * (1.0 - i * ir) * (1.0 - a * ar))).min(10.0);
    let adjusted_temporal = round1(base_with(adjusted_impact) * e * rl * rc);
    let environmental = round1((adjusted_temporal + (10.0 - adjusted_temporal) * cdp) * td);
    Some(V2Scores {
        base,
        temporal,
        environmental,
    })
}

/// Rounds to one decimal, halves up (the v2 "round_to_1_decimal"); a tiny
/// nudge keeps float noise (`4.35` stored as `4.3499…`) from rounding down.
fn round1(x: f64) -> f64 {
    ((x * 10.0) + 1e-9).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_known_vectors() {
        let s = score("AV:N/AC:L/Au:N/C:C/I:C/A:C");
        assert_eq!(s.map(|s| s.base), Some(10.0));
        let s = score("AV:N/AC:L/Au:N/C:P/I:P/A:P");
        assert_eq!(s.map(|s| s.base), Some(7.5));
        let s = score("AV:L/AC:L/Au:M/C:C/I:C/A:C");
        assert_eq!(s.map(|s| s.base), Some(6.5));
        // NVD's example: CVE-2002-0392.
        let s = score("AV:N/AC:L/Au:N/C:N/I:N/A:C/E:F/RL:OF/RC:C/CDP:H/TD:H/CR:M/IR:M/AR:H");
        assert_eq!(
            s.map(|s| (s.base, s.temporal, s.environmental)),
            Some((7.8, 6.4, 9.2))
        );
        assert_eq!(score("AV:N/AC:L"), None);
        assert_eq!(score("AV:X/AC:L/Au:N/C:C/I:C/A:C"), None);
    }
}
