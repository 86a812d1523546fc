//! A fake Discord on 127.0.0.1: the REST routes the bot calls and a websocket gateway
//! (HELLO, IDENTIFY, heartbeats, READY, dispatches), so the real serenity/poise client runs
//! against it end to end.

mod acts;
pub mod commands;
mod gateway;
mod global;
mod guilds;
mod interactions;
mod limits;
mod members;
pub mod permissions;
mod ratelimit;
mod rest;
mod threads;
pub mod tls;

pub use gateway::shard_for;
// Helpers for tests; each test file uses some of them.
#[allow(unused_imports)]
pub use members::{member, member_with, MEMBER_PERMISSIONS};
pub use threads::Thread;

use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The bot's application and user id.
pub const APP_ID: u64 = 900_000_000_000_000_001;
/// The guild every test channel is in.
pub const GUILD_ID: u64 = 900_000_000_000_000_002;

/// One REST call the bot made.
#[derive(Debug, Clone)]
pub struct Call {
    /// `POST`, `PATCH`…
    pub method: String,
    /// Path without `/api/v10`.
    pub path: String,
    /// JSON body (multipart: its `payload_json`), or null.
    pub body: Value,
    /// When it arrived.
    pub at: tokio::time::Instant,
}

/// A message as the channel shows it now.
#[derive(Debug, Clone)]
pub struct Msg {
    /// Its id.
    pub id: u64,
    /// Its channel.
    pub channel: u64,
    /// Current text.
    pub content: String,
    /// Current components (buttons).
    pub components: Value,
    /// Current embeds (cards), as Discord's message object lists them.
    pub embeds: Value,
    /// Number of edits.
    pub edits: usize,
    /// Only the member of its interaction sees it (the ephemeral flag).
    pub ephemeral: bool,
}

impl Msg {
    /// A message with `content` only: no buttons, no cards, never edited.
    pub fn new(id: u64, channel: u64, content: &str) -> Msg {
        Msg {
            id,
            channel,
            content: content.into(),
            components: json!([]),
            embeds: json!([]),
            edits: 0,
            ephemeral: false,
        }
    }

    /// Everything it shows as text (see [`shown`]).
    pub fn shown(&self) -> String {
        shown(&json!({"content": self.content, "embeds": self.embeds}))
    }
}

/// Everything a message (or a request creating or editing one) shows as text: its content,
/// then each embed's title, description, fields (`name: value`) and footer, a line each.
pub fn shown(message: &Value) -> String {
    let text = |v: &Value| v.as_str().map(str::to_string);
    let content = text(&message["content"]).filter(|c| !c.is_empty());
    let mut parts: Vec<String> = content.into_iter().collect();
    for e in message["embeds"].as_array().into_iter().flatten() {
        parts.extend(text(&e["title"]));
        parts.extend(text(&e["description"]));
        for f in e["fields"].as_array().into_iter().flatten() {
            let (name, value) = (text(&f["name"]), text(&f["value"]));
            parts.push(format!(
                "{}: {}",
                name.unwrap_or_default(),
                value.unwrap_or_default()
            ));
        }
        parts.extend(text(&e["footer"]["text"]));
    }
    parts.join("\n")
}

/// One dispatched event and the gateway connection it went to.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// `MESSAGE_CREATE`, `INTERACTION_CREATE`…
    pub event: String,
    /// Its guild; `None` for a DM.
    pub guild: Option<u64>,
    /// The connection (numbered from 1 as they opened); `None` when no connection runs the
    /// event's shard, so nobody got it.
    pub connection: Option<usize>,
    /// The shard id that connection identified as.
    pub shard: Option<u32>,
    /// The event's data (the frame's `d`), as sent.
    pub data: Value,
}

