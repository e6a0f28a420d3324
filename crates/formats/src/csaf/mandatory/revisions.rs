//! Tests on the document version and revision history: 6.1.14, 6.1.16–
//! 6.1.22 and 6.1.30.
//!
//! "Sorted by date" means by instant, with items at the same instant in
//! version order: ties say nothing about order, so they cannot fail 6.1.14,
//! and the latest version at the last instant is the one 6.1.16 compares.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset};

use crate::csaf::doc_version::DocVersion;
use crate::csaf::document::{CsafDocument, DocumentStatus};
use crate::csaf::finding::Finding;

const HISTORY: &str = "/document/tracking/revision_history";

/// One revision: its index in the document, date and version.
struct Entry {
    index: usize,
    date: DateTime<FixedOffset>,
    version: DocVersion,
}

/// The revision history sorted by (date, version); `None` when a date or
/// number does not parse (the schema checks report those).
fn sorted_history(doc: &CsafDocument) -> Option<Vec<Entry>> {
    let mut entries = doc
        .document
        .tracking
        .revision_history
        .iter()
        .enumerate()
        .map(|(index, rev)| {
            Some(Entry {
                index,
                date: DateTime::parse_from_rfc3339(&rev.date).ok()?,
                version: DocVersion::parse(&rev.number)?,
            })
        })
        .collect::<Option<Vec<_>>>()?;
    entries.sort_by(|a, b| {
        a.date
            .cmp(&b.date)
            .then_with(|| a.version.precedence(&b.version))
    });
    Some(entries)
}

fn current_version(doc: &CsafDocument) -> Option<DocVersion> {
    DocVersion::parse(&doc.document.tracking.version)
}

fn is_released(doc: &CsafDocument) -> bool {
    matches!(
        doc.document.tracking.status,
        DocumentStatus::Final | DocumentStatus::Interim
    )
}

/// 6.1.14 Sorted Revision History: sorted by date, the numbers ascend.
pub(crate) fn sorted_revision_history(doc: &CsafDocument) -> Vec<Finding> {
    let Some(entries) = sorted_history(doc) else {
        return Vec::new();
    };
    entries
        .windows(2)
        .filter(|pair| pair[1].version.precedence(&pair[0].version) == Ordering::Less)
        .map(|pair| {
            let history = &doc.document.tracking.revision_history;
            let (earlier, later) = (&history[pair[0].index], &history[pair[1].index]);
            Finding::new(
                "6.1.14",
                format!("{HISTORY}/{}", pair[1].index),
                format!(
                    "version {} dated {} is lower than version {} dated {}",
                    later.number, later.date, earlier.number, earlier.date
                ),
            )
        })
        .collect()
}

/// 6.1.16 Latest Document Version: the document version is the number of
/// the latest revision (build metadata ignored, and the pre-release part too
/// in a draft).
pub(crate) fn latest_document_version(doc: &CsafDocument) -> Vec<Finding> {
    let (Some(entries), Some(version)) = (sorted_history(doc), current_version(doc)) else {
        return Vec::new();
    };
    let Some(last) = entries.last() else {
        return Vec::new();
    };
    let draft = doc.document.tracking.status == DocumentStatus::Draft;
    if version.stripped(draft) == last.version.stripped(draft) {
        return Vec::new();
    }
    let latest = &doc.document.tracking.revision_history[last.index].number;
    vec![Finding::new(
        "6.1.16",
        "/document/tracking/version",
        format!(
            "version is {} but the latest revision is {latest}",
            doc.document.tracking.version
        ),
    )]
}

/// 6.1.17 Document Status Draft: a `0`, `0.y.z` or pre-release version is a
/// draft.
pub(crate) fn document_status_draft(doc: &CsafDocument) -> Vec<Finding> {
    let Some(version) = current_version(doc) else {
        return Vec::new();
    };
    if (version.is_zero() || version.is_pre_release())
        && doc.document.tracking.status != DocumentStatus::Draft
    {
        return vec![Finding::new(
            "6.1.17",
            "/document/tracking/status",
            format!(
                "version {} is unreleased, so the status must be draft",
                doc.document.tracking.version
            ),
        )];
    }
    Vec::new()
}

/// Findings for each revision whose version matches `bad`.
fn revisions_where(
    doc: &CsafDocument,
    test: &'static str,
    bad: fn(&DocVersion) -> bool,
    why: &str,
) -> Vec<Finding> {
    let history = &doc.document.tracking.revision_history;
    history
        .iter()
        .enumerate()
        .filter(|(_, rev)| DocVersion::parse(&rev.number).is_some_and(|v| bad(&v)))
        .map(|(i, rev)| {
            Finding::new(
                test,
                format!("{HISTORY}/{i}/number"),
                format!("revision {} {why}", rev.number),
            )
        })
        .collect()
}

