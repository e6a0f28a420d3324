//! Advisory exports: CSAF 2.0, OSV, CVE JSON 5, STIX 2.1 bundles with TLP 2.0
//! markings, and a CSAF provider directory.
//!
//! One adapter per format, each written from the one [`Advisory`] model
//! (DESIGN §4.3 "publish"). Every export is deterministic: the same advisory
//! gives the same bytes, so re-publishing is idempotent and exports can be
//! snapshot-tested. Time comes from the advisory (`published`, `modified`)
//! or, for the provider metadata, from the caller.
//!
//! | format | function | validated by |
//! |---|---|---|
//! | CSAF 2.0 | [`to_csaf`] | the CSAF JSON schema and mandatory tests (§6.1) |
//! | OSV 1.6 | [`to_osv`] | the OSV JSON schema |
//! | CVE JSON 5.1 | [`to_cve5_cna`] | the CVE record schema (5.1.1 bundle) |
//! | STIX 2.1 | [`to_stix_bundle`] | `stix2-validator` |
//! | CSAF provider | [`csaf_provider_layout`] | the provider-metadata schema |
//!
//! TLP (invariant 8): CSAF carries it in `distribution.tlp`, OSV in
//! `database_specific.tlp`, STIX as the OASIS TLP 2.0 marking on every
//! object; CVE records are public, so only TLP:CLEAR advisories are
//! written as CVE records. `scripts/conformance/validate_exports.sh` checks
//! generated samples with each ecosystem's own validator.

mod csaf;
mod csaf_products;
mod csaf_provider;
mod cve5;
mod cwe;
mod ecosystem;
mod error;
mod osv;
mod score;
mod stix;
mod tlp_markings;

#[cfg(test)]
mod tests;

use chrono::{DateTime, SecondsFormat, Utc};

pub use csaf::{csaf_category, csaf_tlp_label, to_csaf, to_csaf_with_canonical_url};
pub use csaf_provider::{csaf_filename, csaf_provider_layout, tlp_directory_name, ProviderFile};
pub use cve5::{to_cve5_cna, CnaOrg};
pub use error::ExportError;
pub use osv::{osv_id, to_osv, OSV_SCHEMA_VERSION};
pub use stix::to_stix_bundle;
pub use tlp_markings::{tlp_marking_definition, tlp_marking_id, TLP2_CREATED, TLP2_EXTENSION_ID};

#[cfg(doc)]
use crate::model::Advisory;

/// An RFC 3339 UTC timestamp ending in `Z`, with fractional seconds only
/// when there are any (CSAF, OSV and CVE 5 all accept this form).
fn rfc3339(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A STIX timestamp: UTC with exactly millisecond precision.
fn stix_timestamp(time: DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// The first alias that is a CVE id (`CVE-YYYY-NNNN…`).
fn cve_alias(aliases: &[String]) -> Option<&str> {
    aliases
        .iter()
        .map(String::as_str)
        .find(|alias| is_cve_id(alias))
}

/// Whether `text` is `CVE-` + four digits + `-` + four or more digits.
fn is_cve_id(text: &str) -> bool {
    let Some(rest) = text.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, number)) = rest.split_once('-') else {
        return false;
    };
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    year.len() == 4 && digits(year) && number.len() >= 4 && digits(number)
}
