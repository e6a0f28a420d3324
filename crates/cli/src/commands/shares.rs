//! `bulwark share ...`: review findings proposed to the clearinghouse
//! (reviewers), and the lab's consent or refusal (lab administrators).
use crate::client::{seg, show, ApiArgs, Client};
use crate::output::{when, Table};
use anyhow::Result;
use bulwark_app::clearinghouse::shares::{DeclineShareParams, ProposeShareParams, ShareView};
use clap::{Args, Subcommand};

/// Options of `bulwark share`.
#[derive(Debug, Args)]
pub struct ShareArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: ShareCommand,
}

/// Share commands.
#[derive(Debug, Subcommand)]
pub enum ShareCommand {
    /// Propose one of your agency's findings for the clearinghouse; nothing
    /// is filed until the submitting lab consents.
    Propose {
        /// The finding's id.
        finding: String,
        /// Affected package (purl).
        #[arg(long)]
        purl: Option<String>,
        /// First affected version.
        #[arg(long)]
        introduced: Option<String>,
        /// First fixed version.
        #[arg(long)]
        fixed: Option<String>,
        /// CWE number.
        #[arg(long)]
        cwe: Option<u32>,
        /// CVSS 3.x or 4.0 vector.
        #[arg(long)]
        cvss_vector: Option<String>,
    },
    /// Proposals you may see: your lab's (lab) or your agency's (reviewer).
    List {
        /// Only `pending`, `consented` or `declined` ones.
        #[arg(long)]
        status: Option<String>,
    },
    /// Consent to a proposal: the finding is filed with the clearinghouse.
    Consent {
        /// Proposal id.
        id: String,
    },
    /// Decline a proposal: nothing reaches the clearinghouse.
    Decline {
        /// Proposal id.
        id: String,
        /// Why (kept with the proposal).
        #[arg(long)]
        reason: Option<String>,
    },
}

fn print_one(s: ShareView) -> Result<()> {
    outln!("{} {} — {}", s.id, s.status, s.finding_title);
    if let Some(case) = s.case_id {
        outln!("  filed under case {case}");
    }
    if let Some(reason) = s.reason {
        outln!("  reason: {reason}");
    }
    Ok(())
}

/// Runs a share command.
pub async fn run(args: ShareArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let json = args.api.json;
    match args.command {
        ShareCommand::Propose {
            finding,
            purl,
            introduced,
            fixed,
            cwe,
            cvss_vector,
        } => {
            let params = ProposeShareParams {
                finding_id: finding,
                purl,
                introduced,
                fixed,
                cwe,
                cvss_vector,
            };
            let v = c.post("/vuln-shares", &params).await?;
            show(json, v, print_one)
        }
        ShareCommand::List { status } => {
            let path = match status {
                Some(s) => format!("/vuln-shares?status={}", seg(&s)),
                None => "/vuln-shares".to_owned(),
            };
            let v = c.get(&path).await?;
            show(json, v, |shares: Vec<ShareView>| {
                let mut t = Table::new(&["id", "status", "finding", "proposed"]);
                for s in shares {
                    t.row(vec![s.id, s.status, s.finding_title, when(&s.created_at)]);
                }
                t.print("no proposals");
                Ok(())
            })
        }
        ShareCommand::Consent { id } => {
            let v = c
                .post(
                    &format!("/vuln-shares/{}/consent", seg(&id)),
                    &serde_json::json!({}),
                )
                .await?;
            show(json, v, print_one)
        }
        ShareCommand::Decline { id, reason } => {
            let v = c
                .post(
                    &format!("/vuln-shares/{}/decline", seg(&id)),
                    &DeclineShareParams { reason },
                )
                .await?;
            show(json, v, print_one)
        }
    }
}
