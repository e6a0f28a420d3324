//! Intake errors: [`IntakeError`] for a document that cannot be read at all,
//! [`RecordError`] for one record in it that cannot be turned into a report.
//!
//! The split matters to the caller: a bad record is reported back with its
//! index and the rest of the upload is still taken; a bad document is
//! refused whole.

use crate::model::SourceFormat;

/// A whole document that cannot be read: too large, not JSON (or YAML),
/// or not a document of the format asked for.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IntakeError {
    /// The document is over [`MAX_DOCUMENT_BYTES`](super::MAX_DOCUMENT_BYTES).
    #[error("document is {size} bytes; the limit is {limit} bytes")]
    TooLarge {
        /// The document's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The document is empty (or only whitespace).
    #[error("document is empty")]
    Empty,
    /// The bytes are not JSON (syntax error, bad UTF-8, nesting too deep).
    #[error("{} document is not valid JSON: {source}", format.as_str())]
    Json {
        /// The format the document was read as.
        format: SourceFormat,
        /// The parser's error, with line and column.
        #[source]
        source: serde_json::Error,
    },
    /// The bytes are not YAML (OSV in YAML).
    #[error("{} document is not valid YAML: {source}", format.as_str())]
    Yaml {
        /// The format the document was read as.
        format: SourceFormat,
        /// The parser's error.
        #[source]
        source: serde_yaml_ng::Error,
    },
    /// The document is well-formed but not a valid document of its format
    /// (wrong top-level shape, a required field missing or mistyped).
    #[error("document invalid: {}", reasons.join("; "))]
    Invalid {
        /// What is wrong, each naming the field (`runs: invalid type …`).
        reasons: Vec<String>,
    },
    /// Intake of this format is not built into this version.
    #[error("{} intake is not available", format.as_str())]
    Unavailable {
        /// The format asked for.
        format: SourceFormat,
    },
}

impl IntakeError {
    /// A document-level [`IntakeError::Invalid`] with a single reason.
    pub fn invalid(reason: impl Into<String>) -> Self {
        IntakeError::Invalid {
            reasons: vec![reason.into()],
        }
    }
}

/// Why one record of a document was not taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{reason}")]
pub struct RecordError {
    /// What is wrong, naming the field as a path from the document root
    /// (`vulnerabilities[3].affects[0].ref: no component with bom-ref `x``).
    pub reason: String,
    /// The record's identifier, when it could be read (for the caller's
    /// rejection list).
    pub source_id: Option<String>,
}

impl RecordError {
    /// A rejection with `reason` and no known identifier.
    pub fn new(reason: impl Into<String>) -> Self {
        RecordError {
            reason: reason.into(),
            source_id: None,
        }
    }

    /// A rejection of the field at `path` (`affected[0].ranges`) because of
    /// `problem`; an empty path names the record itself.
    pub fn at(path: &str, problem: impl std::fmt::Display) -> Self {
        if path.is_empty() {
            RecordError::new(problem.to_string())
        } else {
            RecordError::new(format!("{path}: {problem}"))
        }
    }

    /// The same rejection, naming the record's identifier.
    pub fn with_source_id(mut self, source_id: Option<String>) -> Self {
        self.source_id = source_id;
        self
    }

    /// The same rejection with `prefix` (the record's place in the
    /// document, such as `runs[0].results[2]`) put before the reason's path.
    pub fn within(mut self, prefix: &str) -> Self {
        if prefix.is_empty() {
            return self;
        }
        self.reason = if self.reason.starts_with('[') {
            format!("{prefix}{}", self.reason)
        } else if starts_with_path(&self.reason) {
            format!("{prefix}.{}", self.reason)
        } else {
            format!("{prefix}: {}", self.reason)
        };
        self
    }
}

/// Whether a reason begins with a field path (`name:` or `name.`/`name[`).
fn starts_with_path(reason: &str) -> bool {
    let head = reason.split(": ").next().unwrap_or_default();
    head.len() < reason.len()
        && !head.is_empty()
        && !head.contains(' ')
        && head
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn record_errors_prefix_their_paths() {
        let e = RecordError::at("affects[0].ref", "no component with bom-ref `x`")
            .within("vulnerabilities[3]");
        assert_eq!(
            e.reason,
            "vulnerabilities[3].affects[0].ref: no component with bom-ref `x`"
        );
        let e = RecordError::new("suppressed (accepted)").within("runs[0].results[1]");
        assert_eq!(e.reason, "runs[0].results[1]: suppressed (accepted)");
        let e = RecordError::at("[2].id", "missing").within("vulnerabilities");
        assert_eq!(e.reason, "vulnerabilities[2].id: missing");
        assert_eq!(RecordError::at("", "bad").within("").reason, "bad");
    }

    #[test]
    fn intake_errors_read_well() {
        let e = IntakeError::Invalid {
            reasons: vec!["a: missing".into(), "b: bad".into()],
        };
        assert_eq!(e.to_string(), "document invalid: a: missing; b: bad");
        let e = IntakeError::Unavailable {
            format: SourceFormat::Csaf,
        };
        assert_eq!(e.to_string(), "csaf intake is not available");
    }
}
