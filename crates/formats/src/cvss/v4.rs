//! CVSS 4.0 vectors: the metrics, strict parsing and canonical display
//! (FIRST CVSS v4.0 specification §7, "Vector String").

use std::fmt;
use std::str::FromStr;

use super::error::CvssError;
use super::fields::{write_optional, Order, Slots};
use super::metric::{
    AttackComplexity, AttackVector, Impact, MetricValue, PrivilegesRequired, Requirement,
};
use super::v4_metrics::{
    AttackRequirements, Automatable, ExploitMaturity, ProviderUrgency, Recovery, ResponseEffort,
    Safety, SubsequentImpact, UserInteractionV4, ValueDensity,
};
use super::version::{unsupported, CvssVersion};

/// A parsed CVSS 4.0 vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CvssV4 {
    /// The mandatory base metrics.
    pub base: V4Base,
    /// The optional threat metric.
    pub threat: V4Threat,
    /// The optional environmental metrics.
    pub environmental: V4Environmental,
    /// The optional supplemental metrics (they never change the score).
    pub supplemental: V4Supplemental,
}

/// The CVSS 4.0 base metrics (all mandatory).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct V4Base {
    /// `AV`.
    pub attack_vector: AttackVector,
    /// `AC`.
    pub attack_complexity: AttackComplexity,
    /// `AT`.
    pub attack_requirements: AttackRequirements,
    /// `PR`.
    pub privileges_required: PrivilegesRequired,
    /// `UI`.
    pub user_interaction: UserInteractionV4,
    /// `VC`.
    pub vulnerable_confidentiality: Impact,
    /// `VI`.
    pub vulnerable_integrity: Impact,
    /// `VA`.
    pub vulnerable_availability: Impact,
    /// `SC`.
    pub subsequent_confidentiality: Impact,
    /// `SI`.
    pub subsequent_integrity: Impact,
    /// `SA`.
    pub subsequent_availability: Impact,
}

/// The CVSS 4.0 threat metric; `None` is Not Defined (`X`), scored as
/// Attacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct V4Threat {
    /// `E`.
    pub exploit_maturity: Option<ExploitMaturity>,
}

/// The CVSS 4.0 environmental metrics; `None` is Not Defined (`X`): a
/// requirement then scores as High, a modified metric as its base metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct V4Environmental {
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
    /// `MAT`.
    pub modified_attack_requirements: Option<AttackRequirements>,
    /// `MPR`.
    pub modified_privileges_required: Option<PrivilegesRequired>,
    /// `MUI`.
    pub modified_user_interaction: Option<UserInteractionV4>,
    /// `MVC`.
    pub modified_vulnerable_confidentiality: Option<Impact>,
    /// `MVI`.
    pub modified_vulnerable_integrity: Option<Impact>,
    /// `MVA`.
    pub modified_vulnerable_availability: Option<Impact>,
    /// `MSC`.
    pub modified_subsequent_confidentiality: Option<Impact>,
    /// `MSI` (may be Safety).
    pub modified_subsequent_integrity: Option<SubsequentImpact>,
    /// `MSA` (may be Safety).
    pub modified_subsequent_availability: Option<SubsequentImpact>,
}

/// The CVSS 4.0 supplemental metrics; `None` is Not Defined (`X`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct V4Supplemental {
    /// `S`.
    pub safety: Option<Safety>,
    /// `AU`.
    pub automatable: Option<Automatable>,
    /// `R`.
    pub recovery: Option<Recovery>,
    /// `V`.
    pub value_density: Option<ValueDensity>,
    /// `RE`.
    pub response_effort: Option<ResponseEffort>,
    /// `U`.
    pub provider_urgency: Option<ProviderUrgency>,
}

/// Which metric groups a CVSS 4.0 score reflects (specification §1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum V4Nomenclature {
    /// `CVSS-B`: base metrics only.
    Base,
    /// `CVSS-BT`: base and threat metrics.
    BaseThreat,
    /// `CVSS-BE`: base and environmental metrics.
    BaseEnvironmental,
    /// `CVSS-BTE`: base, threat and environmental metrics.
    BaseThreatEnvironmental,
}

impl fmt::Display for V4Nomenclature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            V4Nomenclature::Base => "CVSS-B",
            V4Nomenclature::BaseThreat => "CVSS-BT",
            V4Nomenclature::BaseEnvironmental => "CVSS-BE",
            V4Nomenclature::BaseThreatEnvironmental => "CVSS-BTE",
        })
    }
}

