//! Matching operators' inventories against published advisories (DESIGN
//! §4.3 "match … VEX suppresses … notify operators of exactly their
//! affected assets and the fixing versions").
//!
//! Both directions read the database, never an in-memory copy, so every
//! process of an installation answers alike:
//!
//! * `advisory_packages` holds, per (package, advisory), only what matching
//!   needs: the affected entries naming that package, the advisory's ids,
//!   TLP, target sectors and vendor VEX. Publishing a revision
//!   ([`on_advisory_published`]) replaces the advisory's rows.
//! * Registering an SBOM looks its distinct packages up there in chunks,
//!   compiles the advisories found into a [`AdvisoryIndex`] and matches the
//!   inventory with it; publishing an advisory looks the holders of its
//!   packages up in `asset_components` and evaluates each distinct
//!   (package, version) once.
//!
//! What reaches an operator: an advisory whose TLP level is within the
//! organisation's clearance ([`tlp_visible`]) and that targets every sector
//! or the asset's sector; a component match the asset's own SBOM VEX
//! (`not_affected`, `fixed`) or the advisory's vendor VEX suppresses is
//! reported as suppressed, never as a notice. Registration and publication
//! are serialised ([`bulwark_store::Tx::lock_matching`]), so an SBOM
//! registered while an advisory is published is matched by one of the two.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use bulwark_domain::ids::OrgId;
use bulwark_domain::policy::tlp_visible;
use bulwark_formats::matching::vex::{is_suppressing, statement_suppresses};
use bulwark_formats::matching::{AdvisoryIndex, Suppressions};
use bulwark_formats::model::{Advisory, Affected, Severity, Tlp, VexStatement, VexStatus};
use bulwark_formats::sbom::purl::canonicalize;
use bulwark_formats::sbom::{Component, SbomVexStatement};
use bulwark_store::{AdvisoryPackageRow, AssetVexRow, NewNotice, NoticeRow, Tx};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::audit::{record, AuditWho};
use crate::AppError;

/// A component of an asset that an advisory affects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AffectedComponentView {
    /// Canonical package URL without version.
    pub purl: String,
    /// The component's name.
    pub name: String,
    /// The version in the SBOM.
    pub version: Option<String>,
    /// The versions that fix it (empty: no fix known).
    pub fixed_versions: Vec<String>,
}

/// A match that a VEX statement takes away.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SuppressedComponentView {
    /// Canonical package URL without version.
    pub purl: String,
    /// The version in the SBOM.
    pub version: Option<String>,
    /// Whose statement: `sbom` (the asset's own) or `vendor` (the advisory's).
    pub by: String,
    /// `not_affected` or `fixed`.
    pub status: String,
    /// Why not affected, when the statement says.
    pub justification: Option<String>,
}

/// Everything one advisory does to one inventory.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct AdvisoryHit {
    pub advisory_id: String,
    pub revision: i64,
    pub tlp: Tlp,
    /// Affected components, in inventory order.
    pub affected: Vec<AffectedComponentView>,
    /// Suppressed matches, in inventory order.
    pub suppressed: Vec<SuppressedComponentView>,
}

/// One advisory's facts about the packages an inventory holds, decoded.
struct Facts {
    revision: i64,
    tlp: Tlp,
    ids: Vec<String>,
    entries: Vec<Affected>,
    vex: Vec<VexStatement>,
}

/// The clearance stored for an organisation (`None` or unreadable: CLEAR,
/// the most restrictive reading).
pub(crate) fn org_clearance(stored: Option<&str>) -> Tlp {
    stored.and_then(Tlp::parse).unwrap_or(Tlp::Clear)
}

/// Whether an advisory targeting `sectors` (empty: all) reaches an asset
/// in `sector`.
pub(crate) fn reaches_sector(sectors: &[String], sector: Option<&str>) -> bool {
    sectors.is_empty() || sector.is_some_and(|s| sectors.iter().any(|t| t.eq_ignore_ascii_case(s)))
}

/// The name of a VEX status as stored.
pub(crate) fn status_name(status: VexStatus) -> &'static str {
    match status {
        VexStatus::Affected => "affected",
        VexStatus::NotAffected => "not_affected",
        VexStatus::Fixed => "fixed",
        VexStatus::UnderInvestigation => "under_investigation",
    }
}

fn parse_status(name: &str) -> Option<VexStatus> {
    [
        VexStatus::Affected,
        VexStatus::NotAffected,
        VexStatus::Fixed,
        VexStatus::UnderInvestigation,
    ]
    .into_iter()
    .find(|s| status_name(*s) == name)
}

