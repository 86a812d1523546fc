//! `/musicvideo` and the "Make music video" message menu.

use crate::discord::budget::Priority;
use crate::discord::front::{ChannelFront, Deferral};
use crate::discord::{
    attach, defer, group_of, guilds, lang, place_for, threads, Context, Error, Where,
};
use crate::engine::front::Front;
use crate::engine::{Actor, Media, Request};
use crate::tr;
use poise::serenity_prelude as serenity;
use std::sync::Arc;

/// Make a music video: attach a song or give a link, or iterate on the current video.
#[poise::command(slash_command)]
pub async fn musicvideo(
    ctx: Context<'_>,
    #[autocomplete = "super::help::prompt_examples"] prompt: Option<String>,
    audio: Option<serenity::Attachment>,
    url: Option<String>,
) -> Result<(), Error> {
    let attachments: Vec<serenity::Attachment> = audio.into_iter().collect();
    // A picked example arrives as its key (Discord's 100-character limit on a choice's value).
    let prompt = prompt.map(|p| super::help::expand(&p, lang(ctx)));
    make(ctx, prompt, &attachments, url).await
}

/// Make a music video from the audio attached to this message.
#[poise::command(context_menu_command = "Make music video")]
pub async fn make_music_video(ctx: Context<'_>, message: serenity::Message) -> Result<(), Error> {
    if message.attachments.is_empty() {
        // Answered at once (not deferred): a refusal for the member only.
        ctx.send(
            poise::CreateReply::default()
                .content(tr!(lang(ctx), "discord-no-audio-attached"))
                .ephemeral(true),
        )
        .await?;
        return Ok(());
    }
    let prompt = Some(message.content.clone()).filter(|c| !c.trim().is_empty());
    make(ctx, prompt, &message.attachments, None).await
}

/// A music video: deferred for everyone to see (the turn answers in the channel); refusals go
/// to the member only.
async fn make(
    ctx: Context<'_>,
    prompt: Option<String>,
    attachments: &[serenity::Attachment],
    url: Option<String>,
) -> Result<(), Error> {
    let (front, actor) = defer(ctx, Deferral::Public).await?;
    let front = Arc::new(front);
    let made = fetch_and_make(ctx, &front, &actor, prompt, attachments, url).await;
    // Whatever happened (a refusal, a failed step), the deferred response is not left
    // "thinking…".
    front.finish().await;
    made
}

async fn fetch_and_make(
    ctx: Context<'_>,
    front: &Arc<ChannelFront>,
    actor: &Actor,
    prompt: Option<String>,
    attachments: &[serenity::Attachment],
    url: Option<String>,
) -> Result<(), Error> {
    let data = ctx.data();
    if !attachments.is_empty() {
        let count = attachments.len() + usize::from(url.is_some());
        let checked = data
            .engine
            .check_files_first(actor, front.as_ref(), count, true)
            .await;
        if let Err(sentence) = checked {
            front.tell_privately(&sentence).await?;
            return Ok(());
        }
    }
    let names: Vec<&str> = attachments.iter().map(|a| a.filename.as_str()).collect();
    let name = guilds::thread_name(&names, prompt.as_deref().unwrap_or_default());
    let moved = into_thread(ctx, front, name).await;
    let (front, actor) = match &moved {
        Some((front, actor)) => (front, actor),
        None => {
            // A progress line: the request goes on without it.
            if let Err(e) = front.status(&tr!(lang(ctx), "discord-on-it")).await {
                tracing::warn!("could not show that the request started: {e}");
            }
            (front, actor)
        }
    };
    let forward = data.config.discord.forward_urls;
    let fetched = attach::fetch(attachments, forward, lang(ctx)).await;
    for sentence in &fetched.refused {
        front.tell_privately(sentence).await?;
    }
    if !attachments.is_empty() && fetched.media.is_empty() && url.is_none() {
        return Ok(());
    }
    let mut media = fetched.media.clone();
    media.extend(url.map(Media::Url));
    let request = Request::MusicVideo { prompt, media };
    data.engine.handle(actor, request, front.clone()).await;
    Ok(())
}

/// Moves a request into a thread of its own where the server turned threads on: the command's
/// response says so and becomes the thread's first message, and the request is answered in
/// the thread, its project. `None` where it stays in the channel (threads off, a DM, Discord
/// refused the thread: the response's next progress line then replaces the pointer).
async fn into_thread(
    ctx: Context<'_>,
    front: &ChannelFront,
    name: String,
) -> Option<(Arc<ChannelFront>, Actor)> {
    let (guild, data) = (ctx.guild_id()?, ctx.data());
    let poise::Context::Application(app) = ctx else {
        return None;
    };
    if !data.engine.server(&group_of(guild)).await.threads {
        return None;
    }
    let pointer = front.status(&tr!(lang(ctx), "discord-in-thread")).await;
    data.budget.take(Priority::Urgent).await;
    if let Err(e) = pointer {
        tracing::warn!("could not point to a thread: {e}");
        return None;
    }
    let original = match app.interaction.get_response(ctx.http()).await {
        Ok(original) => original,
        Err(e) => {
            tracing::warn!("could not read the response to open a thread on: {e}");
            return None;
        }
    };
    let channel = ctx.channel_id();
    let thread = threads::open(ctx.http(), data, channel, original.id, name).await?;
    let at = Where {
        channel: thread,
        user: ctx.author().id,
        guild: Some(guild),
        thread: true,
    };
    let locale = ctx.locale().unwrap_or_default();
    // The interaction's `app_permissions` are the parent channel's, where sending needs Send
    // Messages; in a thread it needs Send Messages in Threads: the thread's front finds out.
    let (front, actor) = place_for(ctx.serenity_context().http.clone(), data, at, locale);
    Some((Arc::new(front), actor))
}
