//! `bulwark case ...`: the clearinghouse case workflow for analysts — the
//! queue and one case, triage, state, TLP, merge, split and evidence —
//! and coordination: notify a case's vendors, publish its advisory, follow
//! the notifications.
use crate::client::{seg, show, ApiArgs, Client};
use crate::output::{remaining, when, when_opt, Table};
use anyhow::{Context as _, Result};
use bulwark_app::clearinghouse::advisories::AdvisoryView;
use bulwark_app::clearinghouse::cases::{CaseDetailView, CaseView};
use bulwark_app::clearinghouse::evidence::EvidenceView;
use bulwark_app::clearinghouse::outbox::OutboxMessageView;
use bulwark_app::clearinghouse::vendors::NotifyOutcomeView;
use clap::{Args, Subcommand};
use serde_json::json;

/// Options of `bulwark case`.
#[derive(Debug, Args)]
pub struct CaseArgs {
    #[command(flatten)]
    pub api: ApiArgs,

    #[command(subcommand)]
    pub command: CaseCommand,
}

/// Case commands.
#[derive(Debug, Subcommand)]
pub enum CaseCommand {
    /// List cases, highest priority first.
    List {
        /// Only cases in this state (`new`, `triaged`, `vendor_notified`,
        /// `fix_available`, `published`, `rejected`, `duplicate`).
        #[arg(long)]
        state: Option<String>,
        /// Most cases to list (1-500).
        #[arg(long, default_value_t = 100)]
        limit: i64,
    },
    /// Show a case: its facts, reports with provenance, timeline, vendors
    /// and evidence.
    Show {
        /// Case id.
        id: String,
    },
    /// Triage a new case and set its embargo deadline.
    Triage {
        /// Case id.
        id: String,
        /// Embargo in days from now (0-365; default: the policy's deadline).
        #[arg(long, value_name = "N")]
        embargo_days: Option<i64>,
        /// A note for the timeline.
        #[arg(long)]
        note: Option<String>,
    },
    /// Move a case to `triaged`, `rejected` or `fix_available`.
    Move {
        /// Case id.
        id: String,
        /// The new state.
        state: String,
        /// A note for the timeline.
        #[arg(long)]
        note: Option<String>,
    },
    /// Set a case's TLP level (CLEAR, GREEN, AMBER, AMBER+STRICT, RED).
    Tlp {
        /// Case id.
        id: String,
        /// The level.
        level: String,
    },
    /// Merge case FROM into case INTO (FROM becomes a duplicate).
    Merge {
        /// The case that is absorbed.
        from: String,
        /// The case that absorbs it.
        into: String,
        /// A note for the timeline.
        #[arg(long)]
        note: Option<String>,
    },
    /// Split reports off a case into a new case.
    Split {
        /// Case id.
        id: String,
        /// A report to move (repeat for several; at least one must stay).
        #[arg(long = "report", value_name = "REPORT_ID", required = true)]
        reports: Vec<String>,
        /// A note for the timeline.
        #[arg(long)]
        note: Option<String>,
    },
    /// A case's evidence (stored encrypted, embargoed).
    Evidence {
        #[command(subcommand)]
        command: EvidenceCommand,
    },
    /// Notify vendors of a triaged case (under embargo): one message per
    /// channel per vendor goes out through the outbox.
    Notify {
        /// Case id.
        id: String,
        /// A vendor organisation's slug (repeat for several).
        #[arg(long = "vendor", value_name = "SLUG", required = true)]
        vendors: Vec<String>,
    },
    /// Publish a case's advisory (or the next revision of it).
    Publish {
        /// Case id.
        id: String,
        /// A target sector (repeat for several; none: every sector).
        #[arg(long = "sector", value_name = "SECTOR")]
        sectors: Vec<String>,
    },
    /// Show the notifications of a case and how their delivery went.
    Outbox {
        /// Case id.
        id: String,
    },
}

/// Evidence commands.
#[derive(Debug, Subcommand)]
pub enum EvidenceCommand {
    /// Attach a file to a case.
    Add {
        /// Case id.
        id: String,
        /// The file.
        file: std::path::PathBuf,
        /// Its media type (default: application/octet-stream).
        #[arg(long = "type", value_name = "MEDIA")]
        media_type: Option<String>,
    },
    /// List a case's evidence.
    List {
        /// Case id.
        id: String,
    },
    /// Download a piece of evidence.
    Get {
        /// Case id.
        id: String,
        /// Evidence id.
        evidence_id: String,
        /// Where to write it.
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
    },
}

