//! Everything that is not a slash command: dropped files and words, buttons, and the one
//! `on_error` that turns failures into a friendly sentence.

use super::ids::{may_use, parse_button_id};
use super::{attach, place_for, Data, Error, Where};
use crate::engine::front::Front;
use crate::engine::gui::Suggestion;
use crate::engine::Request;
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// Routes gateway events the commands do not cover.
pub async fn on_event(
    ctx: &serenity::Context,
    event: &serenity::FullEvent,
    data: &Data,
) -> Result<(), Error> {
    match event {
        serenity::FullEvent::Message { new_message } => on_message(ctx, new_message, data).await,
        serenity::FullEvent::InteractionCreate { interaction }
            if super::edit::edit_of(interaction).is_some() =>
        {
            super::edit::on_interaction(ctx, interaction, data).await
        }
        serenity::FullEvent::InteractionCreate {
            interaction: serenity::Interaction::Component(click),
        } => on_button(ctx, click, data).await,
        _ => Ok(()),
    }
}

/// A message in a DM, a listening channel, or mentioning the bot: its files and words.
async fn on_message(
    ctx: &serenity::Context,
    msg: &serenity::Message,
    data: &Data,
) -> Result<(), Error> {
    let me = ctx.cache.current_user().id;
    if msg.author.bot {
        return Ok(());
    }
    let in_guild = msg.guild_id.is_some();
    let listening = !in_guild
        || data.config.discord.channels.contains(&msg.channel_id.get())
        || msg.mentions_user_id(me);
    if !listening {
        return Ok(());
    }
    let words = msg
        .content
        .replace(&format!("<@{}>", me.get()), "")
        .replace(&format!("<@!{}>", me.get()), "");
    let words = words.trim().to_string();
    if words.is_empty() && msg.attachments.is_empty() {
        return Ok(());
    }
    let at = Where {
        channel: msg.channel_id,
        user: msg.author.id,
        guild: msg.guild_id,
    };
    // A message carries no locale: the member's words tell their language (else the
    // project's), for the engine's answers and the front's own words alike.
    let (front, actor) = place_for(ctx.http.clone(), data, at, "");
    let engine = data.engine.clone();
    let attachments = msg.attachments.clone();
    let forward = data.config.discord.forward_urls;
    // The gateway loop must wait neither for a turn that may take minutes nor for the checks'
    // store reads and refusals; the stop waits for the task.
    data.tasks.spawn(async move {
        let lang = engine.language(&actor, &words).await;
        let (front, actor) = (Arc::new(front.speaking(lang)), actor.speaking(lang));
        if attachments.is_empty() {
            return engine.handle(&actor, Request::Say(words), front).await;
        }
        // From Discord's metadata, before any file is fetched.
        let makes_videos = !words.is_empty();
        let checked = engine
            .check_files_first(&actor, front.as_ref(), attachments.len(), makes_videos)
            .await;
        if let Err(sentence) = checked {
            if let Err(e) = front.send(&sentence, true).await {
                tracing::warn!("could not explain refused attachments: {e}");
            }
            return;
        }
        // `fetched` owns the downloaded files until the engine is done with them.
        let fetched = attach::fetch(&attachments, forward, lang).await;
        for sentence in &fetched.refused {
            if let Err(e) = front.send(sentence, true).await {
                tracing::warn!("could not explain a refused attachment: {e}");
            }
        }
        if !fetched.media.is_empty() {
            let request = Request::Upload {
                media: fetched.media.clone(),
                text: words,
            };
            engine.handle(&actor, request, front).await;
        }
    });
    Ok(())
}

/// Export / Status buttons, for the members of the button's scope only.
async fn on_button(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    data: &Data,
) -> Result<(), Error> {
    let Some((action, scope)) = parse_button_id(&click.data.custom_id) else {
        return Ok(());
    };
    let lang = Lang::from_tag(&click.locale);
    if !may_use(&scope, click.channel_id.get(), click.user.id.get()) {
        click
            .create_response(&ctx.http, super::edit::refusal(lang))
            .await?;
        return Ok(());
    }
    click.defer(&ctx.http).await?;
    let at = Where {
        channel: click.channel_id,
        user: click.user.id,
        guild: click.guild_id,
    };
    let (front, mut actor) = place_for(ctx.http.clone(), data, at, &click.locale);
    let front = Arc::new(front.with_permissions(click.app_permissions));
    actor.scope = scope;
    let request = match action {
        Suggestion::Export => Request::Export,
        Suggestion::Status => Request::Status,
    };
    let engine = data.engine.clone();
    data.tasks
        .spawn(async move { engine.handle(&actor, request, front).await });
    Ok(())
}

/// Tells the member a command failed: in its deferred response when it was deferred (a
/// follow-up would land there anyway, with the deferral's visibility, and the response must not
/// stay "thinking…"), else in a response only they see.
async fn report_failure(ctx: super::Context<'_>) -> Result<(), serenity::Error> {
    let sentence = tr!(super::lang(ctx), "discord-command-failed");
    if let poise::Context::Application(app) = ctx {
        if app.has_sent_initial_response.load(Ordering::SeqCst) {
            let edit = serenity::EditInteractionResponse::new().content(sentence);
            return app
                .interaction
                .edit_response(ctx.http(), edit)
                .await
                .map(drop);
        }
    }
    let reply = poise::CreateReply::default()
        .content(sentence)
        .ephemeral(true);
    ctx.send(reply).await.map(drop)
}

/// One place for failures: the user gets one sentence, the log gets the details.
pub async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::Command { error, ctx, .. } => {
            tracing::error!(command = %ctx.command().name, "command failed: {error}");
            if let Err(e) = report_failure(ctx).await {
                tracing::warn!("could not report a failure: {e}");
            }
        }
        other => {
            if let Err(e) = poise::builtins::on_error(other).await {
                tracing::error!("error while handling an error: {e}");
            }
        }
    }
}
