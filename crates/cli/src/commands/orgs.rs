//! `bulwark org ...`: organisations.
use crate::client::{self, seg, ApiArgs, Client};
use crate::output::{when, Table};
use crate::values;
use anyhow::Result;
use bulwark_app::clearinghouse::clearance::MaxTlpView;
use bulwark_app::views::{CreateOrgParams, OrgView};
use bulwark_domain::identity::{OrgKind, Sector};
use clap::{Args, Subcommand};

/// Options of `bulwark org`.
#[derive(Debug, Args)]
pub struct OrgArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: OrgCommand,
}

/// Organisation commands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Create an organisation (administrators). Agencies get a report signing key.
    Create {
        /// Short unique name (a-z, 0-9, '-').
        #[arg(long)]
        slug: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Kind of organisation.
        #[arg(long, value_parser = values::org_kind())]
        kind: OrgKind,
        /// Critical-infrastructure sector (operators).
        #[arg(long, value_parser = values::sector())]
        sector: Option<Sector>,
    },
    /// List organisations.
    List,
    /// Show one organisation, with its public report signing key.
    Show {
        /// Organisation slug.
        slug: String,
    },
    /// Set the highest TLP level an organisation may receive (administrators).
    MaxTlp {
        /// Organisation slug.
        slug: String,
        /// CLEAR, GREEN, AMBER, AMBER+STRICT or RED; `none` removes it (CLEAR only).
        level: String,
    },
}

/// Runs an organisation command.
pub async fn run(args: OrgArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let json = args.api.json;
    match args.command {
        OrgCommand::Create {
            slug,
            name,
            kind,
            sector,
        } => {
            let params = CreateOrgParams {
                slug,
                name,
                kind,
                sector,
            };
            let v = c.post("/orgs", &params).await?;
            client::show(json, v, |o: OrgView| {
                outln!("created organisation {} ({}, {})", o.slug, o.kind, o.id);
                if let Some(k) = o.signing_public_key {
                    outln!("report signing public key: {k}");
                }
                Ok(())
            })
        }
        OrgCommand::List => {
            let v = c.get("/orgs").await?;
            client::show(json, v, |orgs: Vec<OrgView>| {
                let mut t = Table::new(&["slug", "kind", "sector", "name"]);
                for o in orgs {
                    t.row(vec![
                        o.slug,
                        o.kind.to_string(),
                        o.sector.map(|s| s.to_string()).unwrap_or_default(),
                        o.name,
                    ]);
                }
                t.print("no organisations");
                Ok(())
            })
        }
        OrgCommand::MaxTlp { slug, level } => {
            let level = (!level.eq_ignore_ascii_case("none")).then_some(level);
            let v = c
                .put(
                    &format!("/orgs/{}/max-tlp", seg(&slug)),
                    &serde_json::json!({ "max_tlp": level }),
                )
                .await?;
            client::show(json, v, |o: MaxTlpView| {
                outln!(
                    "{} may receive up to TLP:{}",
                    o.org,
                    o.max_tlp.as_deref().unwrap_or("CLEAR")
                );
                Ok(())
            })
        }
        OrgCommand::Show { slug } => {
            let v = c.get(&format!("/orgs/{}", seg(&slug))).await?;
            client::show(json, v, |o: OrgView| {
                outln!("{} — {}", o.slug, o.name);
                outln!("  id       {}", o.id);
                outln!("  kind     {}", o.kind);
                if let Some(s) = o.sector {
                    outln!("  sector   {s}");
                }
                outln!("  created  {}", when(&o.created_at));
                if let Some(k) = o.signing_public_key {
                    outln!("  report signing public key  {k}");
                }
                Ok(())
            })
        }
    }
}
