//! CSAF document versions (`version_t`): integer versioning (`3`) or
//! semantic versioning (`1.2.0-rc.1+build`), with SemVer 2.0 precedence.

use std::cmp::Ordering;

/// A parsed `version_t`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DocVersion {
    /// Integer versioning.
    Integer(u64),
    /// Semantic versioning.
    Semantic(SemVer),
}

/// A semantic version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SemVer {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// The pre-release part without its `-`, when there is one.
    pub pre: Option<String>,
    /// The build metadata without its `+`, when there is one.
    pub build: Option<String>,
}

impl DocVersion {
    /// Parses a `version_t`; `None` when it is neither form.
    pub fn parse(text: &str) -> Option<DocVersion> {
        if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
            return text.parse().ok().map(DocVersion::Integer);
        }
        let (rest, build) = match text.split_once('+') {
            Some((head, build)) => (head, Some(build.to_owned())),
            None => (text, None),
        };
        let (core, pre) = match rest.split_once('-') {
            Some((head, pre)) => (head, Some(pre.to_owned())),
            None => (rest, None),
        };
        let mut parts = core.split('.');
        let mut number = || -> Option<u64> {
            let part = parts.next()?;
            if part.is_empty() || !part.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            part.parse().ok()
        };
        let (major, minor, patch) = (number()?, number()?, number()?);
        if parts.next().is_some() {
            return None;
        }
        Some(DocVersion::Semantic(SemVer {
            major,
            minor,
            patch,
            pre,
            build,
        }))
    }

    /// The integer, or the major version.
    pub fn major(&self) -> u64 {
        match self {
            DocVersion::Integer(n) => *n,
            DocVersion::Semantic(v) => v.major,
        }
    }

    /// Whether this is semantic versioning.
    pub fn is_semantic(&self) -> bool {
        matches!(self, DocVersion::Semantic(_))
    }

    /// Whether it has a pre-release part.
    pub fn is_pre_release(&self) -> bool {
        matches!(self, DocVersion::Semantic(SemVer { pre: Some(_), .. }))
    }

    /// `0` or `0.y.z`: a version before the first release.
    pub fn is_zero(&self) -> bool {
        self.major() == 0
    }

    /// The same version without build metadata and, if `drop_pre`, without
    /// its pre-release part.
    pub fn stripped(&self, drop_pre: bool) -> DocVersion {
        match self {
            DocVersion::Integer(n) => DocVersion::Integer(*n),
            DocVersion::Semantic(v) => DocVersion::Semantic(SemVer {
                pre: if drop_pre { None } else { v.pre.clone() },
                build: None,
                ..v.clone()
            }),
        }
    }

    /// SemVer precedence (build metadata ignored); an integer `n` ranks as
    /// `n.0.0`, so mixed histories (test 6.1.30's concern) still order.
    pub fn precedence(&self, other: &DocVersion) -> Ordering {
        let key = |v: &DocVersion| match v {
            DocVersion::Integer(n) => (*n, 0, 0),
            DocVersion::Semantic(s) => (s.major, s.minor, s.patch),
        };
        key(self)
            .cmp(&key(other))
            .then_with(|| compare_pre(self.pre(), other.pre()))
    }

    fn pre(&self) -> Option<&str> {
        match self {
            DocVersion::Semantic(SemVer { pre: Some(p), .. }) => Some(p),
            _ => None,
        }
    }
}

/// Pre-release precedence: a release ranks above its pre-releases;
/// identifiers compare numerically when both are numbers, numbers rank below
/// text, and a longer list wins a tie.
fn compare_pre(a: Option<&str>, b: Option<&str>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Greater,
        (Some(_), None) => Ordering::Less,
        (Some(a), Some(b)) => {
            let mut left = a.split('.');
            let mut right = b.split('.');
            loop {
                match (left.next(), right.next()) {
                    (None, None) => return Ordering::Equal,
                    (None, Some(_)) => return Ordering::Less,
                    (Some(_), None) => return Ordering::Greater,
                    (Some(x), Some(y)) => {
                        let order = compare_identifier(x, y);
                        if order != Ordering::Equal {
                            return order;
                        }
                    }
                }
            }
        }
    }
}

fn compare_identifier(x: &str, y: &str) -> Ordering {
    let numeric = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    match (numeric(x), numeric(y)) {
        // Compare digit strings by length first: no overflow on long ones.
        (true, true) => x.len().cmp(&y.len()).then_with(|| x.cmp(y)),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => x.cmp(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> DocVersion {
        DocVersion::parse(text).unwrap_or(DocVersion::Integer(u64::MAX))
    }

    #[test]
    fn parses_both_forms() {
        assert_eq!(DocVersion::parse("12"), Some(DocVersion::Integer(12)));
        assert!(v("1.2.3-rc.1+b5").is_pre_release());
        assert!(!v("1.2.3+b5").is_pre_release());
        assert!(v("0.9.5").is_zero() && v("0").is_zero() && !v("1").is_zero());
        assert_eq!(DocVersion::parse("1.2"), None);
        assert_eq!(DocVersion::parse("a"), None);
    }

    #[test]
    fn orders_by_semver_precedence() {
        assert_eq!(v("10").precedence(&v("9")), Ordering::Greater);
        assert_eq!(v("1.10.0").precedence(&v("1.9.0")), Ordering::Greater);
        assert_eq!(v("1.0.0-rc").precedence(&v("1.0.0")), Ordering::Less);
        assert_eq!(
            v("1.0.0-alpha.2").precedence(&v("1.0.0-alpha.10")),
            Ordering::Less
        );
        assert_eq!(v("2.0.0+a").precedence(&v("2.0.0+b")), Ordering::Equal);
        assert_eq!(v("2.0.0-rc+a").stripped(true), v("2.0.0"));
    }
}
