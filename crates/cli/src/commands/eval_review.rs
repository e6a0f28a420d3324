//! `bulwark eval start|jobs|job`: evaluation runs on a server. A reviewer of
//! an assigned agency starts a run on a submission; the server's workers
//! execute it against the lab's endpoint; its results become a capability
//! profile of the model. `job --wait` follows a run until it ends.
use crate::client::{self, seg, ApiArgs, Client};
use crate::output::{when, when_opt, Table};
use anyhow::Result;
use bulwark_app::views::{EvalRunView, StartEvalRunParams};
use clap::Args;
use std::time::Duration;

/// How often `job --wait` asks for progress.
const WAIT_POLL: Duration = Duration::from_secs(2);

/// Options of `bulwark eval start`.
#[derive(Debug, Args)]
pub struct StartArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// Submission id.
    pub submission: String,
    /// The suite: a built-in name such as cyber-core, or a suite the workers
    /// have under DATA_DIR/eval-suites/NAME.
    #[arg(long, value_name = "NAME")]
    pub suite: String,
    /// Epochs per sample (overrides the tasks' own).
    #[arg(long, value_name = "K")]
    pub epochs: Option<u32>,
    /// Only the first N samples of each task.
    #[arg(long, value_name = "N")]
    pub limit: Option<u64>,
    /// Samples in flight at once (and connections to the lab's endpoint).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<u32>,
}

/// Options of `bulwark eval jobs`.
#[derive(Debug, Args)]
pub struct JobsArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// Submission id.
    pub submission: String,
}

/// Options of `bulwark eval job`.
#[derive(Debug, Args)]
pub struct JobArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// Evaluation run id.
    pub run_id: String,
    /// Wait until the run ends, printing its progress on standard error.
    #[arg(long)]
    pub wait: bool,
}

fn progress_text(r: &EvalRunView) -> String {
    match &r.progress {
        Some(p) => format!(
            "{}/{} samples, {} correct, {} errors",
            p.done, p.total, p.correct, p.errors
        ),
        None => "—".to_string(),
    }
}

fn print_run(r: &EvalRunView) {
    outln!("run {}  {}", r.id, r.status);
    outln!("  model       {} {}", r.model_name, r.model_version);
    outln!("  submission  {}", r.submission_id);
    outln!("  suite       {}", r.suite);
    outln!("  agency      {} ({})", r.agency, r.started_by);
    outln!("  progress    {}", progress_text(r));
    outln!("  attempts    {} of {}", r.attempts, r.max_attempts);
    outln!("  started     {}", when(&r.created_at));
    outln!("  ended       {}", when_opt(&r.finished_at));
    if let Some(e) = &r.error {
        outln!("  error       {e}");
    }
    if !r.metrics.is_empty() {
        let mut t = Table::new(&["metric", "value", "95% CI low", "95% CI high", "n"]);
        let num = |v: Option<f64>| v.map_or_else(|| "—".to_string(), |v| format!("{v:.3}"));
        for m in &r.metrics {
            t.row(vec![
                m.name.clone(),
                format!("{:.3}", m.value),
                num(m.ci95_lower),
                num(m.ci95_upper),
                m.n.to_string(),
            ]);
        }
        t.print("no metric");
    }
}

/// `bulwark eval start SUBMISSION --suite NAME`
pub async fn start(args: StartArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let params = StartEvalRunParams {
        suite: args.suite,
        epochs: args.epochs,
        limit: args.limit,
        max_connections: args.max_connections,
    };
    let v = c
        .post(
            &format!("/submissions/{}/eval-runs", seg(&args.submission)),
            &params,
        )
        .await?;
    client::show(args.api.json, v, |r: EvalRunView| {
        outln!(
            "queued evaluation run {} ({} on {} {})",
            r.id,
            r.suite,
            r.model_name,
            r.model_version
        );
        outln!("follow it with: bulwark eval job {} --wait", r.id);
        Ok(())
    })
}

/// `bulwark eval jobs SUBMISSION`
pub async fn jobs(args: JobsArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let v = c
        .get(&format!("/submissions/{}/eval-runs", seg(&args.submission)))
        .await?;
    client::show(args.api.json, v, |list: Vec<EvalRunView>| {
        let mut t = Table::new(&[
            "id", "status", "suite", "agency", "progress", "overall", "started",
        ]);
        for r in list {
            let overall = r
                .metrics
                .iter()
                .find(|m| m.group == "overall")
                .map(|m| format!("{:.3}", m.value))
                .unwrap_or_default();
            t.row(vec![
                r.id.to_string(),
                r.status.to_string(),
                r.suite.clone(),
                r.agency.clone(),
                progress_text(&r),
                overall,
                when(&r.created_at),
            ]);
        }
        t.print("no evaluation run");
        Ok(())
    })
}

/// `bulwark eval job RUN_ID [--wait]`
pub async fn job(args: JobArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let path = format!("/eval-runs/{}", seg(&args.run_id));
    let mut v = c.get(&path).await?;
    if args.wait {
        let mut last = String::new();
        loop {
            let r: EvalRunView = client::parse(v.clone())?;
            if !r.status.is_active() {
                break;
            }
            let line = format!("{}: {}", r.status, progress_text(&r));
            if line != last {
                eprintln!("{line}");
                last = line;
            }
            tokio::time::sleep(WAIT_POLL).await;
            v = c.get(&path).await?;
        }
    }
    client::show(args.api.json, v, |r: EvalRunView| {
        print_run(&r);
        Ok(())
    })
}
