//! `cargo bench --bench engine`: load, upload and decoding figures against the fake Nemo server
//! on loopback. `BENCH_QUICK=1` runs a short mode (200 conversations) that still checks the
//! upload ratio and memory bound. Prints a table and `name: value` lines for scripts, and exits
//! 1 when a target is missed (upload CPU time ≤ 3× curl's, ≤ 32 MB RSS growth, every
//! conversation done, a burst of members each getting one link with no 429, at most 50
//! requests in any second and at most 8.5 calls per conversation, a 60,000-character streamed answer in ≤ 150 ms of CPU beyond
//! a bare reader's for the same stream, as one paragraph and as mixed prose, a song analysed
//! in ≤ 150 ms of CPU per minute of audio, its tempo heard within 4 % on ≥ 95 % of the
//! generated test set; with `MVB_TEST_DATABASE_URL`, every conversation done on PostgreSQL
//! too, in ≤ 3× sled's time). `BENCH_ONLY=stream` runs only the two streaming rows (and their
//! gate), `BENCH_ONLY=analysis` only the song analysis's (`BENCH_WRITE_SET=DIR` writes its set
//! there for `benches/reference/essentia_compare.py`).

#[path = "support/analysis.rs"]
mod analysis;
#[path = "support/burst.rs"]
mod burst;
#[path = "../tests/common/mod.rs"]
mod common;
#[path = "support/idle.rs"]
mod idle;
#[path = "support/pg.rs"]
mod pg;
#[path = "../tests/common/songs.rs"]
mod songs;
#[path = "support/stream.rs"]
mod stream;

use async_trait::async_trait;
use common::fake_nemo::{Body, FakeNemo, Step};
use common::harness::{mp3, nemo_config};
use music_video_bot::config::{LimitsConfig, NemoConfig, StoreBackend, StoreConfig};
use music_video_bot::engine::front::{Front, FrontError, Link, LinkKind, MsgId};
use music_video_bot::engine::{Actor, Engine, Media, Request};
use music_video_bot::nemo::sse::decode_event;
use music_video_bot::secret::Secret;
use music_video_bot::store::Store;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// Records, for each streamed text, how long after the fake sent it the front was called.
#[derive(Default)]
struct Meter {
    latencies_ms: Mutex<Vec<f64>>,
    videos: AtomicUsize,
    /// Messages sent, to number the next.
    sent: AtomicUsize,
}

impl Meter {
    fn observe(&self, text: &str) {
        let Some(stamp) = text.rsplit(' ').next().and_then(|s| s.parse::<u128>().ok()) else {
            return;
        };
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let ms = now.saturating_sub(stamp) as f64 / 1e6;
        self.latencies_ms.lock().unwrap().push(ms);
    }
}

