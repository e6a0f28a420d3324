//! The evaluation worker's side of runs: claim a job under a lease, renew the
//! lease with heartbeats carrying progress, execute the run with the harness
//! (`bulwark_eval::runner`), then store the summary and the capability
//! profile and run the designation engine against the effective standard —
//! or record why it failed, or stop when it was cancelled.
//!
//! Every state change is audited in its transaction (claim, give-up, cancel,
//! fail, complete, profile stored, engine proposal); lease renewals and
//! progress counters are operational bookkeeping and are not. The model's
//! credential is decrypted only here, by `App::worker_credential` (audited),
//! held in memory for the run, and never logged nor stored.
use crate::audit::{record, AuditWho};
use crate::eval_runs::closed_reason;
use crate::views::EvalProgressView;
use crate::{App, AppError};
use bulwark_domain::designation::{
    evaluate, CapabilityProfile, DocFormat, ProfileSubject, StandardDoc,
};
use bulwark_domain::ids::{EvalRunId, ProfileId, StandardVersionId, SubmissionId};
use bulwark_domain::review::effective_state;
use bulwark_eval::provider::{OpenAiConfig, OpenAiProvider, Provider};
use bulwark_eval::runner::{self, Progress, ProgressSnapshot, RunOptions, RunSummary};
use bulwark_eval::sandbox::SandboxConfig;
use bulwark_eval::solver::GenerateConfig;
use bulwark_eval::suite;
use bulwark_eval::task::Task;
use bulwark_store::{EvalLeaseRow, EvalRunOutcomeRow, EvalRunRow, EvalRunStatus, ProfileRow, Tx};
use chrono::Duration;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// How long a claim lasts without a heartbeat.
pub const LEASE_SECONDS: i64 = 60;
/// How often a worker renews its lease (and publishes progress).
pub const HEARTBEAT_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// A worker's claim on a run: the lease that fences its writes and what it
/// needs to execute the run. Never the credential.
#[derive(Debug, Clone)]
pub struct EvalClaim {
    /// Worker, attempt and run.
    pub lease: EvalLeaseRow,
    /// The submission (the credential is asked for it).
    pub submission_id: SubmissionId,
    /// Suite name.
    pub suite: String,
    /// Epochs override.
    pub epochs: Option<u32>,
    /// Samples per task.
    pub limit: Option<usize>,
    /// Samples in flight.
    pub max_connections: u32,
    /// The run directory (resumed when it already holds the run).
    pub run_dir: PathBuf,
    /// Whose model, for the profile.
    pub subject: ProfileSubject,
}

/// What a heartbeat found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaseState {
    /// The worker still holds the run: go on.
    Held,
    /// The lease lapsed and another worker took the run: stop, write nothing.
    Lost,
    /// The run was cancelled (by a reviewer, or because the review closed): stop.
    Cancelled,
}

/// A finished run's results.
#[derive(Debug, Clone)]
pub struct EvalResult {
    /// The run summary (counts, metrics with their methods, tokens, throughput).
    pub summary: Value,
    /// The capability profile.
    pub profile: CapabilityProfile,
}

impl EvalResult {
    /// From the harness's summary: the profile apart, the rest as JSON.
    pub fn from_summary(summary: &RunSummary) -> Result<Self, AppError> {
        let mut value = serde_json::to_value(summary)
            .map_err(|e| AppError::Internal(format!("run summary: {e}")))?;
        if let Some(map) = value.as_object_mut() {
            map.remove("profile");
        }
        Ok(Self {
            summary: value,
            profile: summary.profile.clone(),
        })
    }
}

/// How a worker executes runs.
#[derive(Debug, Clone)]
pub struct EvalWorkerConfig {
    /// The worker's name (on the record: `system:worker:NAME`).
    pub worker: String,
    /// Where run directories go: `<data-dir>/eval-runs`, shared by every
    /// worker and server of the installation.
    pub runs_root: PathBuf,
    /// Where suites other than the built-in ones are looked up by name:
    /// `<data-dir>/eval-suites/NAME`.
    pub suites_root: PathBuf,
    /// The base sandbox configuration.
    pub sandbox: SandboxConfig,
    /// Heartbeat period (at most a third of the lease).
    pub heartbeat_every: std::time::Duration,
}

