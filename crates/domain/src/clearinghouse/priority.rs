//! Triage priority: how urgently a case needs attention, from its severity,
//! known exploitation and how many operators' assets it affects, weighted by
//! their sector.

use crate::identity::Sector;

/// Weight of one affected operator of `sector`: life-safety sectors first.
pub fn sector_weight(sector: Sector) -> f64 {
    match sector {
        Sector::Healthcare | Sector::Water | Sector::Energy => 3.0,
        Sector::Finance | Sector::FederalCivilian | Sector::Communications => 2.0,
        Sector::Transportation => 2.0,
        Sector::Other => 1.0,
    }
}

/// The facts priority depends on.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct PriorityInputs {
    /// Highest CVSS score of the case's reports (0–10), if any.
    pub cvss: Option<f64>,
    /// Highest qualitative rating when no CVSS score exists (`critical`…).
    pub qualitative: Option<Qualitative>,
    /// Listed as known exploited.
    pub exploited: bool,
    /// Sum of [`sector_weight`] over the operators with a matching asset.
    pub exposure: f64,
}

/// Qualitative severity, for reports without a CVSS vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Qualitative {
    /// Low.
    Low,
    /// Medium / moderate.
    Medium,
    /// High / important.
    High,
    /// Critical.
    Critical,
}

impl Qualitative {
    /// Reads common ratings (`critical`, `high`, `important`, `moderate`,
    /// `medium`, `low`, SARIF `error`/`warning`/`note`).
    pub fn parse(text: &str) -> Option<Qualitative> {
        match text.trim().to_ascii_lowercase().as_str() {
            "critical" => Some(Qualitative::Critical),
            "high" | "important" | "error" => Some(Qualitative::High),
            "medium" | "moderate" | "warning" => Some(Qualitative::Medium),
            "low" | "note" => Some(Qualitative::Low),
            _ => None,
        }
    }

    fn as_score(self) -> f64 {
        match self {
            Qualitative::Critical => 9.5,
            Qualitative::High => 8.0,
            Qualitative::Medium => 5.5,
            Qualitative::Low => 2.5,
        }
    }
}

/// Priority from 0 to 100: half severity, a quarter known exploitation, a
/// quarter exposure (logarithmic: 1 weighted operator counts, a thousand
/// count fully). Unknown severity counts as medium.
pub fn priority(inputs: &PriorityInputs) -> f64 {
    let severity = inputs
        .cvss
        .or(inputs.qualitative.map(Qualitative::as_score))
        .unwrap_or(5.0)
        .clamp(0.0, 10.0)
        / 10.0;
    let exploited = if inputs.exploited { 1.0 } else { 0.0 };
    let exposure = ((1.0 + inputs.exposure.max(0.0)).log10() / 3.0).min(1.0);
    let value = 100.0 * (0.5 * severity + 0.25 * exploited + 0.25 * exposure);
    (value * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severity_exploitation_and_exposure_each_raise_priority() {
        let base = PriorityInputs {
            cvss: Some(9.8),
            ..PriorityInputs::default()
        };
        assert_eq!(priority(&base), 49.0);
        let exploited = PriorityInputs {
            exploited: true,
            ..base
        };
        assert_eq!(priority(&exploited), 74.0);
        let exposed = PriorityInputs {
            exposure: 999.0,
            ..exploited
        };
        assert_eq!(priority(&exposed), 99.0);
        let unknown = PriorityInputs::default();
        assert_eq!(priority(&unknown), 25.0);
        let qualitative = PriorityInputs {
            qualitative: Qualitative::parse("Important"),
            ..PriorityInputs::default()
        };
        assert_eq!(priority(&qualitative), 40.0);
    }

    #[test]
    fn hospitals_weigh_more_than_other_operators() {
        assert!(sector_weight(Sector::Healthcare) > sector_weight(Sector::Finance));
        assert!(sector_weight(Sector::Finance) > sector_weight(Sector::Other));
    }
}
