//! A small client of the JSON API (`/api/v1`): the server URL and bearer
//! token come from flags or `BULWARK_SERVER` / `BULWARK_TOKEN`; error bodies
//! `{code, message}` become [`ApiError`]s.
use anyhow::{Context as _, Result};
use bulwark_crypto::SecretString;
use clap::Args;
use reqwest::{Method, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// Server used when none is configured.
pub const DEFAULT_SERVER: &str = "http://127.0.0.1:8080";

/// Options of every command that talks to a Bulwark server.
#[derive(Debug, Clone, Args)]
pub struct ApiArgs {
    /// Base URL of the Bulwark server.
    #[arg(
        long,
        global = true,
        value_name = "URL",
        env = "BULWARK_SERVER",
        default_value = DEFAULT_SERVER
    )]
    pub server: String,

    /// API token. Prefer the environment variable: command lines are visible
    /// to other users of the machine. Get one with `bulwark login`.
    #[arg(
        long,
        global = true,
        value_name = "TOKEN",
        env = "BULWARK_TOKEN",
        hide_env_values = true
    )]
    pub token: Option<String>,

    /// Print the raw JSON response instead of a summary.
    #[arg(long, global = true)]
    pub json: bool,

    /// Print only this field of the response, for scripts: `--field id`,
    /// `--field version.id`, `--field 0.id` (first element of a list).
    #[arg(long, global = true, value_name = "NAME")]
    pub field: Option<String>,
}

/// An error answered by the server.
#[derive(Debug)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable error code, e.g. `not_found`.
    pub code: String,
    /// What went wrong.
    pub message: String,
    /// Whether the request carried a token.
    pub had_token: bool,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({}, HTTP {})",
            self.message,
            self.code,
            self.status.as_u16()
        )?;
        if self.status == StatusCode::UNAUTHORIZED && !self.had_token {
            write!(
                f,
                "\nhint: set an API token: export BULWARK_TOKEN=$(bulwark login --username NAME)"
            )?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// A connection to one Bulwark server.
pub struct Client {
    http: reqwest::Client,
    base: String,
    token: Option<SecretString>,
}

impl Client {
    /// A client for the server and token of `args`.
    pub fn new(args: &ApiArgs) -> Result<Self> {
        crate::output::set_field(args.field.clone());
        let base = args.server.trim_end_matches('/').to_string();
        if !(base.starts_with("http://") || base.starts_with("https://")) {
            anyhow::bail!("--server must be an http:// or https:// URL, not {base:?}");
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("bulwark-cli/", env!("CARGO_PKG_VERSION")))
            .build()
            .context("cannot build the HTTP client")?;
        Ok(Self {
            http,
            base,
            token: args
                .token
                .clone()
                .filter(|t| !t.trim().is_empty())
                .map(SecretString::new),
        })
    }

    /// `GET /api/v1{path}`.
    pub async fn get(&self, path: &str) -> Result<Value> {
        self.send(self.request(Method::GET, path)).await
    }

    /// `POST /api/v1{path}` with a JSON body.
    pub async fn post<B: Serialize + ?Sized>(&self, path: &str, body: &B) -> Result<Value> {
        self.send(self.request(Method::POST, path).json(body)).await
    }

    /// `POST /api/v1{path}` with an empty JSON object.
    pub async fn post_empty(&self, path: &str) -> Result<Value> {
        self.post(path, &serde_json::json!({})).await
    }

    /// `POST /api/v1{path}` with a raw body (an upload in its own format).
    pub async fn post_bytes(&self, path: &str, body: Vec<u8>) -> Result<Value> {
        let req = self
            .request(Method::POST, path)
            .header(reqwest::header::CONTENT_TYPE, "application/octet-stream")
            .body(body);
        self.send(req).await
    }

    /// `PUT /api/v1{path}` with a JSON body.
    pub async fn put<B: Serialize + ?Sized>(&self, path: &str, body: &B) -> Result<Value> {
        self.send(self.request(Method::PUT, path).json(body)).await
    }

    /// `DELETE /api/v1{path}`.
    pub async fn delete(&self, path: &str) -> Result<Value> {
        self.send(self.request(Method::DELETE, path)).await
    }

    fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let req = self
            .http
            .request(method, format!("{}/api/v1{path}", self.base))
            .header(reqwest::header::ACCEPT, "application/json");
        match &self.token {
            Some(t) => req.bearer_auth(t.expose()),
            None => req,
        }
    }

    /// `GET /api/v1{path}` of a file: the raw bytes of the answer.
    pub async fn get_bytes(&self, path: &str) -> Result<Vec<u8>> {
        let req = self
            .http
            .get(format!("{}/api/v1{path}", self.base))
            .header(reqwest::header::ACCEPT, "*/*");
        let req = match &self.token {
            Some(t) => req.bearer_auth(t.expose()),
            None => req,
        };
        self.send_raw(req).await
    }

    /// `POST /api/v1{path}` with a raw body of the given media type.
    pub async fn post_typed_bytes(
        &self,
        path: &str,
        media_type: &str,
        body: Vec<u8>,
    ) -> Result<Value> {
        let req = self
            .request(Method::POST, path)
            .header(reqwest::header::CONTENT_TYPE, media_type)
            .body(body);
        self.send(req).await
    }

    async fn send(&self, req: RequestBuilder) -> Result<Value> {
        let bytes = self.send_raw(req).await?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Value::Null);
        }
        serde_json::from_slice(&bytes)
            .context("the server's answer is not JSON: is --server a Bulwark server?")
    }

    /// Sends a request: the body of a success, an [`ApiError`] otherwise.
    async fn send_raw(&self, req: RequestBuilder) -> Result<Vec<u8>> {
        let resp = req.send().await.map_err(|e| {
            anyhow::anyhow!(
                "cannot reach the Bulwark server at {} ({}); is `bulwark serve` running? \
                 (choose the server with --server or BULWARK_SERVER)",
                self.base,
                root_cause(&e)
            )
        })?;
        let status = resp.status();
        let bytes = resp
            .bytes()
            .await
            .with_context(|| format!("cannot read the response of {}", self.base))?;
        if status.is_success() {
            return Ok(bytes.to_vec());
        }
        let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        let text = |key: &str| body.get(key).and_then(Value::as_str).map(str::to_string);
        Err(ApiError {
            status,
            code: text("code").unwrap_or_else(|| "http_error".to_string()),
            message: text("message").unwrap_or_else(|| {
                let raw = String::from_utf8_lossy(&bytes);
                let raw = raw.trim();
                if raw.is_empty() || raw.len() > 300 {
                    status
                        .canonical_reason()
                        .unwrap_or("request failed")
                        .to_string()
                } else {
                    raw.to_string()
                }
            }),
            had_token: self.token.is_some(),
        }
        .into())
    }
}

