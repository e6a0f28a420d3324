//! The JSON API under `/api/v1`.
pub(crate) mod accounts;
pub(crate) mod assets;
pub(crate) mod audit;
pub(crate) mod case_workflow;
pub(crate) mod cases;
pub(crate) mod coordination;
pub(crate) mod designations;
pub(crate) mod eval_runs;
pub(crate) mod intake;
pub(crate) mod models;
pub(crate) mod standards;
pub(crate) mod submissions;

pub use accounts::{MeView, TokenLoginParams};

use crate::error::ApiError;
use crate::AppState;
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::routing::{delete, get, post, put};
use axum::Router;
use bulwark_app::OpContext;

/// JSON body extractor whose rejections are `{code, message}` errors.
#[derive(Debug, Clone, Copy, Default, FromRequest)]
#[from_request(via(axum::Json), rejection(ApiError))]
pub struct Json<T>(pub T);

impl<T: serde::Serialize> axum::response::IntoResponse for Json<T> {
    fn into_response(self) -> axum::response::Response {
        axum::Json(self.0).into_response()
    }
}

/// Path extractor whose rejections are `{code, message}` errors.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct Path<T>(pub T);

/// Query extractor whose rejections are `{code, message}` errors.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct Query<T>(pub T);

/// Result of a handler.
pub type ApiResult<T> = Result<Json<T>, ApiError>;

/// The authenticated caller of an API request (from `Authorization: Bearer`).
pub struct Caller(pub OpContext);

impl FromRequestParts<AppState> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        app: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let header = parts
            .headers
            .get(axum::http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "unauthenticated",
                    "missing Authorization: Bearer <token> header",
                )
            })?;
        let token = header.strip_prefix("Bearer ").ok_or_else(|| {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "the Authorization header must be `Bearer <token>`",
            )
        })?;
        let actor = app.authenticate_token(token.trim()).await?;
        let mut ctx = OpContext::new(actor);
        if let Some(id) = parts
            .headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
        {
            if id.len() <= 100 && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
                ctx.request_id = id.to_string();
            }
        }
        Ok(Caller(ctx))
    }
}

