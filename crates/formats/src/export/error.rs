//! Why an advisory could not be exported.

use thiserror::Error;

/// An advisory that a format cannot express, named with the problem.
#[derive(Debug, Error)]
pub enum ExportError {
    /// CVE JSON 5 records exist only for CVE ids, and the advisory has none.
    #[error("advisory {advisory}: a CVE JSON 5 record needs a CVE alias (CVE-YYYY-NNNN), and it has none")]
    MissingCve {
        /// The advisory id.
        advisory: String,
    },
    /// The format requires a field the advisory leaves empty.
    #[error("advisory {advisory}: {format} needs {what}")]
    Missing {
        /// The advisory id.
        advisory: String,
        /// The export format (`CSAF 2.0`, `CVE JSON 5`, …).
        format: &'static str,
        /// What is missing, in words.
        what: &'static str,
    },
    /// The advisory's TLP forbids this format (a CVE record is public).
    #[error(
        "advisory {advisory}: {format} is public by construction and the advisory is TLP:{tlp}"
    )]
    NotPublic {
        /// The advisory id.
        advisory: String,
        /// The export format.
        format: &'static str,
        /// The advisory's TLP label.
        tlp: &'static str,
    },
    /// A parameter of the export (not an advisory) has a value the format
    /// rejects, or a multi-advisory export has nothing to work with.
    #[error("{format}: {problem}")]
    Parameter {
        /// The export format.
        format: &'static str,
        /// What is wrong, naming the parameter.
        problem: String,
    },
    /// An advisory field has a value the format rejects.
    #[error("advisory {advisory}: {format}: {problem}")]
    Invalid {
        /// The advisory id.
        advisory: String,
        /// The export format.
        format: &'static str,
        /// What is wrong, naming the field.
        problem: String,
    },
    /// Serialising the typed document to JSON failed.
    #[error("{advisory}: could not serialise {format}")]
    Json {
        /// `advisory <id>`, or what else was being written.
        advisory: String,
        /// The export format.
        format: &'static str,
        /// The serde error.
        #[source]
        source: serde_json::Error,
    },
}

impl ExportError {
    /// Wraps a serde error for `advisory` in `format`.
    pub(crate) fn json(advisory: &str, format: &'static str, source: serde_json::Error) -> Self {
        ExportError::Json {
            advisory: format!("advisory {advisory}"),
            format,
            source,
        }
    }

    /// A field the format requires is empty.
    pub(crate) fn missing(advisory: &str, format: &'static str, what: &'static str) -> Self {
        ExportError::Missing {
            advisory: advisory.to_owned(),
            format,
            what,
        }
    }

    /// A parameter the format rejects.
    pub(crate) fn parameter(format: &'static str, problem: impl Into<String>) -> Self {
        ExportError::Parameter {
            format,
            problem: problem.into(),
        }
    }

    /// Serialising something other than one advisory failed.
    pub(crate) fn json_of(what: &str, format: &'static str, source: serde_json::Error) -> Self {
        ExportError::Json {
            advisory: what.to_owned(),
            format,
            source,
        }
    }

    /// A value the format rejects.
    pub(crate) fn invalid(
        advisory: &str,
        format: &'static str,
        problem: impl Into<String>,
    ) -> Self {
        ExportError::Invalid {
            advisory: advisory.to_owned(),
            format,
            problem: problem.into(),
        }
    }
}
