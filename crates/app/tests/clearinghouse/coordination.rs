//! Coordination on every backend: vendor contacts, notifying vendors
//! through the outbox (a webhook receiver that fails once, an SMTP sink, an
//! unreachable webhook), vendors' statuses, publication with revisions, and
//! TLP on the advisories' way out.
use anyhow::{bail, Context, Result};
use bulwark_app::clearinghouse::intake::IngestParams;
use bulwark_app::clearinghouse::outbox::{webhook_signature, CoordinationConfig};
use bulwark_app::clearinghouse::publish::PublishParams;
use bulwark_app::clearinghouse::vendors::{
    NotifyVendorsParams, VendorContactParams, VendorStatusParams,
};
use bulwark_app::views::{CreateOrgParams, CreateUserParams};
use bulwark_app::{App, AppError, OpContext};
use bulwark_domain::identity::{OrgKind, Role};
use bulwark_domain::ids::CaseId;
use bulwark_formats::model::{RangeEvent, SourceFormat, VexStatus};
use bulwark_testkit::{backends, World, PASSWORD};
use chrono::Duration;
use serde_json::json;
use sqlx::any::AnyPoolOptions;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const SECRET: &str = "webhook-secret-0123456789";

/// Files a report about an OpenSSL product and moves its case to triaged.
async fn triaged_case(w: &World, alias: &str) -> Result<CaseId> {
    let lab = w.ctx("lab").await?;
    // Distinct products and words: each report opens its own case.
    let package = format!("lib{}", alias.replace('-', "").to_lowercase());
    let report = json!({
        "title": format!("Overflow in {package}"),
        "description": format!("A heap overflow in the {package} parser lets a remote attacker run code ({alias})."),
        "aliases": [alias], "cwes": [787],
        "severities": [{"kind": "cvss_v3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{"product": {"purl": format!("pkg:generic/{package}"), "name": package, "vendor": "openssl-project"},
            "ranges": [{"kind": "semver", "events": [{"introduced": "3.0.0"}]}]}],
        "references": [{"url": "https://example.org/report", "kind": "report"}]
    });
    let out = w
        .app
        .ingest(
            &lab,
            IngestParams {
                format: Some(SourceFormat::Native),
                body: report.to_string().into_bytes(),
                ..IngestParams::default()
            },
        )
        .await?;
    let case: CaseId = out.records[0].case.clone().context("no case")?.parse()?;
    let mut tx = w.app.store.begin().await?;
    assert!(
        tx.set_case_state(case, "new", "triaged", w.clock_now())
            .await?
    );
    tx.commit().await?;
    Ok(case)
}

trait Now {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc>;
}
impl Now for World {
    fn clock_now(&self) -> chrono::DateTime<chrono::Utc> {
        bulwark_app::Clock::now(&*self.clock)
    }
}

fn with_config(w: &World, f: impl FnOnce(&mut CoordinationConfig)) -> App {
    let mut app = w.app.clone();
    let mut config = CoordinationConfig::default();
    f(&mut config);
    app.coordination = Arc::new(config);
    app
}

async fn contact(w: &World, webhook: Option<String>, email: Option<&str>) -> Result<()> {
    let admin = w.ctx("admin").await?;
    w.app
        .set_vendor_contact(
            &admin,
            "openssl-project",
            VendorContactParams {
                webhook_secret: webhook.as_ref().map(|_| SECRET.into()),
                webhook_url: webhook,
                email: email.map(str::to_owned),
            },
        )
        .await?;
    Ok(())
}

async fn notify(w: &World, case: CaseId, vendors: &[&str]) -> Result<Vec<String>> {
    let analyst = w.ctx("analyst").await?;
    let out = w
        .app
        .notify_vendors(
            &analyst,
            case,
            NotifyVendorsParams {
                vendors: vendors.iter().map(|v| v.to_string()).collect(),
            },
        )
        .await?;
    assert_eq!(out.state, "vendor_notified");
    Ok(out.messages)
}

/// What the test webhook received: signature header and body.
type Received = Arc<Mutex<Vec<(String, Vec<u8>)>>>;

