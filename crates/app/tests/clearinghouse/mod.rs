//! The clearinghouse on every backend: intake of single and bulk uploads,
//! idempotency (content hash, client keys), deduplication into cases (exact
//! keys, near-duplicate text), per-record rejections, need-to-know and the
//! audit record.
mod coordination;

use anyhow::{Context, Result};
use bulwark_app::clearinghouse::intake::{IngestOutcomeView, IngestParams};
use bulwark_app::{App, AppError, Clock, Keys, OpContext};
use bulwark_formats::model::SourceFormat;
use bulwark_store::Store;
use bulwark_testkit::{backends, World};
use serde_json::json;
use std::sync::Arc;

const LONG_TEXT: &str = "A heap buffer overflow in the PNG decoder of libimage allows a remote \
    attacker to execute arbitrary code via a crafted image with an oversized IHDR chunk \
    at png_read_chunk in src/png.c";

fn native(value: serde_json::Value) -> IngestParams {
    IngestParams {
        format: Some(SourceFormat::Native),
        body: value.to_string().into_bytes(),
        ..IngestParams::default()
    }
}

async fn ingest(w: &World, who: &OpContext, params: IngestParams) -> Result<IngestOutcomeView> {
    Ok(w.app.ingest(who, params).await?)
}

fn case_of(outcome: &IngestOutcomeView, index: usize) -> Result<String> {
    outcome.records[index]
        .case
        .clone()
        .with_context(|| format!("record {index} has no case: {:?}", outcome.records[index]))
}

#[tokio::test]
async fn reports_are_filed_once_and_grouped_into_cases() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let lab = w.ctx("lab").await?;
        let analyst = w.ctx("analyst").await?;

        let first = json!({"title": "Overflow in libimage", "description": LONG_TEXT,
            "aliases": ["CVE-2026-1000"], "cwes": [787],
            "severities": [{"kind": "cvss_v3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]});
        let out = ingest(&w, &lab, native(first.clone())).await?;
        assert_eq!(
            (out.accepted, out.duplicates, out.rejected, out.new_cases),
            (1, 0, 0, 1)
        );
        let case = case_of(&out, 0)?;

        // The same report again: a duplicate, nothing new filed.
        let again = ingest(&w, &lab, native(first)).await?;
        assert_eq!((again.accepted, again.duplicates), (0, 1));
        assert!(again.records[0]
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("already received"));

        // Another report of the same CVE (other words): same case.
        let alias = ingest(
            &w,
            &analyst,
            native(json!({"description": "libimage crashes on big PNGs",
            "aliases": ["cve-2026-1000"]})),
        )
        .await?;
        assert_eq!(case_of(&alias, 0)?, case);
        assert!(!alias.records[0].new_case);

        // A reworded report without any id: a near duplicate of the text.
        let reworded = LONG_TEXT.replace("remote attacker", "remote user");
        let near = ingest(&w, &lab, native(json!({"description": reworded}))).await?;
        assert_eq!(
            case_of(&near, 0)?,
            case,
            "near-duplicate text joins the case"
        );

        // Unrelated text: a new case.
        let other = ingest(
            &w,
            &lab,
            native(json!({"description":
            "Cross-site scripting in the admin dashboard of webshop lets an authenticated user \
             inject script through the product review form"})),
        )
        .await?;
        assert_ne!(case_of(&other, 0)?, case);
        assert_eq!(other.new_cases, 1);

        let detail = w.app.get_case(&analyst, case.parse()?).await?;
        assert_eq!(detail.case.report_count, 3);
        assert_eq!(detail.reports.len(), 3);
        assert_eq!(detail.case.max_cvss, Some(9.8));
        assert_eq!(detail.case.state, "new");
        assert_eq!(detail.case.tlp, "AMBER");
        assert!(
            detail.case.name.starts_with("BWK-2026-"),
            "{}",
            detail.case.name
        );
        let queue = w.app.list_cases(&analyst, None, 100, 0).await?;
        assert_eq!(queue.len(), 2);
        assert_eq!(queue[0].id, case, "the severe case comes first");
    }
    Ok(())
}

#[tokio::test]
async fn bulk_uploads_answer_every_record() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let lab = w.ctx("lab").await?;
        let lines = [
            json!({"description": "first finding", "aliases": ["GHSA-aaaa-bbbb-cccc"]}).to_string(),
            "{not json".to_owned(),
            json!({"description": "second finding", "aliases": ["GHSA-aaaa-bbbb-cccc"]})
                .to_string(),
            json!({"description": "", "bogus_field": 1}).to_string(),
            json!({"description": "third finding", "aliases": ["CVE-2026-2000"]}).to_string(),
        ];
        let params = IngestParams {
            format: Some(SourceFormat::Native),
            body: lines.join("\n").into_bytes(),
            client_key: Some("batch-7".into()),
            ..IngestParams::default()
        };
        let out = ingest(&w, &lab, params.clone()).await?;
        let statuses: Vec<&str> = out.records.iter().map(|r| r.status.as_str()).collect();
        assert_eq!(
            statuses,
            ["accepted", "rejected", "accepted", "rejected", "accepted"]
        );
        assert_eq!(out.records[1].index, 1);
        assert!(out.records[1].reason.is_some());
        assert_eq!(
            case_of(&out, 0)?,
            case_of(&out, 2)?,
            "same GHSA id, same case"
        );
        assert_eq!(out.new_cases, 2);

        // The retried upload: every accepted record is now a duplicate.
        let retry = ingest(&w, &lab, params).await?;
        assert_eq!(
            (retry.accepted, retry.duplicates, retry.rejected),
            (0, 3, 2)
        );

        // The same client key with other content is still a duplicate.
        let keyed = IngestParams {
            client_key: Some("single-1".into()),
            ..native(json!({"description": "keyed report"}))
        };
        assert_eq!(ingest(&w, &lab, keyed).await?.accepted, 1);
        let changed = IngestParams {
            client_key: Some("single-1".into()),
            ..native(json!({"description": "keyed report, edited"}))
        };
        let out = ingest(&w, &lab, changed).await?;
        assert_eq!(out.duplicates, 1);
        assert!(out.records[0]
            .reason
            .as_deref()
            .unwrap_or("")
            .contains("single-1"));

        let mut tx = w.app.store.begin_read().await?;
        assert_eq!(tx.count_vuln_reports_and_cases().await?, (4, 3));
    }
    Ok(())
}

