//! Go module versions: SemVer with an optional `v` (OSV writes Go versions
//! without it), the shorthands `v1` = `v1.0.0` and `v1.2` = `v1.2.0`, and
//! pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`), which are
//! ordinary pre-releases. Build metadata such as `+incompatible` is ignored,
//! as `golang.org/x/mod/semver` does.

use super::cursor::Cursor;
use super::semver::{numeric_identifier, parse_suffix, SemverParts};
use super::span::Span;

/// Parses a Go module version.
pub(crate) fn parse(text: &str) -> Result<SemverParts, &'static str> {
    let mut cur = Cursor::new(text);
    cur.eat(b'v');
    let major = numeric_identifier(&mut cur)?;
    let zero = Span::default();
    if cur.at_end() {
        return Ok(core(major, zero, zero, None));
    }
    expect_dot(&mut cur)?;
    let minor = numeric_identifier(&mut cur)?;
    if cur.at_end() {
        return Ok(core(major, minor, zero, None));
    }
    expect_dot(&mut cur)?;
    let patch = numeric_identifier(&mut cur)?;
    let pre = parse_suffix(&mut cur)?;
    Ok(core(major, minor, patch, pre))
}

fn expect_dot(cur: &mut Cursor<'_>) -> Result<(), &'static str> {
    if cur.eat(b'.') {
        Ok(())
    } else {
        Err("expected vMAJOR[.MINOR[.PATCH[-PRE][+BUILD]]]")
    }
}

fn core(major: Span, minor: Span, patch: Span, pre: Option<Span>) -> SemverParts {
    SemverParts {
        major,
        minor,
        patch,
        pre,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::semver::compare;
    use std::cmp::Ordering;

    fn cmp(a: &str, b: &str) -> Ordering {
        match (parse(a), parse(b)) {
            (Ok(x), Ok(y)) => compare(a, &x, b, &y),
            other => panic!("{a} / {b}: {other:?}"),
        }
    }

    #[test]
    fn go_versions_order_as_semver() {
        assert_eq!(cmp("v1", "v1.0.0"), Ordering::Equal);
        assert_eq!(cmp("v1.2", "1.2.0"), Ordering::Equal);
        assert_eq!(cmp("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(
            cmp("v0.0.0-20191109021931-daa7c04131f5", "v0.1.0"),
            Ordering::Less
        );
        // A pseudo-version after v1.2.3 sorts between it and v1.2.4.
        let pseudo = "v1.2.4-0.20191109021931-daa7c04131f5";
        assert_eq!(cmp(pseudo, "v1.2.3"), Ordering::Greater);
        assert_eq!(cmp(pseudo, "v1.2.4"), Ordering::Less);
        assert_eq!(
            cmp(
                "v0.0.0-20191109021931-daa7c04131f5",
                "v0.0.0-20200101000000-000000000000"
            ),
            Ordering::Less
        );
    }

    #[test]
    fn bad_go_versions_are_rejected() {
        for bad in [
            "", "v", "v1.", "v1.2-pre", "v1+meta", "v01.2.3", "vv1.2.3", "1.2.3.4",
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
