//! Kill -9: the real binary is killed at seeded random moments of uploads, agent turns and
//! exports, 24 times over one store. Every restart must open the store, resume the exports
//! left running, and in the end every render the server accepted has its link posted exactly
//! once (plus, when a kill fell between posting and forgetting, one repeat that says it is
//! one), and none was requested twice. `KILL_SEED=<n>` replays other moments.

mod common;

use common::fake_nemo::chaos::splitmix;
use common::fake_nemo::{Body, FakeNemo, Fault, Step};
use common::harness::{bot_command, mp3};
use music_video_bot::i18n::Lang;
use music_video_bot::tr;
use std::collections::BTreeMap;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const KILLS: usize = 24;

/// Where in a conversation a kill lands.
#[derive(Debug, Clone, Copy)]
enum Phase {
    Upload,
    Turn,
    Export,
}

impl Phase {
    /// The request that marks the phase's start, and how long after it to kill at most.
    fn marker(self) -> (&'static str, u64) {
        match self {
            Phase::Upload => ("/api/upload-video", 300),
            Phase::Turn => ("/run_sse", 400),
            Phase::Export => ("/api/render/proxy/lambda", 700),
        }
    }
}

/// A seeded sequence of numbers.
struct Rolls(u64);

impl Rolls {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(1);
        splitmix(self.0) % n.max(1)
    }
}

/// How many POSTs to `path` the fake has received.
fn posts(fake: &FakeNemo, path: &str) -> usize {
    fake.requests_to(path)
        .iter()
        .filter(|r| r.method == "POST")
        .count()
}

