//! Exact identity of reports: the content hash that makes intake idempotent,
//! and the exact keys under which two reports are the same vulnerability.

use bulwark_formats::model::{Affected, RangeEvent, Report};
use sha2::{Digest, Sha256};

/// SHA-256 of the report's canonical JSON: the same normalised report sent
/// twice (in any source format, by anyone) has the same hash.
pub fn content_hash(report: &Report) -> [u8; 32] {
    // Struct fields serialise in declaration order, so the bytes are canonical
    // for a given model version.
    let bytes = serde_json::to_vec(report).unwrap_or_default();
    Sha256::digest(&bytes).into()
}

/// The exact keys of a report. Two reports sharing any key are the same
/// vulnerability:
///
/// * `id:…` — each alias and a source id that is a public vulnerability id
///   (CVE, GHSA, RUSTSEC, OSV-style `PREFIX-…` ids), upper case;
/// * `fp:NAME=VALUE` — each tool fingerprint (SARIF `partialFingerprints`),
///   scoped by the tool named in the source id;
/// * `loc:HASH` — a CWE at a code location (file and start line);
/// * `pkg:HASH` — a CWE in a package over the same affected ranges.
pub fn exact_keys(report: &Report) -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    let ids = report.aliases.iter().chain(report.source_id.iter());
    for id in ids {
        if let Some(id) = public_id(id) {
            keys.push(format!("id:{id}"));
        }
    }
    let tool = report
        .source_id
        .as_deref()
        .and_then(|s| s.split_once(':').map(|(tool, _)| tool))
        .unwrap_or("");
    for (name, value) in &report.fingerprints {
        keys.push(format!("fp:{tool}/{name}={value}"));
    }
    for cwe in &report.cwes {
        for location in &report.locations {
            let line = location.start_line.unwrap_or(0);
            keys.push(format!(
                "loc:{}",
                short_hash(&format!("{cwe}|{}|{line}", location.uri))
            ));
        }
        for affected in &report.affected {
            if let Some(identity) = package_identity(affected) {
                keys.push(format!("pkg:{}", short_hash(&format!("{cwe}|{identity}"))));
            }
        }
    }
    keys.sort();
    keys.dedup();
    keys
}

/// A vulnerability id in canonical (upper) case, if `text` is one: a scheme
/// prefix of letters, a dash, then letters, digits, dashes, dots or colons,
/// with at least one digit (so that words such as `use-after-free` are not
/// ids) unless the scheme is GitHub's (`GHSA-xxxx-xxxx-xxxx`).
fn public_id(text: &str) -> Option<String> {
    let text = text.trim();
    let (prefix, rest) = text.split_once('-')?;
    let prefix_ok =
        (2..=12).contains(&prefix.len()) && prefix.chars().all(|c| c.is_ascii_alphabetic());
    let rest_ok = !rest.is_empty()
        && rest.len() <= 64
        && rest
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | ':' | '_'))
        && (rest.chars().any(|c| c.is_ascii_digit()) || prefix.eq_ignore_ascii_case("ghsa"));
    (prefix_ok && rest_ok).then(|| text.to_ascii_uppercase())
}

/// Product plus affected versions, or None without a product identity.
fn package_identity(affected: &Affected) -> Option<String> {
    let product = affected
        .product
        .purl
        .as_deref()
        .or(affected.product.cpe.as_deref())?;
    let mut text = product.to_owned();
    for range in &affected.ranges {
        for event in &range.events {
            let (kind, version) = match event {
                RangeEvent::Introduced(v) => ('i', v),
                RangeEvent::Fixed(v) => ('f', v),
                RangeEvent::LastAffected(v) => ('l', v),
                RangeEvent::Limit(v) => ('m', v),
            };
            text.push('|');
            text.push(kind);
            text.push_str(version);
        }
    }
    for version in &affected.versions {
        text.push_str("|=");
        text.push_str(version);
    }
    Some(text)
}

/// The first 16 bytes of SHA-256, in hex.
fn short_hash(text: &str) -> String {
    hex::encode(&Sha256::digest(text.as_bytes())[..16])
}

#[cfg(test)]
mod tests {
    use super::*;
    use bulwark_formats::model::{CodeLocation, Product, RangeKind, VersionRange};

    fn sarif_report(line: u32) -> Report {
        Report {
            source_id: Some("codeql:js/sql-injection#0".into()),
            description: "SQL injection".into(),
            cwes: vec![89],
            locations: vec![CodeLocation {
                uri: "src/db.js".into(),
                start_line: Some(line),
                ..CodeLocation::default()
            }],
            fingerprints: vec![("primaryLocationLineHash".into(), "abc:1".into())],
            ..Report::default()
        }
    }

    #[test]
    fn aliases_and_public_source_ids_are_keys_in_upper_case() {
        let report = Report {
            source_id: Some("rustsec-2024-0001".into()),
            aliases: vec![
                "CVE-2024-1234".into(),
                "ghsa-abcd-efgh-ijkl".into(),
                "use-after-free".into(),
                "not an id".into(),
            ],
            ..Report::default()
        };
        assert_eq!(
            exact_keys(&report),
            [
                "id:CVE-2024-1234",
                "id:GHSA-ABCD-EFGH-IJKL",
                "id:RUSTSEC-2024-0001"
            ]
        );
    }

    #[test]
    fn sarif_results_key_on_tool_fingerprints_and_cwe_at_a_location() {
        let keys = exact_keys(&sarif_report(10));
        assert!(keys.contains(&"fp:codeql/primaryLocationLineHash=abc:1".to_owned()));
        assert!(keys.iter().any(|k| k.starts_with("loc:")));
        let moved = exact_keys(&sarif_report(11));
        let loc = |keys: &[String]| keys.iter().find(|k| k.starts_with("loc:")).cloned();
        assert_ne!(loc(&keys), loc(&moved), "another line is another location");
    }

    #[test]
    fn package_keys_need_a_cwe_and_a_product_identity() {
        let affected = Affected {
            product: Product {
                purl: Some("pkg:npm/left-pad".into()),
                name: "left-pad".into(),
                ..Product::default()
            },
            ranges: vec![VersionRange {
                kind: RangeKind::Semver,
                events: vec![
                    RangeEvent::Introduced("0".into()),
                    RangeEvent::Fixed("1.3.0".into()),
                ],
            }],
            ..Affected::default()
        };
        let mut report = Report {
            affected: vec![affected],
            ..Report::default()
        };
        assert!(exact_keys(&report).is_empty());
        report.cwes = vec![400];
        let keys = exact_keys(&report);
        assert_eq!(keys.len(), 1);
        assert!(keys[0].starts_with("pkg:"));
    }

    #[test]
    fn the_content_hash_changes_with_any_field() {
        let a = sarif_report(10);
        let mut b = a.clone();
        assert_eq!(content_hash(&a), content_hash(&b));
        b.description.push('!');
        assert_ne!(content_hash(&a), content_hash(&b));
    }
}
