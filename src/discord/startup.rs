//! What runs beside the gateway: which shards to start, slash-command registration off the
//! critical path (retried with backoff until Discord takes it) and the shard watch behind
//! `/readyz` and the latency gauge.

use super::budget::{Budget, Priority};
use crate::admin::Health;
use crate::config::Sharding;
use crate::telemetry::metrics;
use backon::{ExponentialBuilder, Retryable};
use poise::serenity_prelude as serenity;
use std::ops::RangeInclusive;
use std::sync::Arc;
use std::time::Duration;

/// The shards this process starts (ids, both ends included) and the bot's shard count: the
/// configured range, or every shard of the count Discord recommends.
pub(super) async fn shards_to_run(
    sharding: Sharding,
    http: &serenity::Http,
    budget: &Budget,
) -> Result<(RangeInclusive<u32>, u32), String> {
    match sharding {
        Sharding::Range { first, last, count } => Ok((first..=last, count)),
        Sharding::Auto => {
            // What serenity's `start_autosharded` asks, asked here so `/readyz` knows the count.
            budget.take(Priority::Urgent).await;
            let gateway = http.get_bot_gateway().await.map_err(|e| {
                format!(
                    "asking Discord for the recommended shard count: {}",
                    describe(&e)
                )
            })?;
            let total = gateway.shards.max(1);
            Ok((0..=total - 1, total))
        }
    }
}

/// Registers the slash commands globally, retrying with backoff (1 s doubling to 10 min) until
/// Discord takes them; the bot serves everything else meanwhile. Each try takes its slot of
/// the budget, as every call that counts toward Discord's global limit does.
pub(super) async fn register_commands(
    http: Arc<serenity::Http>,
    budget: Arc<Budget>,
    commands: Vec<serenity::CreateCommand>,
    health: Arc<Health>,
) {
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_secs(1))
        .with_max_delay(Duration::from_secs(600))
        .with_jitter()
        .without_max_times();
    let register = || async {
        budget.take(Priority::Urgent).await;
        serenity::Command::set_global_commands(&http, commands.clone()).await
    };
    let registered = register
        .retry(backoff)
        .notify(|e, wait| {
            tracing::error!(
                "Discord refused the slash commands ({}); trying again in {} s",
                describe(e),
                wait.as_secs()
            );
        })
        .await;
    match registered {
        Ok(list) => {
            tracing::info!("registered {} slash commands", list.len());
            health.commands_registered();
        }
        Err(e) => tracing::error!("gave up registering the slash commands: {}", describe(&e)),
    }
}

/// Discord's answer in one line: status, message, and the fields it named.
pub(crate) fn describe(e: &serenity::Error) -> String {
    match e {
        serenity::Error::Http(h) => match h.status_code() {
            Some(status) => format!("HTTP {}: {h}", status.as_u16()),
            None => h.to_string(),
        },
        other => other.to_string(),
    }
}

/// Every second, until `stopped`: which shards are connected (for `/readyz`) and their
/// heartbeat latency (a gauge).
pub(super) async fn watch_shards(
    manager: Arc<serenity::ShardManager>,
    health: Arc<Health>,
    stopped: impl std::future::Future<Output = ()>,
) {
    tokio::pin!(stopped);
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            () = &mut stopped => return,
            _ = tick.tick() => {}
        }
        let runners = manager.runners.lock().await;
        health.set_shards(runners.iter().map(|(id, runner)| {
            if let Some(latency) = runner.latency {
                metrics::shard_latency(id.0, latency);
            }
            (id.0, runner.stage == serenity::ConnectionStage::Connected)
        }));
    }
}