/// The innermost cause of a transport error (e.g. "Connection refused").
fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cause: &(dyn std::error::Error + 'static) = e;
    while let Some(next) = cause.source() {
        cause = next;
    }
    cause.to_string()
}

/// Percent-encodes one path segment (ids, slugs, user names).
pub fn seg(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Reads a response as a typed view.
pub fn parse<T: DeserializeOwned>(value: Value) -> Result<T> {
    serde_json::from_value(value).context("unexpected response from the server")
}

/// Prints `value` raw when `json`, otherwise hands it, typed, to `human`.
pub fn show<T: DeserializeOwned>(
    json: bool,
    value: Value,
    human: impl FnOnce(T) -> Result<()>,
) -> Result<()> {
    if let Some(name) = crate::output::field() {
        let found = name
            .split('.')
            .try_fold(&value, |v, key| match key.parse::<usize>() {
                Ok(i) if v.is_array() => v.get(i),
                _ => v.get(key),
            });
        return match found {
            Some(Value::String(s)) => {
                outln!("{s}");
                Ok(())
            }
            Some(other) => crate::output::print_json(other),
            None => anyhow::bail!("the response has no field {name:?}"),
        };
    }
    if json {
        return crate::output::print_json(&value);
    }
    human(parse(value)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_path_segments() {
        assert_eq!(seg("lab-1_a.b~"), "lab-1_a.b~");
        assert_eq!(seg("a/b c"), "a%2Fb%20c");
        assert_eq!(seg("é"), "%C3%A9");
    }

    #[test]
    fn api_errors_read_like_the_contract() {
        let e = ApiError {
            status: StatusCode::NOT_FOUND,
            code: "not_found".into(),
            message: "model x not found".into(),
            had_token: true,
        };
        assert_eq!(e.to_string(), "model x not found (not_found, HTTP 404)");
    }
}
