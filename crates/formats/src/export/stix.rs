//! STIX 2.1 bundles with TLP 2.0 markings.
//!
//! Per advisory: a `vulnerability`; a `course-of-action` per remediation,
//! with a `mitigates` relationship to the vulnerability; an `indicator` per
//! detection indicator, with a `related-to` relationship to it. (STIX 2.1
//! suggests `indicates` only towards attack patterns, campaigns,
//! infrastructure, intrusion sets, malware, threat actors and tools, and
//! `stix2-validator` flags `indicates` → vulnerability; `related-to` may
//! join any two objects.) Every object is marked with the advisory's TLP 2.0
//! marking definition (the OASIS objects, which the bundle includes). The
//! publishing `identity` is marked with the least restrictive TLP in the
//! bundle, so it never narrows what a recipient may do with the advisories.
//!
//! Ids are UUIDv5s in a namespace derived from the publisher's namespace
//! URL, named by advisory id and the object's role, so exporting the same
//! advisory again yields the same ids (STIX suggests UUIDv4 for domain
//! objects; stable ids matter more here). The revision is deliberately not
//! part of the name: in STIX a revised object keeps its id and gets a later
//! `modified` (STIX 2.1 §3.6), which here is the advisory's `modified`.

use serde::Serialize;
use serde_json::Value;
use uuid::Uuid;

use super::error::ExportError;
use super::tlp_markings::{tlp_marking_definition, tlp_marking_id};
use super::{cve_alias, stix_timestamp};
use crate::model::{Advisory, Publisher, RemediationKind, Tlp};

const FORMAT: &str = "STIX 2.1";

/// Writes `advisories` as one STIX 2.1 bundle created by `created_by`.
///
/// An empty slice gives a bundle without objects.
pub fn to_stix_bundle(
    advisories: &[Advisory],
    created_by: &Publisher,
) -> Result<Value, ExportError> {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, created_by.namespace.as_bytes());
    let bundle_name: Vec<String> = advisories
        .iter()
        .map(|a| format!("{}@{}", a.id, a.revision))
        .collect();
    let bundle_id = format!(
        "bundle--{}",
        Uuid::new_v5(
            &namespace,
            format!("bundle/{}", bundle_name.join(",")).as_bytes()
        )
    );
    let mut objects: Vec<Value> = Vec::new();
    if let Some(identity) = identity(advisories, created_by, &namespace) {
        objects.push(to_value(identity, "")?);
        let mut levels: Vec<Tlp> = advisories.iter().map(|a| a.tlp).collect();
        levels.sort();
        levels.dedup();
        objects.extend(levels.into_iter().map(tlp_marking_definition));
    }
    let identity_id = identity_id(&namespace);
    for advisory in advisories {
        let ids = ObjectIds::new(&namespace, &advisory.id);
        objects.extend(advisory_objects(advisory, &identity_id, &ids)?);
    }
    let bundle = Bundle {
        kind: "bundle",
        id: bundle_id,
        objects,
    };
    serde_json::to_value(bundle).map_err(|e| ExportError::json_of("the bundle", FORMAT, e))
}

fn identity_id(namespace: &Uuid) -> String {
    format!("identity--{}", Uuid::new_v5(namespace, b"identity"))
}

/// The publisher's identity, dated by the earliest publication and latest
/// change in the bundle; `None` without advisories.
fn identity(
    advisories: &[Advisory],
    publisher: &Publisher,
    namespace: &Uuid,
) -> Option<Sdo<IdentityBody>> {
    let created = advisories.iter().map(|a| a.published).min()?;
    let modified = advisories.iter().map(|a| a.modified).max()?.max(created);
    let least = advisories.iter().map(|a| a.tlp).min()?;
    Some(Sdo {
        kind: "identity",
        spec_version: "2.1",
        id: identity_id(namespace),
        created_by_ref: None,
        created: stix_timestamp(created),
        modified: stix_timestamp(modified),
        object_marking_refs: vec![tlp_marking_id(least)],
        body: IdentityBody {
            name: publisher.name.clone(),
            identity_class: "organization",
            contact_information: publisher.contact.clone(),
        },
    })
}

