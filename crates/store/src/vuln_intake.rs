//! Clearinghouse intake: reports and the cases (clusters) they belong to,
//! written in bulk.
//!
//! Intake runs in large batches, so every statement here works on many rows
//! at once: lookups take a whole batch's keys as one JSON array parameter
//! (`Tx::fetch_json_list`) and inserts are multi-row `VALUES` lists,
//! generated with placeholders only (numbered on PostgreSQL,
//! anonymous `?` on SQLite: see [`placeholders`]; the SQL text is
//! fixed apart from how many placeholders it has), in chunks below either
//! backend's parameter limit. Batches are serialised: SQLite has one writer,
//! and on PostgreSQL [`Tx::lock_intake`] takes a transaction-scoped advisory
//! lock, so two batches never create two cases for one new key.
use crate::codec::ms;
use crate::sql::{
    json_rows, ladder, placeholders, real_or_nan, value_rows, value_rows_with_reals, MAX_PARAMS,
};
use crate::{Dialect, StoreError, Tx};
use bulwark_domain::ids::{CaseId, ModelId, OrgId, SubmissionId, UserId, VulnReportId};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;
use std::collections::{HashMap, HashSet};

/// Advisory-lock key of intake batches on PostgreSQL ("bulwark intake").
const INTAKE_LOCK: i64 = 0x6275_6c77_696e_7461;

/// A report to insert.
#[derive(Debug, Clone)]
pub struct NewVulnReport {
    /// Its id.
    pub id: VulnReportId,
    /// The case it joins.
    pub case_id: CaseId,
    /// Hex SHA-256 of the normalised report.
    pub content_hash: String,
    /// The submitter's own key, when given.
    pub client_key: Option<String>,
    /// Who sent it.
    pub submitter_org: OrgId,
    /// Which user sent it.
    pub submitter_user: UserId,
    /// `sarif`, `osv`, …
    pub source_format: String,
    /// The id in the source document.
    pub source_id: Option<String>,
    /// A one-line title.
    pub title: String,
    /// Its highest CVSS score.
    pub cvss: Option<f64>,
    /// The model under review that found it, when it came from a review.
    pub found_by_model: Option<ModelId>,
    /// The review submission it came from.
    pub found_in_submission: Option<SubmissionId>,
    /// The normalised report (JSON).
    pub report: String,
    /// When it was received.
    pub received_at: DateTime<Utc>,
}

/// A case to insert.
#[derive(Debug, Clone)]
pub struct NewVulnCase {
    /// Its id.
    pub id: CaseId,
    /// Its sequence number (the human id is derived from it).
    pub seq: i64,
    /// The first report, which stays canonical until an analyst changes it.
    pub canonical_report_id: VulnReportId,
    /// Title of the canonical report.
    pub title: String,
    /// Lifecycle state (`new`).
    pub state: String,
    /// Reports so far.
    pub report_count: i64,
    /// Highest CVSS score of its reports.
    pub max_cvss: Option<f64>,
    /// Highest qualitative rating when no CVSS score exists.
    pub qualitative: Option<String>,
    /// Known exploited.
    pub exploited: bool,
    /// Weighted count of operators with an affected asset.
    pub exposure: f64,
    /// Triage priority 0–100.
    pub priority: f64,
    /// TLP of what it holds (`AMBER` until an analyst says otherwise).
    pub tlp: String,
    /// MinHash signature of the canonical report's text.
    pub signature: Option<Vec<u8>>,
    /// Publication deadline.
    pub embargo_until: Option<DateTime<Utc>>,
    /// Opened at.
    pub created_at: DateTime<Utc>,
}

/// A case's sequence number and signature (near-duplicate index input).
#[derive(Debug, Clone)]
pub struct CaseSignatureRow {
    /// Its sequence number.
    pub seq: i64,
    /// The case.
    pub id: CaseId,
    /// Its MinHash signature, when its text was long enough.
    pub signature: Option<Vec<u8>>,
}

/// Changes to an existing case from the reports a batch added.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseBump {
    /// The case.
    pub id: CaseId,
    /// Reports added.
    pub added: i64,
    /// Highest CVSS score among them.
    pub max_cvss: Option<f64>,
    /// Whether any says the vulnerability is exploited.
    pub exploited: bool,
}

/// A table whose keys intake deduplicates against (see
/// [`Tx::intake_rows_after`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntakeTable {
    /// `vuln_reports.content_hash`.
    ContentHashes,
    /// `vuln_keys.key`.
    ExactKeys,
}

impl IntakeTable {
    fn table_and_column(self) -> (&'static str, &'static str) {
        match self {
            IntakeTable::ContentHashes => ("vuln_reports", "content_hash"),
            IntakeTable::ExactKeys => ("vuln_keys", "key"),
        }
    }
}

