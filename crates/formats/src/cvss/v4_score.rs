//! The CVSS 4.0 score: MacroVector lookup plus interpolation within the
//! MacroVector (FIRST CVSS v4.0 specification §8, "CVSS v4.0 Scoring").
//!
//! Ported from FIRST's reference calculator `cvss_score.js`,
//! <https://github.com/FIRSTdotorg/cvss-v4-calculator>, Copyright (c) 2023
//! FIRST.ORG, Inc., Red Hat, and contributors, BSD-2-Clause (the licence
//! text is in `v4_lookup.rs`). The float arithmetic follows the reference
//! operation by operation, so results match it (and Red Hat's `cvss`
//! library, its Python port) exactly, including the final
//! round-half-up after adding 10⁻⁶.

use super::metric::{AttackComplexity, AttackVector, Impact, PrivilegesRequired, Requirement};
use super::rating::Rating;
use super::score::Score;
use super::v4::CvssV4;
use super::v4_lookup::{
    macro_vector_score, MacroVector, EQ1_DEPTH, EQ1_MAXES, EQ2_DEPTH, EQ2_MAXES, EQ3_EQ6_DEPTH,
    EQ3_EQ6_MAXES, EQ4_DEPTH, EQ4_MAXES,
};
use super::v4_metrics::{AttackRequirements, ExploitMaturity, SubsequentImpact, UserInteractionV4};

impl CvssV4 {
    /// The CVSS 4.0 score, reflecting whichever threat and environmental
    /// metrics are defined (see [`CvssV4::nomenclature`]).
    pub fn score(&self) -> Score {
        round_half_up(score_value(&Effective::of(self)))
    }

    /// The qualitative rating of [`CvssV4::score`].
    pub fn severity(&self) -> Rating {
        self.score().rating()
    }

    /// The MacroVector: six digits, the levels of EQ1 to EQ6 (`"000200"`).
    pub fn macro_vector(&self) -> String {
        macro_vector(&Effective::of(self))
            .iter()
            .map(|level| char::from(b'0'.saturating_add(*level)))
            .collect()
    }
}

/// The values the equations use: a modified metric replaces its base
/// metric, and Not Defined threat and requirements take their worst case.
struct Effective {
    av: AttackVector,
    ac: AttackComplexity,
    at: AttackRequirements,
    pr: PrivilegesRequired,
    ui: UserInteractionV4,
    vc: Impact,
    vi: Impact,
    va: Impact,
    sc: Impact,
    si: SubsequentImpact,
    sa: SubsequentImpact,
    e: ExploitMaturity,
    cr: Requirement,
    ir: Requirement,
    ar: Requirement,
}

impl Effective {
    fn of(v: &CvssV4) -> Effective {
        let (b, m) = (&v.base, &v.environmental);
        Effective {
            av: m.modified_attack_vector.unwrap_or(b.attack_vector),
            ac: m.modified_attack_complexity.unwrap_or(b.attack_complexity),
            at: m
                .modified_attack_requirements
                .unwrap_or(b.attack_requirements),
            pr: m
                .modified_privileges_required
                .unwrap_or(b.privileges_required),
            ui: m.modified_user_interaction.unwrap_or(b.user_interaction),
            vc: m
                .modified_vulnerable_confidentiality
                .unwrap_or(b.vulnerable_confidentiality),
            vi: m
                .modified_vulnerable_integrity
                .unwrap_or(b.vulnerable_integrity),
            va: m
                .modified_vulnerable_availability
                .unwrap_or(b.vulnerable_availability),
            sc: m
                .modified_subsequent_confidentiality
                .unwrap_or(b.subsequent_confidentiality),
            si: m
                .modified_subsequent_integrity
                .unwrap_or(b.subsequent_integrity.into()),
            sa: m
                .modified_subsequent_availability
                .unwrap_or(b.subsequent_availability.into()),
            e: v.threat
                .exploit_maturity
                .unwrap_or(ExploitMaturity::Attacked),
            cr: m.confidentiality_requirement.unwrap_or(Requirement::High),
            ir: m.integrity_requirement.unwrap_or(Requirement::High),
            ar: m.availability_requirement.unwrap_or(Requirement::High),
        }
    }
}

