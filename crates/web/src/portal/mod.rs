//! The server-rendered portal: askama templates (`crates/web/templates`),
//! session cookies and CSRF-checked forms, no front-end build step.
//!
//! Handlers stay thin: extract (session, form), call `bulwark_app::App`
//! operations, render. Every page except `/login` needs a live session; every
//! POST form carries the session's CSRF token. What each role sees is derived
//! from the policy ([`layout::Section`]); the application still authorises
//! every operation, and its errors become friendly pages with the right 4xx.
//! The portal never grants or refuses a release: its words are "record public
//! release", "withdraw", "label", "rescind" and "contest".
mod admin;
mod advisories;
mod auth;
mod cases;
mod designation;
pub mod error;
mod eval;
mod forms;
mod home;
pub mod layout;
mod models;
mod operator;
mod review;
pub mod session;
mod standards;
mod tokens;
mod vendor;

use crate::AppState;
use askama::Template;
use axum::extract::{FromRequestParts, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use error::{PageError, PageResult};
use serde::Deserialize;

/// Path extractor whose rejection is an HTML page.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(PageError))]
pub struct Path<T>(pub T);

/// Query extractor whose rejection is an HTML page.
#[derive(Debug, axum::extract::FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(PageError))]
pub struct Query<T>(pub T);

/// The `?notice=` of a page shown after an action.
#[derive(Debug, Default, Deserialize)]
pub struct NoticeQuery {
    /// A key of [`layout::notice_text`].
    #[serde(default)]
    pub notice: Option<String>,
}

/// Reads `?notice=` and never fails: a malformed query shows no notice.
pub struct Notice(pub Option<String>);

impl<S: Send + Sync> FromRequestParts<S> for Notice {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let q = axum::extract::Query::<NoticeQuery>::try_from_uri(&parts.uri);
        Ok(Self(q.ok().and_then(|axum::extract::Query(q)| q.notice)))
    }
}

impl Notice {
    /// The key, if any.
    pub fn key(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// Renders a template as a 200 page.
pub fn render(page: &impl Template) -> PageResult {
    page.render()
        .map(|html| Html(html).into_response())
        .map_err(|e| {
            tracing::error!(error = %e, "template did not render");
            PageError::from(bulwark_app::AppError::Internal(format!("template: {e}")))
        })
}

/// Renders a template with another status (a form shown again with its error).
pub fn render_with(status: axum::http::StatusCode, page: &impl Template) -> PageResult {
    render(page).map(|r| (status, r).into_response())
}

/// Sends the browser to `to` after a POST (303 See Other).
pub fn see_other(to: &str) -> PageResult {
    Ok(axum::response::Redirect::to(to).into_response())
}

const PORTAL_CSS: &str = include_str!("../../static/portal.css");

async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        PORTAL_CSS,
    )
        .into_response()
}

/// Unknown addresses: a TAXII error under `/taxii2/`; else the login page
/// without a session, a 404 page with one.
async fn not_found(State(app): State<AppState>, mut parts: Parts) -> Response {
    if parts.uri.path().starts_with("/taxii2/") {
        return crate::taxii::no_such_resource(&parts.uri).into_response();
    }
    match session::PortalSession::from_request_parts(&mut parts, &app).await {
        Ok(s) => s
            .framed(PageError::no_such_page(), layout::Section::Home)
            .into_response(),
        Err(rejection) => rejection,
    }
}

/// A known address asked with the wrong method (say, GET of a form's target).
async fn method_not_allowed() -> PageError {
    PageError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "Not available this way",
        "This address takes a form; open the page that holds the form instead.",
    )
}

/// Portal routes.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/static/portal.css", get(stylesheet))
        .route("/login", get(auth::login_page).post(auth::login))
        .route("/logout", post(auth::logout))
        .route("/", get(home::page))
        .route("/tokens", get(tokens::page).post(tokens::create))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
        .route("/models", get(models::list).post(models::create))
        .route("/models/{id}", get(models::show))
        .route("/models/{id}/credential", post(models::replace_credential))
        .route("/models/{id}/release", post(models::release))
        .route("/models/{id}/submit", post(models::submit))
        .route("/submissions", get(review::list))
        .route("/submissions/{id}", get(review::show))
        .route("/submissions/{id}/withdraw", post(review::withdraw))
        .route("/submissions/{id}/start", post(review::start))
        .route("/submissions/{id}/findings", post(review::record_finding))
        .route("/submissions/{id}/reports", post(review::issue_report))
        .route("/reports/{id}/download", get(review::download_report))
        .route("/submissions/{id}/eval", get(eval::runs).post(eval::start))
        .route("/eval/runs/{id}", get(eval::show))
        .route("/eval/runs/{id}/cancel", post(eval::cancel))
        .route("/eval/runs/{id}/samples", get(eval::samples))
        .route(
            "/eval/runs/{id}/samples/{task_id}/{sample_id}/{epoch}",
            get(eval::transcript),
        )
        .route("/eval/compare", get(eval::compare))
        .route("/designations/evaluations", get(eval::proposals))
        .route(
            "/designations",
            get(designation::list).post(designation::label),
        )
        .route("/designations/propose", post(designation::propose))
        .route("/designations/{id}", get(designation::show))
        .route("/designations/{id}/secrets", get(designation::secrets))
        .route("/designations/{id}/rescind", post(designation::rescind))
        .route("/designations/{id}/contest", post(designation::contest))
        .route("/contests", get(designation::contests))
        .route("/contests/{id}/answer", post(designation::answer))
        .route(
            "/profiles/new",
            get(designation::profile_page).post(designation::submit_profile),
        )
        .route("/standards", get(standards::list).post(standards::draft))
        .route("/standards/{id}", get(standards::show))
        .route("/standards/{id}/sign", post(standards::sign))
        .route("/standards/{id}/retire", post(standards::retire))
        .route("/admin/orgs", get(admin::orgs).post(admin::create_org))
        .route("/admin/users", get(admin::users).post(admin::create_user))
        .route("/admin/users/{username}/disable", post(admin::disable_user))
        .route("/admin/users/{username}/enable", post(admin::enable_user))
        .route("/admin/tokens", get(admin::tokens))
        .route("/admin/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/admin/audit", get(admin::audit))
        .route("/admin/audit/checkpoint", post(admin::checkpoint))
        .route("/cases", get(cases::list))
        .route("/cases/{id}", get(cases::show))
        .route("/cases/{id}/triage", post(cases::triage))
        .route("/cases/{id}/transition", post(cases::transition))
        .route("/cases/{id}/tlp", post(cases::tlp))
        .route("/cases/{id}/merge", post(cases::merge))
        .route("/cases/{id}/split", post(cases::split))
        .route("/cases/{id}/evidence/{evidence}", get(cases::evidence))
        .route("/cases/{id}/notify", post(vendor::notify))
        .route("/cases/{id}/publish", post(vendor::publish))
        .route("/vendor/cases", get(vendor::cases))
        .route("/vendor/cases/{id}/status", post(vendor::status))
        .route("/advisories", get(advisories::list))
        .route("/operator", get(operator::page))
        .route("/operator/assets", post(operator::upload))
        .route("/operator/notices/{id}/ack", post(operator::ack))
        .route("/metrics/time-to-patch", get(operator::metrics))
        .route("/advisories/{id}", get(advisories::show))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
}
