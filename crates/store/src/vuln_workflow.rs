//! The case workflow of the clearinghouse: state changes and the case
//! timeline, embargo and TLP, merging and splitting cases, evidence
//! (proofs of concept) and review findings proposed for the clearinghouse.
use crate::codec::{int, ms, opt_parsed, opt_text, opt_time, parsed, text, time};
use crate::sql::{ladder, numbered, MAX_PARAMS};
use crate::{StoreError, Tx};
use bulwark_domain::ids::{
    CaseId, FindingId, ModelId, OrgId, SecretId, SubmissionId, UserId, VulnReportId,
};
use chrono::{DateTime, Utc};
use sqlx::any::AnyRow;
use sqlx::Row;

/// One entry of a case's timeline.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseEventRow {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: CaseId,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (None: the system).
    pub actor_user: Option<UserId>,
    /// Who, by login name (None: the system or a deleted user).
    pub actor_username: Option<String>,
    /// What happened (`state`, `embargo`, `tlp`, `merge`, …).
    pub kind: String,
    /// The details (JSON).
    pub detail: String,
}

/// A piece of evidence (the bytes are a sealed secret).
#[derive(Debug, Clone, PartialEq)]
pub struct EvidenceRow {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: CaseId,
    /// The report it belongs to, when one.
    pub report_id: Option<VulnReportId>,
    /// The uploaded file's name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// The sealed bytes.
    pub secret_id: SecretId,
    /// Who uploaded it.
    pub uploaded_by: UserId,
    /// When.
    pub created_at: DateTime<Utc>,
}

/// A review finding proposed for the clearinghouse.
#[derive(Debug, Clone, PartialEq)]
pub struct VulnShareRow {
    /// Its id.
    pub id: String,
    /// The finding.
    pub finding_id: FindingId,
    /// The submission the finding is on.
    pub submission_id: SubmissionId,
    /// The submission's lab (who must consent).
    pub lab_org: OrgId,
    /// The model under review.
    pub model_id: ModelId,
    /// The proposing agency.
    pub agency_org: OrgId,
    /// The proposing reviewer.
    pub proposed_by: UserId,
    /// Extra fields for the report (JSON object: purl, versions, cwe, cvss).
    pub extra: String,
    /// `pending`, `consented`, `declined`.
    pub status: String,
    /// The lab user who decided.
    pub decided_by: Option<UserId>,
    /// When decided.
    pub decided_at: Option<DateTime<Utc>>,
    /// The lab's reason when declining.
    pub reason: Option<String>,
    /// The report ingested on consent.
    pub report_id: Option<VulnReportId>,
    /// The case it was filed under.
    pub case_id: Option<CaseId>,
    /// Proposed at.
    pub created_at: DateTime<Utc>,
}

const SHARE_COLUMNS: &str = "id, finding_id, submission_id, lab_org, model_id, agency_org, \
    proposed_by, extra, status, decided_by, decided_at, reason, report_id, case_id, created_at";

const EVIDENCE_COLUMNS: &str = "id, case_id, report_id, file_name, media_type, size, sha256, \
    secret_id, uploaded_by, created_at";

