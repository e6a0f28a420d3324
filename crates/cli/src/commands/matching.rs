//! `bulwark match --operator ORG`: what affects each of an operator's
//! assets now; `bulwark notices` and `bulwark notices ack ID`.
use crate::client::{seg, show, ApiArgs, Client};
use crate::output::{when, when_opt, Table};
use anyhow::Result;
use bulwark_app::clearinghouse::assets::MatchReportView;
use bulwark_app::clearinghouse::matching::AffectedComponentView;
use bulwark_app::clearinghouse::notices::NoticeView;
use clap::{Args, Subcommand};

/// Options of `bulwark match`.
#[derive(Debug, Args)]
pub struct MatchArgs {
    #[command(flatten)]
    pub api: ApiArgs,
    /// The operator organisation's slug (default: your organisation).
    #[arg(long, value_name = "ORG")]
    operator: Option<String>,
}

/// Options of `bulwark notices`.
#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct NoticesArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: Option<NoticesCommand>,
}

/// Notice commands (none: list your organisation's notices).
#[derive(Debug, Subcommand)]
pub enum NoticesCommand {
    /// Acknowledge that the fix a notice asks for is deployed on its asset.
    Ack {
        #[command(flatten)]
        api: ApiArgs,
        /// The notice's id.
        id: String,
    },
}

fn components(list: &[AffectedComponentView]) -> String {
    list.iter()
        .map(|c| {
            let fix = if c.fixed_versions.is_empty() {
                "no fix".to_owned()
            } else {
                format!("fix {}", c.fixed_versions.join(" or "))
            };
            format!("{}@{} ({fix})", c.purl, c.version.as_deref().unwrap_or("?"))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Runs `bulwark match`.
pub async fn run_match(args: MatchArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let path = match &args.operator {
        Some(o) => format!("/match?operator={}", seg(o)),
        None => "/match".to_owned(),
    };
    let v = c.get(&path).await?;
    show(args.api.json, v, |r: MatchReportView| {
        outln!("operator {} (up to TLP:{})", r.operator, r.max_tlp);
        let mut t = Table::new(&[
            "ASSET",
            "ADVISORY",
            "SEVERITY",
            "AFFECTED",
            "SUPPRESSED BY VEX",
            "NOTICE",
        ]);
        for a in &r.assets {
            for m in &a.advisories {
                t.row(vec![
                    a.asset.name.clone(),
                    m.advisory_id.clone(),
                    m.severity.clone().unwrap_or_else(|| "-".into()),
                    components(&m.affected),
                    m.suppressed
                        .iter()
                        .map(|s| format!("{} ({} {})", s.purl, s.by, s.status))
                        .collect::<Vec<_>>()
                        .join(", "),
                    m.notice_state.clone().unwrap_or_else(|| "-".into()),
                ]);
            }
        }
        t.print("no asset is affected by a published advisory");
        Ok(())
    })
}

/// Runs `bulwark notices`.
pub async fn run_notices(args: NoticesArgs) -> Result<()> {
    match args.command {
        None => {
            let c = Client::new(&args.api)?;
            let v = c.get("/notices").await?;
            show(args.api.json, v, |list: Vec<NoticeView>| {
                let mut t = Table::new(&[
                    "ID",
                    "ASSET",
                    "ADVISORY",
                    "TLP",
                    "STATE",
                    "SENT",
                    "ACKNOWLEDGED",
                    "FIX",
                ]);
                for n in list {
                    t.row(vec![
                        n.id,
                        n.asset_name,
                        n.advisory_id,
                        n.tlp,
                        n.state,
                        when(&n.created_at),
                        when_opt(&n.acknowledged_at),
                        components(&n.components),
                    ]);
                }
                t.print("no notices");
                Ok(())
            })
        }
        Some(NoticesCommand::Ack { api, id }) => {
            let c = Client::new(&api)?;
            let v = c.post_empty(&format!("/notices/{}/ack", seg(&id))).await?;
            show(api.json, v, |n: NoticeView| {
                outln!(
                    "notice {} ({} on {}) acknowledged at {} by {}",
                    n.id,
                    n.advisory_id,
                    n.asset_name,
                    when_opt(&n.acknowledged_at),
                    n.acknowledged_by.as_deref().unwrap_or("-")
                );
                Ok(())
            })
        }
    }
}
