//! `bulwark`: the one binary of Bulwark — the server (`serve`), the
//! background worker, database-direct administration and audit commands,
//! offline verifiers for signed reports and commitments, and a client of the
//! JSON API for every other operation.
#![deny(unsafe_code)]
#![cfg_attr(
    not(test),
    deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)
)]

#[macro_use]
mod output;
mod allocator;
mod cli;
mod client;
mod commands;
mod config;
mod jobs;
mod local;
mod pubkey;
mod secret_input;
mod shutdown;
mod values;

use clap::Parser as _;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    allocator::configure(cli.command.is_long_running());
    init_tracing(cli.command.is_long_running());
    match commands::run(cli.command).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Logs to standard error; `RUST_LOG` overrides the default level (info for
/// the server and worker, warnings only for one-shot commands).
fn init_tracing(long_running: bool) {
    let default = if long_running { "info" } else { "warn" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr)
        .init();
}