/// A webhook receiver on 127.0.0.1:0 that answers 500 to the first request
/// and 204 to later ones.
async fn webhook_receiver() -> Result<(String, Received)> {
    let received: Received = Arc::default();
    let state = received.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(
            move |headers: axum::http::HeaderMap, body: axum::body::Bytes| {
                let state = state.clone();
                async move {
                    let sig = headers
                        .get("x-bulwark-signature")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("")
                        .to_owned();
                    let mut got = state.lock().expect("lock");
                    got.push((sig, body.to_vec()));
                    if got.len() == 1 {
                        axum::http::StatusCode::INTERNAL_SERVER_ERROR
                    } else {
                        axum::http::StatusCode::NO_CONTENT
                    }
                }
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    Ok((format!("http://{addr}/hook"), received))
}

/// A one-connection SMTP sink: answers 220/250/354/250/221 and returns the
/// DATA it received.
async fn smtp_sink() -> Result<(u16, tokio::task::JoinHandle<Result<String>>)> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let port = listener.local_addr()?.port();
    let task = tokio::spawn(async move {
        let (socket, _) = listener.accept().await?;
        let (read, mut write) = socket.into_split();
        let mut lines = BufReader::new(read).lines();
        write.write_all(b"220 sink ESMTP\r\n").await?;
        let mut data = String::new();
        while let Some(line) = lines.next_line().await? {
            let verb = line.to_ascii_uppercase();
            if verb.starts_with("EHLO") || verb.starts_with("HELO") {
                write.write_all(b"250 sink\r\n").await?;
            } else if verb.starts_with("DATA") {
                write.write_all(b"354 go ahead\r\n").await?;
                while let Some(l) = lines.next_line().await? {
                    if l == "." {
                        break;
                    }
                    data.push_str(&l);
                    data.push('\n');
                }
                write.write_all(b"250 queued\r\n").await?;
            } else if verb.starts_with("QUIT") {
                write.write_all(b"221 bye\r\n").await?;
                break;
            } else {
                write.write_all(b"250 ok\r\n").await?;
            }
        }
        Ok(data)
    });
    Ok((port, task))
}

#[tokio::test]
async fn webhooks_are_signed_and_retried_until_delivered() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (url, received) = webhook_receiver().await?;
        contact(&w, Some(url), None).await?;
        let case = triaged_case(&w, "CVE-2026-7001").await?;
        assert_eq!(
            notify(&w, case, &["openssl-project"]).await?,
            ["openssl-project/webhook"]
        );
        let analyst = w.ctx("analyst").await?;
        let now = w.clock_now();

        let first = w.app.deliver_due_outbox(now).await?;
        assert_eq!((first.claimed, first.retrying, first.delivered), (1, 1, 0));
        let outbox = w.app.list_case_outbox(&analyst, case).await?;
        assert_eq!(
            (outbox[0].state.as_str(), outbox[0].attempts),
            ("pending", 1)
        );
        assert!(
            outbox[0]
                .last_error
                .as_deref()
                .unwrap_or("")
                .contains("500"),
            "{:?}",
            outbox[0].last_error
        );
        // Not due again yet (backoff).
        assert_eq!(w.app.deliver_due_outbox(now).await?.claimed, 0);

        let second = w.app.deliver_due_outbox(now + Duration::hours(2)).await?;
        assert_eq!((second.claimed, second.delivered), (1, 1));
        let got = received.lock().expect("lock").clone();
        assert_eq!(got.len(), 2);
        let (signature, body) = &got[1];
        assert_eq!(signature, &webhook_signature(SECRET.as_bytes(), body));
        assert_ne!(signature, &webhook_signature(b"another-secret-value", body));
        let payload: serde_json::Value = serde_json::from_slice(body)?;
        let detail = w.app.get_case(&analyst, case).await?;
        assert_eq!(payload["case"], json!(detail.case.name));
        assert_eq!(payload["vendor"], json!("openssl-project"));
        assert!(payload["embargo_until"].is_string());
        assert!(payload.get("evidence").is_none());

        let outbox = w.app.list_case_outbox(&analyst, case).await?;
        assert_eq!(outbox[0].state, "delivered");
        assert_eq!(outbox[0].attempts, 2);
        assert!(outbox[0].delivered_at.is_some());
        let oks: Vec<bool> = outbox[0].history.iter().map(|a| a.ok).collect();
        assert_eq!(oks, [false, true]);
        let events = w.app.audit_events(&w.ctx("admin").await?, 0, 1000).await?;
        assert!(events.iter().any(|e| e.action == "vuln_outbox.delivered"));
        assert!(events
            .iter()
            .any(|e| e.action == "vuln_case.notify_vendors"));
        // The secret is stored sealed, never in the audit log.
        assert!(!events
            .iter()
            .any(|e| e.details.to_string().contains(SECRET)));
    }
    Ok(())
}

