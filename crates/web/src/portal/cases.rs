//! The analysts' case workflow in the portal: the queue (by priority, with a
//! count per state and a state filter) and one case with its timeline,
//! reports and their provenance, vendors, evidence and the workflow forms
//! (triage, move, TLP, merge, split, notify a vendor, publish).
//!
//! The application authorises every operation; a user who is not an analyst
//! gets the queue's "not for your role" page and "not found" for a case.
use super::error::PageResult;
use super::layout::filters;
use super::layout::{Layout, Section};
use super::session::{CsrfForm, PortalSession};
use super::{forms, render, see_other, Notice, Path, Query};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use bulwark_app::clearinghouse::cases::{CaseDetailView, CaseView, MAX_PAGE};
use bulwark_domain::clearinghouse::case::CaseState;
use bulwark_domain::ids::CaseId;
use serde::Deserialize;

/// The TLP levels an analyst may choose.
const TLP_LEVELS: [&str; 5] = ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"];

/// The states an analyst may move a case to directly.
const MOVE_STATES: [&str; 3] = ["triaged", "rejected", "fix_available"];

/// The queue's `?state=`.
#[derive(Debug, Default, Deserialize)]
pub(super) struct CasesQuery {
    #[serde(default)]
    state: Option<String>,
}

/// A state with how many cases are in it.
struct StateCount {
    state: &'static str,
    count: usize,
    active: bool,
}

#[derive(Template)]
#[template(path = "cases.html")]
struct CasesPage {
    layout: Layout,
    cases: Vec<CaseView>,
    counts: Vec<StateCount>,
    total: usize,
    filter: Option<String>,
}

impl CasesPage {
    fn tlp_style(&self, tlp: &str) -> &'static str {
        super::advisories::tlp_style(tlp)
    }
}

/// GET /cases: the queue, highest priority first.
pub(super) async fn list(
    State(app): State<AppState>,
    s: PortalSession,
    notice: Notice,
    Query(q): Query<CasesQuery>,
) -> PageResult {
    s.enter(Section::Cases)?;
    let filter = q.state.and_then(|v| forms::optional_text(&v));
    let all = app
        .list_cases(&s.ctx, None, MAX_PAGE, 0)
        .await
        .map_err(|e| s.fail(e))?;
    let counts = CaseState::ALL
        .iter()
        .map(|st| StateCount {
            state: st.as_str(),
            count: all.iter().filter(|c| c.state == st.as_str()).count(),
            active: filter.as_deref() == Some(st.as_str()),
        })
        .collect();
    let total = all.len();
    let cases = match &filter {
        Some(state) => app
            .list_cases(&s.ctx, Some(state), MAX_PAGE, 0)
            .await
            .map_err(|e| s.fail(e).back_to("/cases"))?,
        None => all,
    };
    render(&CasesPage {
        layout: s.layout("Cases", Section::Cases, notice.key()),
        cases,
        counts,
        total,
        filter,
    })
}

#[derive(Template)]
#[template(path = "case.html")]
struct CasePage {
    layout: Layout,
    d: CaseDetailView,
    /// Seconds until the embargo deadline (None: no deadline).
    embargo_secs: Option<i64>,
    tlp_levels: &'static [&'static str],
    move_states: &'static [&'static str],
}

impl CasePage {
    fn tlp_style(&self, tlp: &str) -> &'static str {
        super::advisories::tlp_style(tlp)
    }

    /// Whether `tlp` is the case's level (the selected option).
    fn is_current_tlp(&self, tlp: &str) -> bool {
        self.d.case.tlp == tlp
    }

    /// The report's description, when the normalised report has one.
    fn description(&self, report: &serde_json::Value) -> String {
        report
            .get("description")
            .and_then(|d| d.as_str())
            .unwrap_or_default()
            .to_owned()
    }
}

/// GET /cases/{id}: one case with everything about it and its forms.
pub(super) async fn show(
    State(app): State<AppState>,
    s: PortalSession,
    notice: Notice,
    Path(id): Path<CaseId>,
) -> PageResult {
    let d = app.get_case(&s.ctx, id).await.map_err(|e| s.fail(e))?;
    let now = app.clock.now();
    let embargo_secs = d.case.embargo_until.map(|t| (t - now).num_seconds().max(0));
    let title = format!("{}: {}", d.case.name, d.case.title);
    render(&CasePage {
        layout: s.layout(&title, Section::Cases, notice.key()),
        d,
        embargo_secs,
        tlp_levels: &TLP_LEVELS,
        move_states: &MOVE_STATES,
    })
}

