//! A CSAF 2.0 provider's directory (CSAF 2.0 §7.1, directory-based
//! distribution: requirements 7, 11–14 and 18).
//!
//! ```text
//! provider-metadata.json
//! <tlp>/index.txt                   every document path, one a line
//! <tlp>/changes.csv                 "path","current_release_date", newest first
//! <tlp>/<year>/<id>.json            the document (filename rules of §5.1)
//! <tlp>/<year>/<id>.json.sha256     `sha256sum` format
//! <tlp>/<year>/<id>.json.sha512     `sha512sum` format
//! ```
//!
//! `<tlp>` is the advisory's TLP 2.0 label in lower case (`clear`, `green`,
//! `amber`, `amber+strict`, `red`), one distribution directory each, so that
//! each can get its own access control (requirement 5: only TLP:CLEAR —
//! CSAF's WHITE — may be public). `<year>` is that of the initial release.
//!
//! No OpenPGP signatures (`.asc`, requirement 19) are written, so the role
//! claimed is `csaf_provider`, not `csaf_trusted_provider`.

use chrono::{DateTime, Datelike, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256, Sha512};

use super::csaf::to_csaf_with_canonical_url;
use super::error::ExportError;
use super::rfc3339;
use crate::model::{Advisory, Publisher, Tlp};

const FORMAT: &str = "CSAF provider";

/// One file of the provider directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderFile {
    /// The path relative to the provider's base URL, `/`-separated.
    pub path: String,
    /// The file's contents.
    pub bytes: Vec<u8>,
}

/// Lays out `advisories` as a CSAF provider directory served at `base_url`
/// (an `https://` URL; `provider-metadata.json` sits directly under it),
/// with `now` as the metadata's `last_updated`.
///
/// Fails when there are no advisories (the metadata needs a publisher),
/// when they have different publishers, when two map to the same file, or
/// when one cannot be written as CSAF.
pub fn csaf_provider_layout(
    advisories: &[Advisory],
    base_url: &str,
    now: DateTime<Utc>,
) -> Result<Vec<ProviderFile>, ExportError> {
    let base = base_url.trim_end_matches('/');
    if !base.starts_with("https://") {
        let problem = format!("base URL {base_url:?} must be an https:// URL (CSAF requirement 3)");
        return Err(ExportError::parameter(FORMAT, problem));
    }
    let publisher = single_publisher(advisories)?;
    let mut files = Vec::new();
    let mut levels: Vec<Tlp> = advisories.iter().map(|a| a.tlp).collect();
    levels.sort();
    levels.dedup();
    for tlp in &levels {
        let in_level: Vec<&Advisory> = advisories.iter().filter(|a| a.tlp == *tlp).collect();
        files.extend(tlp_directory(base, *tlp, &in_level)?);
    }
    let metadata = provider_metadata(publisher, base, &levels, now);
    let mut bytes = serde_json::to_vec_pretty(&metadata)
        .map_err(|e| ExportError::json_of("provider-metadata.json", FORMAT, e))?;
    bytes.push(b'\n');
    files.insert(
        0,
        ProviderFile {
            path: "provider-metadata.json".to_owned(),
            bytes,
        },
    );
    Ok(files)
}

/// The directory name of a TLP level.
pub fn tlp_directory_name(tlp: Tlp) -> String {
    tlp.as_str().to_ascii_lowercase()
}

/// The CSAF filename of a tracking id (§5.1): lower case, every run of
/// characters other than `a-z`, `0-9`, `+` and `-` replaced by one `_`,
/// then `.json`.
pub fn csaf_filename(tracking_id: &str) -> String {
    let mut name = String::with_capacity(tracking_id.len() + 5);
    let mut in_run = false;
    for c in tracking_id.to_lowercase().chars() {
        if c.is_ascii_lowercase() || c.is_ascii_digit() || c == '+' || c == '-' {
            name.push(c);
            in_run = false;
        } else if !in_run {
            name.push('_');
            in_run = true;
        }
    }
    name + ".json"
}

fn single_publisher(advisories: &[Advisory]) -> Result<&Publisher, ExportError> {
    let Some(first) = advisories.first() else {
        return Err(ExportError::parameter(
            FORMAT,
            "needs at least one advisory",
        ));
    };
    if let Some(other) = advisories.iter().find(|a| a.publisher != first.publisher) {
        let problem = format!(
            "publisher {:?} differs from {:?}",
            other.publisher.name, first.publisher.name
        );
        return Err(ExportError::invalid(&other.id, FORMAT, problem));
    }
    Ok(&first.publisher)
}

