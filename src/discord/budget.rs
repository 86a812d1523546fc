//! The bot's share of Discord's global rate limit, kept before Discord has to say so.
//!
//! Discord takes at most 50 requests a second from a bot across every route, interaction
//! endpoints excepted, and answers past it with a global 429 that also counts toward the
//! invalid-request limit (10,000 per 10 minutes, then an hour's block of the IP). serenity's
//! limiter only learns of the global limit from such a 429 (the limit "can't be pre-emptively
//! ratelimited", its docs say), so every REST call of ours that counts first takes a slot here:
//! a burst queues instead of drawing 429s. What matters goes first: an answer, a refusal or a
//! link waits only behind others like it; progress lines and streaming edits wait until none of
//! those is waiting. Interaction responses and follow-ups never come here (Discord exempts them).

use crate::config::Sharding;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::{watch, Mutex};

/// How much a REST call matters to the member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Priority {
    /// An answer, a refusal, a private note, the video's link, its buttons: never dropped,
    /// first in line.
    Urgent,
    /// A progress line or card, a streaming edit that a later one supersedes.
    Cosmetic,
}

/// This process's requests per second: its share of the bot's `per_second`, in proportion to
/// the shards it runs (every process of one bot runs a range of the same count, so the shares
/// add up to at most the whole), never less than one.
pub fn share(per_second: u32, sharding: Sharding) -> u32 {
    match sharding {
        Sharding::Auto => per_second.max(1),
        Sharding::Range { first, last, count } => {
            let here = u64::from(last - first + 1);
            let share = u64::from(per_second) * here / u64::from(count.max(1));
            u32::try_from(share).unwrap_or(per_second).max(1)
        }
    }
}

/// How often one conversation may edit its streamed answer or progress when `active`
/// conversations share `per_second` requests: half the budget goes to such edits (the rest
/// stays free for answers and links), spread evenly, and never more often than `base`.
pub fn cadence(base: Duration, active: usize, per_second: u32) -> Duration {
    let for_edits = f64::from(per_second.max(2)) / 2.0;
    base.max(Duration::from_secs_f64(active as f64 / for_edits))
}

/// The process-wide budget (one per process, shared by every front).
pub struct Budget {
    limiter: DefaultDirectRateLimiter,
    clock: DefaultClock,
    per_second: u32,
    /// Urgent calls waiting for a slot; cosmetic ones wait while there are any.
    urgent: watch::Sender<usize>,
    /// One waiter per class at the limiter at a time, in arrival order (tokio's lock is fair).
    urgent_line: Mutex<()>,
    cosmetic_line: Mutex<()>,
    /// Conversations in flight, for [`cadence`].
    active: Arc<AtomicUsize>,
}

impl Budget {
    /// A budget of `per_second` requests, spaced evenly (no burst above the rate: a burst on
    /// top of a full second's rate could pass 50 in a second).
    pub fn new(per_second: u32) -> Budget {
        let rate = NonZeroU32::new(per_second).unwrap_or(NonZeroU32::MIN);
        let period = Duration::from_secs(1) / rate.get();
        let quota = Quota::with_period(period)
            .unwrap_or_else(|| Quota::per_second(rate))
            .allow_burst(NonZeroU32::MIN);
        let clock = DefaultClock::default();
        Budget {
            limiter: RateLimiter::direct_with_clock(quota, clock.clone()),
            clock,
            per_second: rate.get(),
            urgent: watch::Sender::new(0),
            urgent_line: Mutex::new(()),
            cosmetic_line: Mutex::new(()),
            active: Arc::default(),
        }
    }

