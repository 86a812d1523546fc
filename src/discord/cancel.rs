//! The Cancel button: on a render's progress card, shown in the same call as the card (no
//! call of its own, however often the card is edited); pressed, obeyed by whichever process
//! receives it, since its id says what it stops and who asked. (A place in line's and a
//! streaming answer's are obeyed by the process that holds them only.)

use super::ids::{cancel_id, parse_cancel_id};
use super::{place_for, Data, Error, Where};
use crate::engine::{CancelAction, Cancellable, Cancelled, Card, Tone};
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::builder::{
    CreateButton, CreateInteractionResponse, CreateInteractionResponseMessage,
};

/// The buttons a card shows: its Cancel action's button when it has one (and its asker is a
/// Discord member whose id fits the button's), none once it is done (a finished render's card
/// keeps no Cancel), else whatever the message had (`None`).
pub(crate) fn buttons(card: &Card) -> Option<Vec<CreateButton>> {
    let Some(action) = &card.cancel else {
        return (card.tone == Tone::Done).then(Vec::new);
    };
    button(action, card.lang).map(|b| vec![b])
}

/// The Cancel button of `action`, labelled in `lang`: when its asker is a Discord member
/// and its id fits.
pub(crate) fn button(action: &CancelAction, lang: Lang) -> Option<CreateButton> {
    let user = action.by.strip_prefix("discord:")?.parse().ok()?;
    let id = cancel_id(&action.what, user)?;
    Some(CreateButton::new(id).label(tr!(lang, "discord-button-cancel")))
}

/// What a click's custom id cancels, and who asked for it; `None` for other buttons.
pub(super) fn cancel_of(click: &serenity::ComponentInteraction) -> Option<(Cancellable, u64)> {
    parse_cancel_id(&click.data.custom_id)
}

/// A Cancel pressed: by the member who asked, or one who may manage messages there (anyone
/// else is refused, privately); the engine stops it through the store, and the channel is told.
pub(super) async fn on_click(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    data: &Data,
    (what, asker): (Cancellable, u64),
) -> Result<(), Error> {
    let lang = Lang::from_tag(&click.locale);
    if !may_press(click, asker) {
        let sentence = tr!(lang, "discord-cancel-not-yours");
        click
            .create_response(&ctx.http, reply(sentence, true))
            .await?;
        return Ok(());
    }
    let at = Where {
        channel: click.channel_id,
        user: click.user.id,
        guild: click.guild_id,
        thread: false,
    };
    let (_, actor) = place_for(ctx.http.clone(), data, at, &click.locale);
    let response = match data.engine.cancel(&actor, &what).await {
        // An export's card becomes its end, for all who saw it, without its button; a place
        // in line says it left, in place, and a streamed answer that it was cancelled, at
        // its last edit: their presser is answered privately.
        Ok(Cancelled::Export) => ended(Cancelled::Export.sentence(lang)),
        Ok(cancelled) => reply(cancelled.sentence(lang), true),
        Err(e) => {
            tracing::error!("could not cancel: {e}");
            reply(tr!(lang, "discord-command-failed"), true)
        }
    };
    click.create_response(&ctx.http, response).await?;
    Ok(())
}

/// Whether the member of `click` may press a button of what `asker` asked for: they are the
/// asker, or they may manage messages there.
pub(super) fn may_press(click: &serenity::ComponentInteraction, asker: u64) -> bool {
    let moderates = (click.member.as_ref())
        .and_then(|m| m.permissions)
        .is_some_and(|p| p.manage_messages() || p.administrator());
    click.user.id.get() == asker || moderates
}

/// The clicked message (a render's progress card) edited into `sentence`, its card and
/// buttons gone, in the response itself (no call of its own, wherever the card is).
fn ended(sentence: String) -> CreateInteractionResponse {
    let message = CreateInteractionResponseMessage::new()
        .content(sentence)
        .embeds(Vec::new())
        .components(Vec::new());
    CreateInteractionResponse::UpdateMessage(message)
}

/// A response message: for the channel, or for the member only.
pub(super) fn reply(sentence: String, private: bool) -> CreateInteractionResponse {
    let message = CreateInteractionResponseMessage::new()
        .content(sentence)
        .ephemeral(private);
    CreateInteractionResponse::Message(message)
}
