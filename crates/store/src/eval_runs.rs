//! Evaluation runs on submissions, executed as jobs.
//!
//! A job is claimed by one worker at a time under a lease. Claiming is one
//! `UPDATE … WHERE id = (SELECT id … LIMIT 1) RETURNING …`: on PostgreSQL the
//! sub-select takes `FOR UPDATE SKIP LOCKED`, so concurrent workers each get a
//! different job; SQLite has one writer (`BEGIN IMMEDIATE`), so the same
//! statement without the locking clause is just as exclusive. A job whose
//! lease ran out (its worker stopped heart-beating) is claimable again;
//! `attempts` counts the claims. Every later write of a worker names the
//! worker and the attempt it holds, so a worker that lost its lease can
//! change nothing.
use crate::codec::{int, ms, opt_int, opt_parsed, opt_text, opt_time, parsed, text, time};
use crate::{Dialect, StoreError, Tx};
use bulwark_domain::ids::{
    EvalRunId, ModelId, OrgId, ProfileId, StandardVersionId, SubmissionId, UserId,
};
use bulwark_domain::policy::Scope;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use std::fmt;
use std::str::FromStr;

/// Where an evaluation run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvalRunStatus {
    /// Waiting for a worker.
    Queued,
    /// A worker holds it (or held it, and its lease has not run out yet).
    Running,
    /// Finished: the summary and the capability profile are stored.
    Succeeded,
    /// Could not finish (the error says why), or its workers kept stopping.
    Failed,
    /// Stopped by a reviewer, or because the review closed.
    Cancelled,
}

impl EvalRunStatus {
    /// Every status.
    pub const ALL: &'static [EvalRunStatus] = &[
        EvalRunStatus::Queued,
        EvalRunStatus::Running,
        EvalRunStatus::Succeeded,
        EvalRunStatus::Failed,
        EvalRunStatus::Cancelled,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            EvalRunStatus::Queued => "queued",
            EvalRunStatus::Running => "running",
            EvalRunStatus::Succeeded => "succeeded",
            EvalRunStatus::Failed => "failed",
            EvalRunStatus::Cancelled => "cancelled",
        }
    }

    /// Queued or running: the run may still change.
    pub fn is_active(self) -> bool {
        matches!(self, EvalRunStatus::Queued | EvalRunStatus::Running)
    }
}

impl fmt::Display for EvalRunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EvalRunStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        EvalRunStatus::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| format!("unknown evaluation run status {s:?}"))
    }
}

/// One evaluation run (a job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalRunRow {
    /// Id (also the run id in the run directory).
    pub id: EvalRunId,
    /// The submission evaluated.
    pub submission_id: SubmissionId,
    /// Its model.
    pub model_id: ModelId,
    /// The agency whose reviewer started it.
    pub agency_org_id: OrgId,
    /// The reviewer who started it.
    pub started_by: UserId,
    /// The suite (a name resolved by the worker).
    pub suite: String,
    /// Overrides every task's epochs.
    pub epochs: Option<i64>,
    /// Only the first N samples of each task.
    pub sample_limit: Option<i64>,
    /// Samples in flight at once.
    pub max_connections: i64,
    /// Where it stands.
    pub status: EvalRunStatus,
    /// Claims so far.
    pub attempts: i64,
    /// Claims allowed before giving up.
    pub max_attempts: i64,
    /// The worker holding (or last holding) it.
    pub worker: Option<String>,
    /// When the current lease runs out.
    pub lease_expires_at: Option<DateTime<Utc>>,
    /// The last heartbeat.
    pub heartbeat_at: Option<DateTime<Utc>>,
    /// The last progress snapshot (JSON).
    pub progress: Option<String>,
    /// The run directory (under the workers' shared data directory).
    pub run_dir: Option<String>,
    /// The run summary (JSON), once succeeded.
    pub summary: Option<String>,
    /// The capability profile stored from it.
    pub profile_id: Option<ProfileId>,
    /// The designation engine's proposal (JSON; confidential: it reveals thresholds).
    pub proposal: Option<String>,
    /// The standard version the proposal applied.
    pub proposal_standard_version_id: Option<StandardVersionId>,
    /// Why it failed or was cancelled.
    pub error: Option<String>,
    /// When started (queued).
    pub created_at: DateTime<Utc>,
    /// When first claimed.
    pub started_at: Option<DateTime<Utc>>,
    /// When it reached a final state.
    pub finished_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "id, submission_id, model_id, agency_org_id, started_by, suite, epochs, sample_limit, max_connections, status, attempts, max_attempts, worker, lease_expires_at, heartbeat_at, progress, run_dir, summary, profile_id, proposal, proposal_standard_version_id, error, created_at, started_at, finished_at";
