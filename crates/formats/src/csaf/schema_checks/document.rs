//! Schema checks of `/document`.

use super::super::document::{Acknowledgment, DocumentMeta, Tracking};
use super::super::patterns;
use super::Checker;

pub(super) fn check_document(c: &mut Checker, doc: &DocumentMeta) {
    acknowledgments(c, "/document/acknowledgments", &doc.acknowledgments);
    if let Some(severity) = &doc.aggregate_severity {
        c.opt_uri(
            "/document/aggregate_severity/namespace",
            &severity.namespace,
        );
        c.text("/document/aggregate_severity/text", &severity.text);
    }
    c.text("/document/category", &doc.category);
    c.pattern(
        "/document/category",
        &doc.category,
        patterns::is_category,
        "a category (no leading or trailing space, `-`, `_` or `.`)",
    );
    if doc.csaf_version != "2.0" {
        c.fail(
            "/document/csaf_version",
            format!("must be \"2.0\", not \"{}\"", doc.csaf_version),
        );
    }
    if let Some(dist) = &doc.distribution {
        if dist.text.is_none() && dist.tlp.is_none() {
            c.fail("/document/distribution", "must have text or tlp");
        }
        c.opt_text("/document/distribution/text", &dist.text);
        if let Some(tlp) = &dist.tlp {
            c.opt_uri("/document/distribution/tlp/url", &tlp.url);
        }
    }
    for (name, lang) in [("lang", &doc.lang), ("source_lang", &doc.source_lang)] {
        if let Some(lang) = lang {
            let path = format!("/document/{name}");
            c.pattern(&path, lang, patterns::is_lang, "a BCP 47 language tag");
        }
    }
    c.notes("/document/notes", &doc.notes);
    let publisher = &doc.publisher;
    c.opt_text(
        "/document/publisher/contact_details",
        &publisher.contact_details,
    );
    c.opt_text(
        "/document/publisher/issuing_authority",
        &publisher.issuing_authority,
    );
    c.text("/document/publisher/name", &publisher.name);
    c.uri("/document/publisher/namespace", &publisher.namespace);
    c.references("/document/references", &doc.references);
    c.text("/document/title", &doc.title);
    tracking(c, &doc.tracking);
}

/// `acknowledgments_t`.
pub(super) fn acknowledgments(c: &mut Checker, path: &str, value: &Option<Vec<Acknowledgment>>) {
    for (i, ack) in c.array(path, value).unwrap_or_default().iter().enumerate() {
        let base = format!("{path}/{i}");
        let empty = ack.names.is_none()
            && ack.organization.is_none()
            && ack.summary.is_none()
            && ack.urls.is_none();
        if empty {
            c.fail(&base, "an acknowledgment must have at least one property");
        }
        c.string_array(&format!("{base}/names"), &ack.names, false);
        c.opt_text(&format!("{base}/organization"), &ack.organization);
        c.opt_text(&format!("{base}/summary"), &ack.summary);
        let urls_path = format!("{base}/urls");
        for (j, url) in c
            .array(&urls_path, &ack.urls)
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            c.uri(&format!("{urls_path}/{j}"), url);
        }
    }
}

fn tracking(c: &mut Checker, t: &Tracking) {
    const BASE: &str = "/document/tracking";
    c.string_array(&format!("{BASE}/aliases"), &t.aliases, true);
    c.date(
        &format!("{BASE}/current_release_date"),
        &t.current_release_date,
    );
    if let Some(generator) = &t.generator {
        c.opt_date(&format!("{BASE}/generator/date"), &generator.date);
        c.text(
            &format!("{BASE}/generator/engine/name"),
            &generator.engine.name,
        );
        c.opt_text(
            &format!("{BASE}/generator/engine/version"),
            &generator.engine.version,
        );
    }
    c.text(&format!("{BASE}/id"), &t.id);
    c.pattern(
        &format!("{BASE}/id"),
        &t.id,
        patterns::is_tracking_id,
        "a tracking id (no leading or trailing whitespace)",
    );
    c.date(
        &format!("{BASE}/initial_release_date"),
        &t.initial_release_date,
    );
    let history = format!("{BASE}/revision_history");
    c.min_items(&history, &t.revision_history, 1);
    for (i, rev) in t.revision_history.iter().enumerate() {
        let base = format!("{history}/{i}");
        c.date(&format!("{base}/date"), &rev.date);
        c.opt_text(&format!("{base}/legacy_version"), &rev.legacy_version);
        c.pattern(
            &format!("{base}/number"),
            &rev.number,
            patterns::is_version,
            "a version (integer or semantic versioning)",
        );
        c.text(&format!("{base}/summary"), &rev.summary);
    }
    c.pattern(
        &format!("{BASE}/version"),
        &t.version,
        patterns::is_version,
        "a version (integer or semantic versioning)",
    );
}
