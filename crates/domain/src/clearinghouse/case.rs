//! Coordination cases: one per cluster of reports, from intake to
//! publication, under an embargo with a UTC deadline.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::error::DomainError;

/// Embargo when nothing says otherwise (days).
pub const DEFAULT_EMBARGO_DAYS: i64 = 90;
/// Embargo of a vulnerability known to be exploited (days).
pub const DEFAULT_EXPLOITED_EMBARGO_DAYS: i64 = 7;
/// Bounds of either setting (days).
pub const EMBARGO_BOUNDS: std::ops::RangeInclusive<i64> = 0..=365;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Reports arrived; nobody has looked yet.
    New,
    /// An analyst confirmed it and set its priority.
    Triaged,
    /// The vendor has been told (under embargo).
    VendorNotified,
    /// The vendor published a fix.
    FixAvailable,
    /// The advisory is out.
    Published,
    /// Not a vulnerability, or out of scope.
    Rejected,
    /// Another case covers it.
    Duplicate,
}

impl CaseState {
    /// Every state, in lifecycle order.
    pub const ALL: [CaseState; 7] = [
        CaseState::New,
        CaseState::Triaged,
        CaseState::VendorNotified,
        CaseState::FixAvailable,
        CaseState::Published,
        CaseState::Rejected,
        CaseState::Duplicate,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseState::New => "new",
            CaseState::Triaged => "triaged",
            CaseState::VendorNotified => "vendor_notified",
            CaseState::FixAvailable => "fix_available",
            CaseState::Published => "published",
            CaseState::Rejected => "rejected",
            CaseState::Duplicate => "duplicate",
        }
    }

    /// Parses [`as_str`](Self::as_str).
    pub fn parse(text: &str) -> Option<CaseState> {
        CaseState::ALL.into_iter().find(|s| s.as_str() == text)
    }

    /// No further transition (a published case gets new revisions, not states).
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            CaseState::Published | CaseState::Rejected | CaseState::Duplicate
        )
    }

    /// The states a case may move to from this one. Publication is allowed
    /// once the vendor was notified, fix or not: at the embargo deadline the
    /// advisory goes out regardless (coordinated, not indefinite, disclosure).
    pub fn next_states(self) -> &'static [CaseState] {
        use CaseState::*;
        match self {
            New => &[Triaged, Rejected, Duplicate],
            Triaged => &[VendorNotified, Rejected, Duplicate],
            VendorNotified => &[FixAvailable, Published, Rejected, Duplicate],
            FixAvailable => &[Published],
            Published | Rejected | Duplicate => &[],
        }
    }

    /// Checks a transition.
    pub fn check_transition(self, to: CaseState) -> Result<(), DomainError> {
        if self.next_states().contains(&to) {
            Ok(())
        } else {
            Err(DomainError::invalid(
                "state",
                format!(
                    "a {} case cannot become {}; allowed: {}",
                    self.as_str(),
                    to.as_str(),
                    if self.next_states().is_empty() {
                        "none".to_owned()
                    } else {
                        self.next_states()
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    }
                ),
            ))
        }
    }
}

/// Embargo policy (administrators' settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EmbargoPolicy {
    /// Days from opening a case to its publication deadline.
    pub default_days: i64,
    /// The same when the vulnerability is known to be exploited.
    pub exploited_days: i64,
}

impl Default for EmbargoPolicy {
    fn default() -> Self {
        EmbargoPolicy {
            default_days: DEFAULT_EMBARGO_DAYS,
            exploited_days: DEFAULT_EXPLOITED_EMBARGO_DAYS,
        }
    }
}

impl EmbargoPolicy {
    /// Checks both settings are within [`EMBARGO_BOUNDS`] and that exploited
    /// vulnerabilities never wait longer than others.
    pub fn validate(&self) -> Result<(), DomainError> {
        for (field, days) in [
            ("embargo_default_days", self.default_days),
            ("embargo_exploited_days", self.exploited_days),
        ] {
            if !EMBARGO_BOUNDS.contains(&days) {
                return Err(DomainError::invalid(
                    field,
                    "must be between 0 and 365 days",
                ));
            }
        }
        if self.exploited_days > self.default_days {
            return Err(DomainError::invalid(
                "embargo_exploited_days",
                "must not exceed embargo_default_days",
            ));
        }
        Ok(())
    }

    /// The publication deadline of a case opened at `opened`.
    pub fn deadline(&self, opened: DateTime<Utc>, exploited: bool) -> DateTime<Utc> {
        let days = if exploited {
            self.exploited_days
        } else {
            self.default_days
        };
        opened + Duration::days(days)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_lifecycle_moves_forward_only() {
        let path = [
            CaseState::New,
            CaseState::Triaged,
            CaseState::VendorNotified,
            CaseState::FixAvailable,
            CaseState::Published,
        ];
        for pair in path.windows(2) {
            assert!(pair[0].check_transition(pair[1]).is_ok(), "{pair:?}");
            assert!(pair[1].check_transition(pair[0]).is_err(), "{pair:?}");
        }
        assert!(CaseState::New
            .check_transition(CaseState::Published)
            .is_err());
        assert!(CaseState::VendorNotified
            .check_transition(CaseState::Published)
            .is_ok());
        let err = CaseState::Published
            .check_transition(CaseState::Triaged)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("allowed: none"), "{err}");
        for state in CaseState::ALL {
            assert_eq!(CaseState::parse(state.as_str()), Some(state));
        }
    }

    #[test]
    fn exploited_vulnerabilities_get_the_short_embargo() {
        let policy = EmbargoPolicy::default();
        let opened = Utc
            .with_ymd_and_hms(2026, 1, 1, 12, 0, 0)
            .single()
            .expect("date");
        assert_eq!(
            policy.deadline(opened, false),
            Utc.with_ymd_and_hms(2026, 4, 1, 12, 0, 0)
                .single()
                .expect("date")
        );
        assert_eq!(
            policy.deadline(opened, true),
            Utc.with_ymd_and_hms(2026, 1, 8, 12, 0, 0)
                .single()
                .expect("date")
        );
    }

    #[test]
    fn embargo_settings_are_bounded() {
        assert!(EmbargoPolicy::default().validate().is_ok());
        let long = EmbargoPolicy {
            default_days: 400,
            exploited_days: 7,
        };
        assert!(long.validate().is_err());
        let inverted = EmbargoPolicy {
            default_days: 30,
            exploited_days: 60,
        };
        assert!(inverted.validate().is_err());
    }
}
