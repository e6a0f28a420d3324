//! From the run log to the summary: epochs reduced per sample, metrics per
//! task, per category and overall, and the capability profile.
//!
//! Records are tallied as the run files them (a resumed run first tallies
//! what earlier processes logged); only one small score list per sample is
//! held.
//! Samples whose every epoch failed are left out of the metrics (as Inspect
//! does) and counted as errors; the profile says how many.

use std::collections::{BTreeMap, HashMap};

use std::time::Instant;

use crate::provider::Provider;
use crate::runlog::{key_digest, RunLog, SampleRecord, TokenUsage};
use crate::stats::{
    by_category_of_clusters, summarize_scores, ClusterScores, MetricSummary, Reducer,
};
use crate::task::{ReducerSpec, Task};

use super::execute::{epochs_of, RunError};
use super::options::RunOptions;
use super::profile::{build_profile, metric_name};
use super::summary::{RunCounts, RunSummary, Throughput};

/// The stats reducer for a task's reducer spec.
pub fn reducer_of(spec: ReducerSpec) -> Reducer {
    match spec {
        ReducerSpec::Mean => Reducer::Mean,
        ReducerSpec::Max => Reducer::Max,
        ReducerSpec::PassAtK { k } => Reducer::PassAtK(k),
        ReducerSpec::AtLeastK { k } => Reducer::AtLeastK(k),
    }
}

/// The running tally of a run: one reduced score list per task, counts,
/// tokens and the first error. It is fed every record as the run files it
/// (and, on resume, the records already in the log), so the summary never
/// has to read the log back.
pub(super) struct Tally {
    /// Task id → index into the run's tasks.
    task_index: HashMap<String, usize>,
    /// Whether each task has more than one epoch in this run.
    multi_epoch: Vec<bool>,
    /// Per task, one score per single-epoch sample.
    reduced: Vec<Vec<f64>>,
    /// Scores of several-epoch samples, keyed by a digest of the sample id,
    /// reduced at the end. Only numbers are held, never ids.
    epochs: HashMap<(usize, u128), Vec<f64>>,
    counts: RunCounts,
    tokens: TokenUsage,
    first_error: Option<String>,
}

impl Tally {
    /// An empty tally for `tasks`, expecting `total` sample-epochs of which
    /// `resumed` were done by earlier processes.
    pub(super) fn new(tasks: &[Task], options: &RunOptions, total: u64, resumed: u64) -> Self {
        Tally {
            task_index: tasks
                .iter()
                .enumerate()
                .map(|(i, t)| (t.spec().id.as_str().to_owned(), i))
                .collect(),
            multi_epoch: tasks.iter().map(|t| epochs_of(t, options) > 1).collect(),
            reduced: vec![Vec::new(); tasks.len()],
            epochs: HashMap::new(),
            counts: RunCounts {
                total,
                resumed,
                ..RunCounts::default()
            },
            tokens: TokenUsage::default(),
            first_error: None,
        }
    }

    /// Adds every record already in `log` (a resumed run).
    pub(super) fn add_log(&mut self, log: &RunLog) -> Result<(), RunError> {
        for record in log.records()? {
            self.add(&record?);
        }
        Ok(())
    }

    /// Adds one finished sample-epoch.
    pub(super) fn add(&mut self, record: &SampleRecord) {
        self.counts.completed += 1;
        self.tokens.prompt += record.tokens.prompt;
        self.tokens.completion += record.tokens.completion;
        let Some(&index) = self.task_index.get(record.task_id.as_str()) else {
            return;
        };
        match (record.score, &record.error) {
            (Some(score), None) => {
                if score >= 1.0 {
                    self.counts.correct += 1;
                }
                if self.multi_epoch[index] {
                    let key = (index, key_digest("", &record.sample_id, 0));
                    self.epochs.entry(key).or_default().push(score);
                } else {
                    self.reduced[index].push(score);
                }
            }
            (_, error) => {
                self.counts.errors += 1;
                if self.first_error.is_none() {
                    self.first_error = error.clone();
                }
            }
        }
    }

    /// The summary of the run in `log`: epochs reduced, metrics per task,
    /// per category and overall, throughput since `clock`, the profile.
    pub(super) fn summarise(
        self,
        log: &RunLog,
        tasks: &[Task],
        options: &RunOptions,
        provider: &dyn Provider,
        clock: Instant,
    ) -> Result<RunSummary, RunError> {
        let Tally {
            mut reduced,
            epochs,
            counts,
            tokens,
            first_error,
            ..
        } = self;
        let resumed = counts.resumed;
        let total = counts.total;
        for ((index, _), scores) in epochs {
            let task = &tasks[index];
            let value = reducer_of(task.spec().reducer)
                .reduce(&scores)
                // pass@k needs k epochs; samples that errored in some have fewer.
                .or_else(|_| Reducer::Mean.reduce(&scores))
                .map_err(|e| RunError::Invalid(format!("task {}: {e}", task.spec().id)))?;
            reduced[index].push(value);
        }

        let suite = metric_safe(&options.suite);
        // Every task is a cluster; its scores are summarized where they lie.
        let clusters: Vec<ClusterScores<'_>> = reduced
            .iter()
            .enumerate()
            .map(|(index, values)| (tasks[index].spec().category.as_str(), values.as_slice()))
            .collect();
        if clusters.iter().all(|(_, values)| values.is_empty()) {
            return Err(RunError::NothingScored(
                first_error.unwrap_or_else(|| "no samples were run".into()),
            ));
        }

        let mut metrics: BTreeMap<String, MetricSummary> = BTreeMap::new();
        let grouped =
            by_category_of_clusters(&clusters).map_err(|e| RunError::Invalid(e.to_string()))?;
        for (group, summary) in grouped {
            metrics.insert(metric_name(&suite, &group, &summary.name), summary);
        }
        for (index, values) in reduced.iter().enumerate() {
            if values.is_empty() {
                continue;
            }
            let id = tasks[index].spec().id.as_str();
            let summary = summarize_scores(values).map_err(|e| RunError::Invalid(e.to_string()))?;
            let group = format!("task/{id}");
            metrics.insert(metric_name(&suite, &group, &summary.name), summary);
        }

        let wall = clock.elapsed().as_secs_f64();
        let this_process = counts.completed.saturating_sub(resumed);
        let throughput = Throughput {
            wall_seconds: wall,
            samples_per_second: if wall > 0.0 {
                this_process as f64 / wall
            } else {
                0.0
            },
            log_bytes_per_sample: log.bytes_per_sample(),
        };
        let status = if counts.completed >= total {
            "complete"
        } else {
            "partial"
        };
        let profile = build_profile(tasks, options, provider.model(), &metrics, &counts)
            .map_err(|e| RunError::Invalid(format!("capability profile: {e}")))?;
        Ok(RunSummary {
            run_id: log.header().run_id.clone(),
            run_dir: log.dir().display().to_string(),
            model: provider.model().to_owned(),
            status: status.to_owned(),
            counts,
            metrics,
            tokens,
            provider: serde_json::to_value(provider.stats()).unwrap_or_default(),
            throughput,
            profile,
        })
    }
}

/// A suite name usable in metric names (`A-Z a-z 0-9 _ . / : -`).
fn metric_safe(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-') {
                c
            } else {
                '-'
            }
        })
        .collect();
    if cleaned.is_empty() {
        "run".to_owned()
    } else {
        cleaned
    }
}
