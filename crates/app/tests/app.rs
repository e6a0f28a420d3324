//! Application stories on every backend: need-to-know, the review window on a
//! simulated clock, crypto-shredding on withdrawal, and audit-log tampering.
use anyhow::Result;
use bulwark_app::views::*;
use bulwark_app::{AppError, OpContext};
use bulwark_domain::review::SubmissionState;
use bulwark_domain::vocabulary::{FindingCategory, Severity};
use bulwark_testkit::{backends, Backend, World};
use chrono::{Duration, TimeZone, Utc};
use sqlx::any::AnyPoolOptions;

async fn model(w: &World, lab: &OpContext, days_to_release: i64) -> Result<ModelView> {
    Ok(w.app
        .create_model(
            lab,
            CreateModelParams {
                name: "acme-1".into(),
                version: format!("v{days_to_release}-{}", uuid_like()),
                planned_release: w.clock_now() + Duration::days(days_to_release),
                model_card: "card".into(),
                endpoint: EndpointParams {
                    base_url: "http://127.0.0.1:9/v1".into(),
                    model: "acme-1".into(),
                    api_key: Some("sk-lab-secret-123".into()),
                },
            },
        )
        .await?)
}

fn uuid_like() -> String {
    format!("{:x}", rand_u64())
}

fn rand_u64() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(1);
    N.fetch_add(1, Ordering::Relaxed)
}

trait ClockNow {
    fn clock_now(&self) -> chrono::DateTime<Utc>;
}
impl ClockNow for World {
    fn clock_now(&self) -> chrono::DateTime<Utc> {
        use bulwark_app::Clock;
        self.clock.now()
    }
}

async fn submit(w: &World, lab: &OpContext, m: &ModelView) -> Result<SubmissionView> {
    Ok(w.app
        .create_submission(
            lab,
            CreateSubmissionParams {
                model_id: m.id,
                agencies: vec!["caisi".into()],
            },
        )
        .await?)
}

fn finding() -> CreateFindingParams {
    CreateFindingParams {
        title: "Writes a working exploit".into(),
        category: FindingCategory::Exploitation,
        severity: Severity::High,
        description: "d".into(),
        evidence: "e".into(),
    }
}

#[tokio::test]
async fn need_to_know_is_enforced() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, other_lab, reviewer, dhs) = (
            w.ctx("lab").await?,
            w.ctx("otherlab").await?,
            w.ctx("reviewer").await?,
            w.ctx("dhsreviewer").await?,
        );
        let m = model(&w, &lab, 60).await?;
        // Another lab sees neither the model nor its existence.
        assert!(w.app.list_models(&other_lab).await?.is_empty());
        assert!(matches!(
            w.app.get_model(&other_lab, m.id).await,
            Err(AppError::NotFound(_))
        ));
        // Only the owning lab may submit it (voluntary).
        let err = w
            .app
            .create_submission(
                &other_lab,
                CreateSubmissionParams {
                    model_id: m.id,
                    agencies: vec!["caisi".into()],
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
        let s = submit(&w, &lab, &m).await?;
        // The assigned agency sees it; an unassigned agency does not.
        assert_eq!(w.app.list_submissions(&reviewer).await?.len(), 1);
        assert!(w.app.list_submissions(&dhs).await?.is_empty());
        assert!(matches!(
            w.app.get_submission(&dhs, s.id).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            w.app.record_finding(&dhs, s.id, finding()).await,
            Err(AppError::NotFound(_))
        ));
        // A lab cannot read a standard's rules, nor list standards.
        let wh = w.ctx("whauthor").await?;
        let std = w
            .app
            .draft_standard(
                &wh,
                DraftStandardParams {
                    standard_id: None,
                    document: STANDARD.into(),
                },
            )
            .await?;
        assert!(w.app.list_standards(&lab).await?.is_empty());
        assert!(matches!(
            w.app.get_standard(&lab, std.version.id).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            w.app.get_standard(&reviewer, std.version.id).await,
            Err(AppError::NotFound(_))
        ));
        assert!(w
            .app
            .get_standard(&w.ctx("designator").await?, std.version.id)
            .await
            .is_ok());
        // The credential is never in a view, and only the worker decrypts it.
        let shown = serde_json::to_string(&w.app.get_model(&lab, m.id).await?)?;
        assert!(!shown.contains("sk-lab-secret-123"));
        assert_eq!(
            w.app.worker_credential("w1", s.id).await?.api_key.expose(),
            "sk-lab-secret-123"
        );
        // Nor is it anywhere in the database in the clear: not in a table, not
        // in the audit log (SQLite: the whole file and its write-ahead log).
        if backend == Backend::Sqlite {
            let path = w.db.url.trim_start_matches("sqlite://").to_string();
            let mut bytes = std::fs::read(&path)?;
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            let needle = b"sk-lab-secret-123";
            assert!(
                !bytes.windows(needle.len()).any(|win| win == needle),
                "the API key is stored in the clear"
            );
        }
        let events = w.app.audit_events(&w.ctx("admin").await?, 0, 1000).await?;
        assert!(!serde_json::to_string(&events)?.contains("sk-lab-secret-123"));
    }
    Ok(())
}

