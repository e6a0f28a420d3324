//! Accounts, tokens and settings.
use super::{ApiResult, Caller, Json, Path, Query};
use crate::error::{ApiError, ErrorBody};
use crate::AppState;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use bulwark_app::views::*;
use bulwark_domain::ids::TokenId;
use bulwark_domain::settings::PolicySettings;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;

/// Health of the service.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Health {
    /// Always "ok".
    pub status: String,
}

#[utoipa::path(get, path = "/api/v1/health", tag = "system", responses((status = 200, body = Health)))]
pub(super) async fn health() -> ApiResult<Health> {
    Ok(Json(Health {
        status: "ok".into(),
    }))
}

/// Exchange a password for an API token.
#[derive(Clone, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenLoginParams {
    /// User name.
    pub username: String,
    /// Password.
    pub password: String,
    /// Token name.
    pub name: String,
    /// `read` or `write`.
    #[serde(default)]
    pub scope: Option<String>,
    /// Days until expiry.
    #[serde(default)]
    pub expires_in_days: Option<i64>,
}

impl std::fmt::Debug for TokenLoginParams {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenLoginParams")
            .field("username", &self.username)
            .finish_non_exhaustive()
    }
}

#[utoipa::path(post, path = "/api/v1/auth/token", tag = "accounts", request_body = TokenLoginParams,
    responses((status = 200, body = IssuedTokenView), (status = 401, body = ErrorBody), (status = 429, body = ErrorBody)))]
pub(super) async fn token_login(
    State(app): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    Json(p): Json<TokenLoginParams>,
) -> ApiResult<IssuedTokenView> {
    let login = app
        .login(&p.username, &p.password, &addr.ip().to_string())
        .await?;
    // The web session opened by the password check is not needed for the API.
    app.logout(&login.cookie).await?;
    let ctx = bulwark_app::OpContext::new(login.session.actor);
    let issued = app
        .create_token(
            &ctx,
            CreateTokenParams {
                name: p.name,
                scope: p.scope,
                expires_in_days: p.expires_in_days,
            },
        )
        .await?;
    Ok(Json(issued))
}

/// The caller.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MeView {
    /// User name.
    pub username: String,
    /// Role.
    pub role: bulwark_domain::identity::Role,
    /// Organisation slug.
    pub org_slug: String,
    /// Whether the token is read-only.
    pub read_only: bool,
}

#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = MeView), (status = 401, body = ErrorBody)))]
pub(super) async fn me(Caller(ctx): Caller) -> ApiResult<MeView> {
    let a = ctx.actor;
    Ok(Json(MeView {
        username: a.username,
        role: a.role,
        org_slug: a.org_slug,
        read_only: a.read_only,
    }))
}

#[utoipa::path(get, path = "/api/v1/orgs", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = Vec<OrgView>)))]
pub(super) async fn list_orgs(
    State(app): State<AppState>,
    Caller(ctx): Caller,
) -> ApiResult<Vec<OrgView>> {
    Ok(Json(app.list_orgs(&ctx).await?))
}

