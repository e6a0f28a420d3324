//! The TAXII 2.1 server under `/taxii2/` (OASIS TAXII 2.1): discovery, one
//! API root (`bulwark`), collections per TLP level and per sector, objects
//! with keyset paging (`next`), versions, manifests and POST statuses.
//!
//! Authentication: HTTP Basic (Bulwark user name and password) or a Bearer
//! API token. Responses are `application/taxii+json;version=2.1` (object
//! reads also `application/stix+json;version=2.1` when that is what the
//! client accepts); errors are TAXII error messages (`title`, `description`,
//! `http_status`). Handlers are thin: they parse HTTP and call
//! `bulwark_app::taxii`.
use crate::AppState;
use axum::body::Bytes;
use axum::extract::{ConnectInfo, FromRequestParts, Path, State};
use axum::http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use bulwark_app::taxii::{
    parse_timestamp, ObjectFilter, ObjectPage, TaxiiCaller, VersionMatch, API_ROOT, DEFAULT_LIMIT,
    MAX_LIMIT, STIX_MEDIA_TYPE, TAXII_MEDIA_TYPE,
};
use bulwark_app::{AppError, OpContext};
use serde_json::{json, Value};
use std::net::SocketAddr;

/// A TAXII error message (TAXII 2.1 §3.6.1).
#[derive(Debug)]
pub struct TaxiiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Short title.
    pub title: String,
    /// What is wrong, naming the parameter or header.
    pub description: String,
}

impl TaxiiError {
    /// Builds an error.
    pub fn new(status: StatusCode, title: &str, description: impl Into<String>) -> Self {
        Self {
            status,
            title: title.to_string(),
            description: description.into(),
        }
    }

    fn bad(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "Bad request", description)
    }
}

impl From<AppError> for TaxiiError {
    fn from(e: AppError) -> Self {
        let (status, title) = match &e {
            AppError::Invalid { .. } => (StatusCode::BAD_REQUEST, "Bad request"),
            AppError::NotFound(_) => (StatusCode::NOT_FOUND, "Not found"),
            AppError::Forbidden(_) => (StatusCode::FORBIDDEN, "Forbidden"),
            AppError::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "Unauthorized"),
            AppError::Conflict(_) => (StatusCode::CONFLICT, "Conflict"),
            AppError::RateLimited(_) => (StatusCode::TOO_MANY_REQUESTS, "Too many requests"),
            AppError::Internal(detail) => {
                tracing::error!(%detail, "internal error");
                (StatusCode::INTERNAL_SERVER_ERROR, "Internal error")
            }
        };
        let description = match &e {
            AppError::Internal(_) => {
                "internal error; the operators have the details in the server log".to_string()
            }
            other => other.to_string(),
        };
        Self::new(status, title, description)
    }
}

impl IntoResponse for TaxiiError {
    fn into_response(self) -> Response {
        let body = json!({
            "title": self.title,
            "description": self.description,
            "http_status": self.status.as_u16().to_string(),
        });
        let mut res = (self.status, body.to_string()).into_response();
        let h = res.headers_mut();
        h.insert(CONTENT_TYPE, HeaderValue::from_static(TAXII_MEDIA_TYPE));
        if self.status == StatusCode::UNAUTHORIZED {
            h.insert(
                WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"bulwark-taxii\", Bearer"),
            );
        }
        res
    }
}

type TaxiiResult = Result<Response, TaxiiError>;

/// The authenticated TAXII caller (HTTP Basic or Bearer token).
pub struct Caller(pub TaxiiCaller);

impl FromRequestParts<AppState> for Caller {
    type Rejection = TaxiiError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, TaxiiError> {
        let header = parts
            .headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .ok_or_else(|| {
                TaxiiError::new(
                    StatusCode::UNAUTHORIZED,
                    "Unauthorized",
                    "missing Authorization header: use Basic (user name and password) or Bearer <API token>",
                )
            })?;
        let actor = if let Some(b) = header.strip_prefix("Basic ") {
            let client = parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map(|c| c.0.ip().to_string())
                .unwrap_or_else(|| "unknown".into());
            app.taxii_authenticate_basic(b.trim(), &client).await?
        } else if let Some(t) = header.strip_prefix("Bearer ") {
            app.authenticate_token(t.trim()).await?
        } else {
            return Err(TaxiiError::new(
                StatusCode::UNAUTHORIZED,
                "Unauthorized",
                "the Authorization header must be `Basic <credentials>` or `Bearer <token>`",
            ));
        };
        Ok(Caller(app.taxii_caller(OpContext::new(actor)).await?))
    }
}

