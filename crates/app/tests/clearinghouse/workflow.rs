//! The case workflow on every backend: transitions (legal and not), the
//! embargo from the policy (shorter when exploited), TLP, merge and split
//! (reports, keys, and where later duplicates land), evidence (sealed,
//! round trip, need-to-know, audited) and review findings shared with the
//! lab's consent.
use anyhow::{Context, Result};
use bulwark_app::clearinghouse::evidence::EvidenceParams;
use bulwark_app::clearinghouse::intake::{IngestOutcomeView, IngestParams};
use bulwark_app::clearinghouse::shares::{DeclineShareParams, ProposeShareParams};
use bulwark_app::clearinghouse::vendors::NotifyVendorsParams;
use bulwark_app::views::{CreateFindingParams, CreateSubmissionParams};
use bulwark_app::{AppError, Clock, OpContext};
use bulwark_domain::clearinghouse::case::EmbargoPolicy;
use bulwark_domain::ids::CaseId;
use bulwark_domain::vocabulary::{FindingCategory, Severity};
use bulwark_formats::model::SourceFormat;
use bulwark_testkit::{backends, World};
use chrono::Duration;
use serde_json::json;

const TEXT_A: &str = "A use after free in the session cache of netkit lets a remote attacker \
    crash the daemon or run code by resuming a session that another worker evicted from \
    the cache in src/session.c";
const TEXT_B: &str = "Integer truncation in the TIFF strip reader of imagekit leads to an \
    undersized allocation and a heap overwrite when a crafted file declares many strips \
    in lib/tiff_strip.c";

async fn file(w: &World, who: &OpContext, report: serde_json::Value) -> Result<IngestOutcomeView> {
    Ok(w.app
        .ingest(
            who,
            IngestParams {
                format: Some(SourceFormat::Native),
                body: report.to_string().into_bytes(),
                ..IngestParams::default()
            },
        )
        .await?)
}

async fn case_of(w: &World, who: &OpContext, report: serde_json::Value) -> Result<CaseId> {
    let out = file(w, who, report).await?;
    Ok(out.records[0]
        .case
        .clone()
        .with_context(|| format!("not filed: {:?}", out.records[0]))?
        .parse()?)
}

fn invalid_field<T: std::fmt::Debug>(r: Result<T, AppError>) -> String {
    match r {
        Err(AppError::Invalid { field, .. }) => field,
        other => format!("not invalid: {other:?}"),
    }
}

