//! `bulwark export advisories`: the caller's advisories, fetched through
//! the API (the server filters them by the caller's TLP clearance; `--tlp`
//! lowers the ceiling further with the same rule, never raises it), written
//! as a CSAF provider directory, OSV files, CVE JSON 5 records or STIX
//! bundles.
use crate::client::{parse, ApiArgs, Client};
use anyhow::{bail, Context as _, Result};
use bulwark_app::clearinghouse::advisories::AdvisoryView;
use bulwark_domain::policy::tlp_visible;
use bulwark_formats::export::{
    csaf_provider_layout, to_cve5_cna, to_osv, to_stix_bundle, CnaOrg, ProviderFile,
};
use bulwark_formats::model::{Advisory, Tlp};
use clap::{Args, Subcommand, ValueEnum};
use serde::Serialize;
use std::path::{Component, Path, PathBuf};

/// Advisories fetched per request.
const PAGE: i64 = 500;

/// Options of `bulwark export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: ExportCommand,
}

/// Export commands.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// Write the advisories you may read in an exchange format.
    ///
    /// csaf: a CSAF 2.0 provider directory (provider-metadata.json, per TLP
    /// index.txt, changes.csv, documents with .sha256/.sha512); osv: one
    /// OSV file per advisory; cve5: one CVE JSON 5 record per TLP:CLEAR
    /// advisory with a CVE alias (others are skipped and listed); stix: one
    /// STIX 2.1 bundle per advisory, with TLP 2.0 markings.
    Advisories(AdvisoriesArgs),
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// CSAF 2.0 provider directory.
    Csaf,
    /// OSV JSON.
    Osv,
    /// CVE JSON 5 CNA records.
    Cve5,
    /// STIX 2.1 bundles.
    Stix,
}

/// Options of `bulwark export advisories`.
#[derive(Debug, Args)]
pub struct AdvisoriesArgs {
    /// The format to write.
    #[arg(long, value_enum)]
    format: Format,
    /// The directory to write into (created when missing).
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Export only advisories at or below this TLP level (CLEAR, GREEN,
    /// AMBER, AMBER+STRICT, RED); never more than your clearance.
    #[arg(long, value_name = "LEVEL", value_parser = parse_tlp)]
    tlp: Option<Tlp>,
    /// csaf: the https:// URL the directory will be served at (default: the
    /// publisher's namespace + /.well-known/csaf).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// cve5: your CNA's organisation UUID.
    #[arg(long, value_name = "UUID")]
    cna_org_id: Option<String>,
    /// cve5: your CNA's short name.
    #[arg(long, value_name = "NAME")]
    cna_short_name: Option<String>,
}

fn parse_tlp(text: &str) -> Result<Tlp, String> {
    Tlp::parse(text).ok_or_else(|| "use CLEAR, GREEN, AMBER, AMBER+STRICT or RED".to_owned())
}

/// What `--json` prints.
#[derive(Debug, Default, Serialize)]
struct Summary {
    format: String,
    out: String,
    advisories: usize,
    files: Vec<String>,
    skipped: Vec<Skipped>,
}

/// An advisory the format cannot carry.
#[derive(Debug, Serialize)]
struct Skipped {
    id: String,
    reason: String,
}

/// Runs `bulwark export`.
pub async fn run(args: ExportArgs) -> Result<()> {
    let ExportCommand::Advisories(a) = args.command;
    let cna = match a.format {
        Format::Cve5 => match (&a.cna_org_id, &a.cna_short_name) {
            (Some(id), Some(name)) => {
                Some(CnaOrg::new(id, name).context("--cna-org-id/--cna-short-name")?)
            }
            _ => bail!("--format cve5 needs --cna-org-id UUID and --cna-short-name NAME"),
        },
        _ => None,
    };
    if let Some(url) = &a.base_url {
        if !url.starts_with("https://") {
            bail!("--base-url must be an https:// URL (CSAF requirement 3)");
        }
    }
    let client = Client::new(&args.api)?;
    let advisories = fetch(&client, a.tlp).await?;
    std::fs::create_dir_all(&a.out)
        .with_context(|| format!("cannot create {}", a.out.display()))?;
    let mut summary = Summary {
        format: format!("{:?}", a.format).to_lowercase(),
        out: a.out.display().to_string(),
        advisories: advisories.len(),
        ..Summary::default()
    };
    let docs: Vec<Advisory> = advisories.into_iter().map(|v| v.document).collect();
    let mut files: Vec<ProviderFile> = Vec::new();
    match a.format {
        Format::Csaf if docs.is_empty() => {}
        Format::Csaf => {
            let base = a.base_url.clone().unwrap_or_else(|| {
                format!(
                    "{}/.well-known/csaf",
                    docs[0].publisher.namespace.trim_end_matches('/')
                )
            });
            let now = docs.iter().map(|d| d.modified).max().unwrap_or_default();
            files = csaf_provider_layout(&docs, &base, now).context("CSAF provider layout")?;
        }
        Format::Osv => {
            for d in &docs {
                files.push(json_file(
                    &d.id,
                    &to_osv(d).with_context(|| format!("OSV of {}", d.id))?,
                )?);
            }
        }
        Format::Cve5 => {
            let cna = cna.context("CNA")?;
            for d in &docs {
                match to_cve5_cna(d, &cna) {
                    Ok(record) => files.push(json_file(&d.id, &record)?),
                    Err(e) => summary.skipped.push(Skipped {
                        id: d.id.clone(),
                        reason: e.to_string(),
                    }),
                }
            }
        }
        Format::Stix => {
            for d in &docs {
                let bundle = to_stix_bundle(std::slice::from_ref(d), &d.publisher)
                    .with_context(|| format!("STIX bundle of {}", d.id))?;
                files.push(json_file(&d.id, &bundle)?);
            }
        }
    }
    for file in &files {
        write(&a.out, file)?;
        summary.files.push(file.path.clone());
    }
    if args.api.json {
        crate::output::print_json(&summary)?;
    } else {
        outln!(
            "{} advisories, {} files written to {} ({})",
            summary.advisories,
            summary.files.len(),
            summary.out,
            summary.format
        );
        for s in &summary.skipped {
            outln!("skipped {}: {}", s.id, s.reason);
        }
    }
    Ok(())
}

/// Every advisory the server gives the caller, at or below `ceiling`.
async fn fetch(client: &Client, ceiling: Option<Tlp>) -> Result<Vec<AdvisoryView>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page: Vec<AdvisoryView> = parse(
            client
                .get(&format!("/advisories?after_seq={after}&limit={PAGE}"))
                .await?,
        )?;
        let full = page.len() as i64 == PAGE;
        if let Some(last) = page.last() {
            after = last.seq;
        }
        all.extend(
            page.into_iter()
                .filter(|a| ceiling.is_none_or(|c| tlp_visible(c, a.document.tlp))),
        );
        if !full {
            return Ok(all);
        }
    }
}

fn json_file(id: &str, value: &serde_json::Value) -> Result<ProviderFile> {
    let mut bytes = serde_json::to_vec_pretty(value)?;
    bytes.push(b'\n');
    Ok(ProviderFile {
        path: format!("{id}.json"),
        bytes,
    })
}

/// Writes one file under `dir`, refusing paths that leave it.
fn write(dir: &Path, file: &ProviderFile) -> Result<()> {
    let rel = Path::new(&file.path);
    if rel.components().any(|c| !matches!(c, Component::Normal(_))) {
        bail!(
            "refusing to write {:?} outside the output directory",
            file.path
        );
    }
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, &file.bytes).with_context(|| format!("cannot write {}", path.display()))
}
