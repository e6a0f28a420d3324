//! Why an SBOM was rejected.

use thiserror::Error;

use super::purl::PurlError;

/// Why [`parse_sbom`](super::parse_sbom) rejected a document. Field paths
/// are JSON paths from the document root (`components[3].purl`).
#[derive(Debug, Error)]
pub enum SbomError {
    /// The bytes are not JSON.
    #[error("not a JSON document: {0}")]
    Json(#[source] serde_json::Error),
    /// The JSON is neither CycloneDX nor SPDX.
    #[error(
        "neither a CycloneDX SBOM (`bomFormat: \"CycloneDX\"`) nor an SPDX 2.x JSON document \
         (`spdxVersion`)"
    )]
    UnknownFormat,
    /// A CycloneDX `specVersion` or SPDX `spdxVersion` this parser does not read.
    #[error("`{field}`: unsupported version `{version}` (supported: {supported})")]
    UnsupportedVersion {
        /// `specVersion` or `spdxVersion`.
        field: &'static str,
        /// The version given.
        version: String,
        /// What is supported.
        supported: &'static str,
    },
    /// A field is missing or has the wrong JSON type.
    #[error("`{field}`: {problem}")]
    Field {
        /// Where the field is.
        field: String,
        /// What is wrong with it.
        problem: &'static str,
    },
    /// A package URL does not parse.
    #[error("`{field}`: {source}")]
    Purl {
        /// Where the purl is.
        field: String,
        /// What is wrong with it.
        #[source]
        source: PurlError,
    },
}

impl SbomError {
    /// A field error at `field`.
    pub(crate) fn field(field: impl Into<String>, problem: &'static str) -> SbomError {
        SbomError::Field {
            field: field.into(),
            problem,
        }
    }
}