/// A headline severity: the first CVSS vector's rating and score, else the
/// first qualitative rating.
pub(crate) fn severity_of(advisory: &Advisory) -> Option<String> {
    let scored = advisory.severities.iter().find_map(|s| match s {
        Severity::CvssV3 { vector } | Severity::CvssV4 { vector } => {
            bulwark_formats::cvss::parse(vector)
                .ok()
                .map(|c| format!("{} {}", c.severity().to_string().to_lowercase(), c.score()))
        }
        _ => None,
    });
    scored.or_else(|| {
        advisory.severities.iter().find_map(|s| match s {
            Severity::Qualitative { rating } => Some(rating.clone()),
            _ => None,
        })
    })
}

/// Rebuilds SBOM VEX statements from stored rows, `position` mapping a
/// stored component index to its place in the components matched.
pub(crate) fn vex_statements(
    rows: &[&AssetVexRow],
    components: &[Component],
    position: &HashMap<i64, usize>,
) -> Vec<SbomVexStatement> {
    rows.iter()
        .filter_map(|row| {
            let at = *position.get(&row.idx)?;
            let component = components.get(at)?;
            Some(SbomVexStatement {
                vulnerability: row.vulnerability.clone(),
                aliases: Vec::new(),
                component: at,
                statement: VexStatement {
                    product: component.product(),
                    version: component.version.clone(),
                    status: parse_status(&row.status)?,
                    justification: row.justification.clone(),
                    detail: row.detail.clone(),
                },
            })
        })
        .collect()
}

/// Matches one inventory against the advisories' package rows found for
/// its packages, for an organisation cleared for `clearance` in `sector`.
pub(crate) fn match_inventory(
    components: &[Component],
    vex: &[SbomVexStatement],
    rows: &[AdvisoryPackageRow],
    clearance: Tlp,
    sector: Option<&str>,
) -> Result<Vec<AdvisoryHit>, AppError> {
    let mut facts: BTreeMap<&str, Facts> = BTreeMap::new();
    for row in rows {
        let tlp = Tlp::parse(&row.tlp).ok_or_else(|| {
            AppError::Internal(format!(
                "advisory {} has TLP {:?}",
                row.advisory_id, row.tlp
            ))
        })?;
        if !tlp_visible(clearance, tlp) {
            continue;
        }
        let sectors: Vec<String> = decode(&row.sectors, "sectors")?;
        if !reaches_sector(&sectors, sector) {
            continue;
        }
        let entries: Vec<Affected> = decode(&row.entries, "entries")?;
        let statements: Vec<VexStatement> = decode(&row.vex, "vex")?;
        match facts.get_mut(row.advisory_id.as_str()) {
            Some(f) => {
                f.entries.extend(entries);
                f.vex.extend(statements);
            }
            None => {
                facts.insert(
                    &row.advisory_id,
                    Facts {
                        revision: row.revision,
                        tlp,
                        ids: decode(&row.ids, "ids")?,
                        entries,
                        vex: statements,
                    },
                );
            }
        }
    }
    let keyed: Vec<(&str, &Facts)> = facts.iter().map(|(id, f)| (*id, f)).collect();
    let mut index = AdvisoryIndex::new();
    let mut by_id: HashMap<String, Vec<u64>> = HashMap::new();
    let mut suppressions = Suppressions::new();
    for (key, (_, f)) in keyed.iter().enumerate() {
        let key = key as u64;
        index.insert(key, &f.entries);
        suppressions.add_vendor(key, &f.vex);
        for id in &f.ids {
            by_id.entry(id.to_ascii_uppercase()).or_default().push(key);
        }
    }
    suppressions.add_sbom(vex, |id| {
        by_id
            .get(&id.to_ascii_uppercase())
            .cloned()
            .unwrap_or_default()
    });
    // advisory key -> component -> fixed versions
    let mut affected: BTreeMap<u64, BTreeMap<usize, BTreeSet<String>>> = BTreeMap::new();
    let mut suppressed: BTreeMap<u64, BTreeSet<usize>> = BTreeMap::new();
    for found in index.match_components(components) {
        if suppressions.suppresses(&found, components) {
            suppressed
                .entry(found.advisory)
                .or_default()
                .insert(found.component);
        } else {
            let fixes = affected
                .entry(found.advisory)
                .or_default()
                .entry(found.component)
                .or_default();
            fixes.extend(found.fixed);
        }
    }
    let keys: BTreeSet<u64> = affected.keys().chain(suppressed.keys()).copied().collect();
    let mut hits = Vec::with_capacity(keys.len());
    for key in keys {
        let (id, f) = keyed[key as usize];
        let affected = affected
            .remove(&key)
            .unwrap_or_default()
            .into_iter()
            .map(|(at, fixes)| affected_view(&components[at], fixes))
            .collect();
        let suppressed = suppressed
            .remove(&key)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|at| suppressed_view(at, &components[at], vex, f))
            .collect();
        hits.push(AdvisoryHit {
            advisory_id: id.to_owned(),
            revision: f.revision,
            tlp: f.tlp,
            affected,
            suppressed,
        });
    }
    Ok(hits)
}