#[tokio::test]
async fn intake_sees_what_another_process_filed() -> Result<()> {
    // On SQLite each process keeps fingerprints of the stored content hashes
    // and exact keys, and asks the database only about those it may hold:
    // it must catch up with what another process (or itself, restarted)
    // stored, or it would take their reports for new ones.
    for backend in backends()? {
        let w = World::new(backend).await?;
        let lab = w.ctx("lab").await?;
        let other = App::new(
            Store::connect(&w.db.url).await?,
            Keys::generate(),
            w.clock.clone() as Arc<dyn Clock>,
        );
        let a = json!({"description": "first finding in libfoo", "aliases": ["CVE-2026-4100"]});
        let b = json!({"description": "second finding in libbar", "aliases": ["CVE-2026-4200"]});
        assert_eq!(ingest(&w, &lab, native(a.clone())).await?.accepted, 1);
        let filed_b = other.ingest(&lab, native(b.clone())).await?;
        assert_eq!(filed_b.accepted, 1);

        // Each sees the other's report as the same content, both ways.
        let again = ingest(&w, &lab, native(b)).await?;
        assert_eq!((again.accepted, again.duplicates), (0, 1), "{again:?}");
        let again = other.ingest(&lab, native(a)).await?;
        assert_eq!((again.accepted, again.duplicates), (0, 1), "{again:?}");

        // A report sharing only an exact key (the alias) with the other
        // process's joins its case.
        let c = json!({"description": "entirely other words about a libbar bug", "aliases": ["CVE-2026-4200"]});
        let joined = ingest(&w, &lab, native(c)).await?;
        assert_eq!((joined.accepted, joined.new_cases), (1, 0), "{joined:?}");
        assert_eq!(case_of(&joined, 0)?, case_of(&filed_b, 0)?);
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_uploads_are_filed_as_if_one_after_another() -> Result<()> {
    // Uploads that arrive together are filed in groups, one transaction per
    // group: each must still get exactly its own outcome and audit event,
    // and dedup across the uploads of a group must be what filing them one
    // after another gives.
    const UPLOADS: usize = 6;
    for backend in backends()? {
        let w = World::new(backend).await?;
        let lab = w.ctx("lab").await?;
        let mut running = tokio::task::JoinSet::new();
        for i in 0..UPLOADS {
            let records = json!([
                {"description": format!("finding {i} in libfoo"), "aliases": [format!("CVE-2026-{}", 2100 + i)]},
                {"description": "the same finding sent by every upload", "aliases": ["CVE-2026-3000"]},
                {"description": LONG_TEXT.replace("remote attacker", &format!("remote user number{i}"))},
            ]);
            let (app, lab) = (w.app.clone(), lab.clone());
            running.spawn(async move {
                let params = IngestParams {
                    format: Some(SourceFormat::Native),
                    body: records.to_string().into_bytes(),
                    client_key: Some(format!("upload-{i}")),
                    ..IngestParams::default()
                };
                (i, app.ingest(&lab, params).await)
            });
        }
        let mut outcomes = Vec::new();
        while let Some(joined) = running.join_next().await {
            let (i, outcome) = joined?;
            outcomes.push((i, outcome?));
        }
        let mut unique_cases = std::collections::HashSet::new();
        let mut near_cases = std::collections::HashSet::new();
        let mut shared_accepted = 0;
        for (i, out) in &outcomes {
            let statuses: Vec<&str> = out.records.iter().map(|r| r.status.as_str()).collect();
            assert_eq!(out.records.len(), 3, "upload {i}: {statuses:?}");
            assert_eq!(
                out.records.iter().map(|r| r.index).collect::<Vec<_>>(),
                [0, 1, 2],
                "upload {i} gets its own records, in order"
            );
            assert_eq!(statuses[0], "accepted", "upload {i}");
            assert!(
                out.records[0].new_case,
                "upload {i}: its own CVE opens a case"
            );
            unique_cases.insert(case_of(out, 0)?);
            match statuses[1] {
                "accepted" => shared_accepted += 1,
                "duplicate" => {}
                other => panic!("upload {i}: the shared report was {other}"),
            }
            assert_eq!(statuses[2], "accepted", "upload {i}");
            near_cases.insert(case_of(out, 2)?);
            assert_eq!(out.accepted + out.duplicates, 3);
        }
        assert_eq!(shared_accepted, 1, "the shared report is filed once");
        assert_eq!(unique_cases.len(), UPLOADS);
        assert_eq!(near_cases.len(), 1, "the rewordings join one case");
        let opened: usize = outcomes.iter().map(|(_, o)| o.new_cases).sum();
        assert_eq!(opened, UPLOADS + 2);
        let mut tx = w.app.store.begin_read().await?;
        assert_eq!(
            tx.count_vuln_reports_and_cases().await?,
            (2 * UPLOADS as i64 + 1, UPLOADS as i64 + 2)
        );
        drop(tx);
        let events = w.app.audit_events(&w.ctx("admin").await?, 0, 1000).await?;
        let ingests = events
            .iter()
            .filter(|e| e.action == "vuln_report.ingest")
            .count();
        assert_eq!(ingests, UPLOADS, "one audit event per upload");
    }
    Ok(())
}

#[tokio::test]
async fn only_finders_submit_and_only_analysts_read_cases() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let report = json!({"description": "finding"});
        for user in ["lab", "reviewer", "analyst", "vendor"] {
            let who = w.ctx(user).await?;
            let out = ingest(
                &w,
                &who,
                native(json!({"description": format!("finding by {user}")})),
            )
            .await?;
            assert_eq!(out.accepted, 1, "{user}");
        }
        for user in ["hospital", "designator", "whauthor"] {
            let who = w.ctx(user).await?;
            let err = w.app.ingest(&who, native(report.clone())).await.err();
            assert!(
                matches!(err, Some(AppError::Forbidden(_))),
                "{user}: {err:?}"
            );
        }
        for user in ["lab", "reviewer", "vendor", "hospital"] {
            let who = w.ctx(user).await?;
            assert!(w.app.list_cases(&who, None, 10, 0).await.is_err(), "{user}");
        }
        let analyst = w.ctx("analyst").await?;
        assert_eq!(w.app.list_cases(&analyst, None, 10, 0).await?.len(), 4);
        let events = w.app.audit_events(&w.ctx("admin").await?, 0, 1000).await?;
        let ingests = events
            .iter()
            .filter(|e| e.action == "vuln_report.ingest")
            .count();
        assert_eq!(ingests, 4, "one audit event per upload");
        assert!(
            events.iter().any(|e| e.action == "vuln_case.list"),
            "reads are audited"
        );
    }
    Ok(())
}

