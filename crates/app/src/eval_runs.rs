//! Evaluation runs on submissions: a reviewer of an assigned agency starts a
//! run (a job the workers execute, see [`crate::eval_executor`]); the agency
//! follows its progress, reads its results, its sample transcripts and
//! compares capability profiles; the lab reads the summary results of runs on
//! its own submission (never the transcripts); designators read what the
//! designation engine proposed from each run's profile.
//!
//! Runs are agency work (like findings): need-to-know is decided by
//! `policy::authorize` on `Resource::AgencyWork`, listings by
//! `policy::eval_run_scope`. Every read of results or transcripts is audited.
mod transcripts;

use crate::audit::record;
use crate::models::check;
use crate::submissions::org_slugs;
use crate::views::*;
use crate::{App, AppError, OpContext};
use bulwark_domain::designation::{CapabilityProfile, Proposal};
use bulwark_domain::ids::{EvalRunId, ModelId, OrgId, SubmissionId, UserId};
use bulwark_domain::policy::{eval_run_scope, Action, Resource};
use bulwark_domain::review::{apply, effective_state, Transition};
use bulwark_store::{EvalRunRow, EvalRunStatus, SubmissionRow, Tx};
use chrono::{DateTime, Utc};
use serde_json::json;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap};

pub use transcripts::SAMPLE_PAGE_MAX;

/// Claims of a job before it is given up (a worker that stops heart-beating
/// loses its claim when the lease lapses; the next worker takes it again).
pub const MAX_ATTEMPTS: i64 = 3;
/// Most epochs a run may ask for.
pub const MAX_EPOCHS: u32 = 100;
/// Most samples per task a run may ask for.
pub const MAX_LIMIT: u64 = 1_000_000;
/// Most samples in flight a run may ask for.
pub const MAX_CONNECTIONS: u32 = 256;
/// Samples in flight when a run does not say.
pub const DEFAULT_CONNECTIONS: u32 = 32;
/// Fewest and most runs in one comparison.
pub const COMPARE_RUNS: std::ops::RangeInclusive<usize> = 2..=8;

/// Checks a suite name: 1–100 characters of letters, digits, `.`, `_`, `-`,
/// not starting with `.` (workers resolve it under their suites directory, so
/// it can never name a path).
pub fn validate_suite_name(name: &str) -> Result<(), AppError> {
    let ok = !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "suite",
            "must be a suite name of 1 to 100 letters, digits, '.', '_' or '-' (not starting with '.'), e.g. cyber-core",
        ))
    }
}

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &str,
    value: Option<T>,
    min: T,
    max: T,
) -> Result<(), AppError> {
    match value {
        Some(v) if v < min || v > max => Err(AppError::invalid(
            field,
            format!("must be between {min} and {max}, not {v}"),
        )),
        _ => Ok(()),
    }
}

/// Splits a profile metric name `SUITE/GROUP.METRIC` into (group, metric).
pub fn split_metric_name(name: &str) -> (String, String) {
    let rest = name.split_once('/').map_or(name, |(_, rest)| rest);
    match rest.rsplit_once('.') {
        Some((group, metric)) => (group.to_string(), metric.to_string()),
        None => (rest.to_string(), String::new()),
    }
}

/// The metrics of a stored profile, in name order.
pub(crate) fn profile_metrics(profile: &CapabilityProfile) -> Vec<EvalMetricView> {
    profile
        .metrics
        .iter()
        .map(|(name, m)| {
            let (group, metric) = split_metric_name(name);
            EvalMetricView {
                name: name.clone(),
                group,
                metric,
                value: m.value,
                stderr: m.stderr,
                ci95_lower: m.ci95_lower,
                ci95_upper: m.ci95_upper,
                n: m.n,
            }
        })
        .collect()
}

/// The authorisation resource of a run: agency work on its submission.
fn run_resource<'a>(run: &EvalRunRow, s: &'a SubmissionRow) -> Resource<'a> {
    Resource::AgencyWork {
        lab: s.lab_org_id,
        agency: run.agency_org_id,
        agencies: &s.agencies,
        state: s.state,
    }
}

