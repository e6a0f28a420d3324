//! Intake: an upload (one document, a JSON array or NDJSON) is parsed into
//! reports, each filed under a case — an existing one when it shares an
//! exact key (alias, tool fingerprint, CWE at a location or package) with
//! it or, lacking a public id, is a near duplicate of its text; else a new
//! case. An upload commits whole, with one audit event, durable before the
//! caller hears back (in one transaction with the other uploads waiting at
//! the same time: see `intake_queue`), and idempotent: a report already
//! received (same normalised content, or the same client key) is a
//! duplicate.

// foldhash: several times faster than SipHash on these keys, and seeded per
// process, so submitted keys cannot be chosen to collide.
use foldhash::{HashMap, HashSet};
use std::time::{Duration, Instant};

use bulwark_domain::clearinghouse::case::{CaseState, EmbargoPolicy};
use bulwark_domain::clearinghouse::near_duplicate::Signature;
use bulwark_domain::clearinghouse::priority::{priority, PriorityInputs};
use bulwark_domain::ids::{CaseId, ModelId, OrgId, SubmissionId, UserId, VulnReportId};
use bulwark_domain::policy::Action;
use bulwark_formats::intake;
use bulwark_formats::model::{SourceFormat, Tlp};
use bulwark_store::{CaseBump, NewVulnCase, NewVulnReport, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::exact_filter::{ExactFilter, Written};
use super::intake_queue::Upload;
use super::near_index::NearIndex;
use super::prepare::Prepared;
use crate::accounts::require;
use crate::{App, AppError, OpContext};

/// Largest upload accepted in one request (bytes).
pub const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;
/// Most records in one upload.
pub const MAX_RECORDS: usize = 100_000;
/// Longest client key (characters).
const CLIENT_KEY_MAX: usize = 200;

/// One upload.
#[derive(Debug, Clone, Default)]
pub struct IngestParams {
    /// The format, or None to detect it from the content.
    pub format: Option<SourceFormat>,
    /// The document(s).
    pub body: Vec<u8>,
    /// The submitter's idempotency key: a single report is filed under it,
    /// record N of a bulk upload under `KEY#N`.
    pub client_key: Option<String>,
    /// The model under review that found these, when they come from a review.
    pub found_by_model: Option<ModelId>,
    /// The review submission they come from.
    pub found_in_submission: Option<SubmissionId>,
}

/// What happened to one record of an upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IngestRecordView {
    /// Its position in the upload (from 0).
    pub index: usize,
    /// `accepted`, `duplicate` or `rejected`.
    pub status: String,
    /// The new report's id (accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report: Option<String>,
    /// The case it was filed under (accepted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub case: Option<String>,
    /// Whether that case was opened by this record.
    #[serde(skip_serializing_if = "std::ops::Not::not", default)]
    pub new_case: bool,
    /// Why it was rejected, or what it duplicates.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// The outcome of an upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct IngestOutcomeView {
    /// The format read.
    pub format: String,
    /// Reports filed.
    pub accepted: usize,
    /// Reports already received before.
    pub duplicates: usize,
    /// Records that could not be read.
    pub rejected: usize,
    /// Cases opened.
    pub new_cases: usize,
    /// Every record, in upload order.
    pub records: Vec<IngestRecordView>,
}

impl App {
    /// Reads an upload and files its reports (see the module docs).
    pub async fn ingest(
        &self,
        ctx: &OpContext,
        params: IngestParams,
    ) -> Result<IngestOutcomeView, AppError> {
        // That the clearinghouse takes reports is no secret: a refusal is a 403.
        require(ctx, Action::SubmitVulnReport)?;
        validate(&params)?;
        let format = match params.format {
            Some(format) => format,
            None => intake::detect(&params.body).ok_or_else(|| {
                AppError::invalid(
                    "format",
                    "cannot tell the format of this document; name it (native, sarif, osv, csaf, cve5, cyclonedx-vex, kev)",
                )
            })?,
        };
        let body = params.body;
        let (prepared, rejected) = tokio::task::spawn_blocking(move || parse_all(format, &body))
            .await
            .map_err(|e| AppError::Internal(format!("intake parser stopped: {e}")))??;
        self.file_upload(Upload {
            ctx: ctx.clone(),
            format,
            client_key: params.client_key,
            found_by_model: params.found_by_model,
            found_in_submission: params.found_in_submission,
            prepared,
            rejected,
        })
        .await
    }
}

