//! The CSAF 2.0 mandatory tests (OASIS CSAF 2.0 §6.1): a valid document
//! fails none of them.
//!
//! One function per test, each returning its findings with the test id and
//! a JSON pointer. [`TESTS`] lists them in specification order; [`run`] runs
//! them all.
//!
//! | file | tests |
//! |---|---|
//! | [`product_ids`] | 6.1.1–6.1.5 (product and group id definitions) |
//! | [`status`] | 6.1.6, 6.1.7, 6.1.23, 6.1.24, 6.1.29, 6.1.32, 6.1.33 |
//! | [`cvss`] | 6.1.8–6.1.10 |
//! | [`identifiers`] | 6.1.11–6.1.13, 6.1.15, 6.1.25, 6.1.26, 6.1.28, 6.1.31 |
//! | [`revisions`] | 6.1.14, 6.1.16–6.1.22, 6.1.30 |
//! | [`profiles`] | 6.1.27.1–6.1.27.11 |

mod cvss;
mod cvss_metrics;
mod cvss_v2;
mod identifiers;
mod language;
mod product_ids;
mod profiles;
mod revisions;
mod status;

use super::document::CsafDocument;
use super::finding::Finding;

/// A mandatory test: its id and the function that runs it.
pub type MandatoryTest = (&'static str, fn(&CsafDocument) -> Vec<Finding>);

/// Every mandatory test, in specification order.
pub const TESTS: &[MandatoryTest] = &[
    ("6.1.1", product_ids::missing_product_id_definition),
    ("6.1.2", product_ids::multiple_product_id_definitions),
    ("6.1.3", product_ids::circular_product_id_definition),
    ("6.1.4", product_ids::missing_group_id_definition),
    ("6.1.5", product_ids::multiple_group_id_definitions),
    ("6.1.6", status::contradicting_product_status),
    ("6.1.7", status::multiple_scores_per_product),
    ("6.1.8", cvss::invalid_cvss),
    ("6.1.9", cvss::invalid_cvss_computation),
    ("6.1.10", cvss::inconsistent_cvss),
    ("6.1.11", identifiers::cwe),
    ("6.1.12", identifiers::language),
    ("6.1.13", identifiers::purl),
    ("6.1.14", revisions::sorted_revision_history),
    ("6.1.15", identifiers::translator),
    ("6.1.16", revisions::latest_document_version),
    ("6.1.17", revisions::document_status_draft),
    ("6.1.18", revisions::released_revision_history),
    ("6.1.19", revisions::pre_release_revisions),
    ("6.1.20", revisions::non_draft_document_version),
    ("6.1.21", revisions::missing_revision),
    ("6.1.22", revisions::multiple_revision_definitions),
    ("6.1.23", status::multiple_use_of_cve),
    ("6.1.24", status::multiple_involvement_definitions),
    ("6.1.25", identifiers::multiple_hash_algorithms),
    ("6.1.26", identifiers::prohibited_category_name),
    ("6.1.27.1", profiles::document_notes),
    ("6.1.27.2", profiles::document_references),
    ("6.1.27.3", profiles::no_vulnerabilities),
    ("6.1.27.4", profiles::product_tree),
    ("6.1.27.5", profiles::vulnerability_notes),
    ("6.1.27.6", profiles::product_status),
    ("6.1.27.7", profiles::vex_product_status),
    ("6.1.27.8", profiles::vulnerability_id),
    ("6.1.27.9", profiles::impact_statement),
    ("6.1.27.10", profiles::action_statement),
    ("6.1.27.11", profiles::vulnerabilities),
    ("6.1.28", identifiers::translation),
    ("6.1.29", status::remediation_without_product),
    ("6.1.30", revisions::mixed_versioning),
    ("6.1.31", identifiers::version_range_in_product_version),
    ("6.1.32", status::flag_without_product),
    ("6.1.33", status::multiple_vex_flags_per_product),
];

/// Runs every mandatory test on `doc`.
pub fn run(doc: &CsafDocument) -> Vec<Finding> {
    TESTS.iter().flat_map(|(_, test)| test(doc)).collect()
}

#[cfg(test)]
pub(crate) mod fixtures;
