//! Group commit for intake. Batches are filed one at a time (the intake
//! lock), so uploads that arrive while one is being filed wait; instead of
//! one transaction each, a single filer task takes everything waiting and
//! files it in one transaction, each upload keeping its own outcome and its
//! own audit event. N waiting uploads then cost one commit instead of N, and
//! the random-key index pages they share are written to the log once.
//!
//! The filer runs as its own task, so a caller that goes away (a client
//! hanging up) never abandons the uploads of the others; nothing is
//! acknowledged before the group's commit, so a crash loses only
//! unacknowledged uploads, as before.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::time::Instant;

use bulwark_domain::ids::{ModelId, SubmissionId};
use bulwark_formats::model::SourceFormat;
use serde_json::json;
use tokio::sync::oneshot;

use super::exact_filter::ExactFilter;
use super::intake::{count, file_reports, Batch, IngestOutcomeView, IngestRecordView};
use super::near_index::NearIndex;
use super::prepare::Prepared;
use crate::audit::record;
use crate::{App, AppError, OpContext};

/// Records one group holds at most (it always takes at least one upload):
/// bounds the memory and the transaction of a group.
const GROUP_RECORDS: usize = 100_000;

/// A parsed upload waiting to be filed.
pub(crate) struct Upload {
    pub ctx: OpContext,
    pub format: SourceFormat,
    pub client_key: Option<String>,
    pub found_by_model: Option<ModelId>,
    pub found_in_submission: Option<SubmissionId>,
    pub prepared: Vec<Prepared>,
    /// Records rejected while parsing.
    pub rejected: Vec<IngestRecordView>,
}

impl Upload {
    fn records(&self) -> usize {
        self.prepared.len() + self.rejected.len()
    }
}

type Reply = oneshot::Sender<Result<IngestOutcomeView, AppError>>;

/// Uploads waiting for the filer, and whether it is running.
#[derive(Default)]
pub(crate) struct IntakeQueue {
    state: Mutex<QueueState>,
}

#[derive(Default)]
struct QueueState {
    waiting: VecDeque<(Upload, Reply)>,
    filer_running: bool,
}

impl IntakeQueue {
    fn state(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // The state stays consistent even if a holder panicked: every
        // change under the lock is a single push, drain or flag write.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues an upload; true when no filer runs and the caller must start one.
    fn push(&self, upload: Upload, reply: Reply) -> bool {
        let mut state = self.state();
        state.waiting.push_back((upload, reply));
        !std::mem::replace(&mut state.filer_running, true)
    }

    /// The next group, or None (and the filer stops) when nothing waits.
    fn next_group(&self) -> Option<Vec<(Upload, Reply)>> {
        let mut state = self.state();
        let mut group = Vec::new();
        let mut records = 0;
        while let Some((upload, _)) = state.waiting.front() {
            if !group.is_empty() && records + upload.records() > GROUP_RECORDS {
                break;
            }
            records += upload.records();
            group.extend(state.waiting.pop_front());
        }
        if group.is_empty() {
            state.filer_running = false;
            return None;
        }
        Some(group)
    }
}

/// Resets the queue if the filer task dies: the uploads waiting get an
/// error (their reply is dropped) and the next upload starts a new filer.
struct FilerGuard<'a>(&'a IntakeQueue);

impl Drop for FilerGuard<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let mut state = self.0.state();
            state.waiting.clear();
            state.filer_running = false;
        }
    }
}

impl App {
    /// Files a parsed upload, grouped with whatever else is waiting.
    pub(crate) async fn file_upload(&self, upload: Upload) -> Result<IngestOutcomeView, AppError> {
        let (reply, outcome) = oneshot::channel();
        if self.intake_queue.push(upload, reply) {
            tokio::spawn(self.clone().run_filer());
        }
        outcome
            .await
            .map_err(|_| AppError::Internal("the intake filer stopped".into()))?
    }

    async fn run_filer(self) {
        let _guard = FilerGuard(&self.intake_queue);
        while let Some(group) = self.intake_queue.next_group() {
            let (uploads, replies): (Vec<Upload>, Vec<Reply>) = group.into_iter().unzip();
            match self.file_group(uploads).await {
                Ok(outcomes) => {
                    for (reply, outcome) in replies.into_iter().zip(outcomes) {
                        // A caller that went away no longer needs its outcome.
                        let _ = reply.send(Ok(outcome));
                    }
                }
                Err(e) => {
                    for reply in replies {
                        let _ = reply.send(Err(e.clone()));
                    }
                }
            }
        }
    }

