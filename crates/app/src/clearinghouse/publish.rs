//! Publication: a case becomes an advisory (`bulwark_formats::model::Advisory`)
//! — the canonical report's description, the union of every report's
//! affected products, severities, CWEs, aliases and references, the
//! vendors' fixed versions as `Fixed` events and remediations, their
//! `not_affected` statuses as VEX statements, the case's TLP — stored as
//! the next revision under a global sequence number, in one transaction
//! with the case's move to `published`, its timeline entry, the fan-out to
//! the other ways out ([`after_publish`]) and the audit event.

use bulwark_domain::clearinghouse::case::CaseState;
use bulwark_domain::identity::Sector;
use bulwark_domain::ids::CaseId;
use bulwark_formats::model::{
    Advisory, Affected, Product, RangeEvent, RangeKind, Reference, Remediation, RemediationKind,
    Report, Tlp, VersionRange, VexStatement, VexStatus,
};
use bulwark_store::{AdvisoryRow, Tx, VendorStatusRow, VulnCaseRow};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::json;

use super::advisories::{advisory_view, AdvisoryView};
use super::cases::case_name;
use super::vendors::{locked_case, require_manage};
use super::workflow::{move_case, record_case_event};
use crate::audit::record;
use crate::{App, AppError, OpContext};

/// What to publish a case with.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PublishParams {
    /// Target sectors (`healthcare`, `finance`, …); empty: every sector.
    #[serde(default)]
    pub sectors: Vec<String>,
}

/// Fans a newly published advisory (revision) out to the other ways out —
/// matching operators' SBOMs and notifying them, the TAXII collections —
/// inside the publishing transaction, so an advisory is never published
/// without them.
pub(crate) async fn after_publish(
    tx: &mut Tx,
    advisory: &Advisory,
    sectors: &[Sector],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let sectors: Vec<String> = sectors.iter().map(|s| s.to_string()).collect();
    super::matching::on_advisory_published(tx, advisory, &sectors, now).await?;
    crate::taxii::add_advisory_objects(tx, advisory, &sectors, now).await?;
    Ok(())
}