/// Runs `bulwark case`.
pub async fn run(args: CaseArgs) -> Result<()> {
    let c = Client::new(&args.api)?;
    let json = args.api.json;
    match args.command {
        CaseCommand::List { state, limit } => {
            let mut path = format!("/cases?limit={limit}");
            if let Some(state) = &state {
                path.push_str(&format!("&state={}", seg(state)));
            }
            let v = c.get(&path).await?;
            show(json, v, |cases: Vec<CaseView>| {
                print_cases(cases);
                Ok(())
            })
        }
        CaseCommand::Show { id } => {
            let v = c.get(&format!("/cases/{}", seg(&id))).await?;
            show(json, v, |d: CaseDetailView| {
                print_detail(d);
                Ok(())
            })
        }
        CaseCommand::Triage {
            id,
            embargo_days,
            note,
        } => {
            let v = c
                .post(
                    &format!("/cases/{}/triage", seg(&id)),
                    &json!({"embargo_days": embargo_days, "note": note}),
                )
                .await?;
            show(json, v, print_case)
        }
        CaseCommand::Move { id, state, note } => {
            let v = c
                .post(
                    &format!("/cases/{}/transition", seg(&id)),
                    &json!({"state": state, "note": note}),
                )
                .await?;
            show(json, v, print_case)
        }
        CaseCommand::Tlp { id, level } => {
            let v = c
                .put(&format!("/cases/{}/tlp", seg(&id)), &json!({"tlp": level}))
                .await?;
            show(json, v, print_case)
        }
        CaseCommand::Merge { from, into, note } => {
            let v = c
                .post(
                    &format!("/cases/{}/merge", seg(&from)),
                    &json!({"into": into, "note": note}),
                )
                .await?;
            show(json, v, |k: CaseView| {
                outln!("merged {from} into:");
                print_case(k)
            })
        }
        CaseCommand::Split { id, reports, note } => {
            let v = c
                .post(
                    &format!("/cases/{}/split", seg(&id)),
                    &json!({"reports": reports, "note": note}),
                )
                .await?;
            show(json, v, |k: CaseView| {
                outln!("new case:");
                print_case(k)
            })
        }
        CaseCommand::Evidence { command } => run_evidence(&c, json, command).await,
        CaseCommand::Notify { id, vendors } => {
            let v = c
                .post(
                    &format!("/cases/{}/notify", seg(&id)),
                    &json!({"vendors": vendors}),
                )
                .await?;
            show(json, v, |o: NotifyOutcomeView| {
                outln!("case is now {}", o.state);
                outln!("notified: {}", list(&o.notified));
                if !o.already_notified.is_empty() {
                    outln!("already notified before: {}", list(&o.already_notified));
                }
                outln!("messages enqueued: {}", list(&o.messages));
                Ok(())
            })
        }
        CaseCommand::Publish { id, sectors } => {
            let v = c
                .post(
                    &format!("/cases/{}/publish", seg(&id)),
                    &json!({"sectors": sectors}),
                )
                .await?;
            show(json, v, |a: AdvisoryView| {
                outln!(
                    "published {} revision {} (seq {}, TLP:{})",
                    a.id,
                    a.revision,
                    a.seq,
                    a.tlp
                );
                Ok(())
            })
        }
        CaseCommand::Outbox { id } => {
            let v = c.get(&format!("/cases/{}/outbox", seg(&id))).await?;
            show(json, v, |messages: Vec<OutboxMessageView>| {
                let mut t = Table::new(&[
                    "VENDOR",
                    "CHANNEL",
                    "STATE",
                    "ATTEMPTS",
                    "NEXT",
                    "DELIVERED",
                    "LAST ERROR",
                ]);
                for m in messages {
                    t.row(vec![
                        m.vendor,
                        m.channel,
                        m.state,
                        m.attempts.to_string(),
                        when_opt(&m.next_attempt_at),
                        when_opt(&m.delivered_at),
                        m.last_error.unwrap_or_default(),
                    ]);
                }
                t.print("no notifications for this case");
                Ok(())
            })
        }
    }
}

