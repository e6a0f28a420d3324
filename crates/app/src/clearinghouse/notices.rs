//! Notices (an advisory affects an operator's asset), the operator's
//! acknowledgement that the fix is deployed, and time-to-patch per sector.
//!
//! An operator reads only its organisation's notices and only those whose
//! TLP level is within its clearance (the level is checked again at every
//! read, so a lowered clearance hides notices at once); another
//! organisation's notice reads as "not found". Acknowledging is idempotent
//! and audited once. Time-to-patch (acknowledgement minus notice) is for
//! analysts and administrators (`Action::ReadPatchMetrics`): counts and
//! durations only, no advisory content.

use std::collections::BTreeMap;

use bulwark_domain::policy::{authorize, tlp_visible, Action, Resource};
use bulwark_formats::model::Tlp;
use bulwark_store::NoticeRow;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::assets::{notice_state, operator_id};
use super::clearance::caller_clearance;
use super::matching::AffectedComponentView;
use crate::accounts::require;
use crate::audit::record;
use crate::{App, AppError, OpContext};

/// A notice as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct NoticeView {
    /// Its id.
    pub id: String,
    /// The asset.
    pub asset_id: String,
    /// The asset's name.
    pub asset_name: String,
    /// The advisory.
    pub advisory_id: String,
    /// The advisory revision this notice reflects.
    pub revision: i64,
    /// The advisory's title.
    pub title: String,
    /// Its TLP level.
    pub tlp: String,
    /// Exactly the affected components, with versions and fixing versions.
    pub components: Vec<AffectedComponentView>,
    /// `pending`, `acknowledged` or `resolved`.
    pub state: String,
    /// Sent.
    pub created_at: DateTime<Utc>,
    /// Last changed (a new revision, a new SBOM, the acknowledgement).
    pub updated_at: DateTime<Utc>,
    /// When the asset stopped being affected.
    pub resolved_at: Option<DateTime<Utc>>,
    /// Why: `inventory` (a new SBOM) or `advisory` (a new revision).
    pub resolution: Option<String>,
    /// When the fix was acknowledged as deployed.
    pub acknowledged_at: Option<DateTime<Utc>>,
    /// Who acknowledged it.
    pub acknowledged_by: Option<String>,
}

/// Time-to-patch in one sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SectorPatchView {
    /// The sector (`unknown` for assets of operators without one).
    pub sector: String,
    /// Notices sent.
    pub notices: usize,
    /// Acknowledged as patched.
    pub acknowledged: usize,
    /// Resolved without acknowledgement (a new SBOM or advisory revision
    /// shows the asset unaffected).
    pub resolved: usize,
    /// Neither acknowledged nor resolved.
    pub pending: usize,
    /// Median time from notice to acknowledgement, in seconds (nearest rank).
    pub median_seconds: Option<i64>,
    /// 90th percentile of the same, in seconds (nearest rank).
    pub p90_seconds: Option<i64>,
    /// When the oldest pending notice was sent.
    pub oldest_pending_at: Option<DateTime<Utc>>,
    /// How long it has been pending, in seconds.
    pub oldest_pending_seconds: Option<i64>,
}

/// Time-to-patch per sector.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TimeToPatchView {
    /// When computed.
    pub at: DateTime<Utc>,
    /// Per sector, by name.
    pub sectors: Vec<SectorPatchView>,
}

impl NoticeView {
    fn from_row(row: NoticeRow) -> Result<Self, AppError> {
        let components = serde_json::from_str(&row.components)
            .map_err(|e| AppError::Internal(format!("notice {} components: {e}", row.id)))?;
        Ok(Self {
            state: notice_state(&row).to_owned(),
            id: row.id,
            asset_id: row.asset_id,
            asset_name: row.asset_name,
            advisory_id: row.advisory_id,
            revision: row.revision,
            title: row.title,
            tlp: row.tlp,
            components,
            created_at: row.created_at,
            updated_at: row.updated_at,
            resolved_at: row.resolved_at,
            resolution: row.resolution,
            acknowledged_at: row.acknowledged_at,
            acknowledged_by: row.acknowledged_by,
        })
    }
}

/// The `p`-th percentile (0–100) of sorted values, nearest-rank method.
pub fn nearest_rank(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1);
    sorted.get(rank as usize - 1).copied()
}

fn visible_levels(clearance: Tlp) -> Vec<&'static str> {
    Tlp::ALL
        .iter()
        .filter(|l| tlp_visible(clearance, **l))
        .map(|l| l.as_str())
        .collect()
}

