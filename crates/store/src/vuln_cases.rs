//! Reading clearinghouse cases and their reports.
use crate::codec::{int, opt_parsed, opt_text, opt_time, parsed, text, time};
use crate::{StoreError, Tx};
use bulwark_domain::ids::{CaseId, OrgId, VulnReportId};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

/// A case as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnCaseRow {
    /// Its id.
    pub id: CaseId,
    /// Its sequence number.
    pub seq: i64,
    /// The canonical report.
    pub canonical_report_id: VulnReportId,
    /// Title.
    pub title: String,
    /// Lifecycle state.
    pub state: String,
    /// Reports in it.
    pub report_count: i64,
    /// Highest CVSS score.
    pub max_cvss: Option<f64>,
    /// Highest qualitative rating without CVSS.
    pub qualitative: Option<String>,
    /// Known exploited.
    pub exploited: bool,
    /// Weighted affected operators.
    pub exposure: f64,
    /// Priority 0–100.
    pub priority: f64,
    /// TLP level.
    pub tlp: String,
    /// The case it was merged into.
    pub merged_into: Option<CaseId>,
    /// Publication deadline.
    pub embargo_until: Option<DateTime<Utc>>,
    /// Opened.
    pub created_at: DateTime<Utc>,
    /// Last change.
    pub updated_at: DateTime<Utc>,
}

/// A report as stored.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnReportRow {
    /// Its id.
    pub id: VulnReportId,
    /// Its case.
    pub case_id: CaseId,
    /// Hex SHA-256 of the normalised report.
    pub content_hash: String,
    /// The submitter's key.
    pub client_key: Option<String>,
    /// Submitting organisation.
    pub submitter_org: OrgId,
    /// Source format.
    pub source_format: String,
    /// Id in the source.
    pub source_id: Option<String>,
    /// Title.
    pub title: String,
    /// The normalised report (JSON).
    pub report: String,
    /// Received.
    pub received_at: DateTime<Utc>,
}

const CASE_COLUMNS: &str =
    "id, seq, canonical_report_id, title, state, report_count, max_cvss, qualitative, \
    exploited, exposure, priority, tlp, merged_into, embargo_until, created_at, updated_at";

const REPORT_COLUMNS: &str =
    "id, case_id, content_hash, client_key, submitter_org, source_format, source_id, \
    title, report, received_at";

impl Tx {
    /// Cases by priority (highest first), optionally in one state, paged.
    pub async fn list_vuln_cases(
        &mut self,
        state: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<VulnCaseRow>, StoreError> {
        let sql = format!(
            "SELECT {CASE_COLUMNS} FROM vuln_cases WHERE ($1 IS NULL OR state = $1) \
             ORDER BY priority DESC, seq ASC LIMIT $2 OFFSET $3"
        );
        let rows = sqlx::query(&sql)
            .bind(state)
            .bind(limit)
            .bind(offset)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(case_row).collect()
    }

    /// One case.
    pub async fn get_vuln_case(&mut self, id: CaseId) -> Result<Option<VulnCaseRow>, StoreError> {
        let sql = format!("SELECT {CASE_COLUMNS} FROM vuln_cases WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(case_row).transpose()
    }

    /// The reports of a case, oldest first.
    pub async fn list_case_reports(
        &mut self,
        id: CaseId,
    ) -> Result<Vec<VulnReportRow>, StoreError> {
        let sql = format!(
            "SELECT {REPORT_COLUMNS} FROM vuln_reports WHERE case_id = $1 ORDER BY received_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(id.to_string())
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(report_row).collect()
    }

    /// How many reports and cases are stored.
    pub async fn count_vuln_reports_and_cases(&mut self) -> Result<(i64, i64), StoreError> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM vuln_reports), (SELECT COUNT(*) FROM vuln_cases)",
        )
        .fetch_one(&mut *self.tx)
        .await?;
        Ok((row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?))
    }
}

fn case_row(row: &AnyRow) -> Result<VulnCaseRow, StoreError> {
    Ok(VulnCaseRow {
        id: parsed(row, "id")?,
        seq: int(row, "seq")?,
        canonical_report_id: parsed(row, "canonical_report_id")?,
        title: text(row, "title")?,
        state: text(row, "state")?,
        report_count: int(row, "report_count")?,
        max_cvss: row.try_get::<Option<f64>, _>("max_cvss")?,
        qualitative: opt_text(row, "qualitative")?,
        exploited: int(row, "exploited")? != 0,
        exposure: row.try_get::<f64, _>("exposure")?,
        priority: row.try_get::<f64, _>("priority")?,
        tlp: text(row, "tlp")?,
        merged_into: opt_parsed(row, "merged_into")?,
        embargo_until: opt_time(row, "embargo_until")?,
        created_at: time(row, "created_at")?,
        updated_at: time(row, "updated_at")?,
    })
}

fn report_row(row: &AnyRow) -> Result<VulnReportRow, StoreError> {
    Ok(VulnReportRow {
        id: parsed(row, "id")?,
        case_id: parsed(row, "case_id")?,
        content_hash: text(row, "content_hash")?,
        client_key: opt_text(row, "client_key")?,
        submitter_org: parsed(row, "submitter_org")?,
        source_format: text(row, "source_format")?,
        source_id: opt_text(row, "source_id")?,
        title: text(row, "title")?,
        report: text(row, "report")?,
        received_at: time(row, "received_at")?,
    })
}
