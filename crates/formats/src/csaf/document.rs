//! The typed CSAF 2.0 document: the root and its `/document` metadata.
//!
//! Field names follow the OASIS JSON schema (`csaf_json_schema.json`).
//! Arrays the schema makes optional are `Option<Vec<_>>` so that "absent"
//! and "present but empty" stay apart: the schema forbids the second
//! (`minItems: 1`) and several profile tests (6.1.27.x) ask about the first.
//! Strings with a pattern or format (dates, versions, URIs) stay strings here
//! and are checked by [`super::schema_checks`], so a document round-trips
//! byte-for-byte in meaning. Unknown properties are ignored, as the schema
//! allows them.

use serde::{Deserialize, Serialize};

use super::product_tree::ProductTree;
use super::vulnerability::Vulnerability;

/// A whole CSAF 2.0 document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CsafDocument {
    /// Document-level metadata (`/document`).
    pub document: DocumentMeta,
    /// The products the document talks about (`/product_tree`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_tree: Option<ProductTree>,
    /// The vulnerabilities (`/vulnerabilities`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vulnerabilities: Option<Vec<Vulnerability>>,
}

impl CsafDocument {
    /// The vulnerabilities, empty when the element is absent.
    pub fn vulnerability_list(&self) -> &[Vulnerability] {
        self.vulnerabilities.as_deref().unwrap_or_default()
    }

    /// The TLP label of the document (`/document/distribution/tlp/label`),
    /// when it has one.
    pub fn tlp_label(&self) -> Option<TlpLabel> {
        let distribution = self.document.distribution.as_ref()?;
        Some(distribution.tlp.as_ref()?.label)
    }
}

/// `/document`: what the document is, who issued it and its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DocumentMeta {
    /// People and organisations to thank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledgments: Option<Vec<Acknowledgment>>,
    /// The issuer's overall rating (`Critical`, `Important`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aggregate_severity: Option<AggregateSeverity>,
    /// The profile (`csaf_security_advisory`, `csaf_vex`, …) or a custom category.
    pub category: String,
    /// Always `2.0` for this schema.
    pub csaf_version: String,
    /// Sharing rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distribution: Option<Distribution>,
    /// The document's language (a BCP 47 tag).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Free-text notes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Vec<Note>>,
    /// The issuer.
    pub publisher: Publisher,
    /// Links.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub references: Option<Vec<Reference>>,
    /// The language a translation was made from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_lang: Option<String>,
    /// The title.
    pub title: String,
    /// Identity, status and revisions.
    pub tracking: Tracking,
}

/// One acknowledgment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Acknowledgment {
    /// Names of people.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub names: Option<Vec<String>>,
    /// The organisation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organization: Option<String>,
    /// What they did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Links about them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub urls: Option<Vec<String>>,
}

/// `/document/aggregate_severity`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AggregateSeverity {
    /// The rating scheme.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The rating.
    pub text: String,
}

/// `/document/distribution`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Free-text sharing rules.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The Traffic Light Protocol marking.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tlp: Option<TlpMarking>,
}

/// `/document/distribution/tlp`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TlpMarking {
    /// The label (TLP 1.0 names, as CSAF 2.0 uses them).
    pub label: TlpLabel,
    /// Where the labels are defined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}

/// The TLP labels CSAF 2.0 allows (TLP 1.0: `WHITE` is TLP 2.0 `CLEAR`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum TlpLabel {
    /// TLP:AMBER.
    Amber,
    /// TLP:GREEN.
    Green,
    /// TLP:RED.
    Red,
    /// TLP:WHITE (TLP 2.0 CLEAR).
    White,
}

impl TlpLabel {
    /// The TLP 2.0 level this label maps to.
    pub fn to_tlp(self) -> crate::model::Tlp {
        use crate::model::Tlp;
        match self {
            TlpLabel::Amber => Tlp::Amber,
            TlpLabel::Green => Tlp::Green,
            TlpLabel::Red => Tlp::Red,
            TlpLabel::White => Tlp::Clear,
        }
    }
}

/// A note (`notes_t` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Note {
    /// Who it is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<String>,
    /// What kind of note.
    pub category: NoteCategory,
    /// The text.
    pub text: String,
    /// A title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// Note categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteCategory {
    /// A description.
    Description,
    /// Details.
    Details,
    /// Frequently asked questions.
    Faq,
    /// General information.
    General,
    /// A legal disclaimer.
    LegalDisclaimer,
    /// Anything else.
    Other,
    /// A summary.
    Summary,
}

/// `/document/publisher`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publisher {
    /// Its role.
    pub category: PublisherCategory,
    /// How to reach it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_details: Option<String>,
    /// What authority it has.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuing_authority: Option<String>,
    /// Its name.
    pub name: String,
    /// Its namespace URL.
    pub namespace: String,
}

/// Publisher roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublisherCategory {
    /// A coordinator (CERT).
    Coordinator,
    /// A finder.
    Discoverer,
    /// Anyone else.
    Other,
    /// A translator.
    Translator,
    /// A user.
    User,
    /// The vendor.
    Vendor,
}

/// A link (`references_t` item).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Reference {
    /// `self` or `external` (the default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<ReferenceCategory>,
    /// What it is.
    pub summary: String,
    /// The address.
    pub url: String,
}

/// Reference categories.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReferenceCategory {
    /// Another resource.
    External,
    /// The document itself (another format or location).
    #[serde(rename = "self")]
    SelfRef,
}

/// `/document/tracking`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Tracking {
    /// Other ids of the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aliases: Option<Vec<String>>,
    /// When this version was released (RFC 3339).
    pub current_release_date: String,
    /// The tool that wrote the document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generator: Option<Generator>,
    /// The document id (`RHSA-2021:5186`).
    pub id: String,
    /// When the first version was released (RFC 3339).
    pub initial_release_date: String,
    /// Every version.
    pub revision_history: Vec<Revision>,
    /// Draft, interim or final.
    pub status: DocumentStatus,
    /// The current version (`version_t`: integer or semantic versioning).
    pub version: String,
}

/// `/document/tracking/generator`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Generator {
    /// When it ran (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    /// The engine.
    pub engine: Engine,
}

/// `/document/tracking/generator/engine`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Engine {
    /// Its name.
    pub name: String,
    /// Its version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// One revision history entry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    /// When (RFC 3339).
    pub date: String,
    /// The version number before a renumbering.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy_version: Option<String>,
    /// The version (`version_t`).
    pub number: String,
    /// What changed.
    pub summary: String,
}

/// Document statuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentStatus {
    /// Work in progress.
    Draft,
    /// Final.
    Final,
    /// Expected to change.
    Interim,
}
