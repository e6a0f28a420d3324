//! The near-duplicate index: LSH band keys of every live case, in memory.
//!
//! Band keys would be 16 rows per case in the database, which would cost
//! intake more than everything else it writes; instead the database keeps
//! each case's MinHash signature and every process builds this index from
//! them, catching up (under the intake lock) with the cases other processes
//! opened since it last looked. A band key maps to the first case that had
//! it; candidates are always confirmed against stored signatures, so a stale
//! or colliding entry costs a comparison, never a wrong merge.
//!
//! Each case's [`Sketch`] (a quarter of its signature) is kept too: a
//! candidate whose sketch rules it out is dropped before its signature is
//! read, which spares intake most of those reads (a band is shared by chance
//! far more often than a near duplicate arrives).

use foldhash::HashMap;

use bulwark_domain::clearinghouse::near_duplicate::{Signature, Sketch, BANDS};
use bulwark_domain::ids::CaseId;
use bulwark_store::Tx;

use crate::AppError;

/// Cases read per catch-up query.
const PAGE: i64 = 20_000;

/// Band key → case, for every live case up to `last_seq`.
#[derive(Debug, Default)]
pub struct NearIndex {
    last_seq: i64,
    /// Band key (truncated to 32 bits to halve the memory) → index in `cases`.
    bands: HashMap<u32, u32>,
    cases: Vec<CaseId>,
    /// The sketch of each case in `cases`.
    sketches: Vec<Sketch>,
}

impl NearIndex {
    /// Adds the cases opened since the last catch-up.
    pub(crate) async fn catch_up(&mut self, tx: &mut Tx) -> Result<(), AppError> {
        loop {
            let rows = tx.vuln_case_signatures_since(self.last_seq, PAGE).await?;
            let done = (rows.len() as i64) < PAGE;
            for row in rows {
                self.last_seq = self.last_seq.max(row.seq);
                if let Some(signature) = row.signature.as_deref().and_then(Signature::from_bytes) {
                    self.insert(row.id, &signature);
                }
            }
            if done {
                return Ok(());
            }
        }
    }

    /// The sequence number of the last case it knows.
    pub(crate) fn last_seq(&self) -> i64 {
        self.last_seq
    }

    /// Records cases a batch opened (committed, or about to be in the
    /// caller's transaction; see `intake_queue`).
    pub(crate) fn add(&mut self, opened: &[(i64, CaseId, Signature)]) {
        for (seq, id, signature) in opened {
            // Only cases past the catch-up point: earlier ones are in already.
            if *seq > self.last_seq {
                self.last_seq = *seq;
                self.insert(*id, signature);
            }
        }
    }

    /// Cases sharing one of `bands` whose sketch does not rule them out
    /// against `sketch`, without repeats.
    pub(crate) fn candidates(&self, bands: &[i64; BANDS], sketch: &Sketch) -> Vec<CaseId> {
        let mut found: Vec<CaseId> = Vec::new();
        for band in bands {
            if let Some(&index) = self.bands.get(&short(*band)) {
                let index = index as usize;
                let case = self.cases[index];
                if !found.contains(&case) && self.sketches[index].may_be_near(sketch) {
                    found.push(case);
                }
            }
        }
        found
    }

    fn insert(&mut self, id: CaseId, signature: &Signature) {
        let index = self.cases.len() as u32;
        self.cases.push(id);
        self.sketches.push(signature.sketch());
        for band in signature.band_keys() {
            self.bands.entry(short(band)).or_insert(index);
        }
    }
}

fn short(band: i64) -> u32 {
    (band as u64 >> 32) as u32 ^ band as u32
}