/// Directory of run directories under the data directory. Every worker and
/// server of an installation must see the same one (a shared file system),
/// so readers find the transcripts and a crashed worker's run is resumed.
pub const EVAL_RUNS_DIR: &str = "eval-runs";
/// Directory of suites (besides the built-in ones) under the data directory.
pub const EVAL_SUITES_DIR: &str = "eval-suites";

impl EvalWorkerConfig {
    /// A worker named `worker` keeping run directories in
    /// `<data_dir>/eval-runs` and finding suites in `<data_dir>/eval-suites`,
    /// with the default (bubblewrap) sandbox and heartbeat.
    pub fn under(worker: impl Into<String>, data_dir: &Path) -> Self {
        Self {
            worker: worker.into(),
            runs_root: data_dir.join(EVAL_RUNS_DIR),
            suites_root: data_dir.join(EVAL_SUITES_DIR),
            sandbox: SandboxConfig::default(),
            heartbeat_every: HEARTBEAT_EVERY,
        }
    }
}

fn progress_view(s: &ProgressSnapshot) -> EvalProgressView {
    EvalProgressView {
        total: s.total,
        done: s.done,
        errors: s.errors,
        correct: s.correct,
        tokens: s.tokens,
        retries: s.retries,
        elapsed_seconds: s.elapsed.as_secs_f64(),
    }
}

/// The tasks of suite `name`: a built-in suite (`cyber-core`, embedded in
/// the binary), else the suite directory `<suites_root>/NAME` (task
/// directories in name order, or one task directory). Names never carry a
/// path (see `eval_runs::validate_suite_name`), so nothing outside the
/// suites directory can be named.
pub fn load_suite(suites_root: &Path, name: &str) -> Result<Vec<Task>, String> {
    crate::eval_runs::validate_suite_name(name).map_err(|e| e.to_string())?;
    if suite::is_builtin(name) {
        return suite::resolve(name)
            .map(|s| s.tasks)
            .map_err(|e| e.to_string());
    }
    let dir = suites_root.join(name);
    if !dir.is_dir() {
        return Err(format!(
            "no suite named {name:?}: it is not built in ({}) and the workers have no directory {}",
            suite::builtin_names().join(", "),
            dir.display()
        ));
    }
    suite::load_dir(&dir)
        .map(|s| s.tasks)
        .map_err(|e| e.to_string())
}

fn system(worker: &str) -> String {
    format!("system:worker:{worker}")
}

impl App {
    /// Gives up on lapsed runs out of attempts and cancels the runs of
    /// reviews that closed (withdrawn, concluded, released, expired), each
    /// on the record. Returns how many runs changed.
    pub async fn sweep_eval_runs(&self, tx: &mut Tx, worker: &str) -> Result<usize, AppError> {
        let now = self.clock.now();
        let who = system(worker);
        let given_up = tx
            .fail_exhausted_eval_runs(
                now,
                "its workers stopped heart-beating on every attempt; the run was given up",
            )
            .await?;
        for r in &given_up {
            record(
                tx,
                AuditWho {
                    actor: who.clone(),
                    request_id: "eval-sweep",
                },
                now,
                "eval_run.fail",
                ("eval_run", &r.id.to_string()),
                json!({"attempts": r.attempts, "reason": "lease lapsed on the last attempt"}),
            )
            .await?;
        }
        let closed = tx.active_eval_runs_of_closed_submissions(now).await?;
        for r in &closed {
            let state = match tx.get_submission(r.submission_id).await? {
                Some(s) => effective_state(s.state, &s.window, now),
                None => continue,
            };
            if tx.cancel_eval_run(r.id, now, &closed_reason(state)).await? {
                record(
                    tx,
                    AuditWho {
                        actor: who.clone(),
                        request_id: "eval-sweep",
                    },
                    now,
                    "eval_run.cancel",
                    ("eval_run", &r.id.to_string()),
                    json!({"from": r.status, "submission_state": state}),
                )
                .await?;
            }
        }
        Ok(given_up.len() + closed.len())
    }

