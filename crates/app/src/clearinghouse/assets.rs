//! Operators' assets: an SBOM (CycloneDX or SPDX JSON) registered under a
//! name, matched against every published advisory on registration, and the
//! operator's view of what affects its assets now.
//!
//! Need-to-know: only the operator organisation's own operators register
//! and read its assets (`Action::RegisterAssets`, `Action::ReadAssets` on
//! `Resource::OwnedBy(org)`); another organisation's asset reads as "not
//! found". Registering is one transaction with one audit event; reading
//! one's own inventory is not confidential to oneself and is not audited.

use std::collections::{BTreeSet, HashMap};

use bulwark_domain::identity::OrgKind;
use bulwark_domain::ids::OrgId;
use bulwark_domain::policy::{authorize, tlp_visible, Action, Resource};
use bulwark_formats::model::{Advisory, Tlp};
use bulwark_formats::sbom::{parse_sbom, Component, Sbom, SbomFormat};
use bulwark_store::{AssetComponentRow, AssetRow, AssetVexRow, NoticeRow, OrgRow, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use sha2::{Digest, Sha256};

use super::clearance::caller_clearance;
use super::matching::{
    match_inventory, org_clearance, reconcile_notices, severity_of, status_name, vex_statements,
    AdvisoryHit, AffectedComponentView, PendingNotice, SuppressedComponentView,
};
use crate::audit::record;
use crate::{App, AppError, OpContext};

/// Largest SBOM accepted (bytes).
pub const MAX_SBOM_BYTES: usize = 64 * 1024 * 1024;
/// Most components in one SBOM.
pub const MAX_COMPONENTS: usize = 1_000_000;
/// Longest asset name (characters).
pub const MAX_ASSET_NAME: usize = 200;

/// A registered asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssetView {
    /// Its id.
    pub id: String,
    /// The operator organisation's slug.
    pub operator: String,
    /// Its name (unique within the operator).
    pub name: String,
    /// The operator's sector when registered.
    pub sector: Option<String>,
    /// `cyclonedx` or `spdx`.
    pub sbom_format: String,
    /// The SBOM's spec version.
    pub spec_version: String,
    /// Hex SHA-256 of the SBOM as uploaded.
    pub sha256: String,
    /// Components in the SBOM.
    pub components: i64,
    /// First registered.
    pub created_at: DateTime<Utc>,
    /// Last replaced.
    pub updated_at: DateTime<Utc>,
}

/// The outcome of registering an SBOM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssetRegisteredView {
    /// The asset.
    pub asset: AssetView,
    /// Whether an asset of this name existed (its inventory was replaced).
    pub replaced: bool,
    /// Components with a package URL (the ones matched).
    pub indexed_components: usize,
    /// Advisories affecting the asset now.
    pub affected_advisories: usize,
    /// Notices created.
    pub notices_created: usize,
    /// Notices brought up to date.
    pub notices_updated: usize,
    /// Notices resolved (the new inventory is not affected any more).
    pub notices_resolved: usize,
}

/// One advisory's effect on one asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AdvisoryMatchView {
    /// The advisory's id.
    pub advisory_id: String,
    /// Its revision.
    pub revision: i64,
    /// Its title.
    pub title: String,
    /// Headline severity (`critical 9.8`, `high`), when it has one.
    pub severity: Option<String>,
    /// Its TLP level.
    pub tlp: String,
    /// The affected components with their fixing versions (empty: every
    /// match is suppressed by VEX).
    pub affected: Vec<AffectedComponentView>,
    /// Every fixing version named, once.
    pub fixed_versions: Vec<String>,
    /// Matches VEX statements take away.
    pub suppressed: Vec<SuppressedComponentView>,
    /// The notice about it, when one was sent.
    pub notice_id: Option<String>,
    /// `pending`, `acknowledged` or `resolved`; none without a notice.
    pub notice_state: Option<String>,
    /// When the fix was acknowledged as deployed.
    pub acknowledged_at: Option<DateTime<Utc>>,
}