/// What views need besides the row: names, read once per operation.
pub(crate) struct ViewContext {
    slugs: HashMap<OrgId, String>,
    users: HashMap<UserId, String>,
    models: HashMap<ModelId, (String, String)>,
    submissions: HashMap<SubmissionId, SubmissionRow>,
    now: DateTime<Utc>,
}

impl ViewContext {
    pub(crate) async fn new(tx: &mut Tx, now: DateTime<Utc>) -> Result<Self, AppError> {
        Ok(Self {
            slugs: org_slugs(tx).await?,
            users: HashMap::new(),
            models: HashMap::new(),
            submissions: HashMap::new(),
            now,
        })
    }

    /// The view of one run.
    pub(crate) async fn view(
        &mut self,
        tx: &mut Tx,
        r: EvalRunRow,
    ) -> Result<EvalRunView, AppError> {
        if let Entry::Vacant(slot) = self.users.entry(r.started_by) {
            let name = tx
                .get_user(r.started_by)
                .await?
                .map(|u| u.username)
                .unwrap_or_default();
            slot.insert(name);
        }
        if let Entry::Vacant(slot) = self.models.entry(r.model_id) {
            let m = tx
                .get_model(r.model_id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("run {} without model", r.id)))?;
            slot.insert((m.name, m.version));
        }
        if let Entry::Vacant(slot) = self.submissions.entry(r.submission_id) {
            let s = tx
                .get_submission(r.submission_id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("run {} without submission", r.id)))?;
            slot.insert(s);
        }
        let metrics = match r.profile_id {
            Some(id) => match tx.get_profile(id).await? {
                Some(p) => profile_metrics(
                    &CapabilityProfile::parse_json(&p.body)
                        .map_err(|e| AppError::Internal(format!("stored profile {id}: {e}")))?,
                ),
                None => Vec::new(),
            },
            None => Vec::new(),
        };
        let (status, error) = self.effective_status(&r);
        let lab_org_id = self
            .submissions
            .get(&r.submission_id)
            .map(|s| s.lab_org_id)
            .ok_or_else(|| AppError::Internal(format!("run {} without submission", r.id)))?;
        let (model_name, model_version) = self.models.get(&r.model_id).cloned().unwrap_or_default();
        Ok(EvalRunView {
            id: r.id,
            submission_id: r.submission_id,
            model_id: r.model_id,
            model_name,
            model_version,
            lab_org_id,
            agency_org_id: r.agency_org_id,
            agency: self
                .slugs
                .get(&r.agency_org_id)
                .cloned()
                .unwrap_or_default(),
            started_by: self.users.get(&r.started_by).cloned().unwrap_or_default(),
            suite: r.suite,
            epochs: r.epochs.and_then(|v| u32::try_from(v).ok()),
            limit: r.sample_limit.and_then(|v| u64::try_from(v).ok()),
            max_connections: u32::try_from(r.max_connections).unwrap_or_default(),
            status,
            attempts: u32::try_from(r.attempts).unwrap_or_default(),
            max_attempts: u32::try_from(r.max_attempts).unwrap_or_default(),
            progress: r
                .progress
                .as_deref()
                .and_then(|p| serde_json::from_str(p).ok()),
            heartbeat_at: r.heartbeat_at,
            metrics,
            profile_id: r.profile_id,
            error,
            created_at: r.created_at,
            started_at: r.started_at,
            finished_at: r.finished_at,
        })
    }

    /// A queued or running run of a review that closed reads as cancelled
    /// (the workers' sweep writes it down, see `eval_executor`).
    fn effective_status(&self, r: &EvalRunRow) -> (EvalRunStatus, Option<String>) {
        if let Some(s) = self.submissions.get(&r.submission_id) {
            let state = effective_state(s.state, &s.window, self.now);
            if r.status.is_active() && !state.is_open() {
                return (EvalRunStatus::Cancelled, Some(closed_reason(state)));
            }
        }
        (r.status, r.error.clone())
    }
}

/// Why the runs of a closed review stop.
pub(crate) fn closed_reason(state: bulwark_domain::review::SubmissionState) -> String {
    format!("the review closed (the submission is {state}): the model may no longer be called")
}