#[async_trait]
impl Front for Meter {
    fn max_len(&self) -> usize {
        2000
    }
    fn target(&self) -> String {
        "bench".into()
    }
    async fn send(&self, text: &str, _done: bool) -> Result<MsgId, FrontError> {
        self.observe(text);
        let id = self.sent.fetch_add(1, Ordering::SeqCst);
        Ok(MsgId(id.to_string()))
    }
    async fn edit(&self, _id: &MsgId, text: &str, _done: bool) -> Result<(), FrontError> {
        self.observe(text);
        Ok(())
    }
    async fn status(&self, _text: &str) -> Result<(), FrontError> {
        Ok(())
    }
    async fn post_link(&self, link: &Link) -> Result<(), FrontError> {
        if link.kind == LinkKind::Video {
            self.videos.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }
}

/// A memory figure of this process from `/proc/self/status`, in MB: `VmHWM` (peak resident)
/// or `VmRSS` (resident now).
fn status_mb(field: &str) -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn peak_rss_mb() -> f64 {
    status_mb("VmHWM:")
}

fn rss_mb() -> f64 {
    status_mb("VmRSS:")
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn engine_for(fake: &FakeNemo, dir: &std::path::Path) -> Engine {
    engine_with(nemo_config(fake), dir)
}

/// The bench's engine over a sled store in `dir`.
fn engine_with(cfg: NemoConfig, dir: &std::path::Path) -> Engine {
    engine_on(cfg, Store::open_sled(&dir.join("db")).expect("store"))
}

/// The bench's engine over `store`: generous timeouts, no quotas.
fn engine_on(mut cfg: NemoConfig, store: Store) -> Engine {
    cfg.poll_interval_ms = 100;
    cfg.sse_timeout_ms = 300_000;
    cfg.idle_timeout_ms = 300_000;
    cfg.still_working_ms = 300_000;
    cfg.request_timeout_ms = 120_000;
    cfg.export_timeout_ms = 600_000;
    let limits = LimitsConfig {
        turns_per_user_per_hour: u32::MAX,
        exports_per_user: u32::MAX,
        exports_per_guild: u32::MAX,
        files_per_message: 5,
    };
    Engine::with_limits(&cfg, limits, store).expect("engine")
}

struct LoadFigures {
    asked: usize,
    done: usize,
    wall: Duration,
    peak_rss_mb: f64,
    p50_ms: f64,
    p99_ms: f64,
}

/// `n` conversations at once, each: upload, a streamed turn, an export; over a sled store, or
/// over the PostgreSQL database at `pg` (opened, and migrated, before the clock starts).
async fn conversations(n: usize, pg: Option<&Secret>) -> LoadFigures {
    let fake = FakeNemo::start().await;
    fake.set_credits(i64::MAX / 4, 0);
    let draft = serde_json::json!({"t": [{"tt": 0, "sg": [{"st": 0, "d": 10000, "m": {"title": "bench"}}]}], "d": 10000});
    for _ in 0..n {
        fake.push_turn(vec![
            Step::Call("generate_video".into()),
            Step::SetDraft(draft.clone()),
            Step::Text("Here is your draft {now_ns}".into()),
        ]);
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let store = match pg {
        None => Store::open_sled(&dir.path().join("db")),
        Some(url) => {
            let config = StoreConfig {
                backend: StoreBackend::Postgres,
                url: Some(url.clone()),
                ..StoreConfig::default()
            };
            Store::open(&config).await
        }
    };
    let engine = engine_on(nemo_config(&fake), store.expect("store"));
    let song = mp3(dir.path(), "song.mp3");
    let meter = Arc::new(Meter::default());
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(n);
    for i in 0..n {
        let (engine, meter, song) = (engine.clone(), meter.clone(), song.clone());
        tasks.push(tokio::spawn(async move {
            let actor = Actor {
                user: format!("bench:{i}"),
                scope: format!("channel:{i}"),
                lang: "en".into(),
                group: None,
            };
            let request = Request::MusicVideo {
                prompt: Some("go".into()),
                media: vec![Media::File(song)],
            };
            engine.handle(&actor, request, meter).await;
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    engine.idle().await;
    let wall = start.elapsed();
    let mut lat = meter.latencies_ms.lock().unwrap().clone();
    lat.sort_by(|a, b| a.total_cmp(b));
    LoadFigures {
        asked: n,
        done: meter.videos.load(Ordering::SeqCst),
        wall,
        peak_rss_mb: peak_rss_mb(),
        p50_ms: percentile(&lat, 0.5),
        p99_ms: percentile(&lat, 0.99),
    }
}

struct UploadFigures {
    /// Best wall time of the rounds, each side (shown, not gated).
    bot: Duration,
    curl: Duration,
    /// CPU time of the round with the median ratio: the bot's side of the process (the fake
    /// server's threads taken out), and curl's.
    bot_cpu: Duration,
    curl_cpu: Duration,
    /// The lowest and highest ratio of the rounds.
    spread: (f64, f64),
    rss_growth_mb: f64,
}

/// The CPU clocks of the fake server's runtime threads, registered as each thread starts.
static SERVER_CLOCKS: Mutex<Vec<libc::clockid_t>> = Mutex::new(Vec::new());

/// CPU time used so far by the fake server's threads (kept alive for the whole run).
fn server_cpu() -> Duration {
    let clocks = SERVER_CLOCKS.lock().unwrap();
    clocks
        .iter()
        .map(|&clock| {
            // SAFETY: clock_gettime only writes the struct it is given.
            let ts = unsafe {
                let mut ts: libc::timespec = std::mem::zeroed();
                libc::clock_gettime(clock, &mut ts);
                ts
            };
            Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
        })
        .sum()
}

/// The fake server's own runtime (one worker, as the bot does not share threads with curl's
/// server either), whose threads' CPU time can be read, to take it out of the bot's.
fn server_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .thread_keep_alive(Duration::from_secs(3600))
        .on_thread_start(|| {
            // SAFETY: asks for the calling thread's CPU clock, written into `clock`.
            let mut clock: libc::clockid_t = 0;
            if unsafe { libc::pthread_getcpuclockid(libc::pthread_self(), &mut clock) } == 0 {
                SERVER_CLOCKS.lock().unwrap().push(clock);
            }
        })
        .build()
        .expect("server runtime")
}

/// CPU time of this process outside the fake server's threads, so far.
fn bot_cpu_now() -> Duration {
    cpu_time(libc::RUSAGE_SELF).saturating_sub(server_cpu())
}

/// A 200 MB upload through the engine, and the same file with curl to the same server. The
/// server runs on its own runtime, so that the bot does not share threads with it (curl never
/// does).
async fn big_upload(fake: &FakeNemo) -> UploadFigures {
    fake.issue_token("nmv_usr_bench", "user_bench");
    let dir = tempfile::tempdir().expect("tempdir");
    let engine = engine_for(fake, dir.path());
    let path = dir.path().join("big.wav");
    {
        use std::io::Write;
        let mut f = std::fs::File::create(&path).expect("create");
        let mut head = b"RIFF\0\0\0\0WAVEfmt ".to_vec();
        head.resize(1024 * 1024, 7);
        for _ in 0..200 {
            f.write_all(&head).expect("write");
            head[..16].fill(7);
        }
    }
    let meter = Arc::new(Meter::default());
    let actor = Actor {
        user: "bench:big".into(),
        scope: "channel:big".into(),
        lang: "en".into(),
        group: None,
    };
    // A first request creates the session, so the timing below is the upload alone.
    engine.handle(&actor, Request::Credits, meter.clone()).await;
    engine.handle(&actor, Request::Status, meter.clone()).await;
    let before = rss_mb();
    let baseline_peak = peak_rss_mb();
    let sid = fake.sessions().first().cloned().unwrap_or_default();
    let url = format!("{}/api/upload-video/nemo_agent/me/{sid}", fake.base_url());
    let token = fake
        .requests_to("/api/credits")
        .first()
        .and_then(|r| r.headers.get("authorization").cloned())
        .unwrap_or_default();
    // The two sides take turns, round by round, so that both meet the same machine (another
    // build on the other core makes every CPU figure of a phase larger); the median of the
    // rounds' ratios counts. CPU time is compared, not wall time: a 0.1 s transfer's wall time
    // swung by ±20 % from run to run.
    let (mut bot, mut curl) = (Duration::MAX, Duration::MAX);
    let mut rounds = Vec::with_capacity(ROUNDS);
    for _ in 0..ROUNDS {
        let cpu_before = bot_cpu_now();
        let start = Instant::now();
        let request = Request::Upload {
            media: vec![Media::File(path.clone())],
            text: String::new(),
        };
        engine.handle(&actor, request, meter.clone()).await;
        bot = bot.min(start.elapsed());
        let bot_cpu = bot_cpu_now().saturating_sub(cpu_before);
        let cpu_before = cpu_time(libc::RUSAGE_CHILDREN);
        curl = curl.min(curl_upload(&path, &url, &token).await);
        let curl_cpu = cpu_time(libc::RUSAGE_CHILDREN).saturating_sub(cpu_before);
        rounds.push((bot_cpu, curl_cpu));
    }
    // The fake server keeps at most 1 MiB of any part, so curl's uploads add nothing here.
    let rss_growth_mb = (peak_rss_mb() - baseline_peak)
        .max(0.0)
        .max(rss_mb() - before);
    let uploads = fake.requests_to("/api/upload-video");
    let whole = uploads
        .iter()
        .filter(|r| matches!(&r.body, Body::Multipart(p) if p[0].size == 200 << 20))
        .count();
    assert_eq!(whole, 2 * ROUNDS, "every upload arrived whole");
    rounds.sort_by(|a, b| ratio_of(*a).total_cmp(&ratio_of(*b)));
    let (bot_cpu, curl_cpu) = rounds[ROUNDS / 2];
    let spread = (ratio_of(rounds[0]), ratio_of(rounds[ROUNDS - 1]));
    UploadFigures {
        bot,
        curl,
        bot_cpu,
        curl_cpu,
        spread,
        rss_growth_mb,
    }
}

/// Rounds of the upload comparison (odd, for a median).
const ROUNDS: usize = 7;

/// Bot CPU time ÷ curl's.
fn ratio_of((bot, curl): (Duration, Duration)) -> f64 {
    bot.as_secs_f64() / curl.as_secs_f64().max(1e-9)
}

/// `curl -F files=@path` to the upload URL; its wall time.
async fn curl_upload(path: &std::path::Path, url: &str, token: &str) -> Duration {
    let start = Instant::now();
    let status = tokio::process::Command::new("curl")
        .args(["-s", "-o", "/dev/null", "-H"])
        .arg(format!("Authorization: {token}"))
        .arg("-F")
        .arg(format!("files=@{}", path.display()))
        .arg(url)
        .status()
        .await
        .expect("curl runs (install curl)");
    assert!(status.success(), "curl failed");
    start.elapsed()
}

/// CPU time (user + system) of this process, or of the children it waited for.
fn cpu_time(who: libc::c_int) -> Duration {
    // SAFETY: getrusage only writes the struct it is given.
    let usage = unsafe {
        let mut usage: libc::rusage = std::mem::zeroed();
        libc::getrusage(who, &mut usage);
        usage
    };
    let tv = |t: libc::timeval| {
        Duration::from_secs(t.tv_sec as u64) + Duration::from_micros(t.tv_usec as u64)
    };
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

/// SSE decoding on one core, events per second.
fn sse_throughput() -> f64 {
    let events = [
        r#"{"id":"1","invocationId":"e-1","author":"nemo_agent","timestamp":1764000000.1,"content":{"role":"model","parts":[{"text":"Here is your draft, cut to the beat."}]},"partial":false,"actions":{"stateDelta":{},"artifactDelta":{}}}"#,
        r#"{"content":{"parts":[{"functionCall":{"id":"c","name":"generate_video","args":{"style":"neon"}}}]}}"#,
        r#"{"type":"text","content":"chunk of text"}"#,
        r#"{"type":"heartbeat"}"#,
    ];
    let rounds = 200_000;
    let start = Instant::now();
    let mut count = 0usize;
    for i in 0..rounds {
        count += decode_event(std::hint::black_box(events[i % events.len()])).len();
    }
    std::hint::black_box(count);
    rounds as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    if idle::serve_fake_if_child() {
        return;
    }
    let quick = std::env::var("BENCH_QUICK").is_ok_and(|v| v != "0");
    match std::env::var("BENCH_ONLY").as_deref() {
        Ok("stream") => return stream_only(),
        Ok("analysis") => return analysis_only(),
        _ => {}
    }
    let n = if quick { 200 } else { 1000 };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    eprintln!("bench: SSE decoding…");
    let sse = sse_throughput();
    let heard = analysis::run(None);
    eprintln!("bench: 200 MB upload…");
    // CPU-time figures are taken on one thread: a multi-threaded runtime's workers also spend
    // CPU waking, spinning and stealing work, which varied by half from run to run.
    let one_thread = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let server = server_runtime();
    let fake = server.block_on(FakeNemo::start());
    let upload = one_thread.block_on(big_upload(&fake));
    drop(fake);
    let (paragraph, mixed) = stream_rows(&one_thread, &server);
    eprintln!("bench: {n} conversations…");
    let load = runtime.block_on(conversations(n, None));
    let burst_members = if quick { 80 } else { 200 };
    eprintln!("bench: {burst_members} members mention the bot with a song at once…");
    let burst = runtime.block_on(burst::run(burst_members));
    let pg_rounds = if quick { 3 } else { 5 };
    let pg = runtime.block_on(pg::pg_vs_sled(pg::CONVERSATIONS, pg_rounds));
    drop(runtime);
    let members = if quick { 20_000 } else { 100_000 };
    eprintln!("bench: {members} members, one short turn each…");
    let dir = tempfile::tempdir().expect("tempdir");
    let idle_bytes = idle::idle_scope_bytes(members, 500, |base, token| {
        let cfg = NemoConfig {
            api_base: base,
            token: Some(Secret::new(token)),
            ..NemoConfig::default()
        };
        engine_with(cfg, dir.path())
    });
    let wall_ratio = upload.bot.as_secs_f64() / upload.curl.as_secs_f64().max(1e-9);
    let ratio = ratio_of((upload.bot_cpu, upload.curl_cpu));
    println!("| figure | value | target |");
    println!("|---|---|---|");
    println!(
        "| conversations completed | {}/{} | all |",
        load.done, load.asked
    );
    println!(
        "| wall time, {} conversations | {:.2} s | |",
        load.asked,
        load.wall.as_secs_f64()
    );
    println!(
        "| peak RSS (engine + fake server) | {:.1} MB | |",
        load.peak_rss_mb
    );
    println!("| SSE text → front call, p50 | {:.2} ms | |", load.p50_ms);
    println!("| SSE text → front call, p99 | {:.2} ms | |", load.p99_ms);
    println!(
        "| 200 MB upload, bot | {:.2} s | |",
        upload.bot.as_secs_f64()
    );
    println!(
        "| 200 MB upload, curl | {:.2} s | |",
        upload.curl.as_secs_f64()
    );
    println!(
        "| 200 MB upload CPU, bot / curl | {:.0} / {:.0} ms | |",
        upload.bot_cpu.as_secs_f64() * 1e3,
        upload.curl_cpu.as_secs_f64() * 1e3
    );
    println!("| upload wall time ÷ curl | {wall_ratio:.2} | |");
    println!(
        "| upload CPU time ÷ curl, rounds' lowest–highest | {:.2}–{:.2} | |",
        upload.spread.0, upload.spread.1
    );
    println!("| upload CPU time ÷ curl | {ratio:.2} | ≤ {MAX_UPLOAD_CPU_RATIO:.2} |");
    stream::print_rows(&paragraph, &mixed);
    println!(
        "| RSS growth during the upload | {:.1} MB | ≤ 32 |",
        upload.rss_growth_mb
    );
    println!("| SSE decoding, one core | {sse:.0} events/s | |");
    println!(
        "| RSS kept per member after one short turn ({members}) | {idle_bytes:.0} bytes | ≤ {:.0} |",
        idle::MAX_IDLE_SCOPE_BYTES
    );
    burst::print_rows(&burst);
    heard.print_rows();
    if let Some(pg) = &pg {
        pg.print();
    }
    println!("upload_ratio_vs_curl: {ratio:.3}");
    println!("upload_wall_ratio_vs_curl: {wall_ratio:.3}");
    stream::print_lines(&paragraph, &mixed);
    println!("upload_rss_growth_mb: {:.1}", upload.rss_growth_mb);
    println!("conversations_completed: {}/{}", load.done, load.asked);
    if let Some(pg) = &pg {
        pg.print_lines();
    }
    burst::print_lines(&burst);
    println!("edit_latency_p99_ms: {:.2}", load.p99_ms);
    println!("sse_events_per_s: {sse:.0}");
    println!("idle_scope_bytes: {idle_bytes:.0}");
    heard.print_lines();
    let mut misses = missed_targets(ratio, upload.rss_growth_mb, &load);
    misses.extend(pg.iter().flat_map(pg::PgFigures::misses));
    misses.extend(burst::misses(&burst));
    misses.extend(paragraph.misses("a one-paragraph answer"));
    misses.extend(mixed.misses("an answer of mixed prose"));
    misses.extend(heard.misses());
    if idle_bytes.is_nan() || idle_bytes > idle::MAX_IDLE_SCOPE_BYTES {
        misses.push(format!(
            "each member who left keeps {idle_bytes:.0} bytes (target ≤ {:.0})",
            idle::MAX_IDLE_SCOPE_BYTES
        ));
    }
    for miss in &misses {
        eprintln!("bench: target missed: {miss}");
    }
    if !misses.is_empty() {
        std::process::exit(1);
    }
}

/// The two streamed answers, one paragraph and mixed prose, each costed on `bot` (one thread)
/// against a fake server on `server`.
fn stream_rows(
    bot: &tokio::runtime::Runtime,
    server: &tokio::runtime::Runtime,
) -> (stream::StreamFigures, stream::StreamFigures) {
    eprintln!("bench: 60,000-character answers in 3,000 chunks…");
    let fake = server.block_on(FakeNemo::start());
    let paragraph = bot.block_on(stream::stream(&fake, &stream::paragraph()));
    let mixed = bot.block_on(stream::stream(&fake, &stream::mixed()));
    (paragraph, mixed)
}

/// `BENCH_ONLY=stream`: only the streaming rows, their lines and their gate (seconds, to
/// iterate on the streaming path or profile it without the rest of the bench).
fn stream_only() {
    let bot = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let (paragraph, mixed) = stream_rows(&bot, &server_runtime());
    stream::print_lines(&paragraph, &mixed);
    let mut misses = paragraph.misses("a one-paragraph answer");
    misses.extend(mixed.misses("an answer of mixed prose"));
    for miss in &misses {
        eprintln!("bench: target missed: {miss}");
    }
    if !misses.is_empty() {
        std::process::exit(1);
    }
}

/// `BENCH_ONLY=analysis`: only the song analysis's rows, lines and gate; with
/// `BENCH_WRITE_SET=DIR`, the set is written there for the reference comparison
/// (`benches/reference/essentia_compare.py`).
fn analysis_only() {
    let write_set = std::env::var_os("BENCH_WRITE_SET").map(std::path::PathBuf::from);
    let heard = analysis::run(write_set.as_deref());
    println!("| figure | value | target |");
    println!("|---|---|---|");
    heard.print_rows();
    heard.print_lines();
    let misses = heard.misses();
    for miss in &misses {
        eprintln!("bench: target missed: {miss}");
    }
    if !misses.is_empty() {
        std::process::exit(1);
    }
}

/// The most CPU time the bot's side may use for the 200 MB upload, as a multiple of curl's.
/// Medians of quick runs spread over 0.95–1.16 on a quiet machine but reached 1.93 and 2.17
/// while another build shared the two cores (README), so the gate sits well above that; the
/// regressions it exists for (4 KiB reads cost 7×, a copy of the whole file more) stay caught.
const MAX_UPLOAD_CPU_RATIO: f64 = 3.0;

/// The issue's targets that this run missed, in words.
fn missed_targets(ratio: f64, rss_growth_mb: f64, load: &LoadFigures) -> Vec<String> {
    let mut misses = Vec::new();
    if ratio.is_nan() || ratio > MAX_UPLOAD_CPU_RATIO {
        misses.push(format!(
            "upload CPU time ÷ curl's is {ratio:.3} (target ≤ {MAX_UPLOAD_CPU_RATIO:.2})"
        ));
    }
    if rss_growth_mb > 32.0 {
        misses.push(format!(
            "RSS grew {rss_growth_mb:.1} MB during the upload (target ≤ 32)"
        ));
    }
    if load.done != load.asked {
        misses.push(format!(
            "{} of {} conversations completed",
            load.done, load.asked
        ));
    }
    misses
}
