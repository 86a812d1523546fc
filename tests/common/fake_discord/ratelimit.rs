//! Discord's per-route rate limits, as its "Rate Limits" page documents them
//! (https://discord.com/developers/docs/topics/rate-limits): every answer carries
//! `X-RateLimit-Limit`, `-Remaining`, `-Reset`, `-Reset-After` and `-Bucket`; limits are kept per
//! route *and* top-level resource (a channel, a guild, a webhook id + token); a request past the
//! limit is answered 429 with `Retry-After`, `X-RateLimit-Scope: user` and the JSON body
//! `{message, retry_after, global}`. Limits are not documented numbers ("should not be hard
//! coded"), so a test sets them; by default they are wide enough never to bind.

use super::{Shared, State};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::time::Instant;

/// One bucket's window: when it opened and how many requests it took.
#[derive(Debug, Clone, Copy)]
pub(super) struct Window {
    opened: Instant,
    taken: u32,
}

/// Requests a bucket takes per window, and the window.
#[derive(Debug, Clone, Copy)]
pub(super) struct RouteLimit {
    /// Requests per window.
    pub limit: u32,
    /// The window.
    pub per: Duration,
}

impl Default for RouteLimit {
    fn default() -> Self {
        RouteLimit {
            limit: 10_000,
            per: Duration::from_secs(1),
        }
    }
}

/// The bucket of a request: its method and route, with the top-level resource's id kept and
/// every other id folded (`POST /channels/42/messages`, `PATCH /channels/42/messages/{id}`).
/// The CDN is not the API and has no bucket.
pub(super) fn bucket_of(method: &str, path: &str) -> Option<String> {
    let path = path.strip_prefix("/api/v10").unwrap_or(path);
    if path.starts_with("/cdn/") {
        return None;
    }
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    let major = matches!(segs.first(), Some(&("channels" | "guilds" | "webhooks")));
    let kept = if segs.first() == Some(&"webhooks") {
        3
    } else {
        2
    };
    let folded: Vec<&str> = segs
        .iter()
        .enumerate()
        .map(|(i, seg)| {
            let is_id = seg.chars().all(|c| c.is_ascii_digit()) || seg.starts_with("itoken");
            if is_id && !(major && i < kept) {
                "{id}"
            } else {
                seg
            }
        })
        .collect();
    Some(format!("{method} /{}", folded.join("/")))
}

/// Serves `req` through its bucket: past the limit a 429 (counted, never reaching the
/// routes), else the routes' answer with the bucket's headers.
/// Requests that count toward the global limit (see [`super::global`]) go through it first.
pub(super) async fn limited(state: Shared, req: Request) -> Response {
    let Some(bucket) = bucket_of(req.method().as_str(), req.uri().path()) else {
        return super::rest::handle(state, req).await;
    };
    let taken = {
        let mut s = state.lock().unwrap();
        if super::global::counts(req.uri().path(), super::APP_ID) {
            if let Some(refusal) = s.global.take(Instant::now()) {
                s.limited += 1;
                return refusal;
            }
        }
        take(&mut s, &bucket)
    };
    match taken {
        Taken::Refused { limit, reset_after } => too_many_requests(&bucket, limit, reset_after),
        Taken::Granted(headers) => {
            let mut response = super::rest::handle(state, req).await;
            response.headers_mut().extend(headers);
            response
        }
    }
}

/// What a bucket says to one more request.
enum Taken {
    /// Go ahead; the answer carries these headers.
    Granted(HeaderMap),
    /// Nothing remains until the window resets.
    Refused { limit: u32, reset_after: Duration },
}

/// Takes one request from `bucket`.
fn take(s: &mut State, bucket: &str) -> Taken {
    let limit = s.route_limit;
    let now = Instant::now();
    let window = s.buckets.entry(bucket.to_string()).or_insert(Window {
        opened: now,
        taken: 0,
    });
    if now.duration_since(window.opened) >= limit.per {
        *window = Window {
            opened: now,
            taken: 0,
        };
    }
    let reset_after = limit.per.saturating_sub(now.duration_since(window.opened));
    if window.taken >= limit.limit {
        s.limited += 1;
        return Taken::Refused {
            limit: limit.limit,
            reset_after,
        };
    }
    window.taken += 1;
    let remaining = limit.limit - window.taken;
    Taken::Granted(headers(bucket, limit.limit, remaining, reset_after))
}

/// A bucket's `X-RateLimit-*` headers.
fn headers(bucket: &str, limit: u32, remaining: u32, reset_after: Duration) -> HeaderMap {
    let secs = reset_after.as_secs_f64();
    let reset = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
        + secs;
    // Discord's bucket ids are opaque hashes; the route itself serves as one here.
    let id = format!("{:x}", crc32(bucket));
    let pairs = [
        ("x-ratelimit-limit", limit.to_string()),
        ("x-ratelimit-remaining", remaining.to_string()),
        ("x-ratelimit-reset", format!("{reset:.3}")),
        ("x-ratelimit-reset-after", format!("{secs:.3}")),
        ("x-ratelimit-bucket", id),
    ];
    let mut map = HeaderMap::new();
    for (name, value) in pairs {
        if let Ok(v) = HeaderValue::from_str(&value) {
            map.insert(name, v);
        }
    }
    map
}

/// Discord's 429 for a per-route limit: the body, `Retry-After` (whole seconds, rounded up)
/// and the bucket's headers with nothing remaining.
pub(super) fn too_many_requests(bucket: &str, limit: u32, retry_after: Duration) -> Response {
    let secs = retry_after.as_secs_f64();
    let body =
        json!({"message": "You are being rate limited.", "retry_after": secs, "global": false});
    let mut response = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    let map = response.headers_mut();
    map.extend(headers(bucket, limit, 0, retry_after));
    map.insert("x-ratelimit-scope", HeaderValue::from_static("user"));
    if let Ok(v) = HeaderValue::from_str(&secs.ceil().max(1.0).to_string()) {
        map.insert("retry-after", v);
    }
    response
}

fn crc32(text: &str) -> u32 {
    crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC).checksum(text.as_bytes())
}
