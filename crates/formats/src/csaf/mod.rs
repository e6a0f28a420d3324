//! CSAF 2.0 (OASIS Common Security Advisory Framework): the typed document,
//! its validation, and intake into [`Report`](crate::model::Report)s.
//!
//! * [`CsafDocument`] and the types under it mirror the OASIS JSON schema
//!   (`document`, `product_tree`, `vulnerabilities`).
//! * [`validate`] runs the schema rules typed deserialisation leaves open
//!   ([`schema_checks`]) and every mandatory test of §6.1 ([`mandatory`]),
//!   6.1.1 to 6.1.33 with the profile tests 6.1.27.1–11; each [`Finding`]
//!   names its test and a JSON pointer. [`validate_bytes`] also reports
//!   bytes that are not a CSAF document at all.
//! * [`parse`] is the intake hook: a document with any finding is refused
//!   whole, a valid one yields one report per vulnerability; [`read`] also
//!   returns the document's TLP.
//!
//! Where the checks stop short of the specification: 6.1.11 knows the
//! CWE 4.14 catalog (a newer id passes unchecked); 6.1.12 checks two-letter
//! languages, scripts and regions against the registry but takes any
//! well-formed three-letter language, extlang, numeric region or variant.

mod cwe_catalog;
mod doc_version;
mod document;
mod finding;
mod intake;
pub mod mandatory;
mod patterns;
mod product_tree;
mod products;
mod resolve;
pub mod schema_checks;
mod validate;
mod vex;
mod vulnerability;

pub use cwe_catalog::{cwe_name, CWE_CATALOG_VERSION};
pub use document::{
    Acknowledgment, AggregateSeverity, CsafDocument, Distribution, DocumentMeta, DocumentStatus,
    Engine, Generator, Note, NoteCategory, Publisher, PublisherCategory, Reference,
    ReferenceCategory, Revision, TlpLabel, TlpMarking, Tracking,
};
pub use finding::Finding;
pub use intake::{parse, read, reports, CsafIntake};
pub use product_tree::{
    Branch, BranchCategory, FileHash, FullProductName, GenericUri, Hashes, ProductGroup,
    ProductIdentificationHelper, ProductTree, Relationship, RelationshipCategory,
};
pub use validate::{parse_document, validate, validate_bytes, DocumentError};
pub use vulnerability::{
    CvssV2Object, CvssV3Object, Cwe, Flag, FlagLabel, Involvement, InvolvementParty,
    InvolvementStatus, ProductStatus, Remediation, RemediationCategory, RestartCategory,
    RestartRequired, Score, Threat, ThreatCategory, Vulnerability, VulnerabilityId,
};