/// Every API route.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/health", get(accounts::health))
        .route("/openapi.json", get(crate::openapi::document))
        .route("/auth/token", post(accounts::token_login))
        .route("/me", get(accounts::me))
        .route("/orgs", get(accounts::list_orgs).post(accounts::create_org))
        .route("/orgs/{slug}", get(accounts::get_org))
        .route("/orgs/{slug}/max-tlp", put(accounts::set_max_tlp))
        .route(
            "/users",
            get(accounts::list_users).post(accounts::create_user),
        )
        .route("/users/{username}/disable", post(accounts::disable_user))
        .route("/users/{username}/enable", post(accounts::enable_user))
        .route(
            "/tokens",
            get(accounts::list_tokens).post(accounts::create_token),
        )
        .route("/tokens/{id}", delete(accounts::revoke_token))
        .route(
            "/settings",
            get(accounts::get_settings).put(accounts::put_settings),
        )
        .route("/models", get(models::list).post(models::create))
        .route("/models/{id}", get(models::show))
        .route("/models/{id}/credential", put(models::set_credential))
        .route("/models/{id}/release", post(models::release))
        .route(
            "/submissions",
            get(submissions::list).post(submissions::create),
        )
        .route("/submissions/{id}", get(submissions::show))
        .route("/submissions/{id}/withdraw", post(submissions::withdraw))
        .route("/submissions/{id}/start", post(submissions::start))
        .route(
            "/submissions/{id}/findings",
            get(submissions::list_findings).post(submissions::record_finding),
        )
        .route(
            "/submissions/{id}/reports",
            get(submissions::list_reports).post(submissions::issue_report),
        )
        .route("/reports/{id}", get(submissions::get_report))
        .route(
            "/submissions/{id}/eval-runs",
            get(eval_runs::list_of_submission).post(eval_runs::start),
        )
        .route("/eval-runs", get(eval_runs::list))
        .route("/eval-runs/compare", get(eval_runs::compare))
        .route("/eval-runs/{id}", get(eval_runs::show))
        .route("/eval-runs/{id}/cancel", post(eval_runs::cancel))
        .route("/eval-runs/{id}/samples", get(eval_runs::samples))
        .route(
            "/eval-runs/{id}/samples/{task_id}/{sample_id}/{epoch}",
            get(eval_runs::transcript),
        )
        .route("/eval-proposals", get(eval_runs::proposals))
        .route("/standards", get(standards::list).post(standards::draft))
        .route("/standards/{id}", get(standards::show))
        .route("/standards/{id}/sign", post(standards::sign))
        .route("/standards/{id}/retire", post(standards::retire))
        .route("/profiles", post(designations::submit_profile))
        .route("/designations/propose", post(designations::propose))
        .route(
            "/designations",
            get(designations::list).post(designations::create),
        )
        .route("/designations/{id}", get(designations::show))
        .route("/designations/{id}/secrets", get(designations::secrets))
        .route(
            "/designations/{id}/commitment-check",
            get(designations::commitment_check),
        )
        .route("/designations/{id}/rescind", post(designations::rescind))
        .route(
            "/designations/{id}/contests",
            post(designations::file_contest),
        )
        .route("/contests", get(designations::open_contests))
        .route("/contests/{id}/answer", post(designations::answer_contest))
        .route("/audit/events", get(audit::events))
        .route("/audit/checkpoints", post(audit::checkpoint))
        .route("/audit/verify", get(audit::verify))
        .route("/audit/proof/{event_id}", get(audit::proof))
        .route(
            "/assets",
            get(assets::list)
                .post(assets::add)
                .layer(axum::extract::DefaultBodyLimit::max(
                    bulwark_app::clearinghouse::assets::MAX_SBOM_BYTES,
                )),
        )
        .route("/match", get(assets::matches))
        .route("/notices", get(assets::notices))
        .route("/notices/{id}/ack", post(assets::ack))
        .route("/metrics/time-to-patch", get(assets::time_to_patch))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/transition", post(case_workflow::transition))
        .route("/cases/{id}/triage", post(case_workflow::triage))
        .route("/cases/{id}/embargo", put(case_workflow::embargo))
        .route("/cases/{id}/tlp", put(case_workflow::tlp))
        .route("/cases/{id}/merge", post(case_workflow::merge))
        .route("/cases/{id}/split", post(case_workflow::split))
        .route(
            "/cases/{id}/evidence",
            get(case_workflow::list_evidence)
                .post(case_workflow::add_evidence)
                .layer(axum::extract::DefaultBodyLimit::max(
                    bulwark_app::clearinghouse::evidence::MAX_EVIDENCE_BYTES,
                )),
        )
        .route(
            "/cases/{id}/evidence/{evidence}",
            get(case_workflow::get_evidence),
        )
        .route(
            "/vuln-shares",
            get(case_workflow::list_shares).post(case_workflow::propose_share),
        )
        .route(
            "/vuln-shares/{id}/consent",
            post(case_workflow::consent_share),
        )
        .route(
            "/vuln-shares/{id}/decline",
            post(case_workflow::decline_share),
        )
        .route("/cases/{id}/notify", post(coordination::notify))
        .route("/cases/{id}/outbox", get(coordination::outbox))
        .route(
            "/cases/{id}/vendor-status",
            post(coordination::vendor_status),
        )
        .route("/cases/{id}/publish", post(coordination::publish))
        .route("/vendors/{slug}/contact", put(coordination::set_contact))
        .route("/vendor/cases", get(coordination::vendor_cases))
        .route("/advisories", get(coordination::list_advisories))
        .route("/advisories/{id}", get(coordination::show_advisory))
        .route(
            "/advisories/{id}/revisions",
            get(coordination::advisory_revisions),
        )
        .route(
            "/intake",
            post(intake::ingest).layer(axum::extract::DefaultBodyLimit::max(
                bulwark_app::clearinghouse::intake::MAX_UPLOAD_BYTES,
            )),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

async fn not_found() -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such API route")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this route does not accept that HTTP method",
    )
}
