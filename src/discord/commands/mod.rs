//! Every command the bot registers, named and described in every language from the catalogs
//! (`cmd-<command>` in `locales/*/discord.ftl`: the name, `.description`, and per option
//! `.<option>`, `.<option>-description` and a choice's label `.<option>-<choice>`), as poise's
//! `fluent_localization` example does.

mod help;
pub(crate) mod privacy;
mod project;
mod settings;
mod video;
pub(crate) mod videos;

use super::{Data, Error};
use crate::i18n::{self, Lang, LANGUAGES};
use poise::serenity_prelude as serenity;
use std::borrow::Cow;

/// A command as poise holds it.
pub type Command = poise::Command<Data, Error>;

/// All commands, in the order Discord lists them, localized.
pub fn all() -> Vec<Command> {
    let mut commands = vec![
        video::musicvideo(),
        video::make_music_video(),
        project::credits(),
        project::status(),
        project::export(),
        project::open(),
        project::reset(),
        settings::settings(),
        videos::videos(),
        privacy::forget_me(),
        help::help(),
    ];
    let known = LANGUAGES.map(i18n::keys);
    for command in &mut commands {
        let key = format!("cmd-{}", command.name);
        localize(command, &key, &known);
    }
    commands
}

/// What registers `commands` with Discord: poise's payload, plus the localized names of
/// context-menu commands (which poise leaves out).
pub fn registration(commands: &[Command]) -> Vec<serenity::CreateCommand> {
    let mut out = Vec::new();
    for command in commands {
        out.extend(command.create_as_slash_command());
        if let Some(menu) = command.create_as_context_menu_command() {
            let named = command.name_localizations.iter();
            out.push(named.fold(menu, |m, (locale, name)| {
                m.name_localized(&**locale, &**name)
            }));
        }
    }
    out
}

/// Fills a command's names and descriptions from the catalogs under `key`: English as
/// Discord's default, the other languages as localizations under their Discord locale
/// (`zh-CN`); its subcommands likewise under `<key>-<subcommand>`. A command without a catalog
/// entry keeps what its code says (a test requires every entry). `known` holds each
/// language's message ids, in `LANGUAGES`' order.
fn localize(command: &mut Command, key: &str, known: &[Vec<String>]) {
    for sub in &mut command.subcommands {
        let key = format!("{key}-{}", sub.name);
        localize(sub, &key, known);
    }
    for (lang, ids) in LANGUAGES.into_iter().zip(known) {
        if !ids.iter().any(|id| id == key) {
            continue;
        }
        let name = i18n::text(lang, key, None);
        let description = i18n::attribute(lang, key, "description").map(Cow::from);
        if lang == Lang::En {
            // The English name is what Discord sends back, so poise dispatches on it.
            match &mut command.context_menu_name {
                Some(menu) => *menu = name.into(),
                None => command.name = name.into(),
            }
            if description.is_some() {
                command.description = description;
            }
        } else {
            let names = command.name_localizations.to_mut();
            names.push((locale(lang), name.into()));
            if let Some(d) = description {
                let descriptions = command.description_localizations.to_mut();
                descriptions.push((locale(lang), d));
            }
        }
        for parameter in &mut command.parameters {
            let attr = |a: String| i18n::attribute(lang, key, &a).map(Cow::from);
            let (name, description) = (
                attr(parameter.name.to_string()),
                attr(format!("{}-description", parameter.name)),
            );
            if lang == Lang::En {
                // Renaming an option would break reading it: English only describes it.
                parameter.description = description.or(parameter.description.take());
                continue;
            }
            if let Some(n) = name {
                parameter
                    .name_localizations
                    .to_mut()
                    .push((locale(lang), n));
            }
            if let Some(d) = description {
                let localized = parameter.description_localizations.to_mut();
                localized.push((locale(lang), d));
            }
            // A choice's label, `.<option>-<choice>`, in the other languages (Discord sends
            // back the choice's number, so the English label in the code stays).
            for choice in parameter.choices.to_mut() {
                if let Some(label) = attr(format!("{}-{}", parameter.name, choice.name)) {
                    choice.localizations.to_mut().push((locale(lang), label));
                }
            }
        }
    }
}

/// A language's Discord locale (the catalogs' tags are Discord's: `zh-CN`).
fn locale(lang: Lang) -> Cow<'static, str> {
    Cow::from(lang.tag())
}
