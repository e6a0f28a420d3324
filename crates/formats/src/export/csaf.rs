//! CSAF 2.0 documents (OASIS CSAF 2.0, with Errata 01).
//!
//! The document is a `csaf_security_advisory`, or a `csaf_vex` when the
//! advisory carries VEX statements (consumers matching SBOMs look for VEX
//! documents, and the VEX profile's extra tests — an impact statement for
//! every not-affected product, an action statement for every affected one —
//! are met: the latter with a `none_available` remediation for affected
//! products no fix names). It satisfies the CSAF JSON schema and the
//! mandatory tests (§6.1); see the notes on each field below.
//!
//! TLP: CSAF 2.0 knows the TLP 1.0 labels only, so `CLEAR` is written as
//! `WHITE`, and `AMBER+STRICT` as `AMBER` with the TLP 2.0 label and its
//! rule in `distribution.text`.

use serde::Serialize;
use serde_json::Value;

use super::csaf_products::{Branch, Catalog, Status};
use super::cwe::cwe_name;
use super::error::ExportError;
use super::score::{cvss_scores, highest_rating, CvssJson, CvssScore};
use super::{cve_alias, rfc3339};
use crate::model::{Advisory, RemediationKind, Severity, Tlp};

const FORMAT: &str = "CSAF 2.0";

/// Writes `advisory` as a CSAF 2.0 document.
///
/// Fails when the advisory has no title or no product (an affected package
/// or a VEX statement), which both CSAF profiles require, or when one of its
/// CVSS vectors does not parse.
pub fn to_csaf(advisory: &Advisory) -> Result<Value, ExportError> {
    let document = csaf_document(advisory, None)?;
    serde_json::to_value(&document).map_err(|e| ExportError::json(&advisory.id, FORMAT, e))
}

/// [`to_csaf`] for a document published at `canonical_url`, which is
/// added as the `self` reference (recommended test 6.2.11: the URL ends in
/// the document's [filename](super::csaf_filename)).
pub fn to_csaf_with_canonical_url(
    advisory: &Advisory,
    canonical_url: &str,
) -> Result<Value, ExportError> {
    let document = csaf_document(advisory, Some(canonical_url))?;
    serde_json::to_value(&document).map_err(|e| ExportError::json(&advisory.id, FORMAT, e))
}

/// The CSAF document category for `advisory`.
pub fn csaf_category(advisory: &Advisory) -> &'static str {
    if advisory.vex.is_empty() {
        "csaf_security_advisory"
    } else {
        "csaf_vex"
    }
}

/// The CSAF 2.0 TLP label for a TLP 2.0 level (`CLEAR` → `WHITE`,
/// `AMBER+STRICT` → `AMBER`, see the module notes).
pub fn csaf_tlp_label(tlp: Tlp) -> &'static str {
    match tlp {
        Tlp::Clear => "WHITE",
        Tlp::Green => "GREEN",
        Tlp::Amber | Tlp::AmberStrict => "AMBER",
        Tlp::Red => "RED",
    }
}

fn csaf_document(
    advisory: &Advisory,
    canonical_url: Option<&str>,
) -> Result<CsafDocument, ExportError> {
    if advisory.title.trim().is_empty() {
        return Err(ExportError::missing(&advisory.id, FORMAT, "a title"));
    }
    let catalog = Catalog::build(advisory);
    if catalog.is_empty() {
        let what = "at least one affected product or VEX statement";
        return Err(ExportError::missing(&advisory.id, FORMAT, what));
    }
    let scores = cvss_scores(advisory, FORMAT)?;
    Ok(CsafDocument {
        document: document(advisory, &scores, canonical_url),
        product_tree: ProductTree {
            branches: catalog.branches(),
        },
        vulnerabilities: vec![vulnerability(advisory, &catalog, &scores)],
    })
}

