//! Evaluation-run jobs: queueing, claiming under a lease, heartbeats fenced by
//! worker and attempt, lapsed leases claimed again, giving up, cancelling, and
//! two stores claiming at once without ever taking the same job.
use crate::support::fixtures::*;
use crate::support::{for_each_backend, for_each_backend_with_url};
use bulwark_domain::ids::EvalRunId;
use bulwark_domain::policy::Scope;
use bulwark_domain::review::SubmissionState;
use bulwark_store::{
    EvalLeaseRow, EvalRunOutcomeRow, EvalRunRow, EvalRunStatus, OrgRow, Store, SubmissionRow,
    UserRow,
};
use std::collections::HashSet;

fn run(sub: &SubmissionRow, agency: &OrgRow, by: &UserRow, created_secs: i64) -> EvalRunRow {
    EvalRunRow {
        id: EvalRunId::random(),
        submission_id: sub.id,
        model_id: sub.model_id,
        agency_org_id: agency.id,
        started_by: by.id,
        suite: "cyber-core".into(),
        epochs: Some(2),
        sample_limit: None,
        max_connections: 8,
        status: EvalRunStatus::Queued,
        attempts: 0,
        max_attempts: 2,
        worker: None,
        lease_expires_at: None,
        heartbeat_at: None,
        progress: None,
        run_dir: None,
        summary: None,
        profile_id: None,
        proposal: None,
        proposal_standard_version_id: None,
        error: None,
        created_at: t(created_secs),
        started_at: None,
        finished_at: None,
    }
}

fn lease(r: &EvalRunRow) -> EvalLeaseRow {
    EvalLeaseRow {
        id: r.id,
        worker: r.worker.clone().expect("claimed"),
        attempt: r.attempts,
    }
}

/// A seeded world with one submission of lab A assigned to agencies X and Y.
async fn world_with_submission(store: &Store) -> anyhow::Result<(World, SubmissionRow)> {
    let w = seed(store).await?;
    let m = model(&w.lab_a, &w.lab_a_user, "m", 2);
    let s = submission(&m, &w.lab_a_user, 5_000, &[&w.agency_x, &w.agency_y]);
    let mut tx = store.begin().await?;
    tx.insert_model(&m).await?;
    tx.insert_submission(&s, t(3)).await?;
    tx.commit().await?;
    Ok((w, s))
}