/// The six equivalence-set levels (specification §8.2, Table 24).
fn macro_vector(e: &Effective) -> MacroVector {
    let network = e.av == AttackVector::Network;
    let no_pr = e.pr == PrivilegesRequired::None;
    let no_ui = e.ui == UserInteractionV4::None;
    let eq1 = if network && no_pr && no_ui {
        0
    } else if (network || no_pr || no_ui) && e.av != AttackVector::Physical {
        1
    } else {
        2
    };
    let eq2 = u8::from(!(e.ac == AttackComplexity::Low && e.at == AttackRequirements::None));
    let (vc, vi, va) = (
        e.vc == Impact::High,
        e.vi == Impact::High,
        e.va == Impact::High,
    );
    let eq3 = if vc && vi {
        0
    } else if vc || vi || va {
        1
    } else {
        2
    };
    let eq4 = if e.si == SubsequentImpact::Safety || e.sa == SubsequentImpact::Safety {
        0
    } else if e.sc == Impact::High
        || e.si == SubsequentImpact::High
        || e.sa == SubsequentImpact::High
    {
        1
    } else {
        2
    };
    let eq5 = match e.e {
        ExploitMaturity::Attacked => 0,
        ExploitMaturity::ProofOfConcept => 1,
        ExploitMaturity::Unreported => 2,
    };
    let high = Requirement::High;
    let eq6 = u8::from(!((e.cr == high && vc) || (e.ir == high && vi) || (e.ar == high && va)));
    [eq1, eq2, eq3, eq4, eq5, eq6]
}

/// The unrounded score: the MacroVector's score minus the mean of the
/// proportional distances to the next lower MacroVector of each EQ.
fn score_value(e: &Effective) -> f64 {
    let none = e.vc == Impact::None
        && e.vi == Impact::None
        && e.va == Impact::None
        && e.sc == Impact::None
        && e.si == SubsequentImpact::Negligible
        && e.sa == SubsequentImpact::Negligible;
    if none {
        return 0.0;
    }
    let mv = macro_vector(e);
    let Some(value) = macro_vector_score(mv) else {
        // Unreachable: every MacroVector `macro_vector` yields has a score.
        return 0.0;
    };
    (value - mean_distance(value, mv, &severity_distances(e, mv))).clamp(0.0, 10.0)
}

/// The mean, over the EQs that have a lower MacroVector, of the score gap
/// to it scaled by how far the vector sits below its MacroVector's most
/// severe vectors (specification §8.3).
fn mean_distance(value: f64, mv: MacroVector, d: &[f64; 14]) -> f64 {
    let lower = lower_scores(mv);
    let current = [
        d[0] + d[1] + d[2],
        d[3] + d[4],
        d[5] + d[6] + d[7] + d[11] + d[12] + d[13],
        d[8] + d[9] + d[10],
    ];
    let [eq1, eq2, eq3, eq4, _, eq6] = mv.map(usize::from);
    // Multiply by the step because the depths are counted in steps of 0.1.
    let step = 0.1;
    let depth = [
        EQ1_DEPTH.get(eq1),
        EQ2_DEPTH.get(eq2),
        EQ3_EQ6_DEPTH.get(eq3).and_then(|row| row.get(eq6)),
        EQ4_DEPTH.get(eq4),
    ]
    .map(|d| f64::from(d.copied().unwrap_or(1)) * step);
    let mut existing = 0u8;
    let mut normalized = [0.0; 5];
    for (i, slot) in normalized.iter_mut().enumerate() {
        let Some(available) = lower[i].map(|l| value - l) else {
            continue;
        };
        if available >= 0.0 {
            existing += 1;
            // EQ5 has no severity distance within a MacroVector.
            let proportion = match (current.get(i), depth.get(i)) {
                (Some(c), Some(d)) => c / d,
                _ => 0.0,
            };
            *slot = available * proportion;
        }
    }
    if existing == 0 {
        return 0.0;
    }
    normalized.iter().fold(0.0, |sum, n| sum + n) / f64::from(existing)
}

