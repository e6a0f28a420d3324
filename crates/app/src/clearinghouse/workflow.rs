//! The case workflow: moving a case through its states (the domain's
//! transition rule), the case timeline, embargo deadline and TLP.
//!
//! Every change is one transaction holding the change, a timeline entry
//! (`vuln_case_events`) and the audit event.

use bulwark_domain::clearinghouse::case::{CaseState, EMBARGO_BOUNDS};
use bulwark_domain::clearinghouse::near_duplicate::Signature;
use bulwark_domain::clearinghouse::priority::{priority, PriorityInputs};
use bulwark_domain::identity::Actor;
use bulwark_domain::ids::{CaseId, UserId, VulnReportId};
use bulwark_domain::policy::Action;
use bulwark_formats::model::{Report, Tlp};
use bulwark_store::{CaseEventRow, CaseFacts, NewVulnCase, Tx, VulnCaseRow, VulnReportRow};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::collections::HashMap;

use super::cases::{case_view, CaseView};
use super::prepare::Prepared;
use crate::accounts::{read_settings, require};
use crate::audit::record;
use crate::{App, AppError, OpContext};

/// A timeline entry's id: sorts by time, then by order of writing in this
/// process (entries of one operation share their time), then at random.
fn event_id(at: DateTime<Utc>) -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    static WRITTEN: AtomicU64 = AtomicU64::new(0);
    let n = WRITTEN.fetch_add(1, Ordering::Relaxed);
    format!(
        "{:015}-{n:012x}-{}",
        at.timestamp_millis().max(0),
        &uuid::Uuid::new_v4().simple().to_string()[..12]
    )
}

/// Appends an entry to a case's timeline (inside the caller's transaction;
/// the caller records the audit event).
pub(crate) async fn record_case_event(
    tx: &mut Tx,
    case: CaseId,
    at: DateTime<Utc>,
    actor: Option<UserId>,
    kind: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    tx.insert_case_event(&CaseEventRow {
        id: event_id(at),
        case_id: case,
        at,
        actor_user: actor,
        actor_username: None,
        kind: kind.to_owned(),
        detail: detail.to_string(),
    })
    .await?;
    Ok(())
}

/// Moves `case` to `to` if the lifecycle allows it (else 4xx naming
/// `state`), and records a `state` event with from, to and note. A case
/// changed by someone else since it was read answers 409.
pub(crate) async fn move_case(
    tx: &mut Tx,
    case: &VulnCaseRow,
    to: CaseState,
    actor: &Actor,
    at: DateTime<Utc>,
    note: Option<&str>,
) -> Result<(), AppError> {
    let from = CaseState::parse(&case.state).ok_or_else(|| {
        AppError::Internal(format!(
            "case {} has unknown state {:?}",
            case.id, case.state
        ))
    })?;
    from.check_transition(to)?;
    if !tx
        .set_case_state(case.id, from.as_str(), to.as_str(), at)
        .await?
    {
        return Err(AppError::Conflict(
            "the case changed meanwhile; reload it and try again".into(),
        ));
    }
    record_case_event(
        tx,
        case.id,
        at,
        Some(actor.user_id),
        "state",
        json!({"from": from.as_str(), "to": to.as_str(), "note": note}),
    )
    .await
}

/// Longest note on a state change (characters).
const NOTE_MAX: usize = 2000;

/// Loads a case or answers "case not found".
pub(crate) async fn load_case(tx: &mut Tx, id: CaseId) -> Result<VulnCaseRow, AppError> {
    tx.lock_vuln_case(id).await?;
    tx.get_vuln_case(id)
        .await?
        .ok_or_else(|| AppError::NotFound("case".into()))
}

fn check_note(note: Option<&str>) -> Result<Option<&str>, AppError> {
    match note.map(str::trim).filter(|n| !n.is_empty()) {
        Some(n)
            if n.chars().count() > NOTE_MAX || n.chars().any(|c| c.is_control() && c != '\n') =>
        {
            Err(AppError::invalid(
                "note",
                format!("must be at most {NOTE_MAX} printable characters"),
            ))
        }
        other => Ok(other),
    }
}

