//! Reading finished (or interrupted) run directories and exporting them to
//! other tools' formats (DESIGN §4.2: "can export logs that `inspect view`
//! opens").
//!
//! [`RunDir`] opens a run directory written by [`crate::runlog::RunLog`]
//! read-only: unlike [`crate::runlog::RunLog::open`] it never cuts a broken
//! tail or creates a file, so `bulwark eval show` and `export` can look at a
//! run that is still being written. [`list_runs`] lists the runs of a log
//! directory and [`resolve_run`] finds one by id or path.
//!
//! [`inspect`] writes an Inspect (`inspect-ai`) evaluation log in its JSON
//! format, streaming the samples so memory stays bounded by one record.

pub mod inspect;

mod dataset_index;
mod metric_key;
mod run;
mod task_facts;

use std::path::PathBuf;
use std::str::FromStr;

pub use metric_key::MetricKey;
pub use run::{list_runs, resolve_run, RecordStats, RunDir, RunListing, SampleMatch};

use crate::runlog::RunLogError;
use crate::task::TaskError;

/// The log directory of `bulwark eval run` when `--log-dir` is not given,
/// relative to the current directory.
pub const DEFAULT_LOG_DIR: &str = "bulwark-runs";

/// Why a run could not be listed, shown or exported. Every message names the
/// run, directory or file concerned.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The log directory does not exist or is not a directory.
    #[error("log directory {} does not exist or is not a directory (runs are kept in <log-dir>/<run-id>; pass --log-dir)", path.display())]
    NoLogDir {
        /// The directory.
        path: PathBuf,
    },
    /// The log directory could not be read.
    #[error("cannot read log directory {}", path.display())]
    ReadLogDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Neither `<log-dir>/<run>` nor the path `<run>` is a run directory.
    #[error("no run `{run}` in {}{}", log_dir.display(), known_runs(known))]
    UnknownRun {
        /// The run as given.
        run: String,
        /// The log directory searched.
        log_dir: PathBuf,
        /// Some of the runs that do exist there.
        known: Vec<String>,
    },
    /// The directory exists but holds no `header.json`.
    #[error("{} is not a run directory: it has no header.json", path.display())]
    NotARun {
        /// The directory.
        path: PathBuf,
    },
    /// The header or the sample log could not be read (corrupt, foreign
    /// format version, unreadable).
    #[error(transparent)]
    RunLog(#[from] RunLogError),
    /// `summary.json` exists but is not a run summary.
    #[error("run log {}: summary.json is not a run summary", path.display())]
    Summary {
        /// The summary file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
    /// No record of the run has this sample id (and epoch, and task).
    #[error("run {run} has no sample `{sample}`{}{}", epoch.map(|e| format!(" at epoch {e}")).unwrap_or_default(), task.as_ref().map(|t| format!(" in task {t}")).unwrap_or_default())]
    UnknownSample {
        /// The run id.
        run: String,
        /// The sample id asked for.
        sample: String,
        /// The epoch asked for.
        epoch: Option<u32>,
        /// The task asked for.
        task: Option<String>,
    },
    /// The sample id exists in more than one task of the run.
    #[error("sample `{sample}` is in several tasks of run {run} ({}): choose one with --task", tasks.join(", "))]
    AmbiguousSample {
        /// The run id.
        run: String,
        /// The sample id.
        sample: String,
        /// The tasks holding it.
        tasks: Vec<String>,
    },
    /// The run did not evaluate this task.
    #[error("run {run} has no task `{task}` (its tasks: {})", known.join(", "))]
    UnknownTask {
        /// The run id.
        run: String,
        /// The task asked for.
        task: String,
        /// The run's tasks.
        known: Vec<String>,
    },
    /// The export format is not one this build writes.
    #[error("unknown export format `{0}` (expected: inspect)")]
    UnknownFormat(String),
    /// A task directory given for targets and inputs could not be loaded.
    #[error("task directory {}", path.display())]
    TaskDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: TaskError,
    },
    /// A directory given with `--task-dir` could not be read.
    #[error("cannot read task directory {}", path.display())]
    ReadTaskDir {
        /// The directory.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A directory given with `--task-dir` holds no task of this run.
    #[error("{} holds no task of run {run} (looked for task.toml there and one level below; the run's tasks: {})", path.display(), tasks.join(", "))]
    NoMatchingTaskDir {
        /// The directory.
        path: PathBuf,
        /// The run id.
        run: String,
        /// The run's tasks.
        tasks: Vec<String>,
    },
    /// The output file could not be written.
    #[error("cannot write {}", path.display())]
    Write {
        /// The output file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A value could not be encoded as JSON.
    #[error("cannot encode the export of {}", path.display())]
    Encode {
        /// The output file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: serde_json::Error,
    },
}

/// `error` and its causes, joined by `: ` (the messages of this module
/// leave the cause to the source chain).
pub fn error_chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        text.push_str(": ");
        text.push_str(&e.to_string());
        cause = e.source();
    }
    text
}

/// " (runs there: a, b, c)" or a hint when there are none.
fn known_runs(known: &[String]) -> String {
    if known.is_empty() {
        " (it holds no runs; give a run id or the path of a run directory)".to_owned()
    } else {
        format!(" (runs there: {})", known.join(", "))
    }
}

/// The formats [`ExportFormat::from_str`] accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// An Inspect evaluation log (JSON), see [`inspect`].
    Inspect,
}

impl FromStr for ExportFormat {
    type Err = ExportError;

    /// `inspect`; anything else is [`ExportError::UnknownFormat`].
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "inspect" => Ok(Self::Inspect),
            _ => Err(ExportError::UnknownFormat(s.to_owned())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_formats_and_refuses_others() {
        assert_eq!(
            "inspect".parse::<ExportFormat>().ok(),
            Some(ExportFormat::Inspect)
        );
        assert_eq!(
            "Inspect".parse::<ExportFormat>().ok(),
            Some(ExportFormat::Inspect)
        );
        let err = "csv".parse::<ExportFormat>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "unknown export format `csv` (expected: inspect)"
        );
    }

    #[test]
    fn unknown_run_lists_what_exists() {
        let err = ExportError::UnknownRun {
            run: "r9".into(),
            log_dir: PathBuf::from("runs"),
            known: vec!["r1".into(), "r2".into()],
        };
        assert_eq!(err.to_string(), "no run `r9` in runs (runs there: r1, r2)");
    }
}
