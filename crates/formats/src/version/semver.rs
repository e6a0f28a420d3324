//! SemVer 2.0: strict parsing and precedence (semver.org §9–§11).
//!
//! Build metadata is validated and then ignored, as precedence requires.

use std::cmp::Ordering;

use super::cursor::Cursor;
use super::numeric::{compare_digits, is_all_digits};
use super::span::Span;

/// A parsed SemVer version: spans into its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SemverParts {
    pub(crate) major: Span,
    pub(crate) minor: Span,
    pub(crate) patch: Span,
    /// The pre-release identifiers after `-`, when there are any.
    pub(crate) pre: Option<Span>,
}

/// Parses a strict SemVer 2.0 version (`1.2.3-rc.1+build.5`).
pub(crate) fn parse(text: &str) -> Result<SemverParts, &'static str> {
    let mut cur = Cursor::new(text);
    parse_from(&mut cur)
}

/// Parses `MAJOR.MINOR.PATCH[-PRE][+BUILD]` from the cursor to the end.
pub(crate) fn parse_from(cur: &mut Cursor<'_>) -> Result<SemverParts, &'static str> {
    let major = numeric_identifier(cur)?;
    let minor = dot_then_number(cur)?;
    let patch = dot_then_number(cur)?;
    let pre = parse_suffix(cur)?;
    Ok(SemverParts {
        major,
        minor,
        patch,
        pre,
    })
}

/// Parses the optional `-PRE` and `+BUILD` parts up to the end of the text.
pub(crate) fn parse_suffix(cur: &mut Cursor<'_>) -> Result<Option<Span>, &'static str> {
    let pre = if cur.eat(b'-') {
        let span = identifiers(cur);
        check_identifiers(cur, span, true)?;
        Some(span)
    } else {
        None
    };
    if cur.eat(b'+') {
        let span = identifiers(cur);
        check_identifiers(cur, span, false)?;
    }
    if cur.at_end() {
        Ok(pre)
    } else {
        Err("unexpected character (expected MAJOR.MINOR.PATCH[-PRE][+BUILD])")
    }
}

/// A numeric identifier: `0` or digits without a leading zero.
pub(crate) fn numeric_identifier(cur: &mut Cursor<'_>) -> Result<Span, &'static str> {
    let digits = cur.eat_digits();
    let bytes = digits.bytes(cur.text());
    if bytes.is_empty() {
        return Err("expected a number");
    }
    if bytes.len() > 1 && bytes.first() == Some(&b'0') {
        return Err("numbers must not have leading zeros");
    }
    Ok(digits)
}

fn dot_then_number(cur: &mut Cursor<'_>) -> Result<Span, &'static str> {
    if !cur.eat(b'.') {
        return Err("expected MAJOR.MINOR.PATCH");
    }
    numeric_identifier(cur)
}

fn identifiers(cur: &mut Cursor<'_>) -> Span {
    cur.eat_while(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.')
}

/// Checks dot-separated identifiers: none empty, and (for pre-releases)
/// numeric ones without leading zeros.
fn check_identifiers(cur: &Cursor<'_>, span: Span, pre: bool) -> Result<(), &'static str> {
    let text = cur.text();
    for ident in span.bytes(text).split(|&b| b == b'.') {
        if ident.is_empty() {
            return Err("empty pre-release or build identifier");
        }
        if pre && is_all_digits(ident) && ident.len() > 1 && ident.first() == Some(&b'0') {
            return Err("numeric pre-release identifiers must not have leading zeros");
        }
    }
    Ok(())
}

/// SemVer precedence of two parsed versions.
pub(crate) fn compare(a_text: &str, a: &SemverParts, b_text: &str, b: &SemverParts) -> Ordering {
    compare_digits(a.major.bytes(a_text), b.major.bytes(b_text))
        .then_with(|| compare_digits(a.minor.bytes(a_text), b.minor.bytes(b_text)))
        .then_with(|| compare_digits(a.patch.bytes(a_text), b.patch.bytes(b_text)))
        .then_with(|| match (a.pre, b.pre) {
            (None, None) => Ordering::Equal,
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (Some(x), Some(y)) => compare_pre(x.bytes(a_text), y.bytes(b_text)),
        })
}

/// Compares pre-release identifier lists (§11.4).
pub(crate) fn compare_pre(a: &[u8], b: &[u8]) -> Ordering {
    let mut left = a.split(|&c| c == b'.');
    let mut right = b.split(|&c| c == b'.');
    loop {
        let order = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => compare_identifier(x, y),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

/// Numeric identifiers compare numerically and before alphanumeric ones,
/// which compare in ASCII order.
fn compare_identifier(x: &[u8], y: &[u8]) -> Ordering {
    match (is_all_digits(x), is_all_digits(y)) {
        (true, true) => compare_digits(x, y),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
        (false, false) => x.cmp(y),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        match (parse(a), parse(b)) {
            (Ok(x), Ok(y)) => compare(a, &x, b, &y),
            other => panic!("{a} / {b}: {other:?}"),
        }
    }

    #[test]
    fn semver_org_precedence_example() {
        // semver.org §11: each is lower than the next.
        let ordered = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "2.0.0",
            "2.1.0",
            "2.1.1",
        ];
        for pair in ordered.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(cmp(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
    }

    #[test]
    fn build_metadata_is_ignored() {
        assert_eq!(cmp("1.0.0+20130313144700", "1.0.0"), Ordering::Equal);
        assert_eq!(
            cmp("1.0.0-beta+exp.sha.5114f85", "1.0.0-beta"),
            Ordering::Equal
        );
        assert_eq!(cmp("1.0.0+a", "1.0.0+b"), Ordering::Equal);
    }

    #[test]
    fn hyphens_in_identifiers_and_long_numbers() {
        assert_eq!(cmp("1.0.0-a-b", "1.0.0-a"), Ordering::Greater);
        assert_eq!(cmp("1.0.0-x-1", "1.0.0-x.1"), Ordering::Greater);
        assert_eq!(
            cmp("99999999999999999999999.0.0", "9.0.0"),
            Ordering::Greater
        );
    }

    #[test]
    fn invalid_versions_are_rejected() {
        for bad in [
            "",
            "1",
            "1.2",
            "1.2.3.4",
            "01.2.3",
            "1.02.3",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3-a..b",
            "1.2.3+",
            "1.2.3+a..b",
            "v1.2.3",
            "1.2.3 ",
            "1.2.3-a_b",
            "a.b.c",
            "1.2.3-é",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be invalid");
        }
        for good in ["0.0.0", "1.2.3-0", "1.2.3-0a", "1.2.3+001", "1.2.3-a-.b--"] {
            assert!(parse(good).is_ok(), "{good:?} should be valid");
        }
    }
}
