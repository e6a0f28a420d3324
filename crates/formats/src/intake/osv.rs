//! OSV advisories (JSON or YAML; single, array, NDJSON, or a YAML stream
//! of documents), one report each.
//!
//! `id` is the source id, `aliases` the aliases, `summary` the title and
//! `details` the description. `severity[]` (top level and per package)
//! becomes CVSS vectors or qualitative ratings (`Ubuntu`, and GHSA's
//! `database_specific.severity`); `database_specific.cwe_ids` (GHSA, top
//! level or per package; `ecosystem_specific` too) the CWEs. Each
//! `affected[]` package becomes a product — its purl as given
//! (canonicalised) or made from the ecosystem and name — with its
//! `ranges[]` (SEMVER, ECOSYSTEM, GIT) and `versions[]`. `withdrawn` marks
//! the report withdrawn.

use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::Value;

use super::error::{IntakeError, RecordError};
use super::{bulk, cwe, date, decode, purl, severity, unique, RecordOutcome};
use crate::model::{
    Affected, Product, RangeEvent, RangeKind, Reference, Report, Severity, SourceFormat,
    VersionRange,
};

/// Reads an OSV upload: JSON (single, array, NDJSON) or YAML.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    if bytes.starts_with(b"{") || bytes.starts_with(b"[") {
        bulk::parse_records(bytes, SourceFormat::Osv, read_record)
    } else {
        parse_yaml(bytes)
    }
}

/// Reads one OSV advisory from its JSON text.
pub fn read_record(json: &str) -> Result<Report, RecordError> {
    convert(decode::json_record(json)?)
}

/// Reads a YAML stream: each document is an advisory. A stream that is
/// not YAML, or whose first document is not a mapping, is refused whole.
fn parse_yaml(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    if decode::yaml_too_deep(bytes) {
        return Err(IntakeError::invalid(format!(
            "YAML flow collections nest deeper than {}",
            decode::MAX_YAML_FLOW_DEPTH
        )));
    }
    let mut outcomes = Vec::new();
    for (number, document) in serde_yaml_ng::Deserializer::from_slice(bytes).enumerate() {
        let value = match serde_yaml_ng::Value::deserialize(document) {
            Ok(serde_yaml_ng::Value::Null) => continue,
            Ok(value) => value,
            Err(source) if outcomes.is_empty() => {
                return Err(IntakeError::Yaml {
                    format: SourceFormat::Osv,
                    source,
                })
            }
            Err(error) => {
                let reason = format!("document {}: not YAML: {error}", number + 1);
                outcomes.push(RecordOutcome::rejected(
                    outcomes.len(),
                    RecordError::new(reason),
                ));
                // The parser cannot resume after a syntax error.
                break;
            }
        };
        if outcomes.is_empty() && !value.is_mapping() {
            return Err(IntakeError::invalid("an OSV document must be a mapping"));
        }
        let result = decode::yaml_record(value)
            .and_then(convert)
            .map_err(|e| e.within(&format!("document {}", number + 1)));
        outcomes.push(RecordOutcome {
            index: outcomes.len(),
            result,
        });
    }
    if outcomes.is_empty() {
        return Err(IntakeError::Empty);
    }
    Ok(outcomes)
}

