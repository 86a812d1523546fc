//! Builds engines wired to the fake Nemo server with timings shortened to milliseconds.

use super::fake_nemo::FakeNemo;
use super::recorder::Recorder;
use music_video_bot::config::{AnalysisConfig, LimitsConfig, NemoConfig};
use music_video_bot::engine::{Actor, Engine, Request};
use music_video_bot::store::{ScratchSchema, Store};
use std::path::{Path, PathBuf};

/// The `[nemo]` config for a test: the fake's URL and short intervals.
pub fn nemo_config(fake: &FakeNemo) -> NemoConfig {
    NemoConfig {
        api_base: fake.base_url(),
        token: None,
        platform: "github".into(),
        poll_interval_ms: 30,
        still_working_ms: 150,
        sse_timeout_ms: 5_000,
        idle_timeout_ms: 3_000,
        retry_after_ms: 50,
        request_timeout_ms: 5_000,
        export_timeout_ms: 20_000,
        delivery_attempts: 5,
    }
}

/// The binary, pointed at `fake`, with a config in `dir` (short intervals, the store in
/// `dir/db`, then `extra_toml`'s lines) and piped standard streams. `RUST_LOG=debug`, so that
/// tests can check that the log leaks nothing.
pub fn bot_command(dir: &Path, fake: &FakeNemo, extra_toml: &str) -> tokio::process::Command {
    bot_command_with_store(dir, fake, extra_toml, "")
}

/// [`bot_command`], with `store_toml`'s lines added to the `[store]` section.
pub fn bot_command_with_store(
    dir: &Path,
    fake: &FakeNemo,
    extra_toml: &str,
    store_toml: &str,
) -> tokio::process::Command {
    let toml = format!(
        "[nemo]\npoll_interval_ms = 30\nstill_working_ms = 150\nretry_after_ms = 50\n{extra_toml}\n[store]\npath = \"{}\"\n{store_toml}\n",
        dir.join("db").display()
    );
    bot_command_with_config(dir, fake, &toml)
}

/// The binary, pointed at `fake`, with `toml` as its whole config file (written in `dir`).
pub fn bot_command_with_config(dir: &Path, fake: &FakeNemo, toml: &str) -> tokio::process::Command {
    let config = dir.join("test.toml");
    std::fs::write(&config, toml).expect("write the config");
    let mut cmd = tokio::process::Command::new(env!("CARGO_BIN_EXE_music-video-bot"));
    cmd.arg("--config").arg(&config).current_dir(dir);
    cmd.env("NEMO_API_BASE", fake.base_url())
        .env("RUST_LOG", "debug")
        .env_remove("NEMO_TOKEN")
        .env_remove("DISCORD_TOKEN")
        .env_remove("DATABASE_URL");
    // The deployment's own variables would override the test's config.
    for name in [
        "DISCORD_API_BASE",
        "STORE_BACKEND",
        "DISCORD_SHARD_RANGE",
        "DISCORD_SHARD_COUNT",
    ] {
        cmd.env_remove(name);
    }
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    cmd
}

/// A temporary directory holding a store, kept alive by the test.
pub struct Bot {
    /// The engine.
    pub engine: Engine,
    /// Where the store lives (reopen it to simulate a restart).
    pub store_path: PathBuf,
    /// Keeps the directory.
    pub dir: tempfile::TempDir,
}

impl Bot {
    /// A fresh engine and store against `fake`.
    pub fn start(fake: &FakeNemo) -> Bot {
        Bot::with_config(nemo_config(fake))
    }

    /// A fresh engine and store with this config.
    pub fn with_config(cfg: NemoConfig) -> Bot {
        let dir = tempfile::tempdir().expect("tempdir");
        let store_path = dir.path().join("db");
        let engine = engine_at(&cfg, &store_path);
        Bot {
            engine,
            store_path,
            dir,
        }
    }

    /// A fresh engine and store against `fake`, with these quotas.
    pub fn with_limits(fake: &FakeNemo, limits: LimitsConfig) -> Bot {
        Bot::configured(fake, limits, AnalysisConfig::default())
    }

    /// A fresh engine and store against `fake`, with these quotas and this song analysis.
    pub fn configured(fake: &FakeNemo, limits: LimitsConfig, analysis: AnalysisConfig) -> Bot {
        let dir = tempfile::tempdir().expect("tempdir");
        let store_path = dir.path().join("db");
        let store = Store::open_sled(&store_path).expect("store");
        let cfg = nemo_config(fake);
        let engine = Engine::configured(&cfg, limits, analysis, store).expect("engine");
        Bot {
            engine,
            store_path,
            dir,
        }
    }

    /// Simulates a restart: drops the engine and opens a new one on the same store.
    pub fn restart(self, cfg: &NemoConfig) -> Bot {
        let Bot {
            engine,
            store_path,
            dir,
        } = self;
        drop(engine);
        let engine = engine_at(cfg, &store_path);
        Bot {
            engine,
            store_path,
            dir,
        }
    }
}

/// An engine over the store at `path`.
pub fn engine_at(cfg: &NemoConfig, path: &Path) -> Engine {
    Engine::new(cfg, open_store(path)).expect("engine")
}

/// Opens the store at `path`; sled holds a file lock until every handle is gone, so this
/// retries briefly after a restart.
pub fn open_store(path: &Path) -> Store {
    for _ in 0..100 {
        if let Ok(store) = Store::open_sled(path) {
            return store;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    panic!("store did not reopen");
}

/// A store in a scratch PostgreSQL schema of its own, named after `test` (finish the schema
/// when done); `None` without `MVB_TEST_DATABASE_URL`, where the test is skipped.
pub async fn scratch_store(test: &str) -> Option<(ScratchSchema, Store)> {
    let scratch = ScratchSchema::from_env(test).await.unwrap()?;
    let store = Store::open_postgres(&scratch.url).await.unwrap();
    Some((scratch, store))
}

/// A user in a channel.
pub fn actor(user: &str, channel: &str) -> Actor {
    Actor {
        user: user.into(),
        scope: format!("channel:{channel}"),
        lang: "en".into(),
        group: Some("guild:test".into()),
    }
}

/// Writes a small, real-looking MP3 (ID3 header + frames) and returns its path.
pub fn mp3(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, mp3_bytes()).expect("write mp3");
    path
}

/// The bytes of [`mp3`]: an ID3 header and 2,000 MPEG frame headers.
pub fn mp3_bytes() -> Vec<u8> {
    let mut bytes = b"ID3\x04\x00\x00\x00\x00\x00\x00".to_vec();
    for i in 0..2000u32 {
        bytes.extend_from_slice(&[0xFF, 0xFB, 0x90, 0x64]);
        bytes.extend_from_slice(&i.to_le_bytes());
    }
    bytes
}

/// Plain words from a user.
pub fn say(words: &str) -> Request {
    Request::Say(words.into())
}

/// A bot whose channel `c` already has an exportable draft, made by `user`'s first turn.
pub async fn ready(fake: &FakeNemo, user: &str) -> (Bot, Actor) {
    ready_with(nemo_config(fake), user).await
}

/// [`ready`], with this config.
pub async fn ready_with(cfg: NemoConfig, user: &str) -> (Bot, Actor) {
    let bot = Bot::with_config(cfg);
    let me = actor(user, "c");
    bot.engine
        .handle(&me, say("make a video"), Recorder::new())
        .await;
    (bot, me)
}