#[tokio::test]
async fn e_mail_goes_through_the_smtp_relay() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (port, sink) = smtp_sink().await?;
        let app = with_config(&w, |c| {
            c.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))
        });
        contact(&w, None, Some("psirt@openssl.example")).await?;
        let case = triaged_case(&w, "CVE-2026-7002").await?;
        assert_eq!(
            notify(&w, case, &["openssl-project"]).await?,
            ["openssl-project/email"]
        );
        let round = app.deliver_due_outbox(w.clock_now()).await?;
        assert_eq!((round.claimed, round.delivered), (1, 1), "{round:?}");
        let data = tokio::time::timeout(std::time::Duration::from_secs(10), sink).await???;
        let name = w
            .app
            .get_case(&w.ctx("analyst").await?, case)
            .await?
            .case
            .name;
        assert!(data.contains(&name), "{data}");
        assert!(data.contains("psirt@openssl.example"), "{data}");
    }
    Ok(())
}

#[tokio::test]
async fn undeliverable_messages_fail_after_bounded_attempts() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        // Nothing listens on port 9 of the loopback; no SMTP relay is set.
        let app = with_config(&w, |c| c.max_attempts = 3);
        contact(
            &w,
            Some("http://127.0.0.1:9/hook".into()),
            Some("psirt@openssl.example"),
        )
        .await?;
        let case = triaged_case(&w, "CVE-2026-7003").await?;
        notify(&w, case, &["openssl-project"]).await?;
        let mut now = w.clock_now();
        let mut failed = 0;
        for _ in 0..3 {
            let round = app.deliver_due_outbox(now).await?;
            assert_eq!(round.claimed, 2);
            failed += round.failed;
            now += Duration::days(1);
        }
        assert_eq!(failed, 2);
        assert_eq!(app.deliver_due_outbox(now).await?.claimed, 0);
        let outbox = app.list_case_outbox(&w.ctx("analyst").await?, case).await?;
        for m in &outbox {
            assert_eq!((m.state.as_str(), m.attempts), ("failed", 3), "{m:?}");
            assert_eq!(m.history.len(), 3);
        }
        let email = outbox
            .iter()
            .find(|m| m.channel == "email")
            .context("email")?;
        assert!(email
            .last_error
            .as_deref()
            .unwrap_or("")
            .contains("no SMTP relay is configured"));
        let hook = outbox
            .iter()
            .find(|m| m.channel == "webhook")
            .context("hook")?;
        assert!(
            hook.last_error.as_deref().unwrap_or("").contains("connect"),
            "{:?}",
            hook.last_error
        );
    }
    Ok(())
}

async fn second_vendor(w: &World) -> Result<OpContext> {
    let admin = w.ctx("admin").await?;
    w.app
        .create_org(
            &admin,
            CreateOrgParams {
                slug: "curl-project".into(),
                name: "curl".into(),
                kind: OrgKind::Vendor,
                sector: None,
            },
        )
        .await?;
    w.app
        .create_user(
            &admin,
            CreateUserParams {
                username: "curlvendor".into(),
                display_name: None,
                org: "curl-project".into(),
                role: Role::VendorContact,
                password: PASSWORD.into(),
            },
        )
        .await?;
    w.ctx("curlvendor").await
}

fn status(status: &str) -> VendorStatusParams {
    VendorStatusParams {
        status: status.into(),
        ..VendorStatusParams::default()
    }
}

fn invalid_field<T: std::fmt::Debug>(result: Result<T, AppError>) -> Result<String> {
    match result {
        Err(AppError::Invalid { field, .. }) => Ok(field),
        other => bail!("expected a 4xx naming a field, got {other:?}"),
    }
}

