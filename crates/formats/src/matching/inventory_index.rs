//! Every registered inventory's components by package and version: match
//! one new advisory against all SBOMs.
//!
//! Components are grouped by (purl, version): thousands of SBOMs that ship
//! the same version of a package share one parsed version, evaluated once
//! per advisory, and its holders are then listed without further work.

use std::collections::HashMap;

use crate::model::Affected;
use crate::sbom::{Component, SbomVexStatement};

use super::compiled::CompiledAffected;
use super::evaluate::{Candidate, Verdict};
use super::interner::{canonical_purl, PurlInterner};
use super::vex::{is_suppressing, statement_suppresses, AdvisoryVex};
use super::{InventoryKey, InventoryMatch};

/// A component of an inventory: (inventory slot, component index).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Holder {
    slot: u32,
    component: u32,
}

/// One version of one package and the components at it.
#[derive(Debug, Clone)]
struct VersionSlot {
    candidate: Candidate,
    holders: Vec<Holder>,
}

/// One package's components across all inventories.
#[derive(Debug, Clone, Default)]
struct Package {
    /// Each version's [`text_prefix`], parallel to `versions`: lookups at
    /// insert probe this small array instead of chasing each text.
    prefixes: Vec<u64>,
    /// Sorted by (text prefix, text).
    versions: Vec<VersionSlot>,
    /// Components without a version.
    unversioned: Vec<Holder>,
}

/// A suppressing statement of an inventory's own SBOM.
#[derive(Debug, Clone)]
struct OwnStatement {
    /// The vulnerability id and its aliases.
    ids: Vec<String>,
    component: u32,
}

#[derive(Debug, Clone)]
struct Inventory {
    key: InventoryKey,
    /// The purl ids it has components under, for removal.
    purls: Vec<u32>,
    vex: Vec<OwnStatement>,
}

/// Registered inventories' components keyed by canonical purl (see the
/// module documentation).
#[derive(Debug, Clone, Default)]
pub struct InventoryIndex {
    purls: PurlInterner,
    packages: Vec<Package>,
    inventories: Vec<Option<Inventory>>,
    free: Vec<u32>,
    slots: HashMap<InventoryKey, u32>,
    components: usize,
}

impl InventoryIndex {
    /// An empty index.
    pub fn new() -> InventoryIndex {
        InventoryIndex::default()
    }

    /// Registers (or replaces) an inventory: its components (those with a
    /// purl are indexed) and its SBOM's own VEX statements. Returns how many
    /// components were indexed.
    pub fn insert(
        &mut self,
        key: InventoryKey,
        components: &[Component],
        vex: &[SbomVexStatement],
    ) -> usize {
        self.remove(key);
        let Some(slot) = self.take_slot() else {
            return 0;
        };
        let mut purls = Vec::new();
        for (index, component) in components.iter().enumerate() {
            let (Some(id), Ok(component_index)) =
                (self.intern(component.purl.as_deref()), u32::try_from(index))
            else {
                continue;
            };
            let holder = Holder {
                slot,
                component: component_index,
            };
            self.add_holder(id, component.version.as_deref(), holder);
            purls.push(id);
        }
        let indexed = purls.len();
        self.components += indexed;
        purls.sort_unstable();
        purls.dedup();
        let vex = own_statements(vex);
        self.inventories[slot as usize] = Some(Inventory { key, purls, vex });
        self.slots.insert(key, slot);
        indexed
    }

    fn take_slot(&mut self) -> Option<u32> {
        if let Some(slot) = self.free.pop() {
            return Some(slot);
        }
        let slot = u32::try_from(self.inventories.len()).ok()?;
        self.inventories.push(None);
        Some(slot)
    }

    fn intern(&mut self, purl: Option<&str>) -> Option<u32> {
        let purl = purl?;
        match self.purls.get(purl) {
            Some(id) => Some(id),
            None => self.purls.intern(&canonical_purl(Some(purl))?),
        }
    }

    fn add_holder(&mut self, id: u32, version: Option<&str>, holder: Holder) {
        if self.packages.len() <= id as usize {
            self.packages.resize_with(id as usize + 1, Package::default);
        }
        let ecosystem = self.purls.ecosystem(id);
        let package = &mut self.packages[id as usize];
        let Some(version) = version else {
            package.unversioned.push(holder);
            return;
        };
        let text = version.trim_matches(|c: char| c.is_ascii_whitespace());
        let prefix = text_prefix(text);
        let found = package.prefixes.binary_search(&prefix).and_then(|_| {
            // Equal prefixes are adjacent: search them by the whole text.
            let start = package.prefixes.partition_point(|&p| p < prefix);
            let end = package.prefixes.partition_point(|&p| p <= prefix);
            let run = package.versions.get(start..end).unwrap_or_default();
            run.binary_search_by(|v| v.candidate.text().cmp(text))
                .map(|at| start + at)
                .map_err(|at| start + at)
        });
        match found {
            Ok(at) => package.versions[at].holders.push(holder),
            Err(at) => {
                let candidate = Candidate::new(ecosystem, text);
                package.prefixes.insert(at, prefix);
                package.versions.insert(
                    at,
                    VersionSlot {
                        candidate,
                        holders: vec![holder],
                    },
                );
            }
        }
    }