fn affected_view(component: &Component, fixes: BTreeSet<String>) -> AffectedComponentView {
    AffectedComponentView {
        purl: component.purl.clone().unwrap_or_default(),
        name: component.name.clone(),
        version: component.version.clone(),
        fixed_versions: fixes.into_iter().collect(),
    }
}

fn suppressed_view(
    at: usize,
    component: &Component,
    vex: &[SbomVexStatement],
    facts: &Facts,
) -> Option<SuppressedComponentView> {
    let purl = component.purl.clone()?;
    let own = vex.iter().find(|s| {
        s.component == at
            && is_suppressing(s.statement.status)
            && std::iter::once(&s.vulnerability)
                .chain(&s.aliases)
                .any(|v| facts.ids.iter().any(|id| id.eq_ignore_ascii_case(v)))
    });
    let (by, statement) = match own {
        Some(s) => ("sbom", &s.statement),
        None => (
            "vendor",
            facts
                .vex
                .iter()
                .find(|s| statement_suppresses(s, &purl, component.version.as_deref()))?,
        ),
    };
    Some(SuppressedComponentView {
        purl,
        version: component.version.clone(),
        by: by.to_owned(),
        status: status_name(statement.status).to_owned(),
        justification: statement.justification.clone(),
    })
}

fn decode<T: serde::de::DeserializeOwned>(text: &str, what: &str) -> Result<T, AppError> {
    serde_json::from_str(text)
        .map_err(|e| AppError::Internal(format!("stored advisory package {what}: {e}")))
}

fn encode<T: Serialize>(value: &T) -> Result<String, AppError> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(format!("encode: {e}")))
}

/// The package rows of one advisory revision: per canonical package URL,
/// the affected entries naming it and the vendor VEX statements about it.
pub(crate) fn package_rows(
    advisory: &Advisory,
    sectors: &[String],
) -> Result<Vec<AdvisoryPackageRow>, AppError> {
    let mut packages: BTreeMap<String, (Vec<Affected>, Vec<VexStatement>)> = BTreeMap::new();
    for entry in &advisory.affected {
        let Some(purl) = entry
            .product
            .purl
            .as_deref()
            .and_then(|p| canonicalize(p).ok())
        else {
            continue;
        };
        packages.entry(purl.purl).or_default().0.push(entry.clone());
    }
    for statement in &advisory.vex {
        let Some(purl) = statement
            .product
            .purl
            .as_deref()
            .and_then(|p| canonicalize(p).ok())
        else {
            continue;
        };
        if let Some(package) = packages.get_mut(&purl.purl) {
            package.1.push(statement.clone());
        }
    }
    let ids: Vec<&String> = std::iter::once(&advisory.id)
        .chain(&advisory.aliases)
        .collect();
    let ids = encode(&ids)?;
    let sectors = encode(&sectors)?;
    packages
        .into_iter()
        .map(|(package_key, (entries, vex))| {
            Ok(AdvisoryPackageRow {
                package_key,
                advisory_id: advisory.id.clone(),
                revision: i64::from(advisory.revision),
                tlp: advisory.tlp.as_str().to_owned(),
                sectors: sectors.clone(),
                ids: ids.clone(),
                entries: encode(&entries)?,
                vex: encode(&vex)?,
            })
        })
        .collect()
}

/// What a run of matching changed in the notices.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct NoticeChanges {
    pub created: usize,
    pub updated: usize,
    pub resolved: usize,
}

