//! `/settings`: what a server's moderators choose for it — where the bot listens without a
//! mention, its language, a thread per video, quotas within the operator's, who may use it —
//! and a card of it all. Registered for members with Manage Server
//! (`default_member_permissions`) and checked again here: Discord lets a server's admins give a
//! command to anyone ("Application Command Permissions").

use crate::discord::{embeds, group_of, guilds, lang, manages_server, Context, Error};
use crate::engine::cards::{Card, Field, Tone};
use crate::i18n::Lang;
use crate::store::ServerSettings;
use crate::tr;
use poise::serenity_prelude as serenity;

/// The server's settings (members who can manage the server).
#[poise::command(
    slash_command,
    guild_only,
    default_member_permissions = "MANAGE_GUILD",
    subcommands("channels", "language", "threads", "quota", "role", "show"),
    subcommand_required
)]
pub async fn settings(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Channels where songs and words are taken without a mention.
#[poise::command(
    slash_command,
    guild_only,
    subcommands("channels_add", "channels_remove", "channels_list"),
    subcommand_required
)]
async fn channels(_ctx: Context<'_>) -> Result<(), Error> {
    Ok(())
}

/// Take songs and words dropped in a channel without a mention.
#[poise::command(slash_command, guild_only, rename = "add")]
async fn channels_add(
    ctx: Context<'_>,
    #[channel_types("Text", "News")] channel: serenity::ChannelId,
) -> Result<(), Error> {
    let id = channel.get();
    let reads = ctx.data().config.discord.reads_messages();
    change(
        ctx,
        move |s| {
            let list = s.channels.get_or_insert_with(Vec::new);
            if !list.contains(&id) {
                list.push(id);
            }
        },
        move |lang, _| {
            let added = tr!(lang, "settings-channel-added", channel = id.to_string());
            match reads {
                true => added,
                false => format!("{added}\n{}", tr!(lang, "settings-no-message-content")),
            }
        },
    )
    .await
}

/// Stop taking songs and words in a channel without a mention.
#[poise::command(slash_command, guild_only, rename = "remove")]
async fn channels_remove(
    ctx: Context<'_>,
    #[channel_types("Text", "News")] channel: serenity::ChannelId,
) -> Result<(), Error> {
    let (id, defaults) = (channel.get(), ctx.data().config.discord.channels.clone());
    change(
        ctx,
        // The first choice a server makes starts from the operator's list.
        move |s| s.channels.get_or_insert(defaults).retain(|c| *c != id),
        move |lang, _| tr!(lang, "settings-channel-removed", channel = id.to_string()),
    )
    .await
}

/// The channels where songs and words are taken without a mention.
#[poise::command(slash_command, guild_only, rename = "list")]
async fn channels_list(ctx: Context<'_>) -> Result<(), Error> {
    let reads = ctx.data().config.discord.reads_messages();
    look(ctx, move |lang, settings| {
        let list = listening(lang, settings);
        match reads {
            true => list,
            false => format!("{list}\n{}", tr!(lang, "settings-no-message-content")),
        }
    })
    .await
}

/// A server's language: each of them by its own name, so members recognise theirs.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
enum Language {
    #[name = "English"]
    English,
    #[name = "简体中文"]
    Chinese,
}

/// The language for messages that carry none (empty: each member's own words decide).
#[poise::command(slash_command, guild_only)]
async fn language(ctx: Context<'_>, language: Option<Language>) -> Result<(), Error> {
    let chosen = language.map(|l| match l {
        Language::English => Lang::En,
        Language::Chinese => Lang::ZhCn,
    });
    change(
        ctx,
        move |s| s.language = chosen.map(|l| l.tag().to_string()),
        move |lang, _| match chosen {
            Some(l) => tr!(lang, "settings-language-set", language = l.name()),
            None => tr!(lang, "settings-language-auto"),
        },
    )
    .await
}

/// A thread of its own for each new video, named after the song.
#[poise::command(slash_command, guild_only)]
async fn threads(ctx: Context<'_>, on: bool) -> Result<(), Error> {
    let missing = can_open_threads(ctx).is_some_and(|can| !can);
    change(
        ctx,
        move |s| s.threads = on,
        move |lang, _| match (on, missing) {
            (false, _) => tr!(lang, "settings-threads-off"),
            (true, false) => tr!(lang, "settings-threads-on"),
            (true, true) => format!(
                "{}\n{}",
                tr!(lang, "settings-threads-on"),
                tr!(lang, "settings-threads-missing")
            ),
        },
    )
    .await
}

/// Turns and running exports allowed here (none given: the operator's own).
#[poise::command(slash_command, guild_only)]
async fn quota(
    ctx: Context<'_>,
    #[min = 1] turns_per_hour: Option<u32>,
    #[min = 1] exports_per_member: Option<u32>,
    #[min = 1] exports_per_server: Option<u32>,
) -> Result<(), Error> {
    let reset = turns_per_hour.is_none() && exports_per_member.is_none();
    let reset = reset && exports_per_server.is_none();
    let limits = ctx.data().engine.limits().clone();
    change(
        ctx,
        move |s| {
            if reset {
                (s.turns_per_hour, s.exports_per_member, s.exports_per_server) = (None, None, None);
            }
            s.turns_per_hour = turns_per_hour.or(s.turns_per_hour);
            s.exports_per_member = exports_per_member.or(s.exports_per_member);
            s.exports_per_server = exports_per_server.or(s.exports_per_server);
        },
        move |lang, s| {
            let q = guilds::quotas(s, &limits);
            let set = quota_sentence(lang, q);
            match q.capped {
                false => set,
                true => format!("{set}\n{}", tr!(lang, "settings-quota-capped")),
            }
        },
    )
    .await
}

