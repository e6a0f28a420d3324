//! [`RunSummary`]: what a finished run says (`summary.json`, `--json`).

use std::collections::BTreeMap;

use bulwark_domain::designation::CapabilityProfile;
use serde::{Deserialize, Serialize};

use crate::runlog::TokenUsage;
use crate::stats::MetricSummary;

/// Counts of sample-epochs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RunCounts {
    /// Sample-epochs in the run.
    pub total: u64,
    /// Finished (scored or failed), in this process and before.
    pub completed: u64,
    /// Finished before this process started (resumed).
    pub resumed: u64,
    /// Ended with an error (left out of the metrics, as Inspect does).
    pub errors: u64,
    /// Scored 1 on the primary scorer.
    pub correct: u64,
}

/// How fast this process went.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Throughput {
    /// Wall-clock seconds of this process's part of the run.
    pub wall_seconds: f64,
    /// Sample-epochs finished per second by this process.
    pub samples_per_second: f64,
    /// Bytes of compressed sample log per record.
    pub log_bytes_per_sample: Option<f64>,
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunSummary {
    /// The run id.
    pub run_id: String,
    /// The run directory.
    pub run_dir: String,
    /// The model.
    pub model: String,
    /// `complete` when every sample-epoch finished, else `partial`.
    pub status: String,
    /// Counts.
    pub counts: RunCounts,
    /// Every metric by its profile name (`cyber-core/overall.accuracy`,
    /// `cyber-core/cryptography.accuracy`, `cyber-core/task/ID.accuracy`).
    pub metrics: BTreeMap<String, MetricSummary>,
    /// Tokens used by the finished samples.
    pub tokens: TokenUsage,
    /// Provider requests, retries and failures of this process.
    pub provider: serde_json::Value,
    /// Throughput of this process.
    pub throughput: Throughput,
    /// The capability profile the designation engine reads.
    pub profile: CapabilityProfile,
}
