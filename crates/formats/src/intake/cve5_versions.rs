//! CVE 5 `affected[]` entries as products with OSV-style ranges.
//!
//! A CVE entry states a `defaultStatus` and then exceptions in
//! `versions[]`: single versions, or ranges from `version` to `lessThan`
//! / `lessThanOrEqual` whose status may `changes[]` at given versions.
//! OSV events say only where affected stretches begin and end, so:
//!
//! * an affected range is introduced at its start (`0` when unspecified),
//!   switches at each change, and ends fixed at `lessThan` or last affected
//!   at `lessThanOrEqual`; a series wildcard end (`5.15.*`) is fixed at the
//!   next series (`5.16`), `*` has no end;
//! * an affected single version is listed (or, when unspecified such as
//!   `n/a`, means every version);
//! * with `defaultStatus: affected`, unaffected entries carve fixed points
//!   out of one range that starts at `0` (or at the end of an unaffected
//!   range from `0`): `{version: 5.15.50, lessThanOrEqual: 5.15.*,
//!   status: unaffected}` is fixed at 5.15.50 and introduced again at 5.16;
//! * `defaultStatus: affected` with nothing else means every version, and
//!   `defaultStatus: unaffected` with nothing affected becomes a VEX
//!   `not_affected` statement rather than an affected product.
//!
//! `versionType` `semver` orders by SemVer, `git` by commits, anything
//! else by the ecosystem's own order. GitHub-style comparator versions
//! (`< 1.77.2`, `>= 2.0, < 2.3`) are read too.

use std::collections::HashSet;

use serde::Deserialize;

use super::{decode, purl, vers};
use crate::model::{
    Affected, Product, RangeEvent, RangeKind, VersionRange, VexStatement, VexStatus,
};

/// One `affected[]` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
pub(super) struct CveAffected {
    vendor: Option<String>,
    product: Option<String>,
    package_name: Option<String>,
    #[serde(rename = "collectionURL")]
    collection_url: Option<String>,
    #[serde(deserialize_with = "decode::nullable")]
    cpes: Vec<String>,
    default_status: Option<String>,
    #[serde(deserialize_with = "decode::nullable")]
    versions: Vec<CveVersion>,
}

/// One `versions[]` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct CveVersion {
    version: String,
    status: String,
    less_than: Option<String>,
    less_than_or_equal: Option<String>,
    version_type: Option<String>,
    #[serde(deserialize_with = "decode::nullable")]
    changes: Vec<Change>,
}

/// A status change inside a range.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Change {
    at: String,
    status: String,
}

/// What an `affected[]` entry says in model terms.
pub(super) enum Stated {
    /// Some or all versions are affected (or nothing is known either way).
    Affected(Affected),
    /// Nothing is affected.
    NotAffected(VexStatement),
}

/// Converts an entry; `None` when it names no product at all.
pub(super) fn convert(entry: CveAffected) -> Option<Stated> {
    let product = product_of(&entry)?;
    let default_affected = entry.default_status.as_deref() == Some("affected");
    let mut folded = Folded::default();
    for version in &entry.versions {
        folded.add(version, default_affected);
    }
    let mut affected = Affected {
        product,
        ranges: folded.ranges,
        versions: folded.versions,
        all_versions: folded.all,
    };
    if default_affected {
        match carved_range(folded.carve_start, folded.carve, folded.carve_kind) {
            Some(range) => affected.ranges.push(range),
            None if affected.ranges.is_empty() && affected.versions.is_empty() => {
                affected.all_versions = true
            }
            None => {}
        }
    }
    let nothing_affected =
        !affected.all_versions && affected.ranges.is_empty() && affected.versions.is_empty();
    if nothing_affected && entry.default_status.as_deref() == Some("unaffected") {
        return Some(Stated::NotAffected(VexStatement {
            product: affected.product,
            version: None,
            status: VexStatus::NotAffected,
            justification: None,
            detail: None,
        }));
    }
    Some(Stated::Affected(affected))
}