impl App {
    /// Loads a run the caller may `action`, with its submission.
    pub(crate) async fn load_eval_run(
        &self,
        tx: &mut Tx,
        ctx: &OpContext,
        id: EvalRunId,
        action: Action,
    ) -> Result<(EvalRunRow, SubmissionRow), AppError> {
        let what = format!("evaluation run {id}");
        let r = tx
            .get_eval_run(id)
            .await?
            .ok_or_else(|| AppError::NotFound(what.clone()))?;
        let s = tx
            .get_submission(r.submission_id)
            .await?
            .ok_or_else(|| AppError::NotFound(what.clone()))?;
        check(ctx, action, &run_resource(&r, &s), &what)?;
        Ok((r, s))
    }

    /// A reviewer of an assigned agency queues an evaluation run of the
    /// submission's model (a submitted review moves into review).
    pub async fn start_eval_run(
        &self,
        ctx: &OpContext,
        id: SubmissionId,
        params: StartEvalRunParams,
    ) -> Result<EvalRunView, AppError> {
        let suite = params.suite.trim().to_string();
        validate_suite_name(&suite)?;
        check_range("epochs", params.epochs, 1, MAX_EPOCHS)?;
        check_range("limit", params.limit, 1, MAX_LIMIT)?;
        check_range(
            "max_connections",
            params.max_connections,
            1,
            MAX_CONNECTIONS,
        )?;
        let mut tx = self.store.begin().await?;
        let s = self
            .load_submission(&mut tx, ctx, id, Action::StartEvalRun)
            .await?;
        if !s.state.is_open() {
            return Err(AppError::Conflict(format!(
                "the submission is {}: evaluation runs can start only while the review is open (submitted or in review)",
                s.state
            )));
        }
        let model = tx
            .get_model(s.model_id)
            .await?
            .ok_or_else(|| AppError::Internal("submission without model".into()))?;
        if model.credential_secret_id.is_none() {
            return Err(AppError::Conflict(
                "the lab gave no API key for this model: an evaluation run could not call it"
                    .into(),
            ));
        }
        let now = self.clock.now();
        let to = apply(s.state, Transition::StartReview)?;
        if to != s.state {
            tx.set_submission_state(id, to, None).await?;
        }
        let row = EvalRunRow {
            id: EvalRunId::random(),
            submission_id: id,
            model_id: s.model_id,
            agency_org_id: ctx.actor.org_id,
            started_by: ctx.actor.user_id,
            suite,
            epochs: params.epochs.map(i64::from),
            sample_limit: params.limit.and_then(|v| i64::try_from(v).ok()),
            max_connections: i64::from(params.max_connections.unwrap_or(DEFAULT_CONNECTIONS)),
            status: EvalRunStatus::Queued,
            attempts: 0,
            max_attempts: MAX_ATTEMPTS,
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
            created_at: now,
            started_at: None,
            finished_at: None,
        };
        tx.insert_eval_run(&row).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "eval_run.start",
            ("eval_run", &row.id.to_string()),
            json!({"submission": id, "model": row.model_id, "suite": row.suite, "epochs": row.epochs,
                   "limit": row.sample_limit, "max_connections": row.max_connections,
                   "review_started": to != s.state}),
        )
        .await?;
        let mut views = ViewContext::new(&mut tx, now).await?;
        let view = views.view(&mut tx, row).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Runs on a submission the caller may read: all of them for the lab, its
    /// own agency's for a reviewer. An audited read.
    pub async fn list_eval_runs(
        &self,
        ctx: &OpContext,
        id: SubmissionId,
    ) -> Result<Vec<EvalRunView>, AppError> {
        let mut tx = self.store.begin().await?;
        let agency = self
            .agency_work_filter(&mut tx, ctx, id, Action::ReadEvalRun)
            .await?;
        let rows = tx.list_eval_runs_of_submission(id, agency).await?;
        let now = self.clock.now();
        record(
            &mut tx,
            ctx.into(),
            now,
            "eval_run.list",
            ("submission", &id.to_string()),
            json!({"count": rows.len()}),
        )
        .await?;
        let views = self.run_views(&mut tx, rows, now).await?;
        tx.commit().await?;
        Ok(views)
    }

