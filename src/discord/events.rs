//! Everything that is not a slash command: dropped files and words, buttons, and the one
//! `on_error` that turns failures into a friendly sentence.

use super::guilds::{self, Heard};
use super::ids::{may_use, parse_button_id};
use super::{attach, group_of, manages, manages_server, place_for, threads, Data, Error, Where};
use crate::engine::front::Front;
use crate::engine::gui::Suggestion;
use crate::engine::Request;
use crate::i18n::Lang;
use crate::store::ServerSettings;
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
        } => match (super::cancel::cancel_of(click), super::take::take_of(click)) {
            (Some(cancel), _) => super::cancel::on_click(ctx, click, data, cancel).await,
            (None, Some(take)) => super::take::on_click(ctx, click, data, take).await,
            (None, None) => on_button(ctx, click, data).await,
        },
        // Removed from a server (no `unavailable`: an outage deletes nothing), or added back.
        serenity::FullEvent::GuildDelete { incomplete, .. } if !incomplete.unavailable => {
            presence(ctx, data, incomplete.id).await;
            Ok(())
        }
        serenity::FullEvent::GuildCreate { guild, .. } => {
            presence(ctx, data, guild.id).await;
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Brings the store in line with whether the bot is in `guild` as serenity's cache says now:
/// removed, the server is forgotten after the grace period; back, nothing of it is. Handlers of
/// gateway events run in tasks of their own, in no set order, while the cache follows the
/// events in order; so whichever of a removal's and a return's handlers runs last (one at a
/// time, under the lock) reads the final state.
async fn presence(ctx: &serenity::Context, data: &Data, guild: serenity::GuildId) {
    let _one = data.presence.lock().await;
    let present = ctx.cache.guild(guild).is_some();
    let group = group_of(guild);
    match present {
        true => data.engine.server_back(&group).await,
        false => data.engine.server_left(&group).await,
    }
}

/// A message in a DM, a listening channel, a thread the bot opened, or mentioning the bot: its
/// files and words.
async fn on_message(
    ctx: &serenity::Context,
    msg: &serenity::Message,
    data: &Data,
) -> Result<(), Error> {
    let me = ctx.cache.current_user().id;
    if msg.author.bot {
        return Ok(());
    }
    let (heard, settings) = hearing(msg, data, msg.mentions_user_id(me)).await;
    if heard == Heard::No {
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
    let mut at = Where {
        channel: msg.channel_id,
        user: msg.author.id,
        guild: msg.guild_id,
        thread: heard == Heard::Thread,
    };
    // Discord sends a message's member without permissions: there the role counts for all.
    let roles = role_ids(msg.member.as_deref().map(|m| m.roles.as_slice()));
    if !guilds::may_use(&settings, &roles, false) {
        let (front, actor) = place_for(ctx.http.clone(), data, at, "");
        let lang = data.engine.language(&actor, &words).await;
        let sentence = guilds::role_required(lang, &settings);
        if let Err(e) = front.speaking(lang).send(&sentence, true).await {
            tracing::warn!("could not tell a member about the server's role: {e}");
        }
        return Ok(());
    }
    if guilds::opens_thread(&settings, heard, !msg.attachments.is_empty(), &words) {
        let files: Vec<&str> = msg
            .attachments
            .iter()
            .map(|a| a.filename.as_str())
            .collect();
        let name = guilds::thread_name(&files, &words);
        if let Some(thread) = threads::open(&ctx.http, data, msg.channel_id, msg.id, name).await {
            (at.channel, at.thread) = (thread, true);
        }
    }
    // A message carries no locale: the member's words tell their language (else the
    // server's, else the project's), for the engine's answers and the front's own words alike.
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

/// Whether a message is for the bot, and the settings of its server (the defaults in a DM).
async fn hearing(msg: &serenity::Message, data: &Data, mentioned: bool) -> (Heard, ServerSettings) {
    let Some(guild) = msg.guild_id else {
        return (Heard::Channel, ServerSettings::default());
    };
    let group = group_of(guild);
    let channel = msg.channel_id.get();
    let settings = data.engine.server(&group).await;
    let thread = data.engine.is_thread(&group, channel).await;
    let defaults = &data.config.discord.channels;
    let heard = guilds::heard(&settings, defaults, channel, thread, mentioned);
    (heard, settings)
}

/// Export / Status buttons, for the members of the button's scope only.
async fn on_button(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    data: &Data,
) -> Result<(), Error> {
    if super::commands::privacy::on_confirm(ctx, click, data).await? {
        return Ok(());
    }
    if super::commands::videos::on_page(ctx, click, data).await? {
        return Ok(());
    }
    let Some((action, scope)) = parse_button_id(&click.data.custom_id) else {
        return Ok(());
    };
    let lang = Lang::from_tag(&click.locale);
    let refusal = (!may_use(&scope, click.channel_id.get(), click.user.id.get()))
        .then(|| super::edit::refusal(lang));
    let at = Where {
        channel: click.channel_id,
        user: click.user.id,
        guild: click.guild_id,
        thread: false,
    };
    let request = match action {
        Suggestion::Export => Request::Export,
        Suggestion::Status => Request::Status,
    };
    run_pressed(ctx, click, data, refusal, (at, Some(scope)), request).await
}

/// A button pressed to run `request`: refused privately with `refusal` (a press that is not
/// the member's to make), or where the server keeps the bot to a role they lack; else
/// acknowledged at once (Discord's 3 s), and the request runs at `at` (in the button's scope,
/// when it names one) in the background.
pub(super) async fn run_pressed(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    data: &Data,
    refusal: Option<serenity::CreateInteractionResponse>,
    (at, scope): (Where, Option<String>),
    request: Request,
) -> Result<(), Error> {
    let lang = Lang::from_tag(&click.locale);
    let refusal = match refusal {
        Some(refusal) => Some(refusal),
        None => role_refusal(data, click, lang).await,
    };
    if let Some(refusal) = refusal {
        click.create_response(&ctx.http, refusal).await?;
        return Ok(());
    }
    click.defer(&ctx.http).await?;
    let (front, mut actor) = place_for(ctx.http.clone(), data, at, &click.locale);
    let front = Arc::new(front.with_permissions(click.app_permissions));
    if let Some(scope) = scope {
        actor.scope = scope;
    }
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

/// The refusal a button's member gets where their server keeps the bot to a role they lack
/// (members who can manage the server always may); `None` where they may press it.
pub(super) async fn role_refusal(
    data: &Data,
    click: &serenity::ComponentInteraction,
    lang: Lang,
) -> Option<serenity::CreateInteractionResponse> {
    let settings = data.engine.server(&group_of(click.guild_id?)).await;
    let member = click.member.as_ref();
    let roles = role_ids(member.map(|m| m.roles.as_slice()));
    let manages = member.and_then(|m| m.permissions).is_some_and(manages);
    if guilds::may_use(&settings, &roles, manages) {
        return None;
    }
    let refusal = serenity::CreateInteractionResponseMessage::new()
        .content(guilds::role_required(lang, &settings))
        .ephemeral(true);
    Some(serenity::CreateInteractionResponse::Message(refusal))
}

/// A member's roles (none known: none), as the server's settings name them.
fn role_ids(roles: Option<&[serenity::RoleId]>) -> Vec<u64> {
    roles.unwrap_or_default().iter().map(|r| r.get()).collect()
}

/// Whether the member of a command may use the bot where they are: everywhere, unless their
/// server keeps it to a role (its moderators always may, and `/settings`, `/help` and
/// `/forget-me` are always open: the first checks for itself, and anyone may be forgotten).
pub async fn may_use_bot(ctx: super::Context<'_>) -> Result<bool, Error> {
    let Some(guild) = ctx.guild_id() else {
        return Ok(true);
    };
    let root = ctx
        .parent_commands()
        .first()
        .copied()
        .unwrap_or(ctx.command());
    if matches!(&*root.name, "settings" | "help" | "forget-me") {
        return Ok(true);
    }
    let settings = ctx.data().engine.server(&group_of(guild)).await;
    let member = match ctx {
        poise::Context::Application(app) => app.interaction.member.as_deref(),
        poise::Context::Prefix(_) => None,
    };
    let roles = role_ids(member.map(|m| m.roles.as_slice()));
    Ok(guilds::may_use(&settings, &roles, manages_server(ctx)))
}

/// Tells a member of a command that their server keeps the bot to a role they lack.
async fn report_role(ctx: super::Context<'_>) -> Result<(), serenity::Error> {
    let settings = match ctx.guild_id() {
        Some(guild) => ctx.data().engine.server(&group_of(guild)).await,
        None => ServerSettings::default(),
    };
    let sentence = guilds::role_required(super::lang(ctx), &settings);
    let reply = poise::CreateReply::default()
        .content(sentence)
        .ephemeral(true);
    ctx.send(reply).await.map(drop)
}

/// One place for failures: the user gets one sentence, the log gets the details.
pub async fn on_error(error: poise::FrameworkError<'_, Data, Error>) {
    match error {
        poise::FrameworkError::CommandCheckFailed {
            error: None, ctx, ..
        } => {
            if let Err(e) = report_role(ctx).await {
                tracing::warn!("could not tell a member about the server's role: {e}");
            }
        }
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