impl App {
    /// An operator's notices, newest first (`operator`: a slug; `None`: the
    /// caller's organisation), within the caller's TLP clearance.
    pub async fn list_notices(
        &self,
        ctx: &OpContext,
        operator: Option<&str>,
    ) -> Result<Vec<NoticeView>, AppError> {
        let mut tx = self.store.begin_read().await?;
        let slug = operator.unwrap_or(&ctx.actor.org_slug).to_owned();
        let org = operator_id(&mut tx, ctx, &slug).await?;
        let clearance = caller_clearance(&mut tx, ctx).await?;
        let rows = tx.list_org_notices(org, &visible_levels(clearance)).await?;
        rows.into_iter().map(NoticeView::from_row).collect()
    }

    /// Records that the fix a notice asks for is deployed on its asset.
    /// Idempotent: acknowledging again changes nothing and answers the
    /// notice as it is.
    pub async fn acknowledge_notice(
        &self,
        ctx: &OpContext,
        id: &str,
    ) -> Result<NoticeView, AppError> {
        let not_found = || AppError::NotFound(format!("notice {id:?}"));
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let notice = tx.get_notice(id).await?.ok_or_else(not_found)?;
        let resource = Resource::OwnedBy(notice.org_id);
        if authorize(&ctx.actor, Action::ReadAssets, &resource).is_err() {
            return Err(not_found());
        }
        let clearance = caller_clearance(&mut tx, ctx).await?;
        let level = Tlp::parse(&notice.tlp)
            .ok_or_else(|| AppError::Internal(format!("notice {id} has TLP {:?}", notice.tlp)))?;
        if !tlp_visible(clearance, level) {
            return Err(not_found());
        }
        if authorize(&ctx.actor, Action::AcknowledgePatch, &resource).is_err() {
            return Err(AppError::Forbidden(format!(
                "your role ({}) or token may not acknowledge patches",
                ctx.actor.role
            )));
        }
        if tx.acknowledge_notice(id, ctx.actor.user_id, now).await? {
            record(
                &mut tx,
                ctx.into(),
                now,
                "notice.acknowledge",
                ("notice", id),
                json!({
                    "asset": notice.asset_id,
                    "advisory": notice.advisory_id,
                    "revision": notice.revision,
                    "seconds_since_notice": (now - notice.created_at).num_seconds(),
                }),
            )
            .await?;
        }
        let row = tx.get_notice(id).await?.ok_or_else(not_found)?;
        tx.commit().await?;
        NoticeView::from_row(row)
    }

    /// Time-to-patch per sector: notices, acknowledged, resolved, pending,
    /// median and 90th percentile of acknowledgement minus notice, and the
    /// oldest pending notice.
    pub async fn time_to_patch(&self, ctx: &OpContext) -> Result<TimeToPatchView, AppError> {
        require(ctx, Action::ReadPatchMetrics)?;
        let now = self.clock.now();
        let mut tx = self.store.begin_read().await?;
        let rows = tx.notice_times().await?;
        #[derive(Default)]
        struct Acc {
            notices: usize,
            resolved: usize,
            pending: usize,
            durations: Vec<i64>,
            oldest: Option<DateTime<Utc>>,
        }
        let mut sectors: BTreeMap<String, Acc> = BTreeMap::new();
        for row in rows {
            let acc = sectors
                .entry(row.sector.unwrap_or_else(|| "unknown".to_owned()))
                .or_default();
            acc.notices += 1;
            match (row.acknowledged_at, row.resolved_at) {
                (Some(ack), _) => acc.durations.push((ack - row.created_at).num_seconds()),
                (None, Some(_)) => acc.resolved += 1,
                (None, None) => {
                    acc.pending += 1;
                    acc.oldest = Some(acc.oldest.map_or(row.created_at, |o| o.min(row.created_at)));
                }
            }
        }
        let sectors = sectors
            .into_iter()
            .map(|(sector, mut acc)| {
                acc.durations.sort_unstable();
                SectorPatchView {
                    sector,
                    notices: acc.notices,
                    acknowledged: acc.durations.len(),
                    resolved: acc.resolved,
                    pending: acc.pending,
                    median_seconds: nearest_rank(&acc.durations, 50),
                    p90_seconds: nearest_rank(&acc.durations, 90),
                    oldest_pending_at: acc.oldest,
                    oldest_pending_seconds: acc.oldest.map(|o| (now - o).num_seconds()),
                }
            })
            .collect();
        Ok(TimeToPatchView { at: now, sectors })
    }
}

#[cfg(test)]
mod tests {
    use super::nearest_rank;

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(nearest_rank(&[], 50), None);
        assert_eq!(nearest_rank(&[7], 90), Some(7));
        let v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        assert_eq!(nearest_rank(&v, 50), Some(5));
        assert_eq!(nearest_rank(&v, 90), Some(9));
        assert_eq!(nearest_rank(&[10, 20, 30], 50), Some(20));
        assert_eq!(nearest_rank(&[10, 20, 30], 90), Some(30));
    }
}
