//! The background jobs every installation runs: closing reviews whose window
//! has ended, and signing audit checkpoints; and the evaluation-run loop,
//! which claims queued evaluation runs and executes them (`bulwark worker`
//! always; `bulwark serve` in-process on SQLite, or on PostgreSQL when asked).
//! `serve` runs them next to the HTTP server; `worker` runs only them.
use crate::config::Config;
use bulwark_app::eval_executor::EvalWorkerConfig;
use bulwark_app::App;
use std::time::Duration;
use tokio::time::MissedTickBehavior;

/// How often overdue reviews are expired.
pub const EXPIRE_EVERY: Duration = Duration::from_secs(30);
/// How often a checkpoint is signed (when the log grew).
pub const CHECKPOINT_EVERY: Duration = Duration::from_secs(60);

/// How often an idle evaluation worker looks for queued runs.
pub const EVAL_POLL_EVERY: Duration = Duration::from_secs(2);

/// How this process executes evaluation runs: run directories and suites
/// under the data directory (`eval-runs/`, `eval-suites/`), the default
/// (bubblewrap) sandbox, and `name` on the record (default: `HOST-PID`).
pub fn eval_worker_config(config: &Config, name: Option<String>) -> EvalWorkerConfig {
    let name = name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| {
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_string())
            .ok()
            .filter(|h| !h.is_empty())
            .unwrap_or_else(|| "worker".to_string());
        format!("{host}-{}", std::process::id())
    });
    EvalWorkerConfig::under(name, &config.data_dir)
}

/// Claims and executes evaluation runs forever, one at a time (a run is
/// itself concurrent); errors are logged and the loop goes on. A run cut
/// short when this is aborted is taken again by a worker once its lease
/// lapses, and resumes from its run log.
pub async fn run_evals(app: App, cfg: EvalWorkerConfig) {
    if let Err(e) = std::fs::create_dir_all(&cfg.runs_root) {
        tracing::error!(dir = %cfg.runs_root.display(), error = %e, "cannot create the evaluation runs directory");
    }
    loop {
        match app.execute_next_eval_run(&cfg).await {
            Ok(Some(run)) => tracing::info!(%run, "evaluation run ended"),
            Ok(None) => tokio::time::sleep(EVAL_POLL_EVERY).await,
            Err(e) => {
                tracing::error!(error = %describe(&e), "claiming an evaluation run failed");
                tokio::time::sleep(EVAL_POLL_EVERY).await;
            }
        }
    }
}

/// Runs the jobs forever; errors are logged and the loop goes on. Cancel it
/// by dropping or aborting the task: each job is one transaction.
pub async fn run(app: App) {
    let mut expire = tokio::time::interval(EXPIRE_EVERY);
    let mut checkpoint = tokio::time::interval(CHECKPOINT_EVERY);
    expire.set_missed_tick_behavior(MissedTickBehavior::Delay);
    checkpoint.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = expire.tick() => expire_once(&app).await,
            _ = checkpoint.tick() => checkpoint_once(&app).await,
        }
    }
}

/// Expires reviews whose window has ended.
async fn expire_once(app: &App) {
    match app.expire_overdue().await {
        Ok(0) => {}
        Ok(n) => tracing::info!(expired = n, "closed reviews whose window ended"),
        Err(e) => tracing::error!(error = %describe(&e), "expiring overdue reviews failed"),
    }
}

/// Signs a checkpoint if the log grew since the last one.
pub async fn checkpoint_once(app: &App) {
    match app.checkpoint().await {
        Ok(Some(c)) => tracing::debug!(tree_size = c.tree_size, "audit checkpoint"),
        Ok(None) => {}
        Err(e) => tracing::error!(error = %describe(&e), "signing an audit checkpoint failed"),
    }
}

fn describe(e: &bulwark_app::AppError) -> String {
    match e {
        bulwark_app::AppError::Internal(m) => format!("internal error: {m}"),
        other => other.to_string(),
    }
}