/// What a response may be: TAXII only, or (object reads) STIX too.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Offer {
    Taxii,
    TaxiiOrStix,
}

fn media_parts(s: &str) -> (String, Option<String>, Option<f32>) {
    let mut parts = s.split(';');
    let kind = parts.next().unwrap_or_default().trim().to_ascii_lowercase();
    let (mut version, mut q) = (None, None);
    for p in parts {
        if let Some((k, v)) = p.split_once('=') {
            let v = v.trim().trim_matches('"').to_string();
            match k.trim().to_ascii_lowercase().as_str() {
                "version" => version = Some(v),
                "q" => q = v.parse().ok(),
                _ => {}
            }
        }
    }
    (kind, version, q)
}

/// The response media type for the request's `Accept`, or 406.
fn negotiate(headers: &HeaderMap, offer: Offer) -> Result<&'static str, TaxiiError> {
    let Some(accept) = headers.get(ACCEPT) else {
        return Ok(TAXII_MEDIA_TYPE);
    };
    let accept = accept.to_str().unwrap_or_default();
    for item in accept.split(',') {
        let (kind, version, q) = media_parts(item);
        if q == Some(0.0) {
            continue;
        }
        let v21 = version.as_deref().is_none_or(|v| v == "2.1");
        match kind.as_str() {
            "*/*" | "application/*" => return Ok(TAXII_MEDIA_TYPE),
            "application/taxii+json" if v21 => return Ok(TAXII_MEDIA_TYPE),
            "application/stix+json" if v21 && offer == Offer::TaxiiOrStix => {
                return Ok(STIX_MEDIA_TYPE)
            }
            _ => {}
        }
    }
    Err(TaxiiError::new(
        StatusCode::NOT_ACCEPTABLE,
        "Not acceptable",
        format!(
            "Accept {accept:?} names nothing this route serves: use {TAXII_MEDIA_TYPE}{}",
            if offer == Offer::TaxiiOrStix {
                format!(" or {STIX_MEDIA_TYPE}")
            } else {
                String::new()
            }
        ),
    ))
}

fn respond(status: StatusCode, media: &'static str, body: String) -> Response {
    let mut res = (status, body).into_response();
    res.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(media));
    res
}

fn check_root(root: &str) -> Result<(), TaxiiError> {
    if root == API_ROOT {
        Ok(())
    } else {
        Err(TaxiiError::new(
            StatusCode::NOT_FOUND,
            "Not found",
            format!("no API root {root:?}; the API root is /taxii2/{API_ROOT}/"),
        ))
    }
}

/// Which URL parameters a route takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Params {
    /// Objects and manifest: every filter.
    Collection,
    /// One object: no `match[id]` or `match[type]`.
    Object,
    /// Versions: `added_after`, `limit`, `next`, `match[spec_version]`.
    Versions,
    /// Delete: `match[version]`, `match[spec_version]`.
    Delete,
}

