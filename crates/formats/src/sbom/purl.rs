//! Canonical package URLs for matching (the purl spec and its per-type
//! rules, PURL-TYPES).
//!
//! A component and an advisory name the same package only if their purls
//! agree byte for byte, so both sides go through [`canonicalize`]:
//!
//! * the scheme is `pkg:` (any case, extra slashes after it tolerated);
//! * the type is lower case;
//! * namespace segments and the name are percent-decoded, folded as the
//!   type's rules say, and percent-encoded again the one canonical way
//!   (everything but `A-Z a-z 0-9 - . _ ~ :` is encoded, so `@` becomes `%40`);
//! * the version is split off (percent-decoded); qualifiers and subpath are
//!   dropped, because matching is by package, not by artifact.
//!
//! Folding: namespace and name lower case for `alpm`, `apk`, `bitbucket`,
//! `composer`, `deb`, `github`, `golang`, `hex`, `luarocks`, `npm`; name lower
//! case for `bitnami`, `oci`, `pub`; namespace lower case for `qpkg`, `rpm`;
//! `pypi` names lower case with `_` replaced by `-`. Other types keep case.
//! [`canonicalize`] is idempotent.

use thiserror::Error;

/// Why a string is not a package URL.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PurlError {
    /// It does not start with `pkg:`.
    #[error("a package URL starts with `pkg:`")]
    Scheme,
    /// The type is missing or has characters the spec does not allow.
    #[error("invalid package type `{0}`")]
    Type(String),
    /// There is no name after the type.
    #[error("no package name")]
    Name,
    /// A percent-escape does not decode to UTF-8.
    #[error("invalid percent-encoding in `{0}`")]
    Encoding(String),
}

/// A package URL split into the matching key and the version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CanonicalPurl {
    /// `pkg:type/namespace/name`, canonical.
    pub purl: String,
    /// The version, percent-decoded, when the purl had one.
    pub version: Option<String>,
}

/// Canonicalises a package URL (see the module documentation).
pub fn canonicalize(text: &str) -> Result<CanonicalPurl, PurlError> {
    let rest = strip_scheme(text.trim())?;
    // Subpath and qualifiers go first: they may contain '@' and '/'.
    let rest = rest.split_once('#').map_or(rest, |(head, _)| head);
    let rest = rest.split_once('?').map_or(rest, |(head, _)| head);
    let (kind, path) = rest.split_once('/').ok_or(PurlError::Name)?;
    let kind = canonical_type(kind)?;
    let path = path.trim_matches('/');
    // The version separator is an '@' after the last '/': an unencoded npm
    // scope (`@angular/core`) is not a version.
    let last_slash = path.rfind('/').map_or(0, |i| i + 1);
    let (path, version) = match path[last_slash..].rfind('@') {
        Some(at) => (&path[..last_slash + at], Some(&path[last_slash + at + 1..])),
        None => (path, None),
    };
    let mut segments = Vec::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        segments.push(percent_decode(segment)?);
    }
    let mut name = segments.pop().ok_or(PurlError::Name)?;
    if name.is_empty() {
        return Err(PurlError::Name);
    }
    fold_case(&kind, &mut segments, &mut name);
    let mut purl = format!("pkg:{kind}/");
    for segment in &segments {
        percent_encode_into(segment, &mut purl);
        purl.push('/');
    }
    percent_encode_into(&name, &mut purl);
    let version = match version {
        Some(v) if !v.is_empty() => Some(percent_decode(v)?),
        _ => None,
    };
    Ok(CanonicalPurl { purl, version })
}

/// The type of a canonical purl (`npm` for `pkg:npm/lodash`), or `""`.
pub fn purl_type(purl: &str) -> &str {
    purl.strip_prefix("pkg:")
        .and_then(|rest| rest.split_once('/'))
        .map_or("", |(kind, _)| kind)
}

fn strip_scheme(text: &str) -> Result<&str, PurlError> {
    let head = text.get(..4).ok_or(PurlError::Scheme)?;
    if !head.eq_ignore_ascii_case("pkg:") {
        return Err(PurlError::Scheme);
    }
    Ok(text[4..].trim_start_matches('/'))
}

fn canonical_type(kind: &str) -> Result<String, PurlError> {
    let valid = kind.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && kind
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-'));
    if valid {
        Ok(kind.to_ascii_lowercase())
    } else {
        Err(PurlError::Type(kind.chars().take(40).collect()))
    }
}