    /// Removes an inventory; false when it was not registered.
    pub fn remove(&mut self, key: InventoryKey) -> bool {
        let Some(slot) = self.slots.remove(&key) else {
            return false;
        };
        let Some(inventory) = self
            .inventories
            .get_mut(slot as usize)
            .and_then(Option::take)
        else {
            return false;
        };
        let mut removed = 0;
        for id in inventory.purls {
            let Some(package) = self.packages.get_mut(id as usize) else {
                continue;
            };
            for version in &mut package.versions {
                let before = version.holders.len();
                version.holders.retain(|h| h.slot != slot);
                removed += before - version.holders.len();
            }
            if package.versions.iter().any(|v| v.holders.is_empty()) {
                let versions = std::mem::take(&mut package.versions);
                package.versions = versions
                    .into_iter()
                    .filter(|v| !v.holders.is_empty())
                    .collect();
                package.prefixes = package
                    .versions
                    .iter()
                    .map(|v| text_prefix(v.candidate.text()))
                    .collect();
            }
            let before = package.unversioned.len();
            package.unversioned.retain(|h| h.slot != slot);
            removed += before - package.unversioned.len();
        }
        self.components -= removed;
        self.free.push(slot);
        true
    }

    /// How many inventories are registered.
    pub fn inventory_count(&self) -> usize {
        self.slots.len()
    }

    /// How many components are indexed.
    pub fn component_count(&self) -> usize {
        self.components
    }

    /// Every registered component the advisory's `affected` entries affect
    /// (no VEX applied).
    pub fn match_advisory(&self, affected: &[Affected]) -> Vec<InventoryMatch> {
        self.match_advisory_with(affected, &AdvisoryVex::default())
    }

    /// Every registered component the advisory's `affected` entries affect,
    /// less those `vex` or the inventory's own statements suppress (see
    /// [`super::vex`]). Entries without a purl, or that cannot be evaluated,
    /// match nothing; a component without a version matches only entries
    /// affecting every version.
    pub fn match_advisory_with(
        &self,
        affected: &[Affected],
        vex: &AdvisoryVex<'_>,
    ) -> Vec<InventoryMatch> {
        let mut out = Vec::new();
        for (index, entry) in affected.iter().enumerate() {
            let Some(purl) = canonical_purl(entry.product.purl.as_deref()) else {
                continue;
            };
            let Some(id) = self.purls.get(&purl) else {
                continue;
            };
            let Some(package) = self.packages.get(id as usize) else {
                continue;
            };
            let Ok(compiled) = CompiledAffected::new(self.purls.ecosystem(id), entry) else {
                continue;
            };
            let found = Found {
                purl: &purl,
                affected: index,
                vex,
            };
            if compiled.all_versions() {
                found.push_holders(self, &package.unversioned, None, None, &mut out);
            }
            for version in &package.versions {
                let (Verdict::Affected, fixed) = compiled.evaluate(&version.candidate) else {
                    continue;
                };
                let text = Some(version.candidate.text());
                found.push_holders(self, &version.holders, text, fixed, &mut out);
            }
        }
        out
    }

    /// Whether the inventory in `slot` says its `component` is not
    /// affected by (or fixed for) the advisory.
    fn own_statement_suppresses(&self, holder: Holder, vex: &AdvisoryVex<'_>) -> bool {
        let Some(Some(inventory)) = self.inventories.get(holder.slot as usize) else {
            return false;
        };
        inventory
            .vex
            .iter()
            .any(|s| s.component == holder.component && s.ids.iter().any(|id| vex.names(id)))
    }
}

/// One affected entry's matches being collected.
struct Found<'a> {
    purl: &'a str,
    affected: usize,
    vex: &'a AdvisoryVex<'a>,
}

impl Found<'_> {
    fn push_holders(
        &self,
        index: &InventoryIndex,
        holders: &[Holder],
        version: Option<&str>,
        fixed: Option<&str>,
        out: &mut Vec<InventoryMatch>,
    ) {
        // Vendor statements depend only on purl and version: once per group.
        if self
            .vex
            .statements
            .iter()
            .any(|s| statement_suppresses(s, self.purl, version))
        {
            return;
        }
        let check_own = !self.vex.ids.is_empty();
        for &holder in holders {
            if check_own && index.own_statement_suppresses(holder, self.vex) {
                continue;
            }
            let Some(Some(inventory)) = index.inventories.get(holder.slot as usize) else {
                continue;
            };
            out.push(InventoryMatch {
                inventory: inventory.key,
                component: holder.component as usize,
                affected: self.affected,
                fixed: fixed.map(str::to_owned),
            });
        }
    }
}

/// The first eight bytes of a version text as a big-endian number (zero
/// padded): ordering by (prefix, text) is a total order that mostly
/// decides on the prefix alone.
fn text_prefix(text: &str) -> u64 {
    let mut bytes = [0u8; 8];
    for (slot, byte) in bytes.iter_mut().zip(text.bytes()) {
        *slot = byte;
    }
    u64::from_be_bytes(bytes)
}

fn own_statements(vex: &[SbomVexStatement]) -> Vec<OwnStatement> {
    vex.iter()
        .filter(|s| is_suppressing(s.statement.status))
        .filter_map(|s| {
            let mut ids = Vec::with_capacity(1 + s.aliases.len());
            ids.push(s.vulnerability.clone());
            ids.extend(s.aliases.iter().cloned());
            Some(OwnStatement {
                ids,
                component: u32::try_from(s.component).ok()?,
            })
        })
        .collect()
}
