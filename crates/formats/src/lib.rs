//! Vulnerability formats for the clearinghouse (DESIGN §4.3, §5 "formats").
//!
//! Pure code, no I/O: bytes in, typed values out, and back.
//!
//! * [`model`]: the one normalised [`model::Report`] every intake format is
//!   read into, and the [`model::Advisory`] every export is written from
//!   (one canonical model, one adapter per format, as rustsec does).
//! * [`cvss`]: CVSS 3.0/3.1/4.0 vectors parsed strictly, printed
//!   canonically and scored (base, temporal, environmental; 4.0
//!   MacroVectors), matching FIRST's specifications and Red Hat's `cvss`.
//! * [`intake`]: native JSON, SARIF 2.1.0, OSV (JSON/YAML), CSAF 2.0, CVE 5,
//!   CycloneDX VEX and KEV documents read into reports, with format
//!   detection and bulk (array/NDJSON) uploads; one outcome per record.
//! * [`sbom`]: CycloneDX 1.2–1.6 and SPDX 2.3 JSON SBOMs read into component
//!   inventories with canonical purls, and the VEX statements they carry.
//! * [`matching`]: in-memory indexes matching SBOM components against
//!   advisories' affected ranges in both directions (one SBOM against all
//!   advisories, one advisory against all SBOMs), with fixing versions and
//!   VEX suppression.
//! * [`export`]: advisories written as CSAF 2.0, OSV, CVE JSON 5.1 and STIX
//!   2.1 bundles with TLP 2.0 markings, and a CSAF provider directory.
//! * [`csaf`]: the typed CSAF 2.0 document, its schema rules and every
//!   mandatory test (§6.1) with JSON-pointer findings, and CSAF intake (one
//!   report per vulnerability; invalid documents refused whole).
//! * [`version`]: per-ecosystem version orders (SemVer, npm, PEP 440, dpkg,
//!   rpm, Maven, Go, generic) and OSV affected-range evaluation.
#![forbid(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

pub mod csaf;
pub mod cvss;
pub mod export;
pub mod intake;
pub mod matching;
pub mod model;
pub mod sbom;
pub mod version;
