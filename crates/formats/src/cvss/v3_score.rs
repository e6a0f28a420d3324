//! CVSS 3.0 and 3.1 scores: base, temporal and environmental, following the
//! equations of the FIRST CVSS v3.1 specification §7 (and the v3.0
//! specification §8 where 3.0 differs).
//!
//! The arithmetic is IEEE-754 `f64` in the specification's operation order;
//! every rounding step is the v3.1 Appendix A `Roundup`, which works on
//! integers so float noise (`4.000000000000001`) cannot push a score up by
//! 0.1.
//!
//! CVSS 3.0 defines Round up as "the smallest number, specified to one
//! decimal place, that is equal to or higher than its input", an exact
//! decimal ceiling. FIRST's 3.0 calculator computed it as a bare
//! `ceil(x * 10) / 10` on floats, which overshoots whenever float error
//! lands just above a tenth (2,074 of the 3,359,232 distinct 3.0
//! environmental metric combinations, e.g. 4.7 instead of 4.6). We compute
//! the 3.0 definition exactly, as Red Hat's decimal implementation does;
//! the Appendix A technique yields the exact decimal ceiling for every
//! reachable CVSS 3.0 and 3.1 input (checked exhaustively against exact
//! decimal arithmetic). The one real 3.0/3.1 formula difference is the
//! environmental ModifiedImpact for a changed scope.

use super::metric::{AttackComplexity, AttackVector, Impact, PrivilegesRequired, Requirement};
use super::rating::Rating;
use super::score::Score;
use super::v3::{CvssV3, V3Version};
use super::v3_metrics::{
    ExploitCodeMaturity, RemediationLevel, ReportConfidence, Scope, UserInteraction,
};

impl CvssV3 {
    /// The base score (v3.1 §7.1).
    pub fn base_score(&self) -> Score {
        Score::from_rounded(self.base_value())
    }

    /// The temporal score (v3.1 §7.2): the base score adjusted by `E`, `RL`
    /// and `RC`. Equals the base score when no temporal metric is defined.
    pub fn temporal_score(&self) -> Score {
        Score::from_rounded(roundup(self.base_value() * self.temporal_factor()))
    }

    /// The environmental score (v3.1 §7.3): the base equations rerun with
    /// the modified metrics and security requirements, then the temporal
    /// adjustment. For a changed modified scope, 3.1 uses
    /// `7.52 × (MISS − 0.029) − 3.25 × (MISS × 0.9731 − 0.02)^13` and 3.0 uses
    /// `7.52 × (MISS − 0.029) − 3.25 × (MISS − 0.02)^15`.
    pub fn environmental_score(&self) -> Score {
        Score::from_rounded(self.environmental_value())
    }

    /// The qualitative rating of the base score.
    pub fn severity(&self) -> Rating {
        self.base_score().rating()
    }

    fn base_value(&self) -> f64 {
        let b = &self.base;
        let iss = 1.0
            - (1.0 - impact_weight(b.confidentiality))
                * (1.0 - impact_weight(b.integrity))
                * (1.0 - impact_weight(b.availability));
        let impact = match b.scope {
            Scope::Unchanged => 6.42 * iss,
            Scope::Changed => 7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powf(15.0),
        };
        let exploitability = 8.22
            * av_weight(b.attack_vector)
            * ac_weight(b.attack_complexity)
            * pr_weight(b.privileges_required, b.scope)
            * ui_weight(b.user_interaction);
        if impact <= 0.0 {
            return 0.0;
        }
        combine(impact, exploitability, b.scope)
    }

    fn temporal_factor(&self) -> f64 {
        let t = &self.temporal;
        e_weight(t.exploit_code_maturity)
            * rl_weight(t.remediation_level)
            * rc_weight(t.report_confidence)
    }

    fn environmental_value(&self) -> f64 {
        let m = Modified::of(self);
        let miss = f64::min(
            1.0 - (1.0 - impact_weight(m.confidentiality) * m.cr)
                * (1.0 - impact_weight(m.integrity) * m.ir)
                * (1.0 - impact_weight(m.availability) * m.ar),
            0.915,
        );
        let impact = match (m.scope, self.version) {
            (Scope::Unchanged, _) => 6.42 * miss,
            (Scope::Changed, V3Version::V3_0) => {
                7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powf(15.0)
            }
            (Scope::Changed, V3Version::V3_1) => {
                7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powf(13.0)
            }
        };
        let exploitability = 8.22
            * av_weight(m.attack_vector)
            * ac_weight(m.attack_complexity)
            * pr_weight(m.privileges_required, m.scope)
            * ui_weight(m.user_interaction);
        if impact <= 0.0 {
            return 0.0;
        }
        // The temporal adjustment applies after the modified base rounding.
        roundup(combine(impact, exploitability, m.scope) * self.temporal_factor())
    }
}

