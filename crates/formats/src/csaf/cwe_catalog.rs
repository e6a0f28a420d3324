//! The CWE catalog (CWE 4.14: every weakness, category and view), for test
//! 6.1.11, which checks that a CWE exists and carries its catalog name.
//!
//! The data is `cwe_catalog.tsv` (id, tab, name), with MITRE's copyright
//! and terms of use in its header as they require.

use std::collections::HashMap;
use std::sync::OnceLock;

const CATALOG: &str = include_str!("cwe_catalog.tsv");

/// The catalog's version.
pub const CWE_CATALOG_VERSION: &str = "4.14";

fn table() -> &'static HashMap<u32, &'static str> {
    static TABLE: OnceLock<HashMap<u32, &'static str>> = OnceLock::new();
    TABLE.get_or_init(|| {
        CATALOG
            .lines()
            .filter(|line| !line.starts_with('#'))
            .filter_map(|line| {
                let (id, name) = line.split_once('\t')?;
                Some((id.parse().ok()?, name))
            })
            .collect()
    })
}

/// The catalog name of CWE-`id`, when the catalog has it.
pub fn cwe_name(id: u32) -> Option<&'static str> {
    table().get(&id).copied()
}

/// The highest entry id in the catalog, leaving out view 2000 (the
/// "Comprehensive CWE Dictionary", numbered apart): a missing id up to it
/// does not exist (CWE never reuses ids), one above it may be newer than the
/// catalog.
pub fn newest_cwe_id() -> u32 {
    table()
        .keys()
        .copied()
        .filter(|id| *id < 2000)
        .max()
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catalog_looks_up_names() {
        assert_eq!(cwe_name(20), Some("Improper Input Validation"));
        assert_eq!(
            cwe_name(79),
            Some("Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')")
        );
        assert_eq!(cwe_name(0), None);
        assert!(table().len() > 1400);
        assert_eq!(newest_cwe_id(), 1425);
    }
}
