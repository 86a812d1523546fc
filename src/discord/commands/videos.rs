//! `/videos`: a member's finished videos, newest first, a page at a time, on a private card.
//! Its Previous/Next buttons carry where, which page and whose (`ids::videos_id`), so they
//! work after a restart and in any process; only that member may page (anyone else is refused
//! privately, as with the other buttons).

use crate::discord::embeds::embed;
use crate::discord::ids::{parse_videos_id, videos_id, VideosId};
use crate::discord::{edit, lang, Context, Data, Error};
use crate::engine::text::clock;
use crate::engine::videos::PAGE_SIZE;
use crate::engine::{Card, Field, Tone};
use crate::i18n::Lang;
use crate::store::{VideoPage, VideoRecord};
use crate::tr;
use poise::serenity_prelude as serenity;
use serenity::{
    CreateActionRow, CreateButton, CreateEmbed, CreateInteractionResponse,
    CreateInteractionResponseMessage,
};

/// Discord's limit on a field's value: a link that would not fit whole is not shown.
const FIELD_VALUE: usize = 1024;

/// Where to look for videos.
#[derive(Debug, Clone, Copy, PartialEq, Eq, poise::ChoiceParameter)]
pub enum Place {
    /// Wherever the member used the bot (the default: a member asking for their videos
    /// expects all of them, wherever they made them).
    #[name = "everywhere"]
    Everywhere,
    /// Only this channel, thread or DM.
    #[name = "here"]
    Here,
}

/// Your finished videos, newest first: everywhere or only here (only you see them).
#[poise::command(slash_command)]
pub async fn videos(
    ctx: Context<'_>,
    #[rename = "where"] place: Option<Place>,
) -> Result<(), Error> {
    ctx.defer_ephemeral().await?;
    let at = VideosId {
        here: place == Some(Place::Here),
        page: 0,
        user: ctx.author().id.get(),
    };
    let (lang, data) = (lang(ctx), ctx.data());
    let shown = page_of(data, at, ctx.channel_id().get()).await;
    let reply = match shown {
        Ok(page) => {
            let (content, card, buttons) = view(lang, &page, at, days(data));
            let reply = poise::CreateReply::default().components(buttons);
            let reply = match content {
                Some(sentence) => reply.content(sentence),
                None => reply,
            };
            card.into_iter().fold(reply, poise::CreateReply::embed)
        }
        Err(e) => {
            tracing::error!("could not list a member's videos: {e}");
            poise::CreateReply::default().content(tr!(lang, "discord-command-failed"))
        }
    };
    ctx.send(reply.ephemeral(true)).await?;
    Ok(())
}

/// A press of a paging button, if `click` is one: only its member may page; the card is
/// replaced in place. `false` for any other button.
pub async fn on_page(
    ctx: &serenity::Context,
    click: &serenity::ComponentInteraction,
    data: &Data,
) -> Result<bool, Error> {
    let Some(at) = parse_videos_id(&click.data.custom_id) else {
        return Ok(false);
    };
    let lang = Lang::from_tag(&click.locale);
    if at.user != click.user.id.get() {
        let refused = edit::refusal(lang);
        click.create_response(&ctx.http, refused).await?;
        return Ok(true);
    }
    let response = match page_of(data, at, click.channel_id.get()).await {
        Ok(page) => {
            let (content, card, buttons) = view(lang, &page, at, days(data));
            let message = CreateInteractionResponseMessage::new()
                .content(content.unwrap_or_default())
                .embeds(card.into_iter().collect())
                .components(buttons);
            CreateInteractionResponse::UpdateMessage(message)
        }
        Err(e) => {
            tracing::error!("could not list a member's videos: {e}");
            let failed = CreateInteractionResponseMessage::new()
                .content(tr!(lang, "discord-command-failed"))
                .ephemeral(true);
            CreateInteractionResponse::Message(failed)
        }
    };
    click.create_response(&ctx.http, response).await?;
    Ok(true)
}

/// The page `at` asks for, "here" being `channel` (as the front names the places it posts
/// to: `discord:<channel>:<user>`).
async fn page_of(data: &Data, at: VideosId, channel: u64) -> Result<VideoPage, Error> {
    let here = format!("discord:{channel}:");
    let place = at.here.then_some(here.as_str());
    let user = format!("discord:{}", at.user);
    Ok(data.engine.videos(&user, place, at.page).await?)
}

/// How many days videos are kept.
fn days(data: &Data) -> u64 {
    data.config.store.video_history_days
}

