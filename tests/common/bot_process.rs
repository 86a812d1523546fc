//! Real bot processes (the binary's `discord` front) on a shared store, each running some of
//! the shards of one fake Discord, for the tests of several processes: their pids (to signal,
//! kill or pause them), their output as it comes, and their `/readyz`.

use super::fake_discord::FakeDiscord;
use super::fake_nemo::FakeNemo;
use super::harness::bot_command_with_config;
use music_video_bot::secret::Secret;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::process::Child;
use tokio::task::JoinHandle;

/// The token every test process presents (the fake Discord takes any).
pub const BOT_TOKEN: &str = "fake-bot-token";

/// One running bot process; killed when dropped.
pub struct BotProcess {
    child: Child,
    out: Captured,
    err: Captured,
    _dir: tempfile::TempDir,
}

/// Starts `music-video-bot discord` against `discord` and `nemo`, on the PostgreSQL store at
/// `store_url` (given as env `DATABASE_URL`), running shards `shard_range` of `shard_count`, its
/// admin endpoint on a free loopback port, timings shortened as in the other binary tests.
/// `extra_toml` is merged over that config key by key (e.g. `"[store]\nlease_ms = 3000"`).
pub fn launch_process(
    discord: &FakeDiscord,
    nemo: &FakeNemo,
    store_url: &Secret,
    shard_range: &str,
    shard_count: u32,
    extra_toml: &str,
) -> BotProcess {
    let dir = tempfile::tempdir().expect("tempdir");
    let base = format!(
        "[nemo]\npoll_interval_ms = 30\nstill_working_ms = 150\nretry_after_ms = 50\n\
         [store]\nbackend = \"postgres\"\npath = {:?}\n\
         [discord]\napi_base = {:?}\nedit_interval_ms = 200\nshard_range = {shard_range:?}\nshard_count = {shard_count}\n\
         [admin]\nlisten = \"127.0.0.1:0\"\n",
        dir.path().join("db").display().to_string(),
        discord.base_url(),
    );
    let toml = merge_toml(&base, extra_toml);
    let mut cmd = bot_command_with_config(dir.path(), nemo, &toml);
    cmd.arg("discord")
        .env("DISCORD_TOKEN", BOT_TOKEN)
        .env("DATABASE_URL", store_url.expose())
        .stdin(std::process::Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd.spawn().expect("spawn the binary");
    let out = collect(child.stdout.take().expect("piped stdout"));
    let err = collect(child.stderr.take().expect("piped stderr"));
    BotProcess {
        child,
        out,
        err,
        _dir: dir,
    }
}

/// `extra`'s keys over `base`'s, tables merged key by key.
fn merge_toml(base: &str, extra: &str) -> String {
    fn merge(into: &mut toml::Table, from: toml::Table) {
        for (key, value) in from {
            match (into.get_mut(&key), value) {
                (Some(toml::Value::Table(a)), toml::Value::Table(b)) => merge(a, b),
                (_, value) => {
                    into.insert(key, value);
                }
            }
        }
    }
    let mut table: toml::Table = base.parse().expect("the base config is TOML");
    merge(&mut table, extra.parse().expect("extra_toml is TOML"));
    table.to_string()
}

/// A child's output stream, read to its end in the background and kept as it comes.
pub struct Captured {
    text: Arc<Mutex<String>>,
    reader: Option<JoinHandle<()>>,
}

impl Captured {
    /// What has been read so far.
    pub fn text(&self) -> String {
        self.text.lock().unwrap().clone()
    }

    /// Waits (up to 10 s) until the stream is closed and read to its end: after the process
    /// exited, its last bytes may still be in the pipe, so a check must not read before this.
    pub async fn closed(&mut self) {
        if let Some(reader) = self.reader.take() {
            let _ = tokio::time::timeout(Duration::from_secs(10), reader).await;
        }
    }
}

/// Reads `stream` to its end in the background.
pub fn collect(mut stream: impl tokio::io::AsyncRead + Unpin + Send + 'static) -> Captured {
    let text = Arc::new(Mutex::new(String::new()));
    let sink = text.clone();
    let reader = tokio::spawn(async move {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stream.read(&mut buf).await {
            if n == 0 {
                break;
            }
            sink.lock()
                .unwrap()
                .push_str(&String::from_utf8_lossy(&buf[..n]));
        }
    });
    Captured {
        text,
        reader: Some(reader),
    }
}

impl BotProcess {
    /// Its process id (`None` once it has been waited for).
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends `signal` (SIGTERM, SIGKILL, SIGSTOP, SIGCONT…).
    pub fn signal(&self, signal: libc::c_int) {
        let pid = self.pid().expect("still running") as libc::pid_t;
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Standard output so far.
    pub fn stdout(&self) -> String {
        self.out.text()
    }

    /// Standard error (the log, at `RUST_LOG=debug`) so far.
    pub fn stderr(&self) -> String {
        self.err.text()
    }

    /// Waits (up to 30 s) until standard error satisfies `pred`; returns it.
    pub async fn wait_stderr(&self, what: &str, pred: impl Fn(&str) -> bool) -> String {
        for _ in 0..600 {
            let err = self.stderr();
            if pred(&err) {
                return err;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no {what} in the log:\n{}", self.stderr());
    }

    /// The admin endpoint's `host:port`, from the log line announcing it.
    pub async fn admin_addr(&self) -> String {
        const ANNOUNCED: &str = "admin endpoint listening on http://";
        let err = self
            .wait_stderr("admin endpoint", |e| e.contains(ANNOUNCED))
            .await;
        let rest = &err[err.find(ANNOUNCED).unwrap() + ANNOUNCED.len()..];
        let (host, port) = rest.split_once(':').expect("host:port");
        let port: String = port.chars().take_while(char::is_ascii_digit).collect();
        format!("{host}:{port}")
    }

    /// `/readyz`'s status and text.
    pub async fn readyz(&self) -> (u16, String) {
        let url = format!("http://{}/readyz", self.admin_addr().await);
        let resp = reqwest::get(url).await.expect("/readyz answers");
        (
            resp.status().as_u16(),
            resp.text().await.unwrap_or_default(),
        )
    }

    /// Waits (up to 30 s) until `/readyz` answers 200.
    pub async fn wait_ready(&self) {
        let mut last = (0, String::new());
        for _ in 0..300 {
            last = self.readyz().await;
            if last.0 == 200 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("never ready; /readyz: {last:?}\nlog:\n{}", self.stderr());
    }

    /// Waits (up to `within`) for the process to exit and its output to be read to the end; its
    /// exit code (-1: ended by a signal).
    pub async fn exit(&mut self, within: Duration) -> i32 {
        let status = tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| panic!("still running after {within:?}:\n{}", self.stderr()))
            .expect("wait for the process");
        self.out.closed().await;
        self.err.closed().await;
        status.code().unwrap_or(-1)
    }
}
