//! The fake gateway: HELLO, IDENTIFY → READY, heartbeats → ACK, RESUME → RESUMED, and the
//! dispatches tests queue.

use super::{user_json, Shared, APP_ID};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxState;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc;

pub(super) fn router(state: Shared) -> Router {
    Router::new()
        .route("/gateway-ws", get(upgrade))
        .with_state(state)
}

async fn upgrade(ws: WebSocketUpgrade, AxState(state): AxState<Shared>) -> Response {
    if state.lock().unwrap().gateway_down {
        return axum::http::StatusCode::SERVICE_UNAVAILABLE.into_response();
    }
    ws.on_upgrade(move |socket| serve(socket, state))
}

async fn serve(mut socket: WebSocket, state: Shared) {
    let (tx, mut rx) = mpsc::unbounded_channel::<String>();
    state.lock().unwrap().gateway = Some(tx);
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}}).to_string();
    if socket.send(Message::Text(hello.into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(frame) => if socket.send(Message::Text(frame.into())).await.is_err() { return },
                None => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                    if let Some(reply) = answer(&state, &v) {
                        if socket.send(Message::Text(reply.into())).await.is_err() { return }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// The gateway's answer to one client frame.
fn answer(state: &Shared, frame: &Value) -> Option<String> {
    let mut s = state.lock().unwrap();
    match frame["op"].as_u64()? {
        1 => Some(json!({"op": 11}).to_string()),
        2 => {
            s.seq += 1;
            s.ready = true;
            let ws = format!("{}/gateway-ws", s.base_url.replace("http://", "ws://"));
            let mut me = user_json(APP_ID, true);
            me["verified"] = json!(true);
            me["mfa_enabled"] = json!(false);
            me["flags"] = json!(0);
            let ready = json!({
                "v": 10, "user": me, "guilds": [], "session_id": "fake-session",
                "resume_gateway_url": ws, "shard": [0, 1],
                "application": {"id": APP_ID.to_string(), "flags": 0},
            });
            Some(json!({"op": 0, "t": "READY", "s": s.seq, "d": ready}).to_string())
        }
        6 => {
            s.seq += 1;
            Some(json!({"op": 0, "t": "RESUMED", "s": s.seq, "d": {}}).to_string())
        }
        _ => None,
    }
}
