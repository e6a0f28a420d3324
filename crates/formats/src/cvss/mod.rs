//! CVSS vectors: strict parsing, canonical display and scoring for
//! CVSS 3.0, 3.1 and 4.0 (DESIGN §4.3 "normalise … CVSS 3.1/4.0 vectors and
//! scores").
//!
//! * [`parse`] reads any supported vector into a [`Cvss`]; [`CvssV3`] and
//!   [`CvssV4`] hold every metric (base, temporal/threat, environmental,
//!   supplemental) as typed values, with `None` for Not Defined (`X`).
//! * `Display` writes the canonical vector: the specification's order, Not
//!   Defined metrics left out. `parse(&v.to_string()) == Ok(v)`.
//! * CVSS 3.x scores follow the FIRST v3.1 specification §7 (and v3.0 where
//!   its environmental formula differs); CVSS 4.0 scores port FIRST's
//!   reference calculator (MacroVector lookup and interpolation).
//! * Scores are [`Score`]s (exact tenths) and rate on one [`Rating`] scale.
//!
//! Scores agree exactly with Red Hat's `cvss` Python library on every
//! vector of `scripts/conformance/cvss_differential.sh`.

mod error;
mod fields;
mod metric;
mod rating;
mod score;
mod v3;
mod v3_metrics;
mod v3_score;
mod v4;
mod v4_lookup;
mod v4_metrics;
mod v4_score;
mod version;

use std::fmt;
use std::str::FromStr;

pub use error::CvssError;
pub use metric::{
    AttackComplexity, AttackVector, Impact, MetricValue, PrivilegesRequired, Requirement,
};
pub use rating::Rating;
pub use score::Score;
pub use v3::{CvssV3, V3Base, V3Environmental, V3Temporal, V3Version};
pub use v3_metrics::{
    ExploitCodeMaturity, RemediationLevel, ReportConfidence, Scope, UserInteraction,
};
pub use v4::{CvssV4, V4Base, V4Environmental, V4Nomenclature, V4Supplemental, V4Threat};
pub use v4_metrics::{
    AttackRequirements, Automatable, ExploitMaturity, ProviderUrgency, Recovery, ResponseEffort,
    Safety, SubsequentImpact, UserInteractionV4, ValueDensity,
};
pub use version::CvssVersion;

use crate::model::Severity;

/// A parsed CVSS vector of any supported version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Cvss {
    /// A CVSS 3.0 or 3.1 vector.
    V3(CvssV3),
    /// A CVSS 4.0 vector.
    V4(CvssV4),
}

/// Parses a `CVSS:3.0/…`, `CVSS:3.1/…` or `CVSS:4.0/…` vector string.
///
/// Parsing is strict: the exact prefix, no surrounding whitespace, every
/// base metric, no duplicates, allowed values only, and for 4.0 the
/// specification's metric order. The error names the offending metric or
/// value.
pub fn parse(vector: &str) -> Result<Cvss, CvssError> {
    let (version, _) = CvssVersion::split_prefix(vector)?;
    match version {
        CvssVersion::V3_0 | CvssVersion::V3_1 => CvssV3::parse(vector).map(Cvss::V3),
        CvssVersion::V4_0 => CvssV4::parse(vector).map(Cvss::V4),
    }
}

impl Cvss {
    /// The CVSS version the vector declares.
    pub fn version(&self) -> CvssVersion {
        match self {
            Cvss::V3(v) => v.version.into(),
            Cvss::V4(_) => CvssVersion::V4_0,
        }
    }

    /// The headline score: for 3.x the base score (what NVD, OSV and CVE
    /// records publish), for 4.0 the one score (CVSS-B/BT/BE/BTE).
    pub fn score(&self) -> Score {
        match self {
            Cvss::V3(v) => v.base_score(),
            Cvss::V4(v) => v.score(),
        }
    }

