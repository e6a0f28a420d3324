//! Coordination in the portal: analysts notify a case's vendors and publish
//! its advisory (the forms sit on the case page); a vendor contact sees the
//! cases its organisation was notified of, with the embargo deadline, and
//! records its status.
use super::error::PageResult;
use super::layout::filters;
use super::layout::{Layout, Section};
use super::session::{CsrfForm, PortalSession};
use super::{forms, render, see_other, Notice, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use bulwark_app::clearinghouse::publish::PublishParams;
use bulwark_app::clearinghouse::vendors::{
    NotifyVendorsParams, VendorCaseView, VendorStatusParams, JUSTIFICATIONS,
};
use bulwark_domain::ids::CaseId;
use serde::Deserialize;

/// The case page's notify form.
#[derive(Deserialize)]
pub(super) struct NotifyForm {
    #[serde(default)]
    vendor: String,
}

/// POST /cases/{id}/notify: notifies one vendor (by slug).
pub(super) async fn notify(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, f): CsrfForm<NotifyForm>,
) -> PageResult {
    let back = format!("/cases/{id}");
    let params = NotifyVendorsParams {
        vendors: vec![f.vendor.trim().to_owned()],
    };
    app.notify_vendors(&s.ctx, id, params)
        .await
        .map_err(|e| s.fail(e).back_to(back.clone()))?;
    see_other(&back)
}

/// The case page's publish form.
#[derive(Deserialize)]
pub(super) struct PublishForm {
    /// Target sectors, comma-separated (empty: every sector).
    #[serde(default)]
    sectors: String,
}

/// POST /cases/{id}/publish: publishes the advisory (or its next revision).
pub(super) async fn publish(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, f): CsrfForm<PublishForm>,
) -> PageResult {
    let params = PublishParams {
        sectors: split_list(&f.sectors),
    };
    let advisory = app
        .publish_case(&s.ctx, id, params)
        .await
        .map_err(|e| s.fail(e).back_to(format!("/cases/{id}")))?;
    see_other(&format!("/advisories/{}", advisory.id))
}

#[derive(Template)]
#[template(path = "vendor_cases.html")]
struct VendorCasesPage {
    layout: Layout,
    cases: Vec<VendorCaseView>,
    justifications: &'static [&'static str],
}

/// GET /vendor/cases
pub(super) async fn cases(
    State(app): State<AppState>,
    s: PortalSession,
    notice: Notice,
) -> PageResult {
    let cases = app.vendor_cases(&s.ctx).await.map_err(|e| s.fail(e))?;
    render(&VendorCasesPage {
        layout: s.layout("Cases notified to us", Section::VendorCases, notice.key()),
        cases,
        justifications: &JUSTIFICATIONS,
    })
}

/// The vendor's status form.
#[derive(Deserialize)]
pub(super) struct StatusForm {
    #[serde(default)]
    status: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    fixed_versions: String,
    #[serde(default)]
    patch_refs: String,
    #[serde(default)]
    statement: String,
}

/// POST /vendor/cases/{id}/status
pub(super) async fn status(
    State(app): State<AppState>,
    Path(id): Path<CaseId>,
    CsrfForm(s, f): CsrfForm<StatusForm>,
) -> PageResult {
    let params = VendorStatusParams {
        status: f.status,
        justification: forms::optional_text(&f.justification),
        statement: forms::optional_text(&f.statement),
        fixed_versions: split_list(&f.fixed_versions),
        patch_refs: split_list(&f.patch_refs),
    };
    app.set_vendor_status(&s.ctx, id, params)
        .await
        .map_err(|e| s.fail(e).back_to("/vendor/cases"))?;
    see_other(&format!("/vendor/cases#case-{id}"))
}

/// Items of a comma- or whitespace-separated list.
fn split_list(text: &str) -> Vec<String> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}
