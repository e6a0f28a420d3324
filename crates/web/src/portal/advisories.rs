//! Published advisories in the portal: the list and one advisory with its
//! affected ranges, fixed versions, references and TLP badge — only what
//! the reader's organisation may receive by TLP (the application filters; a page
//! above that level is "not found").
use super::error::PageResult;
use super::layout::filters;
use super::layout::{Layout, Section};
use super::session::PortalSession;
use super::{render, Notice, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use bulwark_app::clearinghouse::advisories::{AdvisoryRevisionView, AdvisoryView};
use bulwark_formats::model::{RangeEvent, Severity, VersionRange};

#[derive(Template)]
#[template(path = "advisories.html")]
struct AdvisoriesPage {
    layout: Layout,
    advisories: Vec<AdvisoryView>,
}

#[derive(Template)]
#[template(path = "advisory.html")]
struct AdvisoryPage {
    layout: Layout,
    a: AdvisoryView,
    revisions: Vec<AdvisoryRevisionView>,
}

/// The inline style of a TLP 2.0 badge (the standard's colours on black).
pub(crate) fn tlp_style(tlp: &str) -> &'static str {
    match tlp {
        "RED" => "background:#000;color:#FF2B2B",
        "AMBER" | "AMBER+STRICT" => "background:#000;color:#FFC000",
        "GREEN" => "background:#000;color:#33FF00",
        _ => "background:#000;color:#fff",
    }
}

/// A range's events in words: `introduced 1.0 · fixed 1.2`.
pub(crate) fn range_text(range: &VersionRange) -> String {
    range
        .events
        .iter()
        .map(|e| match e {
            RangeEvent::Introduced(v) => format!("introduced {v}"),
            RangeEvent::Fixed(v) => format!("fixed {v}"),
            RangeEvent::LastAffected(v) => format!("last affected {v}"),
            RangeEvent::Limit(v) => format!("limit {v}"),
        })
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The fixed versions of a range.
pub(crate) fn fixed_in(range: &VersionRange) -> Vec<String> {
    range
        .events
        .iter()
        .filter_map(|e| match e {
            RangeEvent::Fixed(v) => Some(v.clone()),
            _ => None,
        })
        .collect()
}

/// A severity in words.
pub(crate) fn severity_text(s: &Severity) -> String {
    match s {
        Severity::CvssV3 { vector } | Severity::CvssV4 { vector } | Severity::CvssV2 { vector } => {
            vector.clone()
        }
        Severity::Qualitative { rating } => rating.clone(),
    }
}

impl AdvisoriesPage {
    fn tlp_style(&self, tlp: &str) -> &'static str {
        tlp_style(tlp)
    }
}

impl AdvisoryPage {
    fn tlp_style(&self, tlp: &str) -> &'static str {
        tlp_style(tlp)
    }
    fn range_text(&self, range: &VersionRange) -> String {
        range_text(range)
    }
    fn fixed_in(&self, range: &VersionRange) -> String {
        fixed_in(range).join(", ")
    }
    fn severity_text(&self, s: &Severity) -> String {
        severity_text(s)
    }
}

/// GET /advisories
pub(super) async fn list(
    State(app): State<AppState>,
    s: PortalSession,
    notice: Notice,
) -> PageResult {
    let mut advisories = app
        .list_advisories(&s.ctx, 0, bulwark_app::clearinghouse::advisories::MAX_PAGE)
        .await
        .map_err(|e| s.fail(e))?;
    advisories.reverse();
    render(&AdvisoriesPage {
        layout: s.layout("Advisories", Section::Advisories, notice.key()),
        advisories,
    })
}

/// GET /advisories/{id}
pub(super) async fn show(
    State(app): State<AppState>,
    s: PortalSession,
    Path(id): Path<String>,
) -> PageResult {
    let a = app.get_advisory(&s.ctx, &id).await.map_err(|e| s.fail(e))?;
    let revisions = app
        .advisory_revisions(&s.ctx, &id)
        .await
        .map_err(|e| s.fail(e))?;
    render(&AdvisoryPage {
        layout: s.layout(&a.id, Section::Advisories, None),
        a,
        revisions,
    })
}
