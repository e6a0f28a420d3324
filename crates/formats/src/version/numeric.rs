//! Numeric components compared as digit strings: no overflow however long
//! the number, and no allocation.

use std::cmp::Ordering;

/// Compares two runs of ASCII digits as non-negative integers; an empty run
/// counts as zero and leading zeros are insignificant.
pub(crate) fn compare_digits(a: &[u8], b: &[u8]) -> Ordering {
    let a = trim_leading_zeros(a);
    let b = trim_leading_zeros(b);
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Whether a run of digits is zero (empty counts as zero).
pub(crate) fn is_zero(digits: &[u8]) -> bool {
    trim_leading_zeros(digits).is_empty()
}

/// Whether `bytes` is a non-empty run of ASCII digits.
pub(crate) fn is_all_digits(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_digit)
}

fn trim_leading_zeros(digits: &[u8]) -> &[u8] {
    let zeros = digits.iter().take_while(|&&b| b == b'0').count();
    digits.get(zeros..).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digit_strings_compare_as_numbers() {
        assert_eq!(compare_digits(b"9", b"10"), Ordering::Less);
        assert_eq!(compare_digits(b"007", b"7"), Ordering::Equal);
        assert_eq!(compare_digits(b"", b"0"), Ordering::Equal);
        assert_eq!(
            compare_digits(b"123456789012345678901234567890", b"99"),
            Ordering::Greater
        );
        assert!(is_zero(b"000") && is_zero(b"") && !is_zero(b"010"));
        assert!(is_all_digits(b"0123") && !is_all_digits(b"") && !is_all_digits(b"1a"));
    }
}
