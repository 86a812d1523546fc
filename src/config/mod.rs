//! Configuration: defaults, then a TOML file, then the environment.

mod env;
mod ops;
mod shards;

pub use ops::{AdminConfig, AnalysisConfig, LogConfig, LogFormat, RuntimeConfig};
pub use shards::{sharding, ShardMode, Sharding};

use crate::secret::Secret;
use serde::Deserialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Everything the bot can be configured with.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The NemoVideo API.
    pub nemo: NemoConfig,
    /// Where sessions, tokens and running exports are kept.
    pub store: StoreConfig,
    /// The Discord front.
    pub discord: DiscordConfig,
    /// Quotas, so one user or community cannot use up a shared pool.
    pub limits: LimitsConfig,
    /// Shutdown.
    pub runtime: RuntimeConfig,
    /// The health and metrics endpoint.
    pub admin: AdminConfig,
    /// Log lines.
    pub log: LogConfig,
    /// What the bot listens for in uploaded songs.
    pub analysis: AnalysisConfig,
}

/// Quotas: going over gets a friendly answer saying when to retry.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LimitsConfig {
    /// Agent turns one user may start in any hour.
    pub turns_per_user_per_hour: u32,
    /// Exports one user may have running at once.
    pub exports_per_user: u32,
    /// Exports one community (guild) may have running at once.
    pub exports_per_guild: u32,
    /// Files one message may bring.
    pub files_per_message: u32,
}

impl Default for LimitsConfig {
    fn default() -> Self {
        LimitsConfig {
            turns_per_user_per_hour: 30,
            exports_per_user: 2,
            exports_per_guild: 10,
            files_per_message: 5,
        }
    }
}

/// The NemoVideo API and the timings of talking to it.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct NemoConfig {
    /// Base URL of the API.
    pub api_base: String,
    /// A fixed token; without one, anonymous tokens are used.
    pub token: Option<Secret>,
    /// The `X-Skill-Platform` header.
    pub platform: String,
    /// Export status polling interval.
    pub poll_interval_ms: u64,
    /// "Still working" notice after this long without text.
    pub still_working_ms: u64,
    /// One agent turn at most.
    pub sse_timeout_ms: u64,
    /// A turn with nothing but heartbeats for this long has timed out.
    pub idle_timeout_ms: u64,
    /// Wait before the single retry after HTTP 429.
    pub retry_after_ms: u64,
    /// Timeout of one ordinary (non-streaming, non-upload) request.
    pub request_timeout_ms: u64,
    /// Give up on an export that has not finished after this long (its link posted included).
    pub export_timeout_ms: u64,
    /// How many times a finished video's link is posted before the export is given up (a
    /// permanent refusal, such as Discord's 403, ends it at the first).
    pub delivery_attempts: u32,
}

impl Default for NemoConfig {
    fn default() -> Self {
        NemoConfig {
            api_base: "https://mega-api-prod.nemovideo.ai".into(),
            token: None,
            platform: "unknown".into(),
            poll_interval_ms: 30_000,
            still_working_ms: 120_000,
            sse_timeout_ms: 900_000,
            idle_timeout_ms: 600_000,
            retry_after_ms: 30_000,
            request_timeout_ms: 60_000,
            export_timeout_ms: 3_600_000,
            delivery_attempts: 5,
        }
    }
}

impl NemoConfig {
    /// `poll_interval_ms` as a duration.
    pub fn poll_interval(&self) -> Duration {
        Duration::from_millis(self.poll_interval_ms)
    }
}

/// Which database keeps the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreBackend {
    /// The embedded sled database: no setup, one process.
    #[default]
    Sled,
    /// A PostgreSQL database at `store.url`, which several processes can share.
    Postgres,
}

/// Where the store lives.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StoreConfig {
    /// Which database.
    pub backend: StoreBackend,
    /// Directory of the sled database (backend `sled`).
    pub path: PathBuf,
    /// `postgres://user:password@host:port/database` (backend `postgres`); env `DATABASE_URL`
    /// wins. A secret: its password must never be printed.
    pub url: Option<Secret>,
    /// How long a lease on a project or an export job lasts without renewal (renewed at a
    /// third of this): how soon another process takes over from one that died.
    pub lease_ms: u64,
    /// How long a server the bot was removed from keeps its settings and projects, in case it
    /// comes back, before they are deleted.
    pub forget_servers_after_secs: u64,
    /// How many days a member's finished videos are listed by `/videos` before their records
    /// are deleted.
    pub video_history_days: u64,
}

impl Default for StoreConfig {
    fn default() -> Self {
        StoreConfig {
            backend: StoreBackend::Sled,
            path: PathBuf::from("data/music-video-bot.sled"),
            url: None,
            lease_ms: 30_000,
            forget_servers_after_secs: 7 * 24 * 3600,
            video_history_days: 30,
        }
    }
}