/// The documents of one TLP level with their hashes, `index.txt` and
/// `changes.csv`.
fn tlp_directory(
    base: &str,
    tlp: Tlp,
    advisories: &[&Advisory],
) -> Result<Vec<ProviderFile>, ExportError> {
    let dir = tlp_directory_name(tlp);
    let mut files = Vec::new();
    let mut entries: Vec<(String, DateTime<Utc>)> = Vec::new();
    for advisory in advisories {
        let filename = csaf_filename(&advisory.id);
        let relative = format!("{}/{filename}", advisory.published.year());
        if entries.iter().any(|(path, _)| *path == relative) {
            let problem = format!("two advisories map to {dir}/{relative}");
            return Err(ExportError::invalid(&advisory.id, FORMAT, problem));
        }
        let document = to_csaf_with_canonical_url(advisory, &format!("{base}/{dir}/{relative}"))?;
        let mut bytes = serde_json::to_vec_pretty(&document)
            .map_err(|e| ExportError::json(&advisory.id, FORMAT, e))?;
        bytes.push(b'\n');
        let sha256 = format!("{}  {filename}\n", hex::encode(Sha256::digest(&bytes)));
        let sha512 = format!("{}  {filename}\n", hex::encode(Sha512::digest(&bytes)));
        let path = format!("{dir}/{relative}");
        files.push(ProviderFile {
            path: format!("{path}.sha256"),
            bytes: sha256.into_bytes(),
        });
        files.push(ProviderFile {
            path: format!("{path}.sha512"),
            bytes: sha512.into_bytes(),
        });
        files.push(ProviderFile { path, bytes });
        entries.push((relative, advisory.modified));
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    files.push(ProviderFile {
        path: format!("{dir}/index.txt"),
        bytes: index_txt(&entries).into_bytes(),
    });
    files.push(ProviderFile {
        path: format!("{dir}/changes.csv"),
        bytes: changes_csv(&entries).into_bytes(),
    });
    Ok(files)
}

/// Requirement 12: every document path, one a line (sorted).
fn index_txt(entries: &[(String, DateTime<Utc>)]) -> String {
    let mut paths: Vec<&str> = entries.iter().map(|(path, _)| path.as_str()).collect();
    paths.sort_unstable();
    paths.iter().map(|p| format!("{p}\n")).collect()
}

/// Requirement 13: `"path","current_release_date"` lines, newest first
/// (ties by path, for stable output), no header.
fn changes_csv(entries: &[(String, DateTime<Utc>)]) -> String {
    let mut sorted: Vec<&(String, DateTime<Utc>)> = entries.iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    sorted
        .iter()
        .map(|(path, date)| format!("\"{path}\",\"{}\"\n", rfc3339(*date)))
        .collect()
}

fn provider_metadata(
    publisher: &Publisher,
    base: &str,
    levels: &[Tlp],
    now: DateTime<Utc>,
) -> ProviderMetadata {
    ProviderMetadata {
        canonical_url: format!("{base}/provider-metadata.json"),
        distributions: levels
            .iter()
            .map(|tlp| Distribution {
                directory_url: format!("{base}/{}/", tlp_directory_name(*tlp)),
            })
            .collect(),
        last_updated: rfc3339(now),
        list_on_csaf_aggregators: true,
        metadata_version: "2.0",
        mirror_on_csaf_aggregators: true,
        publisher: MetadataPublisher {
            category: "coordinator",
            contact_details: publisher.contact.clone(),
            name: publisher.name.clone(),
            namespace: publisher.namespace.clone(),
        },
        role: "csaf_provider",
    }
}

#[derive(Serialize)]
struct ProviderMetadata {
    canonical_url: String,
    distributions: Vec<Distribution>,
    last_updated: String,
    #[serde(rename = "list_on_CSAF_aggregators")]
    list_on_csaf_aggregators: bool,
    metadata_version: &'static str,
    #[serde(rename = "mirror_on_CSAF_aggregators")]
    mirror_on_csaf_aggregators: bool,
    publisher: MetadataPublisher,
    role: &'static str,
}

#[derive(Serialize)]
struct Distribution {
    directory_url: String,
}

#[derive(Serialize)]
struct MetadataPublisher {
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_details: Option<String>,
    name: String,
    namespace: String,
}
