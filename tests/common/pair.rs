//! Two real bot processes (shards 0 and 1 of 2) over one PostgreSQL scratch schema, one fake
//! Discord and one fake NemoVideo: the set-up of the tests of several processes.

use super::bot_process::{launch_process, BotProcess};
use super::fake_discord::{Call, FakeDiscord, Msg};
use super::fake_nemo::FakeNemo;
use super::pg_proxy::PgProxy;
use super::wait::wait_until;
use music_video_bot::secret::Secret;
use music_video_bot::store::ScratchSchema;
use serde_json::json;
use sqlx::{Connection, PgConnection};
use std::time::Duration;

/// The member.
pub const USER: u64 = 700_000_000_000_000_001;
/// The member's DM channel with the bot (DMs arrive on shard 0).
pub const DM: u64 = 800_000_000_000_000_009;
/// A channel of a guild on shard 1.
pub const GUILD_CHANNEL: u64 = 800_000_000_000_000_001;
/// Leases short enough for a test to wait out.
pub const SETTINGS: &str = "[store]\nlease_ms = 2000\n[discord]\nsession_scope = \"user\"";

/// Process A runs shard 0 (DMs), process B shard 1, over one scratch schema.
pub struct Pair {
    /// The fake Discord both run against.
    pub discord: FakeDiscord,
    /// The fake NemoVideo both call.
    pub nemo: FakeNemo,
    /// Shard 0's process (DMs).
    pub a: BotProcess,
    /// Shard 1's process.
    pub b: BotProcess,
    /// The way A reaches the database, when the test cuts it off at will.
    pub a_db: Option<PgProxy>,
    scratch: ScratchSchema,
}

impl Pair {
    /// Both processes connected and ready; `None` (the test skipped) without a database.
    pub async fn start(test: &str) -> Option<Pair> {
        Pair::start_with(test, false).await
    }

    /// Like [`Pair::start`]; with `proxied_a`, A reaches the database through a proxy the
    /// test can cut (`a_db`).
    pub async fn start_with(test: &str, proxied_a: bool) -> Option<Pair> {
        let scratch = ScratchSchema::from_env(test).await.unwrap()?;
        let (discord, nemo) = (FakeDiscord::start().await, FakeNemo::start().await);
        let a_db = match proxied_a {
            true => Some(PgProxy::start(&scratch.url).await),
            false => None,
        };
        let a_url = a_db.as_ref().map_or(scratch.url.clone(), PgProxy::url);
        let a = launch_process(&discord, &nemo, &a_url, "0-0", 2, SETTINGS);
        let b = launch_process(&discord, &nemo, &scratch.url, "1-1", 2, SETTINGS);
        a.wait_ready().await;
        b.wait_ready().await;
        Some(Pair {
            discord,
            nemo,
            a,
            b,
            a_db,
            scratch,
        })
    }

    /// The scratch schema's URL (for the test's own connections).
    pub fn db_url(&self) -> &Secret {
        &self.scratch.url
    }

    /// The member says `words` in their DM, and the agent's answer (ending in `answer`) shows.
    pub async fn dm(&self, words: &str, answer: &str) {
        self.discord.message_in(None, words, json!([]), DM, USER);
        let shown = |m: &Msg| m.content.contains(answer);
        self.discord.wait_for(DM, answer, shown).await;
    }

    /// An export started on A from the DM, its render held pending by NemoVideo.
    pub async fn export_on_a(&self) {
        self.dm("make a music video", "when you're happy with it")
            .await;
        self.nemo.hold_renders(true);
        self.discord.message_in(None, "export", json!([]), DM, USER);
        let started = |m: &Msg| m.shown().contains("Rendering your music video");
        self.discord
            .wait_for(DM, "the export started", started)
            .await;
        assert_eq!(self.nemo.render_requests().len(), 1);
    }

    /// Waits for B to claim the export A held, lets the render finish, and waits for its link.
    pub async fn b_takes_over(&self) {
        self.b
            .wait_stderr("B's claim", |e| e.contains("polling a claimed export"))
            .await;
        self.nemo.hold_renders(false);
        let link = |m: &Msg| m.content.contains(".mp4");
        self.discord.wait_for(DM, "the video's link", link).await;
    }

    /// Waits (up to 30 s) until the store holds no export job: each was delivered and
    /// forgotten, so no process has anything left to post.
    pub async fn wait_jobs_forgotten(&self) {
        let db = PgConnection::connect(self.scratch.url.expose()).await;
        let db = tokio::sync::Mutex::new(db.expect("the test's own connection"));
        let none_left = || async {
            let mut db = db.lock().await;
            let jobs: i64 = sqlx::query_scalar("SELECT count(*) FROM jobs")
                .fetch_one(&mut *db)
                .await
                .unwrap();
            jobs == 0
        };
        wait_until(
            "every export job forgotten",
            Duration::from_secs(30),
            none_left,
        )
        .await;
    }

    /// The link posts that reached Discord (one message each, whatever its later edits).
    pub fn link_posts(&self) -> Vec<Call> {
        let posts = self
            .discord
            .calls()
            .into_iter()
            .filter(|c| c.method == "POST");
        posts
            .filter(|c| {
                c.body["content"]
                    .as_str()
                    .is_some_and(|t| t.contains(".mp4"))
            })
            .collect()
    }

    /// Stops what still runs (SIGTERM: exit 0), checks that neither process printed the
    /// database's password in the whole run (its log at debug level), and drops the schema.
    pub async fn finish(self, stop_a: bool) {
        let Pair {
            mut a,
            mut b,
            scratch,
            ..
        } = self;
        if stop_a {
            stop(&mut a).await;
        }
        stop(&mut b).await;
        let password = music_video_bot::secret::url_password(scratch.url.expose()).unwrap();
        assert!(!password.is_empty());
        for bot in [&a, &b] {
            let printed = format!("{}{}", bot.stdout(), bot.stderr());
            assert!(!printed.contains(&password), "the database password leaked");
            assert!(printed.contains("DEBUG"), "the whole log was read");
        }
        scratch.finish().await.unwrap();
    }
}

/// Stops `bot` with SIGTERM and checks it exits 0.
pub async fn stop(bot: &mut BotProcess) {
    bot.signal(libc::SIGTERM);
    let code = bot.exit(Duration::from_secs(30)).await;
    assert_eq!(code, 0, "{}", bot.stderr());
}