#[tokio::test]
async fn bad_uploads_are_refused_whole_with_a_reason() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let lab = w.ctx("lab").await?;
        let cases = [
            (
                IngestParams {
                    format: None,
                    body: b"just some text".to_vec(),
                    ..IngestParams::default()
                },
                "format",
            ),
            (
                IngestParams {
                    format: Some(SourceFormat::Sarif),
                    body: b"[1,2".to_vec(),
                    ..IngestParams::default()
                },
                "body",
            ),
            (
                IngestParams {
                    format: Some(SourceFormat::Native),
                    body: Vec::new(),
                    ..IngestParams::default()
                },
                "body",
            ),
            (
                IngestParams {
                    client_key: Some("bad\u{7}key".into()),
                    ..native(json!({"description": "x"}))
                },
                "client_key",
            ),
        ];
        for (params, field) in cases {
            match w.app.ingest(&lab, params).await {
                Err(AppError::Invalid {
                    field: got,
                    message,
                }) => {
                    assert_eq!(got, field, "{message}");
                    assert!(!message.is_empty());
                }
                other => panic!("expected invalid {field}, got {other:?}"),
            }
        }
        let mut tx = w.app.store.begin_read().await?;
        assert_eq!(
            tx.count_vuln_reports_and_cases().await?,
            (0, 0),
            "nothing half-written"
        );
    }
    Ok(())
}

mod assets;
mod workflow;