/// One asset and what affects it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AssetMatchView {
    /// The asset.
    pub asset: AssetView,
    /// Advisories matching it, by id.
    pub advisories: Vec<AdvisoryMatchView>,
}

/// An operator's current exposure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MatchReportView {
    /// The operator's slug.
    pub operator: String,
    /// The highest TLP level the caller may receive (applied to every match).
    pub max_tlp: String,
    /// Every asset, by name.
    pub assets: Vec<AssetMatchView>,
}

impl AssetView {
    pub(crate) fn from_row(row: AssetRow, operator: &str) -> Self {
        Self {
            id: row.id,
            operator: operator.to_owned(),
            name: row.name,
            sector: row.sector,
            sbom_format: row.sbom_format,
            spec_version: row.spec_version,
            sha256: row.sbom_sha256,
            components: row.component_count,
            created_at: row.created_at,
            updated_at: row.updated_at,
        }
    }
}

/// The state of a notice, as shown.
pub(crate) fn notice_state(n: &NoticeRow) -> &'static str {
    if n.acknowledged_at.is_some() {
        "acknowledged"
    } else if n.resolved_at.is_some() {
        "resolved"
    } else {
        "pending"
    }
}

/// Finds the operator organisation `slug` and checks `action` on it: an
/// organisation the caller may not see reads as not found; one it sees but
/// may not act on (a read-only token registering) is forbidden.
pub(crate) async fn operator_org(
    tx: &mut Tx,
    ctx: &OpContext,
    slug: &str,
    action: Action,
) -> Result<OrgRow, AppError> {
    let not_found = || AppError::NotFound(format!("operator {slug:?}"));
    let org = tx.get_org_by_slug(slug).await?.ok_or_else(not_found)?;
    if org.kind != OrgKind::Operator {
        return Err(not_found());
    }
    let resource = Resource::OwnedBy(org.id);
    if authorize(&ctx.actor, action, &resource).is_err() {
        return Err(
            if authorize(&ctx.actor, Action::ReadAssets, &resource).is_ok() {
                AppError::Forbidden(format!(
                    "your role ({}) or token may not do this to operator {slug:?}",
                    ctx.actor.role
                ))
            } else {
                not_found()
            },
        );
    }
    Ok(org)
}

fn validate_name(name: &str) -> Result<(), AppError> {
    let ok = !name.trim().is_empty()
        && name.trim() == name
        && name.chars().count() <= MAX_ASSET_NAME
        && !name.chars().any(char::is_control);
    if ok {
        Ok(())
    } else {
        Err(AppError::invalid(
            "name",
            format!(
                "must be 1 to {MAX_ASSET_NAME} printable characters without leading or trailing spaces"
            ),
        ))
    }
}

fn parse(bytes: &[u8]) -> Result<Sbom, AppError> {
    if bytes.is_empty() {
        return Err(AppError::invalid("sbom", "is empty"));
    }
    if bytes.len() > MAX_SBOM_BYTES {
        return Err(AppError::invalid(
            "sbom",
            format!("is larger than {MAX_SBOM_BYTES} bytes"),
        ));
    }
    let sbom = parse_sbom(bytes).map_err(|e| {
        AppError::invalid("sbom", format!("not a CycloneDX or SPDX JSON SBOM: {e}"))
    })?;
    if sbom.components.len() > MAX_COMPONENTS {
        return Err(AppError::invalid(
            "sbom",
            format!(
                "has {} components; at most {MAX_COMPONENTS}",
                sbom.components.len()
            ),
        ));
    }
    Ok(sbom)
}

