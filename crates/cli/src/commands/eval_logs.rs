//! `bulwark eval list | show | export`: reading the run directories that
//! `bulwark eval run` writes (`<log-dir>/<run-id>`), read-only.
use anyhow::{Context, Result};
use bulwark_eval::export::inspect::{self, InspectOptions};
use bulwark_eval::export::{
    list_runs, resolve_run, ExportFormat, MetricKey, RunDir, SampleMatch, DEFAULT_LOG_DIR,
};
use bulwark_eval::provider::{Message, Role};
use bulwark_eval::stats::MetricSummary;
use bulwark_eval::transcript::{Event, Transcript};
use serde_json::json;
use std::collections::HashMap;
use std::path::PathBuf;

use crate::output::{print_json, when, Table};

/// Characters of one message or tool output printed before it is cut
/// (`--json` prints everything).
const MAX_PRINTED_CHARS: usize = 4000;
/// Task ids listed per run before `+N`.
const TASKS_SHOWN: usize = 3;

/// `bulwark eval list`
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Directory holding the runs, one sub-directory per run.
    #[arg(long, default_value = DEFAULT_LOG_DIR)]
    log_dir: PathBuf,
    /// Print the runs as JSON.
    #[arg(long)]
    json: bool,
}

/// `bulwark eval show`
#[derive(Debug, clap::Args)]
pub struct ShowArgs {
    /// The run: its id under --log-dir, or the path of a run directory.
    run: String,
    /// Show this sample: its answer, score, error and transcript.
    #[arg(long)]
    sample: Option<String>,
    /// The sample's epoch (default: the first one recorded).
    #[arg(long, requires = "sample")]
    epoch: Option<u32>,
    /// The sample's task, when several tasks of the run have this sample id.
    #[arg(long, requires = "sample")]
    task: Option<String>,
    /// Directory holding the runs.
    #[arg(long, default_value = DEFAULT_LOG_DIR)]
    log_dir: PathBuf,
    /// Print JSON (the header and summary, or the whole sample record).
    #[arg(long)]
    json: bool,
}

/// `bulwark eval export`
#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// The run: its id under --log-dir, or the path of a run directory.
    run: String,
    /// Output format: `inspect` (an Inspect evaluation log in JSON, which
    /// `inspect view`, `inspect log dump` and `read_eval_log` read).
    #[arg(long)]
    format: String,
    /// The file to write; or a directory (existing, or ending in `/`) to
    /// write Inspect's own file name into, `<created>_<task>_<run>.json`,
    /// which `inspect view --log-dir DIR` lists (it lists .json logs only
    /// under such names).
    #[arg(long)]
    out: PathBuf,
    /// Export only this task of the run.
    #[arg(long)]
    task: Option<String>,
    /// A task directory, or a directory of task directories, to take the
    /// samples' inputs, choices and targets from (the run log does not keep
    /// them). Repeatable.
    #[arg(long = "task-dir")]
    task_dirs: Vec<PathBuf>,
    /// Directory holding the runs.
    #[arg(long, default_value = DEFAULT_LOG_DIR)]
    log_dir: PathBuf,
    /// Print the result as JSON.
    #[arg(long)]
    json: bool,
}

/// `bulwark eval list`: the runs of the log directory, newest first.
pub fn list(args: ListArgs) -> Result<()> {
    let runs = list_runs(&args.log_dir)?;
    if args.json {
        return print_json(&runs);
    }
    let mut table = Table::new(&[
        "run", "model", "tasks", "status", "done", "accuracy", "started",
    ]);
    for run in &runs {
        let tasks = if run.tasks.len() > TASKS_SHOWN {
            format!(
                "{} +{}",
                run.tasks[..TASKS_SHOWN].join(","),
                run.tasks.len() - TASKS_SHOWN
            )
        } else {
            run.tasks.join(",")
        };
        let done = match run.total {
            Some(total) => format!("{}/{}", run.done, total),
            None => run.done.to_string(),
        };
        table.row(vec![
            run.run_id.clone(),
            run.model.clone().unwrap_or_else(|| "-".into()),
            tasks,
            run.status.clone(),
            done,
            run.accuracy
                .map_or_else(|| "-".into(), |a| format!("{a:.3}")),
            run.started_at.as_ref().map_or_else(|| "-".into(), when),
        ]);
    }
    table.print(&format!("no runs in {}", args.log_dir.display()));
    for run in runs.iter().filter_map(|r| r.error.as_ref().map(|e| (r, e))) {
        eprintln!("warning: run {} is unreadable: {}", run.0.run_id, run.1);
    }
    Ok(())
}

