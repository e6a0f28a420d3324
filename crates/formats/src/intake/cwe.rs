//! CWE identifiers as the formats write them: `CWE-79`, `cwe_79`,
//! `external/cwe/cwe-079` (CodeQL tags), `CWE-78 OS Command Injection`
//! (CVE problem-type descriptions), or a bare `79` where the field can only
//! hold a CWE (a SARIF CWE taxon, CycloneDX `cwes`).

/// Reads a CWE number from text that names it with a `CWE` prefix:
/// `CWE-79`, `cwe-079`, `CWE 79`, `external/cwe/cwe-79`, `CWE-78: OS
/// Command Injection`. `0`, `NVD-CWE-Other` and `NVD-CWE-noinfo` are not
/// CWEs and read as `None`.
pub fn parse_cwe(text: &str) -> Option<u32> {
    let text = text.trim();
    let text = text
        .strip_prefix("external/cwe/")
        .or_else(|| text.strip_prefix("external/CWE/"))
        .unwrap_or(text);
    let prefix = text.get(..3)?;
    if !prefix.eq_ignore_ascii_case("cwe") {
        return None;
    }
    let rest = text.get(3..)?;
    let rest = rest.strip_prefix(['-', '_', ' ', ':']).unwrap_or(rest);
    leading_number(rest)
}

/// Reads a CWE from text that may also be a bare number (`79`), for
/// fields that can only hold a CWE.
pub fn parse_cwe_or_number(text: &str) -> Option<u32> {
    parse_cwe(text).or_else(|| {
        let text = text.trim();
        text.bytes()
            .all(|b| b.is_ascii_digit())
            .then(|| leading_number(text))
            .flatten()
    })
}

/// The decimal number at the start of `text`, when it ends there or at a
/// character that is not part of a word (`79: …`, `79 OS …`).
fn leading_number(text: &str) -> Option<u32> {
    let digits = text.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return None;
    }
    let (number, tail) = text.split_at(digits);
    if tail
        .chars()
        .next()
        .is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    number.parse::<u32>().ok().filter(|n| *n > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cwe_forms() {
        assert_eq!(parse_cwe("CWE-79"), Some(79));
        assert_eq!(parse_cwe("cwe-079"), Some(79));
        assert_eq!(parse_cwe("external/cwe/cwe-079"), Some(79));
        assert_eq!(parse_cwe("CWE_22"), Some(22));
        assert_eq!(parse_cwe(" CWE 787 "), Some(787));
        assert_eq!(parse_cwe("CWE-78 OS Command Injection"), Some(78));
        assert_eq!(parse_cwe("CWE-78: Improper Neutralization"), Some(78));
        assert_eq!(parse_cwe("CWE79"), Some(79));
    }

    #[test]
    fn not_cwes() {
        for text in [
            "NVD-CWE-Other",
            "NVD-CWE-noinfo",
            "CWE-0",
            "CWE-",
            "CWE-abc",
            "CWE-79a",
            "security",
            "79",
            "",
            "CW",
            "é",
            "CWE-99999999999",
        ] {
            assert_eq!(parse_cwe(text), None, "{text}");
        }
    }

    #[test]
    fn bare_numbers_where_only_a_cwe_fits() {
        assert_eq!(parse_cwe_or_number("401"), Some(401));
        assert_eq!(parse_cwe_or_number("CWE-401"), Some(401));
        assert_eq!(parse_cwe_or_number("0"), None);
        assert_eq!(parse_cwe_or_number("RQL1001"), None);
        assert_eq!(parse_cwe_or_number(""), None);
    }
}