/// The deterministic ids of one advisory's objects.
struct ObjectIds<'a> {
    namespace: &'a Uuid,
    advisory: &'a str,
}

impl<'a> ObjectIds<'a> {
    fn new(namespace: &'a Uuid, advisory: &'a str) -> Self {
        ObjectIds {
            namespace,
            advisory,
        }
    }

    /// `<type>--<uuidv5(advisory id / role)>`.
    fn id(&self, stix_type: &str, role: &str) -> String {
        let name = format!("{}/{role}", self.advisory);
        format!(
            "{stix_type}--{}",
            Uuid::new_v5(self.namespace, name.as_bytes())
        )
    }
}

/// The common properties every object of one advisory shares.
struct Stamp<'a> {
    created_by: &'a str,
    created: String,
    modified: String,
    marking: &'static str,
}

impl Stamp<'_> {
    fn sdo<T>(&self, kind: &'static str, id: String, body: T) -> Sdo<T> {
        Sdo {
            kind,
            spec_version: "2.1",
            id,
            created_by_ref: Some(self.created_by.to_owned()),
            created: self.created.clone(),
            modified: self.modified.clone(),
            object_marking_refs: vec![self.marking],
            body,
        }
    }
}

fn advisory_objects(
    advisory: &Advisory,
    identity_id: &str,
    ids: &ObjectIds,
) -> Result<Vec<Value>, ExportError> {
    let stamp = Stamp {
        created_by: identity_id,
        created: stix_timestamp(advisory.published),
        modified: stix_timestamp(advisory.modified.max(advisory.published)),
        marking: tlp_marking_id(advisory.tlp),
    };
    let vulnerability_id = ids.id("vulnerability", "vulnerability");
    let mut objects = vec![to_value(
        stamp.sdo(
            "vulnerability",
            vulnerability_id.clone(),
            vulnerability(advisory),
        ),
        &advisory.id,
    )?];
    for (index, remediation) in advisory.remediations.iter().enumerate() {
        let coa_id = ids.id("course-of-action", &format!("course-of-action/{index}"));
        let body = CourseOfActionBody {
            name: course_of_action_name(advisory, index),
            description: Some(remediation.text.clone()).filter(|t| !t.trim().is_empty()),
        };
        objects.push(to_value(
            stamp.sdo("course-of-action", coa_id.clone(), body),
            &advisory.id,
        )?);
        let relationship = relationship("mitigates", coa_id, vulnerability_id.clone());
        let rel_id = ids.id("relationship", &format!("mitigates/{index}"));
        objects.push(to_value(
            stamp.sdo("relationship", rel_id, relationship),
            &advisory.id,
        )?);
    }
    for (index, indicator) in advisory.indicators.iter().enumerate() {
        let indicator_id = ids.id("indicator", &format!("indicator/{index}"));
        let body = IndicatorBody {
            name: indicator.name.clone(),
            description: format!(
                "Detects activity related to {}: {}",
                advisory.id, advisory.title
            ),
            pattern: indicator.pattern.clone(),
            pattern_version: (indicator.pattern_type == "stix").then_some("2.1"),
            pattern_type: indicator.pattern_type.clone(),
            valid_from: stix_timestamp(advisory.published),
        };
        objects.push(to_value(
            stamp.sdo("indicator", indicator_id.clone(), body),
            &advisory.id,
        )?);
        let relationship = relationship("related-to", indicator_id, vulnerability_id.clone());
        let rel_id = ids.id("relationship", &format!("related-to/{index}"));
        objects.push(to_value(
            stamp.sdo("relationship", rel_id, relationship),
            &advisory.id,
        )?);
    }
    Ok(objects)
}