fn document(
    advisory: &Advisory,
    scores: &[CvssScore],
    canonical_url: Option<&str>,
) -> DocumentMeta {
    let description = non_empty(&advisory.description);
    let self_reference = canonical_url.map(|url| CsafReference {
        category: "self",
        summary: "Canonical URL".to_owned(),
        url: url.to_owned(),
    });
    let external = advisory.references.iter().map(|r| CsafReference {
        category: "external",
        summary: r.kind.clone().unwrap_or_else(|| "Reference".to_owned()),
        url: r.url.clone(),
    });
    DocumentMeta {
        aggregate_severity: aggregate_severity(advisory, scores),
        category: csaf_category(advisory),
        csaf_version: "2.0",
        distribution: distribution(advisory.tlp),
        lang: "en",
        notes: description
            .map(|text| Note::new("summary", "Description", text))
            .into_iter()
            .collect(),
        publisher: CsafPublisher {
            category: "coordinator",
            contact_details: advisory.publisher.contact.clone(),
            name: advisory.publisher.name.clone(),
            namespace: advisory.publisher.namespace.clone(),
        },
        references: self_reference.into_iter().chain(external).collect(),
        title: advisory.title.clone(),
        tracking: tracking(advisory),
    }
}

fn distribution(tlp: Tlp) -> Distribution {
    let text = (tlp == Tlp::AmberStrict).then(|| {
        "TLP:AMBER+STRICT (TLP 2.0): recipients may share this only with members of their own \
         organisation, on a need-to-know basis; not with its clients."
            .to_owned()
    });
    Distribution {
        text,
        tlp: TlpLabel {
            label: csaf_tlp_label(tlp),
            url: "https://www.first.org/tlp/",
        },
    }
}

/// Tracking with one revision-history entry per revision 1..=N (mandatory
/// test 6.1.21 wants no gaps). The model keeps only the first and the
/// latest dates, so revision 1 is dated `published`, and later ones
/// `modified`, saying so in their summary.
fn tracking(advisory: &Advisory) -> Tracking {
    let revision = advisory.revision.max(1);
    let revision_history = (1..=revision)
        .map(|number| {
            let (date, summary) = match number {
                1 => (advisory.published, "Initial release.".to_owned()),
                n if n == revision => (advisory.modified, format!("Revision {n}: current revision.")),
                n => (
                    advisory.modified,
                    format!("Revision {n}: its own date is not kept; the date shown is the current revision's."),
                ),
            };
            Revision {
                date: rfc3339(date),
                number: number.to_string(),
                summary,
            }
        })
        .collect();
    Tracking {
        current_release_date: rfc3339(advisory.modified),
        generator: Generator {
            engine: Engine {
                name: "Bulwark",
                version: env!("CARGO_PKG_VERSION"),
            },
        },
        id: advisory.id.clone(),
        initial_release_date: rfc3339(advisory.published),
        revision_history,
        status: "final",
        version: revision.to_string(),
    }
}

/// The highest CVSS rating, else the first qualitative rating, capitalised.
fn aggregate_severity(advisory: &Advisory, scores: &[CvssScore]) -> Option<AggregateSeverity> {
    let qualitative = advisory.severities.iter().find_map(|s| match s {
        Severity::Qualitative { rating } => non_empty(rating).map(str::to_owned),
        _ => None,
    });
    let text = highest_rating(scores).map(str::to_owned).or(qualitative)?;
    let mut chars = text.chars();
    let first = chars.next()?.to_uppercase().collect::<String>();
    Some(AggregateSeverity {
        text: first + &chars.as_str().to_lowercase(),
    })
}

fn vulnerability(advisory: &Advisory, catalog: &Catalog, scores: &[CvssScore]) -> Vulnerability {
    let description = non_empty(&advisory.description).unwrap_or(&advisory.title);
    let cve = cve_alias(&advisory.aliases).map(str::to_owned);
    Vulnerability {
        cve: cve.clone(),
        cwe: advisory.cwes.iter().find_map(|n| {
            cwe_name(*n).map(|name| Cwe {
                id: format!("CWE-{n}"),
                name,
            })
        }),
        flags: flags(catalog),
        ids: ids(advisory, cve.as_deref()),
        notes: vec![Note::new(
            "description",
            "Vulnerability description",
            description,
        )],
        product_status: product_status(catalog),
        release_date: rfc3339(advisory.published),
        remediations: remediations(advisory, catalog),
        scores: csaf_scores(catalog, scores),
        threats: threats(advisory, catalog),
        title: advisory.title.clone(),
    }
}

/// The advisory's own id first, then every alias except the CVE in `cve`
/// (optional test 6.2.17 keeps CVEs out of `ids`).
fn ids(advisory: &Advisory, cve: Option<&str>) -> Vec<VulnerabilityId> {
    let own = VulnerabilityId {
        system_name: advisory.publisher.name.clone(),
        text: advisory.id.clone(),
    };
    let aliases = advisory
        .aliases
        .iter()
        .filter(|a| Some(a.as_str()) != cve && **a != advisory.id);
    let others = aliases.map(|alias| VulnerabilityId {
        system_name: alias.split('-').next().unwrap_or(alias).to_owned(),
        text: alias.clone(),
    });
    std::iter::once(own).chain(others).collect()
}