/// An SBOM's components with a purl, and its VEX statements, as stored.
fn inventory_rows(sbom: &Sbom) -> (Vec<AssetComponentRow>, Vec<AssetVexRow>) {
    let components = sbom
        .components
        .iter()
        .enumerate()
        .filter_map(|(idx, c)| {
            Some(AssetComponentRow {
                asset_id: String::new(),
                idx: idx as i64,
                package_key: c.purl.clone()?,
                version: c.version.clone(),
                name: c.name.clone(),
            })
        })
        .collect();
    let mut vex = Vec::new();
    for s in &sbom.vex {
        if sbom
            .components
            .get(s.component)
            .is_none_or(|c| c.purl.is_none())
        {
            continue;
        }
        let ids: BTreeSet<String> = std::iter::once(&s.vulnerability)
            .chain(&s.aliases)
            .map(|id| id.to_ascii_uppercase())
            .collect();
        for id in ids {
            vex.push(AssetVexRow {
                asset_id: String::new(),
                vulnerability: id,
                idx: s.component as i64,
                status: status_name(s.statement.status).to_owned(),
                justification: s.statement.justification.clone(),
                detail: s.statement.detail.clone(),
            });
        }
    }
    (components, vex)
}

/// Titles of advisories by id (the id itself when the document is gone).
async fn titles(tx: &mut Tx, hits: &[AdvisoryHit]) -> Result<HashMap<String, String>, AppError> {
    let ids: Vec<String> = hits
        .iter()
        .filter(|h| !h.affected.is_empty())
        .map(|h| h.advisory_id.clone())
        .collect();
    Ok(tx.advisory_titles(&ids).await?)
}

impl App {
    /// Registers (or replaces) an operator's asset from an SBOM and matches
    /// it against every published advisory, creating notices for new
    /// matches, updating changed ones and resolving those the new inventory
    /// is no longer affected by — one transaction, one audit event.
    pub async fn add_sbom(
        &self,
        ctx: &OpContext,
        operator: &str,
        name: &str,
        bytes: Vec<u8>,
    ) -> Result<AssetRegisteredView, AppError> {
        validate_name(name)?;
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let sbom = tokio::task::spawn_blocking(move || parse(&bytes))
            .await
            .map_err(|e| AppError::Internal(format!("SBOM parser stopped: {e}")))??;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let org = operator_org(&mut tx, ctx, operator, Action::RegisterAssets).await?;
        tx.lock_matching().await?;
        let existing = tx.get_asset_by_name(org.id, name).await?;
        let replaced = existing.is_some();
        let sector = org.sector.map(|s| s.as_str().to_owned());
        let asset = AssetRow {
            id: existing
                .as_ref()
                .map_or_else(|| uuid::Uuid::new_v4().to_string(), |a| a.id.clone()),
            org_id: org.id,
            name: name.to_owned(),
            sector: sector.clone(),
            sbom_format: match sbom.format {
                SbomFormat::Cyclonedx => "cyclonedx",
                SbomFormat::Spdx => "spdx",
            }
            .to_owned(),
            spec_version: sbom.spec_version.clone(),
            sbom_sha256: sha256,
            component_count: sbom.components.len() as i64,
            created_at: existing.as_ref().map_or(now, |a| a.created_at),
            updated_at: now,
        };
        tx.upsert_asset(&asset).await?;
        let (components, vex) = inventory_rows(&sbom);
        let packages: Vec<String> = components
            .iter()
            .map(|c| c.package_key.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let rows = tx.advisory_packages_for(&packages).await?;
        let clearance = org_clearance(tx.org_tlp_clearance(org.id).await?.as_deref());
        let vex_count = sbom.vex.len();
        // Matching is CPU work on what was just read: it runs on another
        // thread while this one stores the inventory.
        let matching = {
            let sector = sector.clone();
            tokio::task::spawn_blocking(move || {
                match_inventory(
                    &sbom.components,
                    &sbom.vex,
                    &rows,
                    clearance,
                    sector.as_deref(),
                )
            })
        };
        tx.replace_asset_inventory(&asset.id, &components, &vex)
            .await?;
        let hits = matching
            .await
            .map_err(|e| AppError::Internal(format!("SBOM matching stopped: {e}")))??;
        let titles = titles(&mut tx, &hits).await?;
        let current: Vec<PendingNotice> = hits
            .iter()
            .filter(|h| !h.affected.is_empty())
            .map(|h| PendingNotice {
                org_id: org.id,
                asset_id: asset.id.clone(),
                advisory_id: h.advisory_id.clone(),
                revision: h.revision,
                tlp: h.tlp,
                title: titles
                    .get(&h.advisory_id)
                    .cloned()
                    .unwrap_or_else(|| h.advisory_id.clone()),
                components: h.affected.clone(),
            })
            .collect();
        let affected_advisories = current.len();
        let existing_notices = tx.notices_for_asset(&asset.id).await?;
        let changes =
            reconcile_notices(&mut tx, existing_notices, current, "inventory", None, now).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            if replaced {
                "asset.replace"
            } else {
                "asset.register"
            },
            ("asset", &asset.id),
            json!({
                "operator": org.slug,
                "name": name,
                "sha256": asset.sbom_sha256,
                "format": asset.sbom_format,
                "components": asset.component_count,
                "indexed_components": components.len(),
                "vex_statements": vex_count,
                "affected_advisories": affected_advisories,
                "notices_created": changes.created,
                "notices_updated": changes.updated,
                "notices_resolved": changes.resolved,
            }),
        )
        .await?;
        tx.commit().await?;
        Ok(AssetRegisteredView {
            asset: AssetView::from_row(asset, &org.slug),
            replaced,
            indexed_components: components.len(),
            affected_advisories,
            notices_created: changes.created,
            notices_updated: changes.updated,
            notices_resolved: changes.resolved,
        })
    }

