//! The platform-agnostic engine: sessions, routing, turns and export jobs.

pub mod files;
pub mod gui;
pub mod route;
pub mod split;
pub mod summary;
