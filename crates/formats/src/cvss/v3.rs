//! CVSS 3.0 and 3.1 vectors: the metrics, strict parsing and canonical
//! display (FIRST CVSS v3.1 specification §6, "Vector String").

use std::fmt;
use std::str::FromStr;

use super::error::CvssError;
use super::fields::{write_optional, Order, Slots};
use super::metric::{
    AttackComplexity, AttackVector, Impact, MetricValue, PrivilegesRequired, Requirement,
};
use super::v3_metrics::{
    ExploitCodeMaturity, RemediationLevel, ReportConfidence, Scope, UserInteraction,
};
use super::version::{unsupported, CvssVersion};

/// Which CVSS 3 minor version a vector declares. The scoring formulas
/// differ slightly (see [`CvssV3::environmental_score`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum V3Version {
    /// `CVSS:3.0/`.
    V3_0,
    /// `CVSS:3.1/`.
    V3_1,
}

impl From<V3Version> for CvssVersion {
    fn from(v: V3Version) -> CvssVersion {
        match v {
            V3Version::V3_0 => CvssVersion::V3_0,
            V3Version::V3_1 => CvssVersion::V3_1,
        }
    }
}

/// A parsed CVSS 3.0 or 3.1 vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CvssV3 {
    /// 3.0 or 3.1.
    pub version: V3Version,
    /// The mandatory base metrics.
    pub base: V3Base,
    /// The optional temporal metrics.
    pub temporal: V3Temporal,
    /// The optional environmental metrics.
    pub environmental: V3Environmental,
}

/// The CVSS 3.x base metrics (all mandatory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct V3Base {
    /// `AV`.
    pub attack_vector: AttackVector,
    /// `AC`.
    pub attack_complexity: AttackComplexity,
    /// `PR`.
    pub privileges_required: PrivilegesRequired,
    /// `UI`.
    pub user_interaction: UserInteraction,
    /// `S`.
    pub scope: Scope,
    /// `C`.
    pub confidentiality: Impact,
    /// `I`.
    pub integrity: Impact,
    /// `A`.
    pub availability: Impact,
}

/// The CVSS 3.x temporal metrics; `None` is Not Defined (`X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct V3Temporal {
    /// `E`.
    pub exploit_code_maturity: Option<ExploitCodeMaturity>,
    /// `RL`.
    pub remediation_level: Option<RemediationLevel>,
    /// `RC`.
    pub report_confidence: Option<ReportConfidence>,
}

/// The CVSS 3.x environmental metrics; `None` is Not Defined (`X`), which
/// for the modified metrics means "as in the base metric".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct V3Environmental {
    /// `CR`.
    pub confidentiality_requirement: Option<Requirement>,
    /// `IR`.
    pub integrity_requirement: Option<Requirement>,
    /// `AR`.
    pub availability_requirement: Option<Requirement>,
    /// `MAV`.
    pub modified_attack_vector: Option<AttackVector>,
    /// `MAC`.
    pub modified_attack_complexity: Option<AttackComplexity>,
    /// `MPR`.
    pub modified_privileges_required: Option<PrivilegesRequired>,
    /// `MUI`.
    pub modified_user_interaction: Option<UserInteraction>,
    /// `MS`.
    pub modified_scope: Option<Scope>,
    /// `MC`.
    pub modified_confidentiality: Option<Impact>,
    /// `MI`.
    pub modified_integrity: Option<Impact>,
    /// `MA`.
    pub modified_availability: Option<Impact>,
}

/// Every CVSS 3.x metric, in the specification's preferred order; the
/// first eight are mandatory.
const KEYS: [&str; 22] = [
    "AV", "AC", "PR", "UI", "S", "C", "I", "A", "E", "RL", "RC", "CR", "IR", "AR", "MAV", "MAC",
    "MPR", "MUI", "MS", "MC", "MI", "MA",
];
const MANDATORY: usize = 8;

impl CvssV3 {
    /// Parses a `CVSS:3.0/…` or `CVSS:3.1/…` vector. Metrics may come in any
    /// order (the specification requires readers to accept that); every base
    /// metric must be present, none twice, and each with an allowed value.
    pub fn parse(vector: &str) -> Result<CvssV3, CvssError> {
        let (version, body) = CvssVersion::split_prefix(vector)?;
        let version = match version {
            CvssVersion::V3_0 => V3Version::V3_0,
            CvssVersion::V3_1 => V3Version::V3_1,
            CvssVersion::V4_0 => return Err(unsupported("CVSS:4.0")),
        };
        let label = CvssVersion::from(version).as_str();
        let slots = Slots::split(body, &KEYS, Order::Any, label)?;
        slots.check_mandatory(MANDATORY)?;
        Ok(CvssV3 {
            version,
            base: base_from(&slots)?,
            temporal: temporal_from(&slots)?,
            environmental: environmental_from(&slots)?,
        })
    }
}