impl Tx {
    /// Appends an entry to a case's timeline.
    pub async fn insert_case_event(&mut self, event: &CaseEventRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vuln_case_events (id, case_id, at, actor_user, kind, detail) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&event.id)
        .bind(event.case_id.to_string())
        .bind(ms(event.at))
        .bind(event.actor_user.map(|u| u.to_string()))
        .bind(&event.kind)
        .bind(&event.detail)
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// A case's timeline, oldest first.
    pub async fn list_case_events(
        &mut self,
        case: CaseId,
    ) -> Result<Vec<CaseEventRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT e.id, e.case_id, e.at, e.actor_user, u.username, e.kind, e.detail \
             FROM vuln_case_events e LEFT JOIN users u ON u.id = e.actor_user \
             WHERE e.case_id = $1 ORDER BY e.at, e.id",
        )
        .bind(case.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(CaseEventRow {
                    id: text(r, "id")?,
                    case_id: parsed(r, "case_id")?,
                    at: time(r, "at")?,
                    actor_user: opt_parsed(r, "actor_user")?,
                    actor_username: opt_text(r, "username")?,
                    kind: text(r, "kind")?,
                    detail: text(r, "detail")?,
                })
            })
            .collect()
    }

    /// Sets a case's state when it is still `from` (false: it changed meanwhile).
    pub async fn set_case_state(
        &mut self,
        case: CaseId,
        from: &str,
        to: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE vuln_cases SET state = $3, updated_at = $4 WHERE id = $1 AND state = $2",
        )
        .bind(case.to_string())
        .bind(from)
        .bind(to)
        .bind(ms(now))
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Sets (or clears) a case's publication deadline.
    pub async fn set_case_embargo(
        &mut self,
        case: CaseId,
        until: Option<DateTime<Utc>>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE vuln_cases SET embargo_until = $2, updated_at = $3 WHERE id = $1")
            .bind(case.to_string())
            .bind(until.map(ms))
            .bind(ms(now))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Sets a case's TLP level.
    pub async fn set_case_tlp(
        &mut self,
        case: CaseId,
        tlp: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE vuln_cases SET tlp = $2, updated_at = $3 WHERE id = $1")
            .bind(case.to_string())
            .bind(tlp)
            .bind(ms(now))
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Locks a case row until commit (PostgreSQL; SQLite has one writer).
    pub async fn lock_vuln_case(&mut self, case: CaseId) -> Result<(), StoreError> {
        if self.dialect == crate::Dialect::Postgres {
            sqlx::query("SELECT id FROM vuln_cases WHERE id = $1 FOR UPDATE")
                .bind(case.to_string())
                .fetch_optional(&mut *self.tx)
                .await?;
        }
        Ok(())
    }

    /// Sets the facts recomputed from a case's reports (after a merge or split).
    pub async fn set_case_facts(
        &mut self,
        f: &CaseFacts,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE vuln_cases SET canonical_report_id = $2, title = $3, report_count = $4, \
             max_cvss = $5, qualitative = $6, exploited = $7, priority = $8, signature = $9, \
             updated_at = $10 WHERE id = $1",
        )
        .bind(f.id.to_string())
        .bind(f.canonical_report_id.to_string())
        .bind(&f.title)
        .bind(f.report_count)
        .bind(f.max_cvss)
        .bind(&f.qualitative)
        .bind(i64::from(f.exploited))
        .bind(f.priority)
        .bind(&f.signature)
        .bind(ms(now))
        .persistent(self.caches_nullable_floats())
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// Marks `from` a duplicate merged into `into`; cases merged into `from`
    /// earlier now point at `into` (one hop to the live case).
    pub async fn set_case_merged(
        &mut self,
        from: CaseId,
        into: CaseId,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE vuln_cases SET state = 'duplicate', merged_into = $2, updated_at = $3 WHERE id = $1",
        )
        .bind(from.to_string())
        .bind(into.to_string())
        .bind(ms(now))
        .execute(&mut *self.tx)
        .await?;
        sqlx::query("UPDATE vuln_cases SET merged_into = $2 WHERE merged_into = $1")
            .bind(from.to_string())
            .bind(into.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok(())
    }

    /// Moves every report and exact key of `from` to `into`; returns how many
    /// reports and keys moved.
    pub async fn move_all_case_reports(
        &mut self,
        from: CaseId,
        into: CaseId,
    ) -> Result<(u64, u64), StoreError> {
        let reports = sqlx::query("UPDATE vuln_reports SET case_id = $2 WHERE case_id = $1")
            .bind(from.to_string())
            .bind(into.to_string())
            .execute(&mut *self.tx)
            .await?;
        let keys = sqlx::query("UPDATE vuln_keys SET case_id = $2 WHERE case_id = $1")
            .bind(from.to_string())
            .bind(into.to_string())
            .execute(&mut *self.tx)
            .await?;
        Ok((reports.rows_affected(), keys.rows_affected()))
    }

    /// Moves reports of `from` to `into` (reports of other cases stay);
    /// returns how many moved.
    pub async fn move_case_reports(
        &mut self,
        from: CaseId,
        into: CaseId,
        reports: &[VulnReportId],
    ) -> Result<u64, StoreError> {
        let mut moved = 0;
        for chunk in ladder(reports, MAX_PARAMS) {
            let sql = format!(
                "UPDATE vuln_reports SET case_id = $2 WHERE case_id = $1 AND id IN ({})",
                numbered(3, chunk.len())
            );
            let mut query = sqlx::query(&sql)
                .bind(from.to_string())
                .bind(into.to_string());
            for r in chunk {
                query = query.bind(r.to_string());
            }
            moved += query.execute(&mut *self.tx).await?.rows_affected();
        }
        Ok(moved)
    }

    /// Refiles exact keys of `from` under `into`; returns how many moved.
    pub async fn move_case_keys(
        &mut self,
        from: CaseId,
        into: CaseId,
        keys: &[String],
    ) -> Result<u64, StoreError> {
        let mut moved = 0;
        for chunk in ladder(keys, MAX_PARAMS) {
            let sql = format!(
                "UPDATE vuln_keys SET case_id = $2 WHERE case_id = $1 AND key IN ({})",
                numbered(3, chunk.len())
            );
            let mut query = sqlx::query(&sql)
                .bind(from.to_string())
                .bind(into.to_string());
            for k in chunk {
                query = query.bind(k);
            }
            moved += query.execute(&mut *self.tx).await?.rows_affected();
        }
        Ok(moved)
    }

    /// The exact keys filed under a case, sorted.
    pub async fn case_keys(&mut self, case: CaseId) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query("SELECT key FROM vuln_keys WHERE case_id = $1 ORDER BY key")
            .bind(case.to_string())
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(|r| text(r, "key")).collect()
    }

    /// For each of `cases` that was merged away: the live case it points to
    /// and its own signature (how near duplicates of a merged case reach the
    /// case it was merged into).
    pub async fn merged_case_signatures(
        &mut self,
        cases: &[CaseId],
    ) -> Result<Vec<(CaseId, CaseId, Vec<u8>)>, StoreError> {
        let mut found = Vec::new();
        for chunk in ladder(cases, MAX_PARAMS) {
            let sql = format!(
                "SELECT id, merged_into, signature FROM vuln_cases WHERE id IN ({}) \
                 AND merged_into IS NOT NULL AND signature IS NOT NULL",
                numbered(1, chunk.len())
            );
            let mut query = sqlx::query(&sql);
            for case in chunk {
                query = query.bind(case.to_string());
            }
            for row in query.fetch_all(&mut *self.tx).await? {
                found.push((
                    parsed(&row, "id")?,
                    parsed(&row, "merged_into")?,
                    row.try_get::<Vec<u8>, _>("signature")?,
                ));
            }
        }
        Ok(found)
    }

    /// Provenance of a case's reports: who sent each and where it was found.
    pub async fn case_report_provenance(
        &mut self,
        case: CaseId,
    ) -> Result<Vec<ReportProvenanceRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT r.id, r.cvss, o.slug AS org_slug, o.name AS org_name, u.username, \
             r.found_by_model, r.found_in_submission, m.name AS model_name \
             FROM vuln_reports r JOIN orgs o ON o.id = r.submitter_org \
             JOIN users u ON u.id = r.submitter_user \
             LEFT JOIN models m ON m.id = r.found_by_model \
             WHERE r.case_id = $1 ORDER BY r.received_at, r.id",
        )
        .bind(case.to_string())
        .fetch_all(&mut *self.tx)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(ReportProvenanceRow {
                    id: parsed(r, "id")?,
                    cvss: r.try_get::<Option<f64>, _>("cvss")?,
                    submitter_org_slug: text(r, "org_slug")?,
                    submitter_org_name: text(r, "org_name")?,
                    submitter_username: text(r, "username")?,
                    found_by_model: opt_parsed(r, "found_by_model")?,
                    found_by_model_name: opt_text(r, "model_name")?,
                    found_in_submission: opt_parsed(r, "found_in_submission")?,
                })
            })
            .collect()
    }

    /// The organisations notified of a case (the policy's `vendors`).
    pub async fn case_vendor_orgs(&mut self, case: CaseId) -> Result<Vec<OrgId>, StoreError> {
        let rows = sqlx::query("SELECT vendor_org FROM vuln_case_vendors WHERE case_id = $1")
            .bind(case.to_string())
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(|r| parsed(r, "vendor_org")).collect()
    }

    /// Stores evidence metadata (the bytes are sealed separately).
    pub async fn insert_evidence(&mut self, e: &EvidenceRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vuln_evidence (id, case_id, report_id, file_name, media_type, size, sha256, \
             secret_id, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(&e.id)
        .bind(e.case_id.to_string())
        .bind(e.report_id.map(|r| r.to_string()))
        .bind(&e.file_name)
        .bind(&e.media_type)
        .bind(e.size)
        .bind(&e.sha256)
        .bind(e.secret_id.to_string())
        .bind(e.uploaded_by.to_string())
        .bind(ms(e.created_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// The evidence of a case, oldest first.
    pub async fn list_evidence(&mut self, case: CaseId) -> Result<Vec<EvidenceRow>, StoreError> {
        let sql = format!(
            "SELECT {EVIDENCE_COLUMNS} FROM vuln_evidence WHERE case_id = $1 ORDER BY created_at, id"
        );
        let rows = sqlx::query(&sql)
            .bind(case.to_string())
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(evidence_row).collect()
    }

    /// One piece of evidence of a case.
    pub async fn get_evidence(
        &mut self,
        case: CaseId,
        id: &str,
    ) -> Result<Option<EvidenceRow>, StoreError> {
        let sql =
            format!("SELECT {EVIDENCE_COLUMNS} FROM vuln_evidence WHERE case_id = $1 AND id = $2");
        let row = sqlx::query(&sql)
            .bind(case.to_string())
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(evidence_row).transpose()
    }

    /// Moves evidence attached to `reports` from one case to another.
    pub async fn move_report_evidence(
        &mut self,
        from: CaseId,
        into: CaseId,
        reports: Option<&[VulnReportId]>,
    ) -> Result<(), StoreError> {
        match reports {
            None => {
                sqlx::query("UPDATE vuln_evidence SET case_id = $2 WHERE case_id = $1")
                    .bind(from.to_string())
                    .bind(into.to_string())
                    .execute(&mut *self.tx)
                    .await?;
            }
            Some(reports) => {
                for chunk in ladder(reports, MAX_PARAMS) {
                    let sql = format!(
                        "UPDATE vuln_evidence SET case_id = $2 WHERE case_id = $1 AND report_id IN ({})",
                        numbered(3, chunk.len())
                    );
                    let mut query = sqlx::query(&sql)
                        .bind(from.to_string())
                        .bind(into.to_string());
                    for r in chunk {
                        query = query.bind(r.to_string());
                    }
                    query.execute(&mut *self.tx).await?;
                }
            }
        }
        Ok(())
    }

    /// Stores a proposal to share a finding.
    pub async fn insert_vuln_share(&mut self, s: &VulnShareRow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO vuln_share_proposals (id, finding_id, submission_id, lab_org, model_id, \
             agency_org, proposed_by, extra, status, decided_by, decided_at, reason, report_id, \
             case_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(&s.id)
        .bind(s.finding_id.to_string())
        .bind(s.submission_id.to_string())
        .bind(s.lab_org.to_string())
        .bind(s.model_id.to_string())
        .bind(s.agency_org.to_string())
        .bind(s.proposed_by.to_string())
        .bind(&s.extra)
        .bind(&s.status)
        .bind(s.decided_by.map(|u| u.to_string()))
        .bind(s.decided_at.map(ms))
        .bind(&s.reason)
        .bind(s.report_id.map(|r| r.to_string()))
        .bind(s.case_id.map(|c| c.to_string()))
        .bind(ms(s.created_at))
        .execute(&mut *self.tx)
        .await?;
        Ok(())
    }

    /// One share proposal.
    pub async fn get_vuln_share(&mut self, id: &str) -> Result<Option<VulnShareRow>, StoreError> {
        let sql = format!("SELECT {SHARE_COLUMNS} FROM vuln_share_proposals WHERE id = $1");
        let row = sqlx::query(&sql)
            .bind(id)
            .fetch_optional(&mut *self.tx)
            .await?;
        row.as_ref().map(share_row).transpose()
    }

    /// Share proposals of the organisation, newest first, optionally in
    /// one status: as the lab (`as_lab`), or as the proposing agency (then
    /// only on submissions not withdrawn: withdrawal revokes access).
    pub async fn list_vuln_shares(
        &mut self,
        org: OrgId,
        as_lab: bool,
        status: Option<&str>,
    ) -> Result<Vec<VulnShareRow>, StoreError> {
        let sql = format!(
            "SELECT {SHARE_COLUMNS} FROM vuln_share_proposals p \
             WHERE (($2 = 1 AND p.lab_org = $1) OR ($2 = 0 AND p.agency_org = $1 AND \
             NOT EXISTS (SELECT 1 FROM submissions s WHERE s.id = p.submission_id AND s.state = 'withdrawn'))) \
             AND ($3 IS NULL OR p.status = $3) ORDER BY p.created_at DESC, p.id"
        );
        let rows = sqlx::query(&sql)
            .bind(org.to_string())
            .bind(i64::from(as_lab))
            .bind(status)
            .fetch_all(&mut *self.tx)
            .await?;
        rows.iter().map(share_row).collect()
    }

    /// Records the lab's decision on a pending proposal (false: it was no
    /// longer pending).
    pub async fn decide_vuln_share(&mut self, d: &ShareDecision<'_>) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE vuln_share_proposals SET status = $2, decided_by = $3, decided_at = $4, \
             reason = $5, report_id = $6, case_id = $7 WHERE id = $1 AND status = 'pending'",
        )
        .bind(d.id)
        .bind(d.status)
        .bind(d.decided_by.to_string())
        .bind(ms(d.at))
        .bind(d.reason)
        .bind(d.report_id.map(|r| r.to_string()))
        .bind(d.case_id.map(|c| c.to_string()))
        .execute(&mut *self.tx)
        .await?;
        Ok(done.rows_affected() == 1)
    }
}

/// Facts of a case recomputed from its reports.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseFacts {
    /// The case.
    pub id: CaseId,
    /// Its canonical report.
    pub canonical_report_id: VulnReportId,
    /// Title of the canonical report.
    pub title: String,
    /// Reports in it.
    pub report_count: i64,
    /// Highest CVSS score.
    pub max_cvss: Option<f64>,
    /// Highest qualitative rating.
    pub qualitative: Option<String>,
    /// Known exploited.
    pub exploited: bool,
    /// Priority 0–100.
    pub priority: f64,
    /// MinHash signature of the canonical report.
    pub signature: Option<Vec<u8>>,
}

/// Where a report came from.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportProvenanceRow {
    /// The report.
    pub id: VulnReportId,
    /// Its highest CVSS score.
    pub cvss: Option<f64>,
    /// Submitting organisation's slug.
    pub submitter_org_slug: String,
    /// Submitting organisation's name.
    pub submitter_org_name: String,
    /// Submitting user's login name.
    pub submitter_username: String,
    /// The model under review that found it.
    pub found_by_model: Option<ModelId>,
    /// That model's name.
    pub found_by_model_name: Option<String>,
    /// The review submission it came from.
    pub found_in_submission: Option<SubmissionId>,
}

/// The lab's decision on a share proposal.
#[derive(Debug, Clone, Copy)]
pub struct ShareDecision<'a> {
    /// The proposal.
    pub id: &'a str,
    /// `consented` or `declined`.
    pub status: &'a str,
    /// Who decided.
    pub decided_by: UserId,
    /// When.
    pub at: DateTime<Utc>,
    /// Why (declined).
    pub reason: Option<&'a str>,
    /// The report ingested (consented).
    pub report_id: Option<VulnReportId>,
    /// Its case (consented).
    pub case_id: Option<CaseId>,
}

