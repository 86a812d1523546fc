//! The admin endpoint for operators and orchestrators: `GET /healthz` (the process answers),
//! `GET /readyz` (it can serve: gateway shards connected, commands registered, store
//! answering) and `GET /metrics` (Prometheus text). It has no authentication: bind it to
//! loopback or a private network, never to the public internet.

mod health;

pub use health::Health;

use crate::store::Store;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::PrometheusHandle;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

/// What the endpoint reports on.
#[derive(Clone)]
pub struct Admin {
    /// Readiness reported by the fronts.
    pub health: Arc<Health>,
    /// The store, asked on every `/readyz`.
    pub store: Store,
    /// The Prometheus recorder's handle (`None`: `/metrics` answers 404).
    pub metrics: Option<PrometheusHandle>,
}

/// Binds `listen` and serves until `stop` resolves; returns the bound address.
pub async fn start(
    listen: &str,
    admin: Admin,
    stop: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<SocketAddr> {
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    let app = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .with_state(admin);
    tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(stop)
            .await;
        if let Err(e) = served {
            tracing::error!("admin endpoint stopped: {e}");
        }
    });
    Ok(addr)
}

async fn readyz(State(admin): State<Admin>) -> impl IntoResponse {
    let mut problems = admin.health.problems();
    if let Err(e) = admin.store.ping().await {
        tracing::warn!("readiness: {e}");
        problems.push("store not answering".into());
    }
    match problems.is_empty() {
        true => (StatusCode::OK, "ready\n".to_string()),
        false => (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {}\n", problems.join("; ")),
        ),
    }
}

async fn metrics(State(admin): State<Admin>) -> impl IntoResponse {
    let Some(handle) = admin.metrics else {
        return (StatusCode::NOT_FOUND, Vec::new()).into_response();
    };
    // Without the exporter's own HTTP listener, histograms are kept tidy here.
    handle.run_upkeep();
    let content_type = "text/plain; version=0.0.4; charset=utf-8";
    ([(header::CONTENT_TYPE, content_type)], handle.render()).into_response()
}

/// `music-video-bot health`: asks the endpoint at `listen` for `path`; Ok with the answer's
/// text when it says 200, Err with one sentence otherwise.
pub async fn probe(listen: &str, path: &str) -> Result<String, String> {
    let addr: SocketAddr = listen
        .parse()
        .map_err(|_| format!("admin.listen `{listen}` is not an address and port"))?;
    // A wildcard bind is reached through loopback.
    let host = match addr.ip() {
        ip if ip.is_unspecified() && ip.is_ipv4() => "127.0.0.1".to_string(),
        ip if ip.is_unspecified() => "[::1]".to_string(),
        ip if ip.is_ipv6() => format!("[{ip}]"),
        ip => ip.to_string(),
    };
    let url = format!("http://{host}:{}{path}", addr.port());
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(3))
        .build()
        .map_err(|e| format!("cannot make an HTTP client: {e}"))?;
    let resp = client
        .get(&url)
        .send()
        .await
        .map_err(|e| format!("{url}: no answer ({e})"))?;
    let status = resp.status();
    let text = resp.text().await.unwrap_or_default();
    match status.is_success() {
        true => Ok(text),
        false => Err(format!("{url}: HTTP {}: {}", status.as_u16(), text.trim())),
    }
}