fn parse_filter(uri: &Uri, route: Params) -> Result<ObjectFilter, TaxiiError> {
    let pairs: Vec<(String, String)> =
        axum::extract::Query::<Vec<(String, String)>>::try_from_uri(uri)
            .map(|q| q.0)
            .map_err(|e| TaxiiError::bad(format!("the query string cannot be read: {e}")))?;
    let mut f = ObjectFilter {
        limit: DEFAULT_LIMIT,
        ..Default::default()
    };
    let list = |v: &str| -> Vec<String> {
        v.split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    for (key, value) in &pairs {
        let allowed = match key.as_str() {
            "added_after" | "limit" | "next" => route != Params::Delete,
            "match[id]" | "match[type]" => route == Params::Collection,
            "match[version]" => route != Params::Versions,
            "match[spec_version]" => true,
            _ => false,
        };
        if !allowed {
            return Err(TaxiiError::bad(format!(
                "URL parameter {key:?} is not supported on this route"
            )));
        }
        match key.as_str() {
            "added_after" => {
                f.added_after = Some(parse_timestamp("added_after", value)?);
            }
            "limit" => {
                let n: usize = value.parse().ok().filter(|n| *n >= 1).ok_or_else(|| {
                    TaxiiError::bad(format!("limit: {value:?} is not a positive integer"))
                })?;
                f.limit = n.min(MAX_LIMIT);
            }
            "next" => f.next = Some(value.clone()),
            "match[id]" => f.ids.extend(list(value)),
            "match[type]" => f.types.extend(list(value)),
            "match[spec_version]" => f.spec_versions.extend(list(value)),
            _ => {
                for v in list(value) {
                    match v.as_str() {
                        "all" => f.versions.all = true,
                        "first" => f.versions.first = true,
                        "last" => f.versions.last = true,
                        stamp => f
                            .versions
                            .exact
                            .push(parse_timestamp("match[version]", stamp)?),
                    }
                }
            }
        }
    }
    Ok(f)
}

fn with_date_headers(mut res: Response, page: &ObjectPage) -> Response {
    let h = res.headers_mut();
    for (name, value) in [
        ("x-taxii-date-added-first", &page.first_added),
        ("x-taxii-date-added-last", &page.last_added),
    ] {
        if let Some(v) = value.as_deref().and_then(|v| HeaderValue::from_str(v).ok()) {
            h.insert(name, v);
        }
    }
    res
}

/// `{"more": …, "next": …, "<key>": [items…]}` from JSON fragments.
fn envelope(page: &ObjectPage, key: &str, items: Vec<String>) -> String {
    let mut out = format!("{{\"more\":{}", page.more);
    if let Some(next) = &page.next {
        out.push_str(",\"next\":");
        out.push_str(&Value::String(next.clone()).to_string());
    }
    if !items.is_empty() {
        out.push_str(&format!(",\"{key}\":["));
        out.push_str(&items.join(","));
        out.push(']');
    }
    out.push('}');
    out
}

async fn discovery(headers: HeaderMap, Caller(_): Caller) -> TaxiiResult {
    let media = negotiate(&headers, Offer::Taxii)?;
    let root = format!("/taxii2/{API_ROOT}/");
    let body = json!({
        "title": "Bulwark TAXII 2.1",
        "description": "Threat intelligence from the Bulwark clearinghouse, in collections per TLP 2.0 level and per operator sector.",
        "default": root,
        "api_roots": [root],
    });
    Ok(respond(StatusCode::OK, media, body.to_string()))
}

async fn api_root(headers: HeaderMap, Caller(_): Caller, Path(root): Path<String>) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    let body = json!({
        "title": "Bulwark",
        "description": "The clearinghouse's API root.",
        "versions": [TAXII_MEDIA_TYPE],
        "max_content_length": crate::MAX_BODY_BYTES,
    });
    Ok(respond(StatusCode::OK, media, body.to_string()))
}

async fn collections(
    State(app): State<AppState>,
    headers: HeaderMap,
    Caller(caller): Caller,
    Path(root): Path<String>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    let list = app.taxii_collections(&caller).await?;
    let body = json!({ "collections": list });
    Ok(respond(StatusCode::OK, media, body.to_string()))
}

async fn collection(
    State(app): State<AppState>,
    headers: HeaderMap,
    Caller(caller): Caller,
    Path((root, id)): Path<(String, String)>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    let view = app.taxii_collection(&caller, &id).await?;
    Ok(respond(StatusCode::OK, media, json!(view).to_string()))
}

async fn get_objects(
    State(app): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Caller(caller): Caller,
    Path((root, id)): Path<(String, String)>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::TaxiiOrStix)?;
    let filter = parse_filter(&uri, Params::Collection)?;
    let page = app.taxii_objects(&caller, &id, &filter, true).await?;
    let items = page.items.iter().filter_map(|i| i.body.clone()).collect();
    let body = envelope(&page, "objects", items);
    Ok(with_date_headers(
        respond(StatusCode::OK, media, body),
        &page,
    ))
}

fn is_taxii_content_type(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(media_parts)
        .is_some_and(|(kind, version, _)| {
            kind == "application/taxii+json" && version.as_deref().is_none_or(|v| v == "2.1")
        })
}

async fn post_objects(
    State(app): State<AppState>,
    headers: HeaderMap,
    Caller(caller): Caller,
    Path((root, id)): Path<(String, String)>,
    body: Bytes,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    if !is_taxii_content_type(&headers) {
        return Err(TaxiiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            format!("Content-Type must be {TAXII_MEDIA_TYPE} (a TAXII envelope)"),
        ));
    }
    let envelope: Value = serde_json::from_slice(&body)
        .map_err(|e| TaxiiError::bad(format!("the body is not valid JSON: {e}")))?;
    let status = app.taxii_add_objects(&caller, &id, &envelope).await?;
    Ok(respond(
        StatusCode::ACCEPTED,
        media,
        json!(status).to_string(),
    ))
}

