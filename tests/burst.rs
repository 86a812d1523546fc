//! Many members at once (issue #16): 80 members mention the bot with a song within one second,
//! in one busy channel and several others, against a fake Discord that holds the bot to
//! Discord's global limit (50 requests a second, interaction endpoints aside) with global 429s.
//! The bot keeps its own budget under the limit: nobody's video is lost, and Discord never has
//! to refuse a request.

mod common;

use common::burst::{burst, busy_bot, FIRST_MEMBER, MAX_CALLS_PER_CONVERSATION};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eighty_members_at_once_each_get_one_link_and_discord_refuses_nothing() {
    let bot = busy_bot().await;
    let members = 80;
    let seen = burst(&bot, members, 9, Duration::from_secs(240)).await;
    let missing: Vec<u64> = (0..members as u64)
        .map(|i| FIRST_MEMBER + i)
        .filter(|m| !seen.links.contains_key(m))
        .collect();
    assert!(
        missing.is_empty(),
        "members without a link: {missing:?}\nmessages: {:#?}",
        seen.kinds
    );
    let twice: Vec<_> = seen.links.iter().filter(|(_, n)| **n > 1).collect();
    assert!(
        twice.is_empty(),
        "members with more than one link: {twice:?}"
    );
    assert_eq!(seen.global_429s, 0, "global 429s drawn: {seen:?}");
    assert_eq!(seen.all_429s, 0, "429s of any kind: {seen:?}");
    assert!(seen.peak_per_second <= 50, "{seen:?}");
    assert!(
        seen.calls_per_conversation <= MAX_CALLS_PER_CONVERSATION,
        "{seen:?}"
    );
}