impl StoreConfig {
    /// How long a lease lasts.
    pub fn lease(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.lease_ms)
    }

    /// How long a server the bot left is kept before it is forgotten.
    pub fn forget_servers_after(&self) -> Duration {
        Duration::from_secs(self.forget_servers_after_secs)
    }
}

/// Whether a Discord channel or a Discord user owns a Nemo session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SessionScope {
    /// Everyone in a channel works on one timeline.
    #[default]
    Channel,
    /// Each user has their own timeline.
    User,
}

/// Discord's own REST base.
pub const DISCORD: &str = "https://discord.com";
/// Discord's global rate limit: requests per second per bot, across every route (its "Rate
/// Limits" page; interaction endpoints are not bound by it).
pub const GLOBAL_LIMIT: u32 = 50;

/// The most minutes of a song the analysis may hear: each minute decoded holds about 2.6 MB
/// while it is analysed.
pub const MAX_ANALYSIS_MINUTES: u32 = 30;

/// The Discord front.
#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DiscordConfig {
    /// The bot token; env `DISCORD_TOKEN` wins.
    pub token: Option<Secret>,
    /// Who owns a session.
    pub session_scope: SessionScope,
    /// At most one edit of a streamed message per this many milliseconds (fewer when many
    /// conversations stream at once, to stay within `requests_per_second`).
    pub edit_interval_ms: u64,
    /// REST calls per second the whole bot makes, interaction responses aside: kept under
    /// Discord's global limit of 50; each process takes its shards' share.
    pub requests_per_second: u32,
    /// Channels where files and words dropped without a mention are read (DMs always are).
    pub channels: Vec<u64>,
    /// Whether to ask for the privileged Message Content intent (see
    /// [`DiscordConfig::reads_messages`]); unset: when `channels` is not empty.
    pub message_content: Option<bool>,
    /// Discord's REST base, or a REST proxy in front of it.
    pub api_base: String,
    /// Reach discord.com's REST API at this address (`127.0.0.1:8443`) instead of the one DNS
    /// gives, still over TLS and with the bot's own rate limiter (an egress gateway; the
    /// tests' fake Discord).
    pub rest_address: Option<String>,
    /// A PEM certificate authority trusted for the REST API besides the usual ones.
    pub rest_ca_file: Option<PathBuf>,
    /// Attach the MP4 itself when it fits the upload limit, besides the link.
    pub attach_video: bool,
    /// Send attachments' CDN URLs to NemoVideo instead of streaming the files through the bot.
    pub forward_urls: bool,
    /// How long a slash command's interaction token is used (Discord's last 15 minutes).
    pub interaction_ttl_ms: u64,
    /// How the shard count is chosen when `shard_range`/`shard_count` are not given.
    pub shards: ShardMode,
    /// The shards this process runs (`"0-3"`), of `shard_count`; env `DISCORD_SHARD_RANGE` wins.
    pub shard_range: Option<String>,
    /// How many shards the bot has across all its processes; env `DISCORD_SHARD_COUNT` wins.
    pub shard_count: Option<u32>,
}

impl DiscordConfig {
    /// The shards this process runs.
    pub fn sharding(&self) -> Result<Sharding, ConfigError> {
        sharding(self.shard_range.as_deref(), self.shard_count)
    }

    /// Whether the bot asks for the Message Content intent (needed to read messages that do
    /// not mention it): `message_content` when set, else whether `channels` names any.
    pub fn reads_messages(&self) -> bool {
        self.message_content.unwrap_or(!self.channels.is_empty())
    }
}

impl Default for DiscordConfig {
    fn default() -> Self {
        DiscordConfig {
            token: None,
            session_scope: SessionScope::Channel,
            edit_interval_ms: 1_500,
            requests_per_second: 45,
            channels: Vec::new(),
            message_content: None,
            api_base: DISCORD.into(),
            rest_address: None,
            rest_ca_file: None,
            attach_video: false,
            forward_urls: false,
            interaction_ttl_ms: 14 * 60 * 1000,
            shards: ShardMode::Auto,
            shard_range: None,
            shard_count: None,
        }
    }
}

/// A configuration problem, naming the file or key at fault.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has a wrong key or value.
    #[error("config file {path}: {message}")]
    Parse {
        /// The file.
        path: PathBuf,
        /// The parser's words, which name the key.
        message: String,
    },
    /// A value is out of range.
    #[error("config key `{key}`: {message}")]
    Invalid {
        /// The key, e.g. `nemo.api_base`.
        key: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// An environment variable's value cannot be used.
    #[error("environment variable {name}: {message}")]
    Env {
        /// The variable, e.g. `DISCORD_SHARD_COUNT`.
        name: &'static str,
        /// What is wrong with it.
        message: String,
    },
}