    /// The qualitative rating of [`Cvss::score`].
    pub fn severity(&self) -> Rating {
        self.score().rating()
    }

    /// The canonical vector as a normalised-model severity entry.
    pub fn to_model(&self) -> Severity {
        match self {
            Cvss::V3(v) => Severity::CvssV3 {
                vector: v.to_string(),
            },
            Cvss::V4(v) => Severity::CvssV4 {
                vector: v.to_string(),
            },
        }
    }
}

impl FromStr for Cvss {
    type Err = CvssError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse(s)
    }
}

/// The canonical vector string.
impl fmt::Display for Cvss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Cvss::V3(v) => v.fmt(f),
            Cvss::V4(v) => v.fmt(f),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use proptest::sample::select;
    use std::fmt::Debug;

    fn value<T: MetricValue + Debug>() -> impl Strategy<Value = T> {
        select(T::ALL)
    }

    fn optional<T: MetricValue + Debug>() -> impl Strategy<Value = Option<T>> {
        proptest::option::of(value::<T>())
    }

    fn v3_base() -> impl Strategy<Value = V3Base> {
        (
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
            value(),
        )
            .prop_map(|(av, ac, pr, ui, s, c, i, a)| V3Base {
                attack_vector: av,
                attack_complexity: ac,
                privileges_required: pr,
                user_interaction: ui,
                scope: s,
                confidentiality: c,
                integrity: i,
                availability: a,
            })
    }

    fn v3_environmental() -> impl Strategy<Value = V3Environmental> {
        (
            (optional(), optional(), optional()),
            (optional(), optional(), optional(), optional()),
            (optional(), optional(), optional(), optional()),
        )
            .prop_map(|((cr, ir, ar), (mav, mac, mpr, mui), (ms, mc, mi, ma))| {
                V3Environmental {
                    confidentiality_requirement: cr,
                    integrity_requirement: ir,
                    availability_requirement: ar,
                    modified_attack_vector: mav,
                    modified_attack_complexity: mac,
                    modified_privileges_required: mpr,
                    modified_user_interaction: mui,
                    modified_scope: ms,
                    modified_confidentiality: mc,
                    modified_integrity: mi,
                    modified_availability: ma,
                }
            })
    }

    fn v3() -> impl Strategy<Value = CvssV3> {
        let temporal = (optional(), optional(), optional()).prop_map(|(e, rl, rc)| V3Temporal {
            exploit_code_maturity: e,
            remediation_level: rl,
            report_confidence: rc,
        });
        let version = select(&[V3Version::V3_0, V3Version::V3_1][..]);
        (version, v3_base(), temporal, v3_environmental()).prop_map(
            |(version, base, temporal, environmental)| CvssV3 {
                version,
                base,
                temporal,
                environmental,
            },
        )
    }

    fn v4_base() -> impl Strategy<Value = V4Base> {
        (
            (value(), value(), value(), value(), value()),
            (value(), value(), value(), value(), value(), value()),
        )
            .prop_map(|((av, ac, at, pr, ui), (vc, vi, va, sc, si, sa))| V4Base {
                attack_vector: av,
                attack_complexity: ac,
                attack_requirements: at,
                privileges_required: pr,
                user_interaction: ui,
                vulnerable_confidentiality: vc,
                vulnerable_integrity: vi,
                vulnerable_availability: va,
                subsequent_confidentiality: sc,
                subsequent_integrity: si,
                subsequent_availability: sa,
            })
    }

    fn v4_environmental() -> impl Strategy<Value = V4Environmental> {
        (
            (optional(), optional(), optional()),
            (optional(), optional(), optional(), optional(), optional()),
            (optional(), optional(), optional()),
            (optional(), optional(), optional()),
        )
            .prop_map(
                |((cr, ir, ar), (mav, mac, mat, mpr, mui), (mvc, mvi, mva), (msc, msi, msa))| {
                    V4Environmental {
                        confidentiality_requirement: cr,
                        integrity_requirement: ir,
                        availability_requirement: ar,
                        modified_attack_vector: mav,
                        modified_attack_complexity: mac,
                        modified_attack_requirements: mat,
                        modified_privileges_required: mpr,
                        modified_user_interaction: mui,
                        modified_vulnerable_confidentiality: mvc,
                        modified_vulnerable_integrity: mvi,
                        modified_vulnerable_availability: mva,
                        modified_subsequent_confidentiality: msc,
                        modified_subsequent_integrity: msi,
                        modified_subsequent_availability: msa,
                    }
                },
            )
    }

    fn v4() -> impl Strategy<Value = CvssV4> {
        let supplemental = (
            optional(),
            optional(),
            optional(),
            optional(),
            optional(),
            optional(),
        )
            .prop_map(|(s, au, r, v, re, u)| V4Supplemental {
                safety: s,
                automatable: au,
                recovery: r,
                value_density: v,
                response_effort: re,
                provider_urgency: u,
            });
        let threat = optional().prop_map(|e| V4Threat {
            exploit_maturity: e,
        });
        (v4_base(), threat, v4_environmental(), supplemental).prop_map(
            |(base, threat, environmental, supplemental)| CvssV4 {
                base,
                threat,
                environmental,
                supplemental,
            },
        )
    }

    fn any_cvss() -> impl Strategy<Value = Cvss> {
        prop_oneof![v3().prop_map(Cvss::V3), v4().prop_map(Cvss::V4)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn display_parses_back_to_the_same_vector(v in any_cvss()) {
            let text = v.to_string();
            prop_assert_eq!(parse(&text), Ok(v));
            prop_assert_eq!(text.parse::<Cvss>().map(|p| p.score()), Ok(v.score()));
            prop_assert!(v.score() <= Score::MAX);
            prop_assert_eq!(v.severity(), Rating::from_score(v.score()));
        }

        #[test]
        fn v3_metrics_parse_in_any_order(
            (v, order) in v3().prop_flat_map(|v| {
                let n = v.to_string().split('/').count() - 1;
                (Just(v), Just((0..n).collect::<Vec<_>>()).prop_shuffle())
            })
        ) {
            let text = v.to_string();
            let mut parts = text.split('/');
            let prefix = parts.next().unwrap_or_default();
            let fields: Vec<&str> = parts.collect();
            let shuffled: Vec<&str> = order.iter().map(|&i| fields[i]).collect();
            let reordered = format!("{prefix}/{}", shuffled.join("/"));
            prop_assert_eq!(CvssV3::parse(&reordered), Ok(v));
        }

        #[test]
        fn arbitrary_text_never_panics(text in "CVSS:[34]\\.[01]/[A-Z:/XNLHPU]{0,80}") {
            if let Ok(v) = parse(&text) {
                prop_assert_eq!(parse(&v.to_string()), Ok(v));
            }
        }
    }

    #[test]
    fn dispatches_on_version() {
        let v3 = parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").unwrap();
        assert_eq!(v3.version(), CvssVersion::V3_1);
        assert_eq!(v3.score().to_string(), "9.8");
        assert_eq!(v3.severity(), Rating::Critical);
        let v4 = parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N").unwrap();
        assert_eq!(v4.version(), CvssVersion::V4_0);
        assert_eq!(v4.score().to_string(), "9.3");
        assert_eq!(
            v4.to_model(),
            Severity::CvssV4 {
                vector: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into()
            }
        );
        assert_eq!(
            parse("CVSS:2.0/AV:N"),
            Err(CvssError::UnsupportedVersion {
                prefix: "CVSS:2.0".into()
            })
        );
        assert_eq!(
            parse("AV:N/AC:L/Au:N/C:P/I:P/A:P"),
            Err(CvssError::UnsupportedVersion {
                prefix: "AV:N".into()
            })
        );
        assert_eq!(parse(""), Err(CvssError::Empty));
    }
}
