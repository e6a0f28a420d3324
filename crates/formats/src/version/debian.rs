//! Debian package versions, `[epoch:]upstream[-revision]`, ordered as
//! dpkg's `verrevcmp` does (Debian Policy §5.6.12): non-digit runs compare
//! character by character with `~` before everything (even the end),
//! letters before non-letters; digit runs compare numerically.

use std::cmp::Ordering;

use super::numeric::{compare_digits, is_all_digits};
use super::span::Span;

/// A parsed Debian version: spans into its text (an empty epoch is 0, an
/// empty revision is absent, which dpkg orders as `0`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DebianParts {
    epoch: Span,
    upstream: Span,
    revision: Span,
}

/// Parses a Debian version. The upstream part must start with a digit and,
/// like the revision, hold only alphanumerics and `.+~` (plus `-` when a
/// revision follows).
pub(crate) fn parse(text: &str) -> Result<DebianParts, &'static str> {
    let bytes = text.as_bytes();
    let (epoch, rest_start) = match text.find(':') {
        Some(colon) => {
            let digits = bytes.get(..colon).unwrap_or_default();
            if !is_all_digits(digits) {
                return Err("the epoch before ':' must be a number");
            }
            (Span::new(0, colon), colon + 1)
        }
        None => (Span::default(), 0),
    };
    let rest = bytes.get(rest_start..).unwrap_or_default();
    let (upstream, revision) = match rest.iter().rposition(|&b| b == b'-') {
        Some(dash) => (
            Span::new(rest_start, rest_start + dash),
            Span::new(rest_start + dash + 1, bytes.len()),
        ),
        None => (Span::new(rest_start, bytes.len()), Span::default()),
    };
    let has_revision = rest.contains(&b'-');
    check_upstream(upstream.bytes(text), has_revision)?;
    if has_revision {
        check_revision(revision.bytes(text))?;
    }
    Ok(DebianParts {
        epoch,
        upstream,
        revision,
    })
}

fn check_upstream(upstream: &[u8], dash_allowed: bool) -> Result<(), &'static str> {
    if !upstream.first().is_some_and(u8::is_ascii_digit) {
        return Err("the upstream version must start with a digit");
    }
    let ok =
        |b: &u8| b.is_ascii_alphanumeric() || b".+~".contains(b) || (dash_allowed && *b == b'-');
    if upstream.iter().all(ok) {
        Ok(())
    } else {
        Err("the upstream version may hold only alphanumerics and . + ~ - (and no ':' after the epoch)")
    }
}

fn check_revision(revision: &[u8]) -> Result<(), &'static str> {
    if revision.is_empty() {
        return Err("empty revision after '-'");
    }
    if revision
        .iter()
        .all(|b| b.is_ascii_alphanumeric() || b"+.~".contains(b))
    {
        Ok(())
    } else {
        Err("the revision may hold only alphanumerics and + . ~")
    }
}

/// dpkg's order of two parsed versions.
pub(crate) fn compare(a_text: &str, a: &DebianParts, b_text: &str, b: &DebianParts) -> Ordering {
    compare_digits(a.epoch.bytes(a_text), b.epoch.bytes(b_text))
        .then_with(|| verrevcmp(a.upstream.bytes(a_text), b.upstream.bytes(b_text)))
        .then_with(|| verrevcmp(a.revision.bytes(a_text), b.revision.bytes(b_text)))
}

/// The weight of a character in a non-digit run: `~` lowest, then the end
/// of the run (or a digit), then letters, then everything else.
fn order(c: Option<u8>) -> i32 {
    match c {
        None => 0,
        Some(c) if c.is_ascii_digit() => 0,
        Some(b'~') => -1,
        Some(c) if c.is_ascii_alphabetic() => i32::from(c),
        Some(c) => i32::from(c) + 256,
    }
}