/// The rounded score from a positive impact and an exploitability
/// sub-score.
fn combine(impact: f64, exploitability: f64, scope: Scope) -> f64 {
    match scope {
        Scope::Unchanged => roundup(f64::min(impact + exploitability, 10.0)),
        Scope::Changed => roundup(f64::min(1.08 * (impact + exploitability), 10.0)),
    }
}

/// The metrics the environmental equations use: each modified metric, or
/// its base metric when Not Defined, and the requirement weights.
struct Modified {
    attack_vector: AttackVector,
    attack_complexity: AttackComplexity,
    privileges_required: PrivilegesRequired,
    user_interaction: UserInteraction,
    scope: Scope,
    confidentiality: Impact,
    integrity: Impact,
    availability: Impact,
    cr: f64,
    ir: f64,
    ar: f64,
}

impl Modified {
    fn of(v: &CvssV3) -> Modified {
        let (b, e) = (&v.base, &v.environmental);
        Modified {
            attack_vector: e.modified_attack_vector.unwrap_or(b.attack_vector),
            attack_complexity: e.modified_attack_complexity.unwrap_or(b.attack_complexity),
            privileges_required: e
                .modified_privileges_required
                .unwrap_or(b.privileges_required),
            user_interaction: e.modified_user_interaction.unwrap_or(b.user_interaction),
            scope: e.modified_scope.unwrap_or(b.scope),
            confidentiality: e.modified_confidentiality.unwrap_or(b.confidentiality),
            integrity: e.modified_integrity.unwrap_or(b.integrity),
            availability: e.modified_availability.unwrap_or(b.availability),
            cr: requirement_weight(e.confidentiality_requirement),
            ir: requirement_weight(e.integrity_requirement),
            ar: requirement_weight(e.availability_requirement),
        }
    }
}

/// `Roundup` from CVSS v3.1 Appendix A: the smallest one-decimal number
/// not below the input, computed on integers (after rounding to five
/// decimals) so float noise below 0.00001 is ignored.
fn roundup(value: f64) -> f64 {
    // `as` saturates; scores are within 0..=10, far from the limits.
    let int_input = (value * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        (int_input.div_euclid(10_000) + 1) as f64 / 10.0
    }
}

fn av_weight(v: AttackVector) -> f64 {
    match v {
        AttackVector::Network => 0.85,
        AttackVector::Adjacent => 0.62,
        AttackVector::Local => 0.55,
        AttackVector::Physical => 0.2,
    }
}

fn ac_weight(v: AttackComplexity) -> f64 {
    match v {
        AttackComplexity::Low => 0.77,
        AttackComplexity::High => 0.44,
    }
}

/// Privileges count for more when the scope changes.
fn pr_weight(v: PrivilegesRequired, scope: Scope) -> f64 {
    match (v, scope) {
        (PrivilegesRequired::None, _) => 0.85,
        (PrivilegesRequired::Low, Scope::Unchanged) => 0.62,
        (PrivilegesRequired::Low, Scope::Changed) => 0.68,
        (PrivilegesRequired::High, Scope::Unchanged) => 0.27,
        (PrivilegesRequired::High, Scope::Changed) => 0.5,
    }
}

fn ui_weight(v: UserInteraction) -> f64 {
    match v {
        UserInteraction::None => 0.85,
        UserInteraction::Required => 0.62,
    }
}

fn impact_weight(v: Impact) -> f64 {
    match v {
        Impact::High => 0.56,
        Impact::Low => 0.22,
        Impact::None => 0.0,
    }
}

fn e_weight(v: Option<ExploitCodeMaturity>) -> f64 {
    match v {
        None | Some(ExploitCodeMaturity::High) => 1.0,
        Some(ExploitCodeMaturity::Functional) => 0.97,
        Some(ExploitCodeMaturity::ProofOfConcept) => 0.94,
        Some(ExploitCodeMaturity::Unproven) => 0.91,
    }
}

fn rl_weight(v: Option<RemediationLevel>) -> f64 {
    match v {
        None | Some(RemediationLevel::Unavailable) => 1.0,
        Some(RemediationLevel::Workaround) => 0.97,
        Some(RemediationLevel::TemporaryFix) => 0.96,
        Some(RemediationLevel::OfficialFix) => 0.95,
    }
}

fn rc_weight(v: Option<ReportConfidence>) -> f64 {
    match v {
        None | Some(ReportConfidence::Confirmed) => 1.0,
        Some(ReportConfidence::Reasonable) => 0.96,
        Some(ReportConfidence::Unknown) => 0.92,
    }
}

