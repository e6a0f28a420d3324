//! Coordination and publication: vendor contacts, notifying vendors (and
//! the outbox of notifications), vendors' statuses and their own cases,
//! publishing advisories, and reading advisories within TLP clearance.
use super::{ApiResult, Caller, Json, Path, Query};
use crate::error::ErrorBody;
use crate::AppState;
use axum::extract::State;
use bulwark_app::clearinghouse::advisories::{AdvisoryRevisionView, AdvisoryView};
use bulwark_app::clearinghouse::outbox::OutboxMessageView;
use bulwark_app::clearinghouse::publish::PublishParams;
use bulwark_app::clearinghouse::vendors::{
    NotifyOutcomeView, NotifyVendorsParams, VendorCaseView, VendorContactParams, VendorContactView,
    VendorStatusParams, VendorStatusView,
};
use bulwark_domain::ids::CaseId;
use serde::Deserialize;

/// Paging of the advisories.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct AdvisoriesQuery {
    /// Only advisories (revisions) with a larger sequence number (default 0).
    #[serde(default)]
    after_seq: Option<i64>,
    /// Page size (1-500, default 100).
    #[serde(default)]
    limit: Option<i64>,
}

#[utoipa::path(put, path = "/api/v1/vendors/{slug}/contact", tag = "clearinghouse", security(("bearer" = [])),
    params(("slug" = String, Path)), request_body = VendorContactParams,
    responses((status = 200, body = VendorContactView), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn set_contact(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(slug): Path<String>,
    Json(params): Json<VendorContactParams>,
) -> ApiResult<VendorContactView> {
    Ok(Json(app.set_vendor_contact(&ctx, &slug, params).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/notify", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = NotifyVendorsParams,
    responses((status = 200, body = NotifyOutcomeView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn notify(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(params): Json<NotifyVendorsParams>,
) -> ApiResult<NotifyOutcomeView> {
    Ok(Json(app.notify_vendors(&ctx, id, params).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/outbox", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<OutboxMessageView>), (status = 404, body = ErrorBody)))]
pub(super) async fn outbox(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
) -> ApiResult<Vec<OutboxMessageView>> {
    Ok(Json(app.list_case_outbox(&ctx, id).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/vendor-status", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = VendorStatusParams,
    responses((status = 200, body = VendorStatusView), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn vendor_status(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(params): Json<VendorStatusParams>,
) -> ApiResult<VendorStatusView> {
    Ok(Json(app.set_vendor_status(&ctx, id, params).await?))
}

#[utoipa::path(get, path = "/api/v1/vendor/cases", tag = "clearinghouse", security(("bearer" = [])),
    responses((status = 200, body = Vec<VendorCaseView>), (status = 403, body = ErrorBody)))]
pub(super) async fn vendor_cases(
    State(app): State<AppState>,
    Caller(ctx): Caller,
) -> ApiResult<Vec<VendorCaseView>> {
    Ok(Json(app.vendor_cases(&ctx).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/publish", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = PublishParams,
    responses((status = 200, body = AdvisoryView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn publish(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(params): Json<PublishParams>,
) -> ApiResult<AdvisoryView> {
    Ok(Json(app.publish_case(&ctx, id, params).await?))
}

#[utoipa::path(get, path = "/api/v1/advisories", tag = "clearinghouse", security(("bearer" = [])),
    params(AdvisoriesQuery),
    responses((status = 200, body = Vec<AdvisoryView>), (status = 422, body = ErrorBody)))]
pub(super) async fn list_advisories(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<AdvisoriesQuery>,
) -> ApiResult<Vec<AdvisoryView>> {
    Ok(Json(
        app.list_advisories(&ctx, q.after_seq.unwrap_or(0), q.limit.unwrap_or(100))
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/advisories/{id}", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = AdvisoryView), (status = 404, body = ErrorBody)))]
pub(super) async fn show_advisory(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<String>,
) -> ApiResult<AdvisoryView> {
    Ok(Json(app.get_advisory(&ctx, &id).await?))
}

#[utoipa::path(get, path = "/api/v1/advisories/{id}/revisions", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<AdvisoryRevisionView>), (status = 404, body = ErrorBody)))]
pub(super) async fn advisory_revisions(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<String>,
) -> ApiResult<Vec<AdvisoryRevisionView>> {
    Ok(Json(app.advisory_revisions(&ctx, &id).await?))
}
