//! The Discord front end to end: the real serenity/poise client against a fake Discord (REST and
//! gateway on 127.0.0.1) and the fake Nemo server.

mod common;

use common::fake_discord::FakeDiscord;
use common::fake_nemo::FakeNemo;
use common::harness::nemo_config;
use music_video_bot::config::{Config, DiscordConfig, StoreConfig};
use music_video_bot::engine::Engine;
use music_video_bot::secret::Secret;
use music_video_bot::store::Store;
use serde_json::json;

const CHANNEL: u64 = 800_000_000_000_000_001;
const USER: u64 = 700_000_000_000_000_001;

/// A running bot wired to both fakes.
struct Running {
    nemo: FakeNemo,
    discord: FakeDiscord,
    task: tokio::task::JoinHandle<()>,
    _dir: tempfile::TempDir,
}

impl Drop for Running {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn start() -> Running {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "serenity=debug,poise=debug,music_video_bot=debug",
        ))
        .with_test_writer()
        .try_init();
    let nemo = FakeNemo::start().await;
    let discord = FakeDiscord::start().await;
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        nemo: nemo_config(&nemo),
        store: StoreConfig {
            path: dir.path().join("db"),
        },
        discord: DiscordConfig {
            token: Some(Secret::new("fake-bot-token")),
            api_base: discord.base_url(),
            edit_interval_ms: 200,
            ..DiscordConfig::default()
        },
    };
    let engine = Engine::new(&config.nemo, Store::open(&config.store.path).unwrap()).unwrap();
    let task = tokio::spawn(async move {
        if let Err(e) = music_video_bot::discord::run(config, engine).await {
            eprintln!("bot stopped: {e}");
        }
    });
    discord.wait_ready().await;
    Running {
        nemo,
        discord,
        task,
        _dir: dir,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn credits_answers_in_the_channel() {
    let bot = start().await;
    bot.discord
        .slash("credits", json!({"options": []}), CHANNEL, USER);
    let m = bot
        .discord
        .wait_for(CHANNEL, "with the balance", |m| {
            m.content.contains("Credits:")
        })
        .await;
    assert!(m.content.contains("100 available"), "{}", m.content);
    let callbacks = bot
        .discord
        .calls()
        .into_iter()
        .filter(|c| c.path.ends_with("/callback"))
        .count();
    assert_eq!(callbacks, 1, "the command was acknowledged once");
    assert_eq!(bot.nemo.requests_to("/api/credits").len(), 1);
}