/// 6.1.18 Released Revision History: a final or interim document has no
/// `0` or `0.y.z` revision.
pub(crate) fn released_revision_history(doc: &CsafDocument) -> Vec<Finding> {
    if !is_released(doc) {
        return Vec::new();
    }
    revisions_where(
        doc,
        "6.1.18",
        DocVersion::is_zero,
        "is a draft version in a released document",
    )
}

/// 6.1.19 Revision History Entries for Pre-release Versions.
pub(crate) fn pre_release_revisions(doc: &CsafDocument) -> Vec<Finding> {
    revisions_where(
        doc,
        "6.1.19",
        DocVersion::is_pre_release,
        "is a pre-release",
    )
}

/// 6.1.20 Non-draft Document Version: a final or interim document's
/// version has no pre-release part.
pub(crate) fn non_draft_document_version(doc: &CsafDocument) -> Vec<Finding> {
    let pre = current_version(doc).is_some_and(|v| v.is_pre_release());
    if is_released(doc) && pre {
        return vec![Finding::new(
            "6.1.20",
            "/document/tracking/version",
            format!(
                "a {:?} document's version {} has a pre-release part",
                doc.document.tracking.status, doc.document.tracking.version
            ),
        )];
    }
    Vec::new()
}

/// 6.1.21 Missing Item in Revision History: sorted by date, the (major)
/// versions start at 0 or 1 and skip none.
pub(crate) fn missing_revision(doc: &CsafDocument) -> Vec<Finding> {
    let Some(entries) = sorted_history(doc) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    if let Some(first) = entries.first().filter(|e| e.version.major() > 1) {
        out.push(Finding::new(
            "6.1.21",
            format!("{HISTORY}/{}/number", first.index),
            format!(
                "the first revision is {}, not 0 or 1",
                doc.document.tracking.revision_history[first.index].number
            ),
        ));
    }
    for pair in entries.windows(2) {
        let (from, to) = (pair[0].version.major(), pair[1].version.major());
        if to > from.saturating_add(1) {
            out.push(Finding::new(
                "6.1.21",
                format!("{HISTORY}/{}/number", pair[1].index),
                format!("versions {} to {} are missing", from + 1, to - 1),
            ));
        }
    }
    out
}

/// 6.1.22 Multiple Definition in Revision History: no version number twice.
pub(crate) fn multiple_revision_definitions(doc: &CsafDocument) -> Vec<Finding> {
    let mut first: HashMap<&str, usize> = HashMap::new();
    let mut out = Vec::new();
    for (i, rev) in doc.document.tracking.revision_history.iter().enumerate() {
        match first.get(rev.number.as_str()) {
            Some(earlier) => out.push(Finding::new(
                "6.1.22",
                format!("{HISTORY}/{i}/number"),
                format!("version {} is already in {HISTORY}/{earlier}", rev.number),
            )),
            None => {
                first.insert(&rev.number, i);
            }
        }
    }
    out
}

