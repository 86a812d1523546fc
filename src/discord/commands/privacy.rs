//! `/forget-me`: a member has the bot delete what it keeps about them, after confirming.

use crate::discord::ids::{forget_id, parse_forget_id};
use crate::discord::Context;
use crate::discord::{edit, lang, Data, Error};
use crate::engine::Actor;
use crate::i18n::Lang;
use crate::store::MemberForgotten;
use crate::tr;
use poise::serenity_prelude as serenity;

/// Delete what the bot keeps about you (it asks first; only you see it).
#[poise::command(slash_command, rename = "forget-me")]
pub async fn forget_me(ctx: Context<'_>) -> Result<(), Error> {
    let lang = lang(ctx);
    let confirm = serenity::CreateButton::new(forget_id(ctx.author().id.get()))
        .style(serenity::ButtonStyle::Danger)
        .label(tr!(lang, "forget-button"));
    let reply = poise::CreateReply::default()
        .content(tr!(lang, "forget-ask"))
        .components(vec![serenity::CreateActionRow::Buttons(vec![confirm])])
        .ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// A press of the confirmation button, if `click` is one: only its member may confirm; what
/// was deleted (and what the bot cannot delete) is told to them only. `false` for any other
/// button.
pub async fn on_confirm(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    data: &Data,
) -> Result<bool, Error> {
    let Some(user) = parse_forget_id(&click.data.custom_id) else {
        return Ok(false);
    };
    let lang = Lang::from_tag(&click.locale);
    if user != click.user.id.get() {
        click
            .create_response(&ctx.http, edit::refusal(lang))
            .await?;
        return Ok(true);
    }
    // Deleting takes a few store writes; Discord's 3 seconds must not run out meanwhile.
    let thinking = serenity::CreateInteractionResponseMessage::new().ephemeral(true);
    let deferred = serenity::CreateInteractionResponse::Defer(thinking);
    click.create_response(&ctx.http, deferred).await?;
    let actor = Actor {
        user: format!("discord:{user}"),
        scope: format!("user:{user}"),
        lang: lang.tag().to_string(),
        group: None,
    };
    let text = match data.engine.forget_member(&actor).await {
        Ok(forgotten) => done(lang, forgotten),
        Err(e) => {
            tracing::error!("could not forget a member: {e}");
            tr!(lang, "forget-failed")
        }
    };
    let answer = serenity::EditInteractionResponse::new().content(text);
    click.edit_response(&ctx.http, answer).await?;
    Ok(true)
}

/// What was deleted, and what the bot cannot delete.
fn done(lang: Lang, f: MemberForgotten) -> String {
    let account = match f.account {
        true => tr!(lang, "forget-account"),
        false => tr!(lang, "forget-no-account"),
    };
    let counts = tr!(
        lang,
        "forget-counts",
        sessions = f.sessions,
        jobs = f.jobs,
        turns = f.turns,
        videos = f.videos
    );
    format!(
        "{}\n{account}\n{counts}\n{}",
        tr!(lang, "forget-done"),
        tr!(lang, "forget-nemo")
    )
}
