//! The binary itself: the console driven by a script on standard input (over sled, and over
//! PostgreSQL when the test database is set), the one-shot render, bad configuration and an
//! unreachable database, and no token or password anywhere in what it prints.

mod common;

use common::fake_nemo::FakeNemo;
use common::harness::{bot_command_with_store, mp3};
use music_video_bot::secret::Secret;
use music_video_bot::store::{ScratchSchema, Store};
use std::process::Stdio;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_music-video-bot");

/// Runs the binary with `args`, `stdin` as input, in `dir`, pointed at `fake`, on the sled
/// store.
async fn run(
    dir: &std::path::Path,
    fake: &FakeNemo,
    args: &[&str],
    stdin: &str,
    token: Option<&str>,
) -> (i32, String, String) {
    run_on(dir, fake, args, stdin, token, None).await
}

/// [`run`], on the PostgreSQL store at `database` when given.
async fn run_on(
    dir: &std::path::Path,
    fake: &FakeNemo,
    args: &[&str],
    stdin: &str,
    token: Option<&str>,
    database: Option<&Secret>,
) -> (i32, String, String) {
    let store_toml = match database {
        Some(_) => "backend = \"postgres\"",
        None => "",
    };
    let mut cmd = bot_command_with_store(dir, fake, "", store_toml);
    if let Some(url) = database {
        cmd.env("DATABASE_URL", url.expose());
    }
    cmd.args(args);
    if let Some(t) = token {
        cmd.env("NEMO_TOKEN", t);
    }
    let mut child = cmd.spawn().expect("spawn the binary");
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.as_bytes()).await.unwrap();
    drop(input);
    let out = tokio::time::timeout(std::time::Duration::from_secs(60), child.wait_with_output())
        .await
        .expect("the binary finished")
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_script_runs_end_to_end_and_never_prints_the_token() {
    console_script_end_to_end(None).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_console_script_runs_end_to_end_on_postgres() {
    let test = "a_console_script_runs_end_to_end_on_postgres";
    let Some(scratch) = ScratchSchema::from_env(test).await.unwrap() else {
        return;
    };
    let stderr = console_script_end_to_end(Some(&scratch.url)).await;
    let password = music_video_bot::secret::url_password(scratch.url.expose()).unwrap();
    assert!(!stderr.contains(&password), "the database password leaked");
    // What the console did is in the database, for the next process to find.
    let store = Store::open_postgres(&scratch.url).await.unwrap();
    let session = store.session("channel:studio").await.unwrap();
    assert!(session.is_some(), "the session is stored in PostgreSQL");
    // Both exports finished, so no job is left behind.
    assert!(store.jobs().await.unwrap().is_empty());
    drop(store);
    scratch.finish().await.unwrap();
}

/// Drives the console through a script covering every command, on sled or on the PostgreSQL
/// store at `database`; its standard error, for further checks.
async fn console_script_end_to_end(database: Option<&Secret>) -> String {
    let fake = FakeNemo::start().await;
    let token = "nmv_usr_SECRET_known_token_123";
    fake.issue_token(token, "user_7");
    let dir = tempfile::tempdir().unwrap();
    let song = mp3(dir.path(), "song.mp3");
    let script = format!(
        "/help\n/musicvideo neon city vibes --file {}\n/status\n积分\n/open\n/bogus\nexport\n",
        song.display()
    );
    let (code, stdout, stderr) = run_on(
        dir.path(),
        &fake,
        &["console", "--user", "ann", "--channel", "studio"],
        &script,
        Some(token),
        database,
    )
    .await;
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.contains("/musicvideo [prompt…]"), "help: {stdout}");
    assert!(stdout.contains("Uploaded song.mp3"), "{stdout}");
    assert!(stdout.contains("Here is your draft"), "{stdout}");
    assert!(
        stdout.contains("say `export`") || stdout.contains("/export"),
        "GUI words translated: {stdout}"
    );
    assert!(
        stdout.contains("1. 🎬 Video · "),
        "the status card: {stdout}"
    );
    assert!(
        stdout.contains("\nResolution: 1920×1080\n"),
        "the video's card: {stdout}"
    );
    assert!(stdout.contains("Available: "), "{stdout}");
    assert!(stdout.contains("unknown command /bogus"), "{stdout}");
    assert_eq!(
        stdout.matches(".mp4").count(),
        2,
        "two exports, each posted once: {stdout}"
    );
    // Piped output: each streamed message printed once, in its final form.
    assert_eq!(stdout.matches("Here is your draft").count(), 1, "{stdout}");
    assert!(
        !stdout.contains(token) && !stderr.contains(token),
        "token leaked"
    );
    let claim = fake.requests_to("/api/auth/claim-token");
    assert_eq!(claim.len(), 1);
    stderr
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_prints_the_link_and_downloads_the_video() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    let song = mp3(dir.path(), "track.mp3");
    let out = dir.path().join("video.mp4");
    let args = [
        "render",
        song.to_str().unwrap(),
        "make it neon",
        "-o",
        out.to_str().unwrap(),
    ];
    let (code, stdout, stderr) = run(dir.path(), &fake, &args, "", None).await;
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    assert!(stdout.trim().ends_with(".mp4"), "{stdout}");
    let bytes = std::fs::read(&out).expect("downloaded");
    assert_eq!(&bytes[4..8], b"ftyp", "an MP4 arrived");
    let sse = fake.requests_to("/run_sse");
    let common::fake_nemo::Body::Json(v) = &sse[0].body else {
        panic!()
    };
    assert_eq!(v["new_message"]["parts"][0]["text"], "make it neon");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn render_of_a_refused_file_fails_with_one_sentence() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("notes.mp3");
    std::fs::write(&bad, "not audio at all").unwrap();
    let (code, stdout, stderr) = run(
        dir.path(),
        &fake,
        &["render", bad.to_str().unwrap()],
        "",
        None,
    )
    .await;
    assert_ne!(code, 0);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(
        stderr.contains("error: ") && stderr.contains("notes.mp3"),
        "{stderr}"
    );
    assert!(fake.requests_to("/api/upload-video").is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_config_value_names_the_key_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bad.toml");
    std::fs::write(&config, "[nemo]\npoll_interval_ms = \"often\"\n").unwrap();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("console")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("poll_interval_ms"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_exits_2_with_one_line_and_no_password() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("pg.toml");
    // Port 1 of the loopback: nothing listens there.
    let url = "postgres://bot:pg-SECRET-pw@127.0.0.1:1/mvb";
    std::fs::write(
        &config,
        format!("[store]\nbackend = \"postgres\"\nurl = \"{url}\"\n"),
    )
    .unwrap();
    let started = std::time::Instant::now();
    let out = Command::new(BIN)
        .arg("--config")
        .arg(&config)
        .arg("console")
        .env_remove("DATABASE_URL")
        .env_remove("RUST_LOG")
        .stdin(Stdio::null())
        .output()
        .await
        .unwrap();
    assert!(started.elapsed() < std::time::Duration::from_secs(15));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.contains("cannot connect to PostgreSQL at postgres://bot:***@127.0.0.1:1/mvb"),
        "{err}"
    );
    assert!(!err.contains("pg-SECRET-pw"), "{err}");
    assert!(out.stdout.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_uploads_paths_as_a_terminal_writes_them() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    let names = ["My Song (final).mp3", "B side (live).mp3", "Demo (v2).mp3"];
    let paths: Vec<String> = names
        .iter()
        .map(|n| mp3(dir.path(), n).display().to_string())
        .collect();
    // Dropped into a terminal: backslash-escaped, single-quoted; and typed bare.
    let escaped: String = paths[0]
        .chars()
        .flat_map(|c| {
            [' ', '(', ')']
                .contains(&c)
                .then_some('\\')
                .into_iter()
                .chain([c])
        })
        .collect();
    let script = format!(
        "/upload {escaped}\n/upload '{}'\n/upload {}\n",
        paths[1], paths[2]
    );
    let args = ["console", "--user", "ann", "--channel", "studio"];
    let (code, stdout, stderr) = run(dir.path(), &fake, &args, &script, None).await;
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    let uploaded: Vec<String> = fake
        .requests_to("/api/upload-video")
        .iter()
        .flat_map(|r| match &r.body {
            common::fake_nemo::Body::Multipart(parts) => parts.clone(),
            other => panic!("not multipart: {other:?}"),
        })
        .filter_map(|p| p.filename)
        .collect();
    assert_eq!(uploaded, names, "{stdout}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_console_speaks_the_language_of_lang() {
    let fake = FakeNemo::start().await;
    let dir = tempfile::tempdir().unwrap();
    let script = "/help\n/credits now\n/dance\n/musicvideo --file\n";
    let args = ["console", "--lang", "zh-CN"];
    let (code, stdout, stderr) = run(dir.path(), &fake, &args, script, None).await;
    assert_eq!(code, 0, "stdout: {stdout}\nstderr: {stderr}");
    for said in [
        "命令：",
        "/musicvideo [描述…] [--file 路径]…",
        "/credits 不需要参数",
        "没有 /dance 这个命令；试试 /help",
        "--file 后面需要一个路径",
    ] {
        assert!(stdout.contains(said), "{said:?} in {stdout}");
    }
    assert!(!stdout.contains("takes no arguments"), "{stdout}");
    // Without `--lang`, English.
    let (_, english, _) = run(dir.path(), &fake, &["console"], script, None).await;
    assert!(
        english.contains("unknown command /dance; try /help"),
        "{english}"
    );
    assert!(!english.contains("命令："), "{english}");
}