impl Tx {
    /// SQLite: the keys of `table` stored after row `after`, in storage
    /// order (rowid: rows are only ever appended to these tables), at most
    /// `limit`, each with its rowid. None on PostgreSQL (no row order).
    pub async fn intake_rows_after(
        &mut self,
        table: IntakeTable,
        after: i64,
        limit: i64,
    ) -> Result<Option<Vec<(i64, String)>>, StoreError> {
        if self.dialect != Dialect::Sqlite {
            return Ok(None);
        }
        let (table, column) = table.table_and_column();
        let sql = format!(
            "SELECT json_group_array(json_array(rowid, {column})) FROM \
             (SELECT rowid, {column} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?)"
        );
        let json: String = sqlx::query_scalar(&sql)
            .bind(after)
            .bind(limit)
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(Some(json_rows(&json)?))
    }

    /// SQLite: the last rowid of `vuln_reports` and of `vuln_keys` (0 when
    /// empty). None on PostgreSQL.
    pub async fn intake_rows_end(&mut self) -> Result<Option<(i64, i64)>, StoreError> {
        if self.dialect != Dialect::Sqlite {
            return Ok(None);
        }
        let row = sqlx::query(
            "SELECT COALESCE((SELECT MAX(rowid) FROM vuln_reports), 0), \
             COALESCE((SELECT MAX(rowid) FROM vuln_keys), 0)",
        )
        .fetch_one(&mut *self.tx)
        .await?;
        Ok(Some((row.try_get::<i64, _>(0)?, row.try_get::<i64, _>(1)?)))
    }

    /// Serialises intake batches (PostgreSQL advisory lock until commit;
    /// SQLite transactions already exclude each other).
    pub async fn lock_intake(&mut self) -> Result<(), StoreError> {
        self.xact_lock(INTAKE_LOCK).await
    }

    /// Which of `hashes` are already stored.
    pub async fn existing_content_hashes(
        &mut self,
        hashes: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        let found: Vec<(String,)> = self
            .fetch_json_list(
                "content_hash",
                "FROM vuln_reports WHERE content_hash IN ({})",
                &[],
                hashes,
            )
            .await?;
        Ok(found.into_iter().map(|(hash,)| hash).collect())
    }

    /// Which of `keys` the organisation already used as client keys.
    pub async fn existing_client_keys(
        &mut self,
        org: OrgId,
        keys: &[String],
    ) -> Result<HashSet<String>, StoreError> {
        let org = org.to_string();
        let from_where = format!(
            "FROM vuln_reports WHERE submitter_org = {} AND client_key IN ({{}})",
            placeholders(self.dialect, 1, 1)
        );
        let found: Vec<(String,)> = self
            .fetch_json_list("client_key", &from_where, &[&org], keys)
            .await?;
        Ok(found.into_iter().map(|(key,)| key).collect())
    }

    /// The cases holding any of `keys`, by key.
    pub async fn cases_by_keys(
        &mut self,
        keys: &[String],
    ) -> Result<HashMap<String, CaseId>, StoreError> {
        let found: Vec<(String, String)> = self
            .fetch_json_list(
                "key, case_id",
                "FROM vuln_keys WHERE key IN ({})",
                &[],
                keys,
            )
            .await?;
        found
            .into_iter()
            .map(|(key, case)| Ok((key, parse_case_id(&case)?)))
            .collect()
    }

    /// Cases opened after sequence number `after` (oldest first, at most
    /// `limit`), with their signatures: how the in-memory near-duplicate
    /// index catches up with what other processes filed.
    pub async fn vuln_case_signatures_since(
        &mut self,
        after: i64,
        limit: i64,
    ) -> Result<Vec<CaseSignatureRow>, StoreError> {
        let rows = sqlx::query(
            // Merged cases too: near duplicates of their text go to the
            // case they were merged into (resolved at lookup).
            "SELECT seq, id, signature FROM vuln_cases WHERE seq > $1 \
             ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit)
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|row| {
                Ok(CaseSignatureRow {
                    seq: row.try_get(0)?,
                    id: case_id(row, 1)?,
                    signature: row.try_get::<Option<Vec<u8>>, _>(2)?,
                })
            })
            .collect()
    }

    /// The signatures of `cases` that are still live (not merged away).
    pub async fn vuln_case_signatures(
        &mut self,
        cases: &[CaseId],
    ) -> Result<HashMap<CaseId, Vec<u8>>, StoreError> {
        let mut found = HashMap::new();
        let keys: Vec<String> = cases.iter().map(|k| k.to_string()).collect();
        let select = "SELECT id, signature FROM vuln_cases WHERE id IN ({}) AND merged_into IS NULL AND signature IS NOT NULL";
        for row in self.fetch_in(select, &keys, MAX_PARAMS).await? {
            found.insert(case_id(&row, 0)?, row.try_get::<Vec<u8>, _>(1)?);
        }
        Ok(found)
    }

    /// The next case sequence number.
    pub async fn next_case_seq(&mut self) -> Result<i64, StoreError> {
        let row = sqlx::query("SELECT COALESCE(MAX(seq), 0) + 1 FROM vuln_cases")
            .fetch_one(&mut *self.tx)
            .await?;
        Ok(row.try_get::<i64, _>(0)?)
    }