/// What the member sees: a sentence when there is nothing to list, else the card; and the
/// paging buttons when there is more than one page.
fn view(
    lang: Lang,
    page: &VideoPage,
    at: VideosId,
    days: u64,
) -> (Option<String>, Option<CreateEmbed>, Vec<CreateActionRow>) {
    if page.videos.is_empty() {
        let none = match (at.here, page.total) {
            (_, 1..) => tr!(lang, "videos-past-end"),
            (true, 0) => tr!(lang, "videos-none-here", days = days),
            (false, 0) => tr!(lang, "videos-none", days = days),
        };
        return (Some(none), None, Vec::new());
    }
    let pages = page.total.div_ceil(PAGE_SIZE);
    let mut card = Card::new(lang, Tone::Info, title(lang, at.here));
    card.fields = page.videos.iter().map(|v| field(lang, v)).collect();
    card.footer = Some(tr!(
        lang,
        "videos-footer",
        page = at.page + 1,
        pages = pages,
        total = page.total,
        days = days
    ));
    let buttons = if pages > 1 {
        let to = |page| videos_id(&VideosId { page, ..at });
        let previous = CreateButton::new(to(at.page.saturating_sub(1)))
            .label(tr!(lang, "videos-previous"))
            .disabled(at.page == 0);
        let next = CreateButton::new(to(at.page + 1))
            .label(tr!(lang, "videos-next"))
            .disabled(at.page + 1 >= pages);
        vec![CreateActionRow::Buttons(vec![previous, next])]
    } else {
        Vec::new()
    };
    (None, Some(embed(&card)), buttons)
}

fn title(lang: Lang, here: bool) -> String {
    match here {
        true => tr!(lang, "videos-title-here"),
        false => tr!(lang, "videos-title"),
    }
}

/// One video: its title, then its length and when it finished (a Discord timestamp, shown in
/// the member's own time zone), then its link — when the link fits Discord's field whole (a
/// cut link is a broken one), else a sentence saying so.
fn field(lang: Lang, video: &VideoRecord) -> Field {
    let name = (video.title.clone()).unwrap_or_else(|| tr!(lang, "card-video-untitled"));
    let when = format!("<t:{}:R>", video.finished_at);
    let facts = match video.length_secs {
        Some(s) => tr!(lang, "videos-facts", length = clock(s as f64), when = when),
        None => tr!(lang, "videos-when", when = when),
    };
    let link = format!("[{}]({})", tr!(lang, "videos-download"), video.url);
    let value = format!("{facts}\n{link}");
    let value = match value.chars().count() <= FIELD_VALUE {
        true => value,
        false => format!("{facts}\n{}", tr!(lang, "videos-no-link")),
    };
    Field {
        name,
        value,
        inline: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn video(title: Option<&str>, length: Option<u64>, url: &str) -> VideoRecord {
        VideoRecord {
            id: "render_1".into(),
            user: "discord:5".into(),
            place: "discord:7:5".into(),
            group: None,
            title: title.map(str::to_string),
            length_secs: length,
            finished_at: 1_800_000_000,
            url: url.into(),
            request: None,
        }
    }

    #[test]
    fn a_video_shows_its_title_length_time_and_a_link_only_when_it_fits_whole() {
        let short = "https://cdn.example/render_1.mp4";
        let long = format!("https://cdn.example/{}.mp4", "x".repeat(1100));
        let table = [
            (video(Some("Neon"), Some(31), short), "Neon", "0:31", true),
            (video(None, None, short), "Your music video", "", true),
            (video(Some("Long"), Some(90), &long), "Long", "1:30", false),
            (
                video(Some("Plain"), Some(5), "http://x/y.mp4"),
                "Plain",
                "0:05",
                true,
            ),
        ];
        for (v, name, length, linked) in table {
            let f = field(Lang::En, &v);
            assert_eq!(f.name, name);
            assert!(f.value.contains(length), "{}", f.value);
            assert!(f.value.contains("<t:1800000000:R>"), "{}", f.value);
            assert_eq!(f.value.contains(&v.url), linked, "{}", f.value);
            assert!(f.value.chars().count() <= FIELD_VALUE);
        }
    }

    #[test]
    fn paging_buttons_show_only_with_more_than_one_page_and_stop_at_the_ends() {
        let at = |page| VideosId {
            here: false,
            page,
            user: 5,
        };
        let page = |n: usize, total| VideoPage {
            videos: (0..n)
                .map(|_| video(None, None, "https://x/y.mp4"))
                .collect(),
            total,
        };
        // (shown, page asked, buttons, previous disabled, next disabled)
        let table = [
            (page(3, 3), 0, false, true, true),
            (page(5, 7), 0, true, true, false),
            (page(2, 7), 1, true, false, true),
            (page(5, 15), 1, true, false, false),
        ];
        for (shown, n, buttons, previous_off, next_off) in table {
            let (content, card, rows) = view(Lang::En, &shown, at(n), 30);
            assert!(content.is_none() && card.is_some());
            assert_eq!(!rows.is_empty(), buttons, "page {n} of {}", shown.total);
            if let Some(row) = rows.first() {
                let json = serde_json::to_value(row).unwrap();
                let off = |i: usize| json["components"][i]["disabled"] == true;
                assert_eq!((off(0), off(1)), (previous_off, next_off), "page {n}");
            }
        }
        let (content, card, rows) = view(Lang::En, &page(0, 0), at(0), 30);
        assert!(content.unwrap().contains("30 days"));
        assert!(card.is_none() && rows.is_empty());
    }
}
