//! The binary itself: the console driven by a script on standard input, the one-shot render,
//! bad configuration, and no token anywhere in what it prints.

mod common;

use common::fake_nemo::FakeNemo;
use common::harness::{bot_command, mp3};
use std::process::Stdio;
use tokio::io::AsyncWriteExt;
use tokio::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_music-video-bot");

/// Runs the binary with `args`, `stdin` as input, in `dir`, pointed at `fake`.
async fn run(
    dir: &std::path::Path,
    fake: &FakeNemo,
    args: &[&str],
    stdin: &str,
    token: Option<&str>,
) -> (i32, String, String) {
    let mut cmd = bot_command(dir, fake, "");
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
    let fake = FakeNemo::start().await;
    let token = "nmv_usr_SECRET_known_token_123";
    fake.issue_token(token, "user_7");
    let dir = tempfile::tempdir().unwrap();
    let song = mp3(dir.path(), "song.mp3");
    let script = format!(
        "/help\n/musicvideo neon city vibes --file {}\n/status\n积分\n/open\n/bogus\nexport\n",
        song.display()
    );
    let (code, stdout, stderr) = run(
        dir.path(),
        &fake,
        &["console", "--user", "ann", "--channel", "studio"],
        &script,
        Some(token),
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
    assert!(stdout.contains("Timeline ("), "{stdout}");
    assert!(stdout.contains("Credits:"), "{stdout}");
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
