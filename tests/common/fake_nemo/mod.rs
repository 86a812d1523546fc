//! A contract-faithful fake of the NemoVideo API on 127.0.0.1 (port 0), over real HTTP and
//! real SSE, with scripted agent turns, scripted faults, and a log of everything received.

pub mod chaos;
mod routes;
mod sse;

pub use chaos::{Chaos, Mishap};

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One request the fake received.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// `GET`, `POST`…
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// Headers, lower-case names.
    pub headers: BTreeMap<String, String>,
    /// The body as understood.
    pub body: Body,
}

/// A received body.
#[derive(Debug, Clone)]
pub enum Body {
    /// Nothing.
    Empty,
    /// JSON.
    Json(Value),
    /// A multipart form.
    Multipart(Vec<Part>),
    /// Anything else.
    Other(Vec<u8>),
    /// The body never arrived whole (the sender broke off).
    Cut,
}

/// One multipart part.
#[derive(Debug, Clone)]
pub struct Part {
    /// Field name.
    pub name: String,
    /// File name.
    pub filename: Option<String>,
    /// Its content type.
    pub content_type: Option<String>,
    /// Its bytes, kept whole only up to `KEEP_BYTES` (bigger parts are counted, not kept, so
    /// a 200 MB upload does not sit in the server's memory).
    pub bytes: Vec<u8>,
    /// How many bytes arrived.
    pub size: usize,
}

/// Parts up to this size are kept whole in the log.
pub const KEEP_BYTES: usize = 1024 * 1024;

/// One step of a scripted agent turn.
#[derive(Debug, Clone)]
pub enum Step {
    /// ADK event with text, `partial: false`; `{now_ns}` becomes the send time (ns since the
    /// Unix epoch), for latency measurements.
    Text(String),
    /// ADK `partial: true` chunk.
    Partial(String),
    /// ADK text part marked `thought`.
    Thought(String),
    /// ADK functionCall.
    Call(String),
    /// ADK functionResponse.
    Response(String),
    /// `{"type":"text","content":…}`.
    TypeText(String),
    /// `{"type":"tool_call",…}`.
    TypeCall(String),
    /// `{"type":"tool_result",…}`.
    TypeResult(String),
    /// `{"type":"heartbeat"}`.
    TypeHeartbeat,
    /// `: keepalive`.
    Comment,
    /// `data:` with nothing.
    EmptyData,
    /// ADK event with errorCode / errorMessage.
    AdkError {
        /// errorCode.
        code: String,
        /// errorMessage.
        message: String,
    },
    /// ADK's crash report `{"error":…,"error_details":{…}}`.
    Crash(String),
    /// Pause the stream.
    Sleep(Duration),
    /// Replace the session's draft now.
    SetDraft(Value),
    /// Break the connection (not a clean end).
    Drop,
    /// A raw `data:` payload.
    Raw(String),
    /// `data: <this>` exactly as given, even if it is not JSON.
    Verbatim(String),
}

/// A fault served instead of the next matching request.
#[derive(Debug, Clone)]
pub enum Fault {
    /// A JSON envelope with this business code.
    Code {
        /// HTTP status.
        http: u16,
        /// Business code.
        code: i64,
        /// Message.
        message: String,
    },
    /// A JSON body with this status.
    Status {
        /// HTTP status.
        http: u16,
        /// Body.
        body: Value,
    },
    /// HTTP 429 with a `Retry-After` header of this many seconds.
    RetryAfter(f64),
    /// An HTML error page.
    Html(u16),
    /// The response starts, then the connection dies.
    Drop,
    /// Wait, then serve normally.
    Delay(Duration),
    /// Wait before reading the request's body (the sender stalls once buffers fill), then
    /// serve normally.
    SlowBody(Duration),
    /// HTTP 200 whose JSON body stops in the middle (a complete HTTP answer).
    Truncated,
    /// Serve normally, then lose the answer (the connection dies).
    LostReply,
    /// Wait until the test releases it (`notify_one`), then serve normally: a slow upload
    /// whose end the test decides.
    Hold(Arc<tokio::sync::Notify>),
}

/// Which documented render-status shape to answer with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RenderShape {
    /// `{"success":true,"data":{…,"outputUrl"}}`.
    Envelope,
    /// `{"taskId",…,"output":{"url"}}`.
    Bare,
}

struct Session {
    user: String,
    task_id: String,
    draft: Value,
    video_infos: Vec<Value>,
    generated: Vec<Value>,
}

struct Render {
    polls: u32,
    fail: Option<String>,
    cancelled: bool,
}