fn product_status(catalog: &Catalog) -> ProductStatus {
    ProductStatus {
        fixed: catalog.ids_with(Status::Fixed),
        known_affected: catalog.ids_with(Status::Affected),
        known_not_affected: catalog.ids_with(Status::NotAffected),
        under_investigation: catalog.ids_with(Status::UnderInvestigation),
    }
}

/// One flag per label, over the not-affected products whose justification
/// maps to it (at most one flag per product: test 6.1.33).
fn flags(catalog: &Catalog) -> Vec<Flag> {
    let mut flags: Vec<Flag> = Vec::new();
    for (id, reason) in &catalog.reasons {
        let Some(label) = reason.flag else { continue };
        match flags.iter_mut().find(|f| f.label == label) {
            Some(flag) => flag.product_ids.push(id.clone()),
            None => flags.push(Flag {
                label,
                product_ids: vec![id.clone()],
            }),
        }
    }
    flags
}

/// Impact statements for not-affected products without a flag, and the
/// exploitation status when exploitation is known.
fn threats(advisory: &Advisory, catalog: &Catalog) -> Vec<Threat> {
    let impacts = catalog
        .reasons
        .iter()
        .filter(|(_, reason)| reason.flag.is_none());
    let mut threats: Vec<Threat> = impacts
        .map(|(id, reason)| Threat {
            category: "impact",
            date: None,
            details: reason.text.clone(),
            product_ids: vec![id.clone()],
        })
        .collect();
    if let Some(exploitation) = &advisory.exploitation {
        let mut details = if exploitation.kev {
            "Exploited in the wild: listed in the CISA Known Exploited Vulnerabilities catalog."
                .to_owned()
        } else {
            "Exploitation has been reported.".to_owned()
        };
        if exploitation.ransomware {
            details.push_str(" Known to be used in ransomware campaigns.");
        }
        if let Some(note) = exploitation.note.as_deref().and_then(non_empty) {
            details = format!("{details} {note}");
        }
        let date = exploitation
            .date_added
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| rfc3339(d.and_utc()));
        threats.push(Threat {
            category: "exploit_status",
            date,
            details,
            product_ids: Vec::new(),
        });
    }
    threats
}

/// Remediations for the affected products they name (test 6.1.29: each one
/// names products). In a VEX document, affected products no remediation
/// names get a `none_available` one (test 6.1.27.10).
fn remediations(advisory: &Advisory, catalog: &Catalog) -> Vec<CsafRemediation> {
    let mut out: Vec<CsafRemediation> = Vec::new();
    for remediation in &advisory.remediations {
        let product_ids = catalog.affected_ids_of(remediation.product.as_ref());
        if product_ids.is_empty() {
            continue;
        }
        let details = match (non_empty(&remediation.text), &remediation.fixed_version) {
            (Some(text), _) => text.to_owned(),
            (None, Some(version)) => format!("Update to version {version} or later."),
            (None, None) => remediation_default_text(remediation.kind).to_owned(),
        };
        out.push(CsafRemediation {
            category: remediation_category(remediation.kind),
            details,
            product_ids,
            url: remediation.url.clone(),
        });
    }
    if csaf_category(advisory) == "csaf_vex" {
        let covered: Vec<&String> = out.iter().flat_map(|r| &r.product_ids).collect();
        let affected = catalog.ids_with(Status::Affected);
        let uncovered: Vec<String> = affected
            .into_iter()
            .filter(|id| !covered.contains(&id))
            .collect();
        if !uncovered.is_empty() {
            out.push(CsafRemediation {
                category: "none_available",
                details: "No remediation is known to the publisher for these products yet."
                    .to_owned(),
                product_ids: uncovered,
                url: None,
            });
        }
    }
    out
}

fn remediation_category(kind: RemediationKind) -> &'static str {
    match kind {
        RemediationKind::VendorFix => "vendor_fix",
        RemediationKind::Workaround => "workaround",
        RemediationKind::Mitigation => "mitigation",
        RemediationKind::NoFixPlanned => "no_fix_planned",
        RemediationKind::NoneAvailable => "none_available",
    }
}