/// A report filed inside someone else's transaction (a consented review
/// finding): its outcome and the cases it opened, for
/// [`NearIndex::add`] after commit.
pub(crate) struct FiledOne {
    pub record: IngestRecordView,
    pub opened: Vec<(i64, CaseId, Signature)>,
}

/// Files one native report in `tx`, exactly as [`App::ingest`] files each
/// record. The caller holds the intake lock (`Tx::lock_intake`) and the
/// near-duplicate index, caught up, and records the audit event.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn file_one(
    tx: &mut Tx,
    index: &NearIndex,
    submitter: (OrgId, UserId),
    client_key: &str,
    found_by_model: Option<ModelId>,
    found_in_submission: Option<SubmissionId>,
    report: bulwark_formats::model::Report,
    now: DateTime<Utc>,
) -> Result<FiledOne, AppError> {
    let batch = Batch {
        org: submitter.0,
        user: submitter.1,
        client_key: Some(client_key),
        single: true,
        found_by_model,
        found_in_submission,
        now,
    };
    let prepared = vec![Prepared::new(0, report)];
    let filed = file_reports(tx, index, None, &batch, prepared, SourceFormat::Native).await?;
    let record = filed
        .records
        .into_iter()
        .next()
        .ok_or_else(|| AppError::Internal("filing one report gave no outcome".into()))?;
    Ok(FiledOne {
        record,
        opened: filed.opened,
    })
}

fn validate(params: &IngestParams) -> Result<(), AppError> {
    if params.body.is_empty() {
        return Err(AppError::invalid("body", "is empty"));
    }
    if params.body.len() > MAX_UPLOAD_BYTES {
        return Err(AppError::invalid(
            "body",
            format!("is larger than {MAX_UPLOAD_BYTES} bytes; split the upload"),
        ));
    }
    if let Some(key) = &params.client_key {
        let ok = !key.is_empty()
            && key.chars().count() <= CLIENT_KEY_MAX
            && key.chars().all(|c| !c.is_control());
        if !ok {
            return Err(AppError::invalid(
                "client_key",
                format!("must be 1 to {CLIENT_KEY_MAX} printable characters"),
            ));
        }
    }
    Ok(())
}

/// Parses and prepares every record (CPU only; runs off the async threads).
fn parse_all(
    format: SourceFormat,
    body: &[u8],
) -> Result<(Vec<Prepared>, Vec<IngestRecordView>), AppError> {
    let outcomes = intake::parse(format, body).map_err(|e| {
        AppError::invalid(
            "body",
            format!("not a valid {} document: {e}", format.as_str()),
        )
    })?;
    if outcomes.len() > MAX_RECORDS {
        return Err(AppError::invalid(
            "body",
            format!(
                "holds {} records; at most {MAX_RECORDS} per upload",
                outcomes.len()
            ),
        ));
    }
    let mut prepared = Vec::with_capacity(outcomes.len());
    let mut rejected = Vec::new();
    for outcome in outcomes {
        match outcome.result {
            Ok(report) => prepared.push(Prepared::new(outcome.index, report)),
            Err(reason) => rejected.push(IngestRecordView {
                index: outcome.index,
                status: "rejected".into(),
                report: None,
                case: None,
                new_case: false,
                reason: Some(reason.to_string()),
            }),
        }
    }
    Ok((prepared, rejected))
}

/// Facts shared by every record of one upload.
pub(super) struct Batch<'a> {
    pub org: OrgId,
    pub user: UserId,
    pub client_key: Option<&'a str>,
    /// One record: filed under the client key itself, not `KEY#0`.
    pub single: bool,
    pub found_by_model: Option<ModelId>,
    pub found_in_submission: Option<SubmissionId>,
    pub now: DateTime<Utc>,
}

impl Batch<'_> {
    fn client_key_of(&self, index: usize) -> Option<String> {
        self.client_key.map(|key| {
            if self.single {
                key.to_owned()
            } else {
                format!("{key}#{index}")
            }
        })
    }
}