    /// Claims the oldest claimable run for `worker` (after the sweep), and
    /// records its run directory under `runs_root`. `None`: nothing to do.
    pub async fn claim_eval_run(
        &self,
        worker: &str,
        runs_root: &Path,
    ) -> Result<Option<EvalClaim>, AppError> {
        let mut tx = self.store.begin().await?;
        self.sweep_eval_runs(&mut tx, worker).await?;
        let now = self.clock.now();
        let Some(r) = tx
            .claim_eval_run(worker, now, now + Duration::seconds(LEASE_SECONDS))
            .await?
        else {
            tx.commit().await?;
            return Ok(None);
        };
        let dir = runs_root.join(r.id.to_string());
        tx.set_eval_run_dir(r.id, &dir.to_string_lossy()).await?;
        let run_dir = tx
            .get_eval_run(r.id)
            .await?
            .and_then(|r| r.run_dir)
            .map_or(dir, PathBuf::from);
        let model = tx
            .get_model(r.model_id)
            .await?
            .ok_or_else(|| AppError::Internal(format!("run {} without model", r.id)))?;
        let lab = tx
            .get_org(model.lab_org_id)
            .await?
            .ok_or_else(|| AppError::Internal("model without lab".into()))?;
        record(
            &mut tx,
            AuditWho {
                actor: system(worker),
                request_id: "eval-claim",
            },
            now,
            "eval_run.claim",
            ("eval_run", &r.id.to_string()),
            json!({"worker": worker, "attempt": r.attempts, "max_attempts": r.max_attempts}),
        )
        .await?;
        tx.commit().await?;
        Ok(Some(EvalClaim {
            lease: EvalLeaseRow {
                id: r.id,
                worker: worker.to_string(),
                attempt: r.attempts,
            },
            submission_id: r.submission_id,
            suite: r.suite,
            epochs: r.epochs.and_then(|v| u32::try_from(v).ok()),
            limit: r.sample_limit.and_then(|v| usize::try_from(v).ok()),
            max_connections: u32::try_from(r.max_connections).unwrap_or(1).max(1),
            run_dir,
            subject: ProfileSubject {
                developer: lab.name,
                model: model.name,
                version: Some(model.version),
            },
        }))
    }

    /// Renews the lease with the latest progress. Stops the run (cancels it,
    /// on the record) once its review has closed.
    pub async fn heartbeat_eval_run(
        &self,
        lease: &EvalLeaseRow,
        progress: Option<&EvalProgressView>,
    ) -> Result<LeaseState, AppError> {
        let mut tx = self.store.begin().await?;
        let Some(r) = tx.get_eval_run(lease.id).await? else {
            return Ok(LeaseState::Lost);
        };
        if r.status == EvalRunStatus::Cancelled {
            return Ok(LeaseState::Cancelled);
        }
        let now = self.clock.now();
        if let Some(s) = tx.get_submission(r.submission_id).await? {
            let state = effective_state(s.state, &s.window, now);
            if !state.is_open()
                && self
                    .end_held(
                        &mut tx,
                        lease,
                        &r,
                        EvalRunStatus::Cancelled,
                        &closed_reason(state),
                    )
                    .await?
            {
                tx.commit().await?;
                return Ok(LeaseState::Cancelled);
            }
        }
        let text = progress
            .map(serde_json::to_string)
            .transpose()
            .map_err(|e| AppError::Internal(e.to_string()))?;
        let held = tx
            .heartbeat_eval_run(
                lease,
                now,
                now + Duration::seconds(LEASE_SECONDS),
                text.as_deref(),
            )
            .await?;
        tx.commit().await?;
        Ok(if held {
            LeaseState::Held
        } else {
            LeaseState::Lost
        })
    }

