//! `bulwark sbom add FILE --operator ORG --asset NAME`: registers an
//! operator's asset from a CycloneDX or SPDX JSON SBOM (or replaces its
//! inventory) and reports what the matching found; `bulwark sbom list`.
use crate::client::{seg, show, ApiArgs, Client};
use crate::output::{when, Table};
use anyhow::{Context as _, Result};
use bulwark_app::clearinghouse::assets::{AssetRegisteredView, AssetView};
use clap::{Args, Subcommand};
use std::path::PathBuf;

/// Options of `bulwark sbom`.
#[derive(Debug, Args)]
pub struct SbomArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: SbomCommand,
}

/// SBOM commands.
#[derive(Debug, Subcommand)]
pub enum SbomCommand {
    /// Register an asset from an SBOM file (CycloneDX 1.2–1.6 or SPDX 2.2/2.3
    /// JSON), or replace the asset's inventory; it is matched against every
    /// published advisory at once.
    Add {
        /// The SBOM file.
        file: PathBuf,
        /// The operator organisation's slug.
        #[arg(long, value_name = "ORG")]
        operator: String,
        /// The asset's name.
        #[arg(long, value_name = "NAME")]
        asset: String,
    },
    /// List an operator's assets (default: your organisation's).
    List {
        /// The operator organisation's slug.
        #[arg(long, value_name = "ORG")]
        operator: Option<String>,
    },
}

/// Runs `bulwark sbom`.
pub async fn run(args: SbomArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let json = args.api.json;
    match args.command {
        SbomCommand::Add {
            file,
            operator,
            asset,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let v = c
                .post_bytes(
                    &format!("/assets?operator={}&name={}", seg(&operator), seg(&asset)),
                    bytes,
                )
                .await?;
            show(json, v, |o: AssetRegisteredView| {
                outln!(
                    "{} asset {} ({} {} components, {} with a package URL, sha256 {})",
                    if o.replaced { "replaced" } else { "registered" },
                    o.asset.name,
                    o.asset.sbom_format,
                    o.asset.components,
                    o.indexed_components,
                    &o.asset.sha256[..16.min(o.asset.sha256.len())]
                );
                outln!(
                    "affected by {} advisories: {} new notices, {} updated, {} resolved",
                    o.affected_advisories,
                    o.notices_created,
                    o.notices_updated,
                    o.notices_resolved
                );
                Ok(())
            })
        }
        SbomCommand::List { operator } => {
            let path = match operator {
                Some(o) => format!("/assets?operator={}", seg(&o)),
                None => "/assets".to_owned(),
            };
            let v = c.get(&path).await?;
            show(json, v, |assets: Vec<AssetView>| {
                let mut t = Table::new(&["NAME", "FORMAT", "COMPONENTS", "UPDATED", "ID"]);
                for a in assets {
                    t.row(vec![
                        a.name,
                        format!("{} {}", a.sbom_format, a.spec_version),
                        a.components.to_string(),
                        when(&a.updated_at),
                        a.id,
                    ]);
                }
                t.print("no assets");
                Ok(())
            })
        }
    }
}