/// dpkg's `verrevcmp` on one part (upstream or revision).
pub(crate) fn verrevcmp(a: &[u8], b: &[u8]) -> Ordering {
    let (mut i, mut j) = (0, 0);
    let non_digit = |s: &[u8], k: usize| s.get(k).is_some_and(|c| !c.is_ascii_digit());
    while i < a.len() || j < b.len() {
        while non_digit(a, i) || non_digit(b, j) {
            let (x, y) = (order(a.get(i).copied()), order(b.get(j).copied()));
            if x != y {
                return x.cmp(&y);
            }
            i += 1;
            j += 1;
        }
        let da = a.get(i..).unwrap_or_default();
        let db = b.get(j..).unwrap_or_default();
        let la = da.iter().take_while(|c| c.is_ascii_digit()).count();
        let lb = db.iter().take_while(|c| c.is_ascii_digit()).count();
        let order = compare_digits(
            da.get(..la).unwrap_or_default(),
            db.get(..lb).unwrap_or_default(),
        );
        if order != Ordering::Equal {
            return order;
        }
        i += la;
        j += lb;
    }
    Ordering::Equal
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
    fn tilde_sorts_before_everything() {
        // Debian Policy §5.6.12: ~~ < ~~a < ~ < (nothing) < a.
        let ordered = ["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+", "1.0."];
        for pair in ordered.windows(2) {
            assert_eq!(cmp(pair[0], pair[1]), Ordering::Less, "{pair:?}");
        }
        assert_eq!(cmp("1.0~rc1", "1.0"), Ordering::Less);
        assert_eq!(cmp("1.0~rc1-1", "1.0~rc2-1"), Ordering::Less);
        assert_eq!(cmp("2.30-1~bpo11+1", "2.30-1"), Ordering::Less);
        // dpkg rejects epochs past INT_MAX; here they still order.
        assert_eq!(cmp("99999999999999999999:1", "1:1"), Ordering::Greater);
    }

    #[test]
    fn dpkg_reference_orderings() {
        // Checked against `dpkg --compare-versions`.
        let cases = [
            ("1.0", "1.0-0", Ordering::Equal),
            ("0:1.0", "1.0", Ordering::Equal),
            ("1.0", "1.0-1", Ordering::Less),
            ("1:0.4", "10.3", Ordering::Greater),
            ("1.0-1", "1.0-1.1", Ordering::Less),
            ("1.2.3", "1.2.10", Ordering::Less),
            ("1.001", "1.1", Ordering::Equal),
            ("1.0a", "1.0A", Ordering::Greater),
            ("1.0-a", "1.0-B", Ordering::Greater),
            (
                "2:4.13.1-0ubuntu0.16.04.1.1~",
                "2:4.13.1-0ubuntu0.16.04.1.1",
                Ordering::Less,
            ),
            ("1.2-3-4", "1.2-3", Ordering::Greater),
            ("7.6p2-4", "7.6-0", Ordering::Greater),
            ("1.0.3-3", "1.0-1", Ordering::Greater),
            ("1.3", "1.2.2-2", Ordering::Greater),
            ("1.3", "1.2.2", Ordering::Greater),
            ("0-pre", "0-pre", Ordering::Equal),
            ("0-pre", "0-pree", Ordering::Less),
            ("1.1.6r2-2", "1.1.6r-1", Ordering::Greater),
            ("2.6b2-1", "2.6b-2", Ordering::Greater),
            ("98.1p5-1", "98.1-pre2-b6-2", Ordering::Less),
            ("0.4a6-2", "0.4-1", Ordering::Greater),
            ("1:3.0.5-2", "1:3.0.5.1", Ordering::Less),
            ("10.11.1.3-2", "10.11.1.3-1", Ordering::Greater),
            ("4.4.3-2", "4.4.3-2", Ordering::Equal),
            ("1:2.25-2", "1:2.25-2~", Ordering::Greater),
        ];
        for (a, b, want) in cases {
            assert_eq!(cmp(a, b), want, "{a} vs {b}");
            assert_eq!(cmp(b, a), want.reverse(), "{b} vs {a}");
        }
    }

    #[test]
    fn invalid_versions_are_rejected() {
        for bad in [
            "", "a1.0", ":1.0", "x:1.0", "1.0-", "1.0_1", "1:2:3", "1.0-a_b", "-1", "1.0 ", "1.0é",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be invalid");
        }
        for good in ["0", "1:0", "1.0-1-1", "1.0+dfsg~1-0ubuntu1", "20230101"] {
            assert!(parse(good).is_ok(), "{good:?} should be valid");
        }
    }
}
