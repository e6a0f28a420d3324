//! [`verify_solutions`]: proves tasks solvable by running each task's
//! reference solution (`[solution]` in `task.toml`) on every sample and
//! scoring what it prints with the task's primary scorer — behind `bulwark
//! eval verify-solutions`.
//!
//! For each sample the sandbox is prepared exactly as for the model
//! ([`SampleSandbox::prepare`]: the task's and the sample's files, the
//! setup commands), then the solution's files are copied in and its `run`
//! command is executed in the work directory, with the task's service in
//! front when there is one and the sample's id in [`SAMPLE_ID_ENV`]. Its
//! standard output is the answer: text scorers judge it with
//! [`score_text`], an `execution` scorer runs its check in the same sandbox
//! with [`score_execution`]. A task without a solution, a solution that
//! exits non-zero and a primary scorer that needs a judge model all fail
//! with a reason.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use crate::sandbox::SandboxConfig;
use crate::scorer::{score_execution, score_text};
use crate::session::{describe_status, SampleSandbox};
use crate::task::{Category, RelPath, Sample, ScorerSpec, Task};

/// The environment variable that names the sample to the solution.
pub const SAMPLE_ID_ENV: &str = "BULWARK_SAMPLE_ID";

/// Characters of the solution's output kept in a report.
const OUTPUT_CHARS: usize = 1000;

/// The verdict on one sample's reference solution.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SolutionCheck {
    /// The task.
    pub task_id: String,
    /// The task's category.
    pub category: Category,
    /// The sample (empty when the task's samples could not be read).
    pub sample_id: String,
    /// Whether the solution ran and its answer scored 1.
    pub passed: bool,
    /// The primary scorer's value, when scoring happened.
    pub score: Option<f64>,
    /// What the solution printed (its tail, when long).
    pub answer: Option<String>,
    /// The scorer's explanation, or why the sample could not be scored.
    pub explanation: String,
    /// Whether the failure was an error (no solution, setup failed, the
    /// solution crashed) rather than a wrong answer.
    pub error: bool,
    /// Wall-clock time for the sample: preparing the sandbox, the solution
    /// and the scorer.
    #[serde(rename = "duration_seconds", serialize_with = "as_seconds")]
    pub duration: Duration,
}

fn as_seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

impl SolutionCheck {
    fn failure(task: &Task, sample_id: &str, reason: String, started: Instant) -> Self {
        SolutionCheck {
            task_id: task.spec().id.as_str().to_owned(),
            category: task.spec().category,
            sample_id: sample_id.to_owned(),
            passed: false,
            score: None,
            answer: None,
            explanation: reason,
            error: true,
            duration: started.elapsed(),
        }
    }
}

/// Whether every check passed (and there was at least one).
pub fn all_passed(checks: &[SolutionCheck]) -> bool {
    !checks.is_empty() && checks.iter().all(|c| c.passed)
}

/// Runs every task's reference solution on every sample, at most
/// `concurrency` samples at once (at least one), each in a fresh sandbox
/// made from `base` (limits, mode, bubblewrap path). Returns one check per
/// sample in task and dataset order; a task whose samples cannot be read
/// gets one failed check with an empty sample id.
pub async fn verify_solutions(
    tasks: &[Task],
    base: &SandboxConfig,
    concurrency: usize,
) -> Vec<SolutionCheck> {
    let permits = Arc::new(Semaphore::new(concurrency.max(1)));
    let base = Arc::new(base.clone());
    let mut running: JoinSet<SolutionCheck> = JoinSet::new();
    // Which result slot and which sample each spawned job is, so that even
    // a panicking job is reported in its place.
    let mut jobs: HashMap<tokio::task::Id, (usize, Arc<Task>, String)> = HashMap::new();
    let mut results: Vec<Option<SolutionCheck>> = Vec::new();

    for task in tasks {
        let task = Arc::new(task.clone());
        let samples = match task.samples() {
            Ok(samples) => samples,
            Err(error) => {
                let reason = format!("the samples cannot be read: {error}");
                results.push(Some(SolutionCheck::failure(
                    &task,
                    "",
                    reason,
                    Instant::now(),
                )));
                continue;
            }
        };
        for sample in samples {
            let sample = match sample {
                Ok(sample) => sample,
                Err(error) => {
                    let reason = format!("a sample cannot be read: {error}");
                    results.push(Some(SolutionCheck::failure(
                        &task,
                        "",
                        reason,
                        Instant::now(),
                    )));
                    break;
                }
            };
            let Ok(permit) = permits.clone().acquire_owned().await else {
                break;
            };
            let slot = results.len();
            results.push(None);
            let sample_id = sample.id.as_str().to_owned();
            let (job_task, job_base) = (task.clone(), base.clone());
            let handle = running.spawn(async move {
                let _permit = permit;
                check_sample(&job_task, &sample, &job_base).await
            });
            jobs.insert(handle.id(), (slot, task.clone(), sample_id));
            while let Some(done) = running.try_join_next_with_id() {
                settle(done, &mut jobs, &mut results);
            }
        }
    }
    while let Some(done) = running.join_next_with_id().await {
        settle(done, &mut jobs, &mut results);
    }
    results.into_iter().flatten().collect()
}