    /// Ends a held run as failed or cancelled with `reason`, on the record.
    /// False when the lease was lost (nothing written).
    async fn end_held(
        &self,
        tx: &mut Tx,
        lease: &EvalLeaseRow,
        r: &EvalRunRow,
        status: EvalRunStatus,
        reason: &str,
    ) -> Result<bool, AppError> {
        let outcome = EvalRunOutcomeRow {
            status,
            summary: None,
            profile_id: None,
            proposal: None,
            proposal_standard_version_id: None,
            error: Some(reason.to_string()),
        };
        let now = self.clock.now();
        if !tx.finish_eval_run(lease, now, &outcome).await? {
            return Ok(false);
        }
        let action = match status {
            EvalRunStatus::Cancelled => "eval_run.cancel",
            _ => "eval_run.fail",
        };
        record(
            tx,
            AuditWho {
                actor: system(&lease.worker),
                request_id: "eval-run",
            },
            now,
            action,
            ("eval_run", &r.id.to_string()),
            json!({"attempt": lease.attempt, "reason": reason}),
        )
        .await?;
        Ok(true)
    }

    /// Records that a held run failed (`reason` is shown to its readers).
    pub async fn fail_eval_run(&self, lease: &EvalLeaseRow, reason: &str) -> Result<(), AppError> {
        self.end_held_run(lease, EvalRunStatus::Failed, reason)
            .await
    }

    /// Stops a held run as cancelled (its review closed).
    pub async fn stop_eval_run(&self, lease: &EvalLeaseRow, reason: &str) -> Result<(), AppError> {
        self.end_held_run(lease, EvalRunStatus::Cancelled, reason)
            .await
    }