/// The score of the next lower MacroVector of EQ1, EQ2, EQ3+EQ6 (which
/// move together), EQ4 and EQ5; `None` where there is none.
fn lower_scores(mv: MacroVector) -> [Option<f64>; 5] {
    let bump = |index: usize| {
        let mut next = mv;
        if let Some(level) = next.get_mut(index) {
            *level = level.saturating_add(1);
        }
        next
    };
    let eq3_eq6 = match (mv[2], mv[5]) {
        (0, 1) | (1, 1) => macro_vector_score(bump(2)),
        (1, 0) => macro_vector_score(bump(5)),
        (0, 0) => {
            // Two ways down; take the higher-scoring one, as the reference
            // (Python `max(left, right)`) does.
            match (macro_vector_score(bump(5)), macro_vector_score(bump(2))) {
                (Some(left), Some(right)) => Some(if right > left { right } else { left }),
                (left, _) => left,
            }
        }
        _ => None,
    };
    [
        macro_vector_score(bump(0)),
        macro_vector_score(bump(1)),
        eq3_eq6,
        macro_vector_score(bump(3)),
        macro_vector_score(bump(4)),
    ]
}

/// The per-metric severity distances (AV, PR, UI, AC, AT, VC, VI, VA, SC,
/// SI, SA, CR, IR, AR) from the first highest-severity vector of the
/// MacroVector that is at least as severe in every metric; if none is,
/// the last one tried (as the reference does).
fn severity_distances(e: &Effective, mv: MacroVector) -> [f64; 14] {
    let [eq1, eq2, eq3, eq4, _, eq6] = mv.map(usize::from);
    let eq1_maxes = EQ1_MAXES.get(eq1).copied().unwrap_or(&[]);
    let eq2_maxes = EQ2_MAXES.get(eq2).copied().unwrap_or(&[]);
    let eq3_eq6_maxes = EQ3_EQ6_MAXES
        .get(eq3)
        .and_then(|row| row.get(eq6))
        .copied()
        .unwrap_or(&[]);
    let eq4_maxes = EQ4_MAXES.get(eq4).copied().unwrap_or(&[]);
    let mut last = [0.0; 14];
    for &(av, pr, ui) in eq1_maxes {
        for &(ac, at) in eq2_maxes {
            for max3 in eq3_eq6_maxes {
                for &(sc, si, sa) in eq4_maxes {
                    let d = [
                        av_level(e.av) - av_level(av),
                        pr_level(e.pr) - pr_level(pr),
                        ui_level(e.ui) - ui_level(ui),
                        ac_level(e.ac) - ac_level(ac),
                        at_level(e.at) - at_level(at),
                        vulnerable_level(e.vc) - vulnerable_level(max3.0),
                        vulnerable_level(e.vi) - vulnerable_level(max3.1),
                        vulnerable_level(e.va) - vulnerable_level(max3.2),
                        sc_level(e.sc) - sc_level(sc),
                        subsequent_level(e.si) - subsequent_level(si),
                        subsequent_level(e.sa) - subsequent_level(sa),
                        requirement_level(e.cr) - requirement_level(max3.3),
                        requirement_level(e.ir) - requirement_level(max3.4),
                        requirement_level(e.ar) - requirement_level(max3.5),
                    ];
                    if d.iter().all(|x| *x >= 0.0) {
                        return d;
                    }
                    last = d;
                }
            }
        }
    }
    last
}

fn av_level(v: AttackVector) -> f64 {
    match v {
        AttackVector::Network => 0.0,
        AttackVector::Adjacent => 0.1,
        AttackVector::Local => 0.2,
        AttackVector::Physical => 0.3,
    }
}

fn pr_level(v: PrivilegesRequired) -> f64 {
    match v {
        PrivilegesRequired::None => 0.0,
        PrivilegesRequired::Low => 0.1,
        PrivilegesRequired::High => 0.2,
    }
}

