//! Clearinghouse intake: vulnerability reports, one document or many.
use super::{ApiResult, Caller, Json, Query};
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use bulwark_app::clearinghouse::intake::{IngestOutcomeView, IngestParams};
use bulwark_domain::ids::{ModelId, SubmissionId};
use bulwark_formats::model::SourceFormat;
use serde::Deserialize;

/// Options of an upload.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct IntakeQuery {
    /// `auto` (default: detect from the content), `native`, `sarif`, `osv`,
    /// `csaf`, `cve5`, `cyclonedx-vex` or `kev`.
    #[serde(default)]
    format: Option<String>,
    /// The model under review that found these reports.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    found_by_model: Option<ModelId>,
    /// The review submission they come from.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    found_in_submission: Option<SubmissionId>,
}

/// Reads the upload's format option.
fn format_of(query: &IntakeQuery) -> Result<Option<SourceFormat>, ApiError> {
    match query.format.as_deref() {
        None | Some("auto") => Ok(None),
        Some(name) => SourceFormat::parse(name).map(Some).ok_or_else(|| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                format!(
                    "format: unknown format `{name}`; use auto, native, sarif, osv, csaf, cve5, cyclonedx-vex or kev"
                ),
            )
        }),
    }
}

/// Submits vulnerability reports: one document, a JSON array or NDJSON, in
/// any supported format. Every record is answered (accepted, duplicate or
/// rejected with a reason); what was accepted is durable before the answer.
/// An `Idempotency-Key` header files a single report under that key (record
/// N of a bulk upload under `KEY#N`), so a retried upload is recognised.
#[utoipa::path(post, path = "/api/v1/intake", tag = "clearinghouse", security(("bearer" = [])), params(IntakeQuery),
    request_body(content = String, description = "The document(s)", content_type = "application/json"),
    responses((status = 200, body = IngestOutcomeView), (status = 403, body = ErrorBody), (status = 413, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn ingest(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(query): Query<IntakeQuery>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<IngestOutcomeView> {
    let client_key = match headers.get("idempotency-key") {
        None => None,
        Some(value) => Some(value.to_str().map(str::to_owned).map_err(|_| {
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid_input",
                "Idempotency-Key: must be printable ASCII",
            )
        })?),
    };
    let params = IngestParams {
        format: format_of(&query)?,
        body: body.to_vec(),
        client_key,
        found_by_model: query.found_by_model,
        found_in_submission: query.found_in_submission,
    };
    Ok(Json(app.ingest(&ctx, params).await?))
}