    /// Waits for a slot for one call of `priority`.
    pub async fn take(&self, priority: Priority) {
        match priority {
            Priority::Urgent => {
                let _waiting = Waiting::new(&self.urgent);
                let _line = self.urgent_line.lock().await;
                self.limiter.until_ready().await;
            }
            Priority::Cosmetic => {
                let _line = self.cosmetic_line.lock().await;
                let mut urgent = self.urgent.subscribe();
                loop {
                    // The sender lives in `self`: waiting cannot fail.
                    let _ = urgent.wait_for(|n| *n == 0).await;
                    // Looked at, not waited on: an urgent call that comes meanwhile goes
                    // first, so the slot is taken only when it is free now.
                    match self.limiter.check() {
                        Ok(()) => return,
                        Err(later) => {
                            tokio::time::sleep(later.wait_time_from(self.clock.now())).await
                        }
                    }
                }
            }
        }
    }

    /// Counts a conversation in flight until the guard drops.
    pub fn active(&self) -> Active {
        self.active.fetch_add(1, Ordering::Relaxed);
        Active(self.active.clone())
    }

    /// [`cadence`] for the conversations in flight now.
    pub fn cadence(&self, base: Duration) -> Duration {
        cadence(base, self.active.load(Ordering::Relaxed), self.per_second)
    }
}

/// A conversation in flight (see [`Budget::active`]).
pub struct Active(Arc<AtomicUsize>);

impl Drop for Active {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::Relaxed);
    }
}

/// An urgent call waiting, counted until it has its slot (or is dropped).
struct Waiting<'a>(&'a watch::Sender<usize>);

impl<'a> Waiting<'a> {
    fn new(count: &'a watch::Sender<usize>) -> Waiting<'a> {
        count.send_modify(|n| *n += 1);
        Waiting(count)
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n -= 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_process_takes_its_shards_share() {
        let range = |first, last, count| Sharding::Range { first, last, count };
        for (per_second, sharding, expected) in [
            (45, Sharding::Auto, 45),
            (45, range(0, 3, 4), 45),
            (45, range(0, 1, 4), 22),
            (45, range(2, 3, 4), 22),
            (45, range(0, 0, 3), 15),
            (45, range(5, 5, 100), 1),
        ] {
            assert_eq!(share(per_second, sharding), expected, "{sharding:?}");
        }
    }

    #[test]
    fn edits_slow_down_as_conversations_add_up() {
        let base = Duration::from_millis(1_500);
        for (active, expected_ms) in [
            (0, 1_500),
            (1, 1_500),
            (30, 1_500),
            (45, 2_000),
            (90, 4_000),
        ] {
            assert_eq!(
                cadence(base, active, 45),
                Duration::from_millis(expected_ms),
                "{active} conversations"
            );
        }
    }

    /// Real time: governor keeps its own clock.
    #[tokio::test]
    async fn calls_are_spaced_to_the_rate_and_urgent_ones_go_first() {
        let budget = Arc::new(Budget::new(20));
        let order = Arc::new(parking_lot::Mutex::new(Vec::new()));
        let start = std::time::Instant::now();
        budget.take(Priority::Urgent).await;
        let mut calls = Vec::new();
        for (i, priority) in [Priority::Cosmetic, Priority::Urgent, Priority::Urgent]
            .into_iter()
            .enumerate()
        {
            let (budget, order) = (budget.clone(), order.clone());
            calls.push(tokio::spawn(async move {
                budget.take(priority).await;
                order.lock().push((i, start.elapsed()));
            }));
            // Each has queued before the next comes.
            tokio::task::yield_now().await;
        }
        for call in calls {
            call.await.unwrap();
        }
        let order = order.lock().clone();
        let ids: Vec<usize> = order.iter().map(|(i, _)| *i).collect();
        assert_eq!(
            ids,
            [1, 2, 0],
            "the urgent calls overtook the progress edit"
        );
        for (n, (_, at)) in order.iter().enumerate() {
            // 50 ms apart; governor's clock and std's may differ by a hair.
            let slot = Duration::from_millis(48) * (n as u32 + 1);
            assert!(*at >= slot, "call {n} went at {at:?}, before {slot:?}");
        }
    }
}
