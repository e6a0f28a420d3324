//! Export a run as an Inspect evaluation log (the `.json` log format of
//! inspect-ai 0.3.285, schema version 2), which `inspect view`,
//! `inspect log dump` and `inspect_ai.log.read_eval_log` read.
//!
//! # Mapping
//!
//! | Inspect | Bulwark |
//! |---|---|
//! | `status` | `success` for a complete run, `cancelled` for a partial one, `started` when the run has no summary yet |
//! | `eval.task`, `task_version` | the task id and version (a run of several tasks: the suite, with sample ids `TASK/ID`) |
//! | `eval.model`, `model_generate_config` | the header's model and elicitation settings |
//! | `eval.dataset` | task id, task directory, number of distinct samples |
//! | `eval.config` | epochs; message, token and time limits when the task directory is given |
//! | `plan.steps` | `system_message`, then `prompt_template` + `generate` (single turn) or `use_tools` + `react` (agent, with its tools) |
//! | `results.scores` | the primary scorer with the summary's `accuracy` (or `mean`), `stderr` and 95% interval (and per-category values for several tasks); other scorers computed from the records |
//! | `stats` | run start, last record's end, tokens as `model_usage` |
//! | `samples[]` | one per record: input, target and choices (from the task directory, else the first user message and `""`), messages with tool calls and tool results, output, scores (`C`/`I`, or a number for partial credit), metadata, error, events |
//!
//! A record's epoch is exported 1-based: a run numbered from 0 is shifted
//! by one. Errors count 0 in Bulwark's metrics; an errored sample is
//! exported with its `error` and no score, as Inspect writes one.
//!
//! # Memory
//!
//! The records are streamed twice — once to gather counts, scorer names and
//! tools, once to write each sample as it is read — and never held together.
//! What is kept is one record at a time, the distinct sample keys, and the
//! dataset entries of the task directories given.
//!
//! # File names
//!
//! `inspect view` lists a `.json` log only when its name starts with a
//! timestamp; [`log_file_name`] gives Inspect's own name for the export and
//! [`resolve_out`] uses it when the output is a directory. Any name works
//! for `inspect log dump` and `read_eval_log`.
//!
//! The log is written to a temporary file beside the output and renamed
//! over it at the end, so an interrupted export leaves no half-written log.

mod header;
mod sample;
mod survey;

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use self::header::{suite_name, Plan};
use self::survey::Survey;
use super::dataset_index::DatasetIndex;
use super::run::RunDir;
use super::ExportError;

/// The Inspect log schema version written.
pub const LOG_SCHEMA_VERSION: u32 = 2;

/// The key of the primary score when the exported tasks' primary scorers
/// differ or are unknown.
pub const GENERIC_SCORER: &str = "score";

/// What to export.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct InspectOptions {
    /// Export only this task of the run.
    pub task: Option<String>,
    /// Task directories (or directories of task directories) to read the
    /// samples' original inputs, choices, targets and metadata, and the
    /// tasks' solver, limits and scorers, from. Without them the input is
    /// the first user message and the target is empty.
    pub task_dirs: Vec<PathBuf>,
}

/// What was written.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct InspectExport {
    /// The log file.
    pub path: PathBuf,
    /// The Inspect task name (a task id, or the suite).
    pub task: String,
    /// The Inspect log status.
    pub status: String,
    /// Samples written (one per record).
    pub samples: u64,
    /// Of those, samples that ended in an error.
    pub errors: u64,
    /// Whether the run's samples file ends with an incomplete record (not
    /// exported).
    pub broken_tail: bool,
    /// Things the reader should know (task versions that differ, …).
    pub warnings: Vec<String>,
}

/// Inspect's own name for this export's log file,
/// `{created}_{task}_{run-id}.json` with `_ / : +` in each part replaced by
/// `-` (as inspect-ai's `clean_filename_component` does). `inspect view`
/// lists a `.json` log only when its name starts with such a timestamp.
pub fn log_file_name(run: &RunDir, task: Option<&str>) -> String {
    let clean = |part: &str| part.replace(['_', '/', ':', '+'], "-");
    let created = run
        .header()
        .started_at
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    let task = match task {
        Some(task) => task.to_owned(),
        None => match run.header().tasks.as_slice() {
            [one] => one.id.clone(),
            _ => suite_name(run),
        },
    };
    format!(
        "{}_{}_{}.json",
        clean(&created),
        clean(&task),
        clean(run.run_id())
    )
}

