//! Every command the bot registers.

mod help;
mod project;
mod video;

use super::{Data, Error};

/// All commands, in the order Discord lists them.
pub fn all() -> Vec<poise::Command<Data, Error>> {
    vec![
        video::musicvideo(),
        video::make_music_video(),
        project::credits(),
        project::status(),
        project::export(),
        project::open(),
        project::reset(),
        help::help(),
    ]
}
