//! A busy server's burst: many members mention the bot with a song within one second, against
//! the fake Discord holding the bot to Discord's global limit. Shared by the burst test and the
//! benchmark's `burst_*` lines.

use super::discord_bot::{boot, Running};
use super::fake_discord::{FakeDiscord, Msg, APP_ID, GUILD_ID};
use music_video_bot::config::{Config, SessionScope, StoreConfig};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The channel the first half of the members talk in; the rest spread over the next ones.
pub const FIRST_CHANNEL: u64 = 810_000_000_000_000_000;
/// Members are numbered from here.
pub const FIRST_MEMBER: u64 = 710_000_000_000_000_000;

/// The most Discord calls a conversation (a mention with a song, to its link) may take on
/// average: the status message posted once and edited as the request goes on (setting up,
/// uploading, uploaded, working, the render's progress), the answer posted with its buttons,
/// the link. 8 measured; 9 while the upload line was a message of its own and the buttons an
/// edit of their own.
pub const MAX_CALLS_PER_CONVERSATION: f64 = 8.5;

/// What a burst showed.
#[derive(Debug)]
pub struct Burst {
    /// Members who asked.
    pub members: usize,
    /// Links posted, per member (each should have exactly one).
    pub links: BTreeMap<u64, usize>,
    /// The most calls counting toward the global limit in any one second.
    pub peak_per_second: usize,
    /// Global 429s, and 429s of any kind.
    pub global_429s: usize,
    /// 429s of any kind (global and per route).
    pub all_429s: usize,
    /// Calls counting toward the global limit, per member, from the mention to the link.
    pub calls_per_conversation: f64,
    /// From the burst to the last link.
    pub last_link: Duration,
    /// How many messages begin with each 40 characters (what members saw, for a failure's
    /// report).
    pub kinds: BTreeMap<String, usize>,
}

/// A production-like configuration for a busy server: a project per member, turns and exports
/// as long as they take (the default timeouts), the fake NemoVideo's quick polls.
pub fn busy(c: &mut Config) {
    c.discord.session_scope = SessionScope::User;
    c.limits.exports_per_guild = 1_000;
    c.nemo.sse_timeout_ms = 900_000;
    c.nemo.idle_timeout_ms = 600_000;
    c.nemo.export_timeout_ms = 3_600_000;
    c.nemo.still_working_ms = 120_000;
    // Leases as in production: the tests' short ones lapse when a loaded machine stalls a
    // renewal, and a turn that lost its project stops (as it must).
    c.store.lease_ms = StoreConfig::default().lease_ms;
}

/// [`busy`] as the TOML a bot process reads.
pub fn busy_toml() -> String {
    let mut c = Config::default();
    busy(&mut c);
    format!(
        "[discord]\nsession_scope = \"user\"\n[limits]\nexports_per_guild = {}\n\
         [nemo]\nsse_timeout_ms = {}\nidle_timeout_ms = {}\nexport_timeout_ms = {}\n\
         still_working_ms = {}\n[store]\nlease_ms = {}\n",
        c.limits.exports_per_guild,
        c.nemo.sse_timeout_ms,
        c.nemo.idle_timeout_ms,
        c.nemo.export_timeout_ms,
        c.nemo.still_working_ms,
        c.store.lease_ms,
    )
}

/// A bot with the [`busy`] configuration.
pub async fn busy_bot() -> Running {
    let bot = boot(FakeDiscord::start().await, busy).await;
    bot.discord.wait_ready(1).await;
    bot
}

/// `members` members mention the bot with a song at once: half in one channel, the others
/// spread over `channels - 1` more, all in the tests' guild. Waits (up to `deadline`) until
/// each has a link.
pub async fn burst(bot: &Running, members: usize, channels: u64, deadline: Duration) -> Burst {
    burst_in(&bot.discord, members, channels, |_| GUILD_ID, deadline).await
}

/// [`burst`] against `discord`, each channel in the guild `guild(channel)`.
pub async fn burst_in(
    discord: &FakeDiscord,
    members: usize,
    channels: u64,
    guild: impl Fn(u64) -> u64,
    deadline: Duration,
) -> Burst {
    let before = discord.global_calls();
    let song = super::harness::mp3_bytes();
    let start = Instant::now();
    for i in 0..members {
        let member = FIRST_MEMBER + i as u64;
        let channel = if i < members / 2 || channels < 2 {
            FIRST_CHANNEL
        } else {
            FIRST_CHANNEL + 1 + (i as u64 % (channels - 1))
        };
        let name = format!("song-{i}.mp3");
        let url = discord.host_file(&name, song.clone());
        let attachment = discord.attachment(&name, song.len() as u64, &url);
        discord.message_in(
            Some(guild(channel)),
            &format!("<@{APP_ID}> make a music video that matches the beat of this song"),
            serde_json::json!([attachment]),
            channel,
            member,
        );
    }
    let (links, messages) = loop {
        let messages = discord.all_messages();
        let links = links_per_member(&messages);
        if links.len() >= members || start.elapsed() > deadline {
            break (links, messages);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let last_link = start.elapsed();
    let calls = discord.global_calls() - before;
    Burst {
        members,
        links,
        peak_per_second: discord.peak_per_second(),
        global_429s: discord.global_429s(),
        all_429s: discord.answered_429(),
        calls_per_conversation: calls as f64 / members as f64,
        last_link,
        kinds: kinds(&messages),
    }
}

/// How many of `messages` begin with each 40 characters (links aside).
fn kinds(messages: &[Msg]) -> BTreeMap<String, usize> {
    let mut kinds = BTreeMap::new();
    for m in messages.iter().filter(|m| !m.content.contains(".mp4")) {
        let start: String = m.shown().chars().take(40).collect();
        *kinds.entry(start).or_default() += 1;
    }
    kinds
}

/// The video links in `messages`, counted per member they mention.
fn links_per_member(messages: &[Msg]) -> BTreeMap<u64, usize> {
    let mut links = BTreeMap::new();
    for m in messages.iter().filter(|m| m.content.contains(".mp4")) {
        let mentioned = m
            .content
            .split("<@")
            .nth(1)
            .and_then(|rest| rest.split('>').next())
            .and_then(|id| id.parse::<u64>().ok());
        if let Some(member) = mentioned {
            *links.entry(member).or_default() += 1;
        }
    }
    links
}
