//! `bulwark eval verify-solutions`: runs every task's reference solution on
//! every sample of a suite, in the sandbox the model would get, and scores
//! it with the task's primary scorer. Exits non-zero when any sample fails.
use anyhow::{bail, Result};
use bulwark_eval::sandbox::SandboxConfig;
use bulwark_eval::suite;
use bulwark_eval::verify::{all_passed, verify_solutions, SolutionCheck};
use std::path::PathBuf;
use std::time::Instant;

use crate::output::Table;

/// `bulwark eval verify-solutions SUITE`
#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// A built-in suite (`cyber-core`), a directory of task directories, or
    /// one task directory.
    suite: String,
    /// Only these tasks (by id; repeatable).
    #[arg(long = "task")]
    tasks: Vec<String>,
    /// Samples verified at once (default: the number of CPUs).
    #[arg(long)]
    concurrency: Option<usize>,
    /// The bubblewrap executable.
    #[arg(long, default_value = "bwrap")]
    bwrap: PathBuf,
    /// Print the results as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Runs `bulwark eval verify-solutions`.
pub async fn run(args: VerifyArgs) -> Result<()> {
    let concurrency = match args.concurrency {
        Some(0) => bail!("--concurrency must be at least 1"),
        Some(n) => n,
        None => std::thread::available_parallelism().map_or(2, |n| n.get()),
    };
    let suite = suite::resolve(&args.suite)?;
    let mut tasks = suite.tasks;
    if !args.tasks.is_empty() {
        if let Some(unknown) = args
            .tasks
            .iter()
            .find(|id| !tasks.iter().any(|t| t.spec().id.as_str() == id.as_str()))
        {
            bail!("suite {} has no task `{unknown}`", suite.name);
        }
        tasks.retain(|t| args.tasks.iter().any(|id| id == t.spec().id.as_str()));
    }
    let base = SandboxConfig {
        bwrap_path: args.bwrap.clone(),
        ..SandboxConfig::default()
    };
    if !args.json {
        eprintln!(
            "verifying {} tasks ({} samples) of {} with {concurrency} at once",
            tasks.len(),
            tasks.iter().map(|t| t.sample_count()).sum::<usize>(),
            suite.name
        );
    }
    let started = Instant::now();
    let checks = verify_solutions(&tasks, &base, concurrency).await;
    let elapsed = started.elapsed();
    let failed: Vec<&SolutionCheck> = checks.iter().filter(|c| !c.passed).collect();
    if args.json {
        crate::output::print_json(&serde_json::json!({
            "suite": suite.name,
            "dir": suite.dir,
            "passed": checks.len() - failed.len(),
            "failed": failed.len(),
            "duration_seconds": (elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            "checks": checks,
        }))?;
    } else {
        print_tables(&checks);
        for check in &failed {
            let sample = if check.sample_id.is_empty() {
                "(samples)".to_owned()
            } else {
                check.sample_id.clone()
            };
            outln!("FAILED {}/{}: {}", check.task_id, sample, check.explanation);
            if let Some(answer) = check.answer.as_deref().filter(|a| !a.trim().is_empty()) {
                outln!("  solution printed: {}", one_line(answer, 300));
            }
        }
        outln!(
            "{} of {} samples passed in {:.1} s",
            checks.len() - failed.len(),
            checks.len(),
            elapsed.as_secs_f64()
        );
    }
    if !all_passed(&checks) {
        bail!(
            "{} of {} samples failed verification",
            failed.len(),
            checks.len()
        );
    }
    Ok(())
}

/// One table per task: sample, result, score, time, explanation.
fn print_tables(checks: &[SolutionCheck]) {
    let mut start = 0;
    while start < checks.len() {
        let task = &checks[start].task_id;
        let end = checks[start..]
            .iter()
            .position(|c| &c.task_id != task)
            .map_or(checks.len(), |n| start + n);
        let group = &checks[start..end];
        let passed = group.iter().filter(|c| c.passed).count();
        outln!(
            "{task} ({}): {passed}/{} passed",
            group[0].category,
            group.len()
        );
        let mut table = Table::new(&["sample", "result", "score", "seconds", "explanation"]);
        for check in group {
            table.row(vec![
                check.sample_id.clone(),
                if check.passed { "pass" } else { "FAIL" }.to_owned(),
                check
                    .score
                    .map_or_else(|| "-".to_owned(), |s| format!("{s:.2}")),
                format!("{:.2}", check.duration.as_secs_f64()),
                one_line(&check.explanation, 100),
            ]);
        }
        table.print("(no samples)");
        outln!();
        start = end;
    }
}

/// `text` on one line, cut to `max` characters.
fn one_line(text: &str, max: usize) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}
