//! `/help`, and the "Try saying" examples `/musicvideo`'s `prompt` offers as it is typed.

use crate::discord::{Context, Error};
use crate::engine::welcome;
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;

/// Discord's limit on an autocomplete choice's name, in characters.
const MAX_CHOICE: usize = 100;

/// What the bot does, and what to try saying (only you see it).
#[poise::command(slash_command)]
pub async fn help(ctx: Context<'_>) -> Result<(), Error> {
    let lang = crate::discord::lang(ctx);
    let text = format!(
        "{}\n\n{}",
        tr!(lang, "help-about"),
        welcome::connected(lang)
    );
    let reply = poise::CreateReply::default().content(text).ephemeral(true);
    ctx.send(reply).await?;
    Ok(())
}

/// The examples that fit what the member has typed so far, in their language.
pub async fn prompt_examples(
    ctx: Context<'_>,
    typed: &str,
) -> serenity::CreateAutocompleteResponse {
    let lang = Lang::from_tag(ctx.locale().unwrap_or("en"));
    let choices = matching(&welcome::examples(lang), typed)
        .into_iter()
        .map(|example| serenity::AutocompleteChoice::new(fit(&example), example))
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The examples containing `typed` (any case; all of them when nothing is typed yet).
fn matching(examples: &[String], typed: &str) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    examples
        .iter()
        .filter(|e| e.to_lowercase().contains(&typed))
        .cloned()
        .collect()
}

/// A choice's name: `text` within [`MAX_CHOICE`] characters, cut at a word and marked with `…`
/// when longer (the value, which may be longer, is the whole example).
fn fit(text: &str) -> String {
    if text.chars().count() <= MAX_CHOICE {
        return text.to_string();
    }
    let head: String = text.chars().take(MAX_CHOICE - 1).collect();
    let cut = head.rfind(' ').filter(|&i| i > 0).unwrap_or(head.len());
    format!("{}…", head[..cut].trim_end_matches([' ', ',']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_match_what_is_typed() {
        let examples: Vec<String> = welcome::examples(Lang::En).into();
        let rows = [
            ("", 3),
            ("   ", 3),
            ("MP4", 1),
            ("music", 3),
            ("beat", 1),
            ("polka", 0),
        ];
        for (typed, want) in rows {
            assert_eq!(matching(&examples, typed).len(), want, "{typed:?}");
        }
        let chinese: Vec<String> = welcome::examples(Lang::ZhCn).into();
        assert_eq!(matching(&chinese, "节拍").len(), 1);
    }

    #[test]
    fn choices_fit_discord() {
        let long = "word ".repeat(40);
        let rows = [
            ("short", "short".to_string()),
            (long.as_str(), format!("{}…", "word ".repeat(19).trim_end())),
        ];
        for (text, want) in rows {
            assert_eq!(fit(text), want);
        }
        for lang in crate::i18n::LANGUAGES {
            for e in welcome::examples(lang) {
                assert!(fit(&e).chars().count() <= MAX_CHOICE, "{e}");
            }
        }
        let wide = "歌".repeat(150);
        assert_eq!(fit(&wide).chars().count(), MAX_CHOICE);
    }
}
