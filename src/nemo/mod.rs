//! The NemoVideo API client: every endpoint of the contract, with the attribution headers and
//! Bearer token on every call. The retries the contract asks for that need no state (HTTP 429)
//! live here; those that do (1001, 1002) live in the engine, which owns tokens and sessions.

pub mod error;
pub mod sse;
pub mod types;
mod upload;

pub use error::NemoError;
pub use sse::{TurnEvent, TurnStream};
pub use types::*;

use crate::config::NemoConfig;
use crate::retry;
use crate::secret::Secret;
use crate::telemetry::metrics;
use backon::Retryable;
use error::classify;
use reqwest::{header, Method, RequestBuilder};
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use std::future::Future;
use std::time::Duration;

/// The bot's version, sent as `X-Skill-Version`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// A client of one NemoVideo API base.
#[derive(Clone)]
pub struct NemoClient {
    http: reqwest::Client,
    base: String,
    request_timeout: Duration,
    retry_after: Duration,
}

impl NemoClient {
    /// Builds a client from the `[nemo]` configuration.
    pub fn new(config: &NemoConfig) -> Result<NemoClient, NemoError> {
        let mut headers = header::HeaderMap::new();
        let attribution = [
            ("x-skill-source", "music-to-ai"),
            ("x-skill-version", VERSION),
            ("x-skill-platform", config.platform.as_str()),
        ];
        for (name, value) in attribution {
            let value = header::HeaderValue::from_str(value)
                .unwrap_or(header::HeaderValue::from_static("unknown"));
            headers.insert(name, value);
        }
        let http = reqwest::Client::builder()
            .default_headers(headers)
            .user_agent(concat!("music-video-bot/", env!("CARGO_PKG_VERSION")))
            .connect_timeout(Duration::from_secs(15))
            .build()
            .map_err(|source| NemoError::Http {
                endpoint: "client".into(),
                source,
            })?;
        Ok(NemoClient {
            http,
            base: config.api_base.trim_end_matches('/').to_string(),
            request_timeout: Duration::from_millis(config.request_timeout_ms),
            retry_after: Duration::from_millis(config.retry_after_ms),
        })
    }

    /// The API base URL.
    pub fn base(&self) -> &str {
        &self.base
    }

    fn request(&self, method: Method, path: &str, token: Option<&Secret>) -> RequestBuilder {
        let req = self.http.request(method, format!("{}{}", self.base, path));
        match token {
            Some(t) => req.bearer_auth(t.expose()),
            None => req,
        }
    }

