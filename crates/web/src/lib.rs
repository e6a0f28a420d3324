//! Bulwark over HTTP: the JSON API under `/api/v1` (with its OpenAPI
//! document) and the server-rendered portal.
//!
//! Architecture invariant: this is the only crate that knows HTTP. Handlers are
//! thin: extract, call one `bulwark_app` operation, map the result.
#![forbid(unsafe_code)]

pub mod api;
pub mod error;
pub mod openapi;
pub mod portal;
pub mod taxii;

use axum::extract::DefaultBodyLimit;
use axum::response::IntoResponse;
use axum::Router;
use bulwark_app::App;

/// Largest request body accepted (bigger ones get 413).
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;

/// Shared state of every handler.
pub type AppState = App;

/// The whole HTTP application: API, OpenAPI document and portal.
pub fn router(app: App) -> Router {
    Router::new()
        .nest("/api/v1", api::routes())
        .merge(taxii::routes())
        .merge(portal::routes())
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(security_headers))
        .layer(axum::middleware::from_fn(run_to_completion))
        .with_state(app)
}

/// Runs each request on its own task, so a client that disconnects mid-request
/// cannot cancel a handler halfway through a database transaction (which
/// could leave a SQLite connection holding the write lock).
async fn run_to_completion(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    match tokio::spawn(next.run(req)).await {
        Ok(res) => res,
        Err(e) => {
            tracing::error!(error = %e, "request task failed");
            error::ApiError::new(
                axum::http::StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "internal error",
            )
            .into_response()
        }
    }
}

async fn security_headers(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    use axum::http::header::{self, HeaderValue};
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self' 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
