//! A bot running the Discord front against both fakes, for the Discord tests.

use super::fake_discord::FakeDiscord;
use super::fake_nemo::FakeNemo;
use super::harness::nemo_config;
use super::wait::wait_until;
use music_video_bot::admin::Health;
use music_video_bot::config::{Config, DiscordConfig, StoreConfig};
use music_video_bot::discord::budget::Budget;
use music_video_bot::discord::front::ChannelFront;
use music_video_bot::engine::Engine;
use music_video_bot::secret::Secret;
use music_video_bot::store::Store;
use poise::serenity_prelude as serenity;
use std::sync::Arc;
use std::time::Duration;

/// The channel most tests talk in.
pub const CHANNEL: u64 = 800_000_000_000_000_001;
/// The member most tests are.
pub const USER: u64 = 700_000_000_000_000_001;

/// A running bot wired to both fakes.
pub struct Running {
    pub nemo: FakeNemo,
    pub discord: FakeDiscord,
    pub task: tokio::task::JoinHandle<()>,
    pub engine: Engine,
    pub config: Config,
    pub store: Store,
    pub starts: usize,
    /// Readiness as the front reports it.
    pub health: Arc<Health>,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A bot with the default test config.
pub async fn start() -> Running {
    start_with(|_| {}).await
}

/// A bot whose config `adjust` changes first, connected and with its commands registered.
pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Running {
    let bot = boot(FakeDiscord::start().await, adjust).await;
    bot.discord.wait_ready(1).await;
    bot
}

/// A bot started against `discord` (prepared by the test), not waited for.
pub async fn boot(discord: FakeDiscord, adjust: impl FnOnce(&mut Config)) -> Running {
    boot_on(discord, None, adjust).await
}

/// [`boot`] over `store` (a sled store in a temporary directory when `None`).
pub async fn boot_on(
    discord: FakeDiscord,
    store: Option<Store>,
    adjust: impl FnOnce(&mut Config),
) -> Running {
    let nemo = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        nemo: nemo_config(&nemo),
        store: StoreConfig {
            path: dir.path().join("db"),
            // A restarted bot takes over the exports of the one that "died" this soon.
            lease_ms: 1_000,
            ..StoreConfig::default()
        },
        discord: DiscordConfig {
            token: Some(Secret::new("fake-bot-token")),
            // discord.com itself, at the fake's address: serenity's rate limiter runs as in
            // production.
            rest_address: Some(discord.rest_address()),
            rest_ca_file: Some(super::fake_discord::tls::ca_file()),
            edit_interval_ms: 200,
            ..DiscordConfig::default()
        },
        ..Config::default()
    };
    let mut config = config;
    adjust(&mut config);
    let store = store.unwrap_or_else(|| {
        Store::open_sled(&config.store.path)
            .unwrap()
            .with_lease(config.store.lease())
    });
    let health = Arc::new(Health::default());
    let (engine, task) = launch(&config, &store, &health);
    Running {
        nemo,
        discord,
        task,
        engine,
        config,
        store,
        starts: 1,
        health,
        _dir: dir,
    }
}

/// Starts the Discord front on an engine over `store`.
pub fn launch(
    config: &Config,
    store: &Store,
    health: &Arc<Health>,
) -> (Engine, tokio::task::JoinHandle<()>) {
    let engine = Engine::with_limits(&config.nemo, config.limits.clone(), store.clone()).unwrap();
    // As `main` does.
    engine.set_forget_servers_after(config.store.forget_servers_after());
    engine.set_video_history_days(config.store.video_history_days);
    let (config, bot_engine, health) = (config.clone(), engine.clone(), health.clone());
    let task = tokio::spawn(async move {
        if let Err(e) = music_video_bot::discord::run(config, bot_engine, health).await {
            eprintln!("bot stopped: {e}");
        }
    });
    (engine, task)
}