struct State {
    base_url: String,
    log: Vec<Recorded>,
    turns: VecDeque<Vec<Step>>,
    faults: Vec<(String, Fault)>,
    tokens: HashMap<String, String>,
    users_by_client: HashMap<String, String>,
    /// Every account's credits as it starts (available, frozen): the contract gives each
    /// anonymous token its own 100 (nemo-api.md, "anonymous-token").
    credits: (i64, i64),
    /// Credits each account (user id) has spent since.
    spent: HashMap<String, i64>,
    sessions: HashMap<String, Session>,
    session_order: Vec<String>,
    renders: HashMap<String, Render>,
    render_shape: RenderShape,
    render_polls: u32,
    /// Renders stay `processing` (their polls not counted) while set.
    renders_held: bool,
    /// The `duration` upload answers report; `None` leaves the field out.
    upload_duration: Option<f64>,
    next_render_fail: Option<String>,
    counter: u64,
    chaos: Option<Chaos>,
    rolls: u64,
    chaos_log: Vec<(String, Mishap)>,
    /// Agent streams the client closed before their script's end.
    streams_cut: usize,
}

impl State {
    /// `user`'s credits now (available, frozen).
    pub(super) fn credits_of(&self, user: &str) -> (i64, i64) {
        let spent = self.spent.get(user).copied().unwrap_or(0);
        (self.credits.0 - spent, self.credits.1)
    }

    fn next(&mut self) -> u64 {
        self.counter += 1;
        self.counter
    }

    /// The fault for this request: a scripted one first, else chaos mode's roll.
    fn fault_for(&mut self, path: &str) -> Option<Fault> {
        if let Some(f) = self.take_fault(path) {
            return Some(f);
        }
        let mishap = self.roll(path, false)?;
        self.chaos.as_ref().map(|c| c.fault(mishap))
    }

    /// Chaos mode's next roll for a request (`stream`: for an agent stream), logged.
    fn roll(&mut self, path: &str, stream: bool) -> Option<Mishap> {
        let chaos = self.chaos.as_ref()?;
        self.rolls += 1;
        let mishap = if stream {
            chaos.stream(self.rolls)
        } else {
            chaos.request(self.rolls)
        }?;
        self.chaos_log.push((path.to_string(), mishap));
        Some(mishap)
    }

    /// The first fault queued for a prefix of `path`, removed.
    fn take_fault(&mut self, path: &str) -> Option<Fault> {
        let i = self
            .faults
            .iter()
            .position(|(p, _)| path.starts_with(p.as_str()))?;
        Some(self.faults.remove(i).1)
    }
}

type Shared = Arc<Mutex<State>>;

