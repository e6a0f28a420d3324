//! One sample-epoch: sandbox (when the task needs one), solver, scorers,
//! and the record. Never fails: every problem ends up on the record.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;

use crate::provider::Provider;
use crate::runlog::SampleRecord;
use crate::sandbox::SandboxConfig;
use crate::scorer::{score_execution, score_model_graded, score_text, Score};
use crate::session::SampleSandbox;
use crate::solver::{self, AttemptJudge, GenerateConfig, JudgeFuture, SolveContext};
use crate::task::{Sample, ScorerSpec, SolverSpec, Task};
use crate::transcript::{Event, Transcript};

/// What every sample task of a run shares.
pub(super) struct Shared {
    /// The run's tasks.
    pub tasks: Vec<Task>,
    /// The model.
    pub provider: Arc<dyn Provider>,
    /// Generation settings.
    pub generate: GenerateConfig,
    /// The base sandbox configuration.
    pub sandbox: SandboxConfig,
}

/// One sample-epoch to run.
pub(super) struct SampleJob {
    /// Index into [`Shared::tasks`].
    pub task_index: usize,
    /// The sample.
    pub sample: Arc<Sample>,
    /// The epoch, from 1.
    pub epoch: u32,
}

/// Runs one sample-epoch to its record.
pub(super) async fn run_sample(shared: Arc<Shared>, job: SampleJob) -> SampleRecord {
    let started = Instant::now();
    let started_at = Utc::now();
    let task = &shared.tasks[job.task_index];
    let sample = job.sample.as_ref();
    let mut record = SampleRecord::failed(
        task.spec().id.as_str(),
        sample.id.as_str(),
        job.epoch,
        String::new(),
    );
    record.started_at = started_at;
    let mut transcript = Transcript::default();

    let sandbox = if needs_sandbox(task) {
        match SampleSandbox::prepare(task, sample, &shared.sandbox).await {
            Ok((sandbox, report)) => {
                transcript.events.push(Event::Setup {
                    at_ms: 0,
                    duration_ms: millis(report.duration),
                    exit_code: report.exit_code,
                    output: report.output,
                });
                Some(sandbox)
            }
            Err(e) => {
                record.error = Some(format!("sandbox: {e}"));
                record.transcript = transcript.to_value();
                record.finished_at = Utc::now();
                return record;
            }
        }
    } else {
        None
    };

    let primary = &task.spec().scorers[0];
    let judge = Judge {
        spec: primary,
        sample,
        sandbox: sandbox.as_ref(),
        provider: shared.provider.as_ref(),
    };
    let outcome = solver::solve(SolveContext {
        task,
        sample,
        epoch: job.epoch,
        provider: shared.provider.as_ref(),
        sandbox: sandbox.as_ref(),
        generate: &shared.generate,
        judge: &judge,
        started,
    })
    .await;
    let setup_events = std::mem::take(&mut transcript.events);
    transcript = outcome.transcript;
    transcript.events.splice(0..0, setup_events);
    record.tokens = outcome.tokens;
    record.answer = outcome.answers.last().cloned();
    record.error = outcome.error;

    if record.error.is_none() {
        let answer = record.answer.as_deref().unwrap_or("");
        // The agent loop already scored its attempts with the primary
        // scorer; never run an execution check twice.
        let reuse = (outcome.attempt_scores.len() == outcome.answers.len())
            .then(|| outcome.attempt_scores.last().copied())
            .flatten();
        for (index, spec) in task.spec().scorers.iter().enumerate() {
            let result = match (index, reuse) {
                (0, Some(value)) => Ok(Score::new(
                    value,
                    Some(answer),
                    "scored during the agent loop".to_owned(),
                )),
                _ => {
                    judge_with(
                        spec,
                        sample,
                        answer,
                        sandbox.as_ref(),
                        shared.provider.as_ref(),
                    )
                    .await
                }
            };
            match result {
                Ok(score) => {
                    if index == 0 {
                        record.score = Some(score.value);
                    }
                    transcript.events.push(Event::Score {
                        at_ms: millis(started.elapsed()),
                        scorer: spec.kind().as_str().to_owned(),
                        value: score.value,
                        answer: score.answer,
                        explanation: score.explanation,
                    });
                }
                Err(e) => {
                    transcript.events.push(Event::Error {
                        at_ms: millis(started.elapsed()),
                        message: format!("scorer {}: {e}", spec.kind()),
                    });
                    if index == 0 {
                        record.error = Some(format!("scorer {}: {e}", spec.kind()));
                    }
                }
            }
        }
    }
    record.transcript = transcript.to_value();
    record.finished_at = Utc::now();
    record
}

/// Whether the task needs a sandbox: agents, and execution checks.
fn needs_sandbox(task: &Task) -> bool {
    matches!(task.spec().solver, SolverSpec::Agent { .. })
        || task
            .spec()
            .scorers
            .iter()
            .any(|s| matches!(s, ScorerSpec::Execution { .. }))
}

/// Scores `answer` with one scorer.
async fn judge_with(
    spec: &ScorerSpec,
    sample: &Sample,
    answer: &str,
    sandbox: Option<&SampleSandbox>,
    provider: &dyn Provider,
) -> Result<Score, String> {
    match spec {
        ScorerSpec::Execution {
            check,
            timeout_seconds,
        } => {
            let sandbox = sandbox.ok_or("an execution scorer needs the sample's sandbox")?;
            score_execution(
                check,
                Duration::from_secs(*timeout_seconds),
                sandbox.sandbox(),
                answer,
                sample.id.as_str(),
            )
            .await
            .map_err(|e| e.to_string())
        }
        ScorerSpec::ModelGraded { judge_prompt } => {
            score_model_graded(judge_prompt, provider, sample, answer)
                .await
                .map_err(|e| e.to_string())
        }
        _ => score_text(spec, sample, answer).map_err(|e| e.to_string()),
    }
}

/// The primary scorer, offered to the agent loop to judge attempts.
struct Judge<'a> {
    spec: &'a ScorerSpec,
    sample: &'a Sample,
    sandbox: Option<&'a SampleSandbox>,
    provider: &'a dyn Provider,
}

impl AttemptJudge for Judge<'_> {
    fn judge<'a>(&'a self, answer: &'a str) -> JudgeFuture<'a> {
        Box::pin(judge_with(
            self.spec,
            self.sample,
            answer,
            self.sandbox,
            self.provider,
        ))
    }
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}