    /// Every run the caller may read, across submissions (filtered in the
    /// query). An audited read.
    pub async fn list_all_eval_runs(&self, ctx: &OpContext) -> Result<Vec<EvalRunView>, AppError> {
        let mut tx = self.store.begin().await?;
        let rows = tx.list_eval_runs(eval_run_scope(&ctx.actor)).await?;
        let now = self.clock.now();
        record(
            &mut tx,
            ctx.into(),
            now,
            "eval_run.list",
            ("eval_run", "*"),
            json!({"count": rows.len()}),
        )
        .await?;
        let views = self.run_views(&mut tx, rows, now).await?;
        tx.commit().await?;
        Ok(views)
    }

    async fn run_views(
        &self,
        tx: &mut Tx,
        rows: Vec<EvalRunRow>,
        now: DateTime<Utc>,
    ) -> Result<Vec<EvalRunView>, AppError> {
        let mut views = ViewContext::new(tx, now).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            out.push(views.view(tx, r).await?);
        }
        Ok(out)
    }

    /// One run: status, live progress and results. An audited read.
    pub async fn get_eval_run(
        &self,
        ctx: &OpContext,
        id: EvalRunId,
    ) -> Result<EvalRunView, AppError> {
        let mut tx = self.store.begin().await?;
        let (r, _) = self
            .load_eval_run(&mut tx, ctx, id, Action::ReadEvalRun)
            .await?;
        let now = self.clock.now();
        record(
            &mut tx,
            ctx.into(),
            now,
            "eval_run.read",
            ("eval_run", &id.to_string()),
            json!({"status": r.status}),
        )
        .await?;
        let mut views = ViewContext::new(&mut tx, now).await?;
        let view = views.view(&mut tx, r).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// A reviewer of the agency that started a run cancels it; its worker
    /// stops at its next heartbeat.
    pub async fn cancel_eval_run(
        &self,
        ctx: &OpContext,
        id: EvalRunId,
    ) -> Result<EvalRunView, AppError> {
        let mut tx = self.store.begin().await?;
        let (r, _) = self
            .load_eval_run(&mut tx, ctx, id, Action::CancelEvalRun)
            .await?;
        let now = self.clock.now();
        let reason = format!("cancelled by {}", ctx.actor.username);
        if !tx.cancel_eval_run(id, now, &reason).await? {
            return Err(AppError::Conflict(format!(
                "the run already ended ({}); there is nothing to cancel",
                r.status
            )));
        }
        record(
            &mut tx,
            ctx.into(),
            now,
            "eval_run.cancel",
            ("eval_run", &id.to_string()),
            json!({"from": r.status}),
        )
        .await?;
        let row = tx
            .get_eval_run(id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("run {id} vanished")))?;
        let mut views = ViewContext::new(&mut tx, now).await?;
        let view = views.view(&mut tx, row).await?;
        tx.commit().await?;
        Ok(view)
    }

    /// Capability profiles of 2 to 8 succeeded runs the caller may read,
    /// metric by metric, side by side. An audited read.
    pub async fn compare_eval_runs(
        &self,
        ctx: &OpContext,
        ids: &[EvalRunId],
    ) -> Result<EvalComparisonView, AppError> {
        if !COMPARE_RUNS.contains(&ids.len()) {
            return Err(AppError::invalid(
                "runs",
                format!(
                    "name between {} and {} evaluation runs to compare, not {}",
                    COMPARE_RUNS.start(),
                    COMPARE_RUNS.end(),
                    ids.len()
                ),
            ));
        }
        let mut tx = self.store.begin().await?;
        let now = self.clock.now();
        let mut views = ViewContext::new(&mut tx, now).await?;
        let mut columns = Vec::new();
        let mut by_name: BTreeMap<String, Vec<Option<EvalMetricView>>> = BTreeMap::new();
        for (i, id) in ids.iter().enumerate() {
            if ids[..i].contains(id) {
                return Err(AppError::invalid(
                    format!("runs[{i}]"),
                    format!("run {id} is named twice"),
                ));
            }
            let (r, _) = self
                .load_eval_run(&mut tx, ctx, *id, Action::ReadEvalRun)
                .await?;
            let v = views.view(&mut tx, r).await?;
            if v.metrics.is_empty() {
                return Err(AppError::invalid(
                    format!("runs[{i}]"),
                    format!("run {id} has no results yet (it is {})", v.status),
                ));
            }
            for m in &v.metrics {
                by_name
                    .entry(m.name.clone())
                    .or_insert_with(|| vec![None; ids.len()])[i] = Some(m.clone());
            }
            columns.push(EvalComparisonColumn {
                run_id: v.id,
                model_name: v.model_name,
                model_version: v.model_version,
                suite: v.suite,
                finished_at: v.finished_at,
            });
        }
        record(
            &mut tx,
            ctx.into(),
            now,
            "eval_run.compare",
            ("eval_run", "*"),
            json!({"runs": ids}),
        )
        .await?;
        tx.commit().await?;
        let rows = by_name
            .into_iter()
            .map(|(name, cells)| {
                let (group, metric) = split_metric_name(&name);
                EvalComparisonRow {
                    name,
                    group,
                    metric,
                    cells,
                }
            })
            .collect();
        Ok(EvalComparisonView { columns, rows })
    }

    /// What the designation engine proposed from every evaluation run's
    /// profile (designators). An audited read of designation secrets.
    pub async fn list_eval_proposals(
        &self,
        ctx: &OpContext,
    ) -> Result<Vec<EvalProposalView>, AppError> {
        check(
            ctx,
            Action::ProposeDesignation,
            &Resource::Global,
            "evaluation proposals",
        )?;
        let mut tx = self.store.begin().await?;
        let rows = tx.list_eval_runs_with_proposals().await?;
        let slugs = org_slugs(&mut tx).await?;
        let mut out = Vec::with_capacity(rows.len());
        for r in rows {
            let Some(profile_id) = r.profile_id else {
                continue;
            };
            let m = tx
                .get_model(r.model_id)
                .await?
                .ok_or_else(|| AppError::Internal(format!("run {} without model", r.id)))?;
            let proposal: Option<Proposal> = r
                .proposal
                .as_deref()
                .map(serde_json::from_str)
                .transpose()
                .map_err(|e| AppError::Internal(format!("stored proposal of run {}: {e}", r.id)))?;
            out.push(EvalProposalView {
                run_id: r.id,
                model_id: m.id,
                model_name: m.name,
                model_version: m.version,
                lab: slugs.get(&m.lab_org_id).cloned().unwrap_or_default(),
                profile_id,
                standard_version_id: r.proposal_standard_version_id,
                outcome: proposal.as_ref().map(|p| p.outcome.as_str().to_string()),
                summary: proposal.map(|p| p.summary),
                finished_at: r.finished_at,
            });
        }
        record(
            &mut tx,
            ctx.into(),
            self.clock.now(),
            "eval_proposal.list",
            ("eval_run", "*"),
            json!({"count": out.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_names_split_into_group_and_statistic() {
        assert_eq!(
            split_metric_name("cyber-core/cryptography.accuracy"),
            ("cryptography".into(), "accuracy".into())
        );
        assert_eq!(
            split_metric_name("cyber-core/task/xor-1.0.accuracy"),
            ("task/xor-1.0".into(), "accuracy".into())
        );
        assert_eq!(
            split_metric_name("overall"),
            ("overall".into(), String::new())
        );
    }

    #[test]
    fn suite_names_cannot_name_paths() {
        assert!(validate_suite_name("cyber-core").is_ok());
        assert!(validate_suite_name("my_suite.v2").is_ok());
        for bad in ["", "../etc", "a/b", ".hidden", "x y", &"a".repeat(101)] {
            let e = validate_suite_name(bad).unwrap_err();
            assert!(matches!(e, AppError::Invalid { ref field, .. } if field == "suite"));
        }
        assert!(check_range("epochs", Some(0u32), 1, 100).is_err());
        assert!(check_range("epochs", Some(100u32), 1, 100).is_ok());
        assert!(check_range::<u32>("epochs", None, 1, 100).is_ok());
    }
}
