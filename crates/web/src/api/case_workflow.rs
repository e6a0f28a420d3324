//! The case workflow (analysts): transitions, triage, embargo, TLP, merge,
//! split and evidence; review findings shared with the lab's consent.
use super::{ApiResult, Caller, Json, Path, Query};
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use bulwark_app::clearinghouse::cases::CaseView;
use bulwark_app::clearinghouse::evidence::{EvidenceParams, EvidenceView};
use bulwark_app::clearinghouse::shares::{DeclineShareParams, ProposeShareParams, ShareView};
use bulwark_domain::ids::CaseId;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// A state change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TransitionParams {
    /// `triaged`, `rejected` or `fix_available`.
    pub state: String,
    /// Why (kept on the case's timeline).
    #[serde(default)]
    pub note: Option<String>,
}

/// Triage of a new case.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct TriageParams {
    /// Embargo in days from now (0-365); default: the policy's, counted
    /// from when the case was opened (shorter when exploited).
    #[serde(default)]
    pub embargo_days: Option<i64>,
    /// A note for the timeline.
    #[serde(default)]
    pub note: Option<String>,
}

/// A new publication deadline.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct EmbargoParams {
    /// The deadline (RFC 3339, in the future, at most 365 days ahead).
    pub embargo_until: DateTime<Utc>,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// A TLP level.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct TlpParams {
    /// `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT` or `RED`.
    pub tlp: String,
}

/// Merging this case into another.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct MergeParams {
    /// The case that absorbs this one.
    pub into: String,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// Splitting reports off into a new case.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct SplitParams {
    /// Ids of the reports to move (not all of the case's).
    pub reports: Vec<String>,
    /// Why.
    #[serde(default)]
    pub note: Option<String>,
}

/// Name and type of an evidence upload.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct EvidenceQuery {
    /// The file's name.
    #[serde(default)]
    name: Option<String>,
    /// Its media type (default: the Content-Type header, else
    /// `application/octet-stream`).
    #[serde(default, rename = "type")]
    media_type: Option<String>,
}

/// Filter of share proposals.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct SharesQuery {
    /// `pending`, `consented` or `declined`.
    #[serde(default)]
    status: Option<String>,
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/transition", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = TransitionParams,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn transition(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(p): Json<TransitionParams>,
) -> ApiResult<CaseView> {
    Ok(Json(
        app.transition_case(&ctx, id, &p.state, p.note.as_deref())
            .await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/triage", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = TriageParams,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn triage(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(p): Json<TriageParams>,
) -> ApiResult<CaseView> {
    Ok(Json(
        app.triage_case(&ctx, id, p.embargo_days, p.note.as_deref())
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/cases/{id}/embargo", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = EmbargoParams,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn embargo(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(p): Json<EmbargoParams>,
) -> ApiResult<CaseView> {
    Ok(Json(
        app.set_case_embargo(&ctx, id, p.embargo_until, p.note.as_deref())
            .await?,
    ))
}

#[utoipa::path(put, path = "/api/v1/cases/{id}/tlp", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = TlpParams,
    responses((status = 200, body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn tlp(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(p): Json<TlpParams>,
) -> ApiResult<CaseView> {
    Ok(Json(app.set_case_tlp(&ctx, id, &p.tlp).await?))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/merge", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = MergeParams,
    responses((status = 200, description = "The surviving case", body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn merge(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(p): Json<MergeParams>,
) -> ApiResult<CaseView> {
    let into: CaseId = p.into.trim().parse().map_err(|_| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_input",
            format!("into: `{}` is not a case id", p.into),
        )
    })?;
    Ok(Json(
        app.merge_cases(&ctx, id, into, p.note.as_deref()).await?,
    ))
}

#[utoipa::path(post, path = "/api/v1/cases/{id}/split", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = SplitParams,
    responses((status = 200, description = "The new case", body = CaseView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn split(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Json(p): Json<SplitParams>,
) -> ApiResult<CaseView> {
    Ok(Json(
        app.split_case(&ctx, id, &p.reports, p.note.as_deref())
            .await?,
    ))
}

/// Attaches evidence (the raw body; `?name=` and `?type=` describe it).
#[utoipa::path(post, path = "/api/v1/cases/{id}/evidence", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path), EvidenceQuery),
    request_body(content = Vec<u8>, description = "The file", content_type = "application/octet-stream"),
    responses((status = 200, body = EvidenceView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn add_evidence(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
    Query(q): Query<EvidenceQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<EvidenceView> {
    let media_type = q
        .media_type
        .or_else(|| {
            headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.split(';').next().unwrap_or(v).trim().to_owned())
        })
        .unwrap_or_else(|| "application/octet-stream".into());
    let params = EvidenceParams {
        file_name: q.name.unwrap_or_default(),
        media_type,
        bytes: body.to_vec(),
    };
    Ok(Json(app.add_evidence(&ctx, id, params).await?))
}

#[utoipa::path(get, path = "/api/v1/cases/{id}/evidence", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = Vec<EvidenceView>), (status = 404, body = ErrorBody)))]
pub(super) async fn list_evidence(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<CaseId>,
) -> ApiResult<Vec<EvidenceView>> {
    Ok(Json(app.list_evidence(&ctx, id).await?))
}

/// Downloads evidence (analysts; vendors notified of the case). Audited.
#[utoipa::path(get, path = "/api/v1/cases/{id}/evidence/{evidence}", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path), ("evidence" = String, Path)),
    responses((status = 200, description = "The file", content_type = "application/octet-stream", body = Vec<u8>), (status = 404, body = ErrorBody)))]
pub(super) async fn get_evidence(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path((id, evidence)): Path<(CaseId, String)>,
) -> Result<Response, ApiError> {
    let file = app.get_evidence(&ctx, id, &evidence).await?;
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

#[utoipa::path(post, path = "/api/v1/vuln-shares", tag = "clearinghouse", security(("bearer" = [])),
    request_body = ProposeShareParams,
    responses((status = 200, body = ShareView), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn propose_share(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Json(p): Json<ProposeShareParams>,
) -> ApiResult<ShareView> {
    Ok(Json(app.propose_vuln_share(&ctx, p).await?))
}

#[utoipa::path(get, path = "/api/v1/vuln-shares", tag = "clearinghouse", security(("bearer" = [])),
    params(SharesQuery),
    responses((status = 200, body = Vec<ShareView>), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn list_shares(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<SharesQuery>,
) -> ApiResult<Vec<ShareView>> {
    Ok(Json(app.list_vuln_shares(&ctx, q.status.as_deref()).await?))
}

#[utoipa::path(post, path = "/api/v1/vuln-shares/{id}/consent", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)),
    responses((status = 200, body = ShareView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn consent_share(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<String>,
) -> ApiResult<ShareView> {
    Ok(Json(app.consent_vuln_share(&ctx, &id).await?))
}

#[utoipa::path(post, path = "/api/v1/vuln-shares/{id}/decline", tag = "clearinghouse", security(("bearer" = [])),
    params(("id" = String, Path)), request_body = DeclineShareParams,
    responses((status = 200, body = ShareView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 409, body = ErrorBody)))]
pub(super) async fn decline_share(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<String>,
    Json(p): Json<DeclineShareParams>,
) -> ApiResult<ShareView> {
    Ok(Json(app.decline_vuln_share(&ctx, &id, p).await?))
}