impl Config {
    /// Loads defaults, then `path` (or `./config.toml` when present), then the process environment.
    pub fn load(path: Option<&Path>) -> Result<Config, ConfigError> {
        let fallback = Path::new("config.toml");
        let file = path.or_else(|| fallback.exists().then_some(fallback));
        let mut config = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p).map_err(|source| ConfigError::Read {
                    path: p.to_path_buf(),
                    source,
                })?;
                Config::from_toml(&text).map_err(|message| ConfigError::Parse {
                    path: p.to_path_buf(),
                    message,
                })?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        config.validate()?;
        Ok(config)
    }

    /// Parses TOML text over the defaults; the error text names the key.
    pub fn from_toml(text: &str) -> Result<Config, String> {
        toml::from_str(text).map_err(|e| e.to_string().trim().to_string())
    }

    /// Checks values the types cannot.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let base = self.nemo.api_base.trim_end_matches('/');
        let host = base
            .strip_prefix("https://")
            .or_else(|| base.strip_prefix("http://"));
        if host.is_none_or(|h| h.is_empty() || h.contains(char::is_whitespace)) {
            return Err(invalid(
                "nemo.api_base",
                "must be an http:// or https:// URL",
            ));
        }
        let p = &self.nemo.platform;
        if p.is_empty() || !p.chars().all(|c| c.is_ascii_graphic()) {
            return Err(invalid(
                "nemo.platform",
                "must be a short ASCII word such as `github`",
            ));
        }
        let intervals = [
            ("nemo.poll_interval_ms", self.nemo.poll_interval_ms),
            ("nemo.still_working_ms", self.nemo.still_working_ms),
            ("nemo.sse_timeout_ms", self.nemo.sse_timeout_ms),
            ("nemo.idle_timeout_ms", self.nemo.idle_timeout_ms),
            ("nemo.request_timeout_ms", self.nemo.request_timeout_ms),
            ("nemo.export_timeout_ms", self.nemo.export_timeout_ms),
            ("store.lease_ms", self.store.lease_ms),
            (
                "store.forget_servers_after_secs",
                self.store.forget_servers_after_secs,
            ),
            ("store.video_history_days", self.store.video_history_days),
        ];
        for (key, value) in intervals {
            if value == 0 {
                return Err(invalid(key, "must be greater than 0"));
            }
        }
        if self.analysis.max_minutes > MAX_ANALYSIS_MINUTES {
            return Err(invalid(
                "analysis.max_minutes",
                &format!("must be at most {MAX_ANALYSIS_MINUTES} (0 turns the analysis off)"),
            ));
        }
        if self.nemo.delivery_attempts == 0 {
            return Err(invalid("nemo.delivery_attempts", "must be greater than 0"));
        }
        let discord = &self.discord.api_base;
        if !(discord.starts_with("https://") || discord.starts_with("http://")) {
            return Err(invalid(
                "discord.api_base",
                "must be an http:// or https:// URL",
            ));
        }
        if let Some(address) = &self.discord.rest_address {
            if address.parse::<std::net::SocketAddr>().is_err() {
                return Err(invalid(
                    "discord.rest_address",
                    "must be an address and port such as 127.0.0.1:8443",
                ));
            }
            if discord.trim_end_matches('/') != DISCORD {
                return Err(invalid(
                    "discord.rest_address",
                    "reaches discord.com itself: leave it out when api_base names a REST proxy",
                ));
            }
        }
        if self.discord.edit_interval_ms == 0 {
            return Err(invalid(
                "discord.edit_interval_ms",
                "must be greater than 0",
            ));
        }
        if !(1..=GLOBAL_LIMIT).contains(&self.discord.requests_per_second) {
            return Err(invalid(
                "discord.requests_per_second",
                "must be between 1 and 50 (Discord's global limit per bot)",
            ));
        }
        let listen = self.admin.listen.trim();
        if !listen.is_empty() && listen.parse::<std::net::SocketAddr>().is_err() {
            return Err(invalid(
                "admin.listen",
                "must be an address and port such as 127.0.0.1:9464, or empty",
            ));
        }
        if self.store.path.as_os_str().is_empty() {
            return Err(invalid("store.path", "must not be empty"));
        }
        self.discord.sharding()?;
        self.validate_store_url()
    }

    /// With backend `postgres`, a `postgres://` URL is required (named without its value,
    /// which holds a password).
    fn validate_store_url(&self) -> Result<(), ConfigError> {
        let url = self.store.url.as_ref().map(|u| u.expose().trim());
        match (self.store.backend, url) {
            (StoreBackend::Postgres, None) => Err(invalid(
                "store.url",
                "must be set (or env DATABASE_URL) when store.backend = \"postgres\"",
            )),
            (_, Some(u)) if !(u.starts_with("postgres://") || u.starts_with("postgresql://")) => {
                Err(invalid(
                    "store.url",
                    "must be a postgres:// or postgresql:// URL",
                ))
            }
            _ => Ok(()),
        }
    }
}

fn invalid(key: &'static str, message: &str) -> ConfigError {
    ConfigError::Invalid {
        key,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests;
