//! The records the store keeps: sessions, accounts, export jobs and servers, as JSON documents.

use crate::secret::Secret;
use serde::{Deserialize, Serialize};

/// A Nemo session that belongs to a scope (a channel or a user).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionRecord {
    /// Nemo's session id (opaque).
    pub session_id: String,
    /// Nemo's task id.
    pub task_id: String,
    /// Language the session was created with.
    pub language: String,
    /// The account whose token created (and so owns) the session.
    pub account: String,
    /// Nemo user id seen when the session was created, if any.
    #[serde(default)]
    pub user_id: Option<String>,
    /// Unix seconds.
    pub created: u64,
    /// The community (a Discord guild) whose scope created it, so that a server's projects
    /// can be found when the server is forgotten; none for sessions written before it was kept.
    #[serde(default)]
    pub group: Option<String>,
    /// What the bot heard in the songs uploaded to the session, oldest first (see
    /// [`SongHeard`]); none for sessions written before songs were heard.
    #[serde(default)]
    pub songs: Vec<SongHeard>,
}

/// What the bot heard in one song it uploaded: only what was found with confidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SongHeard {
    /// The name the member saw.
    pub name: String,
    /// Its playing time in seconds, when known.
    pub seconds: Option<f64>,
    /// Beats per minute.
    pub bpm: Option<f64>,
    /// Beats in a bar (3 or 4).
    pub meter: Option<u8>,
    /// Where the first bar begins, in seconds.
    pub first_downbeat: Option<f64>,
    /// Where the sections change, in seconds.
    pub sections: Vec<f64>,
    /// Where the song gets loudest, in seconds.
    pub drop: Option<f64>,
    /// The key's tonic (0 = C … 11 = B) and whether it is minor.
    pub key: Option<(u8, bool)>,
}

/// What a server's moderators chose (everything optional: `None` = the operator's config).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerSettings {
    /// Listening channels; `None` = the operator's `discord.channels`.
    #[serde(default)]
    pub channels: Option<Vec<u64>>,
    /// The server's default language, a language tag (`en`, `zh-CN`).
    #[serde(default)]
    pub language: Option<String>,
    /// Whether each video gets a thread of its own.
    #[serde(default)]
    pub threads: bool,
    /// Agent turns per member per hour (the operator's config stays the ceiling).
    #[serde(default)]
    pub turns_per_hour: Option<u32>,
    /// Running exports per member (the operator's config stays the ceiling).
    #[serde(default)]
    pub exports_per_member: Option<u32>,
    /// Running exports for the whole server (the operator's config stays the ceiling).
    #[serde(default)]
    pub exports_per_server: Option<u32>,
    /// Only members with this role may use the bot; `None` = everyone.
    #[serde(default)]
    pub role: Option<u64>,
}

/// A server's record: its settings, the threads the bot opened there (newest last, at most
/// [`ServerRecord::MAX_THREADS`] kept), and when the bot was removed from it (unix secs), if
/// it was.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct ServerRecord {
    /// What its moderators chose.
    #[serde(default)]
    pub settings: ServerSettings,
    /// Threads the bot opened there, newest last.
    #[serde(default)]
    pub threads: Vec<u64>,
    /// When the bot was removed from the server (unix seconds); `None` while it is there.
    #[serde(default)]
    pub left_at: Option<u64>,
}

impl ServerRecord {
    /// The threads kept per server: enough to recognise the recent ones, bounded in size.
    pub const MAX_THREADS: usize = 200;

    /// Notes a thread the bot opened (once; the oldest dropped past [`Self::MAX_THREADS`]).
    pub fn note_thread(&mut self, thread: u64) {
        if !self.threads.contains(&thread) {
            self.threads.push(thread);
        }
        let over = self.threads.len().saturating_sub(Self::MAX_THREADS);
        self.threads.drain(..over);
    }
}

