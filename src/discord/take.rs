//! The Another take button: on a finished video's card, it asks for the video again — the
//! same words, a new turn on the same project, then an export — counted against the quotas
//! like any request. Its id carries who asked and their words, so any process obeys it.

use super::cancel::{may_press, reply};
use super::events::run_pressed;
use super::ids::{parse_take_id, take_id, TakeOf};
use super::{group_of, Data, Error, Where};
use crate::engine::{Request, TakeAction};
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::builder::CreateButton;

/// The Another take button of `action`, labelled in `lang`: when its asker is a Discord
/// member and its id fits.
pub(crate) fn button(action: &TakeAction, lang: Lang) -> Option<CreateButton> {
    let user = action.by.strip_prefix("discord:")?.parse().ok()?;
    let id = take_id(user, &action.request, &action.video)?;
    let label = tr!(lang, "discord-button-take");
    Some(
        CreateButton::new(id)
            .label(label)
            .style(serenity::ButtonStyle::Secondary),
    )
}

/// Who asked for the video and what to ask for again, for an Another take click; `None` for
/// others.
pub(super) fn take_of(click: &serenity::ComponentInteraction) -> Option<(u64, TakeOf)> {
    parse_take_id(&click.data.custom_id)
}

/// Another take pressed: by the member who asked (or one who may manage messages there, on
/// their behalf), where the server's role lets them; the asker's words (from the button, else
/// from the video's record while the history keeps it) go to the engine again as a music
/// video request of the asker's project.
pub(super) async fn on_click(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    data: &Data,
    (asker, of): (u64, TakeOf),
) -> Result<(), Error> {
    let lang = Lang::from_tag(&click.locale);
    let refusal =
        (!may_press(click, asker)).then(|| reply(tr!(lang, "discord-take-not-yours"), true));
    let words = match (of, &refusal) {
        (TakeOf::Words(words), _) => words,
        // Refused before anything runs: the record is not read for someone else.
        (TakeOf::Video(_), Some(_)) => String::new(),
        (TakeOf::Video(video), None) => match recorded_words(data, asker, &video, lang).await {
            Ok(words) => words,
            Err(sentence) => {
                click
                    .create_response(&ctx.http, reply(sentence, true))
                    .await?;
                return Ok(());
            }
        },
    };
    // The asker's project: a thread the bot opened is its own, else the configured scope.
    let thread = match click.guild_id {
        Some(guild) => {
            (data.engine)
                .is_thread(&group_of(guild), click.channel_id.get())
                .await
        }
        None => false,
    };
    let at = Where {
        channel: click.channel_id,
        user: serenity::UserId::new(asker),
        guild: click.guild_id,
        thread,
    };
    let request = Request::MusicVideo {
        prompt: Some(words),
        media: Vec::new(),
    };
    run_pressed(ctx, click, data, refusal, (at, None), request).await
}

/// The words `asker`'s `video` was made from, as its record keeps them; else the sentence
/// that says why not (the history no longer keeps it, or the store failed).
async fn recorded_words(
    data: &Data,
    asker: u64,
    video: &str,
    lang: Lang,
) -> Result<String, String> {
    let user = format!("discord:{asker}");
    match data.engine.words_of_video(&user, video).await {
        Ok(Some(words)) => Ok(words),
        Ok(None) => Err(tr!(lang, "discord-take-gone")),
        Err(e) => {
            tracing::warn!(%video, "could not read a video's words for another take: {e}");
            Err(tr!(lang, "discord-command-failed"))
        }
    }
}
