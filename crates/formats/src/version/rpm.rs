//! RPM versions, `[epoch:]version[-release]`, ordered as rpm does: epochs
//! numerically, then `rpmvercmp` on the version and on the release.
//! `rpmvercmp` splits at non-alphanumerics, compares digit runs numerically
//! and letter runs bytewise, numbers after letters; `~` sorts before
//! everything (even the end) and `^` after the end but before anything else.

use std::cmp::Ordering;

use super::numeric::{compare_digits, is_all_digits};
use super::span::Span;

/// A parsed RPM `epoch:version-release`: spans into its text (an empty
/// epoch is 0, an empty release is absent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RpmParts {
    epoch: Span,
    version: Span,
    release: Span,
}

/// Parses an RPM EVR. rpm forbids `-` inside the version and the release,
/// so there is at most one, and at most one `:` (after a numeric epoch).
pub(crate) fn parse(text: &str) -> Result<RpmParts, &'static str> {
    let bytes = text.as_bytes();
    if !bytes.iter().all(|b| b.is_ascii_graphic()) {
        return Err("only printable ASCII without spaces is allowed");
    }
    let (epoch, start) = match text.find(':') {
        Some(colon) => {
            let digits = bytes.get(..colon).unwrap_or_default();
            if !digits.is_empty() && !is_all_digits(digits) {
                return Err("the epoch before ':' must be a number");
            }
            (Span::new(0, colon), colon + 1)
        }
        None => (Span::default(), 0),
    };
    let rest = bytes.get(start..).unwrap_or_default();
    if rest.contains(&b':') {
        return Err("more than one ':'");
    }
    let mut dashes = rest.iter().enumerate().filter(|(_, &b)| b == b'-');
    let (version, release) = match (dashes.next(), dashes.next()) {
        (None, _) => (Span::new(start, bytes.len()), Span::default()),
        (Some((dash, _)), None) => (
            Span::new(start, start + dash),
            Span::new(start + dash + 1, bytes.len()),
        ),
        (Some(_), Some(_)) => {
            return Err("more than one '-' (rpm forbids '-' in version and release)")
        }
    };
    if version.is_empty() {
        return Err("empty version");
    }
    if rest.contains(&b'-') && release.is_empty() {
        return Err("empty release after '-'");
    }
    Ok(RpmParts {
        epoch,
        version,
        release,
    })
}

/// rpm's order of two parsed EVRs.
pub(crate) fn compare(a_text: &str, a: &RpmParts, b_text: &str, b: &RpmParts) -> Ordering {
    compare_digits(a.epoch.bytes(a_text), b.epoch.bytes(b_text))
        .then_with(|| rpmvercmp(a.version.bytes(a_text), b.version.bytes(b_text)))
        .then_with(|| rpmvercmp(a.release.bytes(a_text), b.release.bytes(b_text)))
}

fn is_separator(c: &u8) -> bool {
    !c.is_ascii_alphanumeric() && *c != b'~' && *c != b'^'
}

/// rpm's `rpmvercmp` (lib/rpmvercmp.c).
pub(crate) fn rpmvercmp(a: &[u8], b: &[u8]) -> Ordering {
    if a == b {
        return Ordering::Equal;
    }
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        i += a
            .get(i..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| is_separator(c))
            .count();
        j += b
            .get(j..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| is_separator(c))
            .count();
        let (x, y) = (a.get(i).copied(), b.get(j).copied());
        if let Some(order) = compare_marks(x, y) {
            if order != Ordering::Equal {
                return order;
            }
            i += 1;
            j += 1;
            continue;
        }
        if x.is_none() || y.is_none() {
            break;
        }
        let rest_a = a.get(i..).unwrap_or_default();
        let (order, la, lb) = compare_segment(rest_a, b.get(j..).unwrap_or_default());
        if order != Ordering::Equal {
            return order;
        }
        i += la;
        j += lb;
    }
    match (i >= a.len(), j >= b.len()) {
        (true, true) => Ordering::Equal,
        (true, false) => Ordering::Less,
        (false, _) => Ordering::Greater,
    }
}