fn ui_level(v: UserInteractionV4) -> f64 {
    match v {
        UserInteractionV4::None => 0.0,
        UserInteractionV4::Passive => 0.1,
        UserInteractionV4::Active => 0.2,
    }
}

fn ac_level(v: AttackComplexity) -> f64 {
    match v {
        AttackComplexity::Low => 0.0,
        AttackComplexity::High => 0.1,
    }
}

fn at_level(v: AttackRequirements) -> f64 {
    match v {
        AttackRequirements::None => 0.0,
        AttackRequirements::Present => 0.1,
    }
}

/// `VC`, `VI`, `VA`.
fn vulnerable_level(v: Impact) -> f64 {
    match v {
        Impact::High => 0.0,
        Impact::Low => 0.1,
        Impact::None => 0.2,
    }
}

/// `SC` starts one step lower than `SI`/`SA`, which can also be Safety.
fn sc_level(v: Impact) -> f64 {
    match v {
        Impact::High => 0.1,
        Impact::Low => 0.2,
        Impact::None => 0.3,
    }
}

fn subsequent_level(v: SubsequentImpact) -> f64 {
    match v {
        SubsequentImpact::Safety => 0.0,
        SubsequentImpact::High => 0.1,
        SubsequentImpact::Low => 0.2,
        SubsequentImpact::Negligible => 0.3,
    }
}

fn requirement_level(v: Requirement) -> f64 {
    match v {
        Requirement::High => 0.0,
        Requirement::Medium => 0.1,
        Requirement::Low => 0.2,
    }
}

