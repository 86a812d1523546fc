//! Discord's documented rules for registering application commands (the "Application Command
//! Naming" and localization sections; lengths as `/work/shared/discord/openapi.json` gives them):
//! the fake refuses a registration that breaks them, as Discord answers 400.
//!
//! Options nest as Application Commands, "Subcommands and Subcommand Groups" allows: "your top
//! level command can contain subcommand groups, and those groups can contain subcommands. That
//! is the only kind of nesting supported"; in the OpenAPI description a
//! `ApplicationCommandSubcommandGroupOption`'s `options` are subcommands only, a
//! `ApplicationCommandSubcommandOption`'s are plain options only (no type 1 or 2), each list
//! `maxItems: 25` ("Parameters for the command, max of 25"), required options come first, and
//! every option's name, description and localizations follow the same rules as the command's.
//!
//! `default_member_permissions`: the documentation's "?string", "Set of permissions
//! represented as a bit set"; the OpenAPI description's `integer | null`, 0 to 2^54. Either
//! form is taken, nothing else.

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

/// The largest `default_member_permissions` the OpenAPI description allows (`maximum`).
const MAX_PERMISSIONS: u64 = 18_014_398_509_481_984;
/// `maxItems` of every options list.
const MAX_OPTIONS: usize = 25;

/// A check of one text field: where, the value, the problems found so far.
type Check<'a> = &'a dyn Fn(&str, &Value, &mut Vec<String>);
/// A check of a localization map, each value with the given check.
type Localized<'a> = &'a dyn Fn(&str, &Value, Check, &mut Vec<String>);

/// The problems of the options list at `path`, recursively.
fn check_options(
    path: &str,
    options: &Value,
    name: Check,
    description: Check,
    localized: Localized,
    out: &mut Vec<String>,
) {
    let options = options.as_array().map(Vec::as_slice).unwrap_or_default();
    if options.len() > MAX_OPTIONS {
        out.push(format!(
            "{path}: {} options, more than {MAX_OPTIONS}",
            options.len()
        ));
    }
    // Application Command Option Structure: "Required `options` must be listed before
    // optional options".
    let required = |o: &Value| o["required"] == true && !matches!(o["type"].as_u64(), Some(1 | 2));
    if let Some(late) = options
        .iter()
        .skip_while(|o| required(o))
        .position(required)
    {
        out.push(format!(
            "{path}: a required option after an optional one ({late})"
        ));
    }
    // What each level may hold: the command anything; a group only subcommands; a subcommand
    // only plain options (so nothing nests deeper than command > group > subcommand).
    for (i, option) in options.iter().enumerate() {
        let at = |field: &str| format!("{path}[{i}].{field}");
        name(&at("name"), &option["name"], out);
        description(&at("description"), &option["description"], out);
        localized(
            &at("name_localizations"),
            &option["name_localizations"],
            name,
            out,
        );
        let descriptions = &option["description_localizations"];
        localized(
            &at("description_localizations"),
            descriptions,
            description,
            out,
        );
        let kind = option["type"].as_u64().unwrap_or(0);
        if !(1..=11).contains(&kind) {
            out.push(format!("{}: {kind} is not an option type", at("type")));
        }
        let nested = &option["options"];
        match kind {
            1 => {
                let plain = nested.as_array().into_iter().flatten();
                if plain
                    .clone()
                    .any(|o| matches!(o["type"].as_u64(), Some(1 | 2)))
                {
                    out.push(format!(
                        "{}: a subcommand holds only plain options",
                        at("options")
                    ));
                }
                check_options(&at("options"), nested, name, description, localized, out);
            }
            2 => {
                let subs = nested.as_array().into_iter().flatten();
                if subs.clone().any(|o| o["type"].as_u64() != Some(1)) {
                    out.push(format!("{}: a group holds only subcommands", at("options")));
                }
                check_options(&at("options"), nested, name, description, localized, out);
            }
            _ if !nested.is_null() && nested.as_array().is_none_or(|o| !o.is_empty()) => {
                out.push(format!(
                    "{}: only subcommands and groups have options",
                    at("options")
                ));
            }
            _ => {}
        }
    }
}

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
    check_options(
        "options",
        &command["options"],
        &name,
        &description,
        &localized,
        &mut out,
    );
    let permissions = &command["default_member_permissions"];
    let bits_ok = match permissions {
        Value::Null => true,
        Value::String(bits) => bits.parse::<u64>().is_ok_and(|b| b <= MAX_PERMISSIONS),
        Value::Number(bits) => bits.as_u64().is_some_and(|b| b <= MAX_PERMISSIONS),
        _ => false,
    };
    if !bits_ok {
        out.push(format!(
            "default_member_permissions: {permissions} is not a permission bit set"
        ));
    }
    out
}

impl super::FakeDiscord {
    /// The command `name` as the last registration taken holds it (with the `id`,
    /// `application_id` and `version` Discord adds), or `None`.
    pub fn registered(&self, name: &str) -> Option<Value> {
        let s = self.state.lock().unwrap();
        s.commands.iter().find(|c| c["name"] == name).cloned()
    }
}
