//! Reading cases: the analysts' queue (by priority) and one case with its
//! reports. Cases hold embargoed material, so every read is audited.

use bulwark_domain::clearinghouse::case::CaseState;
use bulwark_domain::ids::CaseId;
use bulwark_domain::policy::{Action, Resource};
use bulwark_store::{VulnCaseRow, VulnReportRow};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::accounts::require;
use crate::audit::record;
use crate::models::check;
use crate::{App, AppError, OpContext};

/// Most cases in one page.
pub const MAX_PAGE: i64 = 500;

/// A case as shown to analysts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseView {
    /// Its id.
    pub id: String,
    /// The human id (`BWK-2026-000001`).
    pub name: String,
    /// Title of the canonical report.
    pub title: String,
    /// Lifecycle state.
    pub state: String,
    /// Reports in it.
    pub report_count: i64,
    /// Highest CVSS score.
    pub max_cvss: Option<f64>,
    /// Known exploited.
    pub exploited: bool,
    /// Priority 0–100.
    pub priority: f64,
    /// TLP level.
    pub tlp: String,
    /// Publication deadline.
    pub embargo_until: Option<DateTime<Utc>>,
    /// The case this one was merged into.
    pub merged_into: Option<String>,
    /// Opened.
    pub created_at: DateTime<Utc>,
}

/// A report inside a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseReportView {
    /// Its id.
    pub id: String,
    /// Source format.
    pub source_format: String,
    /// Id in the source.
    pub source_id: Option<String>,
    /// Title.
    pub title: String,
    /// Received.
    pub received_at: DateTime<Utc>,
    /// The normalised report.
    #[schema(value_type = Object)]
    pub report: serde_json::Value,
    /// Provenance: who sent it and where it was found.
    #[serde(default)]
    pub provenance: Option<super::workflow::ProvenanceView>,
}

/// A case with its reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CaseDetailView {
    /// The case.
    pub case: CaseView,
    /// Its reports, oldest first.
    pub reports: Vec<CaseReportView>,
    /// Its timeline, oldest first.
    #[serde(default)]
    pub events: Vec<super::workflow::CaseEventView>,
    /// The vendors notified of it and what each says.
    #[serde(default)]
    pub vendors: Vec<super::workflow::CaseVendorView>,
    /// Its evidence (metadata only).
    #[serde(default)]
    pub evidence: Vec<super::evidence::EvidenceView>,
}

/// The human id of a case: `BWK-<year opened>-<sequence>`.
pub fn case_name(seq: i64, opened: DateTime<Utc>) -> String {
    format!("BWK-{}-{seq:06}", opened.year())
}

pub(crate) fn case_view(row: VulnCaseRow) -> CaseView {
    CaseView {
        id: row.id.to_string(),
        name: case_name(row.seq, row.created_at),
        title: row.title,
        state: row.state,
        report_count: row.report_count,
        max_cvss: row.max_cvss,
        exploited: row.exploited,
        priority: row.priority,
        tlp: row.tlp,
        embargo_until: row.embargo_until,
        merged_into: row.merged_into.map(|c| c.to_string()),
        created_at: row.created_at,
    }
}

fn report_view(row: VulnReportRow) -> Result<CaseReportView, AppError> {
    Ok(CaseReportView {
        id: row.id.to_string(),
        source_format: row.source_format,
        source_id: row.source_id,
        title: row.title,
        received_at: row.received_at,
        report: serde_json::from_str(&row.report).map_err(|e| {
            AppError::Internal(format!("stored report {} is not JSON: {e}", row.id))
        })?,
        provenance: None,
    })
}

impl App {
    /// The queue: cases by priority, highest first; optionally one state.
    pub async fn list_cases(
        &self,
        ctx: &OpContext,
        state: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<CaseView>, AppError> {
        require(ctx, Action::ReadVulnCase)?;
        if let Some(state) = state {
            CaseState::parse(state).ok_or_else(|| {
                AppError::invalid("state", format!("unknown case state `{state}`"))
            })?;
        }
        if !(1..=MAX_PAGE).contains(&limit) || offset < 0 {
            return Err(AppError::invalid(
                "limit",
                format!("must be between 1 and {MAX_PAGE} (and offset not negative)"),
            ));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let rows = tx.list_vuln_cases(state, limit, offset).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.list",
            ("vuln_case", "*"),
            json!({"state": state, "limit": limit, "offset": offset, "count": rows.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(case_view).collect())
    }

    /// One case with its reports.
    pub async fn get_case(&self, ctx: &OpContext, id: CaseId) -> Result<CaseDetailView, AppError> {
        check(ctx, Action::ReadVulnCase, &Resource::Global, "case")?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let row = tx
            .get_vuln_case(id)
            .await?
            .ok_or_else(|| AppError::NotFound("case".into()))?;
        let reports = tx.list_case_reports(id).await?;
        let extra = super::workflow::case_extras(&mut tx, id).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_case.read",
            ("vuln_case", &id.to_string()),
            json!({"reports": reports.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(CaseDetailView {
            case: case_view(row),
            reports: reports
                .into_iter()
                .map(|r| {
                    let provenance = extra.provenance.get(&r.id).cloned();
                    report_view(r).map(|v| CaseReportView { provenance, ..v })
                })
                .collect::<Result<_, _>>()?,
            events: extra.events,
            vendors: extra.vendors,
            evidence: extra.evidence,
        })
    }
}