/// `bulwark eval show`: a run's header, counts and metrics, or one sample.
pub fn show(args: ShowArgs) -> Result<()> {
    let run = resolve_run(&args.log_dir, &args.run)?;
    match &args.sample {
        Some(sample) => {
            let found = run.find_sample(sample, args.epoch, args.task.as_deref())?;
            if found.broken_tail {
                warn_broken_tail(&run);
            }
            if args.json {
                print_json(&json!({"record": found.record, "epochs": found.epochs}))
            } else {
                print_sample(&found);
                Ok(())
            }
        }
        None => show_run(&run, args.json),
    }
}

/// `bulwark eval export`: writes the run in another tool's format.
pub fn export(args: ExportArgs) -> Result<()> {
    let format: ExportFormat = args.format.parse()?;
    let run = resolve_run(&args.log_dir, &args.run)?;
    let report = match format {
        ExportFormat::Inspect => inspect::write_log(
            &run,
            &inspect::resolve_out(&args.out, &run, args.task.as_deref()),
            &InspectOptions {
                task: args.task.clone(),
                task_dirs: args.task_dirs.clone(),
            },
        )
        .with_context(|| format!("exporting run {}", run.run_id()))?,
    };
    for warning in &report.warnings {
        eprintln!("warning: {warning}");
    }
    if args.json {
        return print_json(&report);
    }
    outln!(
        "wrote {}: Inspect log of {} ({} samples, {} with errors, status {})",
        report.path.display(),
        report.task,
        report.samples,
        report.errors,
        report.status
    );
    if let Some(dir) = report.path.parent().filter(|d| !d.as_os_str().is_empty()) {
        outln!("open it with: inspect view --log-dir {}", dir.display());
    }
    Ok(())
}

fn warn_broken_tail(run: &RunDir) {
    eprintln!(
        "warning: run {}: the samples file ends with an incomplete record (a crash, or the run is still writing); it was skipped",
        run.run_id()
    );
}

/// The header, counts and metrics of a run.
fn show_run(run: &RunDir, json: bool) -> Result<()> {
    // Without a summary, the counts come from the records themselves.
    let stats = match run.summary() {
        Some(_) => None,
        None => Some(run.record_stats(None)?),
    };
    if stats.as_ref().is_some_and(|s| s.broken_tail) {
        warn_broken_tail(run);
    }
    if json {
        return print_json(&json!({
            "dir": run.dir(),
            "status": run.status(),
            "header": run.header(),
            "summary": run.summary(),
            "records": stats,
        }));
    }
    let header = run.header();
    let tasks: Vec<String> = header
        .tasks
        .iter()
        .map(|t| format!("{} ({})", t.id, t.version))
        .collect();
    outln!("Run        {}", header.run_id);
    outln!("Directory  {}", run.dir().display());
    outln!("Model      {}", header.model);
    outln!("Tasks      {}", tasks.join(", "));
    outln!("Started    {}", when(&header.started_at));
    outln!("Epochs     {}", header.elicitation.epochs);
    match (run.summary(), &stats) {
        (Some(summary), _) => {
            let c = &summary.counts;
            outln!("Status     {}", summary.status);
            outln!(
                "Samples    {}/{} done ({} resumed), {} errors, {} correct",
                c.completed,
                c.total,
                c.resumed,
                c.errors,
                c.correct
            );
            outln!(
                "Tokens     {} prompt, {} completion",
                summary.tokens.prompt,
                summary.tokens.completion
            );
            outln!(
                "Speed      {:.2} samples/s over {:.1} s",
                summary.throughput.samples_per_second,
                summary.throughput.wall_seconds
            );
            outln!();
            print_metrics(&summary.metrics);
        }
        (None, Some(s)) => {
            outln!("Status     incomplete (no summary.json yet: the run is going on or was interrupted)");
            outln!(
                "Samples    {} done, {} errors, {} correct",
                s.records,
                s.errors,
                s.correct
            );
            outln!(
                "Tokens     {} prompt, {} completion",
                s.tokens.prompt,
                s.tokens.completion
            );
            match s.mean_score() {
                Some(mean) => outln!(
                    "Score      {mean:.3} mean over {} records so far (errors count 0; intervals come with the summary)",
                    s.records
                ),
                None => outln!("Score      - (no record yet)"),
            }
        }
        (None, None) => {}
    }
    Ok(())
}