/// Brings the notices of one side (an asset, or an advisory) to what was
/// just matched: new matches create notices, changed ones are updated (and
/// reopened), and existing notices missing from `current` are resolved
/// with `resolution`.
pub(crate) async fn reconcile_notices(
    tx: &mut Tx,
    existing: Vec<NoticeRow>,
    current: Vec<PendingNotice>,
    resolution: &str,
    resolved_revision: Option<(i64, &str)>,
    now: DateTime<Utc>,
) -> Result<NoticeChanges, AppError> {
    let mut changes = NoticeChanges::default();
    let mut existing: HashMap<(String, String), NoticeRow> = existing
        .into_iter()
        .map(|n| ((n.asset_id.clone(), n.advisory_id.clone()), n))
        .collect();
    let mut new = Vec::new();
    for notice in current {
        let components = encode(&notice.components)?;
        match existing.remove(&(notice.asset_id.clone(), notice.advisory_id.clone())) {
            None => new.push(NewNotice {
                id: uuid::Uuid::new_v4().to_string(),
                org_id: notice.org_id,
                asset_id: notice.asset_id,
                advisory_id: notice.advisory_id,
                revision: notice.revision,
                tlp: notice.tlp.as_str().to_owned(),
                title: notice.title,
                components,
                created_at: now,
            }),
            Some(old) => {
                let same = old.revision == notice.revision
                    && old.tlp == notice.tlp.as_str()
                    && old.title == notice.title
                    && old.components == components
                    && old.resolved_at.is_none();
                if !same {
                    tx.update_notice(
                        &old.id,
                        notice.revision,
                        notice.tlp.as_str(),
                        &notice.title,
                        &components,
                        now,
                    )
                    .await?;
                    changes.updated += 1;
                }
            }
        }
    }
    for old in existing.into_values() {
        if old.resolved_at.is_some() {
            continue;
        }
        let (revision, tlp) = resolved_revision.unwrap_or((old.revision, old.tlp.as_str()));
        tx.resolve_notice(&old.id, revision, tlp, resolution, now)
            .await?;
        changes.resolved += 1;
    }
    changes.created = new.len();
    tx.insert_notices(&new).await?;
    Ok(changes)
}

/// An asset's organisation and its affected components by SBOM position.
type AssetFindings = (OrgId, Vec<(i64, AffectedComponentView)>);

/// A notice as matching wants it to be.
#[derive(Debug, Clone)]
pub(crate) struct PendingNotice {
    pub org_id: OrgId,
    pub asset_id: String,
    pub advisory_id: String,
    pub revision: i64,
    pub tlp: Tlp,
    pub title: String,
    pub components: Vec<AffectedComponentView>,
}

