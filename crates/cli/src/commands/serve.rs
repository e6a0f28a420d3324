//! `bulwark serve`: the web portal and JSON API, plus the background jobs.
use crate::config::{Config, LocalArgs, DEFAULT_DATA_DIR};
use crate::{jobs, local, shutdown};
use anyhow::{Context as _, Result};
use bulwark_store::Dialect;
use clap::Args;
use std::net::SocketAddr;

/// Options of `bulwark serve`.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8080].
    #[arg(long, value_name = "HOST:PORT", env = "BULWARK_ADDR")]
    pub addr: Option<String>,

    /// Also execute evaluation runs in this process on PostgreSQL (on SQLite
    /// `serve` always does; on PostgreSQL `bulwark worker` processes do).
    #[arg(long, env = "BULWARK_EXECUTE_EVALS")]
    pub execute_evals: bool,

    #[command(flatten)]
    pub local: LocalArgs,
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(args: ServeArgs) -> Result<()> {
    let config = Config::resolve(&args.local, args.addr.as_deref())?;
    let app = local::open_app(&config).await?;
    let listener = tokio::net::TcpListener::bind(&config.addr)
        .await
        .with_context(|| format!("cannot listen on {}", config.addr))?;
    let addr = listener
        .local_addr()
        .context("cannot read the bound address")?;
    let has_admin = local::admin_exists(&app).await?;
    let background = tokio::spawn(jobs::run(app.clone()));
    let evals = (app.store.dialect() == Dialect::Sqlite || args.execute_evals).then(|| {
        tokio::spawn(jobs::run_evals(
            app.clone(),
            jobs::eval_worker_config(&config, None),
        ))
    });
    let router = bulwark_web::router(app.clone());

    outln!("Bulwark is serving on http://{addr}");
    if evals.is_some() {
        outln!(
            "evaluation runs are executed in this process (run logs under {})",
            config
                .data_dir
                .join(bulwark_app::eval_executor::EVAL_RUNS_DIR)
                .display()
        );
    } else {
        outln!("evaluation runs wait for `bulwark worker` processes (PostgreSQL); --execute-evals runs them here too");
    }
    if has_admin {
        outln!("log in at http://{addr}/ with your account, or get an API token with  bulwark login --username NAME");
    } else {
        outln!(
            "no administrator yet: run  bulwark admin bootstrap --username admin{}",
            data_dir_hint(&args.local)
        );
    }
    let served = axum::serve(
        listener,
        router.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown::signal())
    .await;
    background.abort();
    if let Some(evals) = evals {
        evals.abort();
    }
    jobs::checkpoint_once(&app).await;
    served.context("the HTTP server failed")?;
    outln!("Bulwark stopped");
    Ok(())
}

/// ` --data-dir DIR` when the data directory was given as a flag (so the
/// suggested command opens the same installation).
pub fn data_dir_hint(local: &LocalArgs) -> String {
    match &local.data_dir {
        Some(dir)
            if std::env::var_os("BULWARK_DATA_DIR").is_none()
                && dir.as_os_str() != DEFAULT_DATA_DIR =>
        {
            format!(" --data-dir {}", dir.display())
        }
        _ => String::new(),
    }
}
