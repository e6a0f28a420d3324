//! `bulwark settings ...`: installation policy.
use crate::client::{self, ApiArgs, Client};
use anyhow::Result;
use bulwark_domain::settings::PolicySettings;
use clap::{Args, Subcommand};

/// Options of `bulwark settings`.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: SettingsCommand,
}

/// Settings commands.
#[derive(Debug, Subcommand)]
pub enum SettingsCommand {
    /// Show the policy settings.
    Show,
    /// Change policy settings (administrators); options not given keep their value.
    Set {
        /// Longest review window in days (1-90; the order's default is 30).
        #[arg(long, value_name = "N")]
        max_window_days: Option<i64>,
        /// Slugs of the standards bodies that must all sign a standard, comma-separated.
        #[arg(long, value_name = "SLUG,SLUG,...", value_delimiter = ',')]
        required_bodies: Option<Vec<String>>,
        /// Clearinghouse embargo in days from triage (0-365; default 90).
        #[arg(long, value_name = "DAYS")]
        embargo_days: Option<i64>,
        /// Embargo of known-exploited vulnerabilities in days (0-365, at most --embargo-days; default 7).
        #[arg(long, value_name = "DAYS")]
        exploited_embargo_days: Option<i64>,
    },
}

/// Runs a settings command.
pub async fn run(args: SettingsArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let json = args.api.json;
    match args.command {
        SettingsCommand::Show => {
            let v = c.get("/settings").await?;
            client::show(json, v, |s: PolicySettings| {
                print_settings(&s);
                Ok(())
            })
        }
        SettingsCommand::Set {
            max_window_days,
            required_bodies,
            embargo_days,
            exploited_embargo_days,
        } => {
            if max_window_days.is_none()
                && required_bodies.is_none()
                && embargo_days.is_none()
                && exploited_embargo_days.is_none()
            {
                anyhow::bail!("nothing to change: give --max-window-days, --required-bodies, --embargo-days and/or --exploited-embargo-days");
            }
            let mut s: PolicySettings = client::parse(c.get("/settings").await?)?;
            if let Some(days) = max_window_days {
                s.max_window_days = days;
            }
            if let Some(days) = embargo_days {
                s.embargo.default_days = days;
            }
            if let Some(days) = exploited_embargo_days {
                s.embargo.exploited_days = days;
            }
            if let Some(bodies) = required_bodies {
                s.required_bodies = bodies
                    .into_iter()
                    .map(|b| b.trim().to_string())
                    .filter(|b| !b.is_empty())
                    .collect();
            }
            let v = c.put("/settings", &s).await?;
            client::show(json, v, |s: PolicySettings| {
                print_settings(&s);
                Ok(())
            })
        }
    }
}

fn print_settings(s: &PolicySettings) {
    outln!("max review window:         {} days", s.max_window_days);
    outln!(
        "required standards bodies: {}",
        s.required_bodies.join(", ")
    );
    outln!(
        "clearinghouse embargo:     {} days ({} when exploited)",
        s.embargo.default_days,
        s.embargo.exploited_days
    );
}
