//! `bulwark eval`: the evaluation harness's commands that exist so far —
//! importing task formats and serving the mock model endpoint.
use anyhow::{Context, Result};
use bulwark_eval::provider::mock::{self, MockBehaviour, MockConfig};
use bulwark_eval::task::import::{self, ImportFormat};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// `bulwark eval ...`
#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    #[command(subcommand)]
    command: EvalCommand,
}

#[derive(Debug, clap::Subcommand)]
enum EvalCommand {
    /// Run every task's reference solution on every sample, in the sandbox
    /// the model would get, and score it; exits non-zero if any sample fails.
    VerifySolutions(super::eval_verify::VerifyArgs),
    /// Run a suite or a task against an OpenAI-compatible endpoint.
    ///
    /// Records go to LOG_DIR/RUN_ID as samples finish; running again with
    /// the same --run-id resumes unfinished samples. --json prints the run
    /// summary (counts, metrics, throughput, capability profile).
    Run(Box<super::eval_run::RunArgs>),
    /// Convert tasks from another format into Bulwark task directories.
    ///
    /// FORMAT is one of: inspect (Inspect sample JSON/JSONL), inspect-cyber
    /// (a directory of eval.yaml challenges, Cybench layout), intercode
    /// (InterCode-CTF JSON), cybermetric (CyberMetric multiple-choice JSON).
    /// The sources are read unchanged; every task written is loaded back to
    /// prove it valid.
    Import {
        /// Source format.
        format: String,
        /// Source file or directory.
        path: PathBuf,
        /// Output directory (one sub-directory per task).
        #[arg(long)]
        out: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Serve an OpenAI-compatible mock model endpoint (tests and benchmarks).
    ///
    /// POST /v1/chat/completions. Behaviours: `echo`, `fixed:TEXT`, `answer`
    /// (replies with the `MOCK-ANSWER:` line of the prompt), `tool-then-submit`
    /// (one `bash` call with the `MOCK-CMD:` line, then `submit` with the
    /// `MOCK-ANSWER:` line).
    MockServer {
        /// Address to listen on (loopback by default).
        #[arg(long, default_value = "127.0.0.1:8900")]
        addr: SocketAddr,
        /// Added latency per request, in milliseconds.
        #[arg(long, default_value_t = 0)]
        latency_ms: u64,
        /// Behaviour (see above).
        #[arg(long, default_value = "answer")]
        behaviour: String,
    },
    /// List the runs of a log directory (id, model, tasks, status, progress,
    /// accuracy, start).
    List(super::eval_logs::ListArgs),
    /// Show a run (header, counts, metrics by category with 95% intervals),
    /// or one sample with --sample (answer, score, error, transcript).
    Show(super::eval_logs::ShowArgs),
    /// Export a run in another tool's format (`--format inspect`: an Inspect
    /// evaluation log that `inspect view` opens).
    Export(super::eval_logs::ExportArgs),
    /// Start an evaluation run on a submission under review, on a server
    /// (reviewers of an assigned agency); the server's workers execute it.
    Start(super::eval_review::StartArgs),
    /// List the evaluation runs on a submission (server).
    Jobs(super::eval_review::JobsArgs),
    /// Show one evaluation run: status, live progress, results with 95%
    /// intervals (server); --wait follows it until it ends.
    Job(super::eval_review::JobArgs),
}

/// Runs an eval command.
pub async fn run(args: EvalArgs) -> Result<()> {
    match args.command {
        EvalCommand::VerifySolutions(a) => super::eval_verify::run(a).await,
        EvalCommand::Run(run) => super::eval_run::run(*run).await,
        EvalCommand::Import {
            format,
            path,
            out,
            json,
        } => {
            let format: ImportFormat = format.parse().map_err(|e| anyhow::anyhow!("{e}"))?;
            let report = import::run(format, &path, &out)
                .with_context(|| format!("importing {}", path.display()))?;
            if json {
                let tasks: Vec<_> = report
                    .tasks
                    .iter()
                    .map(|t| serde_json::json!({"id": t.id.to_string(), "dir": t.dir, "samples": t.samples, "complete": t.complete}))
                    .collect();
                let skipped: Vec<_> = report
                    .skipped
                    .iter()
                    .map(|s| serde_json::json!({"path": s.path, "reason": s.reason}))
                    .collect();
                crate::output::print_json(
                    &serde_json::json!({"tasks": tasks, "skipped": skipped}),
                )?;
            } else {
                for t in &report.tasks {
                    let note = if t.complete {
                        ""
                    } else {
                        " (resources missing: see [import] in task.toml)"
                    };
                    outln!(
                        "{}  {} samples  {}{}",
                        t.id,
                        t.samples,
                        t.dir.display(),
                        note
                    );
                }
                for s in &report.skipped {
                    outln!("skipped {}: {}", s.path.display(), s.reason);
                }
                outln!(
                    "{} tasks, {} samples",
                    report.tasks.len(),
                    report.sample_count()
                );
            }
            Ok(())
        }
        EvalCommand::List(a) => super::eval_logs::list(a),
        EvalCommand::Show(a) => super::eval_logs::show(a),
        EvalCommand::Export(a) => super::eval_logs::export(a),
        EvalCommand::Start(a) => super::eval_review::start(a).await,
        EvalCommand::Jobs(a) => super::eval_review::jobs(a).await,
        EvalCommand::Job(a) => super::eval_review::job(a).await,
        EvalCommand::MockServer {
            addr,
            latency_ms,
            behaviour,
        } => {
            let behaviour: MockBehaviour = behaviour
                .parse()
                .map_err(|e: String| anyhow::anyhow!("--behaviour: {e}"))?;
            let config = MockConfig::new(behaviour).with_latency(Duration::from_millis(latency_ms));
            eprintln!("mock model endpoint on http://{addr}/v1 (latency {latency_ms} ms)");
            mock::serve(addr, config).await.context("mock server")?;
            Ok(())
        }
    }
}
