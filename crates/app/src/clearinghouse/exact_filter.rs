//! What intake has filed, in memory: a 64-bit fingerprint of every stored
//! content hash and exact key (SQLite only). Most of an upload's reports
//! are new, and a hash or key whose fingerprint is not here is certainly
//! not stored, so intake asks the database only about the others (the
//! database stays the judge of what is a duplicate).
//!
//! Rows are only ever appended to `vuln_reports` and `vuln_keys`, so the
//! filter catches up with what anyone else filed (the review side's
//! consented findings, another process) by reading the rows after the last
//! one it knows, at the start of every intake transaction. What a failed
//! transaction added stays in it: a fingerprint too many only costs a
//! lookup.

use std::hash::BuildHasher;

use bulwark_store::{IntakeTable, Tx};
use foldhash::HashSet;

use crate::AppError;

/// Rows read per catch-up query.
const PAGE: i64 = 100_000;

/// Fingerprints of the stored content hashes and exact keys.
#[derive(Debug, Default)]
pub struct ExactFilter {
    /// Seeded per process: submitted keys cannot be chosen to collide.
    state: foldhash::quality::RandomState,
    hashes: Seen,
    keys: Seen,
}

/// The fingerprints of one table's keys, up to a rowid.
#[derive(Debug, Default)]
struct Seen {
    fingerprints: HashSet<u64>,
    /// The last rowid it holds.
    end: i64,
}

/// Fingerprints of what one upload wrote, to add once written.
#[derive(Debug, Default)]
pub(crate) struct Written {
    pub hashes: Vec<u64>,
    pub keys: Vec<u64>,
}

impl ExactFilter {
    /// Reads what was stored since it last looked; false on PostgreSQL,
    /// where it is not used (no row order to catch up by).
    pub(crate) async fn catch_up(&mut self, tx: &mut Tx) -> Result<bool, AppError> {
        let tables = [
            (IntakeTable::ContentHashes, &mut self.hashes),
            (IntakeTable::ExactKeys, &mut self.keys),
        ];
        for (table, seen) in tables {
            loop {
                let Some(rows) = tx.intake_rows_after(table, seen.end, PAGE).await? else {
                    return Ok(false);
                };
                let done = (rows.len() as i64) < PAGE;
                for (rowid, text) in rows {
                    seen.fingerprints.insert(self.state.hash_one(text.as_str()));
                    seen.end = seen.end.max(rowid);
                }
                if done {
                    break;
                }
            }
        }
        Ok(true)
    }

    /// The fingerprint of a content hash or key.
    pub(crate) fn fingerprint(&self, text: &str) -> u64 {
        self.state.hash_one(text)
    }

    /// Whether a report with this content hash may be stored.
    pub(crate) fn may_hold_hash(&self, hash: &str) -> bool {
        self.hashes.fingerprints.contains(&self.fingerprint(hash))
    }

    /// Whether this exact key may be stored.
    pub(crate) fn may_hold_key(&self, key: &str) -> bool {
        self.keys.fingerprints.contains(&self.fingerprint(key))
    }

    /// Adds what an upload wrote (committed or about to be).
    pub(crate) fn add(&mut self, written: &Written) {
        self.hashes.fingerprints.extend(&written.hashes);
        self.keys.fingerprints.extend(&written.keys);
    }

    /// Records that it holds every row up to `end` (rowids of `vuln_reports`
    /// and `vuln_keys`); call only once they are committed.
    pub(crate) fn holds_up_to(&mut self, end: (i64, i64)) {
        self.hashes.end = self.hashes.end.max(end.0);
        self.keys.end = self.keys.end.max(end.1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_exactly_what_was_added() {
        let mut filter = ExactFilter::default();
        assert!(!filter.may_hold_hash("ab12") && !filter.may_hold_key("id:CVE-2026-1"));
        let written = Written {
            hashes: vec![filter.fingerprint("ab12")],
            keys: vec![filter.fingerprint("id:CVE-2026-1")],
        };
        filter.add(&written);
        assert!(filter.may_hold_hash("ab12"));
        assert!(filter.may_hold_key("id:CVE-2026-1"));
        // Hashes and keys are kept apart.
        assert!(!filter.may_hold_key("ab12"));
        assert!(!filter.may_hold_hash("id:CVE-2026-1"));
        assert!(!filter.may_hold_hash("ab13"));
        filter.holds_up_to((7, 3));
        filter.holds_up_to((5, 9));
        assert_eq!(
            (filter.hashes.end, filter.keys.end),
            (7, 9),
            "never moves back"
        );
    }
}