    /// An operator's assets by name (`operator`: a slug; `None`: the
    /// caller's own organisation).
    pub async fn list_assets(
        &self,
        ctx: &OpContext,
        operator: Option<&str>,
    ) -> Result<Vec<AssetView>, AppError> {
        let mut tx = self.store.begin_read().await?;
        let slug = operator.unwrap_or(&ctx.actor.org_slug).to_owned();
        let org = operator_org(&mut tx, ctx, &slug, Action::ReadAssets).await?;
        let rows = tx.list_assets(Some(org.id)).await?;
        Ok(rows
            .into_iter()
            .map(|r| AssetView::from_row(r, &org.slug))
            .collect())
    }

    /// What affects each of an operator's assets now: per asset, every
    /// advisory within the caller's TLP clearance and reaching the asset's
    /// sector, with the affected components and fixing versions, the
    /// matches VEX suppresses, and the notice and acknowledgement state.
    pub async fn match_operator(
        &self,
        ctx: &OpContext,
        operator: &str,
    ) -> Result<MatchReportView, AppError> {
        let mut tx = self.store.begin_read().await?;
        let org = operator_org(&mut tx, ctx, operator, Action::ReadAssets).await?;
        let clearance = caller_clearance(&mut tx, ctx).await?;
        let assets = tx.list_assets(Some(org.id)).await?;
        let stored = tx.org_asset_components(org.id).await?;
        let vex_rows = tx.org_asset_vex(org.id).await?;
        let packages: Vec<String> = stored
            .iter()
            .map(|c| c.package_key.clone())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect();
        let rows = tx.advisory_packages_for(&packages).await?;
        let levels: Vec<&str> = Tlp::ALL
            .iter()
            .filter(|l| tlp_visible(clearance, **l))
            .map(|l| l.as_str())
            .collect();
        let notices: HashMap<(String, String), NoticeRow> = tx
            .list_org_notices(org.id, &levels)
            .await?
            .into_iter()
            .map(|n| ((n.asset_id.clone(), n.advisory_id.clone()), n))
            .collect();
        let mut by_asset: HashMap<&str, Vec<&AssetComponentRow>> = HashMap::new();
        for c in &stored {
            by_asset.entry(&c.asset_id).or_default().push(c);
        }
        let mut vex_by_asset: HashMap<&str, Vec<&AssetVexRow>> = HashMap::new();
        for v in &vex_rows {
            vex_by_asset.entry(&v.asset_id).or_default().push(v);
        }
        let mut per_asset = Vec::new();
        let mut advisory_ids = BTreeSet::new();
        for asset in &assets {
            let own = by_asset.remove(asset.id.as_str()).unwrap_or_default();
            let keys: BTreeSet<&str> = own.iter().map(|c| c.package_key.as_str()).collect();
            let position: HashMap<i64, usize> =
                own.iter().enumerate().map(|(at, c)| (c.idx, at)).collect();
            let components: Vec<Component> = own
                .iter()
                .map(|c| Component {
                    purl: Some(c.package_key.clone()),
                    version: c.version.clone(),
                    name: c.name.clone(),
                    ..Component::default()
                })
                .collect();
            let vex = vex_statements(
                vex_by_asset
                    .get(asset.id.as_str())
                    .map_or(&[][..], Vec::as_slice),
                &components,
                &position,
            );
            let relevant: Vec<_> = rows
                .iter()
                .filter(|r| keys.contains(r.package_key.as_str()))
                .cloned()
                .collect();
            let hits = match_inventory(
                &components,
                &vex,
                &relevant,
                clearance,
                asset.sector.as_deref(),
            )?;
            advisory_ids.extend(hits.iter().map(|h| h.advisory_id.clone()));
            per_asset.push((asset.clone(), hits));
        }
        let ids: Vec<String> = advisory_ids.into_iter().collect();
        let docs: HashMap<String, (String, Option<String>)> = tx
            .advisory_documents(&ids)
            .await?
            .into_iter()
            .map(|d| {
                let severity = serde_json::from_str::<Advisory>(&d.document)
                    .ok()
                    .and_then(|a| severity_of(&a));
                (d.id, (d.title, severity))
            })
            .collect();
        let assets = per_asset
            .into_iter()
            .map(|(asset, hits)| {
                let advisories = hits
                    .into_iter()
                    .map(|h| {
                        let notice = notices.get(&(asset.id.clone(), h.advisory_id.clone()));
                        let (title, severity) = docs
                            .get(&h.advisory_id)
                            .cloned()
                            .unwrap_or_else(|| (h.advisory_id.clone(), None));
                        let fixed_versions = h
                            .affected
                            .iter()
                            .flat_map(|c| c.fixed_versions.iter().cloned())
                            .collect::<BTreeSet<_>>()
                            .into_iter()
                            .collect();
                        AdvisoryMatchView {
                            advisory_id: h.advisory_id,
                            revision: h.revision,
                            title,
                            severity,
                            tlp: h.tlp.as_str().to_owned(),
                            affected: h.affected,
                            fixed_versions,
                            suppressed: h.suppressed,
                            notice_id: notice.map(|n| n.id.clone()),
                            notice_state: notice.map(|n| notice_state(n).to_owned()),
                            acknowledged_at: notice.and_then(|n| n.acknowledged_at),
                        }
                    })
                    .collect();
                AssetMatchView {
                    asset: AssetView::from_row(asset, &org.slug),
                    advisories,
                }
            })
            .collect();
        Ok(MatchReportView {
            operator: org.slug,
            max_tlp: clearance.as_str().to_owned(),
            assets,
        })
    }
}

/// The organisation id of an operator slug, for callers outside this module.
pub(crate) async fn operator_id(
    tx: &mut Tx,
    ctx: &OpContext,
    slug: &str,
) -> Result<OrgId, AppError> {
    Ok(operator_org(tx, ctx, slug, Action::ReadAssets).await?.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked() {
        assert!(validate_name("web-frontend").is_ok());
        for bad in ["", " x", "x ", "a\nb"] {
            assert!(validate_name(bad).is_err(), "{bad:?}");
        }
        assert!(validate_name(&"x".repeat(MAX_ASSET_NAME + 1)).is_err());
    }

    #[test]
    fn bad_sboms_name_the_problem() {
        let err = parse(b"").unwrap_err().to_string();
        assert!(err.starts_with("sbom: is empty"), "{err}");
        let err = parse(br#"{"bomFormat":"SPDX"}"#).unwrap_err().to_string();
        assert!(err.contains("bomFormat"), "{err}");
    }
}