/// Every CVSS 4.0 metric in the order the specification requires; the
/// first eleven are mandatory.
const KEYS: [&str; 32] = [
    "AV", "AC", "AT", "PR", "UI", "VC", "VI", "VA", "SC", "SI", "SA", "E", "CR", "IR", "AR", "MAV",
    "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA", "S", "AU", "R", "V",
    "RE", "U",
];
const MANDATORY: usize = 11;

impl CvssV4 {
    /// Parses a `CVSS:4.0/…` vector: every base metric present, metrics in
    /// the specification's order, none twice, each with an allowed value.
    pub fn parse(vector: &str) -> Result<CvssV4, CvssError> {
        let (version, body) = CvssVersion::split_prefix(vector)?;
        if version != CvssVersion::V4_0 {
            return Err(unsupported(&format!("CVSS:{version}")));
        }
        let slots = Slots::split(body, &KEYS, Order::Specified, "4.0")?;
        slots.check_mandatory(MANDATORY)?;
        Ok(CvssV4 {
            base: base_from(&slots)?,
            threat: V4Threat {
                exploit_maturity: slots.optional(11)?,
            },
            environmental: environmental_from(&slots)?,
            supplemental: supplemental_from(&slots)?,
        })
    }

    /// Which metric groups the score reflects (`CVSS-B`, `CVSS-BT`, …).
    pub fn nomenclature(&self) -> V4Nomenclature {
        let threat = self.threat != V4Threat::default();
        let environmental = self.environmental != V4Environmental::default();
        match (threat, environmental) {
            (false, false) => V4Nomenclature::Base,
            (true, false) => V4Nomenclature::BaseThreat,
            (false, true) => V4Nomenclature::BaseEnvironmental,
            (true, true) => V4Nomenclature::BaseThreatEnvironmental,
        }
    }
}

fn base_from(s: &Slots<'_, 32>) -> Result<V4Base, CvssError> {
    Ok(V4Base {
        attack_vector: s.required(0)?,
        attack_complexity: s.required(1)?,
        attack_requirements: s.required(2)?,
        privileges_required: s.required(3)?,
        user_interaction: s.required(4)?,
        vulnerable_confidentiality: s.required(5)?,
        vulnerable_integrity: s.required(6)?,
        vulnerable_availability: s.required(7)?,
        subsequent_confidentiality: s.required(8)?,
        subsequent_integrity: s.required(9)?,
        subsequent_availability: s.required(10)?,
    })
}

fn environmental_from(s: &Slots<'_, 32>) -> Result<V4Environmental, CvssError> {
    Ok(V4Environmental {
        confidentiality_requirement: s.optional(12)?,
        integrity_requirement: s.optional(13)?,
        availability_requirement: s.optional(14)?,
        modified_attack_vector: s.optional(15)?,
        modified_attack_complexity: s.optional(16)?,
        modified_attack_requirements: s.optional(17)?,
        modified_privileges_required: s.optional(18)?,
        modified_user_interaction: s.optional(19)?,
        modified_vulnerable_confidentiality: s.optional(20)?,
        modified_vulnerable_integrity: s.optional(21)?,
        modified_vulnerable_availability: s.optional(22)?,
        modified_subsequent_confidentiality: s.optional(23)?,
        modified_subsequent_integrity: s.optional(24)?,
        modified_subsequent_availability: s.optional(25)?,
    })
}

fn supplemental_from(s: &Slots<'_, 32>) -> Result<V4Supplemental, CvssError> {
    Ok(V4Supplemental {
        safety: s.optional(26)?,
        automatable: s.optional(27)?,
        recovery: s.optional(28)?,
        value_density: s.optional(29)?,
        response_effort: s.optional(30)?,
        provider_urgency: s.optional(31)?,
    })
}

impl FromStr for CvssV4 {
    type Err = CvssError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CvssV4::parse(s)
    }
}

/// The canonical vector: the specification's order, with Not Defined
/// (`X`) metrics left out.
impl fmt::Display for CvssV4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let b = &self.base;
        write!(
            f,
            "CVSS:4.0/AV:{}/AC:{}/AT:{}/PR:{}/UI:{}/VC:{}/VI:{}/VA:{}/SC:{}/SI:{}/SA:{}",
            b.attack_vector.code(),
            b.attack_complexity.code(),
            b.attack_requirements.code(),
            b.privileges_required.code(),
            b.user_interaction.code(),
            b.vulnerable_confidentiality.code(),
            b.vulnerable_integrity.code(),
            b.vulnerable_availability.code(),
            b.subsequent_confidentiality.code(),
            b.subsequent_integrity.code(),
            b.subsequent_availability.code(),
        )?;
        write_optional(f, "E", self.threat.exploit_maturity)?;
        write_environmental(f, &self.environmental)?;
        let s = &self.supplemental;
        write_optional(f, "S", s.safety)?;
        write_optional(f, "AU", s.automatable)?;
        write_optional(f, "R", s.recovery)?;
        write_optional(f, "V", s.value_density)?;
        write_optional(f, "RE", s.response_effort)?;
        write_optional(f, "U", s.provider_urgency)
    }
}

