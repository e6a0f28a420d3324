//! [`RunDir`]: a run directory opened read-only; [`list_runs`] and
//! [`resolve_run`] over a log directory.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::metric_key::MetricKey;
use super::ExportError;
use crate::runlog::{
    RecordReader, RunHeader, SampleRecord, TokenUsage, HEADER_FILE, SAMPLES_FILE, SUMMARY_FILE,
};
use crate::runner::RunSummary;
use crate::stats::MetricSummary;

/// How many run ids an [`ExportError::UnknownRun`] names.
const KNOWN_RUNS_SHOWN: usize = 10;

/// A run directory opened read-only: the header, the summary when the run
/// finished, and streaming access to the sample records. Nothing is written,
/// so a run still in progress can be looked at.
#[derive(Debug, Clone)]
pub struct RunDir {
    dir: PathBuf,
    header: RunHeader,
    summary: Option<RunSummary>,
}

/// What streaming the records found (without keeping them).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RecordStats {
    /// Records (finished sample-epochs).
    pub records: u64,
    /// Records that ended in an error.
    pub errors: u64,
    /// Records with a score.
    pub scored: u64,
    /// Records that scored 1.
    pub correct: u64,
    /// Sum of the scores (errors count 0).
    pub score_sum: f64,
    /// Tokens of all records.
    pub tokens: TokenUsage,
    /// When the earliest record started.
    pub first_started: Option<DateTime<Utc>>,
    /// When the latest record finished.
    pub last_finished: Option<DateTime<Utc>>,
    /// Whether the samples file ends with an incomplete record (a crash or a
    /// run still writing); the incomplete record is not counted.
    pub broken_tail: bool,
}

impl RecordStats {
    /// Mean score over the records, an error counting 0 (as the run's
    /// metrics count it); `None` without records.
    pub fn mean_score(&self) -> Option<f64> {
        (self.records > 0).then(|| self.score_sum / self.records as f64)
    }
}

/// The record [`RunDir::find_sample`] found.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleMatch {
    /// The record of the epoch asked for (the lowest epoch when none was).
    pub record: SampleRecord,
    /// Every epoch recorded for this sample of this task, ascending.
    pub epochs: Vec<u32>,
    /// Whether the samples file ends with an incomplete record.
    pub broken_tail: bool,
}

/// One line of `bulwark eval list`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunListing {
    /// The run id (the directory name when the header is unreadable).
    pub run_id: String,
    /// The run directory.
    pub dir: PathBuf,
    /// The model.
    pub model: Option<String>,
    /// The task ids.
    pub tasks: Vec<String>,
    /// `complete` or `partial` (from the summary), `incomplete` (no summary:
    /// running or interrupted) or `unreadable`.
    pub status: String,
    /// Finished sample-epochs.
    pub done: u64,
    /// Sample-epochs in the run, known once the summary is written.
    pub total: Option<u64>,
    /// Sample-epochs that ended in an error.
    pub errors: u64,
    /// The overall accuracy (the summary's, else the mean score so far).
    pub accuracy: Option<f64>,
    /// When the run started.
    pub started_at: Option<DateTime<Utc>>,
    /// Why the run could not be read, for `unreadable` runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The fields of a record that statistics need; the transcript is skipped.
#[derive(Deserialize)]
struct RecordLite {
    score: Option<f64>,
    error: Option<String>,
    task_id: String,
    #[serde(default)]
    tokens: TokenUsage,
    started_at: DateTime<Utc>,
    finished_at: DateTime<Utc>,
}

impl RunDir {
    /// Opens the run in `dir`: reads `header.json` (refusing other format
    /// versions) and `summary.json` when present. Refuses a directory
    /// without a header ([`ExportError::NotARun`]) and a summary that is not
    /// a [`RunSummary`].
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, ExportError> {
        let dir = dir.as_ref().to_path_buf();
        let header_path = dir.join(HEADER_FILE);
        if !header_path.is_file() {
            return Err(ExportError::NotARun { path: dir });
        }
        let header = RunHeader::read(&header_path)?;
        let summary_path = dir.join(SUMMARY_FILE);
        let summary = if summary_path.is_file() {
            let bytes = std::fs::read(&summary_path)
                .map_err(|e| crate::runlog::RunLogError::io(&summary_path, e))?;
            Some(
                serde_json::from_slice::<RunSummary>(&bytes).map_err(|source| {
                    ExportError::Summary {
                        path: summary_path,
                        source,
                    }
                })?,
            )
        } else {
            None
        };
        Ok(Self {
            dir,
            header,
            summary,
        })
    }

