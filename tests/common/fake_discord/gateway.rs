//! The fake gateway: any number of connections at once, each HELLO, IDENTIFY (with its
//! `shard: [id, count]`) → READY, heartbeats → ACK, RESUME → RESUMED; dispatches go to the
//! connection whose shard Discord would pick.

use super::{user_json, Delivery, Shared, APP_ID};
use axum::extract::ws::{Message, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxState;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// The shard Discord sends a guild's events to, `(guild_id >> 22) % count`; events without a
/// guild (DMs) go to shard 0.
pub fn shard_for(guild: Option<u64>, count: u32) -> u32 {
    match guild {
        Some(g) => ((g >> 22) % u64::from(count.max(1))) as u32,
        None => 0,
    }
}

/// One open gateway connection.
pub(super) struct Conn {
    /// Numbered from 1 in the order they opened.
    id: usize,
    /// `[id, count]` from its IDENTIFY (or its resumed session); `None` before either.
    shard: Option<[u32; 2]>,
    /// The session's own sequence number, as Discord keeps one per session.
    seq: u64,
    tx: mpsc::UnboundedSender<String>,
}

impl Conn {
    /// `[id, count]` once known.
    pub(super) fn shard(&self) -> Option<[u32; 2]> {
        self.shard
    }
}

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
    let id = {
        let mut s = state.lock().unwrap();
        s.connections_opened += 1;
        let id = s.connections_opened;
        s.conns.push(Conn {
            id,
            shard: None,
            seq: 0,
            tx,
        });
        id
    };
    let hello = json!({"op": 10, "d": {"heartbeat_interval": 41250}}).to_string();
    if socket.send(Message::Text(hello.into())).await.is_ok() {
        relay(&mut socket, &mut rx, &state, id).await;
    }
    state.lock().unwrap().conns.retain(|c| c.id != id);
}

/// Sends queued dispatches and answers the client's frames until either side ends.
async fn relay(
    socket: &mut WebSocket,
    rx: &mut mpsc::UnboundedReceiver<String>,
    state: &Shared,
    id: usize,
) {
    loop {
        tokio::select! {
            out = rx.recv() => match out {
                Some(frame) => if socket.send(Message::Text(frame.into())).await.is_err() { return },
                None => return,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    let Ok(v) = serde_json::from_str::<Value>(&text) else { continue };
                    if let Some(reply) = answer(state, id, &v) {
                        if socket.send(Message::Text(reply.into())).await.is_err() { return }
                    }
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(_)) => {}
            },
        }
    }
}

/// The gateway's answer to one client frame on connection `id`.
fn answer(state: &Shared, id: usize, frame: &Value) -> Option<String> {
    let mut s = state.lock().unwrap();
    let ws = format!("{}/gateway-ws", s.base_url.replace("http://", "ws://"));
    let op = frame["op"].as_u64()?;
    if op == 2 {
        s.ready = true;
    }
    let conn = s.conns.iter_mut().find(|c| c.id == id)?;
    match op {
        1 => Some(json!({"op": 11}).to_string()),
        2 => {
            // Discord: IDENTIFY's optional `shard` is `[shard_id, num_shards]`.
            let shard = match frame["d"]["shard"].as_array().map(Vec::as_slice) {
                Some([a, b]) => [a.as_u64()? as u32, b.as_u64()? as u32],
                _ => [0, 1],
            };
            conn.shard = Some(shard);
            conn.seq += 1;
            let mut me = user_json(APP_ID, true);
            me["verified"] = json!(true);
            me["mfa_enabled"] = json!(false);
            me["flags"] = json!(0);
            let ready = json!({
                "v": 10, "user": me, "guilds": [],
                "session_id": format!("fake-session-{}-{}", shard[0], shard[1]),
                "resume_gateway_url": ws, "shard": shard,
                "application": {"id": APP_ID.to_string(), "flags": 0},
            });
            Some(json!({"op": 0, "t": "READY", "s": conn.seq, "d": ready}).to_string())
        }
        6 => {
            // The session id names the shard it was identified as.
            let session = frame["d"]["session_id"].as_str().unwrap_or_default();
            let mut parts = session.strip_prefix("fake-session-")?.split('-');
            let shard = [parts.next()?.parse().ok()?, parts.next()?.parse().ok()?];
            conn.shard = Some(shard);
            conn.seq += 1;
            Some(json!({"op": 0, "t": "RESUMED", "s": conn.seq, "d": {}}).to_string())
        }
        _ => None,
    }
}

/// Sends `event` to the connection of the shard it belongs to (the newest one, should a shard
/// have reconnected) and records where it went.
pub(super) fn dispatch(s: &mut super::State, event: &str, data: Value) {
    // A guild's own events (GUILD_CREATE, GUILD_DELETE…) carry the guild as `id`: they go to
    // its shard by the same formula (Gateway, "Sharding Formula", `(guild_id >> 22) %
    // num_shards`), as each shard's READY lists the guilds whose GUILD_CREATE it then gets.
    let guild_key = if event.starts_with("GUILD_") && data.get("guild_id").is_none() {
        "id"
    } else {
        "guild_id"
    };
    let guild = data[guild_key].as_str().and_then(|g| g.parse().ok());
    let conn = s
        .conns
        .iter_mut()
        .filter(|c| {
            c.shard
                .is_some_and(|[id, count]| shard_for(guild, count) == id)
        })
        .max_by_key(|c| c.id);
    let delivered = conn.map(|c| {
        c.seq += 1;
        let frame = json!({"op": 0, "t": event, "s": c.seq, "d": &data}).to_string();
        let _ = c.tx.send(frame);
        (c.id, c.shard.map_or(0, |[id, _]| id))
    });
    s.deliveries.push(Delivery {
        event: event.to_string(),
        guild,
        connection: delivered.map(|(id, _)| id),
        shard: delivered.map(|(_, shard)| shard),
        data,
    });
}