/// Rounds to one decimal, half up, after adding 10⁻⁶ as the reference does
/// (so `8.6 - 7.15 = 1.4499999999999993` rounds to 1.5). The decision uses
/// the exact decimal expansion of the `f64`, like Python's `Decimal(x)`,
/// so an exact tie such as 1.25 rounds up, not to even.
fn round_half_up(value: f64) -> Score {
    let shifted = value + 1e-6;
    if shifted.is_nan() || shifted <= 0.0 {
        return Score::ZERO;
    }
    // 30 decimals are exact enough: a double in 0..=11 is never within
    // 1e-30 of a tie it does not sit on.
    let text = format!("{:.30}", shifted.min(11.0));
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digit = |b: u8| u32::from(b.wrapping_sub(b'0') % 10);
    let whole = whole.bytes().fold(0u32, |n, b| n * 10 + digit(b));
    let mut fraction = fraction.bytes().map(digit);
    let tenths = fraction.next().unwrap_or(0);
    let round_up = u32::from(fraction.next().unwrap_or(0) >= 5);
    let total = (whole * 10 + tenths + round_up).min(100);
    Score::from_tenths(u8::try_from(total).unwrap_or(100)).unwrap_or(Score::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn score(vector: &str) -> u8 {
        CvssV4::parse(vector).unwrap().score().tenths()
    }

    #[test]
    fn base_scores_from_first_calculator() {
        let cases = [
            ("AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 93),
            (
                "AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:H/SI:H/SA:H",
                100,
            ),
            ("AV:L/AC:L/AT:P/PR:L/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 73),
            ("AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:H/VA:L/SC:N/SI:H/SA:L", 92),
            ("AV:N/AC:L/AT:P/PR:N/UI:A/VC:N/VI:N/VA:N/SC:L/SI:N/SA:N", 21),
            ("AV:N/AC:H/AT:N/PR:H/UI:A/VC:N/VI:N/VA:N/SC:N/SI:H/SA:N", 40),
            ("AV:N/AC:L/AT:N/PR:H/UI:P/VC:L/VI:L/VA:N/SC:L/SI:N/SA:N", 48),
            ("AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N", 0),
        ];
        for (tail, tenths) in cases {
            assert_eq!(score(&format!("CVSS:4.0/{tail}")), tenths, "{tail}");
        }
    }

    #[test]
    fn threat_environmental_and_supplemental_metrics() {
        let base = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N";
        assert_eq!(score(&format!("{base}/E:U")), 81);
        assert_eq!(score(&format!("{base}/E:P")), 89);
        assert_eq!(score(&format!("{base}/E:A")), 93);
        assert_eq!(score(&format!("{base}/CR:L/IR:L/AR:L")), 89);
        // Supplemental metrics never change the score.
        assert_eq!(score(&format!("{base}/S:P/AU:Y/R:I/V:C/RE:H/U:Red")), 93);
        // A safety impact alone makes a vector High.
        let none = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:N/SC:N/SI:N/SA:N";
        assert_eq!(score(&format!("{none}/MSI:S")), 89);
        // The least severe MacroVector.
        let low = "CVSS:4.0/AV:P/AC:H/AT:P/PR:H/UI:A/VC:L/VI:L/VA:L/SC:L/SI:L/SA:L\
                   /E:U/CR:L/IR:L/AR:L";
        assert_eq!(score(low), 1);
        let full = "CVSS:4.0/AV:A/AC:H/AT:P/PR:L/UI:A/VC:L/VI:N/VA:H/SC:L/SI:H/SA:N/E:P\
                    /CR:L/IR:M/AR:H/MAV:P/MAC:L/MAT:N/MPR:H/MUI:P/MVC:N/MVI:L/MVA:H/MSC:N\
                    /MSI:S/MSA:S/S:P/AU:Y/R:I/V:C/RE:H/U:Amber";
        assert_eq!(score(full), 69);
        let v = CvssV4::parse(full).unwrap();
        assert_eq!(v.macro_vector(), "201010");
        assert_eq!(v.severity(), Rating::Medium);
    }

    #[test]
    fn rounds_half_up_on_the_exact_value() {
        assert_eq!(round_half_up(1.4499999999999993).tenths(), 15);
        assert_eq!(round_half_up(1.25).tenths(), 13);
        assert_eq!(round_half_up(1.2499).tenths(), 12);
        assert_eq!(round_half_up(9.95).tenths(), 100);
        assert_eq!(round_half_up(10.0).tenths(), 100);
        assert_eq!(round_half_up(0.0).tenths(), 0);
        assert_eq!(round_half_up(0.04).tenths(), 0);
        assert_eq!(round_half_up(f64::NAN).tenths(), 0);
    }

    #[test]
    fn every_base_vector_scores_within_range() {
        use crate::cvss::metric::MetricValue;
        // All 104,976 base vectors: each has a MacroVector in the table
        // (so no silent fallback) and a score within 0.0..=10.0.
        let mut count = 0;
        for &av in AttackVector::ALL {
            for &ac in AttackComplexity::ALL {
                for &at in AttackRequirements::ALL {
                    for &pr in PrivilegesRequired::ALL {
                        for &ui in UserInteractionV4::ALL {
                            count += check_impacts(av, ac, at, pr, ui);
                        }
                    }
                }
            }
        }
        assert_eq!(count, 104_976);
    }

    fn check_impacts(
        av: AttackVector,
        ac: AttackComplexity,
        at: AttackRequirements,
        pr: PrivilegesRequired,
        ui: UserInteractionV4,
    ) -> usize {
        use crate::cvss::metric::MetricValue;
        let mut count = 0;
        let all = Impact::ALL;
        for (&vc, &vi, &va) in all.iter().flat_map(|a| {
            all.iter()
                .flat_map(move |b| all.iter().map(move |c| (a, b, c)))
        }) {
            for (&sc, &si, &sa) in all.iter().flat_map(|a| {
                all.iter()
                    .flat_map(move |b| all.iter().map(move |c| (a, b, c)))
            }) {
                let v = CvssV4 {
                    base: crate::cvss::V4Base {
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
                    },
                    threat: Default::default(),
                    environmental: Default::default(),
                    supplemental: Default::default(),
                };
                let e = Effective::of(&v);
                assert!(macro_vector_score(macro_vector(&e)).is_some());
                assert!(v.score() <= Score::MAX);
                count += 1;
            }
        }
        count
    }
}
