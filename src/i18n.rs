//! The bot's sentences in the member's language, from Project Fluent catalogs compiled into
//! the binary (`locales/<language>/*.ftl`, one file per part of the bot). English is complete
//! and the fallback; Simplified Chinese is complete too (a test fails when a key exists in one
//! catalog and not the other).
//!
//! Use [`tr!`](crate::tr): `tr!(lang, "queued", position = 2)`.

mod checked;
mod detect;

#[doc(hidden)]
pub use checked::check;
pub use detect::member_language;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::FluentResource;
use fluent_langneg::{negotiate_languages, NegotiationStrategy};

/// The placeables of a message, by name (what [`tr!`](crate::tr) builds).
pub use fluent_bundle::FluentArgs as Args;
use std::sync::LazyLock;
use unic_langid::LanguageIdentifier;

/// A language the bot speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    /// English (the fallback).
    #[default]
    En,
    /// Simplified Chinese.
    ZhCn,
}

/// Every language, in the order `LANGUAGES`' catalogs are listed.
pub const LANGUAGES: [Lang; 2] = [Lang::En, Lang::ZhCn];

/// The catalog files of each language, by name (the same names in every language).
pub const CATALOGS: [&str; 5] = ["engine", "discord", "console", "cards", "welcome"];

/// The catalogs' text, per language in `LANGUAGES`' order, per file in `CATALOGS`' order.
const SOURCES: [[&str; 5]; 2] = [
    [
        include_str!("../locales/en/engine.ftl"),
        include_str!("../locales/en/discord.ftl"),
        include_str!("../locales/en/console.ftl"),
        include_str!("../locales/en/cards.ftl"),
        include_str!("../locales/en/welcome.ftl"),
    ],
    [
        include_str!("../locales/zh-CN/engine.ftl"),
        include_str!("../locales/zh-CN/discord.ftl"),
        include_str!("../locales/zh-CN/console.ftl"),
        include_str!("../locales/zh-CN/cards.ftl"),
        include_str!("../locales/zh-CN/welcome.ftl"),
    ],
];

impl Lang {
    /// The language for a Discord locale (`zh-CN`, `en-US`…), a session's language or a
    /// `--lang` value, as `fluent-langneg` matches it to the catalogs: Chinese for any `zh`
    /// tag, English otherwise.
    pub fn from_tag(tag: &str) -> Lang {
        static AVAILABLE: LazyLock<Vec<LanguageIdentifier>> = LazyLock::new(|| {
            LANGUAGES
                .iter()
                .map(|lang| lang.tag().parse().expect("a valid language tag"))
                .collect()
        });
        // A tag that does not parse as a whole (`zh_CN.UTF-8`) still names its language.
        let requested = tag.parse::<LanguageIdentifier>().or_else(|_| {
            tag.split(['-', '_', '.', '@'])
                .next()
                .unwrap_or_default()
                .parse()
        });
        let Ok(requested) = requested else {
            return Lang::En;
        };
        let chosen = negotiate_languages(
            &[requested],
            &AVAILABLE,
            Some(&AVAILABLE[Lang::En.index()]),
            NegotiationStrategy::Lookup,
        );
        let index = chosen
            .first()
            .and_then(|c| AVAILABLE.iter().position(|a| a == *c));
        index.map_or(Lang::En, |i| LANGUAGES[i])
    }

    /// The language's tag: `en` or `zh-CN` (also its catalog directory).
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhCn => "zh-CN",
        }
    }

    /// The language's name in itself (its speakers recognise it whatever language they read).
    pub fn name(self) -> &'static str {
        match self {
            Lang::En => "English",
            Lang::ZhCn => "简体中文",
        }
    }

    fn index(self) -> usize {
        match self {
            Lang::En => 0,
            Lang::ZhCn => 1,
        }
    }
}

/// The bundles, built once: a broken catalog is a bug caught by the tests, so it panics here.
static BUNDLES: LazyLock<Vec<FluentBundle<FluentResource>>> =
    LazyLock::new(|| LANGUAGES.iter().map(|&lang| bundle(lang)).collect());

fn bundle(lang: Lang) -> FluentBundle<FluentResource> {
    let id: LanguageIdentifier = lang.tag().parse().expect("a valid language tag");
    let mut bundle = FluentBundle::new_concurrent(vec![id]);
    // Unicode isolation marks around placeables would end up inside links and names.
    bundle.set_use_isolating(false);
    for (file, source) in CATALOGS.iter().zip(SOURCES[lang.index()]) {
        let resource = FluentResource::try_new(source.to_string())
            .unwrap_or_else(|(_, e)| panic!("locales/{}/{file}.ftl: {e:?}", lang.tag()));
        bundle
            .add_resource(resource)
            .unwrap_or_else(|e| panic!("locales/{}/{file}.ftl: {e:?}", lang.tag()));
    }
    bundle
}

/// The message `key` in `lang` (falling back to English), its placeables filled from `args`.
/// A key missing everywhere comes back as itself, logged (the catalog tests prevent it).
pub fn text(lang: Lang, key: &str, args: Option<&Args>) -> String {
    for bundle in [&BUNDLES[lang.index()], &BUNDLES[Lang::En.index()]] {
        if let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) {
            let mut errors = Vec::new();
            let out = bundle.format_pattern(pattern, args, &mut errors);
            if !errors.is_empty() {
                tracing::error!(key, lang = lang.tag(), "message catalog: {errors:?}");
            }
            return out.into_owned();
        }
    }
    tracing::error!(key, "message catalog: no such message");
    key.to_string()
}

/// The attribute `attr` of message `key` in `lang` (e.g. a command's `.description`), when
/// the catalog has it.
pub fn attribute(lang: Lang, key: &str, attr: &str) -> Option<String> {
    let bundle = &BUNDLES[lang.index()];
    let pattern = bundle.get_message(key)?.get_attribute(attr)?.value();
    let mut errors = Vec::new();
    Some(
        bundle
            .format_pattern(pattern, None, &mut errors)
            .into_owned(),
    )
}

/// The message ids of every catalog file of `lang` (the command names' check, the catalogs'
/// own tests).
pub fn keys(lang: Lang) -> Vec<String> {
    let mut keys = Vec::new();
    for source in SOURCES[lang.index()] {
        let resource = FluentResource::try_new(source.to_string()).unwrap_or_else(|(r, _)| r);
        for entry in resource.entries() {
            if let fluent_syntax::ast::Entry::Message(m) = entry {
                keys.push(m.id.name.to_string());
            }
        }
    }
    keys
}

/// A sentence from the catalogs: `tr!(lang, "key")` or `tr!(lang, "key", name = value, …)`,
/// where each value is a string or a number. The key must be in every catalog and the names
/// must be its message's variables, or the crate does not build (see `build.rs`).
#[macro_export]
macro_rules! tr {
    ($lang:expr, $key:literal) => {{
        const _: () = $crate::i18n::check($key, &[]);
        $crate::i18n::text($lang, $key, None)
    }};
    ($lang:expr, $key:literal, $($name:ident = $value:expr),+ $(,)?) => {{
        const _: () = $crate::i18n::check($key, &[$(stringify!($name)),+]);
        let mut args = $crate::i18n::Args::new();
        $(args.set(stringify!($name), $value);)+
        $crate::i18n::text($lang, $key, Some(&args))
    }};
}

#[cfg(test)]
mod tests;
