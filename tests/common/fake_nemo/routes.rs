//! The fake's HTTP routes: one dispatcher, so faults and the request log apply to every route.

use super::{
    empty_draft, sse, Body, Fault, Part, Recorded, Render, RenderShape, Session, Shared, State,
    KEEP_BYTES,
};
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Request};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Router;
use serde_json::{json, Value};
use std::collections::BTreeMap;

const SUPPORTED: &[&str] = &[
    "mp4", "mov", "avi", "webm", "mkv", "jpg", "jpeg", "png", "gif", "webp", "mp3", "wav", "m4a",
    "aac", "flac",
];
const MAX_BYTES: usize = 200 * 1024 * 1024;

pub(super) fn router(state: Shared) -> Router {
    Router::new()
        .fallback(move |req: Request| handle(state.clone(), req))
        .layer(axum::extract::DefaultBodyLimit::disable())
}

async fn handle(state: Shared, req: Request) -> Response {
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let headers = req.headers().clone();
    // Logged on arrival, so a request whose sender breaks off (and whose handler is then
    // dropped) still shows, with its body `Cut`.
    let (fault, at) = {
        let mut s = state.lock().unwrap();
        s.log.push(Recorded {
            method: method.to_string(),
            path: path.clone(),
            headers: headers
                .iter()
                .map(|(k, v)| (k.as_str().to_string(), v.to_str().unwrap_or("").to_string()))
                .collect::<BTreeMap<_, _>>(),
            body: Body::Cut,
        });
        (s.fault_for(&path), s.log.len() - 1)
    };
    if let Some(Fault::SlowBody(d)) = fault {
        tokio::time::sleep(d).await;
    }
    let body = read_body(req).await;
    state.lock().unwrap().log[at].body = body.clone();
    // Once the body is in, the work goes on even if the client hangs up (a real backend does
    // not notice), so a request can succeed after its sender timed out.
    let work = tokio::spawn(async move {
        match fault {
            Some(Fault::Delay(d)) => tokio::time::sleep(d).await,
            Some(Fault::Hold(gate)) => gate.notified().await,
            Some(Fault::LostReply) => {
                drop(route(&state, &method, &path, &headers, &body).await);
                return fault_response(Fault::Drop);
            }
            Some(Fault::SlowBody(_)) | None => {}
            Some(other) => return fault_response(other),
        }
        route(&state, &method, &path, &headers, &body).await
    });
    work.await
        .unwrap_or_else(|_| reply(500, json!({"code": 500, "message": "fake crashed"})))
}

async fn read_body(req: Request) -> Body {
    let is_multipart = req
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let Ok(mut form) = Multipart::from_request(req, &()).await else {
            return Body::Other(Vec::new());
        };
        let mut parts = Vec::new();
        while let Ok(Some(mut field)) = form.next_field().await {
            let name = field.name().unwrap_or("").to_string();
            let filename = field.file_name().map(str::to_string);
            let content_type = field.content_type().map(str::to_string);
            let (mut bytes, mut size) = (Vec::new(), 0);
            loop {
                match field.chunk().await {
                    Ok(Some(chunk)) => {
                        size += chunk.len();
                        if size <= KEEP_BYTES {
                            bytes.extend_from_slice(&chunk);
                        } else {
                            bytes = Vec::new();
                        }
                    }
                    Ok(None) => break,
                    // An upload cut off mid-part is refused, as a real server does.
                    Err(_) => return Body::Cut,
                }
            }
            parts.push(Part {
                size,
                name,
                filename,
                content_type,
                bytes,
            });
        }
        return Body::Multipart(parts);
    }
    let bytes = axum::body::to_bytes(req.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    if bytes.is_empty() {
        Body::Empty
    } else {
        serde_json::from_slice(&bytes)
            .map(Body::Json)
            .unwrap_or_else(|_| Body::Other(bytes.to_vec()))
    }
}

fn fault_response(fault: Fault) -> Response {
    match fault {
        Fault::Code {
            http,
            code,
            message,
        } => reply(http, json!({"code": code, "message": message})),
        Fault::Status { http, body } => reply(http, body),
        Fault::RetryAfter(secs) => {
            let mut resp = reply(429, json!({"code": 429, "message": "Too many requests"}));
            let value = axum::http::HeaderValue::from_str(&secs.to_string()).unwrap();
            resp.headers_mut().insert("retry-after", value);
            resp
        }
        Fault::Html(status) => (
            StatusCode::from_u16(status).unwrap_or(StatusCode::BAD_GATEWAY),
            [("content-type", "text/html")],
            format!("<html><body><h1>{status} Bad Gateway</h1><p>nginx</p></body></html>"),
        )
            .into_response(),
        Fault::Drop => {
            let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
                Ok(Bytes::from_static(b"{\"code\":0,\"da")),
                Err(std::io::Error::new(
                    std::io::ErrorKind::ConnectionReset,
                    "dropped",
                )),
            ];
            let body = axum::body::Body::from_stream(futures_util::stream::iter(chunks));
            (
                StatusCode::OK,
                [
                    ("content-type", "application/json"),
                    ("content-length", "400"),
                ],
                body,
            )
                .into_response()
        }
        Fault::Truncated => (
            StatusCode::OK,
            [("content-type", "application/json")],
            r#"{"code":0,"message":"success","data":{"id":"#,
        )
            .into_response(),
        Fault::Delay(_) | Fault::SlowBody(_) | Fault::LostReply | Fault::Hold(_) => {
            unreachable!("handled before")
        }
    }
}