/// What filing produced.
pub(super) struct Filed {
    pub records: Vec<IngestRecordView>,
    pub new_cases: usize,
    /// Hex SHA-256 over the accepted reports' content hashes (the audit
    /// event's resource id: the batch is identified by what it filed).
    pub batch_digest: String,
    /// Cases opened, with their signatures, for the index.
    pub opened: Vec<(i64, CaseId, Signature)>,
    /// Fingerprints of what it wrote, for the filter (when one was given).
    pub written: Written,
    pub phases: Phases,
}

/// How long filing took, by phase (logged at debug level).
pub(super) struct Phases {
    /// Reading which content hashes and client keys the database holds.
    pub hashes: Duration,
    /// Reading the cases of exact keys.
    pub keys: Duration,
    /// Reading near-duplicate candidates' signatures.
    pub signatures: Duration,
    /// Deciding in memory where each report goes.
    pub plan: Duration,
    /// Inserting new cases.
    pub write_cases: Duration,
    /// Inserting reports.
    pub write_reports: Duration,
    /// Inserting exact keys.
    pub write_keys: Duration,
    /// Updating the existing cases reports joined.
    pub bumps: Duration,
    /// How many existing cases reports joined.
    pub bumped: usize,
}

/// Where each report of a batch goes, decided in memory from what the
/// database already holds and what earlier records of the batch opened.
#[derive(Default)]
struct Assignment {
    known_keys: HashMap<String, CaseId>,
    new_keys: Vec<(String, CaseId)>,
    /// Stored cases sharing a band with some report of the batch, by report
    /// index, and their signatures.
    stored_candidates: HashMap<usize, Vec<CaseId>>,
    signatures: HashMap<CaseId, Signature>,
    /// Band → case, for cases opened by this batch.
    batch_bands: HashMap<i64, CaseId>,
    opened_signatures: Vec<(i64, CaseId, Signature)>,
    seen_hashes: HashSet<String>,
    seen_client_keys: HashSet<String>,
    new_cases: Vec<NewVulnCase>,
    /// Position in `new_cases` of each case this batch opened.
    opened: HashMap<CaseId, usize>,
    bumps: HashMap<CaseId, CaseBump>,
    next_seq: i64,
    /// Merged (duplicate) candidate cases → the live case they point to.
    merged_into: HashMap<CaseId, CaseId>,
}

