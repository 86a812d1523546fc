//! `/help`, and the "Try saying" examples `/musicvideo`'s `prompt` offers as it is typed.

use crate::discord::{Context, Error};
use crate::engine::welcome;
use crate::i18n::Lang;
use crate::tr;
use poise::serenity_prelude as serenity;

/// Discord's limit on an autocomplete choice's name, and on its value when a string, in
/// characters ("Application Command Option Choice Structure"): one choice past it and Discord
/// refuses the whole answer.
const MAX_CHOICE: usize = 100;

/// What a picked example's choice carries (an example may be longer than a value may be):
/// `example:<key>`, one key per example of [`welcome::examples`], in its order; [`expand`]
/// turns it back into the example.
const KEYS: [&str; 3] = ["mp3", "beat", "creators"];
const KEY_PREFIX: &str = "example:";

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
    let examples = welcome::examples(lang);
    let choices = matching(&examples, typed)
        .into_iter()
        .map(|i| {
            let value = format!("{KEY_PREFIX}{}", KEYS[i]);
            serenity::AutocompleteChoice::new(fit(&examples[i]), value)
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

/// The prompt a command received: a picked example's key expanded into the example in `lang`,
/// anything else as it is.
pub fn expand(prompt: &str, lang: Lang) -> String {
    let picked = prompt
        .strip_prefix(KEY_PREFIX)
        .and_then(|key| KEYS.iter().position(|k| *k == key));
    match picked {
        Some(i) => welcome::examples(lang)[i].clone(),
        None => prompt.to_string(),
    }
}

/// Where the examples containing `typed` are (any case; all of them when nothing is typed yet).
fn matching(examples: &[String], typed: &str) -> Vec<usize> {
    let typed = typed.trim().to_lowercase();
    (0..examples.len())
        .filter(|&i| examples[i].to_lowercase().contains(&typed))
        .collect()
}

/// A choice's name: `text` within [`MAX_CHOICE`] characters, cut at a word and marked with `…`
/// when longer.
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
    fn a_picked_examples_key_expands_into_the_example() {
        for lang in crate::i18n::LANGUAGES {
            let examples = welcome::examples(lang);
            for (key, example) in KEYS.iter().zip(&examples) {
                let value = format!("{KEY_PREFIX}{key}");
                assert!(value.chars().count() <= MAX_CHOICE, "{value}");
                assert_eq!(&expand(&value, lang), example);
            }
        }
        let rows = [
            ("neon city at night", "neon city at night"),
            ("example:polka", "example:polka"),
            ("mp3", "mp3"),
        ];
        for (typed, want) in rows {
            assert_eq!(expand(typed, Lang::En), want);
        }
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
