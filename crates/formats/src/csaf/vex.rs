//! A vulnerability's product status as the model's affected entries and
//! VEX statements.

use std::collections::{HashMap, HashSet};

use super::resolve::{Catalog, Resolved};
use super::vulnerability::{ThreatCategory, Vulnerability};
use crate::model::{
    Affected, Product, RangeEvent, RangeKind, VersionRange, VexStatement, VexStatus,
};

/// The product ids a vulnerability lists as fixed (`fixed`, `first_fixed`).
pub(crate) fn fixed_ids(vuln: &Vulnerability) -> HashSet<&str> {
    let Some(status) = &vuln.product_status else {
        return HashSet::new();
    };
    [&status.fixed, &status.first_fixed]
        .into_iter()
        .flat_map(|list| list.as_deref().unwrap_or_default())
        .map(String::as_str)
        .collect()
}

/// What one product identity collects from the status lists.
#[derive(Default)]
struct Collected {
    versions: Vec<String>,
    introduced: Vec<String>,
    last_affected: Vec<String>,
    fixed: Vec<String>,
    unversioned: bool,
}

/// The affected products: `known_affected` versions are listed versions;
/// `first_affected` and `last_affected` versions open and close a range, in
/// which the product's `first_fixed`/`fixed` versions are fixed events. A
/// product stated affected with no version at all is affected in every
/// version.
pub(crate) fn affected(catalog: &Catalog<'_>, vuln: &Vulnerability) -> Vec<Affected> {
    let Some(status) = &vuln.product_status else {
        return Vec::new();
    };
    let mut entries: Vec<(Product, Collected)> = Vec::new();
    let mut index_of: HashMap<Product, usize> = HashMap::new();
    let lists = [
        ("known_affected", &status.known_affected),
        ("first_affected", &status.first_affected),
        ("last_affected", &status.last_affected),
        ("fixed", &status.fixed),
        ("first_fixed", &status.first_fixed),
    ];
    for (list, ids) in lists {
        for id in ids.as_deref().unwrap_or_default() {
            let Resolved { product, version } = catalog.resolve(id);
            let fix = matches!(list, "fixed" | "first_fixed");
            let index = match index_of.get(&product) {
                Some(i) => *i,
                // A fixed product only adds to a product already affected.
                None if fix => continue,
                None => {
                    index_of.insert(product.clone(), entries.len());
                    entries.push((product, Collected::default()));
                    entries.len() - 1
                }
            };
            let collected = &mut entries[index].1;
            let Some(version) = version else {
                collected.unversioned |= !fix;
                continue;
            };
            let target = match list {
                "known_affected" => &mut collected.versions,
                "first_affected" => &mut collected.introduced,
                "last_affected" => &mut collected.last_affected,
                _ => &mut collected.fixed,
            };
            if !target.contains(&version) {
                target.push(version);
            }
        }
    }
    entries
        .into_iter()
        .map(|(product, c)| to_affected(product, c))
        .collect()
}

fn to_affected(product: Product, c: Collected) -> Affected {
    let mut ranges = Vec::new();
    if !c.introduced.is_empty() || !c.last_affected.is_empty() {
        let mut events: Vec<RangeEvent> = if c.introduced.is_empty() {
            vec![RangeEvent::Introduced("0".into())]
        } else {
            c.introduced
                .iter()
                .cloned()
                .map(RangeEvent::Introduced)
                .collect()
        };
        events.extend(
            c.last_affected
                .iter()
                .cloned()
                .map(RangeEvent::LastAffected),
        );
        if c.last_affected.is_empty() {
            events.extend(c.fixed.iter().cloned().map(RangeEvent::Fixed));
        }
        ranges.push(VersionRange {
            kind: RangeKind::Ecosystem,
            events,
        });
    }
    let all_versions = c.unversioned && c.versions.is_empty() && ranges.is_empty();
    Affected {
        product,
        ranges,
        versions: c.versions,
        all_versions,
    }
}

/// One VEX statement per product and status: not affected (with the
/// covering flag's justification and impact threats' text), affected,
/// fixed, under investigation. `recommended` is not a status.
pub(crate) fn statements(catalog: &Catalog<'_>, vuln: &Vulnerability) -> Vec<VexStatement> {
    let Some(status) = &vuln.product_status else {
        return Vec::new();
    };
    let lists = [
        (VexStatus::Affected, &status.known_affected),
        (VexStatus::Affected, &status.first_affected),
        (VexStatus::Affected, &status.last_affected),
        (VexStatus::NotAffected, &status.known_not_affected),
        (VexStatus::Fixed, &status.fixed),
        (VexStatus::Fixed, &status.first_fixed),
        (VexStatus::UnderInvestigation, &status.under_investigation),
    ];
    let justifications = justifications(catalog, vuln);
    let impacts = impacts(catalog, vuln);
    let mut seen = HashSet::new();
    let mut out: Vec<VexStatement> = Vec::new();
    for (vex_status, ids) in lists {
        for id in ids.as_deref().unwrap_or_default() {
            let Resolved { product, version } = catalog.resolve(id);
            let not_affected = vex_status == VexStatus::NotAffected;
            let justification = justifications
                .get(id.as_str())
                .filter(|_| not_affected)
                .map(|label| (*label).to_owned());
            let detail = impacts
                .get(id.as_str())
                .filter(|_| not_affected)
                .map(|texts| texts.join("\n\n"));
            let key = (
                product.clone(),
                version.clone(),
                vex_status,
                justification.clone(),
                detail.clone(),
            );
            if seen.insert(key) {
                out.push(VexStatement {
                    product,
                    version,
                    status: vex_status,
                    justification,
                    detail,
                });
            }
        }
    }
    out
}

/// Product id → the label of the first flag covering it.
fn justifications<'a>(
    catalog: &Catalog<'a>,
    vuln: &'a Vulnerability,
) -> HashMap<&'a str, &'static str> {
    let mut out = HashMap::new();
    for flag in vuln.flag_list() {
        for id in catalog.expand(flag.product_ids.as_deref(), flag.group_ids.as_deref()) {
            out.entry(id).or_insert(flag.label.as_str());
        }
    }
    out
}

/// Product id → the details of the impact threats covering it.
fn impacts<'a>(catalog: &Catalog<'a>, vuln: &'a Vulnerability) -> HashMap<&'a str, Vec<&'a str>> {
    let mut out: HashMap<&str, Vec<&str>> = HashMap::new();
    for threat in vuln.threat_list() {
        if threat.category != ThreatCategory::Impact {
            continue;
        }
        for id in catalog.expand(threat.product_ids.as_deref(), threat.group_ids.as_deref()) {
            out.entry(id).or_default().push(threat.details.trim());
        }
    }
    out
}