    async fn end_held_run(
        &self,
        lease: &EvalLeaseRow,
        status: EvalRunStatus,
        reason: &str,
    ) -> Result<(), AppError> {
        let mut tx = self.store.begin().await?;
        let r = tx
            .get_eval_run(lease.id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("evaluation run {}", lease.id)))?;
        if !self.end_held(&mut tx, lease, &r, status, reason).await? {
            return Err(lease_lost(lease.id));
        }
        tx.commit().await?;
        Ok(())
    }

    /// Stores a held run's results in one transaction: the summary on the
    /// run, the profile (tied to the model), and — when a standard is
    /// effective — the designation engine's proposal for the designator.
    pub async fn complete_eval_run(
        &self,
        lease: &EvalLeaseRow,
        result: EvalResult,
    ) -> Result<(), AppError> {
        result
            .profile
            .validate()
            .map_err(|e| AppError::invalid("profile", e.to_string()))?;
        let mut tx = self.store.begin().await?;
        let r = tx
            .get_eval_run(lease.id)
            .await?
            .ok_or_else(|| AppError::NotFound(format!("evaluation run {}", lease.id)))?;
        let now = self.clock.now();
        let who = || AuditWho {
            actor: system(&lease.worker),
            request_id: "eval-run",
        };
        let canonical = result.profile.canonical_bytes();
        let profile = ProfileRow {
            id: ProfileId::random(),
            model_id: Some(r.model_id),
            developer: result.profile.subject.developer.clone(),
            model_name: result.profile.subject.model.clone(),
            model_version: result.profile.subject.version.clone().unwrap_or_default(),
            body: String::from_utf8_lossy(&canonical).into_owned(),
            submitted_by: r.started_by,
            created_at: now,
        };
        tx.insert_profile(&profile).await?;
        let proposal = match newest_effective_standard(&mut tx).await? {
            Some((vid, doc)) => Some((vid, evaluate(&doc, &result.profile))),
            None => None,
        };
        let outcome = EvalRunOutcomeRow {
            status: EvalRunStatus::Succeeded,
            summary: Some(result.summary.to_string()),
            profile_id: Some(profile.id),
            proposal: proposal
                .as_ref()
                .map(|(_, p)| serde_json::to_string(p))
                .transpose()
                .map_err(|e| AppError::Internal(e.to_string()))?,
            proposal_standard_version_id: proposal.as_ref().map(|(v, _)| *v),
            error: None,
        };
        if !tx.finish_eval_run(lease, now, &outcome).await? {
            return Err(lease_lost(lease.id));
        }
        let counts = result.summary.get("counts").cloned().unwrap_or(Value::Null);
        record(&mut tx, who(), now, "eval_run.complete", ("eval_run", &r.id.to_string()),
            json!({"attempt": lease.attempt, "profile": profile.id, "metrics": result.profile.metrics.len(), "counts": counts})).await?;
        record(
            &mut tx,
            who(),
            now,
            "profile.submit",
            ("profile", &profile.id.to_string()),
            json!({"model": r.model_id, "metrics": result.profile.metrics.len(), "eval_run": r.id}),
        )
        .await?;
        if let Some((vid, p)) = &proposal {
            record(
                &mut tx,
                who(),
                now,
                "designation.propose",
                ("profile", &profile.id.to_string()),
                json!({"standard_version": vid, "outcome": p.outcome.as_str(), "eval_run": r.id}),
            )
            .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    /// Claims one run and executes it to its end. `Ok(None)`: nothing to do.
    pub async fn execute_next_eval_run(
        &self,
        cfg: &EvalWorkerConfig,
    ) -> Result<Option<EvalRunId>, AppError> {
        let Some(claim) = self.claim_eval_run(&cfg.worker, &cfg.runs_root).await? else {
            return Ok(None);
        };
        let id = claim.lease.id;
        tracing::info!(run = %id, attempt = claim.lease.attempt, suite = %claim.suite, "evaluation run claimed");
        if let Err(e) = self.execute_claim(cfg, claim.clone()).await {
            tracing::error!(run = %id, error = %describe(&e), "evaluation run could not be recorded");
        }
        Ok(Some(id))
    }

    async fn execute_claim(
        &self,
        cfg: &EvalWorkerConfig,
        claim: EvalClaim,
    ) -> Result<(), AppError> {
        let lease = &claim.lease;
        let root = cfg.suites_root.clone();
        let suite = claim.suite.clone();
        let tasks = match tokio::task::spawn_blocking(move || load_suite(&root, &suite)).await {
            Ok(Ok(tasks)) => tasks,
            Ok(Err(problem)) => return self.fail_eval_run(lease, &problem).await,
            Err(e) => {
                return self
                    .fail_eval_run(lease, &format!("loading the suite failed: {e}"))
                    .await
            }
        };
        let credential = match self
            .worker_credential(&cfg.worker, claim.submission_id)
            .await
        {
            Ok(c) => c,
            Err(AppError::Conflict(m)) => return self.stop_eval_run(lease, &m).await,
            Err(e) => {
                tracing::error!(run = %lease.id, error = %describe(&e), "reading the model credential failed");
                return self
                    .fail_eval_run(lease, "the model's credential could not be read")
                    .await;
            }
        };
        let config = OpenAiConfig::new(credential.base_url, credential.model)
            .with_api_key(credential.api_key)
            .with_max_connections(claim.max_connections as usize);
        let provider: Arc<dyn Provider> = match OpenAiProvider::new(config) {
            Ok(p) => Arc::new(p),
            Err(e) => {
                return self
                    .fail_eval_run(lease, &format!("the model endpoint is unusable: {e}"))
                    .await
            }
        };
        let options = RunOptions {
            run_dir: claim.run_dir.clone(),
            run_id: lease.id.to_string(),
            suite: claim.suite.clone(),
            subject: claim.subject.clone(),
            epochs: claim.epochs,
            max_connections: claim.max_connections,
            generate: GenerateConfig::default(),
            sandbox: cfg.sandbox.clone(),
            limit: claim.limit,
        };
        let latest: Arc<Mutex<Option<EvalProgressView>>> = Arc::new(Mutex::new(None));
        let sink = latest.clone();
        let progress: Arc<dyn Progress> = Arc::new(move |s: &ProgressSnapshot| {
            if let Ok(mut slot) = sink.lock() {
                *slot = Some(progress_view(s));
            }
        });
        let handle = tokio::spawn(runner::run(tasks, provider, options, Some(progress)));
        self.supervise(cfg, lease, handle, &latest).await
    }

    /// Renews the lease while the run goes; stops it when the lease is lost
    /// or the run cancelled; records how it ended.
    async fn supervise(
        &self,
        cfg: &EvalWorkerConfig,
        lease: &EvalLeaseRow,
        mut handle: tokio::task::JoinHandle<Result<RunSummary, runner::RunError>>,
        latest: &Mutex<Option<EvalProgressView>>,
    ) -> Result<(), AppError> {
        let snapshot = || latest.lock().ok().and_then(|p| p.clone());
        let mut ticker = tokio::time::interval(cfg.heartbeat_every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let joined = loop {
            tokio::select! {
                joined = &mut handle => break joined,
                _ = ticker.tick() => match self.heartbeat_eval_run(lease, snapshot().as_ref()).await {
                    Ok(LeaseState::Held) => {}
                    Ok(state) => {
                        handle.abort();
                        tracing::info!(run = %lease.id, ?state, "evaluation run stopped");
                        return Ok(());
                    }
                    Err(e) => tracing::warn!(run = %lease.id, error = %describe(&e), "heartbeat failed; retrying"),
                },
            }
        };
        match joined {
            Ok(Ok(summary)) => {
                let done = EvalProgressView {
                    total: summary.counts.total,
                    done: summary.counts.completed,
                    errors: summary.counts.errors,
                    correct: summary.counts.correct,
                    tokens: summary.tokens.prompt + summary.tokens.completion,
                    retries: snapshot().map_or(0, |p| p.retries),
                    elapsed_seconds: summary.throughput.wall_seconds,
                };
                if self.heartbeat_eval_run(lease, Some(&done)).await? != LeaseState::Held {
                    return Ok(());
                }
                match EvalResult::from_summary(&summary) {
                    Ok(result) => self.complete_eval_run(lease, result).await,
                    Err(e) => {
                        self.fail_eval_run(
                            lease,
                            &format!("the run's results could not be stored: {}", describe(&e)),
                        )
                        .await
                    }
                }
            }
            Ok(Err(e)) => {
                self.fail_eval_run(lease, &format!("the run could not finish: {e}"))
                    .await
            }
            Err(e) => {
                tracing::error!(run = %lease.id, error = %e, "the evaluation runner crashed");
                self.fail_eval_run(
                    lease,
                    "the evaluation runner crashed; the worker's log has the details",
                )
                .await
            }
        }
    }
}

/// The newest effective standard version, parsed, if any.
async fn newest_effective_standard(
    tx: &mut Tx,
) -> Result<Option<(StandardVersionId, StandardDoc)>, AppError> {
    let Some(v) = tx
        .list_standard_versions()
        .await?
        .into_iter()
        .find(|v| v.status == "effective")
    else {
        return Ok(None);
    };
    let doc = StandardDoc::parse(&v.doc, DocFormat::Json)
        .map_err(|e| AppError::Internal(format!("stored standard: {e}")))?;
    Ok(Some((v.id, doc)))
}

fn lease_lost(id: EvalRunId) -> AppError {
    AppError::Conflict(format!(
        "evaluation run {id}: this worker no longer holds it (its lease lapsed and another worker took it, or it was cancelled)"
    ))
}

fn describe(e: &AppError) -> String {
    match e {
        AppError::Internal(m) => format!("internal error: {m}"),
        other => other.to_string(),
    }
}