/// 6.1.30 Mixed Integer and Semantic Versioning.
pub(crate) fn mixed_versioning(doc: &CsafDocument) -> Vec<Finding> {
    let tracking = &doc.document.tracking;
    let mut numbers: Vec<(String, &str)> = tracking
        .revision_history
        .iter()
        .enumerate()
        .map(|(i, rev)| (format!("{HISTORY}/{i}/number"), rev.number.as_str()))
        .collect();
    numbers.push(("/document/tracking/version".into(), &tracking.version));
    let parsed: Vec<(String, bool)> = numbers
        .into_iter()
        .filter_map(|(path, n)| DocVersion::parse(n).map(|v| (path, v.is_semantic())))
        .collect();
    let Some((_, semantic)) = parsed.first() else {
        return Vec::new();
    };
    let scheme = if *semantic { "semantic" } else { "integer" };
    parsed
        .iter()
        .filter(|(_, s)| s != semantic)
        .map(|(path, _)| {
            Finding::new(
                "6.1.30",
                path.clone(),
                format!("mixes versioning schemes: the document started with {scheme} versioning"),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::*;
    use crate::csaf::mandatory::fixtures::{fails, passes};

    /// A tracking patch with `status`, `version` and `(date, number)` revisions.
    fn tracking(status: &str, version: &str, revisions: &[(&str, &str)]) -> Value {
        let history: Vec<Value> = revisions
            .iter()
            .map(|(date, number)| json!({"date": date, "number": number, "summary": "s"}))
            .collect();
        json!({"document": {"tracking": {"status": status, "version": version,
            "revision_history": history}}})
    }

    const D1: &str = "2021-07-21T10:00:00.000Z";
    const D2: &str = "2021-07-22T10:00:00.000Z";

    #[test]
    fn t_6_1_14_sorted_history() {
        fails(
            sorted_revision_history,
            tracking("final", "2", &[(D1, "2"), (D2, "1")]),
            "/document/tracking/revision_history/1",
        );
        fails(
            sorted_revision_history,
            tracking(
                "final",
                "1",
                &[("2021-07-21T10:00:00.00010Z", "1"), (D1, "2")],
            ),
            "/document/tracking/revision_history/0",
        );
        passes(
            sorted_revision_history,
            tracking("final", "2", &[(D1, "2"), (D1, "1")]),
        );
        passes(
            sorted_revision_history,
            tracking("final", "10", &[(D1, "9"), (D2, "10")]),
        );
    }

    #[test]
    fn t_6_1_16_latest_version() {
        fails(
            latest_document_version,
            tracking("final", "1", &[(D1, "1"), (D2, "2")]),
            "/document/tracking/version",
        );
        fails(
            latest_document_version,
            tracking("final", "1", &[(D1, "2"), (D1, "1")]),
            "/document/tracking/version",
        );
        passes(
            latest_document_version,
            tracking(
                "final",
                "2.0.0+21AF26D3",
                &[(D1, "1.0.0"), (D2, "2.0.0+143D5")],
            ),
        );
        passes(
            latest_document_version,
            tracking("draft", "2.0.0-rc", &[(D1, "2.0.0")]),
        );
    }

    #[test]
    fn t_6_1_17_status_draft() {
        fails(
            document_status_draft,
            tracking("final", "0.9.5", &[(D1, "0.9.5")]),
            "/document/tracking/status",
        );
        passes(
            document_status_draft,
            tracking("draft", "0.9.5", &[(D1, "0.9.5")]),
        );
    }

    #[test]
    fn t_6_1_18_released_history() {
        fails(
            released_revision_history,
            tracking("final", "1", &[(D1, "0"), (D2, "1")]),
            "/document/tracking/revision_history/0/number",
        );
        passes(
            released_revision_history,
            tracking("draft", "1", &[(D1, "0"), (D2, "1")]),
        );
    }

    #[test]
    fn t_6_1_19_pre_release_revisions() {
        fails(
            pre_release_revisions,
            tracking("final", "1.0.0", &[(D1, "1.0.0-rc"), (D2, "1.0.0")]),
            "/document/tracking/revision_history/0/number",
        );
        passes(
            pre_release_revisions,
            tracking("final", "1.0.0", &[(D1, "1.0.0")]),
        );
    }

    #[test]
    fn t_6_1_20_non_draft_version() {
        fails(
            non_draft_document_version,
            tracking("interim", "1.0.0-alpha", &[(D1, "1.0.0")]),
            "/document/tracking/version",
        );
        passes(
            non_draft_document_version,
            tracking("draft", "1.0.0-alpha", &[(D1, "1.0.0")]),
        );
    }

    #[test]
    fn t_6_1_21_missing_revision() {
        fails(
            missing_revision,
            tracking("final", "3", &[(D1, "1"), (D2, "3")]),
            "/document/tracking/revision_history/1/number",
        );
        fails(
            missing_revision,
            tracking("final", "3", &[(D1, "2"), (D2, "3")]),
            "/document/tracking/revision_history/0/number",
        );
        passes(
            missing_revision,
            tracking("draft", "1", &[(D1, "0"), (D2, "1")]),
        );
        passes(
            missing_revision,
            tracking("final", "1.1.0", &[(D1, "1.0.0"), (D2, "1.1.0")]),
        );
    }

    #[test]
    fn t_6_1_22_multiple_revisions() {
        fails(
            multiple_revision_definitions,
            tracking("final", "1", &[(D1, "1"), (D2, "1")]),
            "/document/tracking/revision_history/1/number",
        );
        passes(
            multiple_revision_definitions,
            tracking("final", "2", &[(D1, "1"), (D2, "2")]),
        );
    }

    #[test]
    fn t_6_1_30_mixed_versioning() {
        fails(
            mixed_versioning,
            tracking("final", "2", &[(D1, "1.0.0"), (D2, "2")]),
            "/document/tracking/revision_history/1/number",
        );
        passes(
            mixed_versioning,
            tracking("final", "2.0.0", &[(D1, "1.0.0"), (D2, "2.0.0")]),
        );
    }
}
