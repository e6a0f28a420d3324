//! Operators in the portal: their assets, what affects each one now (the
//! affected components with fixing versions, what VEX suppressed), the
//! notices with an acknowledge button each, and the SBOM upload form; for
//! analysts and administrators, time-to-patch per sector.
//!
//! The application authorises every read and applies the highest TLP level
//! the operator may receive; this module only renders. The upload form takes the SBOM's
//! JSON pasted in a text area (form posts are limited to 2 MiB); larger
//! SBOMs go through the API or `bulwark sbom add`.
use super::error::PageResult;
use super::layout::filters;
use super::layout::{Layout, Section};
use super::session::{CsrfForm, NoFields, PortalSession};
use super::{render, see_other, Notice, Path};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use bulwark_app::clearinghouse::assets::MatchReportView;
use bulwark_app::clearinghouse::notices::{NoticeView, TimeToPatchView};
use serde::Deserialize;

#[derive(Template)]
#[template(path = "operator.html")]
struct OperatorPage {
    layout: Layout,
    report: MatchReportView,
    notices: Vec<NoticeView>,
}

/// GET /operator: the operator's assets, matches and notices.
pub(super) async fn page(
    State(app): State<AppState>,
    s: PortalSession,
    notice: Notice,
) -> PageResult {
    let slug = s.ctx.actor.org_slug.clone();
    let report = app
        .match_operator(&s.ctx, &slug)
        .await
        .map_err(|e| s.fail(e))?;
    let notices = app
        .list_notices(&s.ctx, None)
        .await
        .map_err(|e| s.fail(e))?;
    render(&OperatorPage {
        layout: s.layout("My assets", Section::Operator, notice.key()),
        report,
        notices,
    })
}

/// The upload form.
#[derive(Deserialize)]
pub(super) struct SbomForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    sbom: String,
}

/// POST /operator/assets: registers (or replaces) an asset from the SBOM.
pub(super) async fn upload(
    State(app): State<AppState>,
    CsrfForm(s, f): CsrfForm<SbomForm>,
) -> PageResult {
    let slug = s.ctx.actor.org_slug.clone();
    app.add_sbom(&s.ctx, &slug, f.name.trim(), f.sbom.into_bytes())
        .await
        .map_err(|e| s.fail(e).back_to("/operator"))?;
    see_other("/operator")
}

/// POST /operator/notices/{id}/ack: acknowledges a deployed fix.
pub(super) async fn ack(
    State(app): State<AppState>,
    Path(id): Path<String>,
    CsrfForm(s, _): CsrfForm<NoFields>,
) -> PageResult {
    app.acknowledge_notice(&s.ctx, &id)
        .await
        .map_err(|e| s.fail(e).back_to("/operator"))?;
    see_other(&format!("/operator#notice-{id}"))
}

#[derive(Template)]
#[template(path = "patch_metrics.html")]
struct MetricsPage {
    layout: Layout,
    metrics: TimeToPatchView,
    /// Median and 90th percentile per sector, for people.
    durations: Vec<(String, String)>,
}

/// Seconds as hours with one decimal, `—` when absent.
fn hours(seconds: &Option<i64>) -> String {
    seconds.map_or_else(|| "—".to_owned(), |s| format!("{:.1} h", s as f64 / 3600.0))
}

/// GET /metrics/time-to-patch (analysts, administrators).
pub(super) async fn metrics(
    State(app): State<AppState>,
    s: PortalSession,
    notice: Notice,
) -> PageResult {
    let metrics = app.time_to_patch(&s.ctx).await.map_err(|e| s.fail(e))?;
    let durations = metrics
        .sectors
        .iter()
        .map(|s| (hours(&s.median_seconds), hours(&s.p90_seconds)))
        .collect();
    render(&MetricsPage {
        layout: s.layout("Time to patch", Section::Cases, notice.key()),
        metrics,
        durations,
    })
}
