//! `bulwark worker`: the background jobs without the HTTP server, and the
//! evaluation-run loop. Several workers may share one PostgreSQL database
//! (and one data directory, for the run logs); each claims runs with
//! `FOR UPDATE SKIP LOCKED`.
use crate::config::{Config, LocalArgs};
use crate::{jobs, local, shutdown};
use anyhow::Result;
use clap::Args;

/// Options of `bulwark worker`.
#[derive(Debug, Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub local: LocalArgs,

    /// This worker's name on the record (default: HOST-PID).
    #[arg(long, value_name = "NAME", env = "BULWARK_WORKER_NAME")]
    pub name: Option<String>,
}

/// Runs the jobs until Ctrl-C or SIGTERM.
pub async fn run(args: WorkerArgs) -> Result<()> {
    let config = Config::resolve(&args.local, None)?;
    let app = local::open_app(&config).await?;
    let evals = jobs::eval_worker_config(&config, args.name);
    outln!(
        "Bulwark worker {} running (review expiry every 30 s, audit checkpoints every 60 s, evaluation runs under {}); Ctrl-C stops it",
        evals.worker,
        evals.runs_root.display()
    );
    tokio::select! {
        () = jobs::run(app.clone()) => {}
        () = jobs::run_evals(app.clone(), evals) => {}
        () = shutdown::signal() => {}
    }
    jobs::checkpoint_once(&app).await;
    outln!("Bulwark worker stopped");
    Ok(())
}
