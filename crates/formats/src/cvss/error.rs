//! Why a CVSS vector string was rejected.

use thiserror::Error;

/// A CVSS vector string that is not a valid CVSS 3.0, 3.1 or 4.0 vector.
///
/// Every variant names the offending metric, value or field so a caller can
/// show the submitter exactly what to fix.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum CvssError {
    /// The vector string is empty.
    #[error("empty CVSS vector")]
    Empty,
    /// The vector does not start with `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/`.
    #[error("unsupported CVSS version or missing prefix in {prefix:?} (expected CVSS:3.0/, CVSS:3.1/ or CVSS:4.0/)")]
    UnsupportedVersion {
        /// The start of the vector (up to its first `/`).
        prefix: String,
    },
    /// Two slashes in a row, or a trailing slash.
    #[error("empty field at position {position} of the CVSS vector")]
    EmptyField {
        /// The 1-based position of the empty field after the prefix.
        position: usize,
    },
    /// A field that is not `METRIC:VALUE`.
    #[error("malformed CVSS field {field:?} (expected METRIC:VALUE)")]
    MalformedField {
        /// The field as given.
        field: String,
    },
    /// A metric this CVSS version does not define.
    #[error("unknown CVSS {version} metric {metric:?}")]
    UnknownMetric {
        /// The CVSS version (`3.0`, `3.1` or `4.0`).
        version: &'static str,
        /// The metric abbreviation as given.
        metric: String,
    },
    /// A value the metric does not allow.
    #[error("invalid value {value:?} for CVSS metric {metric}")]
    InvalidValue {
        /// The metric abbreviation.
        metric: &'static str,
        /// The value as given.
        value: String,
    },
    /// The same metric given twice.
    #[error("duplicate CVSS metric {metric}")]
    DuplicateMetric {
        /// The metric abbreviation.
        metric: &'static str,
    },
    /// A CVSS 4.0 metric listed after one the specification orders after it.
    #[error("CVSS 4.0 metric {metric} must come before {after}")]
    OutOfOrder {
        /// The metric that came too late.
        metric: &'static str,
        /// The metric it was listed after.
        after: &'static str,
    },
    /// A mandatory base metric is missing.
    #[error("missing mandatory CVSS metric {metric}")]
    MissingMetric {
        /// The metric abbreviation.
        metric: &'static str,
    },
}