impl Running {
    /// Waits (up to 30 s) until the store holds no export job: each was delivered and
    /// forgotten, so nothing is left that could be posted again.
    pub async fn wait_jobs_forgotten(&self) {
        let none_left = || async { self.store.jobs().await.unwrap().is_empty() };
        wait_until(
            "every export job forgotten",
            Duration::from_secs(30),
            none_left,
        )
        .await;
    }

    /// Runs the project's next request (a mention in [`CHANNEL`] whose turn says "next
    /// done") and waits for its answer: requests of a project run one at a time, so by then
    /// everything the ones before it started is over.
    pub async fn run_next_request(&self) {
        self.nemo
            .push_turn(vec![super::fake_nemo::Step::Text("next done".into())]);
        let next = format!("<@{}> next", super::fake_discord::APP_ID);
        let guild = Some(super::fake_discord::GUILD_ID);
        let none = serde_json::json!([]);
        self.discord.message_in(guild, &next, none, CHANNEL, USER);
        let answered = |m: &super::fake_discord::Msg| m.content.contains("next done");
        self.discord
            .wait_for(CHANNEL, "the next answer", answered)
            .await;
    }

    /// Stops the bot as a crash would (background work dropped, store kept, leases held
    /// until they run out) and starts anew, as a new process.
    pub async fn restart(&mut self) {
        self.engine.halt().await;
        self.task.abort();
        self.store = self.store.other_process();
        let (engine, task) = launch(&self.config, &self.store, &self.health);
        (self.engine, self.task) = (engine, task);
        self.starts += 1;
        self.discord.wait_ready(self.starts).await;
    }
}

/// A small MP3 hosted on the fake CDN, as the attachment object of a message named `name`.
pub fn hosted_mp3(discord: &FakeDiscord, name: &str) -> serde_json::Value {
    let bytes = super::harness::mp3_bytes();
    let url = discord.host_file(name, bytes.clone());
    discord.attachment(name, bytes.len() as u64, &url)
}

/// Waits for the first REST call matching `pred`.
pub async fn wait_call(
    bot: &Running,
    what: &str,
    pred: impl Fn(&super::fake_discord::Call) -> bool,
) -> super::fake_discord::Call {
    for _ in 0..400 {
        if let Some(c) = bot.discord.calls().into_iter().find(|c| pred(c)) {
            return c;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no call {what}");
}

/// The interaction responses (callbacks) the bot made so far, as JSON bodies.
pub fn callbacks(bot: &Running) -> Vec<serde_json::Value> {
    bot.discord
        .calls()
        .into_iter()
        .filter(|c| c.path.ends_with("/callback"))
        .map(|c| c.body)
        .collect()
}

/// The bot's REST client, pointed at the fake as the bot points it.
pub fn rest_client(discord: &FakeDiscord) -> Arc<serenity::Http> {
    let http = serenity::HttpBuilder::new("fake-bot-token")
        .proxy(discord.base_url())
        .ratelimiter_disabled(true)
        .application_id(serenity::ApplicationId::new(super::fake_discord::APP_ID))
        .build();
    Arc::new(http)
}

/// The Discord front of [`USER`] in `channel`, on [`rest_client`], with the bot's default
/// budget of Discord's global limit.
pub fn channel_front(discord: &FakeDiscord, channel: u64, edit_interval: Duration) -> ChannelFront {
    let per_second = music_video_bot::config::DiscordConfig::default().requests_per_second;
    ChannelFront::new(
        rest_client(discord),
        Arc::new(Budget::new(per_second)),
        serenity::ChannelId::new(channel),
        serenity::UserId::new(USER),
        format!("user:{USER}"),
        edit_interval,
    )
}

/// Makes a first video in `CHANNEL` and returns the answer carrying the buttons.
pub async fn answer_with_buttons(bot: &Running) -> super::fake_discord::Msg {
    bot.discord.slash(
        "musicvideo",
        serde_json::json!({"options": [{"name": "prompt", "type": 3, "value": "make it"}]}),
        CHANNEL,
        USER,
    );
    bot.discord
        .wait_for(CHANNEL, "with buttons", |m| {
            m.components != serde_json::json!([])
        })
        .await
}