fn settle(
    done: Result<(tokio::task::Id, SolutionCheck), tokio::task::JoinError>,
    jobs: &mut HashMap<tokio::task::Id, (usize, Arc<Task>, String)>,
    results: &mut [Option<SolutionCheck>],
) {
    match done {
        Ok((id, check)) => {
            if let Some((slot, _, _)) = jobs.remove(&id) {
                results[slot] = Some(check);
            }
        }
        Err(error) => {
            if let Some((slot, task, sample_id)) = jobs.remove(&error.id()) {
                let reason = format!("the verification job failed: {error}");
                results[slot] = Some(SolutionCheck::failure(
                    &task,
                    &sample_id,
                    reason,
                    Instant::now(),
                ));
            }
        }
    }
}

/// Runs the reference solution of `task` on `sample` and scores it.
async fn check_sample(task: &Task, sample: &Sample, base: &SandboxConfig) -> SolutionCheck {
    let started = Instant::now();
    let sample_id = sample.id.as_str();
    let fail = |reason: String| SolutionCheck::failure(task, sample_id, reason, started);
    let Some(solution) = &task.spec().solution else {
        return fail(
            "the task has no reference solution (add a [solution] table with `run` to task.toml)"
                .to_owned(),
        );
    };
    let Some(primary) = task.spec().scorers.first() else {
        return fail("the task has no scorer".to_owned());
    };
    if let ScorerSpec::ModelGraded { .. } = primary {
        return fail(
            "the primary scorer is `model_graded`, which needs a judge model; verify-solutions cannot score it"
                .to_owned(),
        );
    }
    let sandbox = match SampleSandbox::prepare(task, sample, base).await {
        Ok((sandbox, _report)) => sandbox,
        Err(error) => return fail(format!("preparing the sandbox failed: {error}")),
    };
    for (destination, source) in &solution.files {
        if let Err(reason) = copy_solution_file(task, &sandbox, destination, source) {
            return fail(reason);
        }
    }
    let script = format!(
        "{SAMPLE_ID_ENV}={}; export {SAMPLE_ID_ENV}\n{}",
        shell_quote(sample_id),
        solution.run
    );
    let outcome = match sandbox.run(&script, None).await {
        Ok(outcome) => outcome,
        Err(error) => return fail(format!("the sandbox could not run the solution: {error}")),
    };
    if !outcome.success() {
        let mut check = fail(format!(
            "the solution failed ({}): {}",
            describe_status(&outcome),
            tail(outcome.stderr.trim(), OUTPUT_CHARS)
        ));
        check.answer = Some(tail(&outcome.stdout, OUTPUT_CHARS));
        return check;
    }
    let answer = outcome.stdout;
    let scored = match primary {
        ScorerSpec::Execution {
            check,
            timeout_seconds,
        } => {
            score_execution(
                check,
                Duration::from_secs(*timeout_seconds),
                sandbox.sandbox(),
                &answer,
                sample_id,
            )
            .await
        }
        other => score_text(other, sample, &answer),
    };
    match scored {
        Ok(score) => SolutionCheck {
            task_id: task.spec().id.as_str().to_owned(),
            category: task.spec().category,
            sample_id: sample_id.to_owned(),
            passed: score.is_correct(),
            score: Some(score.value),
            answer: Some(tail(&answer, OUTPUT_CHARS)),
            explanation: score.explanation,
            error: false,
            duration: started.elapsed(),
        },
        Err(error) => {
            let mut check = fail(format!("scoring failed: {error}"));
            check.answer = Some(tail(&answer, OUTPUT_CHARS));
            check
        }
    }
}

/// Copies one `[solution] files` entry into the sample's work directory.
fn copy_solution_file(
    task: &Task,
    sandbox: &SampleSandbox,
    destination: &RelPath,
    source: &RelPath,
) -> Result<(), String> {
    let result = if let Some(bytes) = task.inline_bytes(source) {
        sandbox.sandbox().write_file(destination.as_str(), bytes)
    } else {
        match task.source_path(source) {
            Some(path) if path.exists() => sandbox.sandbox().copy_in(&path, destination.as_str()),
            _ => {
                return Err(format!(
                    "solution file {source} is not available to copy into the sandbox"
                ))
            }
        }
    };
    result.map_err(|e| format!("copying solution file {source} to {destination}: {e}"))
}

/// `text` as one single-quoted `/bin/sh` word.
fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// At most `max` characters from the end of `text`.
fn tail(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let skipped: String = text.chars().skip(count - max).collect();
    format!("…{skipped}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_ids_are_quoted_for_the_shell() {
        assert_eq!(shell_quote("q1"), "'q1'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$(x)"), "'$(x)'");
    }

    #[test]
    fn tails_keep_the_end() {
        assert_eq!(tail("abcdef", 3), "…def");
        assert_eq!(tail("ab", 3), "ab");
    }

    #[test]
    fn nothing_checked_is_not_all_passed() {
        assert!(!all_passed(&[]));
    }
}