#[derive(Default)]
struct State {
    base_url: String,
    calls: Vec<Call>,
    messages: BTreeMap<u64, Msg>,
    next_id: u64,
    /// Open gateway connections, and how many were ever opened.
    conns: Vec<gateway::Conn>,
    connections_opened: usize,
    /// Every dispatch, with where it went.
    deliveries: Vec<Delivery>,
    /// `GET /gateway/bot`'s recommended shard count (`None`: 1).
    recommended_shards: Option<u32>,
    /// Some connection identified.
    ready: bool,
    files: BTreeMap<String, Vec<u8>>,
    /// When each interaction token was issued, and how long tokens live here.
    issued: BTreeMap<String, tokio::time::Instant>,
    token_ttl: Option<Duration>,
    /// The interaction type behind each token, for the callbacks it allows.
    kinds: BTreeMap<String, u8>,
    /// The channel of the interaction behind each token.
    channels: BTreeMap<String, u64>,
    /// The message whose button each click's token pressed (what an update response edits).
    clicked: BTreeMap<String, u64>,
    /// Interaction responses answered 400, and why.
    refused_callbacks: Vec<String>,
    /// Each interaction's original response (made or deferred by its callback).
    originals: BTreeMap<String, interactions::Original>,
    /// The interaction behind each message made through an interaction's webhook.
    interaction_messages: BTreeMap<u64, String>,
    /// DM channels (a user's, or the bot's with a user).
    dm_channels: std::collections::BTreeSet<u64>,
    /// Messages and interaction responses refused for breaking Discord's content or embed
    /// limits, and why.
    refused_messages: Vec<String>,
    /// Message nonces seen with `enforce_nonce`, per channel: the message each made, and when.
    nonces: BTreeMap<String, (u64, tokio::time::Instant)>,
    /// How long a nonce is remembered; `None` is Discord's few minutes.
    nonce_window: Option<Duration>,
    /// Message posts and edits still to answer with 429, and the `retry_after` they give.
    rate_limited: usize,
    retry_after: Duration,
    /// 429s answered so far (forced ones and those of the route limits).
    limited: usize,
    /// Every route's limit, and each bucket's current window.
    route_limit: ratelimit::RouteLimit,
    buckets: BTreeMap<String, ratelimit::Window>,
    /// The requests that count toward Discord's global limit.
    global: global::Global,
    /// Statuses to refuse command registrations with, in order; the last one repeats.
    refuse_commands: std::collections::VecDeque<u16>,
    /// Command registrations answered 200.
    registered: usize,
    /// The gateway hangs up and takes no connection.
    gateway_down: bool,
    /// Permissions the bot lacks, per channel.
    denied: BTreeMap<u64, u64>,
    /// Message posts and edits refused for a missing permission (403, 50013) or a DM
    /// refused (403, 50007).
    refused_permissions: Vec<String>,
    /// DM channels of members who take no DMs from the bot.
    closed_dms: std::collections::BTreeSet<u64>,
    /// Forum channels (`GUILD_FORUM`, type 15).
    forums: std::collections::BTreeSet<u64>,
    /// Threads by id (the id of the message each was started from).
    threads: BTreeMap<u64, Thread>,
    /// Messages members posted (their `MESSAGE_CREATE` data), by id.
    posted: BTreeMap<u64, Value>,
    /// Guild channels seen (in members' messages and interactions), and their guild.
    guild_channels: BTreeMap<u64, u64>,
    /// Roles given to members (`give_role`), by user.
    roles: BTreeMap<u64, std::collections::BTreeSet<u64>>,
    /// The commands of the last registration taken, as registered.
    commands: Vec<Value>,
}

impl State {
    fn id(&mut self) -> u64 {
        self.next_id += 1;
        1_000_000_000_000_000 + self.next_id
    }
}

type Shared = Arc<Mutex<State>>;

/// The running fake Discord.
pub struct FakeDiscord {
    state: Shared,
    base_url: String,
    rest_address: std::net::SocketAddr,
    task: tokio::task::JoinHandle<()>,
    tls_task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeDiscord {
    fn drop(&mut self) {
        self.task.abort();
        self.tls_task.abort();
    }
}

impl FakeDiscord {
    /// Starts on 127.0.0.1 port 0.
    pub async fn start() -> FakeDiscord {
        let (listener, base_url) = super::loopback::bind().await;
        let state: Shared = Arc::new(Mutex::new(State {
            base_url: base_url.clone(),
            ..State::default()
        }));
        let app = rest::router(state.clone()).merge(gateway::router(state.clone()));
        let task = super::loopback::serve(listener, app.clone());
        let (tls, rest_address) = tls::TlsListener::bind().await;
        let tls_task = tokio::spawn(async move {
            let _ = axum::serve(tls, app).await;
        });
        FakeDiscord {
            state,
            base_url,
            rest_address,
            task,
            tls_task,
        }
    }