pub(super) fn reply(status: u16, body: Value) -> Response {
    (
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        axum::Json(body),
    )
        .into_response()
}

fn ok(data: Value) -> Response {
    reply(200, json!({"code": 0, "message": "success", "data": data}))
}

fn code(http: u16, code: i64, message: &str) -> Response {
    reply(http, json!({"code": code, "message": message}))
}

async fn route(
    state: &Shared,
    method: &Method,
    path: &str,
    headers: &HeaderMap,
    body: &Body,
) -> Response {
    let segs: Vec<&str> = path.trim_matches('/').split('/').collect();
    if let ("GET", ["files", name]) = (method.as_str(), segs.as_slice()) {
        return fake_mp4(name);
    }
    if (method.as_str(), path) == ("POST", "/api/auth/anonymous-token") {
        return anonymous_token(state, headers);
    }
    let mut s = state.lock().unwrap();
    let Some(user) = bearer(headers).and_then(|t| s.tokens.get(&t).cloned()) else {
        return code(401, 1001, "invalid or expired token");
    };
    match (method.as_str(), segs.as_slice()) {
        ("POST", ["api", "tasks", "me", "with-session", "nemo_agent"]) => {
            create_session(&mut s, &user)
        }
        ("POST", ["api", "auth", "claim-token"]) => claim(&mut s, &user, body),
        ("GET", ["api", "credits", "balance", "simple"]) => {
            let (a, f) = s.credits_of(&user);
            ok(json!({"available": a, "frozen": f, "total": a + f}))
        }
        ("GET", ["api", "state", "nemo_agent", "me", sid, "latest"]) => match own(&s, &user, sid) {
            Some(x) => ok(
                json!({"session_id": sid, "task_id": x.task_id, "task_name": "project", "state": {
                "draft": x.draft, "video_infos": x.video_infos, "canvas_config": {"width": 1920, "height": 1080},
                "video_analyses": {}, "generated_media": x.generated}}),
            ),
            None => code(404, 1002, "session not found"),
        },
        ("POST", ["api", "upload-video", "nemo_agent", "me", sid]) => {
            upload(&mut s, &user, sid, body)
        }
        ("POST", ["run_sse"]) => {
            let result = sse::start(&mut s, state.clone(), &user, body);
            drop(s);
            result
        }
        ("POST", ["api", "render", "proxy", "lambda"]) => start_render(&mut s, headers, body),
        ("GET", ["api", "render", "proxy", "lambda", id]) => render_status(&mut s, id),
        ("POST", ["api", "render", "proxy", "lambda", id, "cancel"]) => {
            match s.renders.get_mut(*id) {
                Some(r) => {
                    r.cancelled = true;
                    reply(200, json!({"success": true}))
                }
                None => reply(404, json!({"success": false, "error": "not found"})),
            }
        }
        _ => reply(
            404,
            json!({"code": 404, "message": format!("no route {method} {path}")}),
        ),
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("authorization")?.to_str().ok()?;
    v.strip_prefix("Bearer ").map(str::to_string)
}

fn own<'a>(s: &'a State, user: &str, sid: &str) -> Option<&'a Session> {
    s.sessions.get(sid).filter(|x| x.user == user)
}

fn anonymous_token(state: &Shared, headers: &HeaderMap) -> Response {
    let Some(client) = headers
        .get("x-client-id")
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty())
    else {
        return code(400, 400, "missing X-Client-Id");
    };
    let mut s = state.lock().unwrap();
    let n = s.next();
    let user = s
        .users_by_client
        .entry(client.to_string())
        .or_insert_with(|| format!("anon_{n}"))
        .clone();
    let token = format!("nmv_usr_{}", uuid::Uuid::new_v4().simple());
    s.tokens.insert(token.clone(), user.clone());
    ok(
        json!({"token": token, "user_id": user, "expires_at": "2026-12-02T00:00:00Z", "credits": 100}),
    )
}

fn create_session(s: &mut State, user: &str) -> Response {
    let n = s.next();
    let sid = format!("55297987060244{n:05}");
    let task_id = format!("task_{n}");
    s.sessions.insert(
        sid.clone(),
        Session {
            user: user.into(),
            task_id: task_id.clone(),
            draft: empty_draft(),
            video_infos: Vec::new(),
            generated: Vec::new(),
        },
    );
    s.session_order.push(sid.clone());
    ok(json!({"task_id": task_id, "session_id": sid, "user_id": user}))
}

fn claim(s: &mut State, user: &str, body: &Body) -> Response {
    let Body::Json(v) = body else {
        return reply(422, json!({"code": 422, "message": "JSON body required"}));
    };
    let sid = v["session_id"].as_str().unwrap_or("");
    match own(s, user, sid) {
        Some(x) if v["task_id"] == x.task_id.as_str() => ok(
            json!({"claim_token": format!("clm_{}", uuid::Uuid::new_v4().simple()), "expires_in": 604800}),
        ),
        _ => code(404, 1002, "session not found"),
    }
}