/// Matches a newly published advisory revision against every registered
/// inventory, inside the publication's transaction: indexes the
/// advisory's packages (replacing the previous revision's rows), finds
/// every asset holding one of them, evaluates each distinct (package,
/// version) once, applies the assets' own VEX and the advisory's vendor
/// VEX, the operators' TLP clearance and the target `sectors` (empty:
/// every sector), and creates or updates notices; notices of assets no
/// longer affected are resolved. Records one audit event (actor
/// `system:matching`) when a notice changed. Returns how many notices were
/// created.
///
/// Publication calls this in its own transaction, after it authorised the
/// publisher; it does no authorisation of its own.
pub async fn on_advisory_published(
    tx: &mut Tx,
    advisory: &Advisory,
    sectors: &[String],
    now: DateTime<Utc>,
) -> Result<usize, AppError> {
    tx.lock_matching().await?;
    let rows = package_rows(advisory, sectors)?;
    tx.replace_advisory_packages(&advisory.id, &rows).await?;
    let packages: Vec<String> = rows.iter().map(|r| r.package_key.clone()).collect();
    let holders = tx.package_holders(&packages).await?;
    let orgs: Vec<OrgId> = holders
        .iter()
        .map(|h| h.org_id)
        .collect::<HashSet<_>>()
        .into_iter()
        .collect();
    let clearances = tx.org_tlp_clearances(&orgs).await?;
    let holders: Vec<_> = holders
        .into_iter()
        .filter(|h| {
            let clearance = org_clearance(clearances.get(&h.org_id).and_then(|c| c.as_deref()));
            tlp_visible(clearance, advisory.tlp) && reaches_sector(sectors, h.sector.as_deref())
        })
        .collect();
    // Every distinct (package, version) is evaluated once.
    let mut distinct: HashMap<(&str, Option<&str>), usize> = HashMap::new();
    let mut components: Vec<Component> = Vec::new();
    let holder_slots: Vec<usize> = holders
        .iter()
        .map(|h| {
            *distinct
                .entry((h.package_key.as_str(), h.version.as_deref()))
                .or_insert_with(|| {
                    components.push(Component {
                        purl: Some(h.package_key.clone()),
                        version: h.version.clone(),
                        name: String::new(),
                        ..Component::default()
                    });
                    components.len() - 1
                })
        })
        .collect();
    let mut index = AdvisoryIndex::new();
    index.insert(0, &advisory.affected);
    let mut fixes: HashMap<usize, BTreeSet<String>> = HashMap::new();
    for found in index.match_components(&components) {
        fixes
            .entry(found.component)
            .or_default()
            .extend(found.fixed);
    }
    let vendor_suppressed: HashSet<usize> = fixes
        .keys()
        .copied()
        .filter(|&at| {
            let c = &components[at];
            advisory.vex.iter().any(|s| {
                statement_suppresses(
                    s,
                    c.purl.as_deref().unwrap_or_default(),
                    c.version.as_deref(),
                )
            })
        })
        .collect();
    let ids: Vec<String> = std::iter::once(&advisory.id)
        .chain(&advisory.aliases)
        .map(|id| id.to_ascii_uppercase())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let own_suppressed: HashSet<(String, i64)> = tx
        .asset_vex_for(&ids)
        .await?
        .into_iter()
        .filter(|v| parse_status(&v.status).is_some_and(is_suppressing))
        .map(|v| (v.asset_id, v.idx))
        .collect();
    let mut per_asset: BTreeMap<&str, AssetFindings> = BTreeMap::new();
    for (holder, slot) in holders.iter().zip(holder_slots) {
        let Some(fixed) = fixes.get(&slot) else {
            continue;
        };
        if vendor_suppressed.contains(&slot)
            || own_suppressed.contains(&(holder.asset_id.clone(), holder.idx))
        {
            continue;
        }
        let view = AffectedComponentView {
            purl: holder.package_key.clone(),
            name: holder.name.clone(),
            version: holder.version.clone(),
            fixed_versions: fixed.iter().cloned().collect(),
        };
        per_asset
            .entry(&holder.asset_id)
            .or_insert_with(|| (holder.org_id, Vec::new()))
            .1
            .push((holder.idx, view));
    }
    let current: Vec<PendingNotice> = per_asset
        .into_iter()
        .map(|(asset, (org, mut found))| {
            found.sort_by_key(|(idx, _)| *idx);
            PendingNotice {
                org_id: org,
                asset_id: asset.to_owned(),
                advisory_id: advisory.id.clone(),
                revision: i64::from(advisory.revision),
                tlp: advisory.tlp,
                title: advisory.title.clone(),
                components: found.into_iter().map(|(_, v)| v).collect(),
            }
        })
        .collect();
    let existing = tx.notices_for_advisory(&advisory.id).await?;
    let changes = reconcile_notices(
        tx,
        existing,
        current,
        "advisory",
        Some((i64::from(advisory.revision), advisory.tlp.as_str())),
        now,
    )
    .await?;
    if changes != NoticeChanges::default() {
        record(
            tx,
            AuditWho {
                actor: "system:matching".to_owned(),
                request_id: "",
            },
            now,
            "notice.match_advisory",
            ("advisory", &advisory.id),
            json!({
                "revision": advisory.revision,
                "packages": packages.len(),
                "created": changes.created,
                "updated": changes.updated,
                "resolved": changes.resolved,
            }),
        )
        .await?;
    }
    Ok(changes.created)
}

/// Rebuilds the package index of every published advisory (for advisories
/// published before matching existed, or after restoring a backup), in
/// batches; returns how many advisories were indexed. Notices are not
/// touched.
pub async fn rebuild_advisory_packages(tx: &mut Tx) -> Result<usize, AppError> {
    let mut after = 0;
    let mut count = 0;
    loop {
        let batch = tx.advisory_documents_since(after, 2_000).await?;
        let Some(last) = batch.last() else {
            break;
        };
        after = last.seq;
        let mut rows = Vec::new();
        for doc in &batch {
            let advisory: Advisory = serde_json::from_str(&doc.document)
                .map_err(|e| AppError::Internal(format!("advisory {} document: {e}", doc.id)))?;
            let sectors: Vec<String> = decode(&doc.sectors, "sectors")?;
            rows.extend(package_rows(&advisory, &sectors)?);
        }
        tx.insert_advisory_packages(&rows).await?;
        count += batch.len();
    }
    Ok(count)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sectors_and_names() {
        assert!(reaches_sector(&[], None));
        assert!(reaches_sector(&["healthcare".into()], Some("Healthcare")));
        assert!(!reaches_sector(&["healthcare".into()], Some("finance")));
        assert!(!reaches_sector(&["healthcare".into()], None));
        assert_eq!(org_clearance(Some("AMBER")), Tlp::Amber);
        assert_eq!(org_clearance(Some("nonsense")), Tlp::Clear);
        assert_eq!(org_clearance(None), Tlp::Clear);
    }
}