/// Files `prepared` in `tx`. With `filter` (SQLite's intake), only the
/// content hashes and keys it may hold are looked up in the database.
pub(super) async fn file_reports(
    tx: &mut Tx,
    index: &NearIndex,
    filter: Option<&ExactFilter>,
    batch: &Batch<'_>,
    prepared: Vec<Prepared>,
    format: SourceFormat,
) -> Result<Filed, AppError> {
    let start = Instant::now();
    let mut plan = Assignment {
        next_seq: tx.next_case_seq().await?,
        ..Assignment::default()
    };
    let hashes: Vec<String> = prepared
        .iter()
        .map(|p| &p.content_hash)
        .filter(|hash| filter.is_none_or(|f| f.may_hold_hash(hash)))
        .cloned()
        .collect();
    plan.seen_hashes = tx
        .existing_content_hashes(&hashes)
        .await?
        .into_iter()
        .collect();
    let client_keys: Vec<String> = prepared
        .iter()
        .filter_map(|p| batch.client_key_of(p.index))
        .collect();
    if !client_keys.is_empty() {
        plan.seen_client_keys = tx
            .existing_client_keys(batch.org, &client_keys)
            .await?
            .into_iter()
            .collect();
    }
    let keys: Vec<String> = prepared
        .iter()
        .flat_map(|p| &p.keys)
        .filter(|key| filter.is_none_or(|f| f.may_hold_key(key)))
        .cloned()
        .collect();
    let hashes_read = Instant::now();
    plan.known_keys = tx.cases_by_keys(&keys).await?.into_iter().collect();
    let keys_read = Instant::now();
    let mut wanted: Vec<CaseId> = Vec::new();
    for p in prepared.iter().filter(|p| !p.has_public_id) {
        if let (Some(signature), Some(bands)) = (&p.signature, &p.bands) {
            let found = index.candidates(bands, &signature.sketch());
            wanted.extend(found.iter().copied());
            plan.stored_candidates.insert(p.index, found);
        }
    }
    wanted.sort();
    wanted.dedup();
    for (case, bytes) in tx.vuln_case_signatures(&wanted).await? {
        if let Some(signature) = Signature::from_bytes(&bytes) {
            plan.signatures.insert(case, signature);
        }
    }
    // A case merged into another still catches near duplicates of its own
    // text; they are filed under the case it was merged into.
    for (merged, live, bytes) in tx.merged_case_signatures(&wanted).await? {
        if let Some(signature) = Signature::from_bytes(&bytes) {
            plan.signatures.insert(merged, signature);
            plan.merged_into.insert(merged, live);
        }
    }

    let looked_up = Instant::now();
    let mut records = Vec::with_capacity(prepared.len());
    let mut reports = Vec::with_capacity(prepared.len());
    let mut digest = Sha256::new();
    for p in prepared {
        let client_key = batch.client_key_of(p.index);
        if let Some(reason) = plan.duplicate_reason(&p, client_key.as_deref()) {
            records.push(IngestRecordView {
                index: p.index,
                status: "duplicate".into(),
                report: None,
                case: None,
                new_case: false,
                reason: Some(reason),
            });
            continue;
        }
        let report_id = VulnReportId::time_ordered();
        let (case_id, new_case) = plan.assign(&p, report_id, batch.now);
        digest.update(p.content_hash.as_bytes());
        records.push(IngestRecordView {
            index: p.index,
            status: "accepted".into(),
            report: Some(report_id.to_string()),
            case: Some(case_id.to_string()),
            new_case,
            reason: None,
        });
        reports.push(NewVulnReport {
            id: report_id,
            case_id,
            content_hash: p.content_hash,
            client_key,
            submitter_org: batch.org,
            submitter_user: batch.user,
            source_format: format.as_str().to_owned(),
            source_id: p.report.source_id.clone(),
            title: p.title,
            cvss: p.cvss,
            found_by_model: batch.found_by_model,
            found_in_submission: batch.found_in_submission,
            report: p.json,
            received_at: batch.now,
        });
    }
    let planned = Instant::now();
    let written = filter.map(|f| Written {
        hashes: reports
            .iter()
            .map(|r| f.fingerprint(&r.content_hash))
            .collect(),
        keys: plan
            .new_keys
            .iter()
            .map(|(k, _)| f.fingerprint(k))
            .collect(),
    });
    let new_cases = plan.new_cases.len();
    tx.insert_vuln_cases(&plan.new_cases).await?;
    let cases_written = Instant::now();
    tx.insert_vuln_reports(&reports).await?;
    let reports_written = Instant::now();
    tx.insert_vuln_keys(&plan.new_keys).await?;
    let keys_written = Instant::now();
    let mut bumps: Vec<CaseBump> = plan.bumps.values().cloned().collect();
    // In id order: the same lock order in every batch.
    bumps.sort_by_key(|b| b.id);
    tx.bump_vuln_cases(&bumps, batch.now).await?;
    let end = Instant::now();
    Ok(Filed {
        records,
        new_cases,
        batch_digest: hex::encode(digest.finalize()),
        opened: plan.opened_signatures,
        written: written.unwrap_or_default(),
        phases: Phases {
            hashes: hashes_read - start,
            keys: keys_read - hashes_read,
            signatures: looked_up - keys_read,
            plan: planned - looked_up,
            write_cases: cases_written - planned,
            write_reports: reports_written - cases_written,
            write_keys: keys_written - reports_written,
            bumps: end - keys_written,
            bumped: plan.bumps.len(),
        },
    })
}

impl Assignment {
    /// Why `p` is a duplicate of something already received, if it is.
    fn duplicate_reason(&mut self, p: &Prepared, client_key: Option<&str>) -> Option<String> {
        if !self.seen_hashes.insert(p.content_hash.clone()) {
            return Some(format!(
                "already received (content hash {})",
                &p.content_hash[..16]
            ));
        }
        if let Some(key) = client_key {
            if !self.seen_client_keys.insert(key.to_owned()) {
                return Some(format!("already received under client key `{key}`"));
            }
        }
        None
    }