/// The product an entry names: its package (`packageName`, with a purl when
/// `collectionURL` is a known registry) or product, vendor and first CPE.
fn product_of(entry: &CveAffected) -> Option<Product> {
    let known = |text: &Option<String>| {
        text.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty() && !is_unspecified(t))
            .map(str::to_owned)
    };
    let package = known(&entry.package_name);
    let name = package.clone().or_else(|| known(&entry.product))?;
    let purl = match (&entry.collection_url, &package) {
        (Some(url), Some(package)) => purl::from_collection_url(url, package),
        _ => None,
    };
    Some(Product {
        ecosystem: purl
            .as_deref()
            .and_then(|p| p.strip_prefix("pkg:"))
            .and_then(|p| p.split('/').next())
            .and_then(purl::ecosystem_of)
            .map(str::to_owned),
        purl,
        cpe: entry.cpes.iter().find_map(|c| cpe23(c)),
        vendor: known(&entry.vendor),
        name,
    })
}

/// Ranges, versions and carve-outs gathered from `versions[]`.
#[derive(Default)]
struct Folded {
    ranges: Vec<VersionRange>,
    versions: Vec<String>,
    all: bool,
    /// Where the default-affected range starts, when an unaffected range
    /// from `0` says so.
    carve_start: Option<String>,
    /// Fixed points (and re-introductions) carved by unaffected entries.
    carve: Vec<RangeEvent>,
    carve_kind: Option<RangeKind>,
}

impl Folded {
    fn add(&mut self, v: &CveVersion, default_affected: bool) {
        let kind = kind_of(v.version_type.as_deref());
        let affected = v.status == "affected";
        let end = v
            .less_than
            .as_deref()
            .map(End::Before)
            .or(v.less_than_or_equal.as_deref().map(End::Through));
        match end {
            None => {
                if let Some(c) = vers::parse_comparators(&v.version, kind) {
                    if affected {
                        self.ranges.extend(c.range);
                        self.versions.extend(c.versions);
                        self.all |= c.all;
                    }
                } else if affected && !default_affected {
                    if is_unspecified(&v.version) {
                        self.all = true;
                    } else {
                        self.versions.push(v.version.trim().to_owned());
                    }
                } else if v.status == "unaffected"
                    && default_affected
                    && !is_unspecified(&v.version)
                {
                    self.carve_at(kind, v.version.trim(), None);
                }
            }
            Some(end) => {
                if affected || !v.changes.is_empty() {
                    self.ranges.extend(walk_range(v, affected, end, kind));
                }
                if v.status == "unaffected" && default_affected {
                    self.carve_at(kind, v.version.trim(), Some(end));
                }
            }
        }
    }

    /// Records an unaffected stretch from `start` to `end` inside the
    /// default-affected range.
    fn carve_at(&mut self, kind: RangeKind, start: &str, end: Option<End<'_>>) {
        self.carve_kind.get_or_insert(kind);
        if start.is_empty() || start == "0" || is_unspecified(start) {
            // Unaffected from the beginning: the affected range starts at its end.
            if let Some(End::Before(e)) = end.filter(|e| !e.is_open()) {
                self.carve_start =
                    Some(series_end(e.trim()).unwrap_or_else(|| e.trim().to_owned()));
            }
            return;
        }
        self.carve.push(RangeEvent::Fixed(start.to_owned()));
        match end {
            Some(end) if end.is_open() => {}
            Some(End::Before(e)) => self.carve.push(RangeEvent::Introduced(
                series_end(e.trim()).unwrap_or_else(|| e.trim().to_owned()),
            )),
            Some(End::Through(e)) => self
                .carve
                .extend(series_end(e.trim()).map(RangeEvent::Introduced)),
            None => {}
        }
    }
}

/// The upper end of a range entry.
#[derive(Debug, Clone, Copy)]
enum End<'a> {
    /// `lessThan`.
    Before(&'a str),
    /// `lessThanOrEqual`.
    Through(&'a str),
}

impl End<'_> {
    /// `*` (or nothing): no upper end.
    fn is_open(self) -> bool {
        let (End::Before(e) | End::Through(e)) = self;
        matches!(e.trim(), "*" | "")
    }
}

