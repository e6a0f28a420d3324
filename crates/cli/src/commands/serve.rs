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

    /// SMTP relay for vendors' e-mail notifications: smtp://HOST:PORT
    /// (add ?tls=required for STARTTLS) or smtps://HOST:PORT, with
    /// USER:PASSWORD@ when the relay wants them. Without it e-mail
    /// notifications fail with a recorded error.
    #[arg(
        long,
        value_name = "URL",
        env = "BULWARK_SMTP_URL",
        hide_env_values = true
    )]
    pub smtp_url: Option<String>,

    /// The portal's public address (https://...), used in links sent to
    /// vendors and as the advisories' publisher namespace.
    #[arg(long, value_name = "URL", env = "BULWARK_PUBLIC_URL")]
    pub public_url: Option<String>,

    /// The From: address of notification e-mails.
    #[arg(long, value_name = "ADDR", env = "BULWARK_MAIL_FROM")]
    pub mail_from: Option<String>,

    #[command(flatten)]
    pub local: LocalArgs,
}

/// The clearinghouse's coordination settings from the flags.
fn coordination_config(
    args: &ServeArgs,
) -> Result<bulwark_app::clearinghouse::outbox::CoordinationConfig> {
    let mut config = bulwark_app::clearinghouse::outbox::CoordinationConfig::default();
    if let Some(url) = &args.smtp_url {
        // Never echo the URL: it may hold the relay's password.
        if !bulwark_app::clearinghouse::outbox::is_smtp_url(url) {
            anyhow::bail!("--smtp-url is not an SMTP URL such as smtp://mail.example.org:25");
        }
        config.smtp_url = Some(url.clone());
    }
    if let Some(url) = &args.public_url {
        if !(url.starts_with("https://") || url.starts_with("http://")) {
            anyhow::bail!("--public-url must be an http:// or https:// URL");
        }
        let base = url.trim_end_matches('/').to_owned();
        if base.starts_with("https://") {
            config.publisher.namespace = base.clone();
        }
        config.public_url = Some(base);
    }
    if let Some(from) = &args.mail_from {
        if !bulwark_app::clearinghouse::outbox::is_mailbox(from) {
            anyhow::bail!("--mail-from {from:?} is not an e-mail address such as Bulwark <bulwark@example.org>");
        }
        config.mail_from = from.clone();
    }
    Ok(config)
}

/// Runs the server until Ctrl-C or SIGTERM.
pub async fn run(args: ServeArgs) -> Result<()> {
    let config = Config::resolve(&args.local, args.addr.as_deref())?;
    let coordination = coordination_config(&args)?;
    let mut app = local::open_app(&config).await?;
    app.coordination = std::sync::Arc::new(coordination);
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
    // Vendor notifications: claimed with SKIP LOCKED, so every server may run it.
    let outbox = tokio::spawn(app.clone().run_outbox_loop());
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
    outbox.abort();
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