    /// Sends a request built by `build`, once more after `retry_after` (or the server's
    /// `Retry-After`) on HTTP 429, and reads the answer through the contract's envelope.
    async fn call<F, Fut>(&self, endpoint: &'static str, build: F) -> Result<Value, NemoError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<RequestBuilder, NemoError>>,
    {
        (|| self.attempt(endpoint, &build))
            .retry(retry::rate_limited(self.retry_after))
            .when(|e| matches!(e, NemoError::RateLimited { .. }))
            .adjust(|e, planned| retry::honour(e.retry_after(), planned))
            .notify(|_, wait| {
                tracing::warn!(endpoint, "rate limited; retrying once after {wait:?}")
            })
            .await
    }

    /// One try of [`NemoClient::call`].
    async fn attempt<F, Fut>(&self, endpoint: &'static str, build: &F) -> Result<Value, NemoError>
    where
        F: Fn() -> Fut,
        Fut: Future<Output = Result<RequestBuilder, NemoError>>,
    {
        let request = build().await?;
        let started = std::time::Instant::now();
        let sent = request.send().await;
        let status = sent.as_ref().ok().map(|r| r.status().as_u16());
        let hint = sent.as_ref().ok().and_then(|r| retry_after(r.headers()));
        let body = match sent {
            Ok(resp) => read_capped(endpoint, resp, MAX_JSON_BYTES).await,
            Err(source) => Err(NemoError::Http {
                endpoint: endpoint.into(),
                source,
            }),
        };
        metrics::nemo_request(endpoint, status, started.elapsed());
        classify(endpoint, status.unwrap_or_default(), &body?).map_err(|e| e.with_retry_after(hint))
    }

    /// A JSON request whose `data` decodes as `T`.
    async fn call_data<T: DeserializeOwned>(
        &self,
        endpoint: &'static str,
        method: Method,
        path: &str,
        token: Option<&Secret>,
        body: Option<Value>,
    ) -> Result<T, NemoError> {
        let json = self
            .call(endpoint, || {
                let mut req = self
                    .request(method.clone(), path, token)
                    .timeout(self.request_timeout);
                if let Some(b) = &body {
                    req = req.json(b);
                }
                std::future::ready(Ok(req))
            })
            .await?;
        decode_data(endpoint, json)
    }

    /// `POST /api/auth/anonymous-token` with `X-Client-Id`.
    pub async fn anonymous_token(&self, client_id: &str) -> Result<AnonToken, NemoError> {
        let endpoint = error::ANONYMOUS_TOKEN;
        let json = self
            .call(endpoint, || {
                let req = self
                    .request(Method::POST, "/api/auth/anonymous-token", None)
                    .header("X-Client-Id", client_id)
                    .timeout(self.request_timeout);
                std::future::ready(Ok(req))
            })
            .await?;
        decode_data(endpoint, json)
    }

    /// `POST /api/tasks/me/with-session/nemo_agent`.
    pub async fn create_session(
        &self,
        token: &Secret,
        language: &str,
    ) -> Result<NewSession, NemoError> {
        let body = json!({"task_name": "project", "language": language});
        self.call_data(
            "POST /api/tasks/me/with-session/nemo_agent",
            Method::POST,
            "/api/tasks/me/with-session/nemo_agent",
            Some(token),
            Some(body),
        )
        .await
    }

    /// `POST /api/auth/claim-token`: lets the user open the session in the web editor.
    pub async fn claim_token(
        &self,
        token: &Secret,
        task_id: &str,
        session_id: &str,
    ) -> Result<ClaimToken, NemoError> {
        let body = json!({"task_id": task_id, "session_id": session_id});
        self.call_data(
            "POST /api/auth/claim-token",
            Method::POST,
            "/api/auth/claim-token",
            Some(token),
            Some(body),
        )
        .await
    }

    /// `GET /api/credits/balance/simple`.
    pub async fn credits(&self, token: &Secret) -> Result<Credits, NemoError> {
        self.call_data(
            "GET /api/credits/balance/simple",
            Method::GET,
            "/api/credits/balance/simple",
            Some(token),
            None,
        )
        .await
    }

    /// `GET /api/state/nemo_agent/me/<sid>/latest`: the `data` object (with `state` inside).
    pub async fn state(&self, token: &Secret, session_id: &str) -> Result<Value, NemoError> {
        let path = format!("/api/state/nemo_agent/me/{}/latest", seg(session_id));
        let endpoint = "GET /api/state/nemo_agent/me/latest";
        self.call_data(endpoint, Method::GET, &path, Some(token), None)
            .await
    }

    /// Opens an agent turn. Never retried once the request may have reached the server.
    pub async fn run_sse(
        &self,
        token: &Secret,
        session_id: &str,
        text: &str,
    ) -> Result<TurnStream, NemoError> {
        let body = json!({
            "app_name": "nemo_agent",
            "user_id": "me",
            "session_id": session_id,
            "new_message": {"role": "user", "parts": [{"text": text}]},
        });
        // A 429 is a refusal: the message was not taken, so one retry cannot charge twice.
        (|| self.open_turn(token, &body))
            .retry(retry::rate_limited(self.retry_after))
            .when(|e| matches!(e, NemoError::RateLimited { .. }))
            .adjust(|e, planned| retry::honour(e.retry_after(), planned))
            .await
    }

    /// One try at opening the agent's stream.
    async fn open_turn(&self, token: &Secret, body: &Value) -> Result<TurnStream, NemoError> {
        let req = self
            .request(Method::POST, "/run_sse", Some(token))
            .json(body);
        let started = std::time::Instant::now();
        let opened = tokio::time::timeout(self.request_timeout, TurnStream::open(req))
            .await
            .unwrap_or_else(|_| {
                Err(NemoError::Timeout {
                    endpoint: "POST /run_sse".into(),
                    after_ms: self.request_timeout.as_millis() as u64,
                })
            });
        let status = match &opened {
            Ok(_) => Some(200),
            Err(e) => e.http_status(),
        };
        metrics::nemo_request("POST /run_sse", status, started.elapsed());
        opened
    }

    /// `POST /api/render/proxy/lambda`: starts an export of `draft`.
    pub async fn start_render(
        &self,
        token: &Secret,
        id: &str,
        session_id: &str,
        draft: &Value,
    ) -> Result<RenderStatus, NemoError> {
        let body = json!({
            "id": id,
            "sessionId": session_id,
            "draft": draft,
            "output": {"format": "mp4", "quality": "high"},
        });
        let endpoint = "POST /api/render/proxy/lambda";
        let json = self
            .call(endpoint, || {
                let req = self
                    .request(Method::POST, "/api/render/proxy/lambda", Some(token))
                    .timeout(self.request_timeout)
                    .json(&body);
                std::future::ready(Ok(req))
            })
            .await?;
        render_status(endpoint, &json, id)
    }

    /// `GET /api/render/proxy/lambda/<id>`, either answer shape.
    pub async fn render_status(&self, token: &Secret, id: &str) -> Result<RenderStatus, NemoError> {
        let path = format!("/api/render/proxy/lambda/{}", seg(id));
        let endpoint = "GET /api/render/proxy/lambda";
        let json = self
            .call(endpoint, || {
                let req = self
                    .request(Method::GET, &path, Some(token))
                    .timeout(self.request_timeout);
                std::future::ready(Ok(req))
            })
            .await?;
        render_status(endpoint, &json, id)
    }

    /// `POST /api/render/proxy/lambda/<id>/cancel`.
    pub async fn cancel_render(&self, token: &Secret, id: &str) -> Result<(), NemoError> {
        let path = format!("/api/render/proxy/lambda/{}/cancel", seg(id));
        let endpoint = "POST /api/render/proxy/lambda/cancel";
        self.call_data::<Value>(endpoint, Method::POST, &path, Some(token), None)
            .await
            .map(drop)
    }
}

fn render_status(endpoint: &str, json: &Value, id: &str) -> Result<RenderStatus, NemoError> {
    let mut status = RenderStatus::from_json(json)
        .ok_or_else(|| decode_error(endpoint, json, "no render status"))?;
    if status.id.is_empty() {
        status.id = id.to_string();
    }
    Ok(status)
}

/// Decodes the envelope's `data` (or the whole body when there is no envelope).
fn decode_data<T: DeserializeOwned>(endpoint: &str, json: Value) -> Result<T, NemoError> {
    let data = match json {
        Value::Object(mut o) if o.contains_key("data") => o.remove("data").unwrap_or(Value::Null),
        other => other,
    };
    // Decoded from a borrow, so the body is not copied just to keep it for the error.
    T::deserialize(&data).map_err(|source| NemoError::Decode {
        endpoint: endpoint.into(),
        body: error::snippet(&data.to_string()),
        source,
    })
}

fn decode_error(endpoint: &str, json: &Value, why: &str) -> NemoError {
    NemoError::Decode {
        endpoint: endpoint.into(),
        body: error::snippet(&json.to_string()),
        source: serde::de::Error::custom(why),
    }
}

/// A `Retry-After` header in seconds (Nemo's and Discord's form; an HTTP date is ignored).
pub(crate) fn retry_after(headers: &header::HeaderMap) -> Option<Duration> {
    let value = headers.get(header::RETRY_AFTER)?.to_str().ok()?;
    let secs: f64 = value.trim().parse().ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// The largest JSON answer read (a session's whole state is far below it).
pub const MAX_JSON_BYTES: usize = 4 << 20;

/// Reads an answer's body, refusing one larger than `limit` as it arrives (never buffering
/// more than `limit`).
pub(crate) async fn read_capped(
    endpoint: &str,
    mut resp: reqwest::Response,
    limit: usize,
) -> Result<String, NemoError> {
    let too_large = || NemoError::TooLarge {
        endpoint: endpoint.into(),
        limit,
    };
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut body = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(|source| NemoError::Http {
        endpoint: endpoint.into(),
        source,
    })? {
        if body.len() + chunk.len() > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(String::from_utf8_lossy(&body).into_owned())
}

/// Percent-encodes an id for a path segment (ids are opaque and could hold anything).
fn seg(id: &str) -> String {
    id.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