fn remediation_default_text(kind: RemediationKind) -> &'static str {
    match kind {
        RemediationKind::VendorFix => "Apply the vendor's fix.",
        RemediationKind::Workaround => "Apply the workaround.",
        RemediationKind::Mitigation => "Apply the mitigation.",
        RemediationKind::NoFixPlanned => "The vendor plans no fix.",
        RemediationKind::NoneAvailable => "No fix is available yet.",
    }
}

/// One `cvss_v3` score (3.1 preferred over 3.0: test 6.1.7 allows one score
/// per CVSS version and product) for every affected product. CSAF 2.0 has
/// no CVSS 4.0 field.
fn csaf_scores(catalog: &Catalog, scores: &[CvssScore]) -> Vec<Score> {
    let products = catalog.ids_with(Status::Affected);
    let v3 = |version: &str| scores.iter().find(|s| s.version == version);
    let Some(score) = v3("3.1").or_else(|| v3("3.0")) else {
        return Vec::new();
    };
    if products.is_empty() {
        return Vec::new();
    }
    vec![Score {
        cvss_v3: score.json(),
        products,
    }]
}

fn non_empty(text: &str) -> Option<&str> {
    Some(text).filter(|t| !t.trim().is_empty())
}

/// The whole document.
#[derive(Serialize)]
struct CsafDocument {
    document: DocumentMeta,
    product_tree: ProductTree,
    vulnerabilities: Vec<Vulnerability>,
}

/// `/document`.
#[derive(Serialize)]
struct DocumentMeta {
    #[serde(skip_serializing_if = "Option::is_none")]
    aggregate_severity: Option<AggregateSeverity>,
    category: &'static str,
    csaf_version: &'static str,
    distribution: Distribution,
    lang: &'static str,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<Note>,
    publisher: CsafPublisher,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    references: Vec<CsafReference>,
    title: String,
    tracking: Tracking,
}

#[derive(Serialize)]
struct AggregateSeverity {
    text: String,
}

#[derive(Serialize)]
struct Distribution {
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    tlp: TlpLabel,
}

#[derive(Serialize)]
struct TlpLabel {
    label: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct Note {
    category: &'static str,
    text: String,
    title: &'static str,
}

impl Note {
    fn new(category: &'static str, title: &'static str, text: &str) -> Note {
        Note {
            category,
            text: text.to_owned(),
            title,
        }
    }
}

#[derive(Serialize)]
struct CsafPublisher {
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_details: Option<String>,
    name: String,
    namespace: String,
}

#[derive(Serialize)]
struct CsafReference {
    category: &'static str,
    summary: String,
    url: String,
}

#[derive(Serialize)]
struct Tracking {
    current_release_date: String,
    generator: Generator,
    id: String,
    initial_release_date: String,
    revision_history: Vec<Revision>,
    status: &'static str,
    version: String,
}

#[derive(Serialize)]
struct Generator {
    engine: Engine,
}

#[derive(Serialize)]
struct Engine {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct Revision {
    date: String,
    number: String,
    summary: String,
}

#[derive(Serialize)]
struct ProductTree {
    branches: Vec<Branch>,
}

#[derive(Serialize)]
struct Vulnerability {
    #[serde(skip_serializing_if = "Option::is_none")]
    cve: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    cwe: Option<Cwe>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    flags: Vec<Flag>,
    ids: Vec<VulnerabilityId>,
    notes: Vec<Note>,
    product_status: ProductStatus,
    release_date: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    remediations: Vec<CsafRemediation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    scores: Vec<Score>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    threats: Vec<Threat>,
    title: String,
}

#[derive(Serialize)]
struct Cwe {
    id: String,
    name: &'static str,
}

#[derive(Serialize)]
struct Flag {
    label: &'static str,
    product_ids: Vec<String>,
}

#[derive(Serialize)]
struct VulnerabilityId {
    system_name: String,
    text: String,
}

#[derive(Serialize)]
struct ProductStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixed: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    known_affected: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    known_not_affected: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    under_investigation: Vec<String>,
}

#[derive(Serialize)]
struct CsafRemediation {
    category: &'static str,
    details: String,
    product_ids: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct Score {
    cvss_v3: CvssJson,
    products: Vec<String>,
}

#[derive(Serialize)]
struct Threat {
    category: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<String>,
    details: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    product_ids: Vec<String>,
}