fn vulnerability(advisory: &Advisory) -> VulnerabilityBody {
    let cve = cve_alias(&advisory.aliases);
    let mut refs = vec![ExternalReference {
        source_name: advisory.publisher.name.clone(),
        external_id: Some(advisory.id.clone()),
        url: None,
    }];
    for alias in advisory.aliases.iter().filter(|a| **a != advisory.id) {
        let source = if Some(alias.as_str()) == cve || alias.starts_with("CVE-") {
            "cve".to_owned()
        } else {
            alias
                .split('-')
                .next()
                .unwrap_or(alias)
                .to_ascii_lowercase()
        };
        refs.push(ExternalReference {
            source_name: source,
            external_id: Some(alias.clone()),
            url: None,
        });
    }
    refs.extend(advisory.cwes.iter().map(|n| ExternalReference {
        source_name: "cwe".to_owned(),
        external_id: Some(format!("CWE-{n}")),
        url: None,
    }));
    refs.extend(advisory.references.iter().map(|r| ExternalReference {
        source_name: r.kind.clone().unwrap_or_else(|| "web".to_owned()),
        external_id: None,
        url: Some(r.url.clone()),
    }));
    VulnerabilityBody {
        name: cve.unwrap_or(&advisory.id).to_owned(),
        description: Some(advisory.description.clone()).filter(|d| !d.trim().is_empty()),
        external_references: refs,
    }
}

/// `Vendor fix for foo: update to 1.2.3`, `Workaround for foo`, ….
fn course_of_action_name(advisory: &Advisory, index: usize) -> String {
    let Some(remediation) = advisory.remediations.get(index) else {
        return advisory.title.clone();
    };
    let kind = match remediation.kind {
        RemediationKind::VendorFix => "Vendor fix",
        RemediationKind::Workaround => "Workaround",
        RemediationKind::Mitigation => "Mitigation",
        RemediationKind::NoFixPlanned => "No fix planned",
        RemediationKind::NoneAvailable => "No fix available",
    };
    let target = match &remediation.product {
        Some(product) if !product.name.is_empty() => product.name.clone(),
        _ => advisory.id.clone(),
    };
    match &remediation.fixed_version {
        Some(version) => format!("{kind} for {target}: update to {version}"),
        None => format!("{kind} for {target}"),
    }
}

fn relationship(kind: &'static str, source_ref: String, target_ref: String) -> RelationshipBody {
    RelationshipBody {
        relationship_type: kind,
        source_ref,
        target_ref,
    }
}

fn to_value<T: Serialize>(object: T, advisory: &str) -> Result<Value, ExportError> {
    serde_json::to_value(object).map_err(|e| ExportError::json(advisory, FORMAT, e))
}

#[derive(Serialize)]
struct Bundle {
    #[serde(rename = "type")]
    kind: &'static str,
    id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    objects: Vec<Value>,
}

/// A STIX domain or relationship object: common properties plus a body.
#[derive(Serialize)]
struct Sdo<T> {
    #[serde(rename = "type")]
    kind: &'static str,
    spec_version: &'static str,
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    created_by_ref: Option<String>,
    created: String,
    modified: String,
    #[serde(flatten)]
    body: T,
    object_marking_refs: Vec<&'static str>,
}

#[derive(Serialize)]
struct IdentityBody {
    name: String,
    identity_class: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    contact_information: Option<String>,
}

#[derive(Serialize)]
struct VulnerabilityBody {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
    external_references: Vec<ExternalReference>,
}

#[derive(Serialize)]
struct ExternalReference {
    source_name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

#[derive(Serialize)]
struct CourseOfActionBody {
    name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<String>,
}

#[derive(Serialize)]
struct RelationshipBody {
    relationship_type: &'static str,
    source_ref: String,
    target_ref: String,
}

#[derive(Serialize)]
struct IndicatorBody {
    name: String,
    description: String,
    pattern: String,
    pattern_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pattern_version: Option<&'static str>,
    valid_from: String,
}
