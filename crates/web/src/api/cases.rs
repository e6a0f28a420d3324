//! Clearinghouse cases (analysts): the queue and one case with its reports.
use super::{ApiResult, Caller, Json, Path, Query};
use crate::error::ErrorBody;
use crate::AppState;
use axum::extract::State;
use bulwark_app::clearinghouse::cases::{CaseDetailView, CaseView};
use bulwark_domain::ids::CaseId;
use serde::Deserialize;

/// Filter and paging of the queue.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct CasesQuery {
    /// Only cases in this state (`new`, `triaged`, `vendor_notified`,
    /// `fix_available`, `published`, `rejected`, `duplicate`).
    #[serde(default)]
    state: Option<String>,
    /// Page size (1-500, default 100).
    #[serde(default)]
    limit: Option<i64>,
    /// Cases to skip.
    #[serde(default)]
    offset: Option<i64>,
}

#[utoipa::path(get, path = "/api/v1/cases", tag = "clearinghouse", security(("bearer" = [])), params(CasesQuery),
    responses((status = 200, body = Vec<CaseView>), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn list(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<CasesQuery>,
) -> ApiResult<Vec<CaseView>> {
    Ok(Json(
        app.list_cases(
            &ctx,
            q.state.as_deref(),
            q.limit.unwrap_or(100),
            q.offset.unwrap_or(0),
        )
        .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "clearinghouse", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = CaseDetailView), (status = 404, body = ErrorBody)))]
pub(super) async fn show(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
) -> ApiResult<CaseDetailView> {
    Ok(Json(app.get_case(&ctx, id).await?))
}