const R_COLUMNS: &str = "r.id, r.submission_id, r.model_id, r.agency_org_id, r.started_by, r.suite, r.epochs, r.sample_limit, r.max_connections, r.status, r.attempts, r.max_attempts, r.worker, r.lease_expires_at, r.heartbeat_at, r.progress, r.run_dir, r.summary, r.profile_id, r.proposal, r.proposal_standard_version_id, r.error, r.created_at, r.started_at, r.finished_at";

/// Claims the oldest claimable job: queued, or running with a lapsed lease,
/// and not out of attempts. `$1` worker, `$2` now, `$3` lease end.
const CLAIM_POSTGRES: &str = "UPDATE eval_runs SET status = 'running', worker = $1, attempts = attempts + 1, lease_expires_at = $3, heartbeat_at = $2, started_at = COALESCE(started_at, $2) WHERE id = (SELECT id FROM eval_runs WHERE (status = 'queued' OR (status = 'running' AND lease_expires_at < $2)) AND attempts < max_attempts ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING ";
const CLAIM_SQLITE: &str = "UPDATE eval_runs SET status = 'running', worker = $1, attempts = attempts + 1, lease_expires_at = $3, heartbeat_at = $2, started_at = COALESCE(started_at, $2) WHERE id = (SELECT id FROM eval_runs WHERE (status = 'queued' OR (status = 'running' AND lease_expires_at < $2)) AND attempts < max_attempts ORDER BY created_at, id LIMIT 1) RETURNING ";

impl EvalRunRow {
    fn decode(r: &AnyRow) -> Result<Self, StoreError> {
        Ok(Self {
            id: parsed(r, "id")?,
            submission_id: parsed(r, "submission_id")?,
            model_id: parsed(r, "model_id")?,
            agency_org_id: parsed(r, "agency_org_id")?,
            started_by: parsed(r, "started_by")?,
            suite: text(r, "suite")?,
            epochs: opt_int(r, "epochs")?,
            sample_limit: opt_int(r, "sample_limit")?,
            max_connections: int(r, "max_connections")?,
            status: parsed(r, "status")?,
            attempts: int(r, "attempts")?,
            max_attempts: int(r, "max_attempts")?,
            worker: opt_text(r, "worker")?,
            lease_expires_at: opt_time(r, "lease_expires_at")?,
            heartbeat_at: opt_time(r, "heartbeat_at")?,
            progress: opt_text(r, "progress")?,
            run_dir: opt_text(r, "run_dir")?,
            summary: opt_text(r, "summary")?,
            profile_id: opt_parsed(r, "profile_id")?,
            proposal: opt_text(r, "proposal")?,
            proposal_standard_version_id: opt_parsed(r, "proposal_standard_version_id")?,
            error: opt_text(r, "error")?,
            created_at: time(r, "created_at")?,
            started_at: opt_time(r, "started_at")?,
            finished_at: opt_time(r, "finished_at")?,
        })
    }
}

/// The worker's hold on a job: every write after the claim must present it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalLeaseRow {
    /// The job.
    pub id: EvalRunId,
    /// The worker holding it.
    pub worker: String,
    /// The attempt it holds (the fencing token).
    pub attempt: i64,
}

/// What a worker stores when a job ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvalRunOutcomeRow {
    /// `succeeded`, `failed` or `cancelled`.
    pub status: EvalRunStatus,
    /// The run summary (JSON).
    pub summary: Option<String>,
    /// The stored capability profile.
    pub profile_id: Option<ProfileId>,
    /// The engine's proposal (JSON).
    pub proposal: Option<String>,
    /// The standard version it applied.
    pub proposal_standard_version_id: Option<StandardVersionId>,
    /// Why it failed.
    pub error: Option<String>,
}