    /// The run directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The header.
    pub fn header(&self) -> &RunHeader {
        &self.header
    }

    /// The summary, once the run has finished.
    pub fn summary(&self) -> Option<&RunSummary> {
        self.summary.as_ref()
    }

    /// The run id.
    pub fn run_id(&self) -> &str {
        &self.header.run_id
    }

    /// The ids of the run's tasks, in header order.
    pub fn task_ids(&self) -> Vec<String> {
        self.header.tasks.iter().map(|t| t.id.clone()).collect()
    }

    /// `complete` / `partial` from the summary, else `incomplete`.
    pub fn status(&self) -> &str {
        self.summary
            .as_ref()
            .map_or("incomplete", |s| s.status.as_str())
    }

    /// Checks that `task` is one of the run's tasks.
    pub fn check_task(&self, task: &str) -> Result<(), ExportError> {
        if self.header.tasks.iter().any(|t| t.id == task) {
            Ok(())
        } else {
            Err(ExportError::UnknownTask {
                run: self.header.run_id.clone(),
                task: task.to_owned(),
                known: self.task_ids(),
            })
        }
    }

    /// Streams the sample records in the order they were appended.
    pub fn records(&self) -> Result<RecordReader, ExportError> {
        Ok(RecordReader::open(self.dir.join(SAMPLES_FILE))?)
    }

    /// Counts, scores, tokens and times of the records (of `task` only,
    /// when given), streamed without keeping the records.
    pub fn record_stats(&self, task: Option<&str>) -> Result<RecordStats, ExportError> {
        let mut stats = RecordStats::default();
        let mut reader = self.records()?;
        while let Some(record) = reader.next_as::<RecordLite>() {
            let record = record?;
            if task.is_some_and(|t| t != record.task_id) {
                continue;
            }
            stats.records += 1;
            if record.error.is_some() {
                stats.errors += 1;
            }
            if let Some(score) = record.score {
                stats.scored += 1;
                stats.score_sum += score;
                if score >= 1.0 {
                    stats.correct += 1;
                }
            }
            stats.tokens.prompt += record.tokens.prompt;
            stats.tokens.completion += record.tokens.completion;
            stats.first_started = Some(
                stats
                    .first_started
                    .map_or(record.started_at, |t| t.min(record.started_at)),
            );
            stats.last_finished = Some(
                stats
                    .last_finished
                    .map_or(record.finished_at, |t| t.max(record.finished_at)),
            );
        }
        stats.broken_tail = reader.broken_tail();
        Ok(stats)
    }

    /// Finds the record of `sample` (in `task`, at `epoch`; the lowest epoch
    /// when none is given). A sample id found in several tasks without a
    /// `task` is [`ExportError::AmbiguousSample`].
    pub fn find_sample(
        &self,
        sample: &str,
        epoch: Option<u32>,
        task: Option<&str>,
    ) -> Result<SampleMatch, ExportError> {
        if let Some(task) = task {
            self.check_task(task)?;
        }
        let mut tasks = BTreeSet::new();
        let mut epochs = BTreeSet::new();
        let mut best: Option<SampleRecord> = None;
        let mut reader = self.records()?;
        for record in reader.by_ref() {
            let record = record?;
            if record.sample_id != sample || task.is_some_and(|t| t != record.task_id) {
                continue;
            }
            tasks.insert(record.task_id.clone());
            epochs.insert((record.task_id.clone(), record.epoch));
            // Several tasks are refused below, so epochs compare within one.
            let keep = match epoch {
                Some(e) => record.epoch == e && best.is_none(),
                None => best.as_ref().is_none_or(|b| record.epoch < b.epoch),
            };
            if keep {
                best = Some(record);
            }
        }
        if tasks.len() > 1 {
            return Err(ExportError::AmbiguousSample {
                run: self.header.run_id.clone(),
                sample: sample.to_owned(),
                tasks: tasks.into_iter().collect(),
            });
        }
        let record = best.ok_or_else(|| ExportError::UnknownSample {
            run: self.header.run_id.clone(),
            sample: sample.to_owned(),
            epoch,
            task: task.map(str::to_owned),
        })?;
        let epochs = epochs
            .into_iter()
            .filter(|(t, _)| *t == record.task_id)
            .map(|(_, e)| e)
            .collect();
        Ok(SampleMatch {
            record,
            epochs,
            broken_tail: reader.broken_tail(),
        })
    }