/// An OSV advisory, as far as intake reads it.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Advisory {
    id: String,
    #[serde(deserialize_with = "date::opt_timestamp")]
    modified: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "date::opt_timestamp")]
    published: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "date::opt_timestamp")]
    withdrawn: Option<DateTime<Utc>>,
    #[serde(deserialize_with = "decode::nullable")]
    aliases: Vec<String>,
    summary: Option<String>,
    details: Option<String>,
    #[serde(deserialize_with = "decode::nullable")]
    severity: Vec<OsvSeverity>,
    #[serde(deserialize_with = "decode::nullable")]
    affected: Vec<OsvAffected>,
    #[serde(deserialize_with = "decode::nullable")]
    references: Vec<OsvReference>,
    database_specific: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OsvSeverity {
    #[serde(rename = "type")]
    kind: String,
    score: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OsvAffected {
    package: Option<OsvPackage>,
    #[serde(deserialize_with = "decode::nullable")]
    severity: Vec<OsvSeverity>,
    #[serde(deserialize_with = "decode::nullable")]
    ranges: Vec<OsvRange>,
    #[serde(deserialize_with = "decode::nullable")]
    versions: Vec<String>,
    ecosystem_specific: Option<Value>,
    database_specific: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OsvPackage {
    ecosystem: String,
    name: String,
    purl: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OsvRange {
    #[serde(rename = "type")]
    kind: String,
    repo: Option<String>,
    #[serde(deserialize_with = "decode::nullable")]
    events: Vec<OsvEvent>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OsvEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct OsvReference {
    #[serde(rename = "type")]
    kind: Option<String>,
    url: String,
}

/// Turns a deserialised advisory into a report.
fn convert(advisory: Advisory) -> Result<Report, RecordError> {
    let id = advisory.id.trim().to_owned();
    if id.is_empty() {
        return Err(RecordError::at("id", "missing or empty"));
    }
    let source_id = Some(id);
    build(advisory).map_err(|e| e.with_source_id(source_id))
}

fn build(advisory: Advisory) -> Result<Report, RecordError> {
    let mut report = Report {
        source_id: Some(advisory.id.trim().to_owned()),
        aliases: advisory
            .aliases
            .into_iter()
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty() && a != advisory.id.trim())
            .collect(),
        title: advisory
            .summary
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty()),
        description: advisory.details.unwrap_or_default(),
        published: advisory.published,
        modified: advisory.modified,
        withdrawn: advisory.withdrawn.is_some(),
        ..Report::default()
    };
    add_severities(&mut report.severities, &advisory.severity, "severity")?;
    add_database_specific(&mut report, advisory.database_specific.as_ref());
    for (i, affected) in advisory.affected.into_iter().enumerate() {
        let path = format!("affected[{i}]");
        add_severities(
            &mut report.severities,
            &affected.severity,
            &format!("{path}.severity"),
        )?;
        add_database_specific(&mut report, affected.ecosystem_specific.as_ref());
        add_database_specific(&mut report, affected.database_specific.as_ref());
        report.affected.push(convert_affected(affected, &path)?);
    }
    report.references = advisory
        .references
        .into_iter()
        .filter(|r| !r.url.trim().is_empty())
        .map(|r| Reference {
            url: r.url.trim().to_owned(),
            kind: r
                .kind
                .map(|k| k.to_ascii_lowercase())
                .filter(|k| !k.is_empty()),
        })
        .collect();
    unique::tidy(&mut report);
    Ok(report)
}

/// Adds `severity[]` ratings: CVSS vectors by their version, `Ubuntu` (and
/// any other textual type) as qualitative ratings.
fn add_severities(
    out: &mut Vec<Severity>,
    ratings: &[OsvSeverity],
    path: &str,
) -> Result<(), RecordError> {
    for (i, rating) in ratings.iter().enumerate() {
        let parsed = match rating.kind.as_str() {
            "CVSS_V2" | "CVSS_V3" | "CVSS_V4" => {
                Some(severity::from_vector(&rating.score).ok_or_else(|| {
                    RecordError::at(
                        &format!("{path}[{i}].score"),
                        format!("`{}` is not a CVSS vector", rating.score),
                    )
                })?)
            }
            _ => severity::qualitative(&rating.score),
        };
        out.extend(parsed);
    }
    Ok(())
}

/// Reads GHSA-style `cwe_ids` and `severity` from a `database_specific`
/// or `ecosystem_specific` object.
fn add_database_specific(report: &mut Report, extra: Option<&Value>) {
    let Some(extra) = extra else {
        return;
    };
    if let Some(ids) = extra.get("cwe_ids").and_then(Value::as_array) {
        report.cwes.extend(
            ids.iter()
                .filter_map(Value::as_str)
                .filter_map(cwe::parse_cwe),
        );
    }
    report.severities.extend(
        extra
            .get("severity")
            .and_then(Value::as_str)
            .and_then(severity::qualitative),
    );
}

/// One `affected[]` entry as an affected product with its ranges.
fn convert_affected(affected: OsvAffected, path: &str) -> Result<Affected, RecordError> {
    let repo = affected.ranges.iter().find_map(|r| r.repo.as_deref());
    let product = match &affected.package {
        Some(package) => product_of(package, &format!("{path}.package"))?,
        None => Product {
            purl: repo.and_then(purl::from_github_url),
            name: repo.unwrap_or_default().to_owned(),
            ..Product::default()
        },
    };
    if product.name.is_empty() {
        return Err(RecordError::at(
            &format!("{path}.package.name"),
            "missing or empty",
        ));
    }
    let ranges = affected
        .ranges
        .into_iter()
        .enumerate()
        .map(|(j, range)| convert_range(range, &format!("{path}.ranges[{j}]")))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Affected {
        product,
        ranges,
        versions: affected.versions,
        all_versions: false,
    })
}

/// The product a package names.
fn product_of(package: &OsvPackage, path: &str) -> Result<Product, RecordError> {
    let purl = match package
        .purl
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        Some(text) => Some(
            purl::canonicalise(text)
                .map_err(|e| RecordError::at(&format!("{path}.purl"), format!("`{text}`: {e}")))?
                .purl,
        ),
        None => purl::from_ecosystem(&package.ecosystem, &package.name),
    };
    Ok(Product {
        purl,
        ecosystem: Some(package.ecosystem.trim().to_owned()).filter(|e| !e.is_empty()),
        name: package.name.trim().to_owned(),
        ..Product::default()
    })
}