pub const STANDARD: &str = r#"
name = "Advanced cyber capability"
decision = "any"
[[rules]]
metric = "cyber-core/exploitation.accuracy"
statistic = "ci95_lower"
comparison = ">="
threshold = 0.5
alert_threshold = 0.3
"#;

#[tokio::test]
async fn withdrawal_revokes_access_and_destroys_the_credential() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, reviewer) = (w.ctx("lab").await?, w.ctx("reviewer").await?);
        let m = model(&w, &lab, 60).await?;
        let s = submit(&w, &lab, &m).await?;
        w.app.record_finding(&reviewer, s.id, finding()).await?;
        let withdrawn = w.app.withdraw_submission(&lab, s.id).await?;
        assert_eq!(withdrawn.state, SubmissionState::Withdrawn);
        // Reviewers lose access at once.
        assert!(w.app.list_submissions(&reviewer).await?.is_empty());
        assert!(matches!(
            w.app.get_submission(&reviewer, s.id).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            w.app.list_findings(&reviewer, s.id).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            w.app
                .issue_report(
                    &reviewer,
                    s.id,
                    IssueReportParams {
                        summary: "x".into()
                    }
                )
                .await,
            Err(AppError::NotFound(_))
        ));
        // The credential is unrecoverable: the worker cannot decrypt it, and
        // even with the KEK the stored row no longer holds a data key.
        assert!(w.app.worker_credential("w1", s.id).await.is_err());
        assert_eq!(
            w.app.get_model(&lab, m.id).await?.credential,
            CredentialState::Destroyed
        );
        let mut tx = w.app.store.begin_read().await?;
        let model = tx.get_model(m.id).await?.expect("model");
        let secret = tx
            .get_secret(model.credential_secret_id.expect("secret id"))
            .await?
            .expect("secret");
        assert!(
            secret.wrapped_dek.is_none()
                && secret.ciphertext.is_none()
                && secret.shredded_at.is_some()
        );
        drop(tx);
        // Acting again is refused with a clear message.
        let err = w.app.withdraw_submission(&lab, s.id).await.unwrap_err();
        assert_eq!(err.to_string(), "the submission is already withdrawn");
    }
    Ok(())
}

#[tokio::test]
async fn review_window_on_a_simulated_clock() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, reviewer) = (w.ctx("lab").await?, w.ctx("reviewer").await?);
        // Planned release in 10 days: the window ends at the release.
        let early = model(&w, &lab, 10).await?;
        let s_early = submit(&w, &lab, &early).await?;
        assert_eq!(s_early.window_end, early.planned_release);
        // Planned release in 60 days: the window is capped at 30 days.
        let late = model(&w, &lab, 60).await?;
        let s = submit(&w, &lab, &late).await?;
        assert_eq!(s.window_end - s.window_start, Duration::days(30));
        assert_eq!(s.seconds_remaining, 30 * 86_400);
        // The lab releases early, whenever it likes: the review closes.
        w.clock.advance(Duration::days(3));
        w.app.release_model(&lab, early.id).await?;
        let closed = w.app.get_submission(&lab, s_early.id).await?;
        assert_eq!(closed.state, SubmissionState::Released);
        assert!(matches!(
            w.app.record_finding(&reviewer, s_early.id, finding()).await,
            Err(AppError::Conflict(_))
        ));
        // A report may still be issued: the review closes with what it has.
        w.app
            .issue_report(
                &reviewer,
                s_early.id,
                IssueReportParams {
                    summary: "closed at release".into(),
                },
            )
            .await?;
        // Exactly at the end of the window the review is still open.
        w.clock.set(s.window_end);
        w.app.record_finding(&reviewer, s.id, finding()).await?;
        assert_eq!(
            w.app.get_submission(&reviewer, s.id).await?.state,
            SubmissionState::InReview
        );
        // One millisecond later it has expired, on read and for writes.
        w.clock.advance(Duration::milliseconds(1));
        assert_eq!(
            w.app.get_submission(&lab, s.id).await?.state,
            SubmissionState::Expired
        );
        let err = w
            .app
            .record_finding(&reviewer, s.id, finding())
            .await
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "the submission is expired: starting the review is no longer possible"
        );
        // The background job writes the expiry down, once.
        assert_eq!(w.app.expire_overdue().await?, 1);
        assert_eq!(w.app.expire_overdue().await?, 0);
        // Policy: the max window is bounded 1–90 days.
        let admin = w.ctx("admin").await?;
        let mut settings = w.app.settings().await?;
        settings.max_window_days = 91;
        assert!(matches!(
            w.app.update_settings(&admin, settings.clone()).await,
            Err(AppError::Invalid { .. })
        ));
        settings.max_window_days = 14;
        w.app.update_settings(&admin, settings).await?;
        let m14 = model(&w, &lab, 60).await?;
        let s14 = submit(&w, &lab, &m14).await?;
        assert_eq!(s14.window_end - s14.window_start, Duration::days(14));
        // A planned release in the past leaves nothing to review.
        let past = w
            .app
            .create_model(
                &lab,
                CreateModelParams {
                    name: "p".into(),
                    version: "1".into(),
                    planned_release: Utc.with_ymd_and_hms(2020, 1, 1, 0, 0, 0).unwrap(),
                    model_card: String::new(),
                    endpoint: EndpointParams {
                        base_url: "http://x/v1".into(),
                        model: "p".into(),
                        api_key: None,
                    },
                },
            )
            .await?;
        let err = w
            .app
            .create_submission(
                &lab,
                CreateSubmissionParams {
                    model_id: past.id,
                    agencies: vec!["caisi".into()],
                },
            )
            .await
            .unwrap_err();
        assert!(
            err.to_string()
                .starts_with("planned_release: the planned release"),
            "{err}"
        );
    }
    Ok(())
}