#[tokio::test]
async fn transitions_follow_the_lifecycle_and_triage_sets_the_embargo() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, analyst, admin) = (
            w.ctx("lab").await?,
            w.ctx("analyst").await?,
            w.ctx("admin").await?,
        );
        let mut settings = w.app.settings().await?;
        settings.embargo = EmbargoPolicy {
            default_days: 60,
            exploited_days: 5,
        };
        w.app.update_settings(&admin, settings.clone()).await?;
        settings.embargo.exploited_days = 61;
        assert_eq!(
            invalid_field(w.app.update_settings(&admin, settings).await),
            "embargo_exploited_days"
        );
        let opened = w.clock.now();
        let plain = case_of(
            &w,
            &lab,
            json!({"description": TEXT_A, "aliases": ["CVE-2026-3001"]}),
        )
        .await?;
        let kev = case_of(
            &w,
            &lab,
            json!({"description": TEXT_B, "aliases": ["CVE-2026-3002"], "exploitation": {"kev": true}}),
        )
        .await?;
        w.clock.advance(Duration::days(2));

        // Only analysts manage cases.
        for user in ["lab", "vendor", "reviewer", "hospital"] {
            let who = w.ctx(user).await?;
            assert!(
                matches!(
                    w.app.triage_case(&who, plain, None, None).await,
                    Err(AppError::Forbidden(_))
                ),
                "{user}"
            );
        }
        // Illegal moves name the field and change nothing.
        assert_eq!(
            invalid_field(
                w.app
                    .transition_case(&analyst, plain, "fix_available", None)
                    .await
            ),
            "state"
        );
        assert_eq!(
            invalid_field(
                w.app
                    .transition_case(&analyst, plain, "published", None)
                    .await
            ),
            "state"
        );
        assert_eq!(
            invalid_field(w.app.transition_case(&analyst, plain, "bogus", None).await),
            "state"
        );

        let triaged = w
            .app
            .triage_case(&analyst, plain, None, Some("confirmed"))
            .await?;
        assert_eq!(triaged.state, "triaged");
        assert_eq!(triaged.embargo_until, Some(opened + Duration::days(60)));
        let fast = w
            .app
            .transition_case(&analyst, kev, "triaged", None)
            .await?;
        assert_eq!(
            fast.embargo_until,
            Some(opened + Duration::days(5)),
            "exploited: shorter"
        );
        // An explicit embargo counts from now.
        let err = w.app.triage_case(&analyst, plain, Some(30), None).await;
        assert_eq!(invalid_field(err), "state", "already triaged");
        assert_eq!(
            invalid_field(w.app.triage_case(&analyst, kev, Some(400), None).await),
            "embargo_days"
        );

        let now = w.clock.now();
        let moved = w
            .app
            .set_case_embargo(
                &analyst,
                plain,
                now + Duration::days(10),
                Some("vendor asked"),
            )
            .await?;
        assert_eq!(moved.embargo_until, Some(now + Duration::days(10)));
        assert_eq!(
            invalid_field(
                w.app
                    .set_case_embargo(&analyst, plain, now - Duration::hours(1), None)
                    .await
            ),
            "embargo_until"
        );
        assert_eq!(
            invalid_field(w.app.set_case_tlp(&analyst, plain, "PURPLE").await),
            "tlp"
        );
        assert_eq!(
            w.app
                .set_case_tlp(&analyst, plain, "amber+strict")
                .await?
                .tlp,
            "AMBER+STRICT"
        );

        let rejected = w
            .app
            .transition_case(&analyst, kev, "rejected", Some("not a bug"))
            .await?;
        assert_eq!(rejected.state, "rejected");
        assert_eq!(
            invalid_field(w.app.transition_case(&analyst, kev, "triaged", None).await),
            "state"
        );
        assert!(matches!(
            w.app
                .set_case_embargo(&analyst, kev, now + Duration::days(3), None)
                .await,
            Err(AppError::Conflict(_))
        ));

        let detail = w.app.get_case(&analyst, plain).await?;
        let kinds: Vec<&str> = detail.events.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(kinds, ["state", "embargo", "embargo", "tlp"]);
        assert_eq!(detail.events[0].detail["to"], json!("triaged"));
        assert_eq!(detail.events[0].detail["note"], json!("confirmed"));
        assert_eq!(detail.events[0].actor.as_deref(), Some("analyst"));
        let audit = w.app.audit_events(&admin, 0, 1000).await?;
        for action in [
            "vuln_case.triage",
            "vuln_case.transition",
            "vuln_case.embargo",
            "vuln_case.tlp",
        ] {
            assert!(audit.iter().any(|e| e.action == action), "{action} audited");
        }
    }
    Ok(())
}