/// The credentials of one account: a user of the bot, or the configured token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AccountRecord {
    /// The UUID sent as `X-Client-Id`; kept so an expired token is renewed with the same one.
    pub client_id: String,
    /// The current token, if one was issued.
    #[serde(default)]
    pub token: Option<Secret>,
    /// Nemo's user id (`anon_…` for anonymous accounts), the `bind` id for registration.
    #[serde(default)]
    pub user_id: Option<String>,
    /// When the token expires (RFC 3339), as Nemo said.
    #[serde(default)]
    pub expires_at: Option<String>,
}

/// An export job that has not finished yet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobRecord {
    /// The render id, `render_<unix ms>_<uuid>`.
    pub id: String,
    /// The session it renders.
    pub session_id: String,
    /// The scope that asked.
    pub scope: String,
    /// The account whose token polls it.
    pub account: String,
    /// Where the front posts the result (opaque to the engine).
    pub target: String,
    /// Who asked (for quotas).
    pub requested_by: String,
    /// The community it counts against (a guild), if any.
    #[serde(default)]
    pub group: Option<String>,
    /// Unix seconds.
    pub started: u64,
    /// Where the job stands: the bot's own phases, or Nemo's last word.
    pub status: JobStatus,
    /// Last progress seen, 0–100.
    pub progress: u8,
    /// The language its messages are posted in (`en`, `zh-CN`); English for jobs written
    /// before it was kept.
    #[serde(default)]
    pub lang: String,
    /// What the finished video's card says, read from the draft the export rendered (none for
    /// jobs written before it was kept).
    #[serde(default)]
    pub video: VideoFacts,
}

/// The finished video as its card describes it, known when its export starts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VideoFacts {
    /// Its title: the draft's title text, else the song's name.
    #[serde(default)]
    pub title: Option<String>,
    /// Its length in ms (where the timeline ends).
    #[serde(default)]
    pub length_ms: Option<u64>,
    /// The canvas, width × height in pixels.
    #[serde(default)]
    pub size: Option<(u64, u64)>,
    /// The member's words it was made from (empty: the default request), so that another
    /// take can ask for it again; none for an export of whatever the timeline was.
    #[serde(default)]
    pub request: Option<String>,
}

impl JobRecord {
    /// The language to post the job's progress and result in.
    pub fn language(&self) -> crate::i18n::Lang {
        crate::i18n::Lang::from_tag(&self.lang)
    }
}

/// Where an export job stands. Stored as `"submitting"`, `"posting"` or `{"nemo":"<word>"}`;
/// records written before this enum held a plain string (one of the bot's phases or Nemo's
/// word), and still decode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", from = "StoredStatus")]
pub enum JobStatus {
    /// Written down; the render request may not have arrived.
    Submitting,
    /// The finished video's link is being posted (it may be out already after a crash).
    Posting,
    /// Accepted by Nemo, which last said this (`pending`, `processing`, …).
    Nemo(String),
}

impl JobStatus {
    /// The word shown to users and logs.
    pub fn as_str(&self) -> &str {
        match self {
            JobStatus::Submitting => "submitting",
            JobStatus::Posting => "posting",
            JobStatus::Nemo(word) => word,
        }
    }
}

/// Either form a job's status was ever stored in.
#[derive(Deserialize)]
#[serde(untagged)]
enum StoredStatus {
    /// `{"nemo":"pending"}`.
    Nemo { nemo: String },
    /// A bot phase, or (old records) Nemo's word as a plain string.
    Word(String),
}

impl From<StoredStatus> for JobStatus {
    fn from(stored: StoredStatus) -> JobStatus {
        match stored {
            StoredStatus::Nemo { nemo } => JobStatus::Nemo(nemo),
            StoredStatus::Word(w) if w == "submitting" => JobStatus::Submitting,
            StoredStatus::Word(w) if w == "posting" => JobStatus::Posting,
            StoredStatus::Word(w) => JobStatus::Nemo(w),
        }
    }
}
