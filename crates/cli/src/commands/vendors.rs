//! `bulwark vendor ...`: how vendors are reached (administrators and
//! analysts), and a vendor's own cases and statuses (vendor contacts).
use crate::client::{seg, show, ApiArgs, Client};
use crate::output::{when_opt, Table};
use crate::secret_input;
use anyhow::{bail, Result};
use bulwark_app::clearinghouse::vendors::{VendorCaseView, VendorContactView, VendorStatusView};
use clap::{Args, Subcommand};
use serde_json::json;

/// Options of `bulwark vendor`.
#[derive(Debug, Args)]
pub struct VendorArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: VendorCommand,
}

/// Vendor commands.
#[derive(Debug, Subcommand)]
pub enum VendorCommand {
    /// Set how a vendor organisation is notified (webhook and/or e-mail).
    Contact {
        /// The vendor organisation's slug.
        slug: String,
        /// Webhook URL (http/https) notifications are POSTed to, signed
        /// with `X-Bulwark-Signature: sha256=<HMAC-SHA256>`.
        #[arg(long, value_name = "URL")]
        webhook: Option<String>,
        /// Environment variable holding the webhook's signing secret (16+
        /// characters); required with a new webhook, kept when omitted.
        #[arg(long, value_name = "VAR")]
        secret_env: Option<String>,
        /// E-mail address notifications are sent to.
        #[arg(long, value_name = "ADDR")]
        email: Option<String>,
    },
    /// Record your organisation's status on a case it was notified of.
    Status {
        /// Case id.
        case: String,
        /// affected, not_affected or fixed.
        #[arg(long, value_parser = ["affected", "not_affected", "fixed"])]
        status: String,
        /// With not_affected: component_not_present, vulnerable_code_not_present,
        /// vulnerable_code_not_in_execute_path,
        /// vulnerable_code_cannot_be_controlled_by_adversary or
        /// inline_mitigations_already_exist.
        #[arg(long)]
        justification: Option<String>,
        /// With fixed: a version that has the fix (repeat for several).
        #[arg(long = "fixed", value_name = "VERSION")]
        fixed: Vec<String>,
        /// A link to a patch (repeat for several).
        #[arg(long = "patch", value_name = "URL")]
        patch: Vec<String>,
        /// Your statement.
        #[arg(long)]
        statement: Option<String>,
    },
    /// List the cases your vendor organisation was notified of.
    Cases,
}

/// Runs `bulwark vendor`.
pub async fn run(args: VendorArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let json = args.api.json;
    match args.command {
        VendorCommand::Contact {
            slug,
            webhook,
            secret_env,
            email,
        } => {
            if webhook.is_none() && email.is_none() {
                bail!("give --webhook URL and/or --email ADDR");
            }
            if secret_env.is_some() && webhook.is_none() {
                bail!("--secret-env is used only with --webhook");
            }
            let secret = match &secret_env {
                Some(var) => Some(secret_input::from_env(var)?),
                None => None,
            };
            let body = json!({
                "webhook_url": webhook,
                "webhook_secret": secret.as_ref().map(|s| s.expose()),
                "email": email,
            });
            let v = c
                .put(&format!("/vendors/{}/contact", seg(&slug)), &body)
                .await?;
            show(json, v, |view: VendorContactView| {
                outln!("vendor {}:", view.vendor);
                outln!(
                    "  webhook: {}{}",
                    view.webhook_url.as_deref().unwrap_or("none"),
                    if view.webhook_secret_set {
                        " (secret stored, encrypted)"
                    } else {
                        ""
                    }
                );
                outln!("  e-mail:  {}", view.email.as_deref().unwrap_or("none"));
                Ok(())
            })
        }
        VendorCommand::Status {
            case,
            status,
            justification,
            fixed,
            patch,
            statement,
        } => {
            let body = json!({"status": status, "justification": justification,
                "fixed_versions": fixed, "patch_refs": patch, "statement": statement});
            let v = c
                .post(&format!("/cases/{}/vendor-status", seg(&case)), &body)
                .await?;
            show(json, v, |s: VendorStatusView| {
                outln!("{} on case {}: {}", s.vendor, case, s.status);
                if !s.fixed_versions.is_empty() {
                    outln!("fixed in: {}", s.fixed_versions.join(", "));
                }
                Ok(())
            })
        }
        VendorCommand::Cases => {
            let v = c.get("/vendor/cases").await?;
            show(json, v, |cases: Vec<VendorCaseView>| {
                let mut t =
                    Table::new(&["ID", "NAME", "TLP", "EMBARGO UNTIL", "YOUR STATUS", "TITLE"]);
                for case in cases {
                    t.row(vec![
                        case.id,
                        case.name,
                        case.tlp,
                        when_opt(&case.embargo_until),
                        case.status.status,
                        case.title,
                    ]);
                }
                t.print("no cases: your organisation has not been notified of any");
                Ok(())
            })
        }
    }
}
