//! `bulwark eval run`: a suite or a task against an OpenAI-compatible
//! endpoint, with a progress bar on a terminal and the summary at the end.

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{bail, Context, Result};
use bulwark_crypto::SecretString;
use bulwark_domain::designation::ProfileSubject;
use bulwark_eval::export::DEFAULT_LOG_DIR;
use bulwark_eval::provider::{CacheConfig, OpenAiConfig, OpenAiProvider, Provider};
use bulwark_eval::runner::{self, Progress, ProgressSnapshot, RunOptions, RunSummary};
use bulwark_eval::sandbox::{SandboxConfig, SandboxMode, UNSANDBOXED_FLAG};
use bulwark_eval::solver::GenerateConfig;
use bulwark_eval::suite;
use bulwark_eval::task::Task;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Options of `bulwark eval run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// A built-in suite (`cyber-core`) or a directory of task directories.
    #[arg(long, conflicts_with = "task", required_unless_present = "task")]
    suite: Option<String>,
    /// One task directory (holding task.toml).
    #[arg(long)]
    task: Option<PathBuf>,
    /// The endpoint's base URL, e.g. http://127.0.0.1:8900/v1.
    #[arg(long)]
    base_url: String,
    /// The model name sent to the endpoint.
    #[arg(long)]
    model: String,
    /// The environment variable holding the API key (never a flag: flags
    /// show up in process lists).
    #[arg(long)]
    api_key_env: Option<String>,
    /// Samples (and provider connections) in flight at once.
    #[arg(long, default_value_t = runner::DEFAULT_MAX_CONNECTIONS)]
    max_connections: u32,
    /// Epochs per sample (overrides the tasks' own).
    #[arg(long)]
    epochs: Option<u32>,
    /// Where run directories go.
    #[arg(long, default_value = DEFAULT_LOG_DIR)]
    log_dir: PathBuf,
    /// The run id; an existing run with this id is resumed (unfinished
    /// samples only). Default: a new id.
    #[arg(long)]
    run_id: Option<String>,
    /// Only the first N samples of each task.
    #[arg(long)]
    limit: Option<usize>,
    /// Sampling temperature.
    #[arg(long)]
    temperature: Option<f64>,
    /// Completion tokens per model call.
    #[arg(long)]
    max_tokens: Option<u32>,
    /// Seed passed to the endpoint.
    #[arg(long)]
    seed: Option<u64>,
    /// Seconds per model request attempt.
    #[arg(long, default_value_t = 120)]
    request_timeout: u64,
    /// Attempts per model request (1 = no retries).
    #[arg(long, default_value_t = 5)]
    max_attempts: u32,
    /// Cache responses in this directory (keyed by request and epoch).
    #[arg(long)]
    cache_dir: Option<PathBuf>,
    /// The developer named in the capability profile.
    #[arg(long, default_value = "unknown")]
    developer: String,
    /// The model version named in the capability profile.
    #[arg(long)]
    model_version: Option<String>,
    /// The bubblewrap executable.
    #[arg(long, default_value = "bwrap")]
    bwrap: PathBuf,
    /// Run agent tools and checks WITHOUT a sandbox, directly on this host.
    #[arg(long = "i-understand-this-runs-untrusted-code-unsandboxed")]
    unsandboxed: bool,
    /// Print the summary as JSON on stdout.
    #[arg(long)]
    json: bool,
}

/// Runs `bulwark eval run`.
pub async fn run(args: RunArgs) -> Result<()> {
    if args.max_connections == 0 {
        bail!("--max-connections must be at least 1");
    }
    let (suite_name, tasks) = load_tasks(&args)?;
    let provider = provider(&args)?;
    let run_id = args.run_id.clone().unwrap_or_else(new_run_id);
    if run_id.is_empty() || run_id.contains(['/', '\\']) || run_id.starts_with('.') {
        bail!("--run-id must be a plain name (no slashes, not starting with a dot)");
    }
    let run_dir = args.log_dir.join(&run_id);
    let mut sandbox = SandboxConfig {
        bwrap_path: args.bwrap.clone(),
        ..SandboxConfig::default()
    };
    if args.unsandboxed {
        eprintln!("WARNING: {UNSANDBOXED_FLAG}: agent commands run directly on this host");
        sandbox.mode = SandboxMode::UnsandboxedDangerous;
    }
    let options = RunOptions {
        run_dir: run_dir.clone(),
        run_id: run_id.clone(),
        suite: suite_name,
        subject: ProfileSubject {
            developer: args.developer.clone(),
            model: args.model.clone(),
            version: args.model_version.clone(),
        },
        epochs: args.epochs,
        max_connections: args.max_connections,
        generate: GenerateConfig {
            temperature: args.temperature,
            max_tokens: args.max_tokens,
            seed: args.seed,
        },
        sandbox,
        limit: args.limit,
    };
    eprintln!("run {run_id} → {}", run_dir.display());
    let bar = Arc::new(Bar::new());
    let progress: Arc<dyn Progress> = bar.clone();
    let result = runner::run(tasks, provider, options, Some(progress)).await;
    bar.finish();
    let summary = result.with_context(|| format!("run {run_id}"))?;
    if args.json {
        crate::output::print_json(&serde_json::to_value(&summary)?)?;
    } else {
        print_summary(&summary);
    }
    Ok(())
}

/// The suite name (metric prefix) and its tasks.
fn load_tasks(args: &RunArgs) -> Result<(String, Vec<Task>)> {
    if let Some(path) = &args.task {
        let task = Task::load(path).with_context(|| format!("loading task {}", path.display()))?;
        return Ok((task.spec().id.as_str().to_owned(), vec![task]));
    }
    let name = args.suite.as_deref().unwrap_or_default();
    let suite = suite::resolve(name)?;
    Ok((suite.name, suite.tasks))
}

fn provider(args: &RunArgs) -> Result<Arc<dyn Provider>> {
    let mut config = OpenAiConfig::new(args.base_url.clone(), args.model.clone())
        .with_max_connections(args.max_connections as usize)
        .with_request_timeout(Duration::from_secs(args.request_timeout.max(1)));
    if args.max_attempts == 0 {
        bail!("--max-attempts must be at least 1");
    }
    config.retry.max_attempts = args.max_attempts;
    if let Some(var) = &args.api_key_env {
        let key = std::env::var(var)
            .with_context(|| format!("--api-key-env: the environment variable {var} is not set"))?;
        config = config.with_api_key(SecretString::new(key));
    }
    if let Some(dir) = &args.cache_dir {
        config.cache = Some(CacheConfig::Directory(dir.clone()));
    }
    let provider = OpenAiProvider::new(config).context("--base-url")?;
    Ok(Arc::new(provider))
}

/// `20261123T044500Z-1a2b3c`: sortable, unique enough.
fn new_run_id() -> String {
    let now = chrono::Utc::now().format("%Y%m%dT%H%M%SZ");
    let suffix: u32 = rand::random::<u32>() & 0x00ff_ffff;
    format!("{now}-{suffix:06x}")
}

fn print_summary(s: &RunSummary) {
    outln!(
        "{}: {} of {} sample-epochs done ({} resumed), {} errors, {} correct — {}",
        s.run_id,
        s.counts.completed,
        s.counts.total,
        s.counts.resumed,
        s.counts.errors,
        s.counts.correct,
        s.status
    );
    outln!(
        "{:.1} samples/s over {:.1} s; tokens {} prompt + {} completion; log {} bytes/sample",
        s.throughput.samples_per_second,
        s.throughput.wall_seconds,
        s.tokens.prompt,
        s.tokens.completion,
        s.throughput
            .log_bytes_per_sample
            .map_or("-".to_owned(), |b| format!("{b:.0}"))
    );
    let mut table = crate::output::Table::new(&["metric", "value", "stderr", "95% interval", "n"]);
    for (name, m) in &s.metrics {
        let interval = match (m.ci95_lower, m.ci95_upper) {
            (Some(lo), Some(hi)) => format!("[{lo:.3}, {hi:.3}]"),
            _ => "-".to_owned(),
        };
        table.row(vec![
            name.clone(),
            format!("{:.3}", m.value),
            m.stderr.map_or("-".to_owned(), |e| format!("{e:.3}")),
            interval,
            m.n.to_string(),
        ]);
    }
    table.print("no metrics");
    outln!("log: {}", s.run_dir);
}

/// The terminal progress bar (hidden when stderr is not a terminal).
struct Bar {
    bar: ProgressBar,
}

impl Bar {
    fn new() -> Self {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr_with_hz(4)
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(Some(0), target);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} {per_sec} eta {eta} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Bar { bar }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for Bar {
    fn update(&self, p: &ProgressSnapshot) {
        self.bar.set_length(p.total);
        self.bar.set_position(p.done);
        self.bar.set_message(format!(
            "tokens {} retries {} errors {}",
            p.tokens, p.retries, p.errors
        ));
    }
}