/// One range with its events, in the order given.
fn convert_range(range: OsvRange, path: &str) -> Result<VersionRange, RecordError> {
    let kind = match range.kind.as_str() {
        "SEMVER" => RangeKind::Semver,
        "ECOSYSTEM" => RangeKind::Ecosystem,
        "GIT" => RangeKind::Git,
        other => {
            return Err(RecordError::at(
                &format!("{path}.type"),
                format!("`{other}` is not SEMVER, ECOSYSTEM or GIT"),
            ))
        }
    };
    let mut events = Vec::with_capacity(range.events.len());
    for (k, event) in range.events.into_iter().enumerate() {
        let before = events.len();
        events.extend(event.introduced.map(RangeEvent::Introduced));
        events.extend(event.fixed.map(RangeEvent::Fixed));
        events.extend(event.last_affected.map(RangeEvent::LastAffected));
        events.extend(event.limit.map(RangeEvent::Limit));
        if events.len() == before {
            return Err(RecordError::at(
                &format!("{path}.events[{k}]"),
                "no introduced, fixed, last_affected or limit",
            ));
        }
    }
    if events.is_empty() {
        return Err(RecordError::at(&format!("{path}.events"), "empty"));
    }
    Ok(VersionRange { kind, events })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GHSA: &str = r#"{
        "schema_version": "1.6.0",
        "id": "GHSA-aaaa-bbbb-cccc",
        "modified": "2024-05-01T10:00:00.123Z",
        "published": "2024-04-30T00:00:00Z",
        "aliases": ["CVE-2024-1111", "GHSA-aaaa-bbbb-cccc"],
        "summary": "  Prototype pollution in lib ",
        "details": "Long text.",
        "severity": [
            {"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"},
            {"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}
        ],
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "@scope/lib"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "1.2.3"}]}],
                "versions": ["1.0.0", "1.2.2"]
            },
            {
                "package": {"ecosystem": "Maven", "name": "org.example:core", "purl": "pkg:maven/org.example/core@1.0"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "2.0.0"}, {"last_affected": "2.4.0"}, {"limit": "3.0.0"}]}],
                "severity": [{"type": "Ubuntu", "score": "High"}]
            },
            {
                "ranges": [{"type": "GIT", "repo": "https://github.com/Example/Lib", "events": [{"introduced": "abc123"}, {"fixed": "def456"}]}]
            }
        ],
        "references": [{"type": "ADVISORY", "url": "https://github.com/advisories/GHSA-aaaa-bbbb-cccc"}, {"type": "WEB", "url": " "}],
        "database_specific": {"cwe_ids": ["CWE-1321", "CWE-20", "CWE-1321"], "severity": "HIGH", "github_reviewed": true}
    }"#;

    fn only(outcomes: Vec<RecordOutcome>) -> Result<Report, RecordError> {
        assert_eq!(outcomes.len(), 1);
        outcomes
            .into_iter()
            .next()
            .map(|o| o.result)
            .unwrap_or_else(|| Err(RecordError::new("none")))
    }

    #[test]
    fn a_ghsa_advisory() -> Result<(), Box<dyn std::error::Error>> {
        let report = only(parse(GHSA.as_bytes())?)?;
        assert_eq!(report.source_id.as_deref(), Some("GHSA-aaaa-bbbb-cccc"));
        assert_eq!(report.aliases, vec!["CVE-2024-1111".to_string()]);
        assert_eq!(report.title.as_deref(), Some("Prototype pollution in lib"));
        assert_eq!(report.cwes, vec![1321, 20]);
        assert!(matches!(report.severities[0], Severity::CvssV3 { .. }));
        assert!(matches!(report.severities[1], Severity::CvssV4 { .. }));
        assert!(report.severities.contains(&Severity::Qualitative {
            rating: "high".into()
        }));
        assert_eq!(report.severities.len(), 3, "{:?}", report.severities);
        let npm = &report.affected[0];
        assert_eq!(npm.product.purl.as_deref(), Some("pkg:npm/%40scope/lib"));
        assert_eq!(npm.product.ecosystem.as_deref(), Some("npm"));
        assert_eq!(npm.ranges[0].kind, RangeKind::Ecosystem);
        assert_eq!(
            npm.ranges[0].events,
            vec![
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("1.2.3".into())
            ]
        );
        assert_eq!(npm.versions, vec!["1.0.0".to_string(), "1.2.2".to_string()]);
        let maven = &report.affected[1];
        assert_eq!(
            maven.product.purl.as_deref(),
            Some("pkg:maven/org.example/core")
        );
        assert_eq!(maven.ranges[0].kind, RangeKind::Semver);
        assert_eq!(
            maven.ranges[0].events[1],
            RangeEvent::LastAffected("2.4.0".into())
        );
        assert_eq!(maven.ranges[0].events[2], RangeEvent::Limit("3.0.0".into()));
        let git = &report.affected[2];
        assert_eq!(git.product.name, "https://github.com/Example/Lib");
        assert_eq!(git.product.purl.as_deref(), Some("pkg:github/example/lib"));
        assert_eq!(git.ranges[0].kind, RangeKind::Git);
        assert_eq!(report.references.len(), 1);
        assert_eq!(report.references[0].kind.as_deref(), Some("advisory"));
        assert_eq!(
            report.modified.map(|m| m.to_rfc3339()),
            Some("2024-05-01T10:00:00.123+00:00".into())
        );
        assert!(!report.withdrawn);
        Ok(())
    }

    #[test]
    fn a_withdrawn_rustsec_advisory_with_nulls() -> Result<(), Box<dyn std::error::Error>> {
        let json = r#"{"id":"RUSTSEC-2020-0001","modified":"2021-01-01T00:00:00Z","withdrawn":"2021-01-02T00:00:00Z",
            "aliases":null,"summary":"x","details":"",
            "affected":[{"package":{"ecosystem":"crates.io","name":"foo","purl":"pkg:cargo/foo"},
                "ecosystem_specific":{"affected_functions":null},"database_specific":{"cvss":null},
                "ranges":[{"type":"SEMVER","events":[{"introduced":"0.0.0-0"}]}]}]}"#;
        let report = only(parse(json.as_bytes())?)?;
        assert!(report.withdrawn);
        assert_eq!(
            report.affected[0].product.purl.as_deref(),
            Some("pkg:cargo/foo")
        );
        assert_eq!(
            report.affected[0].product.ecosystem.as_deref(),
            Some("crates.io")
        );
        Ok(())
    }

    #[test]
    fn yaml_advisories_one_or_many() -> Result<(), Box<dyn std::error::Error>> {
        let yaml = "id: PYSEC-2021-1\nmodified: 2021-06-01T00:00:00Z\naliases: [CVE-2021-1]\n\
                    affected:\n  - package: {ecosystem: PyPI, name: My_Pkg}\n    ranges:\n      - type: ECOSYSTEM\n\
                    \x20       events: [{introduced: '0'}, {fixed: '1.0'}]\n";
        let report = only(parse(yaml.as_bytes())?)?;
        assert_eq!(report.aliases, vec!["CVE-2021-1".to_string()]);
        assert_eq!(
            report.affected[0].product.purl.as_deref(),
            Some("pkg:pypi/my-pkg")
        );
        let stream = "id: A-1\nsummary: one\n---\nid: ''\n---\nid: A-3\naffected: {}\n";
        let outcomes = parse(stream.as_bytes())?;
        assert_eq!(outcomes.len(), 3);
        assert!(outcomes[0].result.is_ok());
        let reason = |i: usize| {
            outcomes[i]
                .result
                .as_ref()
                .err()
                .map(|e| e.reason.clone())
                .unwrap_or_default()
        };
        assert_eq!(reason(1), "document 2.id: missing or empty");
        assert!(
            reason(2).starts_with("document 3.affected: invalid type"),
            "{}",
            reason(2)
        );
        Ok(())
    }

    #[test]
    fn bad_records_name_their_fields() -> Result<(), IntakeError> {
        let cases = [
            (
                r#"{"id":"X-1","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"RANGE","events":[{"introduced":"0"}]}]}]}"#,
                "affected[0].ranges[0].type: `RANGE` is not SEMVER, ECOSYSTEM or GIT",
            ),
            (
                r#"{"id":"X-1","affected":[{"package":{"ecosystem":"npm","name":"a"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{}]}]}]}"#,
                "affected[0].ranges[0].events[1]: no introduced",
            ),
            (
                r#"{"id":"X-1","affected":[{"package":{"ecosystem":"npm","name":"a","purl":"npm/a"}}]}"#,
                "affected[0].package.purl: `npm/a`",
            ),
            (
                r#"{"id":"X-1","affected":[{"package":{"ecosystem":"npm","name":""}}]}"#,
                "affected[0].package.name: missing or empty",
            ),
            (
                r#"{"id":"X-1","severity":[{"type":"CVSS_V3","score":"9.8"}]}"#,
                "severity[0].score: `9.8` is not a CVSS vector",
            ),
            (
                r#"{"id":"X-1","modified":"last week"}"#,
                "modified: `last week` is not",
            ),
            (r#"{"id":7}"#, "id: invalid type"),
        ];
        for (json, expected) in cases {
            let outcomes = parse(json.as_bytes())?;
            let reason = outcomes[0]
                .result
                .as_ref()
                .err()
                .map(|e| e.reason.clone())
                .unwrap_or_default();
            assert!(reason.starts_with(expected), "{json}: {reason}");
        }
        let outcomes = parse(br#"{"id":"X-9","severity":[{"type":"CVSS_V3","score":"9.8"}]}"#)?;
        assert_eq!(
            outcomes[0]
                .result
                .as_ref()
                .err()
                .and_then(|e| e.source_id.as_deref()),
            Some("X-9")
        );
        Ok(())
    }

    #[test]
    fn documents_that_are_not_osv() {
        assert!(matches!(
            parse(b"id: [unclosed"),
            Err(IntakeError::Yaml { .. })
        ));
        assert!(matches!(
            parse(b"just text"),
            Err(IntakeError::Invalid { .. })
        ));
        assert!(matches!(parse(b"---\n"), Err(IntakeError::Empty)));
        assert!(matches!(
            parse(br#"{"version":"2.1.0","runs":[]}"#),
            Err(IntakeError::Invalid { .. })
        ));
    }

    #[test]
    fn bulk_arrays_and_ndjson() -> Result<(), IntakeError> {
        let outcomes = parse(b"[{\"id\":\"A-1\"},{\"id\":\"\"},{\"id\":\"A-3\"}]")?;
        assert_eq!(outcomes.iter().filter(|o| o.result.is_ok()).count(), 2);
        assert_eq!(
            outcomes[1].result.as_ref().err().map(|e| e.reason.as_str()),
            Some("[1].id: missing or empty")
        );
        let outcomes = parse(b"{\"id\":\"A-1\"}\n{\"id\":\"A-2\"}\n")?;
        assert_eq!(outcomes.len(), 2);
        Ok(())
    }
}
