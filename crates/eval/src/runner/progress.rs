//! [`Progress`]: what a run reports while it goes (terminal bar, job rows).

use std::time::Duration;

use serde::Serialize;

/// A moment of a run.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ProgressSnapshot {
    /// Sample-epochs to do in all (resumed ones included).
    pub total: u64,
    /// Sample-epochs finished (resumed ones included).
    pub done: u64,
    /// Of those, how many ended in an error.
    pub errors: u64,
    /// Of those, how many scored 1.
    pub correct: u64,
    /// Tokens used so far by this process (prompt + completion).
    pub tokens: u64,
    /// Provider retries so far.
    pub retries: u64,
    /// Time since this process started the run.
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
}

impl ProgressSnapshot {
    /// Finished sample-epochs per second in this process.
    pub fn rate(&self, resumed: u64) -> f64 {
        let secs = self.elapsed.as_secs_f64();
        if secs > 0.0 {
            self.done.saturating_sub(resumed) as f64 / secs
        } else {
            0.0
        }
    }
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Receives progress; called from the runner's task, so it must be quick.
pub trait Progress: Send + Sync {
    /// Called at the start, after every finished sample (throttled by the
    /// implementation as it likes) and at the end.
    fn update(&self, snapshot: &ProgressSnapshot);
}

impl<F: Fn(&ProgressSnapshot) + Send + Sync> Progress for F {
    fn update(&self, snapshot: &ProgressSnapshot) {
        self(snapshot)
    }
}
