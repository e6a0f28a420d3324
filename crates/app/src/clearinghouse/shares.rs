//! Review findings into the clearinghouse, with the lab's consent
//! (DESIGN §4.3): a reviewer proposes one of its agency's findings
//! (`Action::ProposeVulnShare`), optionally adding the affected package and
//! versions, a CWE and a CVSS vector; the submitting lab's administrator
//! consents or declines (`Action::ConsentVulnShare`). On consent the finding
//! is filed through the normal intake path as a native report, with the
//! model and submission as provenance and the proposing agency as
//! submitter, in the same transaction as the decision. Declined proposals
//! never reach the clearinghouse; a withdrawn submission's proposals can
//! no longer be consented to.

use bulwark_domain::ids::{FindingId, OrgId};
use bulwark_domain::policy::{authorize, Action, Resource};
use bulwark_domain::review::SubmissionState;
use bulwark_formats::intake::native;
use bulwark_formats::model::{
    Affected, Product, RangeEvent, RangeKind, Report, Severity, VersionRange,
};
use bulwark_store::{FindingRow, ShareDecision, SubmissionRow, Tx, VulnShareRow};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::intake::file_one;
use crate::audit::record;
use crate::models::check;
use crate::{App, AppError, OpContext};

/// Longest free-text field of a proposal (characters).
const FIELD_MAX: usize = 500;

/// A reviewer's proposal to share a finding.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProposeShareParams {
    /// The finding.
    #[serde(default)]
    pub finding_id: String,
    /// The affected package (`pkg:npm/left-pad`).
    #[serde(default)]
    pub purl: Option<String>,
    /// First affected version (`0`: from the beginning).
    #[serde(default)]
    pub introduced: Option<String>,
    /// First fixed version.
    #[serde(default)]
    pub fixed: Option<String>,
    /// CWE number (`79`).
    #[serde(default)]
    pub cwe: Option<u32>,
    /// CVSS 3.x or 4.0 vector.
    #[serde(default)]
    pub cvss_vector: Option<String>,
}

/// The lab's answer to a proposal.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct DeclineShareParams {
    /// Why (optional, shown to the agency).
    #[serde(default)]
    pub reason: Option<String>,
}

/// A share proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ShareView {
    /// Its id.
    pub id: String,
    /// The finding.
    pub finding_id: String,
    /// The finding's title.
    pub finding_title: String,
    /// The submission.
    pub submission_id: String,
    /// The model under review.
    pub model_id: String,
    /// The submitting lab.
    pub lab_org_id: String,
    /// The proposing agency.
    pub agency_org_id: String,
    /// `pending`, `consented`, `declined`.
    pub status: String,
    /// The reviewer's added fields.
    #[schema(value_type = Object)]
    pub extra: serde_json::Value,
    /// The lab's reason when it declined.
    pub reason: Option<String>,
    /// The report filed on consent.
    pub report_id: Option<String>,
    /// Its case.
    pub case_id: Option<String>,
    /// Proposed at.
    pub created_at: DateTime<Utc>,
    /// Decided at.
    pub decided_at: Option<DateTime<Utc>>,
}

fn share_view(row: VulnShareRow, finding_title: String) -> ShareView {
    ShareView {
        id: row.id,
        finding_id: row.finding_id.to_string(),
        finding_title,
        submission_id: row.submission_id.to_string(),
        model_id: row.model_id.to_string(),
        lab_org_id: row.lab_org.to_string(),
        agency_org_id: row.agency_org.to_string(),
        status: row.status,
        extra: serde_json::from_str(&row.extra).unwrap_or(serde_json::Value::Null),
        reason: row.reason,
        report_id: row.report_id.map(|r| r.to_string()),
        case_id: row.case_id.map(|c| c.to_string()),
        created_at: row.created_at,
        decided_at: row.decided_at,
    }
}

fn short_text(field: &str, value: &Option<String>) -> Result<Option<String>, AppError> {
    match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) if v.chars().count() > FIELD_MAX || v.chars().any(char::is_control) => {
            Err(AppError::invalid(
                field,
                format!("must be at most {FIELD_MAX} printable characters"),
            ))
        }
        Some(v) => Ok(Some(v.to_owned())),
    }
}