    /// The case `p` joins (exact key, else near duplicate when it has no
    /// public id, else a new case), recording its keys and bands.
    fn assign(&mut self, p: &Prepared, report: VulnReportId, now: DateTime<Utc>) -> (CaseId, bool) {
        let existing = p
            .keys
            .iter()
            .find_map(|k| self.known_keys.get(k).copied())
            .or_else(|| self.near_case(p));
        let (case, new_case) = match existing {
            Some(case) => {
                self.add_to(case, p);
                (case, false)
            }
            None => (self.open_case(p, report, now), true),
        };
        for key in &p.keys {
            if !self.known_keys.contains_key(key) {
                self.known_keys.insert(key.clone(), case);
                self.new_keys.push((key.clone(), case));
            }
        }
        (case, new_case)
    }

    /// Counts `p` into an existing case: one opened by this batch directly,
    /// one already stored through a bump.
    fn add_to(&mut self, case: CaseId, p: &Prepared) {
        if let Some(opened) = self.opened.get(&case).map(|&i| &mut self.new_cases[i]) {
            opened.report_count += 1;
            opened.max_cvss = max_option(opened.max_cvss, p.cvss);
            opened.exploited |= p.exploited;
            return;
        }
        let bump = self.bumps.entry(case).or_insert(CaseBump {
            id: case,
            added: 0,
            max_cvss: None,
            exploited: false,
        });
        bump.added += 1;
        bump.max_cvss = max_option(bump.max_cvss, p.cvss);
        bump.exploited |= p.exploited;
    }

    /// A live case whose text is a near duplicate of `p`'s: a stored case
    /// sharing a band, or one this batch opened.
    fn near_case(&self, p: &Prepared) -> Option<CaseId> {
        if p.has_public_id {
            return None;
        }
        let (signature, bands) = (p.signature.as_ref()?, p.bands.as_ref()?);
        let stored = self
            .stored_candidates
            .get(&p.index)
            .into_iter()
            .flatten()
            .copied();
        let opened = bands
            .iter()
            .filter_map(|b| self.batch_bands.get(b).copied());
        stored
            .chain(opened)
            .find(|case| {
                self.signatures
                    .get(case)
                    .is_some_and(|s| signature.is_near(s))
            })
            .map(|case| self.merged_into.get(&case).copied().unwrap_or(case))
    }

    fn open_case(&mut self, p: &Prepared, report: VulnReportId, now: DateTime<Utc>) -> CaseId {
        let id = CaseId::time_ordered();
        let seq = self.next_seq;
        self.next_seq += 1;
        let inputs = PriorityInputs {
            cvss: p.cvss,
            qualitative: p.qualitative,
            exploited: p.exploited,
            exposure: 0.0,
        };
        if let (Some(signature), Some(bands)) = (&p.signature, p.bands) {
            for band in bands {
                self.batch_bands.entry(band).or_insert(id);
            }
            self.signatures.insert(id, signature.clone());
            self.opened_signatures.push((seq, id, signature.clone()));
        }
        self.opened.insert(id, self.new_cases.len());
        self.new_cases.push(NewVulnCase {
            id,
            seq,
            canonical_report_id: report,
            title: p.title.clone(),
            state: CaseState::New.as_str().to_owned(),
            report_count: 1,
            max_cvss: p.cvss,
            qualitative: p.qualitative.map(|q| format!("{q:?}").to_ascii_lowercase()),
            exploited: p.exploited,
            exposure: 0.0,
            priority: priority(&inputs),
            // Embargoed material is AMBER until an analyst decides otherwise.
            tlp: Tlp::Amber.as_str().to_owned(),
            signature: p.signature.as_ref().map(Signature::to_bytes),
            embargo_until: Some(EmbargoPolicy::default().deadline(now, p.exploited)),
            created_at: now,
        });
        id
    }
}

fn max_option(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.max(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

pub(super) fn count(records: &[IngestRecordView], status: &str) -> usize {
    records.iter().filter(|r| r.status == status).count()
}