#[tokio::test]
async fn vendors_answer_only_their_own_cases() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let curl = second_vendor(&w).await?;
        let vendor = w.ctx("vendor").await?;
        let analyst = w.ctx("analyst").await?;
        let case = triaged_case(&w, "CVE-2026-7004").await?;

        // Notifying needs vendors, of kind vendor, on a triaged case.
        let bad = w
            .app
            .notify_vendors(
                &analyst,
                case,
                NotifyVendorsParams {
                    vendors: vec!["st-mary-hospital".into()],
                },
            )
            .await;
        assert_eq!(invalid_field(bad)?, "vendors");
        let refused = w
            .app
            .notify_vendors(
                &vendor,
                case,
                NotifyVendorsParams {
                    vendors: vec!["openssl-project".into()],
                },
            )
            .await;
        assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");
        notify(&w, case, &["openssl-project"]).await?;

        // Not notified, not an analyst's business, not an operator's.
        let r = w
            .app
            .set_vendor_status(&curl, case, status("affected"))
            .await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        let r = w
            .app
            .set_vendor_status(&analyst, case, status("affected"))
            .await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        let hospital = w.ctx("hospital").await?;
        let r = w
            .app
            .set_vendor_status(&hospital, case, status("affected"))
            .await;
        assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
        assert!(w.app.vendor_cases(&curl).await?.is_empty());
        assert!(matches!(
            w.app.vendor_cases(&hospital).await,
            Err(AppError::Forbidden(_))
        ));

        // Bad statuses name their field.
        let mut bad = status("not_affected");
        bad.justification = Some("we_said_so".into());
        let r = w.app.set_vendor_status(&vendor, case, bad).await;
        assert_eq!(invalid_field(r)?, "justification");
        let r = w
            .app
            .set_vendor_status(&vendor, case, status("not_affected"))
            .await;
        assert_eq!(invalid_field(r)?, "justification");
        let r = w
            .app
            .set_vendor_status(&vendor, case, status("maybe"))
            .await;
        assert_eq!(invalid_field(r)?, "status");
        let r = w
            .app
            .set_vendor_status(&vendor, case, status("fixed"))
            .await;
        assert_eq!(invalid_field(r)?, "fixed_versions");
        let mut bad = status("fixed");
        bad.fixed_versions = vec!["3.0.9".into()];
        bad.patch_refs = vec!["ftp://example.org/patch".into()];
        let r = w.app.set_vendor_status(&vendor, case, bad).await;
        assert_eq!(invalid_field(r)?, "patch_refs");

        let affected = w
            .app
            .set_vendor_status(&vendor, case, status("affected"))
            .await?;
        assert_eq!(affected.status, "affected");
        assert_eq!(
            w.app.get_case(&analyst, case).await?.case.state,
            "vendor_notified"
        );

        let mut fixed = status("fixed");
        fixed.fixed_versions = vec!["3.0.9".into()];
        fixed.patch_refs = vec!["https://example.org/openssl/commit/abc".into()];
        let view = w.app.set_vendor_status(&vendor, case, fixed).await?;
        assert_eq!(view.fixed_versions, ["3.0.9"]);
        assert_eq!(
            w.app.get_case(&analyst, case).await?.case.state,
            "fix_available"
        );

        let mine = w.app.vendor_cases(&vendor).await?;
        assert_eq!(mine.len(), 1);
        assert_eq!(mine[0].id, case.to_string());
        assert_eq!(mine[0].status.status, "fixed");
        assert!(mine[0].description.contains("heap overflow"));
        assert_eq!(mine[0].affected[0].product.name, "libcve20267004");
        assert!(mine[0].embargo_until.is_some());

        let mut tx = w.app.store.begin_read().await?;
        let kinds: Vec<String> = tx
            .list_case_events(case)
            .await?
            .into_iter()
            .map(|e| e.kind)
            .collect();
        for kind in ["vendor_notified", "vendor_status", "state"] {
            assert!(kinds.iter().any(|k| k == kind), "{kind} in {kinds:?}");
        }
        let events = w.app.audit_events(&w.ctx("admin").await?, 0, 1000).await?;
        assert!(events.iter().any(|e| e.action == "vendor_case.list"));
        assert!(events.iter().any(|e| e.action == "vuln_case.vendor_status"));
    }
    Ok(())
}

