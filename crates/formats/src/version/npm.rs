//! npm versions: SemVer 2.0 as node-semver reads them, tolerating the
//! leading `v` and `=` that `semver.clean` strips.

use super::cursor::Cursor;
use super::semver::{parse_from, SemverParts};

/// Parses an npm version (`v1.2.3`, `=1.2.3-rc.1`, `1.2.3`).
pub(crate) fn parse(text: &str) -> Result<SemverParts, &'static str> {
    let mut cur = Cursor::new(text);
    while cur.eat_if(|b| matches!(b, b'=' | b'v' | b'V')) {}
    parse_from(&mut cur)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::version::semver::compare;
    use std::cmp::Ordering;

    #[test]
    fn prefixes_are_tolerated_and_order_is_semver() {
        for (a, b) in [
            ("v1.2.3", "1.2.3"),
            ("=1.2.3", "1.2.3"),
            ("=v1.2.3+x", "1.2.3"),
        ] {
            let (x, y) = (parse(a), parse(b));
            assert!(matches!((&x, &y), (Ok(_), Ok(_))), "{a} {b}");
            if let (Ok(x), Ok(y)) = (x, y) {
                assert_eq!(compare(a, &x, b, &y), Ordering::Equal, "{a} {b}");
            }
        }
        assert!(parse("1.2").is_err());
        assert!(parse("x1.2.3").is_err());
    }
}
