//! `/musicvideo` and the "Make music video" message menu.

use crate::discord::{attach, place, Context, Error};
use crate::engine::front::Front;
use crate::engine::{Media, Request};
use poise::serenity_prelude as serenity;

/// Make a music video: attach a song or give a link, or iterate on the current video.
#[poise::command(
    slash_command,
    description_localized("zh-CN", "制作音乐视频：上传歌曲或提供链接，或继续修改当前视频")
)]
pub async fn musicvideo(
    ctx: Context<'_>,
    #[description = "What to make (default: visuals that match the beat and mood)"]
    #[autocomplete = "super::help::prompt_examples"]
    prompt: Option<String>,
    #[description = "A song (MP3, WAV, M4A, AAC, FLAC)"] audio: Option<serenity::Attachment>,
    #[description = "A link to a song, for files over Discord's upload limit"] url: Option<String>,
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
                .content("That message has no audio attached.")
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
    front.status("🎵 On it…").await?;
    let fetched = attach::fetch(attachments, data.config.discord.forward_urls).await;
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