/// Only members with this role may use the bot here (empty: everyone).
#[poise::command(slash_command, guild_only)]
async fn role(ctx: Context<'_>, role: Option<serenity::RoleId>) -> Result<(), Error> {
    let role = role.map(|r| r.get());
    change(
        ctx,
        move |s| s.role = role,
        move |lang, _| match role {
            Some(role) => tr!(lang, "settings-role-set", role = role.to_string()),
            None => tr!(lang, "settings-role-everyone"),
        },
    )
    .await
}

/// This server's settings, as a card.
#[poise::command(slash_command, guild_only)]
async fn show(ctx: Context<'_>) -> Result<(), Error> {
    let Some(group) = moderator(ctx).await? else {
        return Ok(());
    };
    ctx.defer_ephemeral().await?;
    let settings = ctx.data().engine.server(&group).await;
    let card = card(lang(ctx), &settings, ctx);
    let reply = poise::CreateReply::default()
        .embed(embeds::embed(&card))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// The settings card: where the bot listens, its language, threads, quotas and role.
fn card(lang: Lang, settings: &ServerSettings, ctx: Context<'_>) -> Card {
    let q = guilds::quotas(settings, ctx.data().engine.limits());
    let field = |name: String, value: String| Field {
        name,
        value,
        inline: false,
    };
    let language = match settings.language.as_deref() {
        Some(tag) => Lang::from_tag(tag).name().to_string(),
        None => tr!(lang, "settings-language-members"),
    };
    let threads = match settings.threads {
        true => tr!(lang, "settings-on"),
        false => tr!(lang, "settings-off"),
    };
    let role = match settings.role {
        Some(role) => format!("<@&{role}>"),
        None => tr!(lang, "settings-everyone"),
    };
    let quotas = quota_sentence(lang, q);
    let mut card = Card::new(lang, Tone::Info, tr!(lang, "settings-title"));
    card.fields = vec![
        field(
            tr!(lang, "settings-field-channels"),
            listening(lang, settings),
        ),
        field(tr!(lang, "settings-field-language"), language),
        field(tr!(lang, "settings-field-threads"), threads),
        field(tr!(lang, "settings-field-quotas"), quotas),
        field(tr!(lang, "settings-field-role"), role),
    ];
    card
}

/// The quotas that apply, as a sentence.
fn quota_sentence(lang: Lang, q: guilds::Quotas) -> String {
    tr!(
        lang,
        "settings-quota-set",
        turns = q.turns,
        member = q.per_member,
        server = q.per_server
    )
}

/// Where the bot listens without a mention, as a sentence.
fn listening(lang: Lang, settings: &ServerSettings) -> String {
    match settings.channels.as_deref() {
        None => tr!(lang, "settings-channels-default"),
        Some([]) => tr!(lang, "settings-channels-none"),
        Some(list) => {
            let list: Vec<String> = list.iter().map(|c| format!("<#{c}>")).collect();
            tr!(lang, "settings-channels-list", channels = list.join(", "))
        }
    }
}

/// The server's group, when the member may change its settings; else they are told why not.
async fn moderator(ctx: Context<'_>) -> Result<Option<String>, Error> {
    match ctx.guild_id() {
        Some(guild) if manages_server(ctx) => Ok(Some(group_of(guild))),
        _ => {
            let reply = poise::CreateReply::default()
                .content(tr!(lang(ctx), "settings-not-allowed"))
                .ephemeral(true);
            ctx.send(reply).await?;
            Ok(None)
        }
    }
}

/// Changes the server's settings with `change` and answers the moderator (only them) with
/// `answer`'s sentence about the settings as they now are.
async fn change(
    ctx: Context<'_>,
    change: impl FnOnce(&mut ServerSettings) + Send + 'static,
    answer: impl FnOnce(Lang, &ServerSettings) -> String,
) -> Result<(), Error> {
    let Some(group) = moderator(ctx).await? else {
        return Ok(());
    };
    // A store write may take longer than Discord's 3 seconds under load.
    ctx.defer_ephemeral().await?;
    let settings = ctx.data().engine.change_server(&group, change).await?;
    let reply = poise::CreateReply::default()
        .content(answer(lang(ctx), &settings))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// Answers the moderator with a sentence about the settings as they are.
async fn look(
    ctx: Context<'_>,
    answer: impl FnOnce(Lang, &ServerSettings) -> String,
) -> Result<(), Error> {
    let Some(group) = moderator(ctx).await? else {
        return Ok(());
    };
    let settings = ctx.data().engine.server(&group).await;
    let reply = poise::CreateReply::default()
        .content(answer(lang(ctx), &settings))
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// Whether the bot may open threads in this channel and post in them, as the interaction's
/// `app_permissions` say (none said: unknown).
fn can_open_threads(ctx: Context<'_>) -> Option<bool> {
    let poise::Context::Application(app) = ctx else {
        return None;
    };
    let granted = app.interaction.app_permissions?;
    let needed = serenity::Permissions::CREATE_PUBLIC_THREADS
        | serenity::Permissions::SEND_MESSAGES_IN_THREADS;
    Some(granted.administrator() || granted.contains(needed))
}
