//! One module per top-level command; [`run`] dispatches.
pub mod admin;
pub mod audit;
pub mod cases;
pub mod contests;
pub mod designations;
pub mod eval;
pub mod eval_logs;
pub mod eval_review;
pub mod eval_run;
pub mod eval_verify;
pub mod export;
pub mod findings;
pub mod ingest;
pub mod login;
pub mod matching;
pub mod migrate;
pub mod models;
pub mod orgs;
pub mod profiles;
pub mod reports;
pub mod sbom;
pub mod serve;
pub mod settings;
pub mod shares;
pub mod standards;
pub mod submissions;
pub mod tokens;
pub mod users;
pub mod vendors;
pub mod whoami;
pub mod worker;

use crate::cli::Command;
use anyhow::Result;

/// Runs one command.
pub async fn run(command: Command) -> Result<()> {
    match command {
        Command::Serve(a) => serve::run(a).await,
        Command::Migrate(a) => migrate::run(a).await,
        Command::Worker(a) => worker::run(a).await,
        Command::Admin(a) => admin::run(a).await,
        Command::Audit(a) => audit::run(a).await,
        Command::Login(a) => login::run(a).await,
        Command::Whoami(a) => whoami::run(a).await,
        Command::Org(a) => orgs::run(a).await,
        Command::User(a) => users::run(a).await,
        Command::Token(a) => tokens::run(a).await,
        Command::Settings(a) => settings::run(a).await,
        Command::Model(a) => models::run(a).await,
        Command::Submission(a) => submissions::run(a).await,
        Command::Finding(a) => findings::run(a).await,
        Command::Report(a) => reports::run(a).await,
        Command::Standard(a) => standards::run(a).await,
        Command::Profile(a) => profiles::run(a).await,
        Command::Designation(a) => designations::run(a).await,
        Command::Contest(a) => contests::run(a).await,
        Command::Eval(a) => eval::run(a).await,
        Command::Ingest(a) => ingest::run(a).await,
        Command::Case(a) => cases::run(a).await,
        Command::Vendor(a) => vendors::run(a).await,
        Command::Share(a) => shares::run(a).await,
        Command::Export(a) => export::run(a).await,
        Command::Sbom(a) => sbom::run(a).await,
        Command::Match(a) => matching::run_match(a).await,
        Command::Notices(a) => matching::run_notices(a).await,
    }
}