async fn get_object(
    State(app): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Caller(caller): Caller,
    Path((root, id, object_id)): Path<(String, String, String)>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::TaxiiOrStix)?;
    let mut filter = parse_filter(&uri, Params::Object)?;
    filter.ids = vec![object_id.clone()];
    let page = app.taxii_objects(&caller, &id, &filter, true).await?;
    if page.items.is_empty() && filter.next.is_none() {
        return Err(AppError::NotFound(format!("object {object_id}")).into());
    }
    let items = page.items.iter().filter_map(|i| i.body.clone()).collect();
    let body = envelope(&page, "objects", items);
    Ok(with_date_headers(
        respond(StatusCode::OK, media, body),
        &page,
    ))
}

async fn delete_object(
    State(app): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Caller(caller): Caller,
    Path((root, id, object_id)): Path<(String, String, String)>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    let filter = parse_filter(&uri, Params::Delete)?;
    let versions = if filter.versions == VersionMatch::default() {
        VersionMatch {
            all: true,
            ..Default::default()
        }
    } else {
        filter.versions
    };
    app.taxii_delete_object(&caller, &id, &object_id, &versions, &filter.spec_versions)
        .await?;
    Ok(respond(StatusCode::OK, media, String::new()))
}

async fn versions(
    State(app): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Caller(caller): Caller,
    Path((root, id, object_id)): Path<(String, String, String)>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    let mut filter = parse_filter(&uri, Params::Versions)?;
    filter.ids = vec![object_id.clone()];
    filter.versions.all = true;
    let page = app.taxii_objects(&caller, &id, &filter, false).await?;
    if page.items.is_empty() && filter.next.is_none() {
        return Err(AppError::NotFound(format!("object {object_id}")).into());
    }
    let items = page
        .items
        .iter()
        .map(|i| Value::String(i.version.clone()).to_string())
        .collect();
    let body = envelope(&page, "versions", items);
    Ok(with_date_headers(
        respond(StatusCode::OK, media, body),
        &page,
    ))
}

async fn manifest(
    State(app): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    Caller(caller): Caller,
    Path((root, id)): Path<(String, String)>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    let filter = parse_filter(&uri, Params::Collection)?;
    let page = app.taxii_objects(&caller, &id, &filter, false).await?;
    let items = page
        .items
        .iter()
        .map(|i| {
            json!({
                "id": i.id,
                "date_added": i.date_added,
                "version": i.version,
                "media_type": format!("application/stix+json;version={}", i.spec_version),
            })
            .to_string()
        })
        .collect();
    let body = envelope(&page, "objects", items);
    Ok(with_date_headers(
        respond(StatusCode::OK, media, body),
        &page,
    ))
}

async fn status(
    State(app): State<AppState>,
    headers: HeaderMap,
    Caller(caller): Caller,
    Path((root, status_id)): Path<(String, String)>,
) -> TaxiiResult {
    check_root(&root)?;
    let media = negotiate(&headers, Offer::Taxii)?;
    let view = app.taxii_status(&caller, &status_id).await?;
    Ok(respond(StatusCode::OK, media, json!(view).to_string()))
}

/// Every TAXII route, with full paths under `/taxii2/`.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/taxii2", get(discovery))
        .route("/taxii2/", get(discovery))
        .route("/taxii2/{root}/", get(api_root))
        .route("/taxii2/{root}/collections/", get(collections))
        .route("/taxii2/{root}/collections/{id}/", get(collection))
        .route(
            "/taxii2/{root}/collections/{id}/objects/",
            get(get_objects).post(post_objects),
        )
        .route(
            "/taxii2/{root}/collections/{id}/objects/{object_id}/",
            get(get_object).delete(delete_object),
        )
        .route(
            "/taxii2/{root}/collections/{id}/objects/{object_id}/versions/",
            get(versions),
        )
        .route("/taxii2/{root}/collections/{id}/manifest/", get(manifest))
        .route("/taxii2/{root}/status/{status_id}/", get(status))
}

/// The answer for any other path under `/taxii2/` (the portal's fallback
/// sends them here: a TAXII client gets a TAXII error, not a page).
pub fn no_such_resource(uri: &Uri) -> TaxiiError {
    let hint = if uri.path().ends_with('/') {
        ""
    } else {
        " (TAXII 2.1 paths end with a slash)"
    };
    TaxiiError::new(
        StatusCode::NOT_FOUND,
        "Not found",
        format!(
            "no TAXII resource at {}{hint}; discovery is at /taxii2/",
            uri.path()
        ),
    )
}
