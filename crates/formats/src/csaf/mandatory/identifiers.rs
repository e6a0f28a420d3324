//! Tests on identifiers and names: 6.1.11 (CWE), 6.1.12 (language), 6.1.13
//! (purl), 6.1.15 (translator), 6.1.25 (hash algorithms), 6.1.26 (category
//! name), 6.1.28 (translation) and 6.1.31 (version range in a version).

use std::collections::HashSet;

use super::language;
use crate::csaf::cwe_catalog;
use crate::csaf::document::{CsafDocument, PublisherCategory};
use crate::csaf::finding::Finding;
use crate::csaf::patterns;
use crate::csaf::product_tree::BranchCategory;
use crate::csaf::products::{placed_products, walk_branches};

/// 6.1.11 CWE: the CWE exists and has its catalog name (CWE 4.14). An id
/// above the catalog's newest may be newer than it, so it passes.
pub(crate) fn cwe(doc: &CsafDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    for (v, vuln) in doc.vulnerability_list().iter().enumerate() {
        let Some(cwe) = &vuln.cwe else {
            continue;
        };
        let Some(number) = cwe
            .id
            .strip_prefix("CWE-")
            .and_then(|n| n.parse::<u32>().ok())
        else {
            continue; // Not a CWE id at all: a schema finding.
        };
        let (path, problem) = match cwe_catalog::cwe_name(number) {
            Some(expected) if cwe.name != expected => (
                format!("/vulnerabilities/{v}/cwe/name"),
                format!(
                    "the name of {} is \"{expected}\", not \"{}\"",
                    cwe.id, cwe.name
                ),
            ),
            None if number <= cwe_catalog::newest_cwe_id() => (
                format!("/vulnerabilities/{v}/cwe/id"),
                format!("{} does not exist", cwe.id),
            ),
            _ => continue,
        };
        out.push(Finding::new("6.1.11", path, problem));
    }
    out
}

/// 6.1.12 Language: `lang` and `source_lang` are valid tags whose subtags
/// exist.
pub(crate) fn language(doc: &CsafDocument) -> Vec<Finding> {
    let fields = [
        ("lang", &doc.document.lang),
        ("source_lang", &doc.document.source_lang),
    ];
    let mut out = Vec::new();
    for (name, value) in fields {
        let Some(tag) = value else {
            continue;
        };
        let problem = if patterns::is_lang(tag) {
            language::unknown_subtag(tag)
        } else {
            Some(format!("`{tag}` is not a well-formed language tag"))
        };
        if let Some(problem) = problem {
            out.push(Finding::new("6.1.12", format!("/document/{name}"), problem));
        }
    }
    out
}

/// 6.1.13 PURL: every package URL is valid (a type and a name at least).
pub(crate) fn purl(doc: &CsafDocument) -> Vec<Finding> {
    let Some(tree) = &doc.product_tree else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for placed in placed_products(tree) {
        let helper = placed.product.product_identification_helper.as_ref();
        let Some(purl) = helper.and_then(|h| h.purl.as_deref()) else {
            continue;
        };
        if let Err(e) = crate::sbom::purl::canonicalize(purl) {
            out.push(Finding::new(
                "6.1.13",
                format!("{}/product_identification_helper/purl", placed.path),
                format!("invalid package URL: {e}"),
            ));
        }
    }
    out
}

/// 6.1.15 Translator: a translator's document names its source language.
pub(crate) fn translator(doc: &CsafDocument) -> Vec<Finding> {
    let meta = &doc.document;
    if meta.publisher.category == PublisherCategory::Translator && meta.source_lang.is_none() {
        return vec![Finding::new(
            "6.1.15",
            "/document/source_lang",
            "a translator's document must give source_lang",
        )];
    }
    Vec::new()
}

