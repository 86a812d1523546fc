//! Two real bot processes over one PostgreSQL store, sharing the work without doing any of it
//! twice: one project's turns run one after the other wherever they land (a DM on shard 0's
//! process, a button on shard 1's), and an export whose process dies (SIGKILL) or stalls past
//! its lease (SIGSTOP) is finished by the other and posted exactly once.

mod common;

use common::fake_discord::{guild_on_shard, Call, Msg};
use common::fake_nemo::{Body, Step};
use common::pair::{Pair, DM, GUILD_CHANNEL, USER};
use common::wait::wait_until;
use serde_json::json;
use std::time::Duration;

/// The session a NemoVideo request's JSON body names.
fn session_of(body: &Body) -> String {
    match body {
        Body::Json(v) => v["session_id"]
            .as_str()
            .or_else(|| v["sessionId"].as_str())
            .unwrap_or_default()
            .to_string(),
        _ => String::new(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_dm_on_one_process_and_a_button_on_the_other_take_turns_on_one_session() {
    let test = "a_dm_and_a_button_take_turns";
    let Some(pair) = Pair::start(test).await else {
        return;
    };
    pair.dm("make a music video", "when you're happy with it")
        .await;
    // A's next turn takes a while; B gets the member's Export click in a guild meanwhile.
    pair.nemo.push_turn(vec![
        Step::Sleep(Duration::from_millis(1500)),
        Step::Text("Slower cuts on the chorus, done.".into()),
    ]);
    pair.discord
        .message_in(None, "slower cuts on the chorus", json!([]), DM, USER);
    let a_turning = || async { pair.nemo.requests_to("/run_sse").len() == 2 };
    wait_until(
        "A's second turn under way",
        Duration::from_secs(10),
        a_turning,
    )
    .await;
    let button = Msg::new(1, GUILD_CHANNEL, "Your draft");
    let guild = guild_on_shard(1, 2);
    let export = format!("mvb:export:user:{USER}");
    pair.discord.click_in(Some(guild), &export, &button, USER);
    let told = |m: &Msg| m.content.contains("number 1 in line");
    pair.discord
        .wait_for(GUILD_CHANNEL, "B telling its place", told)
        .await;
    let started = |m: &Msg| m.shown().contains("Rendering your music video");
    pair.discord
        .wait_for(GUILD_CHANNEL, "B's export", started)
        .await;
    pair.b
        .wait_stderr("B's export", |e| e.contains("render"))
        .await;

    // A's turn ended (its last words out) before B's export began.
    let calls = pair.discord.calls();
    let said = |c: &Call, text: &str| c.body.to_string().contains(text);
    let a_done = calls
        .iter()
        .position(|c| said(c, "Slower cuts on the chorus, done."));
    let b_began = calls
        .iter()
        .position(|c| said(c, "Rendering your music video"));
    assert!(
        a_done.is_some() && a_done < b_began,
        "A's answer at {a_done:?}, B's export at {b_began:?}"
    );
    // One project: one NemoVideo session for the DM's turns and B's render.
    assert_eq!(pair.nemo.sessions().len(), 1);
    let turns = pair.nemo.requests_to("/run_sse");
    let renders = pair.nemo.render_requests();
    assert_eq!(renders.len(), 1);
    assert_eq!(session_of(&renders[0].body), session_of(&turns[1].body));
    assert_eq!(session_of(&turns[0].body), session_of(&turns[1].body));
    pair.finish(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_export_of_a_killed_process_is_finished_by_the_other_once() {
    let Some(mut pair) = Pair::start("an_export_of_a_killed_process").await else {
        return;
    };
    pair.export_on_a().await;
    pair.a.signal(libc::SIGKILL);
    assert_ne!(pair.a.exit(Duration::from_secs(10)).await, 0);
    pair.b_takes_over().await;
    // Once B has forgotten the job, nothing is left that could post it again.
    pair.wait_jobs_forgotten().await;
    assert_eq!(pair.link_posts().len(), 1, "posted exactly once");
    assert_eq!(pair.nemo.render_requests().len(), 1, "not rendered again");
    pair.finish(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_process_paused_past_its_lease_is_fenced_off_its_export() {
    let Some(pair) = Pair::start("a_process_paused_past_its_lease").await else {
        return;
    };
    pair.export_on_a().await;
    pair.a.signal(libc::SIGSTOP);
    pair.b_takes_over().await;
    pair.a.signal(libc::SIGCONT);
    // A wakes to a render that has finished: what it does next is fenced off.
    pair.a
        .wait_stderr("A finding its claim gone", |e| {
            e.contains("another process holds this export now")
        })
        .await;
    assert_eq!(pair.link_posts().len(), 1, "posted exactly once");
    assert_eq!(pair.nemo.render_requests().len(), 1, "not rendered again");
    pair.finish(true).await;
}