#[tokio::test]
async fn runs_are_claimed_oldest_first_under_a_lease_and_fenced() {
    for_each_backend(|store| async move {
        let (w, s) = world_with_submission(&store).await?;
        let first = run(&s, &w.agency_x, &w.reviewer_x, 10);
        let second = run(&s, &w.agency_y, &w.reviewer_y, 11);
        let mut tx = store.begin().await?;
        tx.insert_eval_run(&second).await?;
        tx.insert_eval_run(&first).await?;
        tx.commit().await?;

        let mut tx = store.begin().await?;
        assert_eq!(tx.get_eval_run(first.id).await?, Some(first.clone()));
        assert_eq!(tx.get_eval_run(EvalRunId::random()).await?, None);
        let claimed = tx.claim_eval_run("w1", t(20), t(80)).await?.expect("a job");
        tx.set_eval_run_dir(claimed.id, "/data/eval-runs/a").await?;
        tx.set_eval_run_dir(claimed.id, "/elsewhere").await?;
        tx.commit().await?;
        assert_eq!(
            claimed,
            EvalRunRow {
                status: EvalRunStatus::Running,
                attempts: 1,
                worker: Some("w1".into()),
                lease_expires_at: Some(t(80)),
                heartbeat_at: Some(t(20)),
                started_at: Some(t(20)),
                ..first.clone()
            },
            "the oldest job, leased to w1"
        );
        let l1 = lease(&claimed);

        let mut tx = store.begin().await?;
        let other = tx.claim_eval_run("w2", t(21), t(81)).await?.expect("job");
        assert_eq!(other.id, second.id, "a running job is not claimed again");
        assert_eq!(tx.claim_eval_run("w3", t(22), t(82)).await?, None);
        // Heartbeats renew the lease and keep the last progress.
        assert!(
            tx.heartbeat_eval_run(&l1, t(30), t(90), Some("{\"done\":3}"))
                .await?
        );
        assert!(tx.heartbeat_eval_run(&l1, t(31), t(91), None).await?);
        let wrong_worker = EvalLeaseRow {
            worker: "w2".into(),
            ..l1.clone()
        };
        assert!(
            !tx.heartbeat_eval_run(&wrong_worker, t(31), t(91), None)
                .await?
        );
        tx.commit().await?;

        let mut tx = store.begin().await?;
        let now = tx.get_eval_run(first.id).await?.expect("row");
        assert_eq!(now.lease_expires_at, Some(t(91)));
        assert_eq!(now.heartbeat_at, Some(t(31)));
        assert_eq!(now.progress.as_deref(), Some("{\"done\":3}"));
        assert_eq!(now.run_dir.as_deref(), Some("/data/eval-runs/a"), "kept");
        // w2 stopped heart-beating at 81: its job is claimed again (attempt 2).
        let lapsed = tx
            .claim_eval_run("w3", t(91), t(151))
            .await?
            .expect("w2's lapsed job");
        assert_eq!((lapsed.id, lapsed.attempts), (second.id, 2));
        // w1's lease runs to 91: nobody else gets it until then; after, w3 does.
        assert_eq!(tx.claim_eval_run("w3", t(91), t(151)).await?, None);
        let again = tx
            .claim_eval_run("w3", t(92), t(152))
            .await?
            .expect("lapsed");
        assert_eq!(again.id, first.id);
        assert_eq!(again.attempts, 2);
        assert_eq!(again.worker.as_deref(), Some("w3"));
        assert_eq!(again.started_at, Some(t(20)), "first start kept");
        // The first worker lost its hold: neither heartbeat nor finish lands.
        assert!(!tx.heartbeat_eval_run(&l1, t(93), t(153), None).await?);
        let done = EvalRunOutcomeRow {
            status: EvalRunStatus::Succeeded,
            summary: Some("{\"status\":\"complete\"}".into()),
            profile_id: None,
            proposal: None,
            proposal_standard_version_id: None,
            error: None,
        };
        assert!(!tx.finish_eval_run(&l1, t(94), &done).await?);
        assert!(tx.finish_eval_run(&lease(&again), t(95), &done).await?);
        assert!(
            !tx.finish_eval_run(&lease(&again), t(96), &done).await?,
            "finished once"
        );
        tx.commit().await?;

        let mut tx = store.begin().await?;
        let finished = tx.get_eval_run(first.id).await?.expect("row");
        assert_eq!(finished.status, EvalRunStatus::Succeeded);
        assert_eq!(finished.finished_at, Some(t(95)));
        assert_eq!(finished.lease_expires_at, None);
        assert_eq!(
            finished.summary.as_deref(),
            Some("{\"status\":\"complete\"}")
        );
        // A finished job is never claimed again; the other is out of attempts.
        assert_eq!(tx.claim_eval_run("w4", t(10_000), t(10_060)).await?, None);
        let given_up = tx.fail_exhausted_eval_runs(t(10_000), "gave up").await?;
        assert_eq!(given_up.len(), 1);
        assert_eq!(given_up[0].id, second.id);
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn lapsed_jobs_out_of_attempts_fail_and_cancelled_jobs_stop() {
    for_each_backend(|store| async move {
        let (w, s) = world_with_submission(&store).await?;
        let r = run(&s, &w.agency_x, &w.reviewer_x, 10);
        let queued = run(&s, &w.agency_x, &w.reviewer_x, 11);
        let mut tx = store.begin().await?;
        tx.insert_eval_run(&r).await?;
        tx.insert_eval_run(&queued).await?;
        let a1 = tx.claim_eval_run("w1", t(20), t(80)).await?.expect("job");
        assert_eq!(a1.id, r.id);
        let a2 = tx.claim_eval_run("w2", t(81), t(141)).await?.expect("job");
        assert_eq!((a2.id, a2.attempts), (r.id, 2));
        // Out of attempts: not claimable, and given up once the lease lapses.
        assert_eq!(
            tx.claim_eval_run("w3", t(142), t(202)).await?.map(|x| x.id),
            Some(queued.id)
        );
        assert!(tx
            .fail_exhausted_eval_runs(t(141), "gave up")
            .await?
            .is_empty());
        let failed = tx.fail_exhausted_eval_runs(t(142), "gave up").await?;
        assert_eq!(failed.len(), 1);
        assert_eq!(failed[0].id, r.id);
        assert_eq!(failed[0].status, EvalRunStatus::Failed);
        assert_eq!(failed[0].error.as_deref(), Some("gave up"));
        assert_eq!(failed[0].finished_at, Some(t(142)));
        // Cancelling a running job: its worker's heartbeat then fails.
        let l = lease(&tx.get_eval_run(queued.id).await?.expect("row"));
        assert!(tx.cancel_eval_run(queued.id, t(150), "withdrawn").await?);
        assert!(!tx.cancel_eval_run(queued.id, t(151), "again").await?);
        assert!(!tx.cancel_eval_run(r.id, t(151), "ended").await?);
        assert!(!tx.heartbeat_eval_run(&l, t(152), t(212), None).await?);
        let c = tx.get_eval_run(queued.id).await?.expect("row");
        assert_eq!(c.status, EvalRunStatus::Cancelled);
        assert_eq!(c.error.as_deref(), Some("withdrawn"));
        assert_eq!(c.finished_at, Some(t(150)));
        tx.commit().await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn listings_follow_scopes_and_closed_submissions_are_found() {
    for_each_backend(|store| async move {
        let (w, s) = world_with_submission(&store).await?;
        let other_model = model(&w.lab_b, &w.lab_b_user, "other", 2);
        let other = submission(&other_model, &w.lab_b_user, 5_000, &[&w.agency_x]);
        let x1 = run(&s, &w.agency_x, &w.reviewer_x, 10);
        let y1 = run(&s, &w.agency_y, &w.reviewer_y, 11);
        let x2 = run(&other, &w.agency_x, &w.reviewer_x, 12);
        let mut tx = store.begin().await?;
        tx.insert_model(&other_model).await?;
        tx.insert_submission(&other, t(3)).await?;
        for r in [&x1, &y1, &x2] {
            tx.insert_eval_run(r).await?;
        }
        tx.commit().await?;

        let ids = |rows: Vec<EvalRunRow>| rows.into_iter().map(|r| r.id).collect::<Vec<_>>();
        let mut tx = store.begin().await?;
        assert_eq!(
            ids(tx.list_eval_runs_of_submission(s.id, None).await?),
            vec![y1.id, x1.id]
        );
        assert_eq!(
            ids(tx
                .list_eval_runs_of_submission(s.id, Some(w.agency_x.id))
                .await?),
            vec![x1.id]
        );
        assert_eq!(
            ids(tx.list_eval_runs(Scope::OwnOrg(w.lab_a.id)).await?),
            vec![y1.id, x1.id]
        );
        assert_eq!(
            ids(tx.list_eval_runs(Scope::OwnOrg(w.lab_b.id)).await?),
            vec![x2.id]
        );
        assert_eq!(
            ids(tx.list_eval_runs(Scope::AssignedTo(w.agency_x.id)).await?),
            vec![x2.id, x1.id]
        );
        assert_eq!(
            ids(tx.list_eval_runs(Scope::AssignedTo(w.agency_y.id)).await?),
            vec![y1.id]
        );
        assert_eq!(
            ids(tx.list_eval_runs(Scope::AssignedTo(w.agency_z.id)).await?),
            vec![]
        );
        assert_eq!(ids(tx.list_eval_runs(Scope::Nothing).await?), vec![]);
        assert_eq!(ids(tx.list_eval_runs(Scope::All).await?).len(), 3);
        assert_eq!(
            ids(tx.active_eval_runs_of_closed_submissions(t(4_999)).await?),
            vec![]
        );

        // Withdrawal hides the runs from the agencies and marks them for cancelling.
        tx.set_submission_state(s.id, SubmissionState::Withdrawn, Some((t(20), "withdrawn")))
            .await?;
        assert_eq!(
            ids(tx.list_eval_runs(Scope::AssignedTo(w.agency_x.id)).await?),
            vec![x2.id]
        );
        assert_eq!(
            ids(tx.list_eval_runs(Scope::OwnOrg(w.lab_a.id)).await?),
            vec![y1.id, x1.id]
        );
        assert_eq!(
            ids(tx.active_eval_runs_of_closed_submissions(t(21)).await?),
            vec![x1.id, y1.id]
        );
        // A window that ended closes the other submission too.
        assert_eq!(
            ids(tx.active_eval_runs_of_closed_submissions(t(5_001)).await?),
            vec![x1.id, y1.id, x2.id]
        );
        assert!(tx.list_eval_runs_with_proposals().await?.is_empty());
        tx.commit().await?;
        Ok(())
    })
    .await;
}

#[tokio::test]
async fn two_claimers_never_take_the_same_job() {
    for_each_backend_with_url(|store, url| async move {
        let (w, s) = world_with_submission(&store).await?;
        let mut all = HashSet::new();
        let mut tx = store.begin().await?;
        for i in 0..24 {
            let r = run(&s, &w.agency_x, &w.reviewer_x, 10 + i);
            all.insert(r.id);
            tx.insert_eval_run(&r).await?;
        }
        tx.commit().await?;
        let second = Store::connect(&url).await?;
        let claim_all = |store: Store, name: &'static str| async move {
            let mut got = Vec::new();
            loop {
                let mut tx = store.begin().await?;
                let claimed = tx.claim_eval_run(name, t(100), t(160)).await?;
                tx.commit().await?;
                match claimed {
                    Some(r) => got.push(r.id),
                    None => return anyhow::Ok(got),
                }
                tokio::task::yield_now().await;
            }
        };
        let a = tokio::spawn(claim_all(store.clone(), "worker-a"));
        let b = tokio::spawn(claim_all(second.clone(), "worker-b"));
        let (a, b) = (a.await??, b.await??);
        second.close().await;
        let mut seen = HashSet::new();
        for id in a.iter().chain(b.iter()) {
            assert!(seen.insert(*id), "job {id} claimed twice");
        }
        assert_eq!(seen, all, "every job claimed exactly once");
        let mut tx = store.begin_read().await?;
        for id in &a {
            let r = tx.get_eval_run(*id).await?.expect("row");
            assert_eq!((r.worker.as_deref(), r.attempts), (Some("worker-a"), 1));
        }
        for id in &b {
            let r = tx.get_eval_run(*id).await?.expect("row");
            assert_eq!((r.worker.as_deref(), r.attempts), (Some("worker-b"), 1));
        }
        Ok(())
    })
    .await;
}