/// The native report a finding becomes, checked by the native intake rules
/// (so a bad purl or vector is refused when proposed, naming the field).
fn report_of(finding: &FindingRow, extra: &ProposeShareParams) -> Result<Report, AppError> {
    let purl = short_text("purl", &extra.purl)?;
    let introduced = short_text("introduced", &extra.introduced)?;
    let fixed = short_text("fixed", &extra.fixed)?;
    let vector = short_text("cvss_vector", &extra.cvss_vector)?;
    if purl.is_none() && (introduced.is_some() || fixed.is_some()) {
        return Err(AppError::invalid("purl", "is needed with a version range"));
    }
    let mut severities = vec![Severity::Qualitative {
        rating: finding.severity.to_string(),
    }];
    if let Some(vector) = vector {
        severities.push(if vector.starts_with("CVSS:4") {
            Severity::CvssV4 { vector }
        } else if vector.starts_with("CVSS:3") {
            Severity::CvssV3 { vector }
        } else {
            return Err(AppError::invalid(
                "cvss_vector",
                "must be a CVSS 3.x (`CVSS:3.1/…`) or 4.0 (`CVSS:4.0/…`) vector",
            ));
        });
    }
    let affected = purl
        .map(|purl| {
            let name = purl
                .rsplit('/')
                .next()
                .unwrap_or(&purl)
                .split(['@', '?', '#'])
                .next()
                .unwrap_or_default()
                .to_owned();
            let mut events = Vec::new();
            if introduced.is_some() || fixed.is_some() {
                events.push(RangeEvent::Introduced(
                    introduced.clone().unwrap_or_else(|| "0".into()),
                ));
            }
            if let Some(fixed) = &fixed {
                events.push(RangeEvent::Fixed(fixed.clone()));
            }
            Affected {
                product: Product {
                    purl: Some(purl),
                    name,
                    ..Product::default()
                },
                all_versions: events.is_empty(),
                ranges: if events.is_empty() {
                    Vec::new()
                } else {
                    vec![VersionRange {
                        kind: RangeKind::Ecosystem,
                        events,
                    }]
                },
                versions: Vec::new(),
            }
        })
        .into_iter()
        .collect();
    let report = Report {
        source_id: Some(format!("finding/{}", finding.id)),
        title: Some(finding.title.clone()),
        description: finding.description.clone(),
        cwes: extra.cwe.into_iter().collect(),
        severities,
        affected,
        ..Report::default()
    };
    let text = serde_json::to_string(&report)
        .map_err(|e| AppError::Internal(format!("cannot write a report: {e}")))?;
    native::read_record(&text).map_err(|e| {
        let (field, message) = e.reason.split_once(": ").unwrap_or(("report", &e.reason));
        let field = if field.starts_with("affected") {
            "purl"
        } else if field.starts_with("severities") {
            "cvss_vector"
        } else if field.starts_with("cwes") {
            "cwe"
        } else {
            field
        };
        AppError::invalid(field, message.to_owned())
    })
}

async fn finding_and_submission(
    tx: &mut Tx,
    finding: FindingId,
) -> Result<(FindingRow, SubmissionRow), AppError> {
    let f = tx
        .get_finding(finding)
        .await?
        .ok_or_else(|| AppError::NotFound("finding".into()))?;
    let s = tx
        .get_submission(f.submission_id)
        .await?
        .ok_or_else(|| AppError::NotFound("finding".into()))?;
    Ok((f, s))
}

/// Which side of proposals the actor sees: its lab's, or its agency's.
fn listing_side(ctx: &OpContext) -> Result<bool, AppError> {
    let own = ctx.actor.org_id;
    let as_lab = authorize(
        &ctx.actor,
        Action::ConsentVulnShare,
        &Resource::Submission {
            lab: own,
            agencies: &[],
            state: SubmissionState::InReview,
        },
    )
    .is_ok();
    let as_agency = authorize(
        &ctx.actor,
        Action::ProposeVulnShare,
        &Resource::AgencyWork {
            lab: OrgId(uuid::Uuid::nil()),
            agency: own,
            agencies: &[own],
            state: SubmissionState::InReview,
        },
    )
    .is_ok();
    match (as_lab, as_agency) {
        (true, _) => Ok(true),
        (false, true) => Ok(false),
        _ => Err(AppError::Forbidden(format!(
            "your role ({}) may not see share proposals",
            ctx.actor.role
        ))),
    }
}

