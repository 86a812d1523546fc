//! Operating the binary: SIGTERM and SIGINT stop it cleanly (turns in progress finish within
//! the grace period, later ones are interrupted and told, exports wait in the store for the
//! next start, a second signal exits at once), the admin endpoint's health and metrics, the
//! `health` subcommand, and JSON logs that tie every line of a turn to its id and scope.

mod common;

use common::bot_process::{collect, Captured};
use common::fake_nemo::{FakeNemo, Step};
use common::harness::{bot_command, mp3};
use common::wait::wait_until;
use music_video_bot::i18n::Lang;
use music_video_bot::tr;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::io::AsyncWriteExt;
use tokio::process::{Child, ChildStdin};

/// The binary running the console, its input kept open, its output collected as it comes.
struct Bot {
    child: Child,
    /// Dropping it ends the console's input.
    stdin: Option<ChildStdin>,
    out: Captured,
    err: Captured,
}

impl Bot {
    /// Starts `console --user ann --channel studio` with `extra_toml` in its config.
    fn start(dir: &std::path::Path, fake: &FakeNemo, extra_toml: &str) -> Bot {
        let mut cmd = bot_command(dir, fake, extra_toml);
        cmd.args(["console", "--user", "ann", "--channel", "studio"]);
        let mut child = cmd.spawn().expect("spawn the binary");
        let stdin = child.stdin.take().unwrap();
        let out = collect(child.stdout.take().unwrap());
        let err = collect(child.stderr.take().unwrap());
        Bot {
            child,
            stdin: Some(stdin),
            out,
            err,
        }
    }

    async fn say(&mut self, line: &str) {
        let line = format!("{line}\n");
        let stdin = self.stdin.as_mut().expect("input still open");
        stdin.write_all(line.as_bytes()).await.unwrap();
    }

    fn stdout(&self) -> String {
        self.out.text()
    }

    fn stderr(&self) -> String {
        self.err.text()
    }