/// Walks a range entry from its start status through its changes.
fn walk_range(
    v: &CveVersion,
    starts_affected: bool,
    end: End<'_>,
    kind: RangeKind,
) -> Option<VersionRange> {
    let mut events = Vec::new();
    let mut affected = starts_affected;
    if affected {
        let start = v.version.trim();
        let start = if start.is_empty() || is_unspecified(start) {
            "0"
        } else {
            start
        };
        events.push(RangeEvent::Introduced(start.to_owned()));
    }
    for change in &v.changes {
        match change.status.as_str() {
            "affected" if !affected => {
                events.push(RangeEvent::Introduced(change.at.trim().to_owned()))
            }
            "unaffected" if affected => events.push(RangeEvent::Fixed(change.at.trim().to_owned())),
            _ => continue,
        }
        affected = change.status == "affected";
    }
    if affected && !end.is_open() {
        events.push(match end {
            End::Before(e) => series_end(e.trim())
                .map_or_else(|| RangeEvent::Fixed(e.trim().to_owned()), RangeEvent::Fixed),
            End::Through(e) => match series_end(e.trim()) {
                Some(next) => RangeEvent::Fixed(next),
                None => RangeEvent::LastAffected(e.trim().to_owned()),
            },
        });
    }
    (!events.is_empty()).then_some(VersionRange { kind, events })
}

/// The default-affected range with its carve-outs; `None` when nothing was
/// carved (every version is then affected).
fn carved_range(
    start: Option<String>,
    carve: Vec<RangeEvent>,
    kind: Option<RangeKind>,
) -> Option<VersionRange> {
    if start.is_none() && carve.is_empty() {
        return None;
    }
    let fixed: HashSet<&str> = carve
        .iter()
        .filter_map(|e| match e {
            RangeEvent::Fixed(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    // A re-introduction where another unaffected stretch starts is no
    // re-introduction at all.
    let carve: Vec<RangeEvent> = carve
        .iter()
        .filter(|e| !matches!(e, RangeEvent::Introduced(v) if fixed.contains(v.as_str())))
        .cloned()
        .collect();
    let mut events = vec![RangeEvent::Introduced(
        start.unwrap_or_else(|| "0".to_owned()),
    )];
    events.extend(carve);
    Some(VersionRange {
        kind: kind.unwrap_or(RangeKind::Ecosystem),
        events,
    })
}

fn kind_of(version_type: Option<&str>) -> RangeKind {
    match version_type.map(str::trim) {
        Some(t) if t.eq_ignore_ascii_case("semver") => RangeKind::Semver,
        Some(t) if t.eq_ignore_ascii_case("git") => RangeKind::Git,
        _ => RangeKind::Ecosystem,
    }
}

/// Placeholders CNAs write for "no particular version".
fn is_unspecified(text: &str) -> bool {
    let text = text.trim();
    [
        "n/a",
        "unspecified",
        "unknown",
        "*",
        "-",
        "all",
        "all versions",
    ]
    .iter()
    .any(|p| text.eq_ignore_ascii_case(p))
}

/// The first version after a series wildcard: `5.15.*` → `5.16`,
/// `2.*` → `3`. `None` for anything else.
fn series_end(text: &str) -> Option<String> {
    let series = text.strip_suffix(".*")?;
    let (head, last) = match series.rsplit_once('.') {
        Some((head, last)) => (Some(head), last),
        None => (None, series),
    };
    let next = last.parse::<u64>().ok()?.checked_add(1)?;
    Some(match head {
        Some(head) => format!("{head}.{next}"),
        None => next.to_string(),
    })
}

/// A CPE in the 2.3 formatted-string form; 2.2 URIs (`cpe:/o:redhat:enterprise_linux:6`)
/// are converted, anything else is dropped.
fn cpe23(text: &str) -> Option<String> {
    let text = text.trim();
    if text.starts_with("cpe:2.3:") {
        return Some(text.to_owned());
    }
    let uri = text.strip_prefix("cpe:/")?;
    let mut parts: Vec<&str> = uri
        .split(':')
        .map(|p| if p.is_empty() { "*" } else { p })
        .collect();
    if parts.is_empty() || parts.len() > 11 {
        return None;
    }
    parts.resize(11, "*");
    Some(format!("cpe:2.3:{}", parts.join(":")))
}

#[cfg(test)]
#[path = "cve5_versions_tests.rs"]
mod tests;