/// The summary's metrics: overall first, then categories, then tasks.
fn print_metrics(metrics: &std::collections::BTreeMap<String, MetricSummary>) {
    let mut rows: Vec<(u8, &str, &str, &MetricSummary)> = metrics
        .iter()
        .map(|(name, m)| match MetricKey::parse(name) {
            Some(key) => (key.rank(), key.group, key.metric, m),
            None => (3, name.as_str(), "", m),
        })
        .collect();
    rows.sort_by(|a, b| (a.0, a.1, a.2).cmp(&(b.0, b.1, b.2)));
    let mut table = Table::new(&[
        "group", "metric", "value", "stderr", "95% ci", "n", "method",
    ]);
    for (_, group, metric, m) in rows {
        let interval = match (m.ci95_lower, m.ci95_upper) {
            (Some(l), Some(u)) => format!("[{l:.3}, {u:.3}]"),
            _ => "-".into(),
        };
        table.row(vec![
            group.to_owned(),
            metric.to_owned(),
            format!("{:.3}", m.value),
            m.stderr.map_or_else(|| "-".into(), |s| format!("{s:.3}")),
            interval,
            m.n.to_string(),
            m.method.as_str().to_owned(),
        ]);
    }
    table.print("no metrics");
}

/// `text` indented, cut at [`MAX_PRINTED_CHARS`].
fn print_block(text: &str) {
    let cut: String = text.chars().take(MAX_PRINTED_CHARS).collect();
    for line in cut.lines() {
        outln!("    {line}");
    }
    let total = text.chars().count();
    if total > MAX_PRINTED_CHARS {
        outln!(
            "    … ({} more characters; --json prints everything)",
            total - MAX_PRINTED_CHARS
        );
    }
}

/// One sample: what it scored and its transcript.
fn print_sample(found: &SampleMatch) {
    let r = &found.record;
    let epochs: Vec<String> = found.epochs.iter().map(u32::to_string).collect();
    outln!("Sample     {}", r.sample_id);
    outln!("Task       {}", r.task_id);
    outln!("Epoch      {} (recorded: {})", r.epoch, epochs.join(", "));
    outln!(
        "Score      {}",
        r.score.map_or_else(|| "-".into(), |s| format!("{s}"))
    );
    outln!("Answer     {}", r.answer.as_deref().unwrap_or("-"));
    outln!("Error      {}", r.error.as_deref().unwrap_or("-"));
    let seconds = (r.finished_at - r.started_at).num_milliseconds() as f64 / 1000.0;
    outln!("Started    {} ({seconds:.3} s)", when(&r.started_at));
    outln!(
        "Tokens     {} prompt, {} completion",
        r.tokens.prompt,
        r.tokens.completion
    );
    let Some(transcript) = Transcript::from_value(&r.transcript) else {
        outln!();
        outln!("Transcript (not in a form this build reads; as stored):");
        let raw = serde_json::to_string_pretty(&r.transcript).unwrap_or_default();
        print_block(&raw);
        return;
    };
    outln!();
    outln!("Messages");
    print_messages(&transcript);
    outln!();
    outln!("Events");
    print_events(&transcript.events);
}

