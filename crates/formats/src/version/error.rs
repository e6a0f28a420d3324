//! Why a version string could not be read.

use super::ecosystem::Ecosystem;

/// A version string that is not a version of the ecosystem, or a range event
/// holding one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// The text does not follow the ecosystem's version syntax.
    #[error("invalid {ecosystem} version {version:?}: {reason}")]
    Invalid {
        /// The ecosystem whose rules were applied.
        ecosystem: Ecosystem,
        /// The offending text (cut to 128 characters).
        version: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The text is longer than [`super::MAX_VERSION_LEN`] bytes.
    #[error("{ecosystem} version of {len} bytes is longer than the limit of {max} bytes")]
    TooLong {
        /// The ecosystem whose rules were applied.
        ecosystem: Ecosystem,
        /// The text's length in bytes.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A range event's version could not be read.
    #[error("`{event}` event of an affected range: {source}")]
    Event {
        /// The event kind (`introduced`, `fixed`, `last_affected`, `limit`).
        event: &'static str,
        /// Why its version could not be read.
        #[source]
        source: Box<VersionError>,
    },
}

impl VersionError {
    /// An [`Invalid`](VersionError::Invalid) error for `version`.
    pub(crate) fn invalid(ecosystem: Ecosystem, version: &str, reason: &'static str) -> Self {
        VersionError::Invalid {
            ecosystem,
            version: version.chars().take(128).collect(),
            reason,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_ecosystem_and_the_version() {
        let err = VersionError::invalid(Ecosystem::Debian, "a1.0", "must start with a digit");
        assert_eq!(
            err.to_string(),
            r#"invalid debian version "a1.0": must start with a digit"#
        );
        let wrapped = VersionError::Event {
            event: "fixed",
            source: Box::new(err),
        };
        assert!(wrapped
            .to_string()
            .starts_with("`fixed` event of an affected range: invalid debian"));
    }
}