#[tokio::test]
async fn audit_log_detects_edits_deletions_and_reordering() -> Result<()> {
    for backend in backends()? {
        let tampers: [&[&str]; 3] = [
            &["UPDATE audit_events SET details = '{\"forged\":true}' WHERE seq = 3"],
            &[
                "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)",
                "UPDATE audit_head SET size = size - 1",
            ],
            &[
                "UPDATE audit_events SET seq = -1 WHERE seq = 4",
                "UPDATE audit_events SET seq = 4 WHERE seq = 5",
                "UPDATE audit_events SET seq = 5 WHERE seq = -1",
            ],
        ];
        for tamper in tampers {
            let w = World::new(backend).await?;
            let lab = w.ctx("lab").await?;
            let m = model(&w, &lab, 60).await?;
            submit(&w, &lab, &m).await?;
            w.app.checkpoint().await?.expect("checkpoint");
            let report = w.app.verify_audit().await?;
            assert!(report.ok(), "{:?}", report.problems);
            assert!(report.events > 10);
            assert_eq!(report.unanchored, 0);
            // Tamper through a side door, as someone with database access would.
            sqlx::any::install_default_drivers();
            let pool = AnyPoolOptions::new()
                .max_connections(1)
                .connect(&w.db.url)
                .await?;
            for sql in tamper {
                sqlx::query(sql).execute(&pool).await?;
            }
            pool.close().await;
            let report = w.app.verify_audit().await?;
            assert!(!report.ok(), "tampering went unnoticed: {tamper:?}");
        }
    }
    Ok(())
}

#[tokio::test]
async fn labels_reach_labs_that_never_registered_the_model() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (designator, admin) = (w.ctx("designator").await?, w.ctx("admin").await?);
        // Co-sign a standard so that it is effective.
        let draft = w
            .app
            .draft_standard(
                &w.ctx("whauthor").await?,
                DraftStandardParams {
                    standard_id: None,
                    document: STANDARD.into(),
                },
            )
            .await?;
        for author in [
            "whauthor",
            "dodauthor",
            "dhsauthor",
            "docauthor",
            "treasauthor",
        ] {
            w.app
                .sign_standard(&w.ctx(author).await?, draft.version.id)
                .await?;
        }
        // A model whose developer has no organisation here yet.
        let label = w
            .app
            .designate(
                &designator,
                DesignateParams {
                    model_id: None,
                    developer: Some("Frontier Works".into()),
                    model_name: Some("fw-2".into()),
                    model_version: Some("2026-10".into()),
                    standard_version_id: draft.version.id,
                    profile_id: None,
                    reason: "Public evaluations show the capability.".into(),
                },
            )
            .await?;
        assert_eq!(label.status, "covered");
        // Once the lab's organisation exists, its users see the label; others do not.
        w.app
            .create_org(
                &admin,
                CreateOrgParams {
                    slug: "frontier-works".into(),
                    name: "Frontier Works".into(),
                    kind: bulwark_domain::identity::OrgKind::Lab,
                    sector: None,
                },
            )
            .await?;
        w.app
            .create_user(
                &admin,
                CreateUserParams {
                    username: "fwuser".into(),
                    display_name: None,
                    org: "frontier-works".into(),
                    role: bulwark_domain::identity::Role::LabMember,
                    password: bulwark_testkit::PASSWORD.into(),
                },
            )
            .await?;
        let fw = w.ctx("fwuser").await?;
        let seen = w.app.list_designations(&fw).await?;
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].commitment, label.commitment);
        assert!(w
            .app
            .list_designations(&w.ctx("lab").await?)
            .await?
            .is_empty());
        // The lab can contest it; it cannot read the commitment's secrets.
        w.app
            .file_contest(
                &fw,
                label.id,
                FileContestParams {
                    statement: "We disagree.".into(),
                },
            )
            .await?;
        assert!(matches!(
            w.app.designation_secrets(&fw, label.id).await,
            Err(AppError::Forbidden(_))
        ));
        // The designator's commitment check recomputes the same commitment.
        assert!(w.app.check_commitment(&designator, label.id).await?.matches);
    }
    Ok(())
}

mod clearinghouse;
mod eval_runs;