    /// Inserts new cases.
    pub async fn insert_vuln_cases(&mut self, cases: &[NewVulnCase]) -> Result<(), StoreError> {
        const COLUMNS: usize = 16;
        for chunk in ladder(cases, MAX_PARAMS / COLUMNS) {
            let sql = format!(
                "INSERT INTO vuln_cases (id, seq, canonical_report_id, title, state, report_count, max_cvss, \
                 qualitative, exploited, exposure, priority, tlp, signature, embargo_until, created_at, updated_at) \
                 VALUES {}",
                // max_cvss (column 6) may be NULL.
                value_rows_with_reals(self.dialect, 1, COLUMNS, chunk.len(), &[6])
            );
            let mut query = sqlx::query(&sql);
            for c in chunk {
                query = query
                    .bind(c.id.to_string())
                    .bind(c.seq)
                    .bind(c.canonical_report_id.to_string())
                    .bind(&c.title)
                    .bind(&c.state)
                    .bind(c.report_count)
                    .bind(real_or_nan(c.max_cvss))
                    .bind(&c.qualitative)
                    .bind(i64::from(c.exploited))
                    .bind(c.exposure)
                    .bind(c.priority)
                    .bind(&c.tlp)
                    .bind(&c.signature)
                    .bind(c.embargo_until.map(ms))
                    .bind(ms(c.created_at))
                    .bind(ms(c.created_at));
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Inserts reports.
    pub async fn insert_vuln_reports(
        &mut self,
        reports: &[NewVulnReport],
    ) -> Result<(), StoreError> {
        const COLUMNS: usize = 14;
        for chunk in ladder(reports, MAX_PARAMS / COLUMNS) {
            let sql = format!(
                "INSERT INTO vuln_reports (id, case_id, content_hash, client_key, submitter_org, submitter_user, \
                 source_format, source_id, title, cvss, found_by_model, found_in_submission, report, received_at) \
                 VALUES {}",
                // cvss (column 9) may be NULL.
                value_rows_with_reals(self.dialect, 1, COLUMNS, chunk.len(), &[9])
            );
            let mut query = sqlx::query(&sql);
            for r in chunk {
                query = query
                    .bind(r.id.to_string())
                    .bind(r.case_id.to_string())
                    .bind(&r.content_hash)
                    .bind(&r.client_key)
                    .bind(r.submitter_org.to_string())
                    .bind(r.submitter_user.to_string())
                    .bind(&r.source_format)
                    .bind(&r.source_id)
                    .bind(&r.title)
                    .bind(real_or_nan(r.cvss))
                    .bind(r.found_by_model.map(|m| m.to_string()))
                    .bind(r.found_in_submission.map(|s| s.to_string()))
                    .bind(&r.report)
                    .bind(ms(r.received_at));
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Files exact keys under their cases (keys already filed keep their case).
    pub async fn insert_vuln_keys(&mut self, keys: &[(String, CaseId)]) -> Result<(), StoreError> {
        for chunk in ladder(keys, MAX_PARAMS / 2) {
            let sql = format!(
                "INSERT INTO vuln_keys (key, case_id) VALUES {} ON CONFLICT (key) DO NOTHING",
                value_rows(self.dialect, 2, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for (key, case) in chunk {
                query = query.bind(key).bind(case.to_string());
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }

    /// Adds a batch's reports to existing cases: count, highest score,
    /// exploitation; one statement per chunk of cases.
    pub async fn bump_vuln_cases(
        &mut self,
        bumps: &[CaseBump],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        const COLUMNS: usize = 4;
        for chunk in ladder(bumps, MAX_PARAMS / COLUMNS) {
            // `updated_at` is the first parameter: anonymous SQLite
            // parameters bind in the order they appear.
            let sql = format!(
                "UPDATE vuln_cases SET report_count = vuln_cases.report_count + b.column2, \
                 max_cvss = CASE WHEN vuln_cases.max_cvss IS NULL OR vuln_cases.max_cvss < b.column3 \
                 THEN b.column3 ELSE vuln_cases.max_cvss END, \
                 exploited = CASE WHEN b.column4 = 1 THEN 1 ELSE vuln_cases.exploited END, \
                 updated_at = {} FROM (VALUES {}) AS b WHERE vuln_cases.id = b.column1",
                placeholders(self.dialect, 1, 1),
                // max_cvss (column 2) may be NULL.
                value_rows_with_reals(self.dialect, 2, COLUMNS, chunk.len(), &[2])
            );
            let mut query = sqlx::query(&sql).bind(ms(now));
            for bump in chunk {
                query = query
                    .bind(bump.id.to_string())
                    .bind(bump.added)
                    .bind(real_or_nan(bump.max_cvss))
                    .bind(i64::from(bump.exploited));
            }
            query.execute(&mut *self.tx).await?;
        }
        Ok(())
    }
}

fn case_id(row: &AnyRow, index: usize) -> Result<CaseId, StoreError> {
    parse_case_id(&row.try_get::<String, _>(index)?)
}

fn parse_case_id(text: &str) -> Result<CaseId, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt {
        column: "case_id",
        message: format!("{text:?} is not a case id"),
    })
}