    /// Waits (up to 20 s) until standard output satisfies `pred`.
    async fn wait_stdout(&self, what: &str, pred: impl Fn(&str) -> bool) {
        for _ in 0..400 {
            if pred(&self.stdout()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!(
            "no {what}; stdout: {}\nstderr: {}",
            self.stdout(),
            self.stderr()
        );
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = self.child.id().expect("still running") as libc::pid_t;
        // SAFETY: kill(2) on our own child's pid has no memory effects.
        assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
    }

    /// Waits (up to `within`) for the process to exit and its output to be read; its exit code.
    async fn exit(&mut self, within: Duration) -> i32 {
        let status = tokio::time::timeout(within, self.child.wait())
            .await
            .unwrap_or_else(|_| {
                panic!(
                    "still running after {within:?}; stdout: {}\nstderr: {}",
                    self.stdout(),
                    self.stderr()
                )
            })
            .unwrap();
        self.out.closed().await;
        self.err.closed().await;
        status.code().unwrap_or(-1)
    }
}

/// Waits until the fake has received a POST to `path`.
async fn posted(fake: &FakeNemo, path: &str) {
    for _ in 0..400 {
        if fake.requests_to(path).iter().any(|r| r.method == "POST") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("nothing was posted to {path}");
}

fn grace(ms: u64) -> String {
    format!("[runtime]\nshutdown_grace_ms = {ms}\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_turn_lets_the_turn_finish_then_exits_0() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    fake.push_turn(vec![
        Step::Text("First, a neon skyline.".into()),
        Step::Sleep(Duration::from_millis(1_500)),
        Step::Text("Then the beat drops.".into()),
    ]);
    let mut bot = Bot::start(dir.path(), &fake, &grace(20_000));
    bot.say("make it neon").await;
    posted(&fake, "/run_sse").await;
    bot.signal(libc::SIGTERM);
    assert_eq!(
        bot.exit(Duration::from_secs(15)).await,
        0,
        "{}",
        bot.stderr()
    );
    let out = bot.stdout();
    assert!(
        out.contains("Then the beat drops."),
        "the turn finished: {out}"
    );
    assert!(!out.contains(&tr!(Lang::En, "interrupted")), "{out}");
    assert_eq!(fake.requests_to("/run_sse").len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_still_running_after_the_grace_period_is_interrupted_and_told() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    fake.push_turn(vec![
        Step::Text("Starting on it.".into()),
        Step::Sleep(Duration::from_secs(20)),
        Step::Text("Never said.".into()),
    ]);
    let mut bot = Bot::start(dir.path(), &fake, &grace(300));
    bot.say("make it neon").await;
    posted(&fake, "/run_sse").await;
    bot.signal(libc::SIGINT);
    assert_eq!(
        bot.exit(Duration::from_secs(10)).await,
        0,
        "{}",
        bot.stderr()
    );
    let out = bot.stdout();
    assert!(out.contains(&tr!(Lang::En, "interrupted")), "told: {out}");
    assert!(!out.contains("Never said."), "{out}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_signal_exits_at_once() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    fake.push_turn(vec![Step::Sleep(Duration::from_secs(30))]);
    let mut bot = Bot::start(dir.path(), &fake, &grace(60_000));
    bot.say("make it neon").await;
    posted(&fake, "/run_sse").await;
    bot.signal(libc::SIGTERM);
    // Signals that come before the first is handled are one: wait until it was.
    let handled = || async { bot.stderr().contains("SIGTERM: taking no new requests") };
    wait_until(
        "the first SIGTERM handled",
        Duration::from_secs(10),
        handled,
    )
    .await;
    bot.signal(libc::SIGTERM);
    let code = bot.exit(Duration::from_secs(10)).await;
    assert_eq!(code, 128 + libc::SIGTERM, "{}", bot.stderr());
    assert!(bot.stderr().contains("SIGTERM again"), "{}", bot.stderr());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_mid_export_leaves_the_job_and_the_next_start_posts_it_once() {
    let fake = FakeNemo::start().await;
    fake.set_render_polls(80);
    let dir = tempfile::tempdir().unwrap();
    let song = mp3(dir.path(), "song.mp3");
    let mut bot = Bot::start(dir.path(), &fake, &grace(20_000));
    bot.say(&format!("/musicvideo neon --file {}", song.display()))
        .await;
    posted(&fake, "/api/render/proxy/lambda").await;
    bot.signal(libc::SIGTERM);
    assert_eq!(
        bot.exit(Duration::from_secs(15)).await,
        0,
        "{}",
        bot.stderr()
    );
    assert!(
        !bot.stdout().contains(".mp4"),
        "not done yet: {}",
        bot.stdout()
    );

    // The next start finds the job and posts its link, once.
    let mut next = Bot::start(dir.path(), &fake, &grace(20_000));
    next.stdin.take();
    assert_eq!(
        next.exit(Duration::from_secs(20)).await,
        0,
        "{}",
        next.stderr()
    );
    let out = next.stdout();
    assert!(out.contains("Resuming 1 unfinished export"), "{out}");
    assert_eq!(out.matches(".mp4").count(), 1, "{out}");
    assert_eq!(fake.render_requests().len(), 1, "no second render");
}

/// A loopback address with a port nothing listens on right now.
fn free_addr() -> String {
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    probe.local_addr().unwrap().to_string()
}

/// Samples of a Prometheus text page: `name{labels}` → value.
async fn scrape(addr: &str) -> BTreeMap<String, f64> {
    let page = reqwest::get(format!("http://{addr}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    page.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .filter_map(|l| {
            let (key, value) = l.rsplit_once(' ')?;
            Some((key.to_string(), value.parse().ok()?))
        })
        .collect()
}

fn sample(page: &BTreeMap<String, f64>, key: &str) -> f64 {
    page.get(key).copied().unwrap_or(0.0)
}

/// Runs `health` against the config in `dir`; its exit code, stdout and stderr.
async fn health(dir: &std::path::Path, fake: &FakeNemo, extra_toml: &str) -> (i32, String, String) {
    let mut cmd = bot_command(dir, fake, extra_toml);
    cmd.arg("health").stdin(std::process::Stdio::null());
    let out = cmd.output().await.unwrap();
    let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
    (
        out.status.code().unwrap_or(-1),
        text(&out.stdout),
        text(&out.stderr),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_turns_requests_and_exports() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    let song = mp3(dir.path(), "song.mp3");
    let addr = free_addr();
    let admin = format!("[admin]\nlisten = \"{addr}\"\n");
    let mut bot = Bot::start(dir.path(), &fake, &admin);
    bot.say(&format!("/musicvideo neon --file {}", song.display()))
        .await;
    bot.wait_stdout("video link", |o| o.contains(".mp4")).await;
    let page = scrape(&addr).await;
    let expect = [
        ("mvb_turns_started_total", 1.0),
        ("mvb_turns_finished_total{outcome=\"answered\"}", 1.0),
        ("mvb_turn_first_text_seconds_count", 1.0),
        ("mvb_exports_started_total", 1.0),
        ("mvb_exports_finished_total{status=\"completed\"}", 1.0),
        ("mvb_export_duration_seconds_count", 1.0),
        ("mvb_exports_resumed_total", 0.0),
        ("mvb_scopes_waiting", 0.0),
        (
            "mvb_nemo_requests_total{endpoint=\"POST /run_sse\",status=\"200\"}",
            1.0,
        ),
        (
            "mvb_nemo_requests_total{endpoint=\"POST /api/upload-video\",status=\"200\"}",
            1.0,
        ),
        (
            "mvb_nemo_requests_total{endpoint=\"POST /api/render/proxy/lambda\",status=\"200\"}",
            1.0,
        ),
        (
            "mvb_nemo_request_duration_seconds_count{endpoint=\"POST /run_sse\"}",
            1.0,
        ),
    ];
    for (key, want) in expect {
        assert_eq!(sample(&page, key), want, "{key}");
    }
    let polls = "mvb_nemo_requests_total{endpoint=\"GET /api/render/proxy/lambda\",status=\"200\"}";
    assert!(sample(&page, polls) >= 2.0, "{polls}");
    // Labels never carry who or where (bounded cardinality).
    let keys: String = page.keys().cloned().collect();
    let mut private = vec!["ann".to_string(), "studio".into(), "song.mp3".into()];
    private.extend(fake.sessions());
    private.extend(fake.render_requests().iter().map(|r| match &r.body {
        common::fake_nemo::Body::Json(v) => v["id"].as_str().unwrap_or("?").to_string(),
        other => panic!("render request not JSON: {other:?}"),
    }));
    for word in private {
        assert!(!keys.contains(&word), "{word} in a label");
    }

    // One more turn moves the turn counters by one, and nothing else's.
    fake.push_turn(vec![Step::Text("Brighter it is.".into())]);
    bot.say("make it brighter").await;
    bot.wait_stdout("the second answer", |o| o.contains("Brighter it is."))
        .await;
    let after = scrape(&addr).await;
    assert_eq!(sample(&after, "mvb_turns_started_total"), 2.0);
    assert_eq!(
        sample(&after, "mvb_turns_finished_total{outcome=\"answered\"}"),
        2.0
    );
    assert_eq!(sample(&after, "mvb_exports_started_total"), 1.0);

    // Health: alive and ready, over HTTP and through the `health` subcommand.
    let healthz = reqwest::get(format!("http://{addr}/healthz"))
        .await
        .unwrap();
    assert_eq!(healthz.status().as_u16(), 200);
    let (code, out, _) = health(dir.path(), &fake, &admin).await;
    assert_eq!((code, out.as_str()), (0, "ready\n"));
    bot.stdin.take();
    assert_eq!(bot.exit(Duration::from_secs(20)).await, 0);
    // Nothing listens any more: not healthy.
    let (code, _, err) = health(dir.path(), &fake, &admin).await;
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("no answer"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_tie_each_line_of_a_turn_to_its_id_and_scope() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    fake.push_turn(vec![Step::Text("One.".into())]);
    fake.push_turn(vec![Step::Text("Two.".into())]);
    let mut bot = Bot::start(dir.path(), &fake, "[log]\nformat = \"json\"\n");
    bot.say("first").await;
    bot.say("second").await;
    bot.stdin.take();
    assert_eq!(bot.exit(Duration::from_secs(20)).await, 0);
    let mut turns: BTreeMap<String, usize> = BTreeMap::new();
    for line in bot.stderr().lines().filter(|l| !l.trim().is_empty()) {
        let v: serde_json::Value =
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}"));
        assert!(
            v["level"].is_string() && v["timestamp"].is_string(),
            "{line}"
        );
        let spans = v["spans"].as_array().cloned().unwrap_or_default();
        let Some(turn) = spans.iter().find(|s| s["name"] == "turn") else {
            continue;
        };
        assert_eq!(turn["scope"], "channel:studio", "{line}");
        let id = turn["turn"].as_str().expect("a turn id").to_string();
        *turns.entry(id).or_default() += 1;
    }
    assert_eq!(turns.len(), 2, "one id per request: {turns:?}");
    assert!(turns.values().all(|n| *n >= 2), "{turns:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn requests_arriving_during_a_stop_get_one_sentence_and_reach_no_one() {
    let fake = FakeNemo::start().await;
    let (bot, actor) = common::harness::ready(&fake, "ann").await;
    fake.push_turn(vec![
        Step::Sleep(Duration::from_millis(500)),
        Step::Text("Done in time.".into()),
    ]);
    let first = common::recorder::Recorder::new();
    let engine = bot.engine.clone();
    let (running, front) = (actor.clone(), first.clone());
    let turn = tokio::spawn(async move {
        engine
            .handle(&running, common::harness::say("make it neon"), front)
            .await
    });
    // The ready bot made one turn already: wait for this one's.
    let turning = || async { fake.requests_to("/run_sse").len() >= 2 };
    wait_until("the turn under way", Duration::from_secs(10), turning).await;
    let stopping = {
        let engine = bot.engine.clone();
        tokio::spawn(async move { engine.stop(Duration::from_secs(10)).await })
    };
    let begun = || async { bot.engine.is_stopping() };
    wait_until("the stop begun", Duration::from_secs(10), begun).await;
    let before = fake.requests().len();
    let late = common::recorder::Recorder::new();
    bot.engine
        .handle(&actor, common::harness::say("and another"), late.clone())
        .await;
    assert_eq!(late.messages(), [tr!(Lang::En, "restarting")]);
    turn.await.unwrap();
    assert!(stopping.await.unwrap(), "finished within the grace period");
    assert!(
        first.transcript().contains("Done in time."),
        "{}",
        first.transcript()
    );
    assert_eq!(
        fake.requests().len(),
        before,
        "nothing sent for the late one"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_stopped_by_a_signal_says_so_and_fails() {
    let fake = FakeNemo::start().await;
    fake.set_render_polls(200);
    let dir = tempfile::tempdir().unwrap();
    let song = mp3(dir.path(), "track.mp3");
    let mut cmd = bot_command(dir.path(), &fake, &grace(20_000));
    cmd.args(["render", song.to_str().unwrap()]);
    let mut child = cmd.spawn().unwrap();
    let (out, err) = (
        collect(child.stdout.take().unwrap()),
        collect(child.stderr.take().unwrap()),
    );
    let mut bot = Bot {
        child,
        stdin: None,
        out,
        err,
    };
    posted(&fake, "/api/render/proxy/lambda").await;
    bot.signal(libc::SIGTERM);
    assert_eq!(bot.exit(Duration::from_secs(15)).await, 1);
    assert!(
        bot.stderr().contains(&tr!(Lang::En, "render-stopped")),
        "{}",
        bot.stderr()
    );
    assert!(bot.stdout().is_empty(), "no link: {}", bot.stdout());
}
