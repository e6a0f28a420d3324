//! The CISA Known Exploited Vulnerabilities catalog: one report per
//! `vulnerabilities[]` entry.
//!
//! The entry's `cveID` is both its source id and its alias (the catalog has
//! no identifiers of its own), `vulnerabilityName` the title,
//! `shortDescription` the description and `cwes` the CWEs. The product is
//! `vendorProject` and `product` by name (the catalog gives no purl or
//! versions, so every version is affected). `dateAdded`, `dueDate`,
//! `knownRansomwareCampaignUse` and `requiredAction` make the
//! [`Exploitation`]; links in `notes` become references.

use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::value::RawValue;

use super::error::{IntakeError, RecordError};
use super::{cwe, date, decode, unique, RecordOutcome};
use crate::model::{Affected, Exploitation, Product, Reference, Report, SourceFormat};

/// Reads a KEV catalog.
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<RecordOutcome>, IntakeError> {
    let catalog: Catalog<'_> = decode::json_document(bytes, SourceFormat::Kev)?;
    let entries = catalog
        .vulnerabilities
        .ok_or_else(|| IntakeError::invalid("vulnerabilities: missing"))?;
    Ok(entries
        .into_iter()
        .enumerate()
        .map(|(index, raw)| RecordOutcome {
            index,
            result: read_entry(raw.get())
                .map_err(|e| e.within(&format!("vulnerabilities[{index}]"))),
        })
        .collect())
}

/// Reads one catalog entry from its JSON text.
pub fn read_entry(json: &str) -> Result<Report, RecordError> {
    let entry: Entry = decode::json_record(json)?;
    let cve = entry.cve_id.trim().to_owned();
    if !cve.starts_with("CVE-") {
        return Err(RecordError::at("cveID", format!("`{cve}` is not a CVE id")));
    }
    Ok(convert(entry, cve))
}

/// The catalog's top level; entries are read one by one.
#[derive(Debug, Deserialize)]
struct Catalog<'a> {
    #[serde(borrow, default)]
    vulnerabilities: Option<Vec<&'a RawValue>>,
}

/// One catalog entry.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Entry {
    #[serde(rename = "cveID")]
    cve_id: String,
    vendor_project: String,
    product: String,
    vulnerability_name: String,
    #[serde(deserialize_with = "date::opt_date")]
    date_added: Option<NaiveDate>,
    short_description: String,
    required_action: String,
    #[serde(deserialize_with = "date::opt_date")]
    due_date: Option<NaiveDate>,
    known_ransomware_campaign_use: String,
    notes: String,
    #[serde(deserialize_with = "decode::nullable")]
    cwes: Vec<String>,
}

/// Builds the report of an entry whose CVE id is `cve`.
fn convert(entry: Entry, cve: String) -> Report {
    let mut report = build(entry, cve);
    unique::tidy(&mut report);
    report
}

fn build(entry: Entry, cve: String) -> Report {
    let cwes = entry
        .cwes
        .iter()
        .filter_map(|c| cwe::parse_cwe(c))
        .collect();
    let non_empty = |text: String| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    Report {
        source_id: Some(cve.clone()),
        aliases: vec![cve],
        title: non_empty(entry.vulnerability_name),
        description: entry.short_description.trim().to_owned(),
        cwes,
        affected: vec![Affected {
            product: Product {
                vendor: non_empty(entry.vendor_project),
                name: entry.product.trim().to_owned(),
                ..Product::default()
            },
            all_versions: true,
            ..Affected::default()
        }],
        exploitation: Some(Exploitation {
            kev: true,
            date_added: entry.date_added,
            due_date: entry.due_date,
            ransomware: entry
                .known_ransomware_campaign_use
                .trim()
                .eq_ignore_ascii_case("known"),
            note: non_empty(entry.required_action),
        }),
        references: links_in(&entry.notes),
        ..Report::default()
    }
}