/// 6.1.25 Multiple Use of Same Hash Algorithm within one item of `hashes`.
pub(crate) fn multiple_hash_algorithms(doc: &CsafDocument) -> Vec<Finding> {
    let Some(tree) = &doc.product_tree else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for placed in placed_products(tree) {
        let helper = placed.product.product_identification_helper.as_ref();
        let hashes = helper.and_then(|h| h.hashes.as_deref()).unwrap_or_default();
        for (h, hash) in hashes.iter().enumerate() {
            let mut seen = HashSet::new();
            for (i, file_hash) in hash.file_hashes.iter().enumerate() {
                if !seen.insert(file_hash.algorithm.as_str()) {
                    out.push(Finding::new(
                        "6.1.25",
                        format!(
                            "{}/product_identification_helper/hashes/{h}/file_hashes/{i}/algorithm",
                            placed.path
                        ),
                        format!(
                            "hash algorithm {} is used twice for one file",
                            file_hash.algorithm
                        ),
                    ));
                }
            }
        }
    }
    out
}

/// The categories of the CSAF 2.0 profiles.
const PROFILE_CATEGORIES: &[&str] = &[
    "csaf_base",
    "csaf_security_incident_response",
    "csaf_informational_advisory",
    "csaf_security_advisory",
    "csaf_vex",
];

/// The other profiles' names and values, without `-`, `_` or whitespace.
const RESERVED_NAMES: &[&str] = &[
    "securityincidentresponse",
    "informationaladvisory",
    "securityadvisory",
    "vex",
    "csafsecurityincidentresponse",
    "csafinformationaladvisory",
    "csafsecurityadvisory",
    "csafvex",
];

/// 6.1.26 Prohibited Document Category Name: a custom category is not a
/// spelling of another profile's name or value and does not use the
/// reserved `csaf_` prefix.
pub(crate) fn prohibited_category_name(doc: &CsafDocument) -> Vec<Finding> {
    let category = doc.document.category.as_str();
    if PROFILE_CATEGORIES.contains(&category) {
        return Vec::new();
    }
    let squashed: String = category
        .chars()
        .filter(|c| !(c.is_whitespace() || *c == '-' || *c == '_'))
        .flat_map(char::to_lowercase)
        .collect();
    let reserved_prefix = category
        .get(..5)
        .is_some_and(|p| p.eq_ignore_ascii_case("csaf_"));
    let problem = if RESERVED_NAMES.contains(&squashed.as_str()) {
        format!("`{category}` is the name of a CSAF profile other than CSAF Base")
    } else if reserved_prefix {
        format!("`{category}` uses the reserved prefix csaf_")
    } else {
        return Vec::new();
    };
    vec![Finding::new("6.1.26", "/document/category", problem)]
}

/// 6.1.28 Translation: source and document language differ.
pub(crate) fn translation(doc: &CsafDocument) -> Vec<Finding> {
    match (&doc.document.lang, &doc.document.source_lang) {
        (Some(lang), Some(source)) if lang.eq_ignore_ascii_case(source) => vec![Finding::new(
            "6.1.28",
            "/document/source_lang",
            format!("source_lang and lang are both {lang}"),
        )],
        _ => Vec::new(),
    }
}

