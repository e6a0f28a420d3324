//! The runner: every sample of every task, for every epoch, through the
//! solver and the scorers, with bounded concurrency and bounded memory;
//! records appended to the run log as they finish; a resumed run skips what
//! is done; at the end, the statistics and the capability profile.
//!
//! One sample's failure (provider error, sandbox failure, bad sample) is
//! recorded on that sample and the run goes on.

mod execute;
mod options;
mod profile;
mod progress;
mod sample;
mod summary;
mod tally;
mod writer;

pub use execute::{run, RunError};
pub use options::{RunOptions, DEFAULT_MAX_CONNECTIONS};
pub use profile::metric_name;
pub use progress::{Progress, ProgressSnapshot};
pub use summary::{RunCounts, RunSummary, Throughput};
pub use tally::reducer_of;
