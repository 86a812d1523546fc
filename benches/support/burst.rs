//! `burst_*`: a busy server's burst through the real Discord front — members mention the bot
//! with a song within one second, against the fake Discord enforcing Discord's global limit —
//! counted, not timed: the peak requests in any second, 429s, calls per conversation, and
//! whether every member got exactly one link. The seconds to the last link are printed, not
//! gated.

use crate::common::burst::{burst, busy_bot, Burst, MAX_CALLS_PER_CONVERSATION};
use std::time::Duration;

/// Runs the burst of `members` (over nine channels) and returns what it showed.
pub async fn run(members: usize) -> Burst {
    let bot = busy_bot().await;
    burst(&bot, members, 9, Duration::from_secs(600)).await
}

/// Prints the table rows.
pub fn print_rows(b: &Burst) {
    let linked = b.links.values().filter(|n| **n == 1).count();
    println!(
        "| burst: members with exactly one link | {linked}/{} | all |",
        b.members
    );
    println!(
        "| burst: peak requests in any second | {} | ≤ 50 |",
        b.peak_per_second
    );
    println!(
        "| burst: 429s (global) | {} ({}) | 0 |",
        b.all_429s, b.global_429s
    );
    println!(
        "| burst: Discord calls per conversation | {:.1} | ≤ {MAX_CALLS_PER_CONVERSATION} |",
        b.calls_per_conversation
    );
    println!(
        "| burst: last link after | {:.1} s | |",
        b.last_link.as_secs_f64()
    );
}

/// Prints the `name: value` lines.
pub fn print_lines(b: &Burst) {
    println!("burst_members: {}", b.members);
    println!("burst_peak_rps: {}", b.peak_per_second);
    println!("burst_429s: {}", b.all_429s);
    println!(
        "burst_calls_per_conversation: {:.1}",
        b.calls_per_conversation
    );
    println!("burst_last_link_s: {:.1}", b.last_link.as_secs_f64());
}

/// The gate's complaints: counts only.
pub fn misses(b: &Burst) -> Vec<String> {
    let mut misses = Vec::new();
    let linked = b.links.values().filter(|n| **n == 1).count();
    if linked != b.members {
        misses.push(format!(
            "burst: {linked} of {} members got exactly one link",
            b.members
        ));
    }
    if b.peak_per_second > 50 {
        misses.push(format!(
            "burst: {} requests in one second (Discord's limit is 50)",
            b.peak_per_second
        ));
    }
    if b.all_429s > 0 {
        misses.push(format!("burst: {} 429s drawn", b.all_429s));
    }
    if b.calls_per_conversation > MAX_CALLS_PER_CONVERSATION {
        misses.push(format!(
            "burst: {:.1} Discord calls per conversation (at most {MAX_CALLS_PER_CONVERSATION})",
            b.calls_per_conversation
        ));
    }
    misses
}
