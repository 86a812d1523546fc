//! Quotas: over the limit, a friendly answer with when to retry, and nothing sent.

mod common;

use common::fake_nemo::FakeNemo;
use common::harness::{actor, mp3, say, Bot};
use common::recorder::Recorder;
use music_video_bot::config::LimitsConfig;
use music_video_bot::engine::{Actor, Media, Request};

fn limits(turns: u32, per_user: u32, per_guild: u32, files: u32) -> LimitsConfig {
    LimitsConfig {
        turns_per_user_per_hour: turns,
        exports_per_user: per_user,
        exports_per_guild: per_guild,
        files_per_message: files,
    }
}

#[tokio::test]
async fn turns_per_user_per_hour() {
    let fake = FakeNemo::start().await;
    fake.set_credits(10_000, 0);
    let bot = Bot::with_limits(&fake, limits(2, 9, 9, 9));
    let me = actor("a", "c");
    for _ in 0..2 {
        bot.engine.handle(&me, say("hello"), Recorder::new()).await;
    }
    let rec = Recorder::new();
    bot.engine.handle(&me, say("one more"), rec.clone()).await;
    let text = rec.transcript();
    assert!(
        text.contains("in the last hour") && text.contains("in about"),
        "{text}"
    );
    assert_eq!(
        fake.requests_to("/run_sse").len(),
        2,
        "the third was not sent"
    );
    // Another member is not affected.
    let rec = Recorder::new();
    bot.engine
        .handle(&actor("b", "c"), say("hello"), rec.clone())
        .await;
    assert!(
        rec.transcript().contains("Here is your draft"),
        "{}",
        rec.transcript()
    );
}

#[tokio::test]
async fn running_exports_per_user_and_per_guild() {
    let fake = FakeNemo::start().await;
    fake.set_credits(10_000, 0);
    fake.set_render_polls(1_000);
    let bot = Bot::with_limits(&fake, limits(99, 1, 2, 9));
    let (a, b, c) = (actor("a", "c1"), actor("b", "c2"), actor("c", "c3"));
    for who in [&a, &b, &c] {
        bot.engine
            .handle(who, say("make a video"), Recorder::new())
            .await;
    }
    bot.engine
        .handle(&a, Request::Export, Recorder::new())
        .await;
    let again = Recorder::new();
    bot.engine.handle(&a, Request::Export, again.clone()).await;
    assert!(
        again.transcript().contains("already have 1 export"),
        "{}",
        again.transcript()
    );
    bot.engine
        .handle(&b, Request::Export, Recorder::new())
        .await;
    let third = Recorder::new();
    bot.engine.handle(&c, Request::Export, third.clone()).await;
    assert!(
        third.transcript().contains("This server already has"),
        "{}",
        third.transcript()
    );
    // Someone outside the guild is not counted against it.
    let outside = Actor {
        group: None,
        ..actor("d", "c4")
    };
    bot.engine
        .handle(&outside, say("make a video"), Recorder::new())
        .await;
    bot.engine
        .handle(&outside, Request::Export, Recorder::new())
        .await;
    let posts = fake.render_requests().len();
    assert_eq!(posts, 3, "a, b and the outsider rendered");
    bot.engine.halt().await;
}

#[tokio::test]
async fn files_per_message() {
    let fake = FakeNemo::start().await;
    let bot = Bot::with_limits(&fake, limits(99, 9, 9, 1));
    let files = vec![
        Media::File(mp3(bot.dir.path(), "a.mp3")),
        Media::File(mp3(bot.dir.path(), "b.mp3")),
    ];
    let rec = Recorder::new();
    bot.engine
        .handle(
            &actor("a", "c"),
            Request::Upload {
                media: files,
                text: String::new(),
            },
            rec.clone(),
        )
        .await;
    assert!(
        rec.transcript().contains("At most 1 file per message"),
        "{}",
        rec.transcript()
    );
    assert!(fake.requests_to("/api/upload-video").is_empty());
}