fn file_type(name: &str) -> Option<&'static str> {
    let ext = name.rsplit_once('.')?.1.to_ascii_lowercase();
    let ext = SUPPORTED.iter().find(|e| **e == ext)?;
    Some(match *ext {
        "mp3" | "wav" | "m4a" | "aac" | "flac" => "audio",
        "jpg" | "jpeg" | "png" | "gif" | "webp" => "image",
        _ => "video",
    })
}

fn upload(s: &mut State, user: &str, sid: &str, body: &Body) -> Response {
    if own(s, user, sid).is_none() {
        return code(404, 1002, "session not found");
    }
    let items: Vec<(String, usize)> = match body {
        Body::Multipart(parts) => parts
            .iter()
            .filter(|p| p.name == "files")
            .map(|p| (p.filename.clone().unwrap_or_default(), p.size))
            .collect(),
        Body::Json(v) if v["source_type"] == "url" => v["urls"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_str)
                    .map(|u| (u.rsplit('/').next().unwrap_or(u).to_string(), 1))
                    .collect()
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    if items.is_empty() {
        return reply(422, json!({"code": 422, "message": "no files"}));
    }
    let mut files = Vec::new();
    for (name, size) in items {
        let Some(kind) = file_type(&name) else {
            return code(400, 4001, "unsupported file type");
        };
        if size > MAX_BYTES {
            return code(413, 4002, "file too large");
        }
        let mut file = json!({"filename": name, "file_type": kind, "cdn_url": format!("https://cdn.example/{name}"),
            "width": 1920, "height": 1080});
        if let Some(seconds) = s.upload_duration {
            file["duration"] = json!(seconds);
        }
        files.push(file);
    }
    if let Some(x) = s.sessions.get_mut(sid) {
        x.video_infos.extend(files.iter().cloned());
    }
    ok(json!({"files": files, "session_state_applied": true}))
}

fn start_render(s: &mut State, headers: &HeaderMap, body: &Body) -> Response {
    let attributed = ["x-skill-source", "x-skill-version", "x-skill-platform"]
        .iter()
        .all(|h| headers.contains_key(*h));
    if !attributed {
        return reply(
            402,
            json!({"success": false, "error": "free plan cannot export"}),
        );
    }
    let Body::Json(v) = body else {
        return reply(
            400,
            json!({"success": false, "error": "JSON body required"}),
        );
    };
    let id = v["id"].as_str().unwrap_or("").to_string();
    if s.renders.contains_key(&id) {
        return reply(
            409,
            json!({"success": false, "error": "duplicate render id"}),
        );
    }
    let has_segments = v["draft"]["t"].as_array().is_some_and(|ts| {
        ts.iter()
            .any(|t| t["sg"].as_array().is_some_and(|sg| !sg.is_empty()))
    });
    if id.is_empty() || !has_segments {
        return reply(
            400,
            json!({"success": false, "error": "draft has no segments"}),
        );
    }
    let fail = s.next_render_fail.take();
    s.renders.insert(
        id.clone(),
        Render {
            polls: 0,
            fail,
            cancelled: false,
        },
    );
    reply(
        200,
        json!({"success": true, "data": {"id": id, "status": "pending", "progress": 5}}),
    )
}

fn render_status(s: &mut State, id: &str) -> Response {
    let (shape, total, base) = (s.render_shape, s.render_polls, s.base_url.clone());
    let held = s.renders_held;
    let Some(r) = s.renders.get_mut(id) else {
        return reply(404, json!({"success": false, "error": "not found"}));
    };
    if !held {
        r.polls += 1;
    }
    let (status, progress, error) = match (&r.fail, r.cancelled, r.polls >= total) {
        (_, true, _) => ("cancelled", 0, Some("cancelled".to_string())),
        (Some(e), _, true) => ("failed", 40, Some(e.clone())),
        (None, _, true) if !held => ("completed", 100, None),
        _ => ("processing", 5 + 90 * r.polls / total, None),
    };
    let url = (status == "completed").then(|| format!("{base}/files/{id}.mp4"));
    match shape {
        RenderShape::Envelope => reply(
            200,
            json!({"success": true, "data": {"id": id, "status": status, "progress": progress, "outputUrl": url, "error": error}}),
        ),
        RenderShape::Bare => {
            let mut v = json!({"taskId": id, "status": status, "progress": progress});
            if let Some(u) = url {
                v["output"] = json!({"url": u, "duration": 30.5, "size": 15728640});
            }
            if let Some(e) = error {
                v["error"] = json!(e);
            }
            reply(200, v)
        }
    }
}

fn fake_mp4(name: &str) -> Response {
    let mut bytes = vec![0, 0, 0, 0x18];
    bytes.extend_from_slice(b"ftypisom\0\0\x02\0isomiso2");
    bytes.extend_from_slice(name.as_bytes());
    (StatusCode::OK, [("content-type", "video/mp4")], bytes).into_response()
}