    /// `http://127.0.0.1:PORT`: the gateway, the CDN, and the REST API as a REST proxy in
    /// front of Discord would serve it (the value for `discord.api_base`).
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Where the REST API answers as discord.com itself, over TLS (the value for
    /// `discord.rest_address`, with [`tls::ca_file`] for `discord.rest_ca_file`).
    pub fn rest_address(&self) -> String {
        self.rest_address.to_string()
    }

    /// Every route (per top-level resource) takes at most `limit` requests `per` window;
    /// past it, Discord's 429.
    pub fn limit_routes(&self, limit: u32, per: Duration) {
        self.state.lock().unwrap().route_limit = ratelimit::RouteLimit { limit, per };
    }

    /// Nonces are forgotten after `window` (Discord: a few minutes), so a message repeated
    /// later with the same nonce is created again.
    pub fn set_nonce_window(&self, window: Duration) {
        self.state.lock().unwrap().nonce_window = Some(window);
    }

    /// The next `calls` message posts and edits answer 429 with `retry_after`, as Discord does.
    pub fn rate_limit_next(&self, calls: usize, retry_after: Duration) {
        let mut s = self.state.lock().unwrap();
        s.rate_limited = calls;
        s.retry_after = retry_after;
    }

    /// How many calls were answered 429.
    pub fn answered_429(&self) -> usize {
        self.state.lock().unwrap().limited
    }

    /// How many calls were answered with the *global* 429 (also in [`FakeDiscord::answered_429`]).
    pub fn global_429s(&self) -> usize {
        self.state.lock().unwrap().global.refused
    }

    /// Requests that count toward the global limit, taken so far (refused ones aside).
    pub fn global_calls(&self) -> usize {
        self.state.lock().unwrap().global.taken
    }

    /// Other clients of the same bot (another process, a REST proxy's other callers) take
    /// `per_second` of Discord's global 50 a second, every second: this bot gets global 429s
    /// past the rest.
    pub fn others_take(&self, per_second: usize) {
        self.state.lock().unwrap().global.others = per_second;
    }

    /// The most requests counting toward the global limit that Discord took in any one second.
    pub fn peak_per_second(&self) -> usize {
        self.state.lock().unwrap().global.peak
    }

    /// The bot lacks `permissions` (a bitfield of [`permissions::SEND_MESSAGES`],
    /// [`permissions::EMBED_LINKS`], [`permissions::CREATE_PUBLIC_THREADS`],
    /// [`permissions::SEND_MESSAGES_IN_THREADS`]) in `channel` and its threads: messages
    /// posted or edited there, and threads started there, are refused with Discord's 403
    /// (50013), and interactions from there carry `app_permissions` without them.
    pub fn deny(&self, channel: u64, permissions: u64) {
        *self
            .state
            .lock()
            .unwrap()
            .denied
            .entry(channel)
            .or_default() |= permissions;
    }

    /// `user` takes no DMs from the bot: messages to their DM channel are refused with
    /// Discord's 403 (50007, "Cannot send messages to this user").
    pub fn close_dms(&self, user: u64) {
        self.state
            .lock()
            .unwrap()
            .closed_dms
            .insert(dm_channel(user));
    }

    /// Message posts and edits refused for a missing permission, or DMs refused (`METHOD /path`).
    pub fn refused_permissions(&self) -> Vec<String> {
        self.state.lock().unwrap().refused_permissions.clone()
    }

    /// The `app_permissions` of an interaction from `channel`.
    fn app_permissions(&self, channel: u64) -> String {
        permissions::app_permissions(&self.state.lock().unwrap(), channel)
    }

    /// Interaction tokens expire after `ttl` (webhook calls then answer 404).
    pub fn set_token_ttl(&self, ttl: Duration) {
        self.state.lock().unwrap().token_ttl = Some(ttl);
    }

    /// Waits until the bot identified and registered its commands (`times` registrations
    /// taken in all).
    /// Generous: serenity waits ~5 s before retrying a shard start that did not take, and a
    /// loaded CI machine can need that more than once.
    pub async fn wait_ready(&self, times: usize) {
        for _ in 0..1_200 {
            let ready = {
                let s = self.state.lock().unwrap();
                s.ready && s.registered >= times
            };
            if ready {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let s = self.state.lock().unwrap();
        let calls: Vec<String> = s
            .calls
            .iter()
            .map(|c| format!("{} {}", c.method, c.path))
            .collect();
        panic!(
            "the bot never became ready (identified: {}); calls: {calls:?}",
            s.ready
        );
    }

    /// Refuses command registrations with these statuses in order (Discord's error bodies),
    /// the last one again and again until [`FakeDiscord::accept_commands`].
    pub fn refuse_commands(&self, statuses: &[u16]) {
        self.state.lock().unwrap().refuse_commands = statuses.iter().copied().collect();
    }

    /// Takes command registrations again.
    pub fn accept_commands(&self) {
        self.state.lock().unwrap().refuse_commands.clear();
    }

    /// Command registrations answered 200, and all that were tried.
    pub fn registrations(&self) -> (usize, usize) {
        let s = self.state.lock().unwrap();
        let tried = s
            .calls
            .iter()
            .filter(|c| c.method == "PUT" && c.path.contains("/commands"))
            .count();
        (s.registered, tried)
    }

    /// Hangs up every gateway connection and refuses new ones (as an outage would).
    pub fn stop_gateway(&self) {
        let mut s = self.state.lock().unwrap();
        s.gateway_down = true;
        s.conns.clear();
    }

    /// `GET /gateway/bot` recommends `shards` shards from now on.
    pub fn recommend_shards(&self, shards: u32) {
        self.state.lock().unwrap().recommended_shards = Some(shards);
    }

    /// The shard ids of the open connections that have identified (or resumed), in the order
    /// the connections opened.
    pub fn connected_shards(&self) -> Vec<[u32; 2]> {
        let s = self.state.lock().unwrap();
        s.conns.iter().filter_map(gateway::Conn::shard).collect()
    }

    /// Every dispatched event so far and the connection it went to.
    pub fn deliveries(&self) -> Vec<Delivery> {
        self.state.lock().unwrap().deliveries.clone()
    }

    /// Serves `bytes` at `<base>/cdn/<name>` and returns the URL.
    pub fn host_file(&self, name: &str, bytes: Vec<u8>) -> String {
        self.state
            .lock()
            .unwrap()
            .files
            .insert(name.to_string(), bytes);
        format!("{}/cdn/{name}", self.base_url)
    }

    /// Dispatches an event to the bot, on the connection of the shard its guild (or, without
    /// one, shard 0) belongs to.
    pub fn dispatch(&self, event: &str, data: Value) {
        gateway::dispatch(&mut self.state.lock().unwrap(), event, data);
    }

    /// An attachment object for `host_file`d bytes.
    pub fn attachment(&self, name: &str, size: u64, url: &str) -> Value {
        let id = self.state.lock().unwrap().id();
        json!({"id": id.to_string(), "filename": name, "size": size, "url": url, "proxy_url": url,
               "content_type": "audio/mpeg"})
    }

    /// Interaction responses refused as Discord would (a wrong callback type for the
    /// interaction, a modal or autocomplete payload outside the schema), and why.
    pub fn refused_callbacks(&self) -> Vec<String> {
        self.state.lock().unwrap().refused_callbacks.clone()
    }

    /// Messages (created, edited, or as interaction responses) refused as Discord would for
    /// content over 2,000 characters, embeds over its limits or a link button's URL over 512
    /// characters, and why.
    pub fn refused_messages(&self) -> Vec<String> {
        self.state.lock().unwrap().refused_messages.clone()
    }

    /// Interactions (their tokens) deferred with a loading state ("thinking…") whose deferred
    /// message was never edited: what the member still sees as "thinking…".
    pub fn thinking(&self) -> Vec<String> {
        interactions::thinking(&self.state.lock().unwrap())
    }

    /// Waits until the interaction `token` was answered and shows no "thinking…" (edited, or
    /// answered with a message at once), returning its original response.
    pub async fn wait_answered(&self, token: &str) -> Msg {
        for _ in 0..600 {
            if let Some(m) = interactions::answered(&self.state.lock().unwrap(), token) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!(
            "interaction {token} was never answered; thinking: {:?}; calls: {:#?}",
            self.thinking(),
            self.calls()
                .iter()
                .map(|c| format!("{} {}", c.method, c.path))
                .collect::<Vec<_>>()
        );
    }

    /// Messages everyone in a server channel sees: neither ephemeral nor in a DM (an
    /// interaction's messages count as in its channel).
    pub fn public_in_guilds(&self) -> Vec<Msg> {
        interactions::public_in_guilds(&self.state.lock().unwrap())
    }

    /// Every message, in any channel (interaction messages in pseudo-channel 0).
    pub fn all_messages(&self) -> Vec<Msg> {
        self.state
            .lock()
            .unwrap()
            .messages
            .values()
            .cloned()
            .collect()
    }

    /// Every REST call so far.
    pub fn calls(&self) -> Vec<Call> {
        self.state.lock().unwrap().calls.clone()
    }

    /// Messages in a channel, oldest first.
    pub fn messages(&self, channel: u64) -> Vec<Msg> {
        self.state
            .lock()
            .unwrap()
            .messages
            .values()
            .filter(|m| m.channel == channel)
            .cloned()
            .collect()
    }

    /// Waits until some message in `channel` satisfies `pred`, returning it.
    pub async fn wait_for(&self, channel: u64, what: &str, pred: impl Fn(&Msg) -> bool) -> Msg {
        for _ in 0..600 {
            if let Some(m) = self.messages(channel).into_iter().find(|m| pred(m)) {
                return m;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        let seen: Vec<String> = self
            .messages(channel)
            .into_iter()
            .map(|m| m.shown())
            .collect();
        panic!(
            "no message {what} in channel {channel}; saw {seen:#?}\ncalls: {:#?}",
            self.calls()
                .iter()
                .map(|c| format!("{} {}", c.method, c.path))
                .collect::<Vec<_>>()
        );
    }
}

/// The first guild id from [`GUILD_ID`] on whose events shard `shard` of `count` receives.
pub fn guild_on_shard(shard: u32, count: u32) -> u64 {
    (0..u64::from(count))
        .map(|step| GUILD_ID + (step << 22))
        .find(|g| shard_for(Some(*g), count) == shard)
        .expect("one of `count` consecutive shard slots is `shard`")
}

/// The id of the bot's DM channel with `user`, as `POST /users/@me/channels` answers it.
pub fn dm_channel(user: u64) -> u64 {
    7_000_000_000_000_000 + user % 1_000_000
}

/// A message object as Discord sends it.
pub fn message_json(
    id: u64,
    channel: u64,
    author: Value,
    content: &str,
    attachments: Value,
    components: Value,
) -> Value {
    json!({
        "id": id.to_string(), "channel_id": channel.to_string(), "author": author,
        "content": content, "timestamp": "2026-11-25T00:00:00.000000+00:00", "edited_timestamp": null,
        "tts": false, "mention_everyone": false, "mentions": [], "mention_roles": [],
        "attachments": attachments, "embeds": [], "pinned": false, "type": 0, "components": components,
    })
}

/// A user object.
pub fn user_json(id: u64, bot: bool) -> Value {
    json!({"id": id.to_string(), "username": format!("user{id}"), "discriminator": "0", "global_name": null,
           "avatar": null, "bot": bot})
}