    /// The run-wide headline metric of the summary: `overall.accuracy`, else
    /// the first `overall` metric.
    pub fn overall_metric(&self) -> Option<(&str, &MetricSummary)> {
        let metrics = &self.summary.as_ref()?.metrics;
        let overall = metrics
            .iter()
            .filter(|(name, _)| MetricKey::parse(name).is_some_and(|k| k.is_overall()));
        let mut first = None;
        for (name, metric) in overall {
            if MetricKey::parse(name).is_some_and(|k| k.metric == "accuracy") {
                return Some((name.as_str(), metric));
            }
            first.get_or_insert((name.as_str(), metric));
        }
        first
    }

    /// What `bulwark eval list` shows of this run; streams the records only
    /// when there is no summary yet.
    pub fn listing(&self) -> Result<RunListing, ExportError> {
        let (done, total, errors, accuracy) = match &self.summary {
            Some(summary) => (
                summary.counts.completed,
                Some(summary.counts.total),
                summary.counts.errors,
                self.overall_metric().map(|(_, m)| m.value),
            ),
            None => {
                let stats = self.record_stats(None)?;
                (stats.records, None, stats.errors, stats.mean_score())
            }
        };
        Ok(RunListing {
            run_id: self.header.run_id.clone(),
            dir: self.dir.clone(),
            model: Some(self.header.model.clone()),
            tasks: self.task_ids(),
            status: self.status().to_owned(),
            done,
            total,
            errors,
            accuracy,
            started_at: Some(self.header.started_at),
            error: None,
        })
    }
}

/// The run directories directly under `log_dir` (those holding a
/// `header.json`), sorted by name.
fn run_dirs(log_dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    if !log_dir.is_dir() {
        return Err(ExportError::NoLogDir {
            path: log_dir.to_path_buf(),
        });
    }
    let read_error = |source| ExportError::ReadLogDir {
        path: log_dir.to_path_buf(),
        source,
    };
    let mut dirs = Vec::new();
    for entry in std::fs::read_dir(log_dir).map_err(read_error)? {
        let path = entry.map_err(read_error)?.path();
        if path.join(HEADER_FILE).is_file() {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// Lists the runs of `log_dir`, newest first. A run whose files cannot be
/// read is listed as `unreadable` with the reason, not skipped and not fatal.
pub fn list_runs(log_dir: &Path) -> Result<Vec<RunListing>, ExportError> {
    let mut runs: Vec<RunListing> = run_dirs(log_dir)?
        .into_iter()
        .map(
            |dir| match RunDir::open(&dir).and_then(|run| run.listing()) {
                Ok(listing) => listing,
                Err(e) => RunListing {
                    run_id: dir
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                    dir,
                    model: None,
                    tasks: Vec::new(),
                    status: "unreadable".into(),
                    done: 0,
                    total: None,
                    errors: 0,
                    accuracy: None,
                    started_at: None,
                    error: Some(super::error_chain(&e)),
                },
            },
        )
        .collect();
    runs.sort_by(|a, b| {
        b.started_at
            .cmp(&a.started_at)
            .then_with(|| a.run_id.cmp(&b.run_id))
    });
    Ok(runs)
}

/// Finds a run: `run` is a run id under `log_dir`, or the path of a run
/// directory.
pub fn resolve_run(log_dir: &Path, run: &str) -> Result<RunDir, ExportError> {
    let under = log_dir.join(run);
    if under.join(HEADER_FILE).is_file() {
        return RunDir::open(under);
    }
    let path = Path::new(run);
    if path.join(HEADER_FILE).is_file() {
        return RunDir::open(path);
    }
    if path.is_dir() && (path.is_absolute() || run.contains('/') || run.starts_with('.')) {
        return Err(ExportError::NotARun {
            path: path.to_path_buf(),
        });
    }
    let known = run_dirs(log_dir)?
        .iter()
        .filter_map(|d| d.file_name().map(|n| n.to_string_lossy().into_owned()))
        .take(KNOWN_RUNS_SHOWN)
        .collect();
    Err(ExportError::UnknownRun {
        run: run.to_owned(),
        log_dir: log_dir.to_path_buf(),
        known,
    })
}
