//! The on-disk log of one evaluation run (issue 3, "Runs and logs").
//!
//! A run directory holds three files:
//!
//! - `header.json` — the [`RunHeader`] (run id, tasks and versions, model,
//!   elicitation settings, start time, free-form config), stamped with
//!   [`FORMAT_VERSION`]. A header of another format version is refused.
//! - `samples.jsonl.gz` — one JSON line per finished (sample id, epoch), a
//!   [`SampleRecord`]. The file is a concatenation of independent gzip
//!   members: [`RunLog::append`] writes one member per record and
//!   [`RunLog::append_batch`] one member per batch, each written with a single
//!   `write` and flushed, so a crash loses at most the member being written.
//!   Standard tools (`zcat`, `gzip -dc`) read the whole file.
//! - `summary.json` — written once at the end by [`RunLog::write_summary`].
//!
//! [`RunLog::open`] resumes a run: it reads the header, scans every complete
//! member (keeping only the (sample id, epoch) keys, never the records), and
//! cuts off a broken tail left by a crash (the cut bytes are kept aside in
//! `samples.jsonl.gz.broken-<offset>`), so the next append is readable.
//! [`RunLog::records`] and [`RecordReader`] stream records one gzip member at
//! a time: memory stays bounded by the largest member at any run size.

mod error;
mod files;
mod header;
mod log;
mod reader;
mod record;

pub use error::{FoundVersion, RunLogError};
pub use files::{HEADER_FILE, SAMPLES_FILE, SUMMARY_FILE};
pub use header::{ElicitationSettings, RunHeader, TaskRef, FORMAT_VERSION};
pub use log::RunLog;
pub use reader::RecordReader;
pub use record::{key_digest, SampleRecord, TokenUsage};