/// The running fake server.
pub struct FakeNemo {
    state: Shared,
    base_url: String,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeNemo {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeNemo {
    /// Starts on 127.0.0.1 port 0.
    pub async fn start() -> FakeNemo {
        let (listener, base_url) = super::loopback::bind().await;
        let state = Arc::new(Mutex::new(State {
            base_url: base_url.clone(),
            log: Vec::new(),
            turns: VecDeque::new(),
            faults: Vec::new(),
            tokens: HashMap::new(),
            users_by_client: HashMap::new(),
            credits: (100, 0),
            spent: HashMap::new(),
            sessions: HashMap::new(),
            session_order: Vec::new(),
            renders: HashMap::new(),
            render_shape: RenderShape::Envelope,
            render_polls: 2,
            renders_held: false,
            upload_duration: Some(30.5),
            next_render_fail: None,
            counter: 0,
            chaos: None,
            rolls: 0,
            chaos_log: Vec::new(),
            streams_cut: 0,
        }));
        let app = routes::router(state.clone());
        let task = super::loopback::serve(listener, app);
        FakeNemo {
            state,
            base_url,
            task,
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        f(&mut self.state.lock().unwrap())
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.base_url.clone()
    }

    /// Everything received, in order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.with(|s| s.log.clone())
    }

    /// Requests whose path starts with `path_prefix`.
    pub fn requests_to(&self, path_prefix: &str) -> Vec<Recorded> {
        self.with(|s| {
            s.log
                .iter()
                .filter(|r| r.path.starts_with(path_prefix))
                .cloned()
                .collect()
        })
    }

    /// The render requests (`POST /api/render/proxy/lambda`), in order.
    pub fn render_requests(&self) -> Vec<Recorded> {
        self.with(|s| {
            s.log
                .iter()
                .filter(|r| r.method == "POST" && r.path == "/api/render/proxy/lambda")
                .cloned()
                .collect()
        })
    }

    /// How many agent streams the client closed before their script's end.
    pub fn streams_cut(&self) -> usize {
        self.with(|s| s.streams_cut)
    }

    /// The next `/run_sse` answers with this script (FIFO).
    pub fn push_turn(&self, steps: Vec<Step>) {
        self.with(|s| s.turns.push_back(steps));
    }

    /// The next request whose path starts with the prefix gets the fault (FIFO per prefix).
    pub fn fail_next(&self, path_prefix: &str, fault: Fault) {
        self.with(|s| s.faults.push((path_prefix.to_string(), fault)));
    }

    /// Turns chaos mode on (`Some`) or off; scripted faults still come first.
    pub fn set_chaos(&self, chaos: Option<Chaos>) {
        self.with(|s| s.chaos = chaos);
    }

    /// Every chaos fault served so far: the path and the kind, in order.
    pub fn chaos_log(&self) -> Vec<(String, Mishap)> {
        self.with(|s| s.chaos_log.clone())
    }

    /// Which render-status shape to answer with.
    pub fn set_render_shape(&self, shape: RenderShape) {
        self.with(|s| s.render_shape = shape);
    }

    /// Status polls before a render completes.
    pub fn set_render_polls(&self, polls: u32) {
        self.with(|s| s.render_polls = polls.max(1));
    }

    /// While `held`, renders stay `processing` at one progress, however often they are polled
    /// (so a test decides when a render may finish).
    pub fn hold_renders(&self, held: bool) {
        self.with(|s| s.renders_held = held);
    }

    /// Upload answers report `seconds` as each file's `duration` from now on; `None` leaves
    /// the field out (the contract's answer has it, but nothing promises it for every file).
    pub fn set_upload_duration(&self, seconds: Option<f64>) {
        self.with(|s| s.upload_duration = seconds);
    }

    /// The next render job ends `failed` with this error.
    pub fn fail_next_render(&self, error: &str) {
        self.with(|s| s.next_render_fail = Some(error.to_string()));
    }

    /// Sets every account's credits, those already made and those to come.
    pub fn set_credits(&self, available: i64, frozen: i64) {
        self.with(|s| {
            s.credits = (available, frozen);
            s.spent.clear();
        });
    }

    /// A session's draft.
    pub fn draft(&self, session_id: &str) -> Value {
        self.with(|s| {
            s.sessions
                .get(session_id)
                .map(|x| x.draft.clone())
                .unwrap_or(Value::Null)
        })
    }

    /// Replaces a session's draft.
    pub fn set_draft(&self, session_id: &str, draft: Value) {
        self.with(|s| {
            if let Some(x) = s.sessions.get_mut(session_id) {
                x.draft = draft;
            }
        });
    }

    /// Session ids created, in order.
    pub fn sessions(&self) -> Vec<String> {
        self.with(|s| s.session_order.clone())
    }

    /// Makes a token valid (as a configured `NEMO_TOKEN`).
    pub fn issue_token(&self, token: &str, user_id: &str) {
        self.with(|s| s.tokens.insert(token.to_string(), user_id.to_string()));
    }

    /// Every token now answers code 1001.
    pub fn revoke_tokens(&self) {
        self.with(|s| s.tokens.clear());
    }

    /// Every session now answers code 1002.
    pub fn drop_sessions(&self) {
        self.with(|s| s.sessions.clear());
    }
}

/// A new session's empty draft.
fn empty_draft() -> Value {
    json!({"t": [], "d": 0, "m": {"width": 1920, "height": 1080}})
}

/// The draft after a default turn: a video track, plus an audio track for the last uploaded song.
fn own_draft_default(s: &State, sid: &str) -> Value {
    let mut tracks = vec![json!({"tt": 0, "m": {"title": "AI visuals"},
        "sg": [{"id": "s1", "st": 0, "d": 10000, "m": {"title": "AI visuals"}}]})];
    let song = s.sessions.get(sid).and_then(|x| {
        x.video_infos
            .iter()
            .rev()
            .find(|f| f["file_type"] == "audio")
            .and_then(|f| f["filename"].as_str().map(str::to_string))
    });
    if let Some(name) = song {
        tracks.push(json!({"tt": 1, "m": {"title": name}, "sg": [{"id": "a1", "st": 0, "d": 10000, "v": 1.0, "m": {"title": name}}]}));
    }
    json!({"t": tracks, "d": 10000, "m": {"title": "Music video", "width": 1920, "height": 1080}})
}