#[tokio::test]
async fn publishing_makes_revisions_with_fixes_and_vex() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let curl = second_vendor(&w).await?;
        let vendor = w.ctx("vendor").await?;
        let analyst = w.ctx("analyst").await?;
        let case = triaged_case(&w, "CVE-2026-7005").await?;

        let early = w
            .app
            .publish_case(&analyst, case, PublishParams::default())
            .await;
        assert!(matches!(early, Err(AppError::Conflict(_))), "{early:?}");
        notify(&w, case, &["openssl-project", "curl-project"]).await?;
        let mut fixed = status("fixed");
        fixed.fixed_versions = vec!["3.0.9".into()];
        fixed.patch_refs = vec!["https://example.org/openssl/commit/abc".into()];
        w.app.set_vendor_status(&vendor, case, fixed).await?;
        let mut not_affected = status("not_affected");
        not_affected.justification = Some("component_not_present".into());
        w.app.set_vendor_status(&curl, case, not_affected).await?;

        let bad = w
            .app
            .publish_case(
                &analyst,
                case,
                PublishParams {
                    sectors: vec!["moon".into()],
                },
            )
            .await;
        assert_eq!(invalid_field(bad)?, "sectors");
        let refused = w
            .app
            .publish_case(&vendor, case, PublishParams::default())
            .await;
        assert!(matches!(refused, Err(AppError::NotFound(_))), "{refused:?}");

        let first = w
            .app
            .publish_case(
                &analyst,
                case,
                PublishParams {
                    sectors: vec!["healthcare".into()],
                },
            )
            .await?;
        let name = w.app.get_case(&analyst, case).await?.case.name;
        assert_eq!(first.id, name);
        assert_eq!((first.revision, first.seq), (1, 1));
        assert_eq!(first.tlp, "AMBER");
        assert_eq!(first.sectors, ["healthcare"]);
        let doc = &first.document;
        assert_eq!(doc.aliases, ["CVE-2026-7005"]);
        assert_eq!(
            doc.affected[0].ranges[0].events,
            [
                RangeEvent::Introduced("3.0.0".into()),
                RangeEvent::Fixed("3.0.9".into())
            ]
        );
        assert!(doc
            .remediations
            .iter()
            .any(|r| r.fixed_version.as_deref() == Some("3.0.9")));
        assert!(doc
            .references
            .iter()
            .any(|r| r.url == "https://example.org/openssl/commit/abc"));
        assert_eq!(doc.vex.len(), 1);
        assert_eq!(doc.vex[0].status, VexStatus::NotAffected);
        assert_eq!(
            doc.vex[0].justification.as_deref(),
            Some("component_not_present")
        );
        assert_eq!(
            w.app.get_case(&analyst, case).await?.case.state,
            "published"
        );

        // Nothing changed: no new revision.
        let same = w
            .app
            .publish_case(
                &analyst,
                case,
                PublishParams {
                    sectors: vec!["healthcare".into()],
                },
            )
            .await;
        assert!(matches!(same, Err(AppError::Conflict(_))), "{same:?}");

        // Another case published in between takes the next seq.
        let other = triaged_case(&w, "CVE-2026-7006").await?;
        notify(&w, other, &["openssl-project"]).await?;
        let other_adv = w
            .app
            .publish_case(&analyst, other, PublishParams::default())
            .await?;
        assert_eq!(other_adv.seq, 2);

        w.clock.advance(Duration::days(3));
        let mut more = status("fixed");
        more.fixed_versions = vec!["3.0.9".into(), "3.1.2".into()];
        w.app.set_vendor_status(&vendor, case, more).await?;
        let second = w
            .app
            .publish_case(
                &analyst,
                case,
                PublishParams {
                    sectors: vec!["healthcare".into()],
                },
            )
            .await?;
        assert_eq!((second.revision, second.seq), (2, 3));
        assert_eq!(second.published_at, first.published_at);
        assert!(second.updated_at > first.updated_at);
        assert!(second
            .document
            .remediations
            .iter()
            .any(|r| r.fixed_version.as_deref() == Some("3.1.2")));
        let revisions = w.app.advisory_revisions(&analyst, &name).await?;
        let numbers: Vec<(i64, i64)> = revisions.iter().map(|r| (r.revision, r.seq)).collect();
        assert_eq!(numbers, [(1, 1), (2, 3)]);
        let listed = w.app.list_advisories(&analyst, 0, 100).await?;
        let seqs: Vec<i64> = listed.iter().map(|a| a.seq).collect();
        assert_eq!(seqs, [2, 3]);
        assert_eq!(w.app.list_advisories(&analyst, 2, 100).await?.len(), 1);
    }
    Ok(())
}

async fn set_clearance(w: &World, org: &str, level: Option<&str>) -> Result<()> {
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&w.db.url)
        .await?;
    sqlx::query("UPDATE orgs SET tlp_clearance = $1 WHERE slug = $2")
        .bind(level)
        .bind(org)
        .execute(&pool)
        .await?;
    pool.close().await;
    Ok(())
}