fn base_from(s: &Slots<'_, 22>) -> Result<V3Base, CvssError> {
    Ok(V3Base {
        attack_vector: s.required(0)?,
        attack_complexity: s.required(1)?,
        privileges_required: s.required(2)?,
        user_interaction: s.required(3)?,
        scope: s.required(4)?,
        confidentiality: s.required(5)?,
        integrity: s.required(6)?,
        availability: s.required(7)?,
    })
}

fn temporal_from(s: &Slots<'_, 22>) -> Result<V3Temporal, CvssError> {
    Ok(V3Temporal {
        exploit_code_maturity: s.optional(8)?,
        remediation_level: s.optional(9)?,
        report_confidence: s.optional(10)?,
    })
}

fn environmental_from(s: &Slots<'_, 22>) -> Result<V3Environmental, CvssError> {
    Ok(V3Environmental {
        confidentiality_requirement: s.optional(11)?,
        integrity_requirement: s.optional(12)?,
        availability_requirement: s.optional(13)?,
        modified_attack_vector: s.optional(14)?,
        modified_attack_complexity: s.optional(15)?,
        modified_privileges_required: s.optional(16)?,
        modified_user_interaction: s.optional(17)?,
        modified_scope: s.optional(18)?,
        modified_confidentiality: s.optional(19)?,
        modified_integrity: s.optional(20)?,
        modified_availability: s.optional(21)?,
    })
}

impl FromStr for CvssV3 {
    type Err = CvssError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CvssV3::parse(s)
    }
}

/// The canonical vector: the specification's preferred metric order, with
/// Not Defined (`X`) metrics left out.
impl fmt::Display for CvssV3 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.base;
        write!(
            f,
            "CVSS:{}/AV:{}/AC:{}/PR:{}/UI:{}/S:{}/C:{}/I:{}/A:{}",
            CvssVersion::from(self.version),
            b.attack_vector.code(),
            b.attack_complexity.code(),
            b.privileges_required.code(),
            b.user_interaction.code(),
            b.scope.code(),
            b.confidentiality.code(),
            b.integrity.code(),
            b.availability.code(),
        )?;
        let t = &self.temporal;
        write_optional(f, "E", t.exploit_code_maturity)?;
        write_optional(f, "RL", t.remediation_level)?;
        write_optional(f, "RC", t.report_confidence)?;
        let e = &self.environmental;
        write_optional(f, "CR", e.confidentiality_requirement)?;
        write_optional(f, "IR", e.integrity_requirement)?;
        write_optional(f, "AR", e.availability_requirement)?;
        write_optional(f, "MAV", e.modified_attack_vector)?;
        write_optional(f, "MAC", e.modified_attack_complexity)?;
        write_optional(f, "MPR", e.modified_privileges_required)?;
        write_optional(f, "MUI", e.modified_user_interaction)?;
        write_optional(f, "MS", e.modified_scope)?;
        write_optional(f, "MC", e.modified_confidentiality)?;
        write_optional(f, "MI", e.modified_integrity)?;
        write_optional(f, "MA", e.modified_availability)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CRITICAL: &str = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";

    #[test]
    fn parses_base_vector() {
        let v = CvssV3::parse(CRITICAL).unwrap();
        assert_eq!(v.version, V3Version::V3_1);
        assert_eq!(v.base.attack_vector, AttackVector::Network);
        assert_eq!(v.base.scope, Scope::Unchanged);
        assert_eq!(v.temporal, V3Temporal::default());
        assert_eq!(v.to_string(), CRITICAL);
    }

    #[test]
    fn accepts_any_order_and_prints_canonically() {
        let v: CvssV3 = "CVSS:3.0/MA:X/E:P/A:H/I:H/C:H/S:U/UI:N/PR:N/AC:L/AV:N/CR:H"
            .parse()
            .unwrap();
        assert_eq!(v.version, V3Version::V3_0);
        assert_eq!(
            v.to_string(),
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:P/CR:H"
        );
    }

    #[test]
    fn rejects_bad_vectors() {
        let cases: &[(&str, CvssError)] = &[
            ("", CvssError::Empty),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H",
                CvssError::MissingMetric { metric: "A" },
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/A:L",
                CvssError::DuplicateMetric { metric: "A" },
            ),
            (
                "CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                CvssError::InvalidValue {
                    metric: "AV",
                    value: "X".into(),
                },
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:P/S:U/C:H/I:H/A:H",
                CvssError::InvalidValue {
                    metric: "UI",
                    value: "P".into(),
                },
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/AT:N",
                CvssError::UnknownMetric {
                    version: "3.1",
                    metric: "AT".into(),
                },
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/",
                CvssError::EmptyField { position: 9 },
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H/E:",
                CvssError::InvalidValue {
                    metric: "E",
                    value: String::new(),
                },
            ),
            (
                "CVSS:3.2/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                CvssError::UnsupportedVersion {
                    prefix: "CVSS:3.2".into(),
                },
            ),
        ];
        for (vector, expected) in cases {
            assert_eq!(CvssV3::parse(vector).as_ref(), Err(expected), "{vector}");
        }
        assert!(
            CvssV3::parse("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
                .is_err()
        );
        assert!(CvssV3::parse(" CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_err());
        assert!(CvssV3::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H ").is_err());
    }
}