/// Where to write: `out` itself, or [`log_file_name`] inside it when `out`
/// is an existing directory or ends with a path separator.
pub fn resolve_out(out: &Path, run: &RunDir, task: Option<&str>) -> PathBuf {
    let is_dir = out.is_dir()
        || out
            .as_os_str()
            .to_string_lossy()
            .ends_with(std::path::MAIN_SEPARATOR);
    if is_dir {
        out.join(log_file_name(run, task))
    } else {
        out.to_path_buf()
    }
}

/// Whether `inspect view` lists a `.json` log of this file name: it must
/// start with `YYYY-MM-DDTHH[:-]MM[:-]SS`.
pub fn is_listed_by_inspect_view(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy()) else {
        return false;
    };
    let b = name.as_bytes();
    let digits = |range: std::ops::Range<usize>| {
        b.get(range)
            .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
    };
    let sep = |i: usize| matches!(b.get(i), Some(b':' | b'-'));
    name.ends_with(".json")
        && digits(0..4)
        && b.get(4) == Some(&b'-')
        && digits(5..7)
        && b.get(7) == Some(&b'-')
        && digits(8..10)
        && b.get(10) == Some(&b'T')
        && digits(11..13)
        && sep(13)
        && digits(14..16)
        && sep(16)
        && digits(17..19)
}

/// Writes the Inspect log of `run` to `out` (see the module documentation).
/// Refuses a task the run does not have, and task directories that hold
/// none of the run's tasks.
pub fn write_log(
    run: &RunDir,
    out: &Path,
    options: &InspectOptions,
) -> Result<InspectExport, ExportError> {
    let only = options.task.as_deref();
    if let Some(task) = only {
        run.check_task(task)?;
    }
    let mut warnings = Vec::new();
    let index = DatasetIndex::load(&options.task_dirs, run, only, &mut warnings)?;
    let survey = Survey::scan(run, only)?;
    let plan = Plan::new(run, &index, &survey, only);
    if !is_listed_by_inspect_view(out) {
        warnings.push(format!(
            "`inspect view` lists .json logs only when their name starts with a timestamp; {} opens with `inspect log dump` and read_eval_log, and shows in `inspect view` when named like {} (give --out a directory to get that name)",
            out.display(),
            log_file_name(run, only)
        ));
    }
    if survey.broken_tail {
        warnings.push(
            "the samples file ends with an incomplete record (a crash, or the run is still writing); it is not exported".to_owned(),
        );
    }

    let write_error = |source| ExportError::Write {
        path: out.to_path_buf(),
        source,
    };
    let encode_error = |source| ExportError::Encode {
        path: out.to_path_buf(),
        source,
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&parent).map_err(write_error)?;
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    {
        // A log to share and view: readable by others, as a plain file is.
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o644));
    }
    let tmp = builder.tempfile_in(&parent).map_err(write_error)?;
    let mut writer = BufWriter::new(tmp);

    // The header object without its closing brace, then the samples array:
    // Inspect reads the header fields up to `samples`, so samples go last.
    let header = serde_json::to_vec(&plan.header()).map_err(encode_error)?;
    let open = header.strip_suffix(b"}").unwrap_or(&header);
    writer.write_all(open).map_err(write_error)?;
    writer.write_all(b",\"samples\":[").map_err(write_error)?;

    let mut written = 0u64;
    let mut errors = 0u64;
    let mut reader = run.records()?;
    for record in reader.by_ref() {
        let record = record?;
        if only.is_some_and(|t| t != record.task_id) {
            continue;
        }
        if written > 0 {
            writer.write_all(b",").map_err(write_error)?;
        }
        serde_json::to_writer(&mut writer, &plan.sample(&record)).map_err(encode_error)?;
        written += 1;
        if record.error.is_some() {
            errors += 1;
        }
    }
    writer.write_all(b"]}\n").map_err(write_error)?;
    let tmp = writer
        .into_inner()
        .map_err(|e| write_error(e.into_error()))?;
    tmp.as_file().sync_all().map_err(write_error)?;
    tmp.persist(out).map_err(|e| write_error(e.error))?;

    Ok(InspectExport {
        path: out.to_path_buf(),
        task: plan.name.clone(),
        status: plan.status().to_owned(),
        samples: written,
        errors,
        broken_tail: reader.broken_tail(),
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_view_lists_timestamped_json_names_only() {
        let listed = |name: &str| is_listed_by_inspect_view(Path::new(name));
        assert!(listed("logs/2023-11-14T22-13-20-00-00_mc-1_run-1.json"));
        assert!(listed("2023-11-14T22:13:20_x.json"));
        assert!(!listed("run.json"));
        assert!(!listed("2023-11-14T22-13-20-00-00_mc-1_run-1.eval"));
        assert!(!listed("2023-11-14 22-13-20_x.json"));
    }
}