#[tokio::test]
async fn advisories_are_read_only_within_tlp_clearance() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let analyst = w.ctx("analyst").await?;
        let amber_case = triaged_case(&w, "CVE-2026-7007").await?;
        notify(&w, amber_case, &["openssl-project"]).await?;
        let amber = w
            .app
            .publish_case(&analyst, amber_case, PublishParams::default())
            .await?;
        let clear_case = triaged_case(&w, "CVE-2026-7008").await?;
        let mut tx = w.app.store.begin().await?;
        tx.set_case_tlp(clear_case, "CLEAR", w.clock_now()).await?;
        tx.commit().await?;
        notify(&w, clear_case, &["openssl-project"]).await?;
        let clear = w
            .app
            .publish_case(&analyst, clear_case, PublishParams::default())
            .await?;
        assert_eq!((amber.tlp.as_str(), clear.tlp.as_str()), ("AMBER", "CLEAR"));

        set_clearance(&w, "st-mary-hospital", Some("GREEN")).await?;
        let hospital = w.ctx("hospital").await?;
        let bank = w.ctx("bank").await?;
        for who in [&hospital, &bank] {
            let ids: Vec<String> = w
                .app
                .list_advisories(who, 0, 100)
                .await?
                .into_iter()
                .map(|a| a.id)
                .collect();
            assert_eq!(
                ids,
                std::slice::from_ref(&clear.id),
                "{}",
                who.actor.username
            );
            let r = w.app.get_advisory(who, &amber.id).await;
            assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
            let r = w.app.advisory_revisions(who, &amber.id).await;
            assert!(matches!(r, Err(AppError::NotFound(_))), "{r:?}");
            assert_eq!(w.app.get_advisory(who, &clear.id).await?.revision, 1);
        }
        set_clearance(&w, "st-mary-hospital", Some("AMBER")).await?;
        assert_eq!(w.app.list_advisories(&hospital, 0, 100).await?.len(), 2);
        assert_eq!(w.app.get_advisory(&hospital, &amber.id).await?.id, amber.id);
        assert_eq!(w.app.list_advisories(&analyst, 0, 100).await?.len(), 2);
        let r = w.app.list_advisories(&hospital, 0, 0).await;
        assert_eq!(invalid_field(r)?, "limit");
    }
    Ok(())
}

#[tokio::test]
async fn vendor_contacts_are_validated_and_their_secret_sealed() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let analyst = w.ctx("analyst").await?;
        let params = |url: &str, secret: Option<&str>, email: Option<&str>| VendorContactParams {
            webhook_url: Some(url.to_owned()).filter(|u| !u.is_empty()),
            webhook_secret: secret.map(Into::into),
            email: email.map(str::to_owned),
        };
        let cases = [
            (
                params("ftp://vendor.example/hook", Some(SECRET), None),
                "webhook_url",
            ),
            (
                params("https://vendor.example/hook", None, None),
                "webhook_secret",
            ),
            (
                params("https://vendor.example/hook", Some("short"), None),
                "webhook_secret",
            ),
            (params("", None, Some("not an address")), "email"),
        ];
        for (p, field) in cases {
            let r = w
                .app
                .set_vendor_contact(&analyst, "openssl-project", p)
                .await;
            assert_eq!(invalid_field(r)?, field);
        }
        let r = w
            .app
            .set_vendor_contact(
                &analyst,
                "st-mary-hospital",
                params("", None, Some("a@b.example")),
            )
            .await;
        assert_eq!(invalid_field(r)?, "vendor");
        let r = w
            .app
            .set_vendor_contact(
                &w.ctx("vendor").await?,
                "openssl-project",
                params("", None, Some("a@b.example")),
            )
            .await;
        assert!(matches!(r, Err(AppError::Forbidden(_))), "{r:?}");
        let view = w
            .app
            .set_vendor_contact(
                &analyst,
                "openssl-project",
                params(
                    "https://vendor.example/hook",
                    Some(SECRET),
                    Some("psirt@vendor.example"),
                ),
            )
            .await?;
        assert!(view.webhook_secret_set);
        // The URL may change without giving the secret again.
        let view = w
            .app
            .set_vendor_contact(
                &analyst,
                "openssl-project",
                params("https://vendor.example/hook2", None, None),
            )
            .await?;
        assert!(view.webhook_secret_set);
        assert_eq!(view.email, None);
    }
    Ok(())
}