impl App {
    /// Publishes a case (vendor notified or fix available) as revision 1
    /// of its advisory, or a published case's changes as the next revision.
    pub async fn publish_case(
        &self,
        ctx: &OpContext,
        case: CaseId,
        params: PublishParams,
    ) -> Result<AdvisoryView, AppError> {
        require_manage(ctx)?;
        let mut sectors = Vec::new();
        for s in &params.sectors {
            let sector: Sector = s.trim().parse().map_err(|_| {
                AppError::invalid(
                    "sectors",
                    format!(
                        "{s:?} is not a sector; use {}",
                        Sector::ALL
                            .iter()
                            .map(|s| s.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                )
            })?;
            if !sectors.contains(&sector) {
                sectors.push(sector);
            }
        }
        sectors.sort();
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        tx.lock_advisories().await?;
        let row = locked_case(&mut tx, case).await?;
        let state = CaseState::parse(&row.state)
            .ok_or_else(|| AppError::Internal(format!("case {case} has state {:?}", row.state)))?;
        if !matches!(
            state,
            CaseState::VendorNotified | CaseState::FixAvailable | CaseState::Published
        ) {
            return Err(AppError::Conflict(format!(
                "a {} case cannot be published: notify its vendors first",
                state.as_str()
            )));
        }
        let previous = tx.get_advisory_of_case(case).await?;
        let sectors_json =
            json!(sectors.iter().map(|s| s.as_str()).collect::<Vec<_>>()).to_string();
        let reports = parse_reports(&mut tx, &row).await?;
        let vendors = tx.case_vendor_statuses(case).await?;
        let tlp = Tlp::parse(&row.tlp)
            .ok_or_else(|| AppError::Internal(format!("case {case} has TLP {:?}", row.tlp)))?;
        let mut advisory = build_advisory(&row, &reports, &vendors, tlp, self);
        advisory.revision = previous.as_ref().map_or(1, |p| p.revision as u32 + 1);
        advisory.published = previous.as_ref().map_or(now, |p| p.published_at);
        advisory.modified = now;
        if let Some(prev) = &previous {
            if unchanged(prev, &advisory, &sectors_json)? {
                return Err(AppError::Conflict(format!(
                    "nothing changed since revision {} of {}",
                    prev.revision, prev.id
                )));
            }
        }
        let seq = tx.next_advisory_seq().await?;
        let document = serde_json::to_string(&advisory)
            .map_err(|e| AppError::Internal(format!("advisory JSON: {e}")))?;
        let stored = AdvisoryRow {
            id: advisory.id.clone(),
            case_id: case,
            revision: i64::from(advisory.revision),
            seq,
            tlp: tlp.as_str().to_owned(),
            sectors: sectors_json,
            title: advisory.title.clone(),
            document,
            published_at: advisory.published,
            updated_at: now,
        };
        tx.put_advisory_revision(&stored).await?;
        if state != CaseState::Published {
            move_case(&mut tx, &row, CaseState::Published, &ctx.actor, now, None).await?;
        }
        let detail = json!({"advisory": advisory.id, "revision": advisory.revision, "seq": seq,
            "tlp": tlp.as_str(), "sectors": sectors.iter().map(|s| s.as_str()).collect::<Vec<_>>()});
        record_case_event(
            &mut tx,
            case,
            now,
            Some(ctx.actor.user_id),
            "published",
            detail.clone(),
        )
        .await?;
        after_publish(&mut tx, &advisory, &sectors, now).await?;
        record(
            &mut tx,
            ctx.into(),
            now,
            "advisory.publish",
            ("advisory", &advisory.id),
            detail,
        )
        .await?;
        tx.commit().await?;
        advisory_view(stored)
    }
}

/// Whether `next` says what the stored revision says (ignoring revision
/// and times) with the same sectors.
fn unchanged(prev: &AdvisoryRow, next: &Advisory, sectors: &str) -> Result<bool, AppError> {
    let mut old: Advisory = serde_json::from_str(&prev.document)
        .map_err(|e| AppError::Internal(format!("stored advisory {}: {e}", prev.id)))?;
    old.revision = next.revision;
    old.published = next.published;
    old.modified = next.modified;
    Ok(old == *next && prev.sectors == sectors)
}

async fn parse_reports(tx: &mut Tx, case: &VulnCaseRow) -> Result<Vec<Report>, AppError> {
    let rows = tx.list_case_reports(case.id).await?;
    let mut reports = Vec::with_capacity(rows.len());
    // The canonical report first: its description and title lead.
    let (canonical, others): (Vec<_>, Vec<_>) = rows
        .into_iter()
        .partition(|r| r.id == case.canonical_report_id);
    for r in canonical.into_iter().chain(others) {
        reports.push(
            serde_json::from_str(&r.report)
                .map_err(|e| AppError::Internal(format!("stored report {}: {e}", r.id)))?,
        );
    }
    if reports.is_empty() {
        return Err(AppError::Internal(format!(
            "case {} has no reports",
            case.id
        )));
    }
    Ok(reports)
}

fn push_unique<T: PartialEq>(list: &mut Vec<T>, item: T) {
    if !list.contains(&item) {
        list.push(item);
    }
}

/// The advisory of a case (revision and times are set by the caller).
fn build_advisory(
    case: &VulnCaseRow,
    reports: &[Report],
    vendors: &[VendorStatusRow],
    tlp: Tlp,
    app: &App,
) -> Advisory {
    let canonical = &reports[0];
    let mut a = Advisory {
        id: case_name(case.seq, case.created_at),
        revision: 1,
        title: case.title.clone(),
        description: canonical.description.clone(),
        aliases: Vec::new(),
        cwes: Vec::new(),
        severities: Vec::new(),
        affected: Vec::new(),
        remediations: Vec::new(),
        exploitation: None,
        vex: Vec::new(),
        indicators: Vec::new(),
        references: Vec::new(),
        tlp,
        published: case.created_at,
        modified: case.updated_at,
        publisher: app.coordination.publisher.clone(),
    };
    for r in reports {
        for alias in &r.aliases {
            push_unique(&mut a.aliases, alias.clone());
        }
        for cwe in &r.cwes {
            push_unique(&mut a.cwes, *cwe);
        }
        for s in &r.severities {
            push_unique(&mut a.severities, s.clone());
        }
        for affected in &r.affected {
            merge_affected(&mut a.affected, affected);
        }
        for rem in &r.remediations {
            push_unique(&mut a.remediations, rem.clone());
        }
        for reference in &r.references {
            if !a.references.iter().any(|x| x.url == reference.url) {
                a.references.push(reference.clone());
            }
        }
        if a.exploitation.is_none() {
            a.exploitation = r.exploitation.clone();
        }
    }
    // CVE first, as the model asks.
    a.aliases.sort_by_key(|x| !x.starts_with("CVE-"));
    a.cwes.sort_unstable();
    for vendor in vendors {
        apply_vendor(&mut a, vendor, vendors.len() == 1);
    }
    a
}

/// Adds an affected entry, merging ranges and versions into an entry of
/// the same product.
fn merge_affected(list: &mut Vec<Affected>, new: &Affected) {
    match list.iter_mut().find(|a| a.product == new.product) {
        Some(existing) => {
            for range in &new.ranges {
                push_unique(&mut existing.ranges, range.clone());
            }
            for v in &new.versions {
                push_unique(&mut existing.versions, v.clone());
            }
            existing.all_versions |= new.all_versions;
        }
        None => list.push(new.clone()),
    }
}

fn names_vendor(product: &Product, vendor: &VendorStatusRow) -> bool {
    product.vendor.as_deref().is_some_and(|v| {
        v.eq_ignore_ascii_case(&vendor.vendor_name) || v.eq_ignore_ascii_case(&vendor.vendor_slug)
    })
}

/// What one vendor's status adds: fixed versions as `Fixed` events of the
/// vendor's products (all products when it is the case's only vendor) and
/// as remediations, patch references, and `not_affected` VEX statements.
fn apply_vendor(a: &mut Advisory, vendor: &VendorStatusRow, only_vendor: bool) {
    let mine: Vec<usize> = {
        let named: Vec<usize> = (0..a.affected.len())
            .filter(|i| names_vendor(&a.affected[*i].product, vendor))
            .collect();
        if named.is_empty() && only_vendor {
            (0..a.affected.len()).collect()
        } else {
            named
        }
    };
    match vendor.status.as_str() {
        "fixed" => {
            if let Some(first) = vendor.fixed_versions.first() {
                for i in &mine {
                    add_fixed_event(&mut a.affected[*i], first);
                }
            }
            for version in &vendor.fixed_versions {
                let products: Vec<Option<Product>> = if mine.is_empty() {
                    vec![None]
                } else {
                    mine.iter()
                        .map(|i| Some(a.affected[*i].product.clone()))
                        .collect()
                };
                for product in products {
                    push_unique(
                        &mut a.remediations,
                        Remediation {
                            kind: RemediationKind::VendorFix,
                            product,
                            fixed_version: Some(version.clone()),
                            text: format!(
                                "{} fixed this in version {version}.",
                                vendor.vendor_name
                            ),
                            url: vendor.patch_refs.first().cloned(),
                        },
                    );
                }
            }
            for url in &vendor.patch_refs {
                push_unique(
                    &mut a.remediations,
                    Remediation {
                        kind: RemediationKind::VendorFix,
                        product: None,
                        fixed_version: None,
                        text: format!("Patch from {}.", vendor.vendor_name),
                        url: Some(url.clone()),
                    },
                );
                if !a.references.iter().any(|r| &r.url == url) {
                    a.references.push(Reference {
                        url: url.clone(),
                        kind: Some("fix".into()),
                    });
                }
            }
        }
        "not_affected" => {
            let products: Vec<Product> = if mine.is_empty() {
                vec![Product {
                    vendor: Some(vendor.vendor_name.clone()),
                    name: vendor.vendor_name.clone(),
                    ..Product::default()
                }]
            } else {
                mine.iter()
                    .map(|i| a.affected[*i].product.clone())
                    .collect()
            };
            for product in products {
                a.vex.push(VexStatement {
                    product,
                    version: None,
                    status: VexStatus::NotAffected,
                    justification: vendor.justification.clone(),
                    detail: vendor.statement.clone(),
                });
            }
        }
        _ => {}
    }
}

/// Closes the open ranges of an affected entry with `Fixed(version)`; an
/// entry without ranges gets one from the beginning to the fix.
fn add_fixed_event(affected: &mut Affected, version: &str) {
    let fixed = RangeEvent::Fixed(version.to_owned());
    if affected.ranges.is_empty() {
        let kind = if affected.product.ecosystem.is_some() || affected.product.purl.is_some() {
            RangeKind::Ecosystem
        } else {
            RangeKind::Semver
        };
        affected.ranges.push(VersionRange {
            kind,
            events: vec![RangeEvent::Introduced("0".into()), fixed],
        });
        affected.all_versions = false;
        return;
    }
    for range in affected
        .ranges
        .iter_mut()
        .filter(|r| r.kind != RangeKind::Git)
    {
        if range.events.contains(&fixed) {
            continue;
        }
        let open = matches!(range.events.last(), Some(RangeEvent::Introduced(_)));
        if open {
            range.events.push(fixed.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_versions_close_open_ranges() {
        let mut a = Affected {
            product: Product {
                purl: Some("pkg:cargo/foo".into()),
                name: "foo".into(),
                ..Product::default()
            },
            ranges: vec![VersionRange {
                kind: RangeKind::Semver,
                events: vec![RangeEvent::Introduced("1.0.0".into())],
            }],
            ..Affected::default()
        };
        add_fixed_event(&mut a, "1.2.3");
        add_fixed_event(&mut a, "1.2.3");
        assert_eq!(
            a.ranges[0].events,
            vec![
                RangeEvent::Introduced("1.0.0".into()),
                RangeEvent::Fixed("1.2.3".into())
            ]
        );
        let mut all = Affected {
            all_versions: true,
            ..Affected::default()
        };
        add_fixed_event(&mut all, "2.0");
        assert!(!all.all_versions);
        assert_eq!(all.ranges[0].events.len(), 2);
    }
}