async fn run_evidence(c: &Client, json: bool, command: EvidenceCommand) -> Result<()> {
    match command {
        EvidenceCommand::Add {
            id,
            file,
            media_type,
        } => {
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let name = file
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            let media = media_type.unwrap_or_else(|| "application/octet-stream".into());
            let v = c
                .post_typed_bytes(
                    &format!(
                        "/cases/{}/evidence?name={}&type={}",
                        seg(&id),
                        seg(&name),
                        seg(&media)
                    ),
                    &media,
                    bytes,
                )
                .await?;
            show(json, v, |e: EvidenceView| {
                outln!(
                    "attached {} ({}, {} bytes, sha256 {})",
                    e.id,
                    e.file_name,
                    e.size,
                    e.sha256
                );
                Ok(())
            })
        }
        EvidenceCommand::List { id } => {
            let v = c.get(&format!("/cases/{}/evidence", seg(&id))).await?;
            show(json, v, |items: Vec<EvidenceView>| {
                print_evidence(items);
                Ok(())
            })
        }
        EvidenceCommand::Get {
            id,
            evidence_id,
            out,
        } => {
            let bytes = c
                .get_bytes(&format!(
                    "/cases/{}/evidence/{}",
                    seg(&id),
                    seg(&evidence_id)
                ))
                .await?;
            std::fs::write(&out, &bytes)
                .with_context(|| format!("cannot write {}", out.display()))?;
            if json {
                crate::output::print_json(
                    &json!({"path": out.display().to_string(), "size": bytes.len()}),
                )
            } else {
                outln!("wrote {} bytes to {}", bytes.len(), out.display());
                Ok(())
            }
        }
    }
}

fn print_cases(cases: Vec<CaseView>) {
    let mut t = Table::new(&[
        "ID", "CASE", "STATE", "PRIORITY", "REPORTS", "TLP", "EMBARGO", "TITLE",
    ]);
    for k in cases {
        t.row(vec![
            k.id,
            k.name,
            k.state,
            format!("{:.0}", k.priority),
            k.report_count.to_string(),
            k.tlp,
            when_opt(&k.embargo_until),
            k.title,
        ]);
    }
    t.print("no cases");
}

fn print_case(k: CaseView) -> Result<()> {
    outln!("{} {}: {}", k.name, k.id, k.title);
    outln!(
        "state {}, priority {:.0}, {} report(s), TLP:{}{}",
        k.state,
        k.priority,
        k.report_count,
        k.tlp,
        if k.exploited { ", exploited" } else { "" }
    );
    if let Some(cvss) = k.max_cvss {
        outln!("highest CVSS {cvss}");
    }
    if let Some(until) = &k.embargo_until {
        let left = (*until - chrono::Utc::now()).num_seconds();
        outln!("embargo until {} ({} left)", when(until), remaining(left));
    }
    if let Some(m) = &k.merged_into {
        outln!("merged into {m}");
    }
    Ok(())
}

fn print_detail(d: CaseDetailView) {
    let _ = print_case(d.case);
    outln!("");
    outln!("reports:");
    let mut t = Table::new(&["ID", "FORMAT", "RECEIVED", "SUBMITTER", "FOUND BY", "TITLE"]);
    for r in d.reports {
        let (submitter, found) = match &r.provenance {
            Some(p) => (
                format!("{}@{}", p.submitter_user, p.submitter_org),
                p.found_by_model_name
                    .clone()
                    .or_else(|| p.found_by_model.clone())
                    .unwrap_or_default(),
            ),
            None => (String::new(), String::new()),
        };
        t.row(vec![
            r.id,
            r.source_format,
            when(&r.received_at),
            submitter,
            found,
            r.title,
        ]);
    }
    t.print("no reports");
    outln!("");
    outln!("timeline:");
    let mut t = Table::new(&["AT", "BY", "WHAT", "DETAIL"]);
    for e in d.events {
        t.row(vec![
            when(&e.at),
            e.actor.unwrap_or_else(|| "system".into()),
            e.kind,
            e.detail.to_string(),
        ]);
    }
    t.print("nothing recorded yet");
    outln!("");
    outln!("vendors:");
    let mut t = Table::new(&["VENDOR", "STATUS", "FIXED IN", "NOTIFIED"]);
    for v in d.vendors {
        let status = match v.justification {
            Some(j) => format!("{} ({j})", v.status),
            None => v.status,
        };
        t.row(vec![
            v.slug,
            status,
            v.fixed_versions.join(", "),
            when(&v.notified_at),
        ]);
    }
    t.print("no vendor notified");
    outln!("");
    outln!("evidence:");
    print_evidence(d.evidence);
}

fn print_evidence(items: Vec<EvidenceView>) {
    let mut t = Table::new(&["ID", "FILE", "TYPE", "SIZE", "SHA-256", "ADDED"]);
    for e in items {
        t.row(vec![
            e.id,
            e.file_name,
            e.media_type,
            e.size.to_string(),
            e.sha256,
            when(&e.created_at),
        ]);
    }
    t.print("no evidence");
}

fn list(items: &[String]) -> String {
    if items.is_empty() {
        "none".into()
    } else {
        items.join(", ")
    }
}