    /// Files `uploads` in one transaction, in order.
    async fn file_group(&self, uploads: Vec<Upload>) -> Result<Vec<IngestOutcomeView>, AppError> {
        let started = Instant::now();
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.lock_intake().await?;
        // Batches are serialised by the intake lock; the index follows them.
        let mut index = self.near_index.lock().await;
        index.catch_up(&mut tx).await?;
        let caught_up = index.last_seq();
        let mut filter = self.exact_filter.lock().await;
        let filtering = filter.catch_up(&mut tx).await?;
        let count = uploads.len();
        let mut outcomes = Vec::with_capacity(count);
        let mut written = started;
        let result = async {
            for upload in uploads {
                let filter = filtering.then_some(&mut *filter);
                outcomes.push(file_upload_in(&mut tx, &mut index, filter, upload, now).await?);
            }
            written = Instant::now();
            let end = tx.intake_rows_end().await?;
            tx.commit().await?;
            // Only committed rows count as read: a later catch-up must not
            // skip rows that reuse a rolled-back group's rowids.
            if let Some(end) = end {
                filter.holds_up_to(end);
            }
            Ok::<_, AppError>(())
        }
        .await;
        if let Err(e) = result {
            // The index learnt cases that were rolled back (and whose
            // sequence numbers will be reused): rebuild it from the database.
            if index.last_seq() != caught_up {
                *index = NearIndex::default();
            }
            return Err(e);
        }
        tracing::debug!(
            target: "bulwark::intake",
            uploads = count,
            records = outcomes.iter().map(|o| o.records.len()).sum::<usize>(),
            file_us = (written - started).as_micros() as u64,
            commit_us = written.elapsed().as_micros() as u64,
            "intake group committed"
        );
        Ok(outcomes)
    }
}

/// Files one upload of a group inside `tx`, with its audit event; the cases
/// it opens join the index at once, so later uploads of the group find them.
async fn file_upload_in(
    tx: &mut bulwark_store::Tx,
    index: &mut NearIndex,
    filter: Option<&mut ExactFilter>,
    upload: Upload,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<IngestOutcomeView, AppError> {
    let Upload {
        ctx,
        format,
        client_key,
        found_by_model,
        found_in_submission,
        prepared,
        mut rejected,
    } = upload;
    let batch = Batch {
        org: ctx.actor.org_id,
        user: ctx.actor.user_id,
        client_key: client_key.as_deref(),
        single: rejected.len() + prepared.len() == 1,
        found_by_model,
        found_in_submission,
        now,
    };
    let filed = file_reports(tx, index, filter.as_deref(), &batch, prepared, format).await?;
    index.add(&filed.opened);
    // Later uploads of the group must look these up.
    if let Some(filter) = filter {
        filter.add(&filed.written);
    }
    let mut records = filed.records;
    records.append(&mut rejected);
    records.sort_by_key(|r| r.index);
    let outcome = IngestOutcomeView {
        format: format.as_str().to_owned(),
        accepted: count(&records, "accepted"),
        duplicates: count(&records, "duplicate"),
        rejected: count(&records, "rejected"),
        new_cases: filed.new_cases,
        records,
    };
    record(
        tx,
        (&ctx).into(),
        now,
        "vuln_report.ingest",
        ("intake", &filed.batch_digest),
        json!({
            "format": outcome.format,
            "accepted": outcome.accepted,
            "duplicates": outcome.duplicates,
            "rejected": outcome.rejected,
            "new_cases": outcome.new_cases,
            "found_in_submission": found_in_submission,
        }),
    )
    .await?;
    tracing::debug!(
        target: "bulwark::intake",
        records = outcome.records.len(),
        hashes_us = filed.phases.hashes.as_micros() as u64,
        keys_us = filed.phases.keys.as_micros() as u64,
        signatures_us = filed.phases.signatures.as_micros() as u64,
        plan_us = filed.phases.plan.as_micros() as u64,
        cases_us = filed.phases.write_cases.as_micros() as u64,
        reports_us = filed.phases.write_reports.as_micros() as u64,
        keys_written_us = filed.phases.write_keys.as_micros() as u64,
        bumps_us = filed.phases.bumps.as_micros() as u64,
        bumped = filed.phases.bumped,
        "intake upload filed"
    );
    Ok(outcome)
}