/// The `~` and `^` rules: `Some(Equal)` when both have the same mark (skip
/// it), `Some(order)` when one decides, `None` when neither is a mark.
fn compare_marks(x: Option<u8>, y: Option<u8>) -> Option<Ordering> {
    if x == Some(b'~') || y == Some(b'~') {
        return Some(match (x == Some(b'~'), y == Some(b'~')) {
            (true, true) => Ordering::Equal,
            (false, _) => Ordering::Greater,
            (true, false) => Ordering::Less,
        });
    }
    if x == Some(b'^') || y == Some(b'^') {
        return Some(match (x, y) {
            (None, _) => Ordering::Less,
            (_, None) => Ordering::Greater,
            (Some(b'^'), Some(b'^')) => Ordering::Equal,
            (Some(_), Some(b'^')) => Ordering::Greater,
            (Some(_), Some(_)) => Ordering::Less,
        });
    }
    None
}

/// Compares the digit or letter runs at the start of `a` and `b` (`a`
/// starts with an alphanumeric); returns the order and the run lengths.
fn compare_segment(a: &[u8], b: &[u8]) -> (Ordering, usize, usize) {
    let numeric = a.first().is_some_and(u8::is_ascii_digit);
    let in_run = |c: &&u8| {
        if numeric {
            c.is_ascii_digit()
        } else {
            c.is_ascii_alphabetic()
        }
    };
    let la = a.iter().take_while(in_run).count();
    let lb = b.iter().take_while(in_run).count();
    if lb == 0 {
        // Different kinds of run: numbers are newer than letters.
        let order = if numeric {
            Ordering::Greater
        } else {
            Ordering::Less
        };
        return (order, la, lb);
    }
    let (x, y) = (
        a.get(..la).unwrap_or_default(),
        b.get(..lb).unwrap_or_default(),
    );
    let order = if numeric {
        compare_digits(x, y)
    } else {
        x.cmp(y)
    };
    (order, la, lb)
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
    fn rpm_rpmvercmp_test_vectors() {
        // rpm's tests/rpmvercmp.at.
        use Ordering::{Equal as E, Greater as G, Less as L};
        let cases = [
            ("1.0", "1.0", E),
            ("1.0", "2.0", L),
            ("2.0", "1.0", G),
            ("2.0.1", "2.0.1", E),
            ("2.0", "2.0.1", L),
            ("2.0.1", "2.0", G),
            ("2.0.1a", "2.0.1a", E),
            ("2.0.1a", "2.0.1", G),
            ("2.0.1", "2.0.1a", L),
            ("5.5p1", "5.5p1", E),
            ("5.5p1", "5.5p2", L),
            ("5.5p2", "5.5p1", G),
            ("5.5p10", "5.5p10", E),
            ("5.5p1", "5.5p10", L),
            ("5.5p10", "5.5p1", G),
            ("10xyz", "10.1xyz", L),
            ("10.1xyz", "10xyz", G),
            ("xyz10", "xyz10", E),
            ("xyz10", "xyz10.1", L),
            ("xyz10.1", "xyz10", G),
            ("xyz.4", "xyz.4", E),
            ("xyz.4", "8", L),
            ("8", "xyz.4", G),
            ("xyz.4", "2", L),
            ("2", "xyz.4", G),
            ("5.5p2", "5.6p1", L),
            ("5.6p1", "5.5p2", G),
            ("5.6p1", "6.5p1", L),
            ("6.5p1", "5.6p1", G),
            ("6.0.rc1", "6.0", G),
            ("6.0", "6.0.rc1", L),
            ("10b2", "10a1", G),
            ("10a2", "10b2", L),
            ("1.0aa", "1.0aa", E),
            ("1.0a", "1.0aa", L),
            ("1.0aa", "1.0a", G),
            ("10.0001", "10.0001", E),
            ("10.0001", "10.1", E),
            ("10.1", "10.0001", E),
            ("10.0001", "10.0039", L),
            ("10.0039", "10.0001", G),
            ("4.999.9", "5.0", L),
            ("5.0", "4.999.9", G),
            ("20101121", "20101121", E),
            ("20101121", "20101122", L),
            ("20101122", "20101121", G),
            ("2_0", "2_0", E),
            ("2.0", "2_0", E),
            ("2_0", "2.0", E),
            ("a", "a", E),
            ("a+", "a+", E),
            ("a+", "a_", E),
            ("a_", "a+", E),
            ("+a", "+a", E),
            ("+a", "_a", E),
            ("_a", "+a", E),
            ("+_", "+_", E),
            ("_+", "+_", E),
            ("_+", "_+", E),
            ("+", "_", E),
            ("_", "+", E),
            ("1.0~rc1", "1.0~rc1", E),
            ("1.0~rc1", "1.0", L),
            ("1.0", "1.0~rc1", G),
            ("1.0~rc1", "1.0~rc2", L),
            ("1.0~rc2", "1.0~rc1", G),
            ("1.0~rc1~git123", "1.0~rc1~git123", E),
            ("1.0~rc1~git123", "1.0~rc1", L),
            ("1.0~rc1", "1.0~rc1~git123", G),
            ("1.0^", "1.0^", E),
            ("1.0^", "1.0", G),
            ("1.0", "1.0^", L),
            ("1.0^git1", "1.0^git1", E),
            ("1.0^git1", "1.0", G),
            ("1.0", "1.0^git1", L),
            ("1.0^git1", "1.0^git2", L),
            ("1.0^git2", "1.0^git1", G),
            ("1.0^git1", "1.01", L),
            ("1.01", "1.0^git1", G),
            ("1.0^20160101", "1.0^20160101", E),
            ("1.0^20160101", "1.0.1", L),
            ("1.0.1", "1.0^20160101", G),
            ("1.0^20160101^git1", "1.0^20160101^git1", E),
            ("1.0^20160102", "1.0^20160101^git1", G),
            ("1.0^20160101^git1", "1.0^20160102", L),
            ("1.0~rc1^git1", "1.0~rc1^git1", E),
            ("1.0~rc1^git1", "1.0~rc1", G),
            ("1.0~rc1", "1.0~rc1^git1", L),
            ("1.0^git1~pre", "1.0^git1~pre", E),
            ("1.0^git1", "1.0^git1~pre", G),
            ("1.0^git1~pre", "1.0^git1", L),
            ("1b.fc17", "1b.fc17", E),
            ("1b.fc17", "1.fc17", L),
            ("1.fc17", "1b.fc17", G),
            ("1g.fc17", "1g.fc17", E),
            ("1g.fc17", "1.fc17", G),
            ("1.fc17", "1g.fc17", L),
        ];
        for (a, b, want) in cases {
            assert_eq!(rpmvercmp(a.as_bytes(), b.as_bytes()), want, "{a} vs {b}");
        }
    }

    #[test]
    fn epochs_and_releases() {
        assert_eq!(cmp("1:1.0-1", "2.0-1"), Ordering::Greater);
        assert_eq!(cmp("0:1.0-1", "1.0-1"), Ordering::Equal);
        assert_eq!(cmp(":1.0", "1.0"), Ordering::Equal);
        assert_eq!(cmp("1.0-1.el8", "1.0-2.el8"), Ordering::Less);
        assert_eq!(cmp("1.0", "1.0-1"), Ordering::Less);
        assert_eq!(cmp("1.0-1.el8_9", "1.0-1.el8"), Ordering::Greater);
    }

    #[test]
    fn invalid_versions_are_rejected() {
        for bad in [
            "", "-1", "1.0-", "1.0-1-2", "a:1.0", "1:2:3", "1.0 1", "1.0é", "1:",
        ] {
            assert!(parse(bad).is_err(), "{bad:?} should be invalid");
        }
    }
}
