//! Leases fence side effects, not only writes: two real bot processes over one PostgreSQL
//! store, one of them paused (SIGSTOP) or cut off from the database past its lease while the
//! other takes its work over. Whatever the stale process was doing — about to post a link,
//! renewing through a database blip, streaming a turn — it does nothing outside the store
//! when it comes back: one link, one render.

mod common;

use common::fake_discord::Msg;
use common::fake_nemo::{Fault, Step};
use common::pair::{Pair, DM, GUILD_CHANNEL, USER};
use common::wait::wait_until;
use serde_json::json;
use sqlx::{Connection, PgConnection};
use std::time::Duration;

/// A's log line when it drops an export whose claim it no longer knows it holds.
const A_LEFT_THE_EXPORT: &str = "lost this export's claim";

/// How many rows `sql` (a `SELECT count(*) …`) counts.
async fn count(db: &mut PgConnection, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(db).await.unwrap()
}

/// Waits (up to 10 s) until `sql` (a `SELECT count(*) …`) counts a row.
async fn wait_for_rows(db: &mut PgConnection, what: &str, sql: &str) {
    for _ in 0..1000 {
        if count(db, sql).await > 0 {
            return;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("never: {what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_paused_inside_delivery_past_its_lease_posts_no_link() {
    let Some(pair) = Pair::start("paused_inside_delivery").await else {
        return;
    };
    let url = pair.db_url().expose().to_string();
    let (mut lock, mut watch) = (
        PgConnection::connect(&url).await.unwrap(),
        PgConnection::connect(&url).await.unwrap(),
    );
    pair.export_on_a().await;
    let processing = "SELECT count(*) FROM jobs WHERE record->'status'->>'nemo' = 'processing'";
    wait_for_rows(&mut watch, "A saving the render's progress", processing).await;
    // The test holds the job's row, so that A's next write — marking the job `posting`, the
    // last step before the link goes out — waits on it; the render then completes at once.
    sqlx::query("BEGIN").execute(&mut lock).await.unwrap();
    sqlx::query("SELECT id FROM jobs FOR UPDATE")
        .execute(&mut lock)
        .await
        .unwrap();
    pair.nemo.set_render_polls(1);
    pair.nemo.hold_renders(false);
    let marking = "SELECT count(*) FROM pg_stat_activity \
                   WHERE wait_event_type = 'Lock' AND query LIKE 'UPDATE jobs SET record%'";
    wait_for_rows(&mut watch, "A's mark waiting on the row", marking).await;
    // A is paused inside delivery; its mark goes through (its claim still runs) while it sleeps.
    pair.a.signal(libc::SIGSTOP);
    sqlx::query("COMMIT").execute(&mut lock).await.unwrap();
    let posting = "SELECT count(*) FROM jobs WHERE record->>'status' = 'posting'";
    // The server finishes A's waiting statement a moment after the lock goes.
    wait_for_rows(&mut watch, "A's mark written", posting).await;
    // Past A's lease B claims the job and posts the link (marked as a possible repeat).
    pair.b_takes_over().await;
    pair.a.signal(libc::SIGCONT);
    wait_until("A's next step", Duration::from_secs(30), || async {
        pair.a.stderr().contains(A_LEFT_THE_EXPORT) || pair.link_posts().len() > 1
    })
    .await;
    assert_eq!(pair.link_posts().len(), 1, "A, woken, posted nothing");
    assert_eq!(pair.nemo.render_requests().len(), 1, "not rendered again");
    pair.finish(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_cut_off_from_the_database_posts_no_link() {
    let Some(pair) = Pair::start_with("cut_off_from_the_database", true).await else {
        return;
    };
    pair.export_on_a().await;
    // A loses its database (its connections dropped, new ones hung up on) just as the render
    // completes: it cannot mark the job, nor renew its claim.
    let a_db = pair.a_db.as_ref().expect("A's proxy");
    a_db.cut(true);
    pair.nemo.set_render_polls(1);
    pair.nemo.hold_renders(false);
    wait_until(
        "A giving up the export",
        Duration::from_secs(60),
        || async { pair.a.stderr().contains(A_LEFT_THE_EXPORT) || pair.link_posts().len() > 1 },
    )
    .await;
    pair.b_takes_over().await;
    a_db.cut(false);
    assert_eq!(
        pair.link_posts().len(),
        1,
        "A posted nothing without its claim"
    );
    assert_eq!(pair.nemo.render_requests().len(), 1, "not rendered again");
    pair.finish(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_turn_whose_process_was_paused_past_its_lease_stops_and_exports_nothing() {
    let Some(pair) = Pair::start("paused_during_a_turn").await else {
        return;
    };
    pair.dm("make a music video", "when you're happy with it")
        .await;
    // B (the guild's shard) runs /musicvideo: a turn, then its export. The turn streams its
    // first words and then takes a while.
    pair.nemo.push_turn(vec![
        Step::Text("Cutting to the beat first.".into()),
        Step::Sleep(Duration::from_secs(8)),
        Step::Text("Done, all cuts on the beat.".into()),
    ]);
    pair.discord
        .slash("musicvideo", json!({"options": []}), GUILD_CHANNEL, USER);
    let first_words = |m: &Msg| m.shown().contains("Cutting to the beat first.");
    pair.discord
        .wait_for(GUILD_CHANNEL, "B's turn streaming", first_words)
        .await;
    pair.b.signal(libc::SIGSTOP);
    // Past B's lease, the member's export in their DM (A) runs.
    pair.discord.message_in(None, "export", json!([]), DM, USER);
    let started = |m: &Msg| m.shown().contains("Rendering your music video");
    pair.discord.wait_for(DM, "A's export", started).await;
    pair.b.signal(libc::SIGCONT);
    let told = |m: &Msg| m.shown().contains("I lost hold of this project");
    let stopped = || async {
        let b_told = pair.discord.messages(GUILD_CHANNEL).iter().any(told);
        b_told || pair.nemo.render_requests().len() > 1
    };
    wait_until("B's turn to end", Duration::from_secs(30), stopped).await;
    assert_eq!(pair.nemo.render_requests().len(), 1, "B started no export");
    assert_eq!(pair.nemo.requests_to("/run_sse").len(), 2, "B sent no more");
    let rest = |m: &Msg| m.shown().contains("Done, all cuts on the beat.");
    let shown = pair.discord.messages(GUILD_CHANNEL);
    assert!(!shown.iter().any(rest), "B streamed nothing more");
    pair.finish(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_render_request_slower_than_the_lease_keeps_its_claim() {
    let Some(pair) = Pair::start("slow_render_request").await else {
        return;
    };
    let mut watch = PgConnection::connect(pair.db_url().expose()).await.unwrap();
    pair.dm("make a music video", "when you're happy with it")
        .await;
    // NemoVideo takes four of the bot's leases (2 s) to accept the render: well within the
    // bot's request timeout (60 s), so A waits for the answer while B looks for work.
    pair.nemo.hold_renders(true);
    let render = "/api/render/proxy/lambda";
    pair.nemo
        .fail_next(render, Fault::Delay(Duration::from_secs(8)));
    pair.discord.message_in(None, "export", json!([]), DM, USER);
    wait_for_rows(&mut watch, "A writing the job", "SELECT count(*) FROM jobs").await;
    let written: f64 = sqlx::query_scalar("SELECT extract(epoch FROM updated)::float8 FROM jobs")
        .fetch_one(&mut watch)
        .await
        .unwrap();
    // Two leases later by the database's clock, while the request is still unanswered: a
    // claim not renewed meanwhile would have run out, and B (claiming at a third of a
    // lease) taken the job.
    let later = format!(
        "SELECT count(*) FROM jobs WHERE now() > to_timestamp({written}) + interval '4 seconds'"
    );
    wait_for_rows(&mut watch, "two leases gone by", &later).await;
    assert_eq!(
        pair.nemo.render_requests().len(),
        1,
        "the request under way"
    );
    let epoch = "SELECT count(*) FROM jobs WHERE epoch = 1";
    assert_eq!(count(&mut watch, epoch).await, 1, "still A's first claim");
    assert!(
        !pair.b.stderr().contains("polling a claimed export"),
        "B took nothing"
    );
    // The render is accepted, finishes, and its link is posted once, by A.
    pair.nemo.hold_renders(false);
    let link = |m: &Msg| m.content.contains(".mp4");
    pair.discord.wait_for(DM, "the video's link", link).await;
    assert_eq!(pair.link_posts().len(), 1);
    assert_eq!(pair.nemo.render_requests().len(), 1, "one render");
    assert!(
        !pair.b.stderr().contains("polling a claimed export"),
        "B took nothing"
    );
    pair.finish(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_turns_late_session_write_does_not_replace_the_new_holders() {
    let Some(pair) = Pair::start_with("late_session_write", true).await else {
        return;
    };
    let mut watch = PgConnection::connect(pair.db_url().expose()).await.unwrap();
    let a_db = pair.a_db.as_ref().expect("A's proxy");
    // The member's first words, in their DM (A): A makes the project's session, and the
    // statement that carries it (the first to bind a session record) is held back on the way
    // to the database, with all A sends after it (its renewals too), until the test lets it
    // go: a write sent in time that arrives late.
    a_db.hold_from("\"session_id\"");
    pair.discord
        .message_in(None, "make a music video", json!([]), DM, USER);
    // A's turn stops with one sentence: its lease not renewed (lost), or its write's
    // transaction ended by the database (idle past a third of a lease).
    let told = |m: &Msg| {
        let text = m.shown();
        text.contains("I lost hold of this project") || text.contains("Something went wrong")
    };
    pair.discord.wait_for(DM, "A's turn stopping", told).await;
    // Past A's lease, B (the guild's shard) takes the project, makes its session and answers.
    pair.discord
        .slash("musicvideo", json!({"options": []}), GUILD_CHANNEL, USER);
    let answered = |m: &Msg| m.content.contains("when you're happy with it");
    pair.discord
        .wait_for(GUILD_CHANNEL, "B's answer", answered)
        .await;
    let stored = "SELECT record->>'session_id' FROM sessions";
    let theirs: String = sqlx::query_scalar(stored)
        .fetch_one(&mut watch)
        .await
        .unwrap();
    let made = pair.nemo.sessions();
    assert_eq!(made.len(), 2, "A's session and B's");
    assert_eq!(theirs, made[1], "B's session stored");
    // A's held bytes reach the database late, and the database answers them.
    a_db.release();
    let delivered = || async { a_db.held_answered() };
    wait_until(
        "A's late bytes answered",
        Duration::from_secs(30),
        delivered,
    )
    .await;
    let kept: String = sqlx::query_scalar(stored)
        .fetch_one(&mut watch)
        .await
        .unwrap();
    assert_eq!(kept, theirs, "A's late write replaced nothing");
    pair.finish(true).await;
}
