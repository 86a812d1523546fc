//! `idle_scope_bytes`: what each member who came, had one short turn and left keeps in the bot's
//! memory. The fake NemoVideo server runs in a child process (this same program, re-run), so
//! the resident-set growth measured is the bot's alone.

use crate::common::fake_nemo::FakeNemo;
use async_trait::async_trait;
use futures_util::StreamExt;
use music_video_bot::engine::front::{Front, FrontError, Link, MsgId};
use music_video_bot::engine::{Actor, Engine, Request};
use std::io::{BufRead, BufReader, Read};
use std::sync::Arc;

/// The most bytes one idle member may keep (the hourly turn log is all that should remain).
pub const MAX_IDLE_SCOPE_BYTES: f64 = 512.0;

const CHILD_ENV: &str = "BENCH_FAKE_SERVER_CHILD";
const TOKEN: &str = "nmv_usr_bench_idle";
/// Members at once.
const CONCURRENCY: usize = 64;

/// In the child: serves the fake server until standard input closes, then returns true.
pub fn serve_fake_if_child() -> bool {
    if std::env::var(CHILD_ENV).is_err() {
        return false;
    }
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let fake = runtime.block_on(FakeNemo::start());
    fake.issue_token(TOKEN, "user_bench");
    fake.set_credits(i64::MAX / 2, 0);
    println!("{}", fake.base_url());
    let mut rest = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut rest);
    true
}

/// A front that shows nothing.
struct Quiet;

#[async_trait]
impl Front for Quiet {
    fn max_len(&self) -> usize {
        2000
    }
    fn target(&self) -> String {
        "bench".into()
    }
    async fn send(&self, _text: &str, _done: bool) -> Result<MsgId, FrontError> {
        Ok(MsgId("0".into()))
    }
    async fn edit(&self, _id: &MsgId, _text: &str, _done: bool) -> Result<(), FrontError> {
        Ok(())
    }
    async fn status(&self, _text: &str) -> Result<(), FrontError> {
        Ok(())
    }
    async fn post_link(&self, _link: &Link) -> Result<(), FrontError> {
        Ok(())
    }
}

/// `users` members, spread over `channels` channels, each say one thing once; the RSS growth
/// (after the channels' sessions exist) per member, in bytes. `make_engine` builds the bot
/// against the fake server's URL with [`TOKEN`] as its fixed token.
pub fn idle_scope_bytes(
    users: usize,
    channels: usize,
    make_engine: impl Fn(String, &str) -> Engine,
) -> f64 {
    let mut child = std::process::Command::new(std::env::current_exe().expect("this program"))
        .env(CHILD_ENV, "1")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("the fake server's process");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("the fake server's URL");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let engine = make_engine(line.trim().to_string(), TOKEN);
    let say = |user: usize| {
        let engine = engine.clone();
        async move {
            let actor = Actor {
                user: format!("discord:{}", 100_000_000_000_000_000 + user),
                scope: format!("channel:{}", user % channels),
                lang: "en".into(),
                group: Some("guild:bench".into()),
            };
            engine
                .handle(&actor, Request::Say("hi".into()), Arc::new(Quiet))
                .await;
        }
    };
    let run = |range: std::ops::Range<usize>| {
        runtime.block_on(
            futures_util::stream::iter(range)
                .map(say)
                .buffer_unordered(CONCURRENCY)
                .collect::<Vec<()>>(),
        );
    };
    // The channels' sessions, the connection pool and the runtime's buffers come first.
    run(0..channels);
    let before = crate::rss_mb();
    run(channels..channels + users);
    let after = crate::rss_mb();
    drop(child.stdin.take());
    let _ = child.wait();
    (after - before).max(0.0) * 1024.0 * 1024.0 / users as f64
}
