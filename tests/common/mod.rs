//! Shared test support: the fake Nemo server, a recording front, and engine wiring.
#![allow(dead_code)]

pub mod bot_process;
pub mod burst;
pub mod discord_bot;
pub mod fake_discord;
pub mod fake_nemo;
pub mod harness;
pub mod loopback;
pub mod metrics;
pub mod pair;
pub mod pg_proxy;
pub mod recorder;
pub mod wait;
