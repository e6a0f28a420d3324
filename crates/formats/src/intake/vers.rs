//! Version constraints written as text, turned into OSV-style range events:
//! `vers:` URIs (CycloneDX `affects[].versions[].range`) and the
//! comparator lists some CVE records put in `version` (`< 1.77.2`,
//! `>= 2.0.0, < 2.3.1`).
//!
//! `>=v` is introduced at `v`, `<v` fixed at `v`, `<=v` last affected at
//! `v`, `=v` (or a bare `v`) an individually listed version and `*` every
//! version. `>v` cannot be said with OSV events; it is read as `>=v`,
//! erring towards notifying (the range then also holds `v`). `!=v` is
//! dropped for the same reason.

use crate::model::{RangeEvent, RangeKind, VersionRange};

/// What a constraint text says, in model terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Constraints {
    /// The range, when the text has bounds.
    pub range: Option<VersionRange>,
    /// Individually listed versions.
    pub versions: Vec<String>,
    /// Every version (`*`).
    pub all: bool,
}

/// Reads a `vers:` URI (`vers:generic/>=2.9|<=4.1`). The scheme picks the
/// range kind: `semver` (and `npm`, `cargo`, `golang`, which use SemVer)
/// orders by SemVer, everything else by the ecosystem's own order.
pub fn parse_vers(text: &str) -> Result<Constraints, String> {
    let body = text
        .trim()
        .strip_prefix("vers:")
        .ok_or_else(|| format!("`{text}` is not a `vers:` range"))?;
    let (scheme, list) = body
        .split_once('/')
        .ok_or_else(|| format!("`{text}` has no versioning scheme"))?;
    let kind = match scheme.to_ascii_lowercase().as_str() {
        "semver" | "npm" | "cargo" | "golang" => RangeKind::Semver,
        _ => RangeKind::Ecosystem,
    };
    let parts = list.split('|').map(str::trim).filter(|p| !p.is_empty());
    constraints(parts, kind).ok_or_else(|| format!("`{text}` has no constraints"))
}

/// Reads a comparator list (`< 1.77.2`, `>= 2.0.0, < 2.3.1`), separated by
/// commas or `|`. `None` when the text has no comparator (a plain version).
pub fn parse_comparators(text: &str, kind: RangeKind) -> Option<Constraints> {
    let text = text.trim();
    if !text.starts_with(['<', '>', '=', '!']) {
        return None;
    }
    let parts = text
        .split([',', '|'])
        .map(str::trim)
        .filter(|p| !p.is_empty());
    constraints(parts, kind)
}

/// Folds constraint parts into events, in the order given; `None` when
/// there are none.
fn constraints<'a>(parts: impl Iterator<Item = &'a str>, kind: RangeKind) -> Option<Constraints> {
    let mut out = Constraints::default();
    let mut events = Vec::new();
    let mut any = false;
    for part in parts {
        any = true;
        let (op, version) = split_operator(part);
        if version == "*" {
            out.all = true;
            continue;
        }
        if version.is_empty() {
            continue;
        }
        let version = version.to_owned();
        match op {
            ">=" | ">" => events.push(RangeEvent::Introduced(version)),
            "<" => events.push(RangeEvent::Fixed(version)),
            "<=" => events.push(RangeEvent::LastAffected(version)),
            "=" | "" => out.versions.push(version),
            _ => {}
        }
    }
    if !any {
        return None;
    }
    if !events.is_empty() {
        // An upper bound with no lower one means "from the beginning".
        if !matches!(events.first(), Some(RangeEvent::Introduced(_))) {
            events.insert(0, RangeEvent::Introduced("0".to_owned()));
        }
        out.range = Some(VersionRange { kind, events });
    }
    Some(out)
}

/// Splits `>=1.2` into (`>=`, `1.2`).
fn split_operator(part: &str) -> (&str, &str) {
    let op_len = part
        .bytes()
        .take_while(|b| matches!(b, b'<' | b'>' | b'=' | b'!'))
        .count();
    let (op, version) = part.split_at(op_len);
    (op, version.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(c: &Constraints) -> Vec<RangeEvent> {
        c.range
            .as_ref()
            .map(|r| r.events.clone())
            .unwrap_or_default()
    }

    #[test]
    fn vers_ranges() -> Result<(), String> {
        let c = parse_vers("vers:generic/>=2.9|<=4.1")?;
        assert_eq!(
            events(&c),
            vec![
                RangeEvent::Introduced("2.9".into()),
                RangeEvent::LastAffected("4.1".into())
            ]
        );
        assert_eq!(c.range.map(|r| r.kind), Some(RangeKind::Ecosystem));
        let c = parse_vers("vers:semver/<1.0.6|>=2.0.0|<2.1.9")?;
        assert_eq!(
            events(&c),
            vec![
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("1.0.6".into()),
                RangeEvent::Introduced("2.0.0".into()),
                RangeEvent::Fixed("2.1.9".into()),
            ]
        );
        assert_eq!(c.range.map(|r| r.kind), Some(RangeKind::Semver));
        let c = parse_vers("vers:npm/1.2.3|=1.2.5")?;
        assert_eq!(c.versions, vec!["1.2.3".to_string(), "1.2.5".to_string()]);
        assert!(c.range.is_none());
        assert!(parse_vers("vers:generic/*")?.all);
        assert!(parse_vers(">=1.0").is_err());
        assert!(parse_vers("vers:generic").is_err());
        assert!(parse_vers("vers:generic/").is_err());
        Ok(())
    }

    #[test]
    fn comparator_lists() {
        let c = parse_comparators("< 1.77.2", RangeKind::Semver).unwrap_or_default();
        assert_eq!(
            events(&c),
            vec![
                RangeEvent::Introduced("0".into()),
                RangeEvent::Fixed("1.77.2".into())
            ]
        );
        let c = parse_comparators(">= 2.0.0, < 2.3.1", RangeKind::Ecosystem).unwrap_or_default();
        assert_eq!(
            events(&c),
            vec![
                RangeEvent::Introduced("2.0.0".into()),
                RangeEvent::Fixed("2.3.1".into())
            ]
        );
        let c = parse_comparators("> 1.0, != 1.5", RangeKind::Ecosystem).unwrap_or_default();
        assert_eq!(events(&c), vec![RangeEvent::Introduced("1.0".into())]);
        assert_eq!(parse_comparators("1.2.3", RangeKind::Semver), None);
        assert_eq!(
            parse_comparators("<", RangeKind::Semver),
            Some(Constraints::default())
        );
    }
}
