//! The CVSS version a vector string declares in its `CVSS:x.y/` prefix.

use std::fmt;

use super::error::CvssError;

/// A CVSS version this module parses and scores.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CvssVersion {
    /// CVSS 3.0 (`CVSS:3.0/`).
    V3_0,
    /// CVSS 3.1 (`CVSS:3.1/`).
    V3_1,
    /// CVSS 4.0 (`CVSS:4.0/`).
    V4_0,
}

impl CvssVersion {
    /// The version number as written in the prefix (`3.1`).
    pub fn as_str(self) -> &'static str {
        match self {
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        }
    }

    /// Splits `CVSS:x.y/rest` into the version and `rest`.
    pub(crate) fn split_prefix(vector: &str) -> Result<(CvssVersion, &str), CvssError> {
        if vector.is_empty() {
            return Err(CvssError::Empty);
        }
        let (prefix, body) = vector.split_once('/').unwrap_or((vector, ""));
        let version = match prefix {
            "CVSS:3.0" => CvssVersion::V3_0,
            "CVSS:3.1" => CvssVersion::V3_1,
            "CVSS:4.0" => CvssVersion::V4_0,
            _ => return Err(unsupported(prefix)),
        };
        if !vector.contains('/') {
            return Err(unsupported(prefix));
        }
        Ok((version, body))
    }
}

/// The error for an unknown prefix; long garbage is cut short so error
/// messages stay readable.
pub(crate) fn unsupported(prefix: &str) -> CvssError {
    CvssError::UnsupportedVersion {
        prefix: prefix.chars().take(32).collect(),
    }
}

impl fmt::Display for CvssVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes() {
        assert_eq!(
            CvssVersion::split_prefix("CVSS:3.1/AV:N"),
            Ok((CvssVersion::V3_1, "AV:N"))
        );
        assert_eq!(CvssVersion::split_prefix(""), Err(CvssError::Empty));
        assert!(CvssVersion::split_prefix("CVSS:3.1").is_err());
        assert!(CvssVersion::split_prefix("CVSS:2.0/AV:N").is_err());
        assert!(CvssVersion::split_prefix("cvss:3.1/AV:N").is_err());
        assert!(CvssVersion::split_prefix("AV:N/AC:L").is_err());
    }
}