/// 6.1.31 Version Range in Product Version: a `product_version` branch
/// names one version. As the specification allows, a name fails when,
/// lower-cased, it contains `<` or `>`, or has one of the words `after`,
/// `all`, `before`, `earlier`, `later`, `prior`, `versions`.
pub(crate) fn version_range_in_product_version(doc: &CsafDocument) -> Vec<Finding> {
    const WORDS: &[&str] = &[
        "after", "all", "before", "earlier", "later", "prior", "versions",
    ];
    let Some(tree) = &doc.product_tree else {
        return Vec::new();
    };
    let mut out = Vec::new();
    walk_branches(
        tree.branch_list(),
        "/product_tree/branches",
        &mut Vec::new(),
        &mut |branch, path, _| {
            if branch.category != BranchCategory::ProductVersion {
                return;
            }
            let name = branch.name.to_lowercase();
            let range = name.contains('<')
                || name.contains('>')
                || name.split_whitespace().any(|word| WORDS.contains(&word));
            if range {
                out.push(Finding::new(
                    "6.1.31",
                    format!("{path}/name"),
                    format!("product_version `{}` is a version range", branch.name),
                ));
            }
        },
    );
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::csaf::mandatory::fixtures::{fails, passes};

    #[test]
    fn t_6_1_11_cwe() {
        let with =
            |id: &str, name: &str| json!({"vulnerabilities": [{"cwe": {"id": id, "name": name}}]});
        fails(
            cwe,
            with("CWE-79", "Improper Input Validation"),
            "/vulnerabilities/0/cwe/name",
        );
        passes(
            cwe,
            with("CWE-79", "Improper Neutralization of Input During Web Page Generation ('Cross-site Scripting')"),
        );
        passes(cwe, with("CWE-1500", "A weakness newer than the catalog"));
    }

    #[test]
    fn t_6_1_12_language() {
        fails(
            language,
            json!({"document": {"lang": "EZ"}}),
            "/document/lang",
        );
        fails(
            language,
            json!({"document": {"source_lang": "en_US"}}),
            "/document/source_lang",
        );
        passes(
            language,
            json!({"document": {"lang": "en-US", "source_lang": "de"}}),
        );
    }

    #[test]
    fn t_6_1_13_purl() {
        let purl = |p: &str| {
            json!({"product_tree": {"full_product_names": [{"name": "A", "product_id": "CSAFPID-1",
                "product_identification_helper": {"purl": p}}]}})
        };
        fails(
            super::purl,
            purl("pkg:maven/@1.3.4"),
            "/product_tree/full_product_names/0/product_identification_helper/purl",
        );
        passes(
            super::purl,
            purl("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"),
        );
    }

    #[test]
    fn t_6_1_15_translator() {
        let publisher = json!({"category": "translator"});
        fails(
            translator,
            json!({"document": {"publisher": publisher}}),
            "/document/source_lang",
        );
        passes(
            translator,
            json!({"document": {"publisher": publisher, "source_lang": "de", "lang": "en"}}),
        );
    }

    #[test]
    fn t_6_1_25_hash_algorithms() {
        let hashes = |a: &str, b: &str| {
            json!({"product_tree": {"full_product_names": [{"name": "A", "product_id": "CSAFPID-1",
                "product_identification_helper": {"hashes": [{"filename": "a.so", "file_hashes": [
                    {"algorithm": a, "value": "026a37919b182ef7c63791e82c9645e2f897a3f0b73c7a6028c7febf62e93838"},
                    {"algorithm": b, "value": "0a853ce2337f0608489ac596a308dc5b7b19d35a52b10bf31261586ac368b175"}]}]}}]}})
        };
        fails(
            multiple_hash_algorithms,
            hashes("sha256", "sha256"),
            "/product_tree/full_product_names/0/product_identification_helper/hashes/0/file_hashes/1/algorithm",
        );
        passes(multiple_hash_algorithms, hashes("sha256", "sha512"));
    }

    #[test]
    fn t_6_1_26_prohibited_category() {
        for bad in [
            "Security_Incident_Response",
            "csaf_BASE",
            "Csaf_VeX",
            "V_eX",
            "Csaf_a",
        ] {
            fails(
                prohibited_category_name,
                json!({"document": {"category": bad}}),
                "/document/category",
            );
        }
        for good in [
            "csaf_vex",
            "OASIS CSAF TC Security Incident Response",
            "generic",
        ] {
            passes(
                prohibited_category_name,
                json!({"document": {"category": good}}),
            );
        }
    }

    #[test]
    fn t_6_1_28_translation() {
        fails(
            translation,
            json!({"document": {"lang": "en-US", "source_lang": "en-US"}}),
            "/document/source_lang",
        );
        passes(
            translation,
            json!({"document": {"lang": "en-GB", "source_lang": "en-US"}}),
        );
    }

    #[test]
    fn t_6_1_31_version_range() {
        let version = |name: &str| {
            json!({"product_tree": {"branches": [{"category": "vendor", "name": "V", "branches": [
                {"category": "product_version", "name": name,
                 "product": {"name": "P", "product_id": "CSAFPID-9"}}]}]}})
        };
        for bad in [
            "prior to 4.2",
            "<4.2",
            "<= 4.1",
            "4.1 and earlier",
            "all",
            "3.X versions",
        ] {
            fails(
                version_range_in_product_version,
                version(bad),
                "/product_tree/branches/0/branches/0/name",
            );
        }
        passes(version_range_in_product_version, version("after-eight"));
        passes(version_range_in_product_version, version("4.2"));
    }
}