fn refuse_closed(case: &VulnCaseRow, what: &str) -> Result<(), AppError> {
    match CaseState::parse(&case.state) {
        Some(s) if s.is_terminal() => Err(AppError::Conflict(format!(
            "cannot {what} a {} case",
            case.state
        ))),
        _ => Ok(()),
    }
}

/// The facts of a case recomputed from its reports: count, highest score
/// and rating, exploitation, priority, and the canonical report's title and
/// signature (the first report when `canonical` is not among them).
pub(crate) fn case_facts(
    case: CaseId,
    reports: &[VulnReportRow],
    canonical: VulnReportId,
    exposure: f64,
) -> Result<(CaseFacts, Vec<Prepared>), AppError> {
    let prepared = reports
        .iter()
        .enumerate()
        .map(|(i, row)| {
            serde_json::from_str::<Report>(&row.report)
                .map(|report| Prepared::new(i, report))
                .map_err(|e| {
                    AppError::Internal(format!("stored report {} does not read: {e}", row.id))
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    let first = reports
        .first()
        .ok_or_else(|| AppError::Internal(format!("case {case} would have no reports")))?;
    let canonical_index = reports.iter().position(|r| r.id == canonical).unwrap_or(0);
    let canonical_row = reports.get(canonical_index).unwrap_or(first);
    let max_cvss = prepared
        .iter()
        .filter_map(|p| p.cvss)
        .fold(None, |best: Option<f64>, s| {
            Some(best.map_or(s, |b| b.max(s)))
        });
    let qualitative = prepared.iter().filter_map(|p| p.qualitative).max();
    let exploited = prepared.iter().any(|p| p.exploited);
    let facts = CaseFacts {
        id: case,
        canonical_report_id: canonical_row.id,
        title: canonical_row.title.clone(),
        report_count: reports.len() as i64,
        max_cvss,
        qualitative: qualitative.map(|q| format!("{q:?}").to_ascii_lowercase()),
        exploited,
        priority: priority(&PriorityInputs {
            cvss: max_cvss,
            qualitative,
            exploited,
            exposure,
        }),
        signature: prepared[canonical_index.min(prepared.len() - 1)]
            .signature
            .as_ref()
            .map(Signature::to_bytes),
    };
    Ok((facts, prepared))
}

/// Changes of a case's lifecycle an analyst may make directly (the other
/// states are reached by their own operations).
const DIRECT_STATES: [CaseState; 3] = [
    CaseState::Triaged,
    CaseState::Rejected,
    CaseState::FixAvailable,
];

impl App {
    /// Moves a case to `state` (`triaged` — with the embargo from the
    /// policy —, `rejected` or `fix_available`); vendor notification,
    /// publication and merging have their own operations.
    pub async fn transition_case(
        &self,
        ctx: &OpContext,
        id: CaseId,
        state: &str,
        note: Option<&str>,
    ) -> Result<CaseView, AppError> {
        require(ctx, Action::ManageVulnCase)?;
        let to = CaseState::parse(state)
            .ok_or_else(|| AppError::invalid("state", format!("unknown case state `{state}`")))?;
        if to == CaseState::Triaged {
            return self.triage_case(ctx, id, None, note).await;
        }
        if !DIRECT_STATES.contains(&to) {
            let how = match to {
                CaseState::VendorNotified => "notify a vendor",
                CaseState::Published => "publish the advisory",
                CaseState::Duplicate => "merge it into another case",
                _ => "use its own operation",
            };
            return Err(AppError::invalid(
                "state",
                format!("a case becomes {} only when you {how}", to.as_str()),
            ));
        }
        let note = check_note(note)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let case = load_case(&mut tx, id).await?;
        move_case(&mut tx, &case, to, &ctx.actor, now, note).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.transition",
            ("vuln_case", &id.to_string()),
            json!({"from": case.state, "to": to.as_str(), "note": note}),
        )
        .await?;
        let row = load_case(&mut tx, id).await?;
        tx.commit().await?;
        Ok(case_view(row))
    }

    /// Triages a new case: it becomes `triaged` and its publication
    /// deadline is set — `embargo_days` from now when given, else the
    /// policy's deadline from when the case was opened (the short one when
    /// the vulnerability is known to be exploited).
    pub async fn triage_case(
        &self,
        ctx: &OpContext,
        id: CaseId,
        embargo_days: Option<i64>,
        note: Option<&str>,
    ) -> Result<CaseView, AppError> {
        require(ctx, Action::ManageVulnCase)?;
        if let Some(days) = embargo_days {
            if !EMBARGO_BOUNDS.contains(&days) {
                return Err(AppError::invalid(
                    "embargo_days",
                    "must be between 0 and 365 days",
                ));
            }
        }
        let note = check_note(note)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let case = load_case(&mut tx, id).await?;
        let policy = read_settings(&mut tx).await?.embargo;
        let until = match embargo_days {
            Some(days) => now + Duration::days(days),
            None => policy.deadline(case.created_at, case.exploited),
        };
        move_case(&mut tx, &case, CaseState::Triaged, &ctx.actor, now, note).await?;
        tx.set_case_embargo(id, Some(until), now).await?;
        let source = if embargo_days.is_some() {
            "analyst"
        } else if case.exploited {
            "policy (exploited)"
        } else {
            "policy"
        };
        record_case_event(
            &mut tx,
            id,
            now,
            Some(ctx.actor.user_id),
            "embargo",
            json!({"from": case.embargo_until, "to": until, "source": source}),
        )
        .await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.triage",
            ("vuln_case", &id.to_string()),
            json!({"embargo_until": until, "source": source, "note": note}),
        )
        .await?;
        let row = load_case(&mut tx, id).await?;
        tx.commit().await?;
        Ok(case_view(row))
    }

    /// Sets a case's publication deadline (after now, at most 365 days
    /// ahead). Closed cases (published, rejected, duplicate) answer 409.
    pub async fn set_case_embargo(
        &self,
        ctx: &OpContext,
        id: CaseId,
        until: DateTime<Utc>,
        note: Option<&str>,
    ) -> Result<CaseView, AppError> {
        require(ctx, Action::ManageVulnCase)?;
        let note = check_note(note)?;
        let now = self.clock.now();
        if until <= now {
            return Err(AppError::invalid("embargo_until", "must be in the future"));
        }
        if until > now + Duration::days(*EMBARGO_BOUNDS.end()) {
            return Err(AppError::invalid(
                "embargo_until",
                "must be at most 365 days from now",
            ));
        }
        let mut tx = self.store.begin().await?;
        let case = load_case(&mut tx, id).await?;
        refuse_closed(&case, "change the embargo of")?;
        tx.set_case_embargo(id, Some(until), now).await?;
        record_case_event(
            &mut tx,
            id,
            now,
            Some(ctx.actor.user_id),
            "embargo",
            json!({"from": case.embargo_until, "to": until, "source": "analyst", "note": note}),
        )
        .await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.embargo",
            ("vuln_case", &id.to_string()),
            json!({"from": case.embargo_until, "to": until, "note": note}),
        )
        .await?;
        let row = load_case(&mut tx, id).await?;
        tx.commit().await?;
        Ok(case_view(row))
    }

    /// Sets a case's TLP level (`CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT`,
    /// `RED`).
    pub async fn set_case_tlp(
        &self,
        ctx: &OpContext,
        id: CaseId,
        tlp: &str,
    ) -> Result<CaseView, AppError> {
        require(ctx, Action::ManageVulnCase)?;
        let level = Tlp::parse(tlp.trim()).ok_or_else(|| {
            AppError::invalid(
                "tlp",
                format!("`{tlp}` is not a TLP level: CLEAR, GREEN, AMBER, AMBER+STRICT or RED"),
            )
        })?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let case = load_case(&mut tx, id).await?;
        if case.state == CaseState::Duplicate.as_str() {
            return Err(AppError::Conflict(
                "a duplicate case has no TLP of its own; set it on the case it was merged into"
                    .into(),
            ));
        }
        tx.set_case_tlp(id, level.as_str(), now).await?;
        record_case_event(
            &mut tx,
            id,
            now,
            Some(ctx.actor.user_id),
            "tlp",
            json!({"from": case.tlp, "to": level.as_str()}),
        )
        .await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.tlp",
            ("vuln_case", &id.to_string()),
            json!({"from": case.tlp, "to": level.as_str()}),
        )
        .await?;
        let row = load_case(&mut tx, id).await?;
        tx.commit().await?;
        Ok(case_view(row))
    }
}