/// The `http(s)://` links in free text (KEV notes separate them with ` ; `).
fn links_in(text: &str) -> Vec<Reference> {
    text.split(|c: char| c.is_whitespace() || c == ';')
        .map(|word| word.trim_end_matches(['.', ',', ')', ']']))
        .filter(|word| {
            let is_link = word.starts_with("https://") || word.starts_with("http://");
            is_link && word.len() > "https://".len()
        })
        .map(|word| Reference {
            url: word.to_owned(),
            kind: None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CATALOG: &str = r#"{
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2025.08.25",
        "dateReleased": "2025-08-25T17:04:19.9796Z",
        "count": 3,
        "vulnerabilities": [
            {
                "cveID": "CVE-2025-0001",
                "vendorProject": "Acme",
                "product": "Widget Server",
                "vulnerabilityName": "Acme Widget Server Path Traversal",
                "dateAdded": "2025-08-25",
                "shortDescription": "A path traversal.",
                "requiredAction": "Apply mitigations per vendor instructions.",
                "dueDate": "2025-09-15",
                "knownRansomwareCampaignUse": "Known",
                "notes": "See: https://acme.example/advisory/1 ; https://nvd.nist.gov/vuln/detail/CVE-2025-0001 ; https://acme.example/advisory/1",
                "cwes": ["CWE-22", "NVD-CWE-noinfo"]
            },
            {"cveID": "GHSA-1", "vendorProject": "X", "product": "Y"},
            {"cveID": "CVE-2025-0003", "vendorProject": "X", "product": "Y", "dateAdded": "25 Aug 2025"}
        ]
    }"#;

    #[test]
    fn entries_become_exploited_reports() -> Result<(), Box<dyn std::error::Error>> {
        let outcomes = parse(CATALOG.as_bytes())?;
        assert_eq!(outcomes.len(), 3);
        let report = outcomes[0].result.clone()?;
        assert_eq!(report.source_id.as_deref(), Some("CVE-2025-0001"));
        assert_eq!(report.aliases, vec!["CVE-2025-0001".to_string()]);
        assert_eq!(
            report.title.as_deref(),
            Some("Acme Widget Server Path Traversal")
        );
        assert_eq!(report.description, "A path traversal.");
        assert_eq!(report.cwes, vec![22]);
        let affected = &report.affected[0];
        assert_eq!(affected.product.vendor.as_deref(), Some("Acme"));
        assert_eq!(affected.product.name, "Widget Server");
        assert_eq!(affected.product.purl, None);
        assert!(affected.all_versions);
        let exploitation = report.exploitation.clone().unwrap_or_default();
        assert!(exploitation.kev && exploitation.ransomware);
        assert_eq!(
            exploitation.date_added,
            NaiveDate::from_ymd_opt(2025, 8, 25)
        );
        assert_eq!(exploitation.due_date, NaiveDate::from_ymd_opt(2025, 9, 15));
        assert_eq!(
            exploitation.note.as_deref(),
            Some("Apply mitigations per vendor instructions.")
        );
        let urls: Vec<_> = report.references.iter().map(|r| r.url.as_str()).collect();
        assert_eq!(
            urls,
            [
                "https://acme.example/advisory/1",
                "https://nvd.nist.gov/vuln/detail/CVE-2025-0001"
            ]
        );
        Ok(())
    }

    #[test]
    fn bad_entries_are_rejected_alone() -> Result<(), IntakeError> {
        let outcomes = parse(CATALOG.as_bytes())?;
        let reason = |i: usize| {
            outcomes[i]
                .result
                .as_ref()
                .err()
                .map(|e| e.reason.clone())
                .unwrap_or_default()
        };
        assert_eq!(
            reason(1),
            "vulnerabilities[1].cveID: `GHSA-1` is not a CVE id"
        );
        assert!(
            reason(2).starts_with("vulnerabilities[2].dateAdded: `25 Aug 2025` is not a date"),
            "{}",
            reason(2)
        );
        let unknown = parse(br#"{"catalogVersion":"1","vulnerabilities":[{"cveID":"CVE-1-2","knownRansomwareCampaignUse":"Unknown"}]}"#)?;
        let report = unknown[0]
            .result
            .clone()
            .map_err(|e| IntakeError::invalid(e.reason))?;
        assert!(!report.exploitation.is_some_and(|e| e.ransomware));
        Ok(())
    }

    #[test]
    fn documents_that_are_not_catalogs() {
        assert!(matches!(
            parse(b"{\"catalogVersion\":\"1\"}"),
            Err(IntakeError::Invalid { .. })
        ));
        assert!(matches!(
            parse(b"{\"vulnerabilities\":{}}"),
            Err(IntakeError::Invalid { .. })
        ));
        assert!(matches!(parse(b"[]"), Err(IntakeError::Invalid { .. })));
        assert!(matches!(parse(b"{"), Err(IntakeError::Json { .. })));
    }
}