impl App {
    /// A reviewer proposes its agency's finding for the clearinghouse.
    pub async fn propose_vuln_share(
        &self,
        ctx: &OpContext,
        params: ProposeShareParams,
    ) -> Result<ShareView, AppError> {
        let finding_id: FindingId = params.finding_id.trim().parse().map_err(|_| {
            AppError::invalid(
                "finding_id",
                format!("`{}` is not a finding id", params.finding_id),
            )
        })?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let (finding, sub) = finding_and_submission(&mut tx, finding_id).await?;
        check(
            ctx,
            Action::ProposeVulnShare,
            &Resource::AgencyWork {
                lab: sub.lab_org_id,
                agency: finding.agency_org_id,
                agencies: &sub.agencies,
                state: sub.state,
            },
            "finding",
        )?;
        report_of(&finding, &params)?;
        let extra = json!({
            "purl": short_text("purl", &params.purl)?,
            "introduced": short_text("introduced", &params.introduced)?,
            "fixed": short_text("fixed", &params.fixed)?,
            "cwe": params.cwe,
            "cvss_vector": short_text("cvss_vector", &params.cvss_vector)?,
        });
        let row = VulnShareRow {
            id: uuid::Uuid::new_v4().to_string(),
            finding_id,
            submission_id: sub.id,
            lab_org: sub.lab_org_id,
            model_id: sub.model_id,
            agency_org: finding.agency_org_id,
            proposed_by: ctx.actor.user_id,
            extra: extra.to_string(),
            status: "pending".into(),
            decided_by: None,
            decided_at: None,
            reason: None,
            report_id: None,
            case_id: None,
            created_at: now,
        };
        tx.insert_vuln_share(&row).await.map_err(|e| match e {
            bulwark_store::StoreError::Duplicate(_) => {
                AppError::Conflict("this finding already has a proposal waiting for the lab".into())
            }
            other => other.into(),
        })?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_share.propose",
            ("vuln_share", &row.id),
            json!({"finding": finding_id.to_string(), "submission": sub.id.to_string(), "extra": extra}),
        )
        .await?;
        tx.commit().await?;
        Ok(share_view(row, finding.title))
    }

    /// Proposals concerning the actor's organisation: a lab's administrators
    /// see those on its submissions, reviewers those of their agency.
    pub async fn list_vuln_shares(
        &self,
        ctx: &OpContext,
        status: Option<&str>,
    ) -> Result<Vec<ShareView>, AppError> {
        if let Some(s) = status {
            if !["pending", "consented", "declined"].contains(&s) {
                return Err(AppError::invalid(
                    "status",
                    "must be pending, consented or declined",
                ));
            }
        }
        let as_lab = listing_side(ctx)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let rows = tx
            .list_vuln_shares(ctx.actor.org_id, as_lab, status)
            .await?;
        let mut views = Vec::with_capacity(rows.len());
        for row in rows {
            let title = tx
                .get_finding(row.finding_id)
                .await?
                .map(|f| f.title)
                .unwrap_or_default();
            views.push(share_view(row, title));
        }
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_share.list",
            ("vuln_share", "*"),
            json!({"status": status, "count": views.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(views)
    }

    /// The lab consents: the finding is filed as a native report (same
    /// transaction), with its model and submission as provenance.
    pub async fn consent_vuln_share(
        &self,
        ctx: &OpContext,
        id: &str,
    ) -> Result<ShareView, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.lock_intake().await?;
        let (share, finding, sub) = self.decidable(&mut tx, ctx, id).await?;
        let params: ProposeShareParams = ProposeShareParams {
            finding_id: finding.id.to_string(),
            ..serde_json::from_str(&share.extra).unwrap_or_default()
        };
        let report = report_of(&finding, &params)?;
        let mut index = self.near_index.lock().await;
        index.catch_up(&mut tx).await?;
        let filed = file_one(
            &mut tx,
            &index,
            (share.agency_org, share.proposed_by),
            &format!("share:{}", share.id),
            Some(sub.model_id),
            Some(sub.id),
            report,
            now,
        )
        .await?;
        let report_id = filed.record.report.as_deref().and_then(|r| r.parse().ok());
        let case_id = filed.record.case.as_deref().and_then(|c| c.parse().ok());
        if report_id.is_none() {
            return Err(AppError::Conflict(format!(
                "the clearinghouse already holds this finding ({})",
                filed.record.reason.unwrap_or_default()
            )));
        }
        tx.decide_vuln_share(&ShareDecision {
            id: &share.id,
            status: "consented",
            decided_by: ctx.actor.user_id,
            at: now,
            reason: None,
            report_id,
            case_id,
        })
        .await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_share.consent",
            ("vuln_share", &share.id),
            json!({
                "finding": finding.id.to_string(),
                "submission": sub.id.to_string(),
                "report": filed.record.report,
                "case": filed.record.case,
                "new_case": filed.record.new_case,
            }),
        )
        .await?;
        let updated = tx
            .get_vuln_share(&share.id)
            .await?
            .ok_or_else(|| AppError::Internal("share proposal vanished".into()))?;
        tx.commit().await?;
        index.add(&filed.opened);
        Ok(share_view(updated, finding.title))
    }

    /// The lab declines: nothing reaches the clearinghouse.
    pub async fn decline_vuln_share(
        &self,
        ctx: &OpContext,
        id: &str,
        params: DeclineShareParams,
    ) -> Result<ShareView, AppError> {
        let reason = short_text("reason", &params.reason)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let (share, finding, sub) = self.decidable(&mut tx, ctx, id).await?;
        tx.decide_vuln_share(&ShareDecision {
            id: &share.id,
            status: "declined",
            decided_by: ctx.actor.user_id,
            at: now,
            reason: reason.as_deref(),
            report_id: None,
            case_id: None,
        })
        .await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_share.decline",
            ("vuln_share", &share.id),
            json!({"finding": finding.id.to_string(), "submission": sub.id.to_string(), "reason": reason}),
        )
        .await?;
        let updated = tx
            .get_vuln_share(&share.id)
            .await?
            .ok_or_else(|| AppError::Internal("share proposal vanished".into()))?;
        tx.commit().await?;
        Ok(share_view(updated, finding.title))
    }

    /// A pending proposal the actor (the lab's administrator) may decide.
    async fn decidable(
        &self,
        tx: &mut Tx,
        ctx: &OpContext,
        id: &str,
    ) -> Result<(VulnShareRow, FindingRow, SubmissionRow), AppError> {
        let id = id.trim();
        if uuid::Uuid::parse_str(id).is_err() {
            return Err(AppError::invalid(
                "id",
                format!("`{id}` is not a proposal id"),
            ));
        }
        let share = tx
            .get_vuln_share(id)
            .await?
            .ok_or_else(|| AppError::NotFound("share proposal".into()))?;
        let (finding, sub) = finding_and_submission(tx, share.finding_id).await?;
        let resource = Resource::Submission {
            lab: sub.lab_org_id,
            agencies: &sub.agencies,
            state: sub.state,
        };
        if authorize(&ctx.actor, Action::ConsentVulnShare, &resource).is_err() {
            return Err(if ctx.actor.org_id == sub.lab_org_id {
                AppError::Forbidden(format!(
                    "your role ({}) may not decide share proposals; a lab administrator does",
                    ctx.actor.role
                ))
            } else {
                AppError::NotFound("share proposal".into())
            });
        }
        if share.status != "pending" {
            return Err(AppError::Conflict(format!(
                "this proposal was already {}",
                share.status
            )));
        }
        if sub.state == SubmissionState::Withdrawn {
            return Err(AppError::Conflict(
                "the submission was withdrawn; its proposals can no longer be consented to".into(),
            ));
        }
        Ok((share, finding, sub))
    }
}
