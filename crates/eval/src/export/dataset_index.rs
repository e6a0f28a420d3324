//! [`DatasetIndex`]: what a run's records do not carry — each sample's
//! original input, choices, target and metadata, and the task definitions —
//! read from the task directories the caller names.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde_json::{Map, Value};

use super::run::RunDir;
use super::ExportError;
use crate::task::{Task, TaskSpec, TASK_TOML};

/// A sample as the dataset has it, in Inspect's shapes.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DatasetEntry {
    /// A string, or a list of `{role, content}` messages.
    pub input: Value,
    /// The choices, possibly none.
    pub choices: Vec<String>,
    /// A string or a list of strings (`""` when the sample has none).
    pub target: Value,
    /// The sample's metadata.
    pub metadata: Map<String, Value>,
}

/// The task definitions and dataset entries of a run's tasks.
#[derive(Debug, Default)]
pub(crate) struct DatasetIndex {
    specs: HashMap<String, (TaskSpec, PathBuf)>,
    samples: HashMap<(String, String), DatasetEntry>,
}

impl DatasetIndex {
    /// Loads every task of `run` (of `only`, when given) found in `dirs`:
    /// each is a task directory or a directory of task directories. A task
    /// whose version differs from the run's adds a warning. A directory
    /// holding none of the run's tasks is an error (a wrong path should not
    /// pass silently).
    pub fn load(
        dirs: &[PathBuf],
        run: &RunDir,
        only: Option<&str>,
        warnings: &mut Vec<String>,
    ) -> Result<Self, ExportError> {
        let mut index = Self::default();
        let wanted = |id: &str| only.is_none_or(|t| t == id) && run.check_task(id).is_ok();
        for dir in dirs {
            let candidates = task_dirs_in(dir)?;
            let mut matched = false;
            for candidate in candidates {
                let toml_path = candidate.join(TASK_TOML);
                let text = std::fs::read_to_string(&toml_path).map_err(|source| {
                    ExportError::ReadTaskDir {
                        path: toml_path.clone(),
                        source,
                    }
                })?;
                let spec =
                    TaskSpec::parse(&text, &toml_path).map_err(|source| ExportError::TaskDir {
                        path: candidate.clone(),
                        source,
                    })?;
                let id = spec.id.as_str().to_owned();
                if !wanted(&id) {
                    continue;
                }
                matched = true;
                index.add_task(&candidate, &id, run, warnings)?;
            }
            if !matched {
                return Err(ExportError::NoMatchingTaskDir {
                    path: dir.clone(),
                    run: run.run_id().to_owned(),
                    tasks: run.task_ids(),
                });
            }
        }
        Ok(index)
    }

    /// Loads one task directory and indexes its samples.
    fn add_task(
        &mut self,
        dir: &Path,
        id: &str,
        run: &RunDir,
        warnings: &mut Vec<String>,
    ) -> Result<(), ExportError> {
        let task_error = |source| ExportError::TaskDir {
            path: dir.to_path_buf(),
            source,
        };
        let task = Task::load(dir).map_err(task_error)?;
        let recorded = run.header().tasks.iter().find(|t| t.id == id);
        if let Some(recorded) = recorded {
            if recorded.version != task.spec().version {
                warnings.push(format!(
                    "task {id}: the run used version {} but {} holds version {}; inputs and targets may differ",
                    recorded.version,
                    dir.display(),
                    task.spec().version
                ));
            }
        }
        for sample in task.samples().map_err(task_error)? {
            let sample = sample.map_err(task_error)?;
            let target = if sample.target.values().is_empty() {
                Value::String(String::new())
            } else {
                to_json(&sample.target)
            };
            self.samples.insert(
                (id.to_owned(), sample.id.as_str().to_owned()),
                DatasetEntry {
                    input: to_json(&sample.input),
                    choices: sample.choices.clone(),
                    target,
                    metadata: sample.metadata.clone(),
                },
            );
        }
        self.specs
            .insert(id.to_owned(), (task.spec().clone(), dir.to_path_buf()));
        Ok(())
    }

    /// The dataset entry of `sample` of `task`.
    pub fn sample(&self, task: &str, sample: &str) -> Option<&DatasetEntry> {
        self.samples.get(&(task.to_owned(), sample.to_owned()))
    }

    /// The definition of `task` and its directory.
    pub fn spec(&self, task: &str) -> Option<&(TaskSpec, PathBuf)> {
        self.specs.get(task)
    }
}

/// `value` as JSON. Inputs and targets serialise to plain strings, lists
/// and objects, so this cannot fail; a failure would give `null`, never a
/// panic.
fn to_json<T: serde::Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

/// `dir` itself when it holds a `task.toml`, else its sub-directories that
/// do, sorted.
fn task_dirs_in(dir: &Path) -> Result<Vec<PathBuf>, ExportError> {
    if dir.join(TASK_TOML).is_file() {
        return Ok(vec![dir.to_path_buf()]);
    }
    let io_error = |source| ExportError::ReadTaskDir {
        path: dir.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io_error)? {
        let path = entry.map_err(io_error)?.path();
        if path.join(TASK_TOML).is_file() {
            found.push(path);
        }
    }
    found.sort();
    Ok(found)
}
