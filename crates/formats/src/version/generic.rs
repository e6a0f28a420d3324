//! The fallback order for ecosystems without one of their own: components
//! are the runs of digits and of letters (everything else separates them),
//! compared left to right; numbers compare numerically and after words,
//! words compare case-insensitively, and a missing component counts as `0`
//! (so `1.0 == 1.0.0` and `1.0rc1 < 1.0 < 1.0.1`).

use std::cmp::Ordering;

use super::numeric::{compare_digits, is_all_digits};

/// Accepts any text with at least one digit or letter.
pub(crate) fn check(text: &str) -> Result<(), &'static str> {
    if text.bytes().any(|b| b.is_ascii_alphanumeric()) {
        Ok(())
    } else {
        Err("no digits or letters")
    }
}

/// The components of a version, in order.
struct Components<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Iterator for Components<'a> {
    type Item = &'a [u8];

    fn next(&mut self) -> Option<&'a [u8]> {
        let rest = self.bytes.get(self.pos..)?;
        let skip = rest
            .iter()
            .take_while(|b| !b.is_ascii_alphanumeric())
            .count();
        let rest = rest.get(skip..)?;
        let digits = rest.first()?.is_ascii_digit();
        let len = rest
            .iter()
            .take_while(|b| {
                if digits {
                    b.is_ascii_digit()
                } else {
                    b.is_ascii_alphabetic()
                }
            })
            .count();
        self.pos += skip + len;
        rest.get(..len)
    }
}

/// The generic order of two versions.
pub(crate) fn compare(a: &str, b: &str) -> Ordering {
    let mut left = Components {
        bytes: a.as_bytes(),
        pos: 0,
    };
    let mut right = Components {
        bytes: b.as_bytes(),
        pos: 0,
    };
    loop {
        let (x, y) = match (left.next(), right.next()) {
            (None, None) => return Ordering::Equal,
            (x, y) => (x.unwrap_or(b"0"), y.unwrap_or(b"0")),
        };
        let order = match (is_all_digits(x), is_all_digits(y)) {
            (true, true) => compare_digits(x, y),
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => x
                .iter()
                .map(u8::to_ascii_lowercase)
                .cmp(y.iter().map(u8::to_ascii_lowercase)),
        };
        if order != Ordering::Equal {
            return order;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_order() {
        let ordered = [
            "0.9", "1.0alpha", "1.0beta2", "1.0rc1", "1.0", "1.0.1", "1.0.10", "1.1", "2", "10",
        ];
        for pair in ordered.windows(2) {
            assert_eq!(compare(pair[0], pair[1]), Ordering::Less, "{pair:?}");
            assert_eq!(compare(pair[1], pair[0]), Ordering::Greater, "{pair:?}");
        }
        for (a, b) in [
            ("1.0", "1.0.0"),
            ("1-0", "1.0"),
            ("1.0RC1", "1.0rc1"),
            ("v1", "v1.0"),
        ] {
            assert_eq!(compare(a, b), Ordering::Equal, "{a} == {b}");
        }
        assert!(check("").is_err() && check("-._").is_err() && check("r1").is_ok());
    }
}