impl Tx {
    /// Queues a run.
    pub async fn insert_eval_run(&mut self, r: &EvalRunRow) -> Result<(), StoreError> {
        sqlx::query("INSERT INTO eval_runs (id, submission_id, model_id, agency_org_id, started_by, suite, epochs, sample_limit, max_connections, status, attempts, max_attempts, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)")
            .bind(r.id.to_string())
            .bind(r.submission_id.to_string())
            .bind(r.model_id.to_string())
            .bind(r.agency_org_id.to_string())
            .bind(r.started_by.to_string())
            .bind(&r.suite)
            .bind(r.epochs)
            .bind(r.sample_limit)
            .bind(r.max_connections)
            .bind(r.status.as_str())
            .bind(r.attempts)
            .bind(r.max_attempts)
            .bind(ms(r.created_at))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// One run.
    pub async fn get_eval_run(&mut self, id: EvalRunId) -> Result<Option<EvalRunRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM eval_runs WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(EvalRunRow::decode).transpose()
    }

    /// Runs on a submission, newest first, optionally of one agency.
    pub async fn list_eval_runs_of_submission(
        &mut self,
        submission: SubmissionId,
        agency: Option<OrgId>,
    ) -> Result<Vec<EvalRunRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM eval_runs WHERE submission_id = $1 AND (CAST($2 AS TEXT) IS NULL OR agency_org_id = CAST($2 AS TEXT)) ORDER BY created_at DESC, id");
        let rows = sqlx::query(&sql)
            .bind(submission.to_string())
            .bind(agency.map(|a| a.to_string()))
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(EvalRunRow::decode).collect()
    }

    /// Runs visible under `scope` (see `policy::eval_run_scope`), newest first.
    pub async fn list_eval_runs(&mut self, scope: Scope) -> Result<Vec<EvalRunRow>, StoreError> {
        let (cond, param) = match scope {
            Scope::All => ("1 = 1", None),
            Scope::OwnOrg(lab) => ("s.lab_org_id = $1", Some(lab)),
            Scope::AssignedTo(agency) => (
                "r.agency_org_id = $1 AND s.state <> 'withdrawn' AND EXISTS (SELECT 1 FROM submission_agencies a WHERE a.submission_id = s.id AND a.agency_org_id = $1)",
                Some(agency),
            ),
            Scope::Nothing => ("1 = 0", None),
        };
        let sql = format!("SELECT {R_COLUMNS} FROM eval_runs r JOIN submissions s ON s.id = r.submission_id WHERE {cond} ORDER BY r.created_at DESC, r.id");
        let mut q = sqlx::query(&sql);
        if let Some(org) = param {
            q = q.bind(org.to_string());
        }
        let rows = q.fetch_all(&mut *self.tx).await?;
        rows.iter().map(EvalRunRow::decode).collect()
    }

    /// Succeeded runs whose profile the designation engine read, newest first
    /// (the designator's list of proposals).
    pub async fn list_eval_runs_with_proposals(&mut self) -> Result<Vec<EvalRunRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM eval_runs WHERE status = 'succeeded' AND profile_id IS NOT NULL ORDER BY finished_at DESC, id");
        let rows = sqlx::query(&sql).fetch_all(&mut *self.tx).await?;
        rows.iter().map(EvalRunRow::decode).collect()
    }

    /// Gives up on running jobs whose lease ran out and that have no attempt
    /// left: they become `failed` with `error`. Returns them.
    pub async fn fail_exhausted_eval_runs(
        &mut self,
        now: DateTime<Utc>,
        error: &str,
    ) -> Result<Vec<EvalRunRow>, StoreError> {
        let sql = format!("UPDATE eval_runs SET status = 'failed', error = $2, finished_at = $1, lease_expires_at = NULL WHERE status = 'running' AND lease_expires_at < $1 AND attempts >= max_attempts RETURNING {COLUMNS}");
        let rows = sqlx::query(&sql)
            .bind(ms(now))
            .bind(error)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(EvalRunRow::decode).collect()
    }

    /// Claims one job for `worker` until `lease_until`, or none when nothing
    /// is claimable at `now`.
    pub async fn claim_eval_run(
        &mut self,
        worker: &str,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
    ) -> Result<Option<EvalRunRow>, StoreError> {
        let head = match self.dialect {
            Dialect::Postgres => CLAIM_POSTGRES,
            Dialect::Sqlite => CLAIM_SQLITE,
        };
        let sql = format!("{head}{COLUMNS}");
        let row = sqlx::query(&sql)
            .bind(worker)
            .bind(ms(now))
            .bind(ms(lease_until))
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(EvalRunRow::decode).transpose()
    }

    /// Records the run directory of a claimed job (kept when already set, so a
    /// resumed attempt continues the same run log).
    pub async fn set_eval_run_dir(&mut self, id: EvalRunId, dir: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE eval_runs SET run_dir = COALESCE(run_dir, $1) WHERE id = $2")
            .bind(dir)
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Renews the lease of a job the worker still holds, with its progress.
    /// False when the lease is lost (lapsed and claimed by another worker) or
    /// the job is no longer running (cancelled).
    pub async fn heartbeat_eval_run(
        &mut self,
        lease: &EvalLeaseRow,
        now: DateTime<Utc>,
        lease_until: DateTime<Utc>,
        progress: Option<&str>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE eval_runs SET lease_expires_at = $1, heartbeat_at = $2, progress = COALESCE($3, progress) WHERE id = $4 AND worker = $5 AND attempts = $6 AND status = 'running'")
            .bind(ms(lease_until))
            .bind(ms(now))
            .bind(progress.map(str::to_string))
            .bind(lease.id.to_string())
            .bind(&lease.worker)
            .bind(lease.attempt)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Ends a job the worker still holds. False when the lease is lost or the
    /// job is no longer running; then nothing is written.
    pub async fn finish_eval_run(
        &mut self,
        lease: &EvalLeaseRow,
        now: DateTime<Utc>,
        outcome: &EvalRunOutcomeRow,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE eval_runs SET status = $1, summary = $2, profile_id = $3, proposal = $4, proposal_standard_version_id = $5, error = $6, finished_at = $7, lease_expires_at = NULL WHERE id = $8 AND worker = $9 AND attempts = $10 AND status = 'running'")
            .bind(outcome.status.as_str())
            .bind(outcome.summary.clone())
            .bind(outcome.profile_id.map(|p| p.to_string()))
            .bind(outcome.proposal.clone())
            .bind(outcome.proposal_standard_version_id.map(|v| v.to_string()))
            .bind(outcome.error.clone())
            .bind(ms(now))
            .bind(lease.id.to_string())
            .bind(&lease.worker)
            .bind(lease.attempt)
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Cancels a queued or running job. False when it had already ended.
    pub async fn cancel_eval_run(
        &mut self,
        id: EvalRunId,
        now: DateTime<Utc>,
        reason: &str,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query("UPDATE eval_runs SET status = 'cancelled', error = $1, finished_at = $2, lease_expires_at = NULL WHERE id = $3 AND status IN ('queued', 'running')")
            .bind(reason)
            .bind(ms(now))
            .bind(id.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Queued or running jobs whose submission is no longer open at `now`
    /// (withdrawn, concluded, released, or past its window).
    pub async fn active_eval_runs_of_closed_submissions(
        &mut self,
        now: DateTime<Utc>,
    ) -> Result<Vec<EvalRunRow>, StoreError> {
        let sql = format!("SELECT {R_COLUMNS} FROM eval_runs r JOIN submissions s ON s.id = r.submission_id WHERE r.status IN ('queued', 'running') AND (s.state NOT IN ('submitted', 'in_review') OR s.window_end < $1) ORDER BY r.created_at, r.id");
        let rows = sqlx::query(&sql)
            .bind(ms(now))
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(EvalRunRow::decode).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::EvalRunStatus;

    #[test]
    fn statuses_round_trip() {
        for s in EvalRunStatus::ALL {
            assert_eq!(s.as_str().parse::<EvalRunStatus>(), Ok(*s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::json!(s.as_str())
            );
        }
        assert!("done".parse::<EvalRunStatus>().is_err());
        assert!(EvalRunStatus::Running.is_active());
        assert!(!EvalRunStatus::Cancelled.is_active());
    }
}
