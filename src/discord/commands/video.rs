//! `/musicvideo` and the "Make music video" message menu.

use crate::discord::{attach, lang, place, Context, Error};
use crate::engine::front::Front;
use crate::engine::{Media, Request};
use crate::tr;
use poise::serenity_prelude as serenity;

/// Make a music video: attach a song or give a link, or iterate on the current video.
#[poise::command(slash_command)]
pub async fn musicvideo(
    ctx: Context<'_>,
    #[autocomplete = "super::help::prompt_examples"] prompt: Option<String>,
    audio: Option<serenity::Attachment>,
    url: Option<String>,
) -> Result<(), Error> {
    ctx.defer().await?;
    let attachments: Vec<serenity::Attachment> = audio.into_iter().collect();
    make(ctx, prompt, &attachments, url).await
}

/// Make a music video from the audio attached to this message.
#[poise::command(context_menu_command = "Make music video")]
pub async fn make_music_video(ctx: Context<'_>, message: serenity::Message) -> Result<(), Error> {
    ctx.defer().await?;
    if message.attachments.is_empty() {
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

async fn make(
    ctx: Context<'_>,
    prompt: Option<String>,
    attachments: &[serenity::Attachment],
    url: Option<String>,
) -> Result<(), Error> {
    let data = ctx.data();
    let (front, actor) = place(ctx);
    let front = std::sync::Arc::new(front);
    if !attachments.is_empty() {
        let count = attachments.len() + usize::from(url.is_some());
        let checked = data
            .engine
            .check_files_first(&actor, front.as_ref(), count, true)
            .await;
        if let Err(sentence) = checked {
            let reply = poise::CreateReply::default().content(sentence);
            ctx.send(reply.ephemeral(true)).await?;
            return Ok(());
        }
    }
    // A progress line: the request goes on without it.
    if let Err(e) = front.status(&tr!(lang(ctx), "discord-on-it")).await {
        tracing::warn!("could not show that the request started: {e}");
    }
    let forward = data.config.discord.forward_urls;
    let fetched = attach::fetch(attachments, forward, lang(ctx)).await;
    for sentence in &fetched.refused {
        ctx.send(
            poise::CreateReply::default()
                .content(sentence)
                .ephemeral(true),
        )
        .await?;
    }
    if !attachments.is_empty() && fetched.media.is_empty() && url.is_none() {
        return Ok(());
    }
    let mut media = fetched.media.clone();
    media.extend(url.map(Media::Url));
    data.engine
        .handle(&actor, Request::MusicVideo { prompt, media }, front)
        .await;
    Ok(())
}
