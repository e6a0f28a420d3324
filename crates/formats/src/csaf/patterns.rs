//! The string patterns and formats of the CSAF 2.0 JSON schema (and of the
//! FIRST CVSS schemas it references), as predicates.
//!
//! The schema's regular expressions are ECMA-262; they are written here for
//! the `regex` crate with `\d` spelled `[0-9]` (Rust's `\d` is Unicode).

use std::sync::OnceLock;

use regex::Regex;

/// A lazily compiled pattern. A pattern that does not compile (a bug, caught
/// by the tests) matches nothing, so the check fails closed.
struct Pattern {
    source: &'static str,
    cell: OnceLock<Option<Regex>>,
}

impl Pattern {
    const fn new(source: &'static str) -> Self {
        Pattern {
            source,
            cell: OnceLock::new(),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        self.cell
            .get_or_init(|| Regex::new(self.source).ok())
            .as_ref()
            .is_some_and(|re| re.is_match(text))
    }
}

static CATEGORY: Pattern = Pattern::new(r"^[^\s\-_\.](.*[^\s\-_\.])?$");
static TRACKING_ID: Pattern = Pattern::new(r"^[\S](.*[\S])?$");
static VERSION: Pattern = Pattern::new(
    r"^(0|[1-9][0-9]*)$|^((0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(?:-((?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9][0-9]*|[0-9]*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?)$",
);
static LANG: Pattern = Pattern::new(
    r"^(([A-Za-z]{2,3}(-[A-Za-z]{3}(-[A-Za-z]{3}){0,2})?|[A-Za-z]{4,8})(-[A-Za-z]{4})?(-([A-Za-z]{2}|[0-9]{3}))?(-([A-Za-z0-9]{5,8}|[0-9][A-Za-z0-9]{3}))*(-[A-WY-Za-wy-z0-9](-[A-Za-z0-9]{2,8})+)*(-[Xx](-[A-Za-z0-9]{1,8})+)?|[Xx](-[A-Za-z0-9]{1,8})+|[Ii]-[Dd][Ee][Ff][Aa][Uu][Ll][Tt]|[Ii]-[Mm][Ii][Nn][Gg][Oo])$",
);
static CPE: Pattern = Pattern::new(
    r##"^(cpe:2\.3:[aho\*\-](:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#\$%&'\(\)\+,/:;<=>@\[\]\^`\{\|\}~]))+(\?*|\*?))|[\*\-])){5}(:(([a-zA-Z]{2,3}(-([a-zA-Z]{2}|[0-9]{3}))?)|[\*\-]))(:(((\?*|\*?)([a-zA-Z0-9\-\._]|(\\[\\\*\?!"#\$%&'\(\)\+,/:;<=>@\[\]\^`\{\|\}~]))+(\?*|\*?))|[\*\-])){4})|([c][pP][eE]:/[AHOaho]?(:[A-Za-z0-9\._\-~%]*){0,6})$"##,
);
static PURL: Pattern = Pattern::new(r"^pkg:[A-Za-z\.\-\+][A-Za-z0-9\.\-\+]*/.+");
static HASH_VALUE: Pattern = Pattern::new(r"^[0-9a-fA-F]{32,}$");
static CVE: Pattern = Pattern::new(r"^CVE-[0-9]{4}-[0-9]{4,}$");
static CWE_ID: Pattern = Pattern::new(r"^CWE-[1-9][0-9]{0,5}$");
static URI_SCHEME: Pattern = Pattern::new(r"^[A-Za-z][A-Za-z0-9+.\-]*:");
static CVSS_V30: Pattern = Pattern::new(
    r"^CVSS:3[.]0/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$",
);
static CVSS_V31: Pattern = Pattern::new(
    r"^CVSS:3[.]1/((AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])/)*(AV:[NALP]|AC:[LH]|PR:[NLH]|UI:[NR]|S:[UC]|[CIA]:[NLH]|E:[XUPFH]|RL:[XOTWU]|RC:[XURC]|[CIA]R:[XLMH]|MAV:[XNALP]|MAC:[XLH]|MPR:[XNLH]|MUI:[XNR]|MS:[XUC]|M[CIA]:[XNLH])$",
);
static CVSS_V2: Pattern = Pattern::new(
    r"^((AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))/)*(AV:[NAL]|AC:[LMH]|Au:[MSN]|[CIA]:[NPC]|E:(U|POC|F|H|ND)|RL:(OF|TF|W|U|ND)|RC:(UC|UR|C|ND)|CDP:(N|L|LM|MH|H|ND)|TD:(N|L|M|H|ND)|[CIA]R:(L|M|H|ND))$",
);

/// `/document/category`: no leading or trailing whitespace, `-`, `_` or `.`.
pub fn is_category(text: &str) -> bool {
    CATEGORY.is_match(text)
}

/// `/document/tracking/id`: no leading or trailing whitespace.
pub fn is_tracking_id(text: &str) -> bool {
    TRACKING_ID.is_match(text)
}

/// `version_t`: an integer or a semantic version.
pub fn is_version(text: &str) -> bool {
    VERSION.is_match(text)
}

/// `lang_t`: a well-formed BCP 47 language tag.
pub fn is_lang(text: &str) -> bool {
    LANG.is_match(text)
}

/// A CPE 2.3 formatted string or a CPE 2.2 URI.
pub fn is_cpe(text: &str) -> bool {
    text.chars().count() >= 5 && CPE.is_match(text)
}

/// The schema's purl pattern (`pkg:type/…`), at least 7 characters.
pub fn is_purl_shaped(text: &str) -> bool {
    text.chars().count() >= 7 && PURL.is_match(text) && is_uri(text)
}

/// A hex digest of at least 128 bits.
pub fn is_hash_value(text: &str) -> bool {
    HASH_VALUE.is_match(text)
}

/// `CVE-YYYY-NNNN…`.
pub fn is_cve(text: &str) -> bool {
    CVE.is_match(text)
}

/// `CWE-N`.
pub fn is_cwe_id(text: &str) -> bool {
    CWE_ID.is_match(text)
}

/// A CVSS vector of the FIRST v3.0 schema.
pub fn is_cvss_v30_vector(text: &str) -> bool {
    CVSS_V30.is_match(text)
}

/// A CVSS vector of the FIRST v3.1 schema.
pub fn is_cvss_v31_vector(text: &str) -> bool {
    CVSS_V31.is_match(text)
}

/// A CVSS vector of the FIRST v2.0 schema.
pub fn is_cvss_v2_vector(text: &str) -> bool {
    CVSS_V2.is_match(text)
}

/// JSON schema format `date-time` (RFC 3339 with a `T` separator).
pub fn is_date_time(text: &str) -> bool {
    text.as_bytes()
        .get(10)
        .is_some_and(|b| matches!(b, b'T' | b't'))
        && chrono::DateTime::parse_from_rfc3339(text).is_ok()
}

/// JSON schema format `uri`: an absolute URI (RFC 3986) — a scheme, then
/// only characters a URI may hold, with well-formed percent-escapes.
pub fn is_uri(text: &str) -> bool {
    if !URI_SCHEME.is_match(text) {
        return false;
    }
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b == b'%' {
            let hex = |j: usize| bytes.get(j).is_some_and(|c| c.is_ascii_hexdigit());
            if !(hex(i + 1) && hex(i + 2)) {
                return false;
            }
            i += 3;
            continue;
        }
        let allowed = b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b);
        if !allowed {
            return false;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_pattern_compiles() {
        for p in [
            &CATEGORY,
            &TRACKING_ID,
            &VERSION,
            &LANG,
            &CPE,
            &PURL,
            &HASH_VALUE,
            &CVE,
            &CWE_ID,
            &URI_SCHEME,
            &CVSS_V30,
            &CVSS_V31,
            &CVSS_V2,
        ] {
            assert!(Regex::new(p.source).is_ok(), "{}", p.source);
        }
    }

    #[test]
    fn patterns_accept_and_reject() {
        assert!(is_category("csaf_vex") && !is_category("_csaf") && !is_category("a "));
        assert!(is_tracking_id("RHSA-2021:5186") && !is_tracking_id(" x"));
        for v in ["0", "1", "12", "1.0.0", "1.0.0-rc.1+build.5", "0.9.5"] {
            assert!(is_version(v), "{v}");
        }
        for v in ["01", "1.0", "v1", "1.0.0-", ""] {
            assert!(!is_version(v), "{v}");
        }
        assert!(is_lang("en-US") && is_lang("i-default") && is_lang("qtx"));
        assert!(!is_lang("en_US") && !is_lang("e"));
        assert!(is_cpe("cpe:2.3:a:apache:log4j:2.4:*:*:*:*:*:*:*"));
        assert!(is_cpe("cpe:/a:redhat:enterprise_linux:8::appstream"));
        assert!(!is_cpe("cpe:2.3:a:x"));
        assert!(is_purl_shaped("pkg:maven/org.apache/log4j@2.4"));
        assert!(!is_purl_shaped("maven/org.apache/log4j"));
        assert!(is_cve("CVE-2021-44228") && !is_cve("CVE-21-1"));
        assert!(is_cwe_id("CWE-79") && !is_cwe_id("CWE-079"));
        assert!(is_cvss_v31_vector(
            "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        ));
        assert!(!is_cvss_v31_vector(
            "CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
        ));
        assert!(is_cvss_v2_vector("AV:N/AC:L/Au:N/C:P/I:P/A:P"));
        assert!(is_date_time("2021-07-21T10:00:00.000Z"));
        assert!(is_date_time("2021-07-21T10:00:00+02:00"));
        assert!(!is_date_time("2021-07-21") && !is_date_time("2021-07-21 10:00:00Z"));
        assert!(is_uri("https://example.com/a%20b?x=1#f") && is_uri("urn:isbn:1"));
        assert!(!is_uri("example.com") && !is_uri("https://a b") && !is_uri("http://%zz"));
    }
}
