//! The Edit button: a form asking what should change, whose answer is the next turn on the
//! button's project. The button and the form carry the scope in their custom ids, so both
//! work after a restart; both are for the members of that scope only.

use super::ids::{edit_id, may_use, EditId};
use super::interaction::{Deferral, InteractionToken};
use super::{place_for, Data, Error, Where};
use crate::engine::Request;
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::builder::{
    CreateActionRow, CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage,
    CreateModal,
};
use std::sync::Arc;
use std::time::Duration;

/// The custom id of the form's one text field.
const FIELD: &str = "what";

/// The Edit id of an interaction, when it is a click on an Edit button or an Edit form sent
/// back.
pub(crate) fn edit_of(interaction: &serenity::Interaction) -> Option<EditId> {
    let id = match interaction {
        serenity::Interaction::Component(click) => &click.data.custom_id,
        serenity::Interaction::Modal(submit) => &submit.data.custom_id,
        _ => return None,
    };
    super::ids::parse_edit_id(id)
}

/// Serves an interaction [`edit_of`] recognised.
pub(crate) async fn on_interaction(
    ctx: &serenity::Context,
    interaction: &serenity::Interaction,
    data: &Data,
) -> Result<(), Error> {
    match (interaction, edit_of(interaction)) {
        (serenity::Interaction::Component(click), Some(EditId::Button(scope))) => {
            let lang = Lang::from_tag(&click.locale);
            match super::events::role_refusal(data, click, lang).await {
                Some(refusal) => click
                    .create_response(&ctx.http, refusal)
                    .await
                    .map_err(Into::into),
                None => open_form(ctx, click, &scope).await,
            }
        }
        (serenity::Interaction::Modal(submit), Some(EditId::Form(scope))) => {
            run_edit(ctx, submit, data, scope).await
        }
        _ => Ok(()),
    }
}

/// A click: the form, answered at once (Discord waits 3 s for it).
async fn open_form(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    scope: &str,
) -> Result<(), Error> {
    let lang = Lang::from_tag(&click.locale);
    if !may_use(scope, click.channel_id.get(), click.user.id.get()) {
        return click
            .create_response(&ctx.http, refusal(lang))
            .await
            .map_err(Into::into);
    }
    let field = CreateInputText::new(
        serenity::InputTextStyle::Paragraph,
        tr!(lang, "edit-modal-label"),
        FIELD,
    )
    .placeholder(tr!(lang, "edit-modal-placeholder"));
    let form = CreateModal::new(
        edit_id(&EditId::Form(scope.to_string())),
        tr!(lang, "edit-modal-title"),
    )
    .components(vec![CreateActionRow::InputText(field)]);
    click
        .create_response(&ctx.http, CreateInteractionResponse::Modal(form))
        .await?;
    Ok(())
}

/// A submitted form: its text goes to the engine as the scope's next turn, answered as a
/// command is (deferred for everyone to see, then progress in the response and answers in the
/// channel; private ones only after the deferred response was edited).
async fn run_edit(
    ctx: &serenity::Context,
    submit: &serenity::ModalInteraction,
    data: &Data,
    scope: String,
) -> Result<(), Error> {
    let lang = Lang::from_tag(&submit.locale);
    // Checked again: a submit is a request of its own.
    if !may_use(&scope, submit.channel_id.get(), submit.user.id.get()) {
        submit.create_response(&ctx.http, refusal(lang)).await?;
        return Ok(());
    }
    let Some(words) = written(&submit.data.components) else {
        // Discord requires the field; an empty one is acknowledged and nothing runs.
        submit.defer(&ctx.http).await?;
        return Ok(());
    };
    let deferred = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
    submit.create_response(&ctx.http, deferred).await?;
    let at = Where {
        channel: submit.channel_id,
        user: submit.user.id,
        guild: submit.guild_id,
        thread: false,
    };
    let (front, mut actor) = place_for(ctx.http.clone(), data, at, &submit.locale);
    actor.scope = scope;
    let ttl = Duration::from_millis(data.config.discord.interaction_ttl_ms);
    let interaction = InteractionToken::new(&submit.token, ttl).deferred(Deferral::Public);
    let front = front
        .with_interaction(interaction)
        .with_permissions(submit.app_permissions);
    let front = Arc::new(front);
    let engine = data.engine.clone();
    data.tasks.spawn(async move {
        engine
            .handle(&actor, Request::Say(words), front.clone())
            .await;
        front.finish().await;
    });
    Ok(())
}

/// The text of the form's field, if something was written.
fn written(rows: &[serenity::ActionRow]) -> Option<String> {
    rows.iter()
        .flat_map(|row| &row.components)
        .find_map(|c| match c {
            serenity::ActionRowComponent::InputText(t) if t.custom_id == FIELD => t.value.clone(),
            _ => None,
        })
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// The private answer to someone outside a button's (or its form's) scope.
pub(super) fn refusal(lang: Lang) -> CreateInteractionResponse {
    let reply = CreateInteractionResponseMessage::new()
        .content(tr!(lang, "discord-button-not-yours"))
        .ephemeral(true);
    CreateInteractionResponse::Message(reply)
}