fn write_environmental(f: &mut fmt::Formatter<'_>, e: &V4Environmental) -> fmt::Result {
    write_optional(f, "CR", e.confidentiality_requirement)?;
    write_optional(f, "IR", e.integrity_requirement)?;
    write_optional(f, "AR", e.availability_requirement)?;
    write_optional(f, "MAV", e.modified_attack_vector)?;
    write_optional(f, "MAC", e.modified_attack_complexity)?;
    write_optional(f, "MAT", e.modified_attack_requirements)?;
    write_optional(f, "MPR", e.modified_privileges_required)?;
    write_optional(f, "MUI", e.modified_user_interaction)?;
    write_optional(f, "MVC", e.modified_vulnerable_confidentiality)?;
    write_optional(f, "MVI", e.modified_vulnerable_integrity)?;
    write_optional(f, "MVA", e.modified_vulnerable_availability)?;
    write_optional(f, "MSC", e.modified_subsequent_confidentiality)?;
    write_optional(f, "MSI", e.modified_subsequent_integrity)?;
    write_optional(f, "MSA", e.modified_subsequent_availability)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";

    #[test]
    fn parses_and_prints_full_vector() {
        let full = "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:H/SC:L/SI:H/SA:N/E:P\
                    /CR:L/IR:M/AR:H/MAV:P/MAC:L/MAT:N/MPR:H/MUI:P/MVC:N/MVI:L/MVA:H/MSC:N\
                    /MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Amber";
        let v = CvssV4::parse(full).unwrap();
        assert_eq!(v.base.user_interaction, UserInteractionV4::Active);
        assert_eq!(
            v.environmental.modified_subsequent_integrity,
            Some(SubsequentImpact::Safety)
        );
        assert_eq!(
            v.supplemental.provider_urgency,
            Some(ProviderUrgency::Amber)
        );
        assert_eq!(v.to_string(), full);
        assert_eq!(v.nomenclature(), V4Nomenclature::BaseThreatEnvironmental);
    }

    #[test]
    fn drops_not_defined_metrics() {
        let v = CvssV4::parse(&format!("{BASE}/E:X/CR:X/MSI:X/U:X")).unwrap();
        assert_eq!(v.to_string(), BASE);
        assert_eq!(v.nomenclature(), V4Nomenclature::Base);
    }

    #[test]
    fn rejects_bad_vectors() {
        let cases: &[(String, CvssError)] = &[
            (
                "CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into(),
                CvssError::OutOfOrder {
                    metric: "AV",
                    after: "AC",
                },
            ),
            (
                format!("{BASE}/CR:H/E:A"),
                CvssError::OutOfOrder {
                    metric: "E",
                    after: "CR",
                },
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N".into(),
                CvssError::MissingMetric { metric: "SA" },
            ),
            (
                format!("{BASE}/E:A/E:A"),
                CvssError::DuplicateMetric { metric: "E" },
            ),
            (
                format!("{BASE}/MSC:S"),
                CvssError::InvalidValue {
                    metric: "MSC",
                    value: "S".into(),
                },
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:R/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N".into(),
                CvssError::InvalidValue {
                    metric: "UI",
                    value: "R".into(),
                },
            ),
            (
                "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:S/SA:N".into(),
                CvssError::InvalidValue {
                    metric: "SI",
                    value: "S".into(),
                },
            ),
            (
                format!("{BASE}/U:red"),
                CvssError::InvalidValue {
                    metric: "U",
                    value: "red".into(),
                },
            ),
            (
                format!("{BASE}/S:U"),
                CvssError::InvalidValue {
                    metric: "S",
                    value: "U".into(),
                },
            ),
            (
                format!("{BASE}/RL:O"),
                CvssError::UnknownMetric {
                    version: "4.0",
                    metric: "RL".into(),
                },
            ),
        ];
        for (vector, expected) in cases {
            assert_eq!(CvssV4::parse(vector).as_ref(), Err(expected), "{vector}");
        }
        assert!(CvssV4::parse("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H").is_err());
    }
}
