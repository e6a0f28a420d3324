//! Severity ratings as the formats give them, sorted into the model's
//! [`Severity`] kinds. Only the shape of a vector is checked here (its
//! version prefix and `metric:value` parts); scoring is the `cvss` module's.

use crate::model::Severity;

/// Sorts a CVSS vector by its version: `CVSS:3.0/…` and `CVSS:3.1/…` are
/// v3, `CVSS:4.0/…` v4, and an unprefixed `AV:N/AC:L/Au:N/…` (optionally
/// in parentheses) v2. `None` when the text is not shaped like a vector.
pub(crate) fn from_vector(vector: &str) -> Option<Severity> {
    let vector = vector.trim();
    if let Some(body) = vector
        .strip_prefix("CVSS:3.1/")
        .or_else(|| vector.strip_prefix("CVSS:3.0/"))
    {
        return metrics_shaped(body).then(|| Severity::CvssV3 {
            vector: vector.to_owned(),
        });
    }
    if let Some(body) = vector.strip_prefix("CVSS:4.0/") {
        return metrics_shaped(body).then(|| Severity::CvssV4 {
            vector: vector.to_owned(),
        });
    }
    let bare = vector
        .strip_prefix('(')
        .and_then(|v| v.strip_suffix(')'))
        .unwrap_or(vector);
    (metrics_shaped(bare) && bare.contains("/Au:")).then(|| Severity::CvssV2 {
        vector: bare.to_owned(),
    })
}

/// A qualitative rating, lower case; `None` for an empty or `unknown`
/// rating, which says nothing.
pub(crate) fn qualitative(rating: &str) -> Option<Severity> {
    let rating = rating.trim();
    if rating.is_empty() || rating.eq_ignore_ascii_case("unknown") {
        return None;
    }
    Some(Severity::Qualitative {
        rating: rating.to_lowercase(),
    })
}

/// The qualitative rating of a CVSS-like 0–10 score (the bands GitHub uses
/// for SARIF `security-severity`).
pub(crate) fn rating_of_score(score: f64) -> Option<&'static str> {
    if !(0.0..=10.0).contains(&score) {
        return None;
    }
    Some(if score >= 9.0 {
        "critical"
    } else if score >= 7.0 {
        "high"
    } else if score >= 4.0 {
        "medium"
    } else if score > 0.0 {
        "low"
    } else {
        "none"
    })
}

/// Whether `body` is `/`-separated `METRIC:value` parts starting with the
/// attack vector (every CVSS version starts with `AV`).
fn metrics_shaped(body: &str) -> bool {
    body.starts_with("AV:")
        && body.split('/').all(|part| {
            part.split_once(':').is_some_and(|(metric, value)| {
                !metric.is_empty()
                    && !value.is_empty()
                    && metric.bytes().all(|b| b.is_ascii_alphanumeric())
                    && value
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'.')
            })
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_by_version() {
        assert!(matches!(
            from_vector("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(Severity::CvssV3 { .. })
        ));
        assert!(matches!(
            from_vector("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
            Some(Severity::CvssV3 { .. })
        ));
        assert!(matches!(
            from_vector("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
            Some(Severity::CvssV4 { .. })
        ));
        assert_eq!(
            from_vector("(AV:N/AC:L/Au:N/C:P/I:P/A:P)"),
            Some(Severity::CvssV2 {
                vector: "AV:N/AC:L/Au:N/C:P/I:P/A:P".into()
            })
        );
    }

    #[test]
    fn malformed_vectors_are_not_vectors() {
        for text in [
            "AAV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:H",
            "CVSS:3.1/",
            "CVSS:3.1/AV:N//AC:L",
            "CVSS:2.0/AV:N",
            "AV:N/AC:L/PR:N",
            "high",
            "",
        ] {
            assert_eq!(from_vector(text), None, "{text}");
        }
    }

    #[test]
    fn ratings_and_scores() {
        assert_eq!(
            qualitative(" HIGH "),
            Some(Severity::Qualitative {
                rating: "high".into()
            })
        );
        assert_eq!(qualitative("Unknown"), None);
        assert_eq!(qualitative(""), None);
        assert_eq!(rating_of_score(9.8), Some("critical"));
        assert_eq!(rating_of_score(7.0), Some("high"));
        assert_eq!(rating_of_score(5.5), Some("medium"));
        assert_eq!(rating_of_score(0.1), Some("low"));
        assert_eq!(rating_of_score(0.0), Some("none"));
        assert_eq!(rating_of_score(11.0), None);
        assert_eq!(rating_of_score(f64::NAN), None);
    }
}