/// Applies the per-type case rules of PURL-TYPES.
fn fold_case(kind: &str, namespace: &mut [String], name: &mut String) {
    let (fold_namespace, fold_name) = match kind {
        "alpm" | "apk" | "bitbucket" | "composer" | "deb" | "github" | "golang" | "hex"
        | "luarocks" | "npm" => (true, true),
        "bitnami" | "oci" | "pub" | "pypi" => (false, true),
        "qpkg" | "rpm" => (true, false),
        _ => (false, false),
    };
    if fold_namespace {
        for segment in namespace.iter_mut() {
            *segment = segment.to_lowercase();
        }
    }
    if fold_name {
        *name = name.to_lowercase();
    }
    if kind == "pypi" {
        *name = name.replace('_', "-");
    }
}

pub(crate) fn percent_decode(text: &str) -> Result<String, PurlError> {
    if !text.contains('%') {
        return Ok(text.to_owned());
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| {
                Some((
                    hex_digit(*bytes.get(i + 1)?)?,
                    hex_digit(*bytes.get(i + 2)?)?,
                ))
            })
            .flatten();
        match escaped {
            Some((high, low)) => {
                out.push(high << 4 | low);
                i += 3;
            }
            // A stray '%' is kept literally, as lenient purl parsers do.
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| PurlError::Encoding(text.chars().take(80).collect()))
}

fn hex_digit(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

fn percent_encode_into(text: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~' | b':') {
            out.push(byte as char);
        } else {
            out.push('%');
            out.push(HEX[usize::from(byte >> 4)] as char);
            out.push(HEX[usize::from(byte & 15)] as char);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(text: &str) -> String {
        canonicalize(text)
            .map(|p| p.purl)
            .unwrap_or_else(|e| format!("error: {e}"))
    }

    #[test]
    fn splits_version_and_drops_qualifiers_and_subpath() {
        let p =
            canonicalize("pkg:maven/org.bouncycastle/bcprov-jdk15on@1.62?type=jar#x/y").unwrap();
        assert_eq!(p.purl, "pkg:maven/org.bouncycastle/bcprov-jdk15on");
        assert_eq!(p.version.as_deref(), Some("1.62"));
        let p = canonicalize("pkg:deb/debian/attr@1:2.4.47-2%2Bb1?arch=amd64").unwrap();
        assert_eq!(p.purl, "pkg:deb/debian/attr");
        assert_eq!(p.version.as_deref(), Some("1:2.4.47-2+b1"));
    }

    #[test]
    fn npm_scopes_encode_the_at_sign_either_way() {
        assert_eq!(
            key("pkg:npm/%40Angular/Core@12.3.1"),
            "pkg:npm/%40angular/core"
        );
        assert_eq!(
            key("pkg:npm/@angular/core@12.3.1"),
            "pkg:npm/%40angular/core"
        );
        assert_eq!(key("pkg:npm/@angular/core"), "pkg:npm/%40angular/core");
        assert_eq!(canonicalize("pkg:npm/@angular/core").unwrap().version, None);
    }

    #[test]
    fn per_type_case_rules() {
        assert_eq!(key("PKG:PyPI/Django_Allauth@1"), "pkg:pypi/django-allauth");
        assert_eq!(
            key("pkg:maven/Org.Apache/Commons"),
            "pkg:maven/Org.Apache/Commons"
        );
        assert_eq!(
            key("pkg:rpm/Fedora/NetworkManager"),
            "pkg:rpm/fedora/NetworkManager"
        );
        assert_eq!(
            key("pkg:golang/github.com/Azure/Go-Sdk"),
            "pkg:golang/github.com/azure/go-sdk"
        );
        assert_eq!(key("pkg:cargo/Serde"), "pkg:cargo/Serde");
        assert_eq!(key("pkg://deb/Debian/Curl"), "pkg:deb/debian/curl");
    }

    #[test]
    fn rejects_what_is_not_a_purl() {
        assert_eq!(canonicalize("npm/lodash"), Err(PurlError::Scheme));
        assert_eq!(canonicalize("pkg:npm"), Err(PurlError::Name));
        assert_eq!(canonicalize("pkg:npm/@1.0"), Err(PurlError::Name));
        assert!(matches!(
            canonicalize("pkg:1npm/x"),
            Err(PurlError::Type(_))
        ));
        assert!(matches!(
            canonicalize("pkg:npm/%FF"),
            Err(PurlError::Encoding(_))
        ));
        assert_eq!(purl_type("pkg:npm/lodash"), "npm");
        assert_eq!(purl_type("lodash"), "");
    }

    proptest::proptest! {
        #[test]
        fn canonicalize_is_idempotent(text in "pkg:[a-zA-Z]{1,5}/[a-zA-Z0-9%@_./ -]{0,30}") {
            if let Ok(first) = canonicalize(&text) {
                let again = canonicalize(&first.purl).unwrap();
                proptest::prop_assert_eq!(&again.purl, &first.purl);
                proptest::prop_assert_eq!(again.version, None);
            }
        }
    }
}