fn evidence_row(r: &AnyRow) -> Result<EvidenceRow, StoreError> {
    Ok(EvidenceRow {
        id: text(r, "id")?,
        case_id: parsed(r, "case_id")?,
        report_id: opt_parsed(r, "report_id")?,
        file_name: text(r, "file_name")?,
        media_type: text(r, "media_type")?,
        size: int(r, "size")?,
        sha256: text(r, "sha256")?,
        secret_id: parsed(r, "secret_id")?,
        uploaded_by: parsed(r, "uploaded_by")?,
        created_at: time(r, "created_at")?,
    })
}

fn share_row(r: &AnyRow) -> Result<VulnShareRow, StoreError> {
    Ok(VulnShareRow {
        id: text(r, "id")?,
        finding_id: parsed(r, "finding_id")?,
        submission_id: parsed(r, "submission_id")?,
        lab_org: parsed(r, "lab_org")?,
        model_id: parsed(r, "model_id")?,
        agency_org: parsed(r, "agency_org")?,
        proposed_by: parsed(r, "proposed_by")?,
        extra: text(r, "extra")?,
        status: text(r, "status")?,
        decided_by: opt_parsed(r, "decided_by")?,
        decided_at: opt_time(r, "decided_at")?,
        reason: opt_text(r, "reason")?,
        report_id: opt_parsed(r, "report_id")?,
        case_id: opt_parsed(r, "case_id")?,
        created_at: time(r, "created_at")?,
    })
}
