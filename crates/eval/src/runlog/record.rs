//! One finished (sample, epoch): the line stored in `samples.jsonl.gz`.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Tokens spent on one sample.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenUsage {
    /// Prompt (input) tokens.
    pub prompt: u64,
    /// Completion (output) tokens.
    pub completion: u64,
}

/// The record of one finished (sample id, epoch).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleRecord {
    /// The sample id, unique within the run's tasks.
    pub sample_id: String,
    /// The epoch (the caller's numbering).
    pub epoch: u32,
    /// The task the sample belongs to.
    pub task_id: String,
    /// The score, absent when the sample failed.
    pub score: Option<f64>,
    /// The extracted answer, when any.
    pub answer: Option<String>,
    /// Why the sample failed, when it did.
    pub error: Option<String>,
    /// The conversation (messages, tool calls), free-form.
    pub transcript: Value,
    /// Tokens spent.
    pub tokens: TokenUsage,
    /// When work on the sample started.
    pub started_at: DateTime<Utc>,
    /// When it finished.
    pub finished_at: DateTime<Utc>,
}

impl SampleRecord {
    /// A record of a sample that failed before it could be attempted.
    pub fn failed(task_id: &str, sample_id: &str, epoch: u32, error: String) -> Self {
        let now = Utc::now();
        SampleRecord {
            sample_id: sample_id.to_owned(),
            epoch,
            task_id: task_id.to_owned(),
            score: None,
            answer: None,
            error: Some(error),
            transcript: Value::Null,
            tokens: TokenUsage::default(),
            started_at: now,
            finished_at: now,
        }
    }

    /// The resume key: (task id, sample id, epoch).
    pub fn key(&self) -> (String, String, u32) {
        (self.task_id.clone(), self.sample_id.clone(), self.epoch)
    }

    /// The resume key's digest (see [`key_digest`]).
    pub fn key_digest(&self) -> u128 {
        key_digest(&self.task_id, &self.sample_id, self.epoch)
    }
}

/// A 128-bit digest of a resume key (the first half of SHA-256 over the
/// length-prefixed fields). Run logs keep digests, not the strings, so the
/// memory for the resume set is 16 bytes a record at any run size; a false
/// match needs a SHA-256 collision in 128 bits.
pub fn key_digest(task_id: &str, sample_id: &str, epoch: u32) -> u128 {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for field in [task_id.as_bytes(), sample_id.as_bytes()] {
        hasher.update((field.len() as u64).to_le_bytes());
        hasher.update(field);
    }
    hasher.update(epoch.to_le_bytes());
    let digest = hasher.finalize();
    let mut half = [0u8; 16];
    half.copy_from_slice(&digest[..16]);
    u128::from_le_bytes(half)
}