/// Waits until the fake has received one more POST to `path` than `before`.
async fn arrived(fake: &FakeNemo, path: &str, before: usize) -> bool {
    for _ in 0..2_000 {
        if posts(fake, path) > before {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    false
}

/// What one run of the bot printed, read to the end.
async fn output(child: &mut tokio::process::Child) -> (String, String) {
    let (mut out, mut err) = (String::new(), String::new());
    if let Some(mut o) = child.stdout.take() {
        o.read_to_string(&mut out).await.unwrap();
    }
    if let Some(mut e) = child.stderr.take() {
        e.read_to_string(&mut err).await.unwrap();
    }
    (out, err)
}

/// The video links a run printed: render id, and whether the bot marked it as a possible
/// repeat (a crash hit between posting it and forgetting the job).
fn posted_links(stdout: &str) -> Vec<(String, bool)> {
    stdout
        .lines()
        .filter(|l| l.starts_with("🎉"))
        .filter_map(|l| {
            let again = l.ends_with(&tr!(Lang::En, "posted-again"));
            let id = l.split("/files/").nth(1)?.split(".mp4").next()?;
            Some((id.to_string(), again))
        })
        .collect()
}

/// The ids of the renders the server accepted (a complete request with an id).
fn accepted_renders(fake: &FakeNemo) -> Vec<String> {
    fake.render_requests()
        .into_iter()
        .filter_map(|r| match r.body {
            Body::Json(v) => v["id"].as_str().map(str::to_string),
            _ => None,
        })
        .collect()
}

/// What every run shares: the fake NemoVideo, the store's directory and the song.
struct Runs {
    fake: FakeNemo,
    dir: tempfile::TempDir,
    song: std::path::PathBuf,
}

/// The runs' config: exports that outlast many kills, and no export cap in the way.
const EXTRA: &str =
    "request_timeout_ms = 2000\nexport_timeout_ms = 120000\n[limits]\nexports_per_user = 100";

impl Runs {
    async fn start() -> Runs {
        let fake = FakeNemo::start().await;
        fake.set_credits(1_000_000, 0);
        fake.set_render_polls(20);
        let dir = tempfile::tempdir().unwrap();
        let song = mp3(dir.path(), "song.mp3");
        Runs { fake, dir, song }
    }

    /// The console over the shared store.
    fn spawn(&self) -> tokio::process::Child {
        bot_command(self.dir.path(), &self.fake, EXTRA)
            .args(["console", "--channel", "studio"])
            .spawn()
            .expect("the bot starts")
    }

    /// Slows every phase enough that a kill lands inside it.
    fn slow_phases(&self) {
        self.fake.fail_next(
            "/api/upload-video",
            Fault::SlowBody(Duration::from_millis(250)),
        );
        self.fake.push_turn(vec![
            Step::Call("generate_video".into()),
            Step::SetDraft(serde_json::json!({"t": [{"tt": 0, "sg": [{"id": "s1", "st": 0, "d": 8000}]}], "d": 8000})),
            Step::Sleep(Duration::from_millis(300)),
            Step::Text("Here is your draft, cut to the beat.".into()),
        ]);
    }

    /// Run number `kill`: asks for a music video and is killed (SIGKILL) at a seeded moment of
    /// its phase. What it printed: the links it posted, and whether it resumed exports.
    async fn killed_run(&self, kill: usize, rolls: &mut Rolls) -> (Vec<(String, bool)>, bool) {
        let phase = [Phase::Upload, Phase::Turn, Phase::Export][kill % 3];
        let (path, window_ms) = phase.marker();
        self.slow_phases();
        let before = posts(&self.fake, path);
        let mut child = self.spawn();
        let mut stdin = child.stdin.take().unwrap();
        let line = format!("/musicvideo make it neon --file {}\n", self.song.display());
        stdin.write_all(line.as_bytes()).await.unwrap();
        let came = arrived(&self.fake, path, before).await;
        // The moment of the kill is the scenario: a seeded time into the phase.
        tokio::time::sleep(Duration::from_millis(rolls.below(window_ms))).await;
        child.start_kill().expect("kill -9");
        if !came {
            let (stdout, stderr) = output(&mut child).await;
            panic!("run {kill}: no request to {path}:\n{stdout}\n{stderr}");
        }
        let status = child.wait().await.unwrap();
        assert_eq!(status.code(), None, "killed by a signal, not exited");
        let (stdout, stderr) = output(&mut child).await;
        assert!(!stderr.contains("panicked"), "run {kill}: {stderr}");
        // Debug logging is on: tokens still never show, whatever the moment of the crash.
        assert!(
            !format!("{stdout}{stderr}").contains("nmv_"),
            "run {kill} printed a token"
        );
        assert!(
            !stderr.contains("opening the store"),
            "run {kill}: {stderr}"
        );
        drop(stdin);
        (posted_links(&stdout), stdout.contains("Resuming"))
    }

    /// One last, undisturbed run finishes whatever is left and exits; the links it posted.
    async fn last_run(&self) -> Vec<(String, bool)> {
        let mut last = self.spawn();
        drop(last.stdin.take());
        let (stdout, stderr) = tokio::time::timeout(Duration::from_secs(60), output(&mut last))
            .await
            .expect("the last run finished its exports");
        let status = last.wait().await.unwrap();
        assert!(status.success(), "stdout: {stdout}\nstderr: {stderr}");
        assert!(
            !format!("{stdout}{stderr}").contains("nmv_"),
            "the last run printed a token"
        );
        posted_links(&stdout)
    }
}

/// Per render: (links posted plainly, links posted again marked as possible repeats).
fn links_per_render(links: &[(String, bool)]) -> BTreeMap<String, (usize, usize)> {
    let mut posted: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (id, again) in links {
        let entry = posted.entry(id.clone()).or_default();
        if *again {
            entry.1 += 1;
        } else {
            entry.0 += 1;
        }
    }
    posted
}

/// Checks that no render was requested twice, and that each accepted render's link was posted
/// once (plus at most one marked repeat), and no other link.
fn each_link_once(accepted: &[String], links: &[(String, bool)]) {
    let posted = links_per_render(links);
    let mut requested: BTreeMap<String, usize> = BTreeMap::new();
    for id in accepted {
        *requested.entry(id.clone()).or_default() += 1;
    }
    assert!(
        requested.values().all(|n| *n == 1),
        "a render was requested twice: {requested:?}"
    );
    // Exactly once, except that a kill between posting a link and forgetting its job makes
    // the next run post it once more, saying so (Discord drops that repeat by its nonce).
    for id in requested.keys() {
        let (plain, again) = posted.get(id).copied().unwrap_or_default();
        assert!(
            plain + again >= 1 && plain <= 1 && again <= 1,
            "render {id}: {plain} plain, {again} marked links; all: {posted:?}"
        );
    }
    assert_eq!(
        posted.len(),
        requested.len(),
        "no link without a render: {posted:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killed_at_random_moments_the_bot_resumes_and_posts_each_link_once() {
    let seed = std::env::var("KILL_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(11_25);
    let mut rolls = Rolls(seed);
    let runs = Runs::start().await;
    let mut links: Vec<(String, bool)> = Vec::new();
    let mut resumed_runs = 0;
    for kill in 0..KILLS {
        let (posted, resumed) = runs.killed_run(kill, &mut rolls).await;
        links.extend(posted);
        resumed_runs += usize::from(resumed);
    }
    links.extend(runs.last_run().await);

    let accepted = accepted_renders(&runs.fake);
    let repeats = links.iter().filter(|(_, again)| *again).count();
    eprintln!(
        "seed {seed}: {} renders accepted, {} links ({repeats} marked as possible repeats), \
         {resumed_runs} runs resumed exports",
        accepted.len(),
        links.len()
    );
    each_link_once(&accepted, &links);
    assert!(
        resumed_runs >= 3,
        "kills mid-export were resumed ({resumed_runs} runs)"
    );
}
