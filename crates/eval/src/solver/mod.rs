//! Solvers: how a sample is put to the model. [`solve`] runs the task's
//! solver — one model call ([`single_turn`]) or a ReAct-style agent loop
//! with `bash`, `python` and `submit` tools in the sample's sandbox
//! ([`agent`]) — and returns the answers and the whole [`Transcript`].
//!
//! A solver never fails the run: whatever goes wrong for one sample (the
//! provider's errors, a sandbox error, a limit) is recorded in the outcome's
//! `error` and transcript, and the runner goes on with the next sample.

pub mod agent;
mod attempts;
pub mod limits;
mod model;
pub mod output;
pub mod prompt;
mod record;
pub mod single_turn;
pub mod tools;

use std::future::Future;
use std::pin::Pin;
use std::time::Instant;

use crate::provider::Provider;
use crate::runlog::TokenUsage;
use crate::scorer::Score;
use crate::session::SampleSandbox;
use crate::task::{Sample, SolverSpec, Task};
use crate::transcript::Transcript;

/// Generation settings applied to every model call of a run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GenerateConfig {
    /// Sampling temperature.
    pub temperature: Option<f64>,
    /// Completion tokens per call.
    pub max_tokens: Option<u32>,
    /// Seed, for providers that honour one.
    pub seed: Option<u64>,
}

/// The future a [`AttemptJudge`] returns.
pub type JudgeFuture<'a> = Pin<Box<dyn Future<Output = Result<Score, String>> + Send + 'a>>;

/// Scores a submission while the agent loop runs, so that a wrong attempt
/// can be answered with "incorrect, try again" (the runner's primary scorer).
pub trait AttemptJudge: Send + Sync {
    /// Scores `answer`; an `Err` is a scoring failure (recorded, the loop ends).
    fn judge<'a>(&'a self, answer: &'a str) -> JudgeFuture<'a>;
}

/// Everything a solver needs for one sample.
pub struct SolveContext<'a> {
    /// The task.
    pub task: &'a Task,
    /// The sample.
    pub sample: &'a Sample,
    /// The epoch (1-based), passed to the provider (cache key).
    pub epoch: u32,
    /// The model.
    pub provider: &'a dyn Provider,
    /// The sample's sandbox: always present for agent solvers.
    pub sandbox: Option<&'a SampleSandbox>,
    /// Generation settings.
    pub generate: &'a GenerateConfig,
    /// Scores submissions during an agent loop.
    pub judge: &'a dyn AttemptJudge,
    /// When the sample started (limits and transcript times count from it).
    pub started: Instant,
}

/// What a solver produced.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SolveOutcome {
    /// Every answer submitted, in order (single turn: the one reply).
    pub answers: Vec<String>,
    /// Primary scores the judge gave the answers during the loop, in order
    /// (empty for single turn: the runner scores it).
    pub attempt_scores: Vec<f64>,
    /// Everything that happened.
    pub transcript: Transcript,
    /// Tokens used by this sample.
    pub tokens: TokenUsage,
    /// Model calls made.
    pub model_calls: u32,
    /// Tool calls made.
    pub tool_calls: u32,
    /// What ended the sample abnormally (provider error, sandbox failure);
    /// `None` when it ended normally, a limit included.
    pub error: Option<String>,
    /// Which limit ended the sample, if one did.
    pub limit: Option<String>,
}

impl SolveOutcome {
    /// The answer to score: the last one submitted.
    pub fn final_answer(&self) -> Option<&str> {
        self.answers.last().map(String::as_str)
    }
}

/// Runs the task's solver on one sample.
pub async fn solve(ctx: SolveContext<'_>) -> SolveOutcome {
    match &ctx.task.spec().solver {
        SolverSpec::SingleTurn { .. } => single_turn::solve(&ctx).await,
        SolverSpec::Agent { .. } => agent::solve(&ctx).await,
    }
}
