//! Policy settings that administrators may change.
use crate::clearinghouse::case::EmbargoPolicy;
use crate::error::DomainError;
use crate::review::{DEFAULT_MAX_WINDOW_DAYS, MAX_WINDOW_BOUNDS};
use serde::{Deserialize, Serialize};

/// The default bodies whose signatures make a standard effective.
pub const DEFAULT_REQUIRED_BODIES: &[&str] = &[
    "white-house",
    "defense",
    "homeland-security",
    "commerce",
    "treasury",
];

/// Installation-wide policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PolicySettings {
    /// Longest review window, in days (1–90).
    pub max_window_days: i64,
    /// Slugs of the standards bodies that must all sign a standard version.
    pub required_bodies: Vec<String>,
    /// Clearinghouse embargo deadlines (settings stored before it existed
    /// read as the defaults: 90 days, 7 when exploited).
    #[serde(default)]
    pub embargo: EmbargoPolicy,
}

impl Default for PolicySettings {
    fn default() -> Self {
        Self {
            max_window_days: DEFAULT_MAX_WINDOW_DAYS,
            required_bodies: DEFAULT_REQUIRED_BODIES
                .iter()
                .map(|s| s.to_string())
                .collect(),
            embargo: EmbargoPolicy::default(),
        }
    }
}

impl PolicySettings {
    /// Checks every field.
    pub fn validate(&self) -> Result<(), DomainError> {
        if !MAX_WINDOW_BOUNDS.contains(&self.max_window_days) {
            return Err(DomainError::invalid(
                "max_window_days",
                "must be between 1 and 90 days",
            ));
        }
        if self.required_bodies.is_empty() {
            return Err(DomainError::invalid(
                "required_bodies",
                "must name at least one standards body",
            ));
        }
        for (i, slug) in self.required_bodies.iter().enumerate() {
            crate::identity::validate_slug(slug).map_err(|_| {
                DomainError::invalid(
                    format!("required_bodies[{i}]"),
                    "is not a valid organisation slug",
                )
            })?;
        }
        self.embargo.validate()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_stored_without_an_embargo_read_as_the_defaults() {
        let old = r#"{"max_window_days": 30, "required_bodies": ["commerce"]}"#;
        let s: PolicySettings = serde_json::from_str(old).expect("old settings load");
        assert_eq!(s.embargo, EmbargoPolicy::default());
        assert!(s.validate().is_ok());
    }

    #[test]
    fn the_embargo_is_validated_with_the_rest() {
        let mut s = PolicySettings::default();
        s.embargo.exploited_days = s.embargo.default_days + 1;
        let err = s
            .validate()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("embargo_exploited_days"), "{err}");
    }
}
