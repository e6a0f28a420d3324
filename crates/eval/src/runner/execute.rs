//! [`run`]: the run loop — a bounded set of sample tasks in flight, records
//! appended in batches as they finish, the summary at the end.

use std::collections::HashMap;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use serde_json::json;
use thiserror::Error;
use tokio::task::{Id, JoinSet};

use crate::provider::Provider;
use crate::runlog::{
    key_digest, ElicitationSettings, RunHeader, RunLog, SampleRecord, TaskRef, TokenUsage,
    HEADER_FILE,
};
use crate::task::{Task, MAX_EPOCHS};

use super::options::RunOptions;
use super::progress::{Progress, ProgressSnapshot};
use super::sample::{run_sample, SampleJob, Shared};
use super::summary::RunSummary;
use super::tally::Tally;
use super::writer::LogWriter;

/// Records appended in one gzip member at most.
const MAX_BATCH: usize = 256;

/// A finished record waits at most this long before it is appended.
/// Batching matters: each append is one gzip member, whose compressor set-up
/// costs more than compressing a small record.
const FLUSH_INTERVAL: Duration = Duration::from_millis(50);

/// Why a run could not run at all (one sample's failure is never this).
#[derive(Debug, Error)]
pub enum RunError {
    /// The run directory could not be created, opened or written.
    #[error("run log: {0}")]
    Log(#[from] crate::runlog::RunLogError),
    /// A task's dataset could not be read.
    #[error(transparent)]
    Task(#[from] crate::task::TaskError),
    /// The options are unusable, or the run directory holds another run.
    #[error("{0}")]
    Invalid(String),
    /// No sample finished without an error, so there is nothing to measure.
    #[error("no sample could be scored: {0}")]
    NothingScored(String),
}

/// Runs every sample of `tasks` (each epoch) against `provider`, appending
/// records to the run log in `options.run_dir` as they finish. A directory
/// that already holds this run (same tasks and versions, same model) is
/// resumed: finished sample-epochs are skipped. At most
/// `options.max_connections` samples are in flight, and samples are read
/// from the datasets only as slots free up, so memory stays bounded at any
/// dataset size. Returns the summary (also written to `summary.json`).
pub async fn run(
    tasks: Vec<Task>,
    provider: Arc<dyn Provider>,
    options: RunOptions,
    progress: Option<Arc<dyn Progress>>,
) -> Result<RunSummary, RunError> {
    let clock = Instant::now();
    check_options(&tasks, &options)?;
    let log = open_or_create(&tasks, provider.as_ref(), &options)?;
    let resumed = log.record_count();
    let done_before = log.completed_digests().clone();
    let is_done = |task: &str, sample: &str, epoch: u32| {
        !done_before.is_empty() && done_before.contains(&key_digest(task, sample, epoch))
    };
    let total: u64 = tasks
        .iter()
        .map(|t| {
            let n = options
                .limit
                .map_or(t.sample_count(), |l| l.min(t.sample_count()));
            n as u64 * u64::from(epochs_of(t, &options))
        })
        .sum();

    let mut tally = Tally::new(&tasks, &options, total, resumed);
    if resumed > 0 {
        tally.add_log(&log)?;
    }
    let mut writer = LogWriter::start(log);

    let shared = Arc::new(Shared {
        tasks,
        provider,
        generate: options.generate.clone(),
        sandbox: options.sandbox.clone(),
    });
    let counters = Counters::default();
    counters.done.store(resumed, Ordering::Relaxed);
    let report = |counters: &Counters| {
        if let Some(p) = &progress {
            p.update(&counters.snapshot(total, shared.provider.as_ref(), clock));
        }
    };
    report(&counters);

    let mut pending = Pending::new();
    let slots = options.max_connections as usize;

    for task_index in 0..shared.tasks.len() {
        let task = &shared.tasks[task_index];
        let epochs = epochs_of(task, &options);
        let task_id = task.spec().id.as_str().to_owned();
        let samples = task.samples()?;
        for (index, sample) in samples.enumerate() {
            if options.limit.is_some_and(|limit| index >= limit) {
                break;
            }
            let sample = match sample {
                Ok(sample) => Arc::new(sample),
                Err(e) => {
                    // The dataset changed since it was loaded: one error
                    // record per epoch under a made-up id; the run goes on.
                    let id = format!("invalid-line-{}", index + 1);
                    for epoch in 1..=epochs {
                        if !is_done(&task_id, &id, epoch) {
                            let record = SampleRecord::failed(&task_id, &id, epoch, e.to_string());
                            pending.batch.push(record);
                        }
                    }
                    continue;
                }
            };
            for epoch in 1..=epochs {
                if is_done(&task_id, sample.id.as_str(), epoch) {
                    continue;
                }
                while pending.in_flight.len() >= slots {
                    pending.collect().await;
                    if pending.flush_due() {
                        pending.flush(&mut writer, &counters, &mut tally).await?;
                        report(&counters);
                    }
                }
                let job = SampleJob {
                    task_index,
                    sample: Arc::clone(&sample),
                    epoch,
                };
                let key = (task_id.clone(), sample.id.as_str().to_owned(), epoch);
                let handle = pending
                    .in_flight
                    .spawn(run_sample(Arc::clone(&shared), job));
                pending.keys.insert(handle.id(), key);
            }
        }
    }
    while !pending.in_flight.is_empty() {
        pending.collect().await;
        if pending.flush_due() {
            pending.flush(&mut writer, &counters, &mut tally).await?;
            report(&counters);
        }
    }
    pending.flush(&mut writer, &counters, &mut tally).await?;
    let log = writer.finish().await?;
    report(&counters);

    let summary = tally.summarise(
        &log,
        &shared.tasks,
        &options,
        shared.provider.as_ref(),
        clock,
    )?;
    let value = serde_json::to_value(&summary)
        .map_err(|e| RunError::Invalid(format!("summary is not serialisable: {e}")))?;
    log.write_summary(&value)?;
    Ok(summary)
}

/// Epochs of `task` in this run.
pub(super) fn epochs_of(task: &Task, options: &RunOptions) -> u32 {
    options.epochs.unwrap_or(task.spec().epochs)
}

fn check_options(tasks: &[Task], options: &RunOptions) -> Result<(), RunError> {
    if tasks.is_empty() {
        return Err(RunError::Invalid("no tasks to run".into()));
    }
    if options.max_connections == 0 {
        return Err(RunError::Invalid(
            "max_connections must be at least 1".into(),
        ));
    }
    if let Some(epochs) = options.epochs {
        if !(1..=MAX_EPOCHS).contains(&epochs) {
            return Err(RunError::Invalid(format!(
                "epochs must be between 1 and {MAX_EPOCHS} (given {epochs})"
            )));
        }
    }
    if options.limit == Some(0) {
        return Err(RunError::Invalid("limit must be at least 1".into()));
    }
    let mut seen = std::collections::HashSet::new();
    for task in tasks {
        if !seen.insert(task.spec().id.as_str()) {
            return Err(RunError::Invalid(format!(
                "task {} appears twice in the run",
                task.spec().id
            )));
        }
    }
    Ok(())
}

/// Creates the run, or reopens it when the directory holds the same run.
fn open_or_create(
    tasks: &[Task],
    provider: &dyn Provider,
    options: &RunOptions,
) -> Result<RunLog, RunError> {
    let refs: Vec<TaskRef> = tasks
        .iter()
        .map(|t| TaskRef {
            id: t.spec().id.as_str().to_owned(),
            version: t.spec().version.clone(),
        })
        .collect();
    if Path::new(&options.run_dir).join(HEADER_FILE).exists() {
        let log = RunLog::open(&options.run_dir)?;
        let header = log.header();
        if header.tasks != refs || header.model != provider.model() {
            return Err(RunError::Invalid(format!(
                "{} holds another run (model {}, tasks {}); choose a new run directory",
                options.run_dir.display(),
                header.model,
                header
                    .tasks
                    .iter()
                    .map(|t| format!("{}@{}", t.id, t.version))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        return Ok(log);
    }
    let header = RunHeader {
        run_id: options.run_id.clone(),
        tasks: refs,
        model: provider.model().to_owned(),
        elicitation: ElicitationSettings {
            epochs: options
                .epochs
                .unwrap_or_else(|| tasks.iter().map(|t| t.spec().epochs).max().unwrap_or(1)),
            temperature: options.generate.temperature,
            max_tokens: options.generate.max_tokens,
            seed: options.generate.seed,
            max_connections: Some(options.max_connections),
            extra: super::profile::elicitation_of(tasks, options),
        },
        started_at: Utc::now(),
        config: json!({
            "suite": options.suite,
            "limit": options.limit,
            "epochs_override": options.epochs,
            "subject": options.subject,
        }),
    };
    Ok(RunLog::create(&options.run_dir, header)?)
}

/// Sample tasks in flight and finished records not yet appended.
struct Pending {
    in_flight: JoinSet<SampleRecord>,
    keys: HashMap<Id, (String, String, u32)>,
    batch: Vec<SampleRecord>,
    oldest: Option<Instant>,
}

impl Pending {
    fn new() -> Self {
        Pending {
            in_flight: JoinSet::new(),
            keys: HashMap::new(),
            batch: Vec::new(),
            oldest: None,
        }
    }

    /// Waits until a sample task finishes or a waiting record is due, then
    /// files every finished record. A panicked sample task becomes an error
    /// record: nothing crashes the run.
    async fn collect(&mut self) {
        let next = match self.oldest {
            None => self.in_flight.join_next_with_id().await,
            Some(oldest) => {
                let due = (oldest + FLUSH_INTERVAL).saturating_duration_since(Instant::now());
                match tokio::time::timeout(due, self.in_flight.join_next_with_id()).await {
                    Ok(next) => next,
                    Err(_) => return,
                }
            }
        };
        if let Some(joined) = next {
            self.file(joined);
        }
        while self.batch.len() < MAX_BATCH {
            match self.in_flight.try_join_next_with_id() {
                Some(joined) => self.file(joined),
                None => break,
            }
        }
    }

    fn file(&mut self, joined: Result<(Id, SampleRecord), tokio::task::JoinError>) {
        let record = match joined {
            Ok((id, record)) => {
                self.keys.remove(&id);
                record
            }
            Err(e) => {
                let Some((task, sample, epoch)) = self.keys.remove(&e.id()) else {
                    return;
                };
                let why = if e.is_panic() {
                    "internal error: the sample's task panicked (a bug in Bulwark; please report it)"
                } else {
                    "the sample's task was cancelled"
                };
                SampleRecord::failed(&task, &sample, epoch, why.to_owned())
            }
        };
        self.batch.push(record);
        self.oldest.get_or_insert_with(Instant::now);
    }

    /// Whether the waiting records should be appended now.
    fn flush_due(&self) -> bool {
        self.batch.len() >= MAX_BATCH
            || self.in_flight.is_empty()
            || self.oldest.is_some_and(|t| t.elapsed() >= FLUSH_INTERVAL)
    }

    /// Hands the waiting records to the log writer, counts and tallies them.
    async fn flush(
        &mut self,
        writer: &mut LogWriter,
        counters: &Counters,
        tally: &mut Tally,
    ) -> Result<(), RunError> {
        if self.batch.is_empty() {
            return Ok(());
        }
        for record in &self.batch {
            counters.count(record);
            tally.add(record);
        }
        self.oldest = None;
        writer.append(std::mem::take(&mut self.batch)).await
    }
}

/// Live counts for progress reports.
#[derive(Default)]
struct Counters {
    done: AtomicU64,
    errors: AtomicU64,
    correct: AtomicU64,
    tokens: AtomicU64,
}

impl Counters {
    fn count(&self, record: &SampleRecord) {
        self.done.fetch_add(1, Ordering::Relaxed);
        if record.error.is_some() {
            self.errors.fetch_add(1, Ordering::Relaxed);
        }
        if record.score.is_some_and(|s| s >= 1.0) {
            self.correct.fetch_add(1, Ordering::Relaxed);
        }
        let TokenUsage { prompt, completion } = record.tokens;
        self.tokens
            .fetch_add(prompt + completion, Ordering::Relaxed);
    }

    fn snapshot(&self, total: u64, provider: &dyn Provider, clock: Instant) -> ProgressSnapshot {
        ProgressSnapshot {
            total,
            done: self.done.load(Ordering::Relaxed),
            errors: self.errors.load(Ordering::Relaxed),
            correct: self.correct.load(Ordering::Relaxed),
            tokens: self.tokens.load(Ordering::Relaxed),
            retries: provider.stats().retries,
            elapsed: clock.elapsed(),
        }
    }
}