#[tokio::test]
async fn merged_cases_send_later_duplicates_to_the_surviving_case() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, analyst) = (w.ctx("lab").await?, w.ctx("analyst").await?);
        let a = case_of(
            &w,
            &lab,
            json!({"description": TEXT_A, "cwes": [416],
            "locations": [{"uri": "src/session.c", "start_line": 88}]}),
        )
        .await?;
        let b = case_of(&w, &lab, json!({"description": TEXT_B, "aliases": ["CVE-2026-4000"],
            "severities": [{"kind": "cvss_v3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}]})).await?;
        assert_ne!(a, b);
        assert_eq!(
            invalid_field(w.app.merge_cases(&analyst, a, a, None).await),
            "into"
        );
        assert_eq!(
            invalid_field(w.app.merge_cases(&analyst, a, CaseId::random(), None).await),
            "into"
        );
        assert!(matches!(
            w.app.merge_cases(&w.ctx("vendor").await?, a, b, None).await,
            Err(AppError::Forbidden(_))
        ));

        let merged = w.app.merge_cases(&analyst, a, b, Some("same bug")).await?;
        assert_eq!(merged.id, b.to_string());
        assert_eq!(merged.report_count, 2);
        assert_eq!(merged.max_cvss, Some(9.8));
        let gone = w.app.get_case(&analyst, a).await?;
        assert_eq!(gone.case.state, "duplicate");
        assert_eq!(
            gone.case.merged_into.as_deref(),
            Some(b.to_string().as_str())
        );
        assert!(gone.reports.is_empty());
        let mut tx = w.app.store.begin_read().await?;
        assert!(tx.case_keys(a).await?.is_empty(), "keys moved");
        assert_eq!(
            tx.case_keys(b).await?.len(),
            2,
            "{:?}",
            tx.case_keys(b).await?
        );
        drop(tx);

        // An exact duplicate of A (same CWE at the same place, other words).
        let exact = case_of(
            &w,
            &lab,
            json!({"description": "netkit crashes when resuming sessions", "cwes": [416],
            "locations": [{"uri": "src/session.c", "start_line": 88}]}),
        )
        .await?;
        assert_eq!(exact, b);
        // A near duplicate of A's text, without any id.
        let near = case_of(
            &w,
            &lab,
            json!({"description": TEXT_A.replace("remote attacker", "remote peer")}),
        )
        .await?;
        assert_eq!(
            near, b,
            "near duplicates of a merged case go to the surviving case"
        );
        assert_eq!(w.app.get_case(&analyst, b).await?.case.report_count, 4);
        // A duplicate case cannot be merged again.
        assert_eq!(
            invalid_field(w.app.merge_cases(&analyst, a, b, None).await),
            "state"
        );
        assert_eq!(
            invalid_field(w.app.merge_cases(&analyst, b, a, None).await),
            "into"
        );
    }
    Ok(())
}

#[tokio::test]
async fn split_moves_exactly_the_chosen_reports_and_their_keys() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, analyst) = (w.ctx("lab").await?, w.ctx("analyst").await?);
        let first = file(
            &w,
            &lab,
            json!({"description": "first report of the bug", "aliases": ["CVE-2026-5000"]}),
        )
        .await?;
        let second = file(&w, &lab, json!({"description": "second report, really another bug",
            "aliases": ["CVE-2026-5000", "GHSA-abcd-efgh-ijkl"],
            "severities": [{"kind": "cvss_v3", "vector": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N"}]})).await?;
        let third = file(
            &w,
            &lab,
            json!({"description": "third report", "aliases": ["CVE-2026-5000"]}),
        )
        .await?;
        let case: CaseId = first.records[0].case.clone().context("case")?.parse()?;
        assert_eq!(second.records[0].case, first.records[0].case);
        let r2 = second.records[0].report.clone().context("report")?;
        let all: Vec<String> = [&first, &second, &third]
            .iter()
            .map(|o| o.records[0].report.clone().unwrap_or_default())
            .collect();

        assert_eq!(
            invalid_field(w.app.split_case(&analyst, case, &all, None).await),
            "reports"
        );
        assert_eq!(
            invalid_field(w.app.split_case(&analyst, case, &[], None).await),
            "reports"
        );
        assert_eq!(
            invalid_field(
                w.app
                    .split_case(&analyst, case, &["nope".into()], None)
                    .await
            ),
            "reports[0]"
        );
        let other = file(&w, &lab, json!({"description": TEXT_B})).await?;
        let foreign = other.records[0].report.clone().context("report")?;
        assert_eq!(
            invalid_field(
                w.app
                    .split_case(&analyst, case, &[r2.clone(), foreign], None)
                    .await
            ),
            "reports[1]"
        );

        let new = w
            .app
            .split_case(&analyst, case, std::slice::from_ref(&r2), Some("two bugs"))
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        let new_id: CaseId = new.id.parse()?;
        assert_eq!((new.state.as_str(), new.report_count), ("new", 1));
        assert_eq!(new.max_cvss, Some(5.3));
        let detail = w.app.get_case(&analyst, new_id).await?;
        assert_eq!(
            detail
                .reports
                .iter()
                .map(|r| r.id.clone())
                .collect::<Vec<_>>(),
            [r2]
        );
        let old = w.app.get_case(&analyst, case).await?;
        assert_eq!(old.case.report_count, 2);
        assert_eq!(old.case.max_cvss, None);
        let mut tx = w.app.store.begin_read().await?;
        assert_eq!(tx.case_keys(new_id).await?, ["id:GHSA-ABCD-EFGH-IJKL"]);
        assert_eq!(tx.case_keys(case).await?, ["id:CVE-2026-5000"]);
        drop(tx);
        // Later reports follow the keys.
        let ghsa = case_of(
            &w,
            &lab,
            json!({"description": "later", "aliases": ["GHSA-abcd-efgh-ijkl"]}),
        )
        .await?;
        assert_eq!(ghsa, new_id);
        assert!(old.events.iter().any(|e| e.kind == "split"));
    }
    Ok(())
}

#[tokio::test]
async fn evidence_is_sealed_and_read_only_by_analysts_and_notified_vendors() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, analyst, vendor, admin) = (
            w.ctx("lab").await?,
            w.ctx("analyst").await?,
            w.ctx("vendor").await?,
            w.ctx("admin").await?,
        );
        let case = case_of(
            &w,
            &lab,
            json!({"description": TEXT_A, "aliases": ["CVE-2026-6000"]}),
        )
        .await?;
        let other = case_of(
            &w,
            &lab,
            json!({"description": TEXT_B, "aliases": ["CVE-2026-6001"]}),
        )
        .await?;
        let poc = b"#!/bin/sh\necho PROOF-OF-CONCEPT-PLAINTEXT-0xDEADBEEF\n".to_vec();
        let params = EvidenceParams {
            file_name: "poc.sh".into(),
            media_type: "text/x-shellscript".into(),
            bytes: poc.clone(),
        };
        assert!(matches!(
            w.app.add_evidence(&vendor, case, params.clone()).await,
            Err(AppError::Forbidden(_))
        ));
        assert_eq!(
            invalid_field(
                w.app
                    .add_evidence(
                        &analyst,
                        case,
                        EvidenceParams {
                            file_name: "../x".into(),
                            ..params.clone()
                        }
                    )
                    .await
            ),
            "name"
        );
        assert_eq!(
            invalid_field(
                w.app
                    .add_evidence(
                        &analyst,
                        case,
                        EvidenceParams {
                            media_type: "nonsense".into(),
                            ..params.clone()
                        }
                    )
                    .await
            ),
            "type"
        );
        assert_eq!(
            invalid_field(
                w.app
                    .add_evidence(
                        &analyst,
                        case,
                        EvidenceParams {
                            bytes: vec![0; 16 * 1024 * 1024 + 1],
                            ..params.clone()
                        }
                    )
                    .await
            ),
            "body"
        );
        let meta = w.app.add_evidence(&analyst, case, params).await?;
        assert_eq!(meta.size, poc.len() as i64);
        assert_eq!(
            meta.sha256,
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&poc))
        );

        // Stored sealed: the ciphertext does not hold the plaintext.
        let mut tx = w.app.store.begin_read().await?;
        let row = tx.get_evidence(case, &meta.id).await?.context("row")?;
        let secret = tx.get_secret(row.secret_id).await?.context("secret")?;
        drop(tx);
        let cipher = secret.ciphertext.context("ciphertext")?;
        assert!(
            !cipher.windows(20).any(|win| win == &poc[12..32]),
            "plaintext leaked"
        );
        assert_eq!(secret.owner_table, "vuln_evidence");

        let file = w.app.get_evidence(&analyst, case, &meta.id).await?;
        assert_eq!(file.bytes, poc);
        assert_eq!(file.meta.file_name, "poc.sh");
        assert_eq!(w.app.list_evidence(&analyst, case).await?.len(), 1);
        assert_eq!(w.app.get_case(&analyst, case).await?.evidence.len(), 1);

        // A vendor not notified of the case, and everyone else: not found.
        for user in ["vendor", "hospital", "reviewer", "lab"] {
            let who = w.ctx(user).await?;
            assert!(
                matches!(
                    w.app.get_evidence(&who, case, &meta.id).await,
                    Err(AppError::NotFound(_))
                ),
                "{user}"
            );
        }
        // Notified of the case: the vendor reads it; of another case: not.
        w.app.triage_case(&analyst, case, None, None).await?;
        w.app
            .notify_vendors(
                &analyst,
                case,
                NotifyVendorsParams {
                    vendors: vec!["openssl-project".into()],
                },
            )
            .await?;
        assert_eq!(
            w.app.get_evidence(&vendor, case, &meta.id).await?.bytes,
            poc
        );
        assert_eq!(w.app.list_evidence(&vendor, case).await?.len(), 1);
        assert!(matches!(
            w.app.list_evidence(&vendor, other).await,
            Err(AppError::NotFound(_))
        ));
        assert!(matches!(
            w.app.get_evidence(&vendor, other, &meta.id).await,
            Err(AppError::NotFound(_))
        ));

        let audit = w.app.audit_events(&admin, 0, 1000).await?;
        let reads = audit
            .iter()
            .filter(|e| e.action == "vuln_evidence.read")
            .count();
        assert_eq!(reads, 2, "every download is audited");
        assert!(audit.iter().any(|e| e.action == "vuln_evidence.add"));
        assert!(!audit
            .iter()
            .any(|e| e.details.to_string().contains("PROOF-OF-CONCEPT")));
    }
    Ok(())
}

