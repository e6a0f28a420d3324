//! Evidence of a case (proofs of concept): the bytes are sealed with the
//! secrets envelope (AAD `vuln_evidence.<id>.content`), their SHA-256 is
//! recorded, and they are read only by analysts and by the contacts of
//! vendors notified of the case (`Action::ReadEvidence`), every read
//! audited. Evidence is never part of any export.

use bulwark_crypto::Aad;
use bulwark_domain::ids::CaseId;
use bulwark_domain::policy::{Action, Resource};
use bulwark_store::{EvidenceRow, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::workflow::{load_case, record_case_event};
use crate::accounts::require;
use crate::audit::record;
use crate::models::check;
use crate::{App, AppError, OpContext};

/// Largest piece of evidence (bytes).
pub const MAX_EVIDENCE_BYTES: usize = 16 * 1024 * 1024;
/// Longest file name (characters).
const FILE_NAME_MAX: usize = 255;

/// A piece of evidence to attach.
#[derive(Clone, Default)]
pub struct EvidenceParams {
    /// The file's name (no path).
    pub file_name: String,
    /// Its media type (`text/plain`, `application/octet-stream`, …).
    pub media_type: String,
    /// The bytes.
    pub bytes: Vec<u8>,
}

impl std::fmt::Debug for EvidenceParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EvidenceParams")
            .field("file_name", &self.file_name)
            .field("media_type", &self.media_type)
            .field("size", &self.bytes.len())
            .finish()
    }
}

/// Evidence metadata (never the bytes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceView {
    /// Its id.
    pub id: String,
    /// The case.
    pub case_id: String,
    /// The file's name.
    pub file_name: String,
    /// Its media type.
    pub media_type: String,
    /// Size in bytes.
    pub size: i64,
    /// Hex SHA-256 of the bytes.
    pub sha256: String,
    /// Uploaded at.
    pub created_at: DateTime<Utc>,
}

/// A downloaded piece of evidence.
pub struct EvidenceFile {
    /// Its metadata.
    pub meta: EvidenceView,
    /// The bytes.
    pub bytes: Vec<u8>,
}

pub(crate) fn evidence_view(row: EvidenceRow) -> EvidenceView {
    EvidenceView {
        id: row.id,
        case_id: row.case_id.to_string(),
        file_name: row.file_name,
        media_type: row.media_type,
        size: row.size,
        sha256: row.sha256,
        created_at: row.created_at,
    }
}

fn aad(id: &str) -> Aad {
    Aad::new("vuln_evidence", id, "content")
}

fn validate(p: &EvidenceParams) -> Result<(), AppError> {
    let name = p.file_name.trim();
    if name.is_empty()
        || name.chars().count() > FILE_NAME_MAX
        || name
            .chars()
            .any(|c| c.is_control() || c == '/' || c == '\\')
        || name == "."
        || name == ".."
    {
        return Err(AppError::invalid(
            "name",
            format!("must be a file name of 1 to {FILE_NAME_MAX} characters without slashes"),
        ));
    }
    let media = p.media_type.trim();
    let ok_media = media.len() <= 127
        && media.split_once('/').is_some_and(|(a, b)| {
            !a.is_empty()
                && !b.is_empty()
                && media
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "!#$&-^_.+/".contains(c))
        });
    if !ok_media {
        return Err(AppError::invalid(
            "type",
            format!("`{media}` is not a media type (`type/subtype`)"),
        ));
    }
    if p.bytes.is_empty() {
        return Err(AppError::invalid("body", "is empty"));
    }
    if p.bytes.len() > MAX_EVIDENCE_BYTES {
        return Err(AppError::invalid(
            "body",
            format!("is larger than {MAX_EVIDENCE_BYTES} bytes"),
        ));
    }
    Ok(())
}

/// Checks `ReadEvidence` on a case (analysts; contacts of vendors notified
/// of it). Others learn nothing: "case not found".
async fn check_read(tx: &mut Tx, ctx: &OpContext, case: CaseId) -> Result<(), AppError> {
    let vendors = tx.case_vendor_orgs(case).await?;
    check(
        ctx,
        Action::ReadEvidence,
        &Resource::VulnCase { vendors: &vendors },
        "case",
    )?;
    tx.get_vuln_case(case)
        .await?
        .ok_or_else(|| AppError::NotFound("case".into()))?;
    Ok(())
}

impl App {
    /// Attaches evidence to a case (analysts): sealed, hashed, on the
    /// case's timeline and the audit log.
    pub async fn add_evidence(
        &self,
        ctx: &OpContext,
        case: CaseId,
        params: EvidenceParams,
    ) -> Result<EvidenceView, AppError> {
        require(ctx, Action::ManageVulnCase)?;
        validate(&params)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        load_case(&mut tx, case).await?;
        let id = uuid::Uuid::new_v4().to_string();
        let sha256 = hex::encode(Sha256::digest(&params.bytes));
        let secret_id = self
            .seal_secret(&mut tx, &aad(&id), &params.bytes, now)
            .await?;
        let row = EvidenceRow {
            id: id.clone(),
            case_id: case,
            report_id: None,
            file_name: params.file_name.trim().to_owned(),
            media_type: params.media_type.trim().to_ascii_lowercase(),
            size: params.bytes.len() as i64,
            sha256,
            secret_id,
            uploaded_by: ctx.actor.user_id,
            created_at: now,
        };
        tx.insert_evidence(&row).await?;
        let detail = json!({
            "evidence": id,
            "file_name": row.file_name,
            "media_type": row.media_type,
            "size": row.size,
            "sha256": row.sha256,
        });
        record_case_event(
            &mut tx,
            case,
            now,
            Some(ctx.actor.user_id),
            "evidence",
            detail.clone(),
        )
        .await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_evidence.add",
            ("vuln_case", &case.to_string()),
            detail,
        )
        .await?;
        tx.commit().await?;
        Ok(evidence_view(row))
    }

    /// The evidence of a case (metadata only), audited.
    pub async fn list_evidence(
        &self,
        ctx: &OpContext,
        case: CaseId,
    ) -> Result<Vec<EvidenceView>, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        check_read(&mut tx, ctx, case).await?;
        let rows = tx.list_evidence(case).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_evidence.list",
            ("vuln_case", &case.to_string()),
            json!({"count": rows.len()}),
        )
        .await?;
        tx.commit().await?;
        Ok(rows.into_iter().map(evidence_view).collect())
    }

    /// Downloads a piece of evidence: opened from its envelope, checked
    /// against its recorded SHA-256, the read audited.
    pub async fn get_evidence(
        &self,
        ctx: &OpContext,
        case: CaseId,
        evidence: &str,
    ) -> Result<EvidenceFile, AppError> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        check_read(&mut tx, ctx, case).await?;
        let row = tx
            .get_evidence(case, evidence)
            .await?
            .ok_or_else(|| AppError::NotFound("evidence".into()))?;
        let bytes = self
            .open_secret(&mut tx, row.secret_id, &aad(&row.id))
            .await?
            .expose()
            .to_vec();
        if hex::encode(Sha256::digest(&bytes)) != row.sha256 {
            return Err(AppError::Internal(format!(
                "evidence {} does not match its recorded SHA-256",
                row.id
            )));
        }
        record(
            &mut tx,
            ctx.into(),
            now,
            "vuln_evidence.read",
            ("vuln_evidence", &row.id),
            json!({"case": case.to_string(), "sha256": row.sha256, "size": row.size}),
        )
        .await?;
        tx.commit().await?;
        Ok(EvidenceFile {
            meta: evidence_view(row),
            bytes,
        })
    }
}
