//! The JSON-schema rules typed deserialisation does not enforce.
//!
//! Deserialising into [`CsafDocument`](super::CsafDocument) already rejects
//! missing required properties, wrong JSON types and unknown enum values.
//! What is left is checked here, each finding with test id `schema` and a
//! JSON pointer: `csaf_version`, string patterns and formats (`date-time`,
//! `uri`, `version_t`, `lang_t`, CPE, purl, CVE, CWE), `minLength: 1`,
//! `minItems`, `uniqueItems`, and `minProperties`/`maxProperties`.
//!
//! The CVSS objects under `scores[]` are left to test 6.1.8, which checks
//! them against the FIRST schemas the CSAF schema references.

mod document;
mod product_tree;
mod vulnerability;

use super::document::{CsafDocument, Note, Reference};
use super::finding::Finding;
use super::patterns;

/// Runs every schema check on `doc`.
pub fn check(doc: &CsafDocument) -> Vec<Finding> {
    let mut c = Checker::default();
    document::check_document(&mut c, &doc.document);
    if let Some(tree) = &doc.product_tree {
        product_tree::check_product_tree(&mut c, tree);
    }
    if let Some(vulns) = c.array("/vulnerabilities", &doc.vulnerabilities) {
        for (i, vuln) in vulns.iter().enumerate() {
            vulnerability::check_vulnerability(&mut c, &format!("/vulnerabilities/{i}"), vuln);
        }
    }
    c.findings
}

/// Accumulates findings; one helper per schema keyword.
#[derive(Default)]
pub(crate) struct Checker {
    findings: Vec<Finding>,
}

impl Checker {
    fn fail(&mut self, path: &str, message: impl Into<String>) {
        self.findings.push(Finding::schema(path, message));
    }

    /// `minLength: 1`.
    fn text(&mut self, path: &str, value: &str) {
        if value.is_empty() {
            self.fail(path, "must not be empty");
        }
    }

    /// `minLength: 1` on an optional property.
    fn opt_text(&mut self, path: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.text(path, v);
        }
    }

    /// `format: date-time` on an optional property.
    fn opt_date(&mut self, path: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.date(path, v);
        }
    }

    /// `format: date-time`.
    fn date(&mut self, path: &str, value: &str) {
        if !patterns::is_date_time(value) {
            self.fail(path, format!("`{value}` is not an RFC 3339 date-time"));
        }
    }

    /// `format: uri`.
    fn uri(&mut self, path: &str, value: &str) {
        if !patterns::is_uri(value) {
            self.fail(path, format!("`{value}` is not an absolute URI"));
        }
    }

    /// `format: uri` on an optional property.
    fn opt_uri(&mut self, path: &str, value: &Option<String>) {
        if let Some(v) = value {
            self.uri(path, v);
        }
    }

    /// `pattern`, described as `what` in the message.
    fn pattern(&mut self, path: &str, value: &str, ok: fn(&str) -> bool, what: &str) {
        if !ok(value) {
            self.fail(path, format!("`{value}` is not {what}"));
        }
    }

    /// `minItems: 1` on an optional array; returns the items when present.
    fn array<'a, T>(&mut self, path: &str, value: &'a Option<Vec<T>>) -> Option<&'a [T]> {
        let items = value.as_deref()?;
        self.min_items(path, items, 1);
        Some(items)
    }

    /// `minItems: n`.
    fn min_items<T>(&mut self, path: &str, items: &[T], n: usize) {
        if items.len() < n {
            let plural = if n == 1 { "" } else { "s" };
            self.fail(path, format!("must have at least {n} item{plural}"));
        }
    }

    /// `uniqueItems: true` (hashed: lists can be long).
    fn unique<T: Eq + std::hash::Hash>(&mut self, path: &str, items: &[T]) {
        let mut seen = std::collections::HashSet::with_capacity(items.len());
        for (i, item) in items.iter().enumerate() {
            if !seen.insert(item) {
                self.fail(&format!("{path}/{i}"), "duplicate item (uniqueItems)");
            }
        }
    }

    /// An optional array of non-empty strings with `minItems: 1`.
    fn string_array(&mut self, path: &str, value: &Option<Vec<String>>, unique: bool) {
        if let Some(items) = self.array(path, value) {
            self.strings(path, items);
            if unique {
                self.unique(path, items);
            }
        }
    }

    /// Every item `minLength: 1`.
    fn strings(&mut self, path: &str, items: &[String]) {
        for (i, item) in items.iter().enumerate() {
            self.text(&format!("{path}/{i}"), item);
        }
    }

    /// `products_t` / `product_groups_t`: `minItems: 1`, unique, non-empty.
    fn id_list(&mut self, path: &str, value: &Option<Vec<String>>) {
        self.string_array(path, value, true);
    }

    /// `notes_t`.
    fn notes(&mut self, path: &str, value: &Option<Vec<Note>>) {
        for (i, note) in self
            .array(path, value)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let base = format!("{path}/{i}");
            self.opt_text(&format!("{base}/audience"), &note.audience);
            self.text(&format!("{base}/text"), &note.text);
            self.opt_text(&format!("{base}/title"), &note.title);
        }
    }

    /// `references_t`.
    fn references(&mut self, path: &str, value: &Option<Vec<Reference>>) {
        for (i, r) in self
            .array(path, value)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let base = format!("{path}/{i}");
            self.text(&format!("{base}/summary"), &r.summary);
            self.uri(&format!("{base}/url"), &r.url);
        }
    }
}

#[cfg(test)]
mod tests;