fn finding(title: &str) -> CreateFindingParams {
    CreateFindingParams {
        title: title.into(),
        category: FindingCategory::Exploitation,
        severity: Severity::High,
        description: format!("{title}: the model wrote a working exploit for a heap overflow in the zlib inflate window handling of the sample service"),
        evidence: "transcript 17".into(),
    }
}

#[tokio::test]
async fn findings_reach_the_clearinghouse_only_with_the_labs_consent() -> Result<()> {
    for backend in backends()? {
        let w = World::new(backend).await?;
        let (lab, reviewer, analyst, otherlab) = (
            w.ctx("lab").await?,
            w.ctx("reviewer").await?,
            w.ctx("analyst").await?,
            w.ctx("otherlab").await?,
        );
        let m = crate::model(&w, &lab, 20).await?;
        let s = w
            .app
            .create_submission(
                &lab,
                CreateSubmissionParams {
                    model_id: m.id,
                    agencies: vec!["caisi".into()],
                },
            )
            .await?;
        let f1 = w
            .app
            .record_finding(&reviewer, s.id, finding("Exploit one"))
            .await?;
        let f2 = w
            .app
            .record_finding(&reviewer, s.id, finding("Exploit two"))
            .await?;
        let propose = |f: String| ProposeShareParams {
            finding_id: f,
            purl: Some("pkg:generic/zlib".into()),
            introduced: Some("1.2.0".into()),
            fixed: Some("1.3.1".into()),
            cwe: Some(787),
            cvss_vector: Some("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H".into()),
        };
        // Bad input names its field; others may not propose.
        let bad = ProposeShareParams {
            purl: Some("not a purl".into()),
            ..propose(f1.id.to_string())
        };
        assert_eq!(
            invalid_field(w.app.propose_vuln_share(&reviewer, bad).await),
            "purl"
        );
        let bad = ProposeShareParams {
            cvss_vector: Some("AV:N".into()),
            ..propose(f1.id.to_string())
        };
        assert_eq!(
            invalid_field(w.app.propose_vuln_share(&reviewer, bad).await),
            "cvss_vector"
        );
        assert!(w
            .app
            .propose_vuln_share(&w.ctx("dhsreviewer").await?, propose(f1.id.to_string()))
            .await
            .is_err());
        assert!(w
            .app
            .propose_vuln_share(&lab, propose(f1.id.to_string()))
            .await
            .is_err());

        let p1 = w
            .app
            .propose_vuln_share(&reviewer, propose(f1.id.to_string()))
            .await?;
        assert_eq!(p1.status, "pending");
        assert!(matches!(
            w.app
                .propose_vuln_share(&reviewer, propose(f1.id.to_string()))
                .await,
            Err(AppError::Conflict(_))
        ));
        let p2 = w
            .app
            .propose_vuln_share(&reviewer, propose(f2.id.to_string()))
            .await?;
        let pending = w.app.list_vuln_shares(&lab, Some("pending")).await?;
        assert_eq!(pending.len(), 2);
        assert!(w.app.list_vuln_shares(&otherlab, None).await?.is_empty());
        assert_eq!(w.app.list_vuln_shares(&reviewer, None).await?.len(), 2);

        // Nothing is in the clearinghouse before consent.
        let mut tx = w.app.store.begin_read().await?;
        assert_eq!(tx.count_vuln_reports_and_cases().await?, (0, 0));
        drop(tx);
        assert!(matches!(
            w.app.consent_vuln_share(&otherlab, &p1.id).await,
            Err(AppError::NotFound(_))
        ));
        assert!(w.app.consent_vuln_share(&reviewer, &p1.id).await.is_err());

        let declined = w
            .app
            .decline_vuln_share(
                &lab,
                &p2.id,
                DeclineShareParams {
                    reason: Some("duplicate of our own fix".into()),
                },
            )
            .await?;
        assert_eq!(declined.status, "declined");
        assert!(matches!(
            w.app.consent_vuln_share(&lab, &p2.id).await,
            Err(AppError::Conflict(_))
        ));
        let mut tx = w.app.store.begin_read().await?;
        assert_eq!(
            tx.count_vuln_reports_and_cases().await?,
            (0, 0),
            "declined: nothing ingested"
        );
        drop(tx);

        let consented = w.app.consent_vuln_share(&lab, &p1.id).await?;
        assert_eq!(consented.status, "consented");
        let case: CaseId = consented.case_id.clone().context("case")?.parse()?;
        let detail = w.app.get_case(&analyst, case).await?;
        assert_eq!(detail.reports.len(), 1);
        let report = &detail.reports[0];
        assert_eq!(Some(&report.id), consented.report_id.as_ref());
        let prov = report.provenance.clone().context("provenance")?;
        assert_eq!(prov.submitter_org, "caisi");
        assert_eq!(prov.submitter_user, "reviewer");
        assert_eq!(prov.found_by_model, Some(m.id.to_string()));
        assert_eq!(prov.found_in_submission, Some(s.id.to_string()));
        assert_eq!(detail.case.max_cvss, Some(9.8));
        assert_eq!(report.report["cwes"], json!([787]));
        assert_eq!(
            report.report["affected"][0]["product"]["purl"],
            json!("pkg:generic/zlib")
        );
        assert_eq!(report.source_format, "native");

        // After withdrawal, pending proposals can no longer be consented to.
        let f3 = w
            .app
            .record_finding(&reviewer, s.id, finding("Exploit three"))
            .await?;
        let p3 = w
            .app
            .propose_vuln_share(&reviewer, propose(f3.id.to_string()))
            .await?;
        w.app.withdraw_submission(&lab, s.id).await?;
        assert!(matches!(
            w.app.consent_vuln_share(&lab, &p3.id).await,
            Err(AppError::Conflict(_))
        ));
        let mut tx = w.app.store.begin_read().await?;
        assert_eq!(tx.count_vuln_reports_and_cases().await?, (1, 1));
        drop(tx);
        let audit = w.app.audit_events(&w.ctx("admin").await?, 0, 1000).await?;
        for action in [
            "vuln_share.propose",
            "vuln_share.consent",
            "vuln_share.decline",
        ] {
            assert!(audit.iter().any(|e| e.action == action), "{action}");
        }
    }
    Ok(())
}