/// The conversation: every message, tool calls with their arguments, tool
/// results with their exit codes.
fn print_messages(transcript: &Transcript) {
    let exits: HashMap<&str, (Option<i32>, u64, bool)> = transcript
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Tool {
                call_id,
                exit_code,
                duration_ms,
                timed_out,
                ..
            } => Some((call_id.as_str(), (*exit_code, *duration_ms, *timed_out))),
            _ => None,
        })
        .collect();
    let mut names: HashMap<&str, &str> = HashMap::new();
    if transcript.messages.is_empty() {
        outln!("  (none)");
    }
    for m in &transcript.messages {
        match m.role {
            Role::System | Role::User => {
                outln!("  [{}]", role_name(m));
                print_block(m.text());
            }
            Role::Assistant => {
                outln!("  [assistant]");
                if !m.text().is_empty() {
                    print_block(m.text());
                }
                for call in &m.tool_calls {
                    names.insert(call.id.as_str(), call.function.name.as_str());
                    outln!(
                        "    → {}({}) [{}]",
                        call.function.name,
                        call.function.arguments,
                        call.id
                    );
                }
            }
            Role::Tool => {
                let id = m.tool_call_id.as_deref().unwrap_or("?");
                let name = names.get(id).copied().unwrap_or("tool");
                let detail = match exits.get(id) {
                    Some((code, ms, timed_out)) => {
                        let code =
                            code.map_or_else(|| "no exit code".into(), |c| format!("exit {c}"));
                        let timeout = if *timed_out { ", timed out" } else { "" };
                        format!(": {code}, {ms} ms{timeout}")
                    }
                    None => String::new(),
                };
                outln!("  [tool {name} {id}{detail}]");
                print_block(m.text());
            }
        }
    }
}

fn role_name(m: &Message) -> &'static str {
    match m.role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    }
}

/// The events, one line each, with their time from the sample's start.
fn print_events(events: &[Event]) {
    if events.is_empty() {
        outln!("  (none)");
    }
    for event in events {
        let (at, line) = match event {
            Event::Model {
                at_ms,
                duration_ms,
                prompt_tokens,
                completion_tokens,
                finish_reason,
                ..
            } => (
                at_ms,
                format!(
                    "model       {duration_ms} ms, finish {}, {prompt_tokens}+{completion_tokens} tokens",
                    finish_reason.as_deref().unwrap_or("-")
                ),
            ),
            Event::Tool {
                at_ms,
                duration_ms,
                call_id,
                name,
                exit_code,
                truncated,
                timed_out,
                error,
                ..
            } => {
                let mut line = format!("tool        {name} [{call_id}] {duration_ms} ms");
                if let Some(code) = exit_code {
                    line.push_str(&format!(", exit {code}"));
                }
                if *truncated {
                    line.push_str(", output truncated");
                }
                if *timed_out {
                    line.push_str(", timed out");
                }
                if let Some(e) = error {
                    line.push_str(&format!(", error: {e}"));
                }
                (at_ms, line)
            }
            Event::Submission {
                at_ms,
                attempt,
                answer,
                score,
            } => (
                at_ms,
                format!(
                    "submission  #{attempt}: {answer:?}{}",
                    score.map_or_else(String::new, |s| format!(" (score {s})"))
                ),
            ),
            Event::Score {
                at_ms,
                scorer,
                value,
                explanation,
                ..
            } => (at_ms, format!("score       {scorer} {value}: {explanation}")),
            Event::Limit {
                at_ms,
                limit,
                message,
            } => (at_ms, format!("limit       {limit}: {message}")),
            Event::Error { at_ms, message } => (at_ms, format!("error       {message}")),
            Event::Setup {
                at_ms,
                duration_ms,
                exit_code,
                ..
            } => (
                at_ms,
                format!(
                    "setup       {duration_ms} ms{}",
                    exit_code.map_or_else(String::new, |c| format!(", exit {c}"))
                ),
            ),
        };
        outln!("  {:>9}  {line}", format!("+{:.3}s", *at as f64 / 1000.0));
    }
}
