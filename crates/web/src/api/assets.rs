//! Operators' assets (SBOMs), what affects them, notices and
//! acknowledgements; time-to-patch per sector for analysts.
use super::{ApiResult, Caller, Json, Path, Query};
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use bulwark_app::clearinghouse::assets::{AssetRegisteredView, AssetView, MatchReportView};
use bulwark_app::clearinghouse::notices::{NoticeView, TimeToPatchView};
use serde::Deserialize;

/// Which asset an SBOM is for.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct AddQuery {
    /// The operator organisation's slug.
    #[serde(default)]
    operator: Option<String>,
    /// The asset's name (an existing asset's inventory is replaced).
    #[serde(default)]
    name: Option<String>,
}

/// Whose assets or notices.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct OperatorQuery {
    /// The operator organisation's slug (default: the caller's own).
    #[serde(default)]
    operator: Option<String>,
}

fn required(value: Option<String>, name: &str) -> Result<String, ApiError> {
    value.filter(|v| !v.is_empty()).ok_or_else(|| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!("{name}: the query parameter is required"),
        )
    })
}

/// Registers an asset from a CycloneDX (1.2–1.6) or SPDX (2.2/2.3) JSON
/// SBOM, or replaces its inventory, and matches it against every published
/// advisory: notices are created for new matches, updated for changed
/// ones and resolved for those the new inventory no longer has.
#[utoipa::path(post, path = "/api/v1/assets", tag = "clearinghouse", security(("bearer" = [])), params(AddQuery),
    request_body(content = String, description = "The SBOM (JSON)", content_type = "application/json"),
    responses((status = 200, body = AssetRegisteredView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody),
        (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<AddQuery>,
    body: Bytes,
) -> ApiResult<AssetRegisteredView> {
    let operator = required(q.operator, "operator")?;
    let name = required(q.name, "name")?;
    Ok(Json(
        app.add_sbom(&ctx, &operator, &name, body.to_vec()).await?,
    ))
}

/// An operator's assets, by name.
#[utoipa::path(get, path = "/api/v1/assets", tag = "clearinghouse", security(("bearer" = [])), params(OperatorQuery),
    responses((status = 200, body = Vec<AssetView>), (status = 404, body = ErrorBody)))]
pub(super) async fn list(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<OperatorQuery>,
) -> ApiResult<Vec<AssetView>> {
    Ok(Json(app.list_assets(&ctx, q.operator.as_deref()).await?))
}

/// What affects each of an operator's assets now: advisories within the
/// caller's highest TLP level, the affected components with fixing versions,
/// the matches VEX suppresses, and notice and acknowledgement state.
#[utoipa::path(get, path = "/api/v1/match", tag = "clearinghouse", security(("bearer" = [])), params(OperatorQuery),
    responses((status = 200, body = MatchReportView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn matches(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<OperatorQuery>,
) -> ApiResult<MatchReportView> {
    let operator = q.operator.unwrap_or_else(|| ctx.actor.org_slug.clone());
    Ok(Json(app.match_operator(&ctx, &operator).await?))
}

/// An operator's notices, newest first.
#[utoipa::path(get, path = "/api/v1/notices", tag = "clearinghouse", security(("bearer" = [])), params(OperatorQuery),
    responses((status = 200, body = Vec<NoticeView>), (status = 404, body = ErrorBody)))]
pub(super) async fn notices(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<OperatorQuery>,
) -> ApiResult<Vec<NoticeView>> {
    Ok(Json(app.list_notices(&ctx, q.operator.as_deref()).await?))
}

/// Acknowledges that the fix a notice asks for is deployed on its asset
/// (idempotent).
#[utoipa::path(post, path = "/api/v1/notices/{id}/ack", tag = "clearinghouse", security(("bearer" = [])), params(("id" = String, Path)),
    responses((status = 200, body = NoticeView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody)))]
pub(super) async fn ack(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<String>,
) -> ApiResult<NoticeView> {
    Ok(Json(app.acknowledge_notice(&ctx, &id).await?))
}

/// Time-to-patch per sector (analysts, administrators).
#[utoipa::path(get, path = "/api/v1/metrics/time-to-patch", tag = "clearinghouse", security(("bearer" = [])),
    responses((status = 200, body = TimeToPatchView), (status = 403, body = ErrorBody)))]
pub(super) async fn time_to_patch(
    State(app): State<AppState>,
    Caller(ctx): Caller,
) -> ApiResult<TimeToPatchView> {
    Ok(Json(app.time_to_patch(&ctx).await?))
}