impl App {
    /// Merges case `from` into case `into`: `from`'s reports, exact keys and
    /// evidence move to `into`, `from` becomes a `duplicate` pointing at
    /// `into`, and `into`'s facts (count, highest score, exploitation,
    /// priority) are recomputed. Later exact duplicates of `from` find its
    /// keys under `into`; near duplicates of its text are filed under `into`
    /// too (the near-duplicate lookup follows `merged_into`). One
    /// transaction, serialised with intake.
    pub async fn merge_cases(
        &self,
        ctx: &OpContext,
        from: CaseId,
        into: CaseId,
        note: Option<&str>,
    ) -> Result<CaseView, AppError> {
        require(ctx, Action::ManageVulnCase)?;
        let note = check_note(note)?;
        if from == into {
            return Err(AppError::invalid(
                "into",
                "a case cannot be merged into itself",
            ));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.lock_intake().await?;
        let source = load_case(&mut tx, from).await?;
        let target = match load_case(&mut tx, into).await {
            Err(AppError::NotFound(_)) => {
                return Err(AppError::invalid("into", "no such case"));
            }
            other => other?,
        };
        if matches!(
            CaseState::parse(&target.state),
            Some(CaseState::Duplicate | CaseState::Rejected)
        ) {
            return Err(AppError::invalid(
                "into",
                format!(
                    "the target case is {}; merge into a live case",
                    target.state
                ),
            ));
        }
        // Checks the lifecycle (a published or fixed case is not merged away).
        move_case(
            &mut tx,
            &source,
            CaseState::Duplicate,
            &ctx.actor,
            now,
            note,
        )
        .await?;
        let (reports, keys) = tx.move_all_case_reports(from, into).await?;
        tx.move_report_evidence(from, into, None).await?;
        tx.set_case_merged(from, into, now).await?;
        let rows = tx.list_case_reports(into).await?;
        let (mut facts, _) = case_facts(
            into,
            &rows,
            target.canonical_report_id,
            source.exposure.max(target.exposure),
        )?;
        // Exploitation known from elsewhere (KEV) is never forgotten.
        if (source.exploited || target.exploited) && !facts.exploited {
            facts.exploited = true;
            facts.priority = priority(&PriorityInputs {
                cvss: facts.max_cvss,
                qualitative: facts
                    .qualitative
                    .as_deref()
                    .and_then(bulwark_domain::clearinghouse::priority::Qualitative::parse),
                exploited: true,
                exposure: source.exposure.max(target.exposure),
            });
        }
        tx.set_case_facts(&facts, now).await?;
        let detail = json!({
            "from": from.to_string(),
            "into": into.to_string(),
            "reports": reports,
            "keys": keys,
            "note": note,
        });
        record_move(&mut tx, ctx, now, "merge", (into, from), detail).await?;
        let row = load_case(&mut tx, into).await?;
        tx.commit().await?;
        Ok(case_view(row))
    }

    /// Splits reports out of a case into a new case (state `new`, same TLP
    /// and embargo), moving the exact keys derived only from the moved
    /// reports, and recomputes both cases' facts. The reports must all be
    /// of this case, and at least one must stay. One transaction,
    /// serialised with intake; returns the new case.
    pub async fn split_case(
        &self,
        ctx: &OpContext,
        id: CaseId,
        reports: &[String],
        note: Option<&str>,
    ) -> Result<CaseView, AppError> {
        require(ctx, Action::ManageVulnCase)?;
        let note = check_note(note)?;
        if reports.is_empty() {
            return Err(AppError::invalid(
                "reports",
                "name at least one report to split off",
            ));
        }
        let mut wanted: Vec<VulnReportId> = Vec::with_capacity(reports.len());
        for (i, text) in reports.iter().enumerate() {
            let report = text.trim().parse().map_err(|_| {
                AppError::invalid(
                    format!("reports[{i}]"),
                    format!("`{text}` is not a report id"),
                )
            })?;
            if !wanted.contains(&report) {
                wanted.push(report);
            }
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.lock_intake().await?;
        let case = load_case(&mut tx, id).await?;
        refuse_closed(&case, "split")?;
        let all = tx.list_case_reports(id).await?;
        for (i, report) in wanted.iter().enumerate() {
            if !all.iter().any(|r| r.id == *report) {
                return Err(AppError::invalid(
                    format!("reports[{i}]"),
                    format!("report {report} is not in this case"),
                ));
            }
        }
        if wanted.len() == all.len() {
            return Err(AppError::invalid(
                "reports",
                "names every report of the case; at least one must stay",
            ));
        }
        let (moving, staying): (Vec<VulnReportRow>, Vec<VulnReportRow>) =
            all.into_iter().partition(|r| wanted.contains(&r.id));
        let (stay_facts, stay_prepared) =
            case_facts(id, &staying, case.canonical_report_id, case.exposure)?;
        let new_id = CaseId::random();
        let (new_facts, move_prepared) = case_facts(new_id, &moving, moving[0].id, case.exposure)?;
        let staying_keys: std::collections::HashSet<&String> =
            stay_prepared.iter().flat_map(|p| p.keys.iter()).collect();
        let mut moving_keys: Vec<String> = move_prepared
            .iter()
            .flat_map(|p| p.keys.iter())
            .filter(|k| !staying_keys.contains(k))
            .cloned()
            .collect();
        moving_keys.sort();
        moving_keys.dedup();
        let seq = tx.next_case_seq().await?;
        tx.insert_vuln_cases(&[NewVulnCase {
            id: new_facts.id,
            seq,
            canonical_report_id: new_facts.canonical_report_id,
            title: new_facts.title.clone(),
            state: CaseState::New.as_str().to_owned(),
            report_count: new_facts.report_count,
            max_cvss: new_facts.max_cvss,
            qualitative: new_facts.qualitative.clone(),
            exploited: new_facts.exploited,
            exposure: case.exposure,
            priority: new_facts.priority,
            tlp: case.tlp.clone(),
            signature: new_facts.signature.clone(),
            embargo_until: case.embargo_until,
            created_at: now,
        }])
        .await?;
        let moved = tx.move_case_reports(id, new_id, &wanted).await?;
        if moved != wanted.len() as u64 {
            return Err(AppError::Conflict(
                "the case changed meanwhile; reload it and try again".into(),
            ));
        }
        let keys = tx.move_case_keys(id, new_id, &moving_keys).await?;
        tx.move_report_evidence(id, new_id, Some(&wanted)).await?;
        tx.set_case_facts(&stay_facts, now).await?;
        let detail = json!({
            "from": id.to_string(),
            "into": new_id.to_string(),
            "reports": wanted.iter().map(|r| r.to_string()).collect::<Vec<_>>(),
            "keys": keys,
            "note": note,
        });
        record_move(&mut tx, ctx, now, "split", (id, new_id), detail).await?;
        let row = load_case(&mut tx, new_id).await?;
        tx.commit().await?;
        Ok(case_view(row))
    }
}

/// Records a merge or split of reports between two cases: on the timeline
/// of both (`merge`/`merged_into`, `split`/`split_from`) and once on the
/// audit log under the first case.
async fn record_move(
    tx: &mut Tx,
    ctx: &OpContext,
    now: DateTime<Utc>,
    kind: &str,
    (case, other): (CaseId, CaseId),
    detail: serde_json::Value,
) -> Result<(), AppError> {
    let other_kind = match kind {
        "merge" => "merged_into",
        _ => "split_from",
    };
    let actor = Some(ctx.actor.user_id);
    record_case_event(tx, case, now, actor, kind, detail.clone()).await?;
    record_case_event(tx, other, now, actor, other_kind, detail.clone()).await?;
    record(
        tx,
        ctx.into(),
        now,
        &format!("vuln_case.{kind}"),
        ("vuln_case", &case.to_string()),
        detail,
    )
    .await
}

/// Where a report came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProvenanceView {
    /// Submitting organisation (slug).
    pub submitter_org: String,
    /// Submitting organisation's name.
    pub submitter_org_name: String,
    /// Submitting user (login name).
    pub submitter_user: String,
    /// The model under review that found it.
    pub found_by_model: Option<String>,
    /// That model's name.
    pub found_by_model_name: Option<String>,
    /// The review submission it came from.
    pub found_in_submission: Option<String>,
    /// Its highest CVSS score.
    pub cvss: Option<f64>,
}

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseEventView {
    /// When.
    pub at: DateTime<Utc>,
    /// Who (login name; None: the system).
    pub actor: Option<String>,
    /// What (`state`, `embargo`, `tlp`, `merge`, `split`, `evidence`, …).
    pub kind: String,
    /// The details.
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// A vendor notified of a case, with what it says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseVendorView {
    /// The vendor organisation's id.
    pub org_id: String,
    /// Its slug.
    pub slug: String,
    /// Its name.
    pub name: String,
    /// `unknown`, `affected`, `not_affected`, `fixed`.
    pub status: String,
    /// VEX justification (not affected).
    pub justification: Option<String>,
    /// The vendor's statement.
    pub statement: Option<String>,
    /// Fixed versions.
    pub fixed_versions: Vec<String>,
    /// Patch references.
    pub patch_refs: Vec<String>,
    /// Notified at.
    pub notified_at: DateTime<Utc>,
    /// Last status change.
    pub updated_at: DateTime<Utc>,
}

/// Everything of a case's detail besides the case and its reports.
pub(crate) struct CaseExtras {
    pub provenance: HashMap<VulnReportId, ProvenanceView>,
    pub events: Vec<CaseEventView>,
    pub vendors: Vec<CaseVendorView>,
    pub evidence: Vec<super::evidence::EvidenceView>,
}

/// Reads a case's provenance, timeline, vendors and evidence metadata.
pub(crate) async fn case_extras(tx: &mut Tx, id: CaseId) -> Result<CaseExtras, AppError> {
    let provenance = tx
        .case_report_provenance(id)
        .await?
        .into_iter()
        .map(|p| {
            (
                p.id,
                ProvenanceView {
                    submitter_org: p.submitter_org_slug,
                    submitter_org_name: p.submitter_org_name,
                    submitter_user: p.submitter_username,
                    found_by_model: p.found_by_model.map(|m| m.to_string()),
                    found_by_model_name: p.found_by_model_name,
                    found_in_submission: p.found_in_submission.map(|s| s.to_string()),
                    cvss: p.cvss,
                },
            )
        })
        .collect();
    let events = tx
        .list_case_events(id)
        .await?
        .into_iter()
        .map(|e| CaseEventView {
            at: e.at,
            actor: e.actor_username,
            kind: e.kind,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::String(e.detail)),
        })
        .collect();
    let mut vendors: Vec<CaseVendorView> = tx
        .case_vendor_statuses(id)
        .await?
        .into_iter()
        .map(|v| CaseVendorView {
            org_id: v.vendor_org.to_string(),
            slug: v.vendor_slug,
            name: v.vendor_name,
            status: v.status,
            justification: v.justification,
            statement: v.statement,
            fixed_versions: v.fixed_versions,
            patch_refs: v.patch_refs,
            notified_at: v.notified_at,
            updated_at: v.updated_at,
        })
        .collect();
    vendors.sort_by(|a, b| a.name.cmp(&b.name));
    let evidence = tx
        .list_evidence(id)
        .await?
        .into_iter()
        .map(super::evidence::evidence_view)
        .collect();
    Ok(CaseExtras {
        provenance,
        events,
        vendors,
        evidence,
    })
}