fn requirement_weight(v: Option<Requirement>) -> f64 {
    match v {
        Some(Requirement::High) => 1.5,
        None | Some(Requirement::Medium) => 1.0,
        Some(Requirement::Low) => 0.5,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `(base, temporal, environmental)` in tenths.
    fn scores(vector: &str) -> (u8, u8, u8) {
        let v = CvssV3::parse(vector).unwrap();
        (
            v.base_score().tenths(),
            v.temporal_score().tenths(),
            v.environmental_score().tenths(),
        )
    }

    #[test]
    fn base_scores_from_first_examples() {
        // FIRST CVSS v3.1 examples document (base scores).
        let cases = [
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                98,
                Rating::Critical,
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
                61,
                Rating::Medium,
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
                75,
                Rating::High,
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
                99,
                Rating::Critical,
            ),
            (
                "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",
                16,
                Rating::Low,
            ),
            (
                "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",
                0,
                Rating::None,
            ),
        ];
        for (vector, tenths, rating) in cases {
            let v = CvssV3::parse(vector).unwrap();
            assert_eq!(v.base_score().tenths(), tenths, "{vector}");
            assert_eq!(v.severity(), rating, "{vector}");
        }
    }

    #[test]
    fn temporal_and_environmental_scores() {
        // Values from FIRST's 3.1 calculator, confirmed with Red Hat's `cvss`.
        let cases = [
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:P/RL:W/RC:C",
                (61, 56, 56),
            ),
            (
                "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H/E:U/RL:O/RC:R",
                (78, 65, 65),
            ),
            (
                "CVSS:3.1/AV:L/AC:L/PR:N/UI:R/S:U/C:H/I:H/A:H/E:P/RL:O/RC:C",
                (78, 70, 70),
            ),
            (
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:H/E:F/RL:O/RC:C\
                 /CR:H/IR:H/AR:H/MAV:A/MAC:H/MPR:L/MUI:R/MS:C/MC:H/MI:H/MA:H",
                (81, 75, 71),
            ),
            // Scope changed with no environmental metrics: 3.1's
            // environmental formula differs from the base one (10.0 vs 9.9).
            (
                "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
                (99, 99, 100),
            ),
            // Modified impacts of None zero the environmental score.
            (
                "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H/MS:U/MC:N/MI:N/MA:N",
                (100, 100, 0),
            ),
            (
                "CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:C/C:L/I:L/A:N/CR:H/IR:H/MS:C",
                (64, 64, 76),
            ),
        ];
        for (vector, expected) in cases {
            assert_eq!(scores(vector), expected, "{vector}");
        }
    }

    #[test]
    fn not_defined_metrics_change_nothing() {
        let plain = scores("CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N");
        let explicit = scores(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N/E:X/RL:X/RC:X/CR:X/IR:X/AR:X\
             /MAV:X/MAC:X/MPR:X/MUI:X/MS:X/MC:X/MI:X/MA:X",
        );
        assert_eq!(plain, explicit);
    }

    #[test]
    fn v30_and_v31_environmental_formulas_differ_for_changed_scope() {
        let tail = "AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:N/CR:L/MS:C";
        assert_eq!(scores(&format!("CVSS:3.0/{tail}")), (91, 91, 96));
        assert_eq!(scores(&format!("CVSS:3.1/{tail}")), (91, 91, 95));
    }

    #[test]
    fn v30_round_up_is_an_exact_ceiling() {
        // The modified base is 5.0 and 5.0 × 0.92 is 4.6000000000000005 in
        // floats: a bare `ceil(x * 10) / 10` (FIRST's 3.0 calculator) gives
        // 4.7, the 3.0 definition (smallest tenth ≥ 4.6) gives 4.6, as does
        // Red Hat's decimal implementation.
        let tail = "AV:N/AC:L/PR:H/UI:R/S:U/C:H/I:H/A:H/E:H/RL:U/RC:U/CR:L/IR:L/AR:L";
        assert_eq!(scores(&format!("CVSS:3.0/{tail}")), (68, 63, 46));
        assert_eq!(scores(&format!("CVSS:3.1/{tail}")), (68, 63, 46));
        assert_eq!(roundup(4.6000000000000005), 4.6);
        assert_eq!(roundup(4.00001), 4.1);
        // Below five decimals is float noise by Appendix A's definition.
        assert_eq!(roundup(4.000001), 4.0);
        assert_eq!(roundup(4.0), 4.0);
        assert_eq!(roundup(4.02), 4.1);
    }
}
