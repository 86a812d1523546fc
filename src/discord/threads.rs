//! A thread per video: opened on the member's message (or a command's response), remembered as
//! the bot's so that words there reach its project without a mention.

use super::budget::Priority;
use super::{group_of, Data};
use poise::serenity_prelude as serenity;

/// Opens a public thread named `name` on `message` in `channel` (Start Thread from Message)
/// and remembers it as the bot's. `None` where Discord refuses — no permission to create
/// threads, a forum channel, a message that already has one — and the request then stays in
/// the channel, saying nothing alarming: the log says why.
pub(crate) async fn open(
    http: &serenity::Http,
    data: &Data,
    channel: serenity::ChannelId,
    message: serenity::MessageId,
    name: String,
) -> Option<serenity::ChannelId> {
    // A day of quiet before Discord archives it: a video is made well within that.
    let request = serenity::CreateThread::new(name)
        .auto_archive_duration(serenity::AutoArchiveDuration::OneDay);
    data.budget.take(Priority::Urgent).await;
    let thread = match channel
        .create_thread_from_message(http, message, request)
        .await
    {
        Ok(thread) => thread,
        Err(e) => {
            tracing::info!(%channel, "no thread for a request, answering in the channel: {e}");
            return None;
        }
    };
    let group = group_of(thread.guild_id);
    if let Err(e) = data.engine.note_thread(&group, thread.id.get()).await {
        // The thread still serves this request; later words there will need a mention.
        tracing::warn!(thread = %thread.id, "could not remember a thread: {e}");
    }
    Some(thread.id)
}