#[utoipa::path(post, path = "/api/v1/orgs", tag = "accounts", security(("bearer" = [])), request_body = CreateOrgParams,
    responses((status = 200, body = OrgView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_org(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Json(p): Json<CreateOrgParams>,
) -> ApiResult<OrgView> {
    Ok(Json(app.create_org(&ctx, p).await?))
}

#[utoipa::path(get, path = "/api/v1/orgs/{slug}", tag = "accounts", security(("bearer" = [])), params(("slug" = String, Path)), responses((status = 200, body = OrgView), (status = 404, body = ErrorBody)))]
pub(super) async fn get_org(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(slug): Path<String>,
) -> ApiResult<OrgView> {
    Ok(Json(app.get_org(&ctx, &slug).await?))
}

/// Body of `PUT /api/v1/orgs/{slug}/max-tlp`.
#[derive(Debug, serde::Deserialize, utoipa::ToSchema)]
pub struct MaxTlpBody {
    /// `CLEAR`, `GREEN`, `AMBER`, `AMBER+STRICT` or `RED`; null: CLEAR only.
    pub max_tlp: Option<String>,
}

#[utoipa::path(put, path = "/api/v1/orgs/{slug}/max-tlp", tag = "accounts", security(("bearer" = [])), params(("slug" = String, Path)), request_body = MaxTlpBody,
    responses((status = 200, body = bulwark_app::clearinghouse::clearance::MaxTlpView), (status = 403, body = ErrorBody), (status = 404, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn set_max_tlp(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(slug): Path<String>,
    Json(body): Json<MaxTlpBody>,
) -> ApiResult<bulwark_app::clearinghouse::clearance::MaxTlpView> {
    Ok(Json(
        app.set_org_clearance(&ctx, &slug, body.max_tlp.as_deref())
            .await?,
    ))
}

#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = Vec<UserView>), (status = 403, body = ErrorBody)))]
pub(super) async fn list_users(
    State(app): State<AppState>,
    Caller(ctx): Caller,
) -> ApiResult<Vec<UserView>> {
    Ok(Json(app.list_users(&ctx).await?))
}

#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", security(("bearer" = [])), request_body = CreateUserParams,
    responses((status = 200, body = UserView), (status = 403, body = ErrorBody), (status = 409, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn create_user(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Json(p): Json<CreateUserParams>,
) -> ApiResult<UserView> {
    Ok(Json(app.create_user(&ctx, p).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{username}/disable", tag = "accounts", security(("bearer" = [])), params(("username" = String, Path)), responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
pub(super) async fn disable_user(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(username): Path<String>,
) -> ApiResult<UserView> {
    Ok(Json(app.set_user_disabled(&ctx, &username, true).await?))
}

#[utoipa::path(post, path = "/api/v1/users/{username}/enable", tag = "accounts", security(("bearer" = [])), params(("username" = String, Path)), responses((status = 200, body = UserView), (status = 404, body = ErrorBody)))]
pub(super) async fn enable_user(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(username): Path<String>,
) -> ApiResult<UserView> {
    Ok(Json(app.set_user_disabled(&ctx, &username, false).await?))
}

/// Token listing options.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub(super) struct TokenQuery {
    /// Everybody's tokens (administrators).
    #[serde(default)]
    all: bool,
}

#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])), params(TokenQuery), responses((status = 200, body = Vec<TokenView>)))]
pub(super) async fn list_tokens(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Query(q): Query<TokenQuery>,
) -> ApiResult<Vec<TokenView>> {
    Ok(Json(app.list_tokens(&ctx, q.all).await?))
}

#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", security(("bearer" = [])), request_body = CreateTokenParams, responses((status = 200, body = IssuedTokenView), (status = 422, body = ErrorBody)))]
pub(super) async fn create_token(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Json(p): Json<CreateTokenParams>,
) -> ApiResult<IssuedTokenView> {
    Ok(Json(app.create_token(&ctx, p).await?))
}

#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "accounts", security(("bearer" = [])), params(("id" = String, Path)), responses((status = 204), (status = 404, body = ErrorBody)))]
pub(super) async fn revoke_token(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Path(id): Path<TokenId>,
) -> Result<StatusCode, ApiError> {
    app.revoke_token(&ctx, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/settings", tag = "accounts", security(("bearer" = [])), responses((status = 200, body = PolicySettings)))]
pub(super) async fn get_settings(
    State(app): State<AppState>,
    Caller(_ctx): Caller,
) -> ApiResult<PolicySettings> {
    Ok(Json(app.settings().await?))
}

#[utoipa::path(put, path = "/api/v1/settings", tag = "accounts", security(("bearer" = [])), request_body = PolicySettings, responses((status = 200, body = PolicySettings), (status = 403, body = ErrorBody), (status = 422, body = ErrorBody)))]
pub(super) async fn put_settings(
    State(app): State<AppState>,
    Caller(ctx): Caller,
    Json(p): Json<PolicySettings>,
) -> ApiResult<PolicySettings> {
    Ok(Json(app.update_settings(&ctx, p).await?))
}
