//! Discord's documented rules for registering application commands (the "Application Command
//! Naming" and localization sections; lengths as `/work/shared/discord/openapi.json` gives them):
//! the fake refuses a registration that breaks them, as Discord answers 400.

use regex::Regex;
use serde_json::Value;
use std::sync::LazyLock;

/// Discord's locales (the "Locales" reference): the only keys a localization map may have.
pub const LOCALES: &[&str] = &[
    "id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl",
    "no", "pl", "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th",
    "zh-CN", "ja", "zh-TW", "ko",
];

/// Names of slash commands and of options.
static CHAT_INPUT_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^[-_\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$").expect("Discord's pattern")
});

/// The problems of one command as registered (empty when Discord would take it).
pub fn problems(command: &Value) -> Vec<String> {
    let mut out = Vec::new();
    // 1 (or absent): a slash command; 2 and 3: user and message menus.
    let chat_input = command["type"].as_u64().unwrap_or(1) == 1;
    let name = |path: &str, v: &Value, out: &mut Vec<String>| {
        let Some(n) = v.as_str() else {
            return out.push(format!("{path}: not a string"));
        };
        let length = n.chars().count();
        if chat_input {
            if !CHAT_INPUT_NAME.is_match(n) || n.to_lowercase() != n {
                out.push(format!("{path}: {n:?} is not a valid slash-command name"));
            }
        } else if !(1..=32).contains(&length) {
            out.push(format!("{path}: {n:?} is not 1-32 characters"));
        }
    };
    let description = |path: &str, v: &Value, out: &mut Vec<String>| match v.as_str() {
        Some(d) if chat_input && (1..=100).contains(&d.chars().count()) => {}
        Some("") if !chat_input => {}
        None if !chat_input => {}
        other => out.push(format!("{path}: {other:?} is not a valid description")),
    };
    let localized = |path: &str,
                     v: &Value,
                     each: &dyn Fn(&str, &Value, &mut Vec<String>),
                     out: &mut Vec<String>| {
        let Some(map) = v.as_object() else {
            return;
        };
        for (locale, text) in map {
            if !LOCALES.contains(&locale.as_str()) {
                out.push(format!("{path}: {locale} is not a Discord locale"));
            }
            each(&format!("{path}.{locale}"), text, out);
        }
    };
    name("name", &command["name"], &mut out);
    localized(
        "name_localizations",
        &command["name_localizations"],
        &name,
        &mut out,
    );
    if chat_input || !command["description"].is_null() {
        description("description", &command["description"], &mut out);
    }
    let descriptions = &command["description_localizations"];
    localized(
        "description_localizations",
        descriptions,
        &description,
        &mut out,
    );
    for (i, option) in command["options"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = |field: &str| format!("options[{i}].{field}");
        name(&at("name"), &option["name"], &mut out);
        description(&at("description"), &option["description"], &mut out);
        let names = &option["name_localizations"];
        localized(&at("name_localizations"), names, &name, &mut out);
        let descriptions = &option["description_localizations"];
        localized(
            &at("description_localizations"),
            descriptions,
            &description,
            &mut out,
        );
    }
    out
}
