//! What an operator sees of the running bot: log lines ([`logs`]) and Prometheus metrics
//! ([`metrics`]). Labels carry only bounded values (outcomes, endpoints, statuses, shard
//! numbers), never a user, channel, token or file name.

pub mod logs;
pub mod metrics;