/// The triage form.
#[derive(Deserialize)]
pub(super) struct TriageForm {
    #[serde(default)]
    embargo_days: String,
    #[serde(default)]
    note: String,
}

/// POST /cases/{id}/triage
pub(super) async fn triage(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, f): CsrfForm<TriageForm>,
) -> PageResult {
    let back = format!("/cases/{id}");
    let days = forms::optional_int("embargo_days", &f.embargo_days)
        .map_err(|e| s.fail(e).back_to(back.clone()))?;
    let note = forms::optional_text(&f.note);
    app.triage_case(&s.ctx, id, days, note.as_deref())
        .await
        .map_err(|e| s.fail(e).back_to(back.clone()))?;
    see_other(&format!("{back}?notice=case_updated"))
}

/// The move form.
#[derive(Deserialize)]
pub(super) struct MoveForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    note: String,
}

/// POST /cases/{id}/transition
pub(super) async fn transition(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, f): CsrfForm<MoveForm>,
) -> PageResult {
    let back = format!("/cases/{id}");
    let note = forms::optional_text(&f.note);
    app.transition_case(&s.ctx, id, f.state.trim(), note.as_deref())
        .await
        .map_err(|e| s.fail(e).back_to(back.clone()))?;
    see_other(&format!("{back}?notice=case_updated"))
}

/// The TLP form.
#[derive(Deserialize)]
pub(super) struct TlpForm {
    #[serde(default)]
    tlp: String,
}

/// POST /cases/{id}/tlp
pub(super) async fn tlp(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, f): CsrfForm<TlpForm>,
) -> PageResult {
    let back = format!("/cases/{id}");
    app.set_case_tlp(&s.ctx, id, &f.tlp)
        .await
        .map_err(|e| s.fail(e).back_to(back.clone()))?;
    see_other(&format!("{back}?notice=case_updated"))
}

/// The merge form.
#[derive(Deserialize)]
pub(super) struct MergeForm {
    #[serde(default)]
    into: String,
    #[serde(default)]
    note: String,
}

/// POST /cases/{id}/merge: this case becomes a duplicate of `into`.
pub(super) async fn merge(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, f): CsrfForm<MergeForm>,
) -> PageResult {
    let back = format!("/cases/{id}");
    let into: CaseId = forms::id("into", &f.into).map_err(|e| s.fail(e).back_to(back.clone()))?;
    let note = forms::optional_text(&f.note);
    let survivor = app
        .merge_cases(&s.ctx, id, into, note.as_deref())
        .await
        .map_err(|e| s.fail(e).back_to(back.clone()))?;
    see_other(&format!("/cases/{}?notice=case_merged", survivor.id))
}

/// POST /cases/{id}/split: the checked `report` fields move to a new case.
pub(super) async fn split(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, fields): CsrfForm<Vec<(String, String)>>,
) -> PageResult {
    let back = format!("/cases/{id}");
    let reports: Vec<String> = fields
        .iter()
        .filter(|(k, _)| k == "report")
        .map(|(_, v)| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect();
    let note = fields
        .iter()
        .find(|(k, _)| k == "note")
        .and_then(|(_, v)| forms::optional_text(v));
    let new_case = app
        .split_case(&s.ctx, id, &reports, note.as_deref())
        .await
        .map_err(|e| s.fail(e).back_to(back.clone()))?;
    see_other(&format!("/cases/{}?notice=case_split", new_case.id))
}

/// GET /cases/{id}/evidence/{evidence}: downloads a piece of evidence.
pub(super) async fn evidence(
    State(app): State<AppState>,
    s: PortalSession,
    Path((id, evidence)): Path<(CaseId, String)>,
) -> PageResult {
    let file = app
        .get_evidence(&s.ctx, id, &evidence)
        .await
        .map_err(|e| s.fail(e).back_to(format!("/cases/{id}")))?;
    let media = HeaderValue::from_str(&file.meta.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let safe_name: String = file
        .meta
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{safe_name}\""))
        .unwrap_or(HeaderValue::from_static("attachment"));
    Ok((
        [
            (header::CONTENT_TYPE, media),
            (header::CONTENT_DISPOSITION, disposition),
            (
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        file.bytes,
    )
        .into_response())
}
