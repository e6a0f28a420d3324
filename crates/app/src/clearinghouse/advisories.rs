//! Reading published advisories: everyone with an account
//! (`Action::ReadAdvisory`), limited by TLP clearance with the one rule
//! (`policy::tlp_clearance` and `policy::tlp_visible`). The store filters
//! by the levels the caller is cleared for, so nothing above the clearance
//! is fetched; an advisory above it answers "not found". Reads are audited.

use bulwark_domain::policy::{tlp_visible, Action, Resource};
use bulwark_formats::model::{Advisory, Tlp};
use bulwark_store::{AdvisoryRow, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::clearance::caller_clearance;
use crate::audit::record;
use crate::models::check;
use crate::{App, AppError, OpContext};

/// Most advisories in one page.
pub const MAX_PAGE: i64 = 500;

/// A published advisory (its current revision).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AdvisoryView {
    /// Its id (the case name, `BWK-2026-000123`).
    pub id: String,
    /// The current revision.
    pub revision: i64,
    /// Its sequence number (raised on every revision of any advisory).
    pub seq: i64,
    /// TLP level.
    pub tlp: String,
    /// Target sectors (empty: every sector).
    pub sectors: Vec<String>,
    /// Title.
    pub title: String,
    /// First publication.
    pub published_at: DateTime<Utc>,
    /// Last revision.
    pub updated_at: DateTime<Utc>,
    /// The advisory (`bulwark_formats::model::Advisory`), from which every
    /// export format is written.
    #[schema(value_type = Object)]
    pub document: Advisory,
}

/// One revision of an advisory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AdvisoryRevisionView {
    /// Its number.
    pub revision: i64,
    /// Its sequence number.
    pub seq: i64,
    /// When it was published.
    pub created_at: DateTime<Utc>,
    /// The advisory as published then.
    #[schema(value_type = Object)]
    pub document: Advisory,
}

fn document(id: &str, text: &str) -> Result<Advisory, AppError> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("stored advisory {id} is not an advisory: {e}")))
}

pub(crate) fn advisory_view(row: AdvisoryRow) -> Result<AdvisoryView, AppError> {
    let sectors: Vec<String> = serde_json::from_str(&row.sectors)
        .map_err(|e| AppError::Internal(format!("stored sectors of {}: {e}", row.id)))?;
    Ok(AdvisoryView {
        document: document(&row.id, &row.document)?,
        id: row.id,
        revision: row.revision,
        seq: row.seq,
        tlp: row.tlp,
        sectors,
        title: row.title,
        published_at: row.published_at,
        updated_at: row.updated_at,
    })
}

/// The caller's TLP clearance and the levels it may receive.
async fn visible_levels(
    tx: &mut Tx,
    ctx: &OpContext,
) -> Result<(Tlp, Vec<&'static str>), AppError> {
    let clearance = caller_clearance(tx, ctx).await?;
    let levels = Tlp::ALL
        .into_iter()
        .filter(|level| tlp_visible(clearance, *level))
        .map(Tlp::as_str)
        .collect();
    Ok((clearance, levels))
}

impl App {
    /// Advisories the caller is cleared for, by sequence number after
    /// `after_seq` (0: from the start), at most `limit`.
    pub async fn list_advisories(
        &self,
        ctx: &OpContext,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AdvisoryView>, AppError> {
        check(ctx, Action::ReadAdvisory, &Resource::Global, "advisory")?;
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(AppError::invalid(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        if after_seq < 0 {
            return Err(AppError::invalid("after_seq", "must not be negative"));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let (clearance, levels) = visible_levels(&mut tx, ctx).await?;
        let rows = tx
            .list_visible_advisories(&levels, after_seq, limit)
            .await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "advisory.list",
            ("advisory", "*"),
            json!({"clearance": clearance.as_str(), "after_seq": after_seq, "count": rows.len()}),
        )
        .await?;
        tx.commit().await?;
        rows.into_iter().map(advisory_view).collect()
    }

    /// One advisory; "not found" when it is above the caller's clearance.
    pub async fn get_advisory(&self, ctx: &OpContext, id: &str) -> Result<AdvisoryView, AppError> {
        let (row, _) = self.visible_advisory(ctx, id, "advisory.read").await?;
        advisory_view(row)
    }

    /// Every revision of an advisory the caller is cleared for, oldest first.
    pub async fn advisory_revisions(
        &self,
        ctx: &OpContext,
        id: &str,
    ) -> Result<Vec<AdvisoryRevisionView>, AppError> {
        let (_, revisions) = self.visible_advisory(ctx, id, "advisory.revisions").await?;
        revisions
            .into_iter()
            .map(|r| {
                Ok(AdvisoryRevisionView {
                    revision: r.revision,
                    seq: r.seq,
                    created_at: r.created_at,
                    document: document(&r.advisory_id, &r.document)?,
                })
            })
            .collect()
    }

    async fn visible_advisory(
        &self,
        ctx: &OpContext,
        id: &str,
        action: &str,
    ) -> Result<(AdvisoryRow, Vec<bulwark_store::AdvisoryRevisionRow>), AppError> {
        check(ctx, Action::ReadAdvisory, &Resource::Global, "advisory")?;
        if id.is_empty() || id.len() > 100 {
            return Err(AppError::NotFound("advisory".into()));
        }
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let (clearance, levels) = visible_levels(&mut tx, ctx).await?;
        let row = tx
            .get_visible_advisory(id, &levels)
            .await?
            .ok_or_else(|| AppError::NotFound("advisory".into()))?;
        let revisions = if action == "advisory.revisions" {
            tx.list_advisory_revisions(id).await?
        } else {
            Vec::new()
        };
        record(
            &mut tx,
            ctx.into(),
            now,
            action,
            ("advisory", id),
            json!({"clearance": clearance.as_str(), "revision": row.revision}),
        )
        .await?;
        tx.commit().await?;
        Ok((row, revisions))
    }
}
