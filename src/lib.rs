//! music-video-bot: turns songs into AI music videos through the NemoVideo API.
//!
//! The [`engine`] knows nothing of Discord; fronts (Discord, the terminal console) drive it.

pub mod admin;
pub mod audio;
pub mod config;
pub mod console;
pub mod discord;
pub mod download;
pub mod engine;
pub mod files;
pub mod i18n;
pub mod nemo;
pub mod oneshot;
pub mod retry;
pub mod secret;
pub mod signals;
pub mod store;
pub mod telemetry;
