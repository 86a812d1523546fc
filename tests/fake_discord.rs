//! The fake Discord's own rules, checked against Discord's (the yardstick checked): every
//! event it dispatches deserializes into serenity 0.12's model, threads start and refuse as
//! Discord's documentation says, and command registrations are checked as Discord checks them.

mod common;

use common::fake_discord::commands::problems;
use common::fake_discord::permissions::{
    CREATE_PUBLIC_THREADS, MANAGE_GUILD, SEND_MESSAGES, SEND_MESSAGES_IN_THREADS,
};
use common::fake_discord::{member_with, Delivery, FakeDiscord, GUILD_ID, MEMBER_PERMISSIONS};
use serde_json::{json, Value};
use serenity::all::{ChannelType, Event, GatewayEvent, Interaction, ResolvedValue};

const CHANNEL: u64 = 800_000_000_000_000_101;
const OTHER: u64 = 800_000_000_000_000_102;
const FORUM: u64 = 800_000_000_000_000_103;
const USER: u64 = 700_000_000_000_000_001;
const ROLE: u64 = 600_000_000_000_000_001;

/// `POST /channels/{channel}/messages/{message}/threads` straight to the fake: status and body.
async fn start_thread(fake: &FakeDiscord, channel: u64, message: u64, body: Value) -> (u16, Value) {
    let url = format!(
        "{}/api/v10/channels/{channel}/messages/{message}/threads",
        fake.base_url()
    );
    let response = reqwest::Client::new()
        .post(url)
        .json(&body)
        .send()
        .await
        .expect("the fake answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// `POST /channels/{channel}/messages`: its status.
async fn post(fake: &FakeDiscord, channel: u64) -> u16 {
    let url = format!("{}/api/v10/channels/{channel}/messages", fake.base_url());
    let body = json!({"content": "hello"});
    let response = reqwest::Client::new().post(url).json(&body).send().await;
    response.expect("the fake answers").status().as_u16()
}

/// A delivery as serenity reads the gateway frame it came in.
fn parsed(delivery: &Delivery) -> Event {
    let frame = json!({"op": 0, "s": 1, "t": delivery.event, "d": delivery.data});
    match serde_json::from_value::<GatewayEvent>(frame) {
        Ok(GatewayEvent::Dispatch(_, event)) => event,
        other => panic!("{}: serenity read {other:?}", delivery.event),
    }
}

#[tokio::test]
async fn every_event_the_fake_sends_deserializes_into_serenity() {
    let fake = FakeDiscord::start().await;
    fake.give_role(USER, ROLE);
    let message = fake.message("a song", json!([]), CHANNEL, USER, true);
    fake.message("in a DM", json!([]), 7_000_000_000_000_001, USER, false);
    let leaf = json!([{"name": "channel", "type": 7, "value": CHANNEL.to_string()}]);
    let moderator = member_with(USER, MEMBER_PERMISSIONS);
    fake.slash_sub(
        "settings",
        &["channels", "add"],
        leaf,
        CHANNEL,
        moderator.clone(),
    );
    fake.slash_sub("settings", &["show"], json!([]), CHANNEL, moderator);
    let (status, _) = start_thread(&fake, CHANNEL, message, json!({"name": "song"})).await;
    assert_eq!(status, 201);
    fake.message("in the thread", json!([]), message, USER, true);
    fake.slash("status", json!({}), message, USER);
    fake.add_bot(GUILD_ID);
    fake.remove_bot(GUILD_ID);
    fake.outage(GUILD_ID);

    let mut seen = Vec::new();
    for delivery in fake.deliveries() {
        seen.push(delivery.event.clone());
        match parsed(&delivery) {
            Event::MessageCreate(e) => {
                let roles = e.message.member.map(|m| m.roles).unwrap_or_default();
                let in_guild = e.message.guild_id.is_some();
                assert_eq!(roles.iter().any(|r| r.get() == ROLE), in_guild);
            }
            Event::MessageUpdate(e) => assert!(e.thread.flatten().is_some()),
            Event::ThreadCreate(e) => {
                assert_eq!(e.thread.kind, ChannelType::PublicThread);
                assert_eq!(e.thread.id.get(), message);
                assert_eq!(e.thread.parent_id.map(|p| p.get()), Some(CHANNEL));
            }
            Event::GuildCreate(e) => {
                assert_eq!(e.guild.id.get(), GUILD_ID);
                assert!(e.guild.threads.iter().any(|t| t.id.get() == message));
            }
            Event::GuildDelete(e) => assert_eq!(e.guild.id.get(), GUILD_ID),
            Event::InteractionCreate(e) => {
                let Interaction::Command(command) = e.interaction else {
                    panic!("not a command: {:?}", e.interaction);
                };
                let member = command.member.expect("a guild interaction's member");
                assert!(member.roles.iter().any(|r| r.get() == ROLE));
                assert!(member.permissions.is_some_and(|p| p.manage_guild()));
                let channel = command.channel.expect("the interaction's channel");
                if channel.id.get() == message {
                    assert_eq!(channel.kind, ChannelType::PublicThread);
                    assert_eq!(channel.parent_id.map(|p| p.get()), Some(CHANNEL));
                    continue;
                }
                let options = command.data.options();
                let sub = match &options[0].value {
                    ResolvedValue::SubCommandGroup(group) => match &group[0].value {
                        ResolvedValue::SubCommand(sub) => sub.clone(),
                        other => panic!("a group holds a subcommand, not {other:?}"),
                    },
                    ResolvedValue::SubCommand(sub) => sub.clone(),
                    other => panic!("a subcommand, not {other:?}"),
                };
                for option in sub {
                    let ResolvedValue::Channel(channel) = option.value else {
                        panic!("channel option unresolved: {:?}", option.value);
                    };
                    assert_eq!(channel.id.get(), CHANNEL);
                }
            }
            // serenity reads a known event it cannot parse as `Unknown`: the bot would drop it.
            other => panic!("unexpected or unreadable event {other:?}"),
        }
    }
    let guild_events = fake.deliveries();
    let guild_events = guild_events
        .iter()
        .filter(|d| d.event.starts_with("GUILD_"));
    assert_eq!(guild_events.clone().count(), 3);
    assert!(
        guild_events.clone().all(|d| d.guild == Some(GUILD_ID)),
        "on the guild's shard"
    );
    let deletes: Vec<bool> = fake
        .deliveries()
        .iter()
        .filter(|d| d.event == "GUILD_DELETE")
        .map(|d| match parsed(d) {
            Event::GuildDelete(e) => e.guild.unavailable,
            _ => unreachable!(),
        })
        .collect();
    assert_eq!(deletes, [false, true], "removed, then an outage");
    for event in [
        "MESSAGE_CREATE",
        "INTERACTION_CREATE",
        "THREAD_CREATE",
        "MESSAGE_UPDATE",
        "GUILD_CREATE",
    ] {
        assert!(seen.iter().any(|e| e == event), "{event} in {seen:?}");
    }
}

#[tokio::test]
async fn threads_start_and_refuse_as_discord_documents() {
    let fake = FakeDiscord::start().await;
    let message = fake.message("a song", json!([]), CHANNEL, USER, true);
    let elsewhere = fake.message("another", json!([]), OTHER, USER, true);
    let code = |body: &Value| body["code"].as_u64().unwrap_or(0);
    let long = "x".repeat(101);
    for (body, field) in [
        (json!({"name": long}), "name"),
        (json!({}), "name"),
        (
            json!({"name": "ok", "auto_archive_duration": 30}),
            "auto_archive_duration",
        ),
        (
            json!({"name": "ok", "rate_limit_per_user": 21601}),
            "rate_limit_per_user",
        ),
    ] {
        let (status, answer) = start_thread(&fake, CHANNEL, message, body).await;
        assert_eq!((status, code(&answer)), (400, 50035), "{answer}");
        assert!(
            answer["errors"][field]["_errors"][0]["code"].is_string(),
            "{answer}"
        );
    }
    let name = json!({"name": "song", "auto_archive_duration": 60, "unknown": 1});
    let (status, answer) = start_thread(&fake, CHANNEL, elsewhere, name.clone()).await;
    assert_eq!(
        (status, code(&answer)),
        (404, 10008),
        "a message of another channel"
    );
    fake.forum(FORUM);
    let (status, answer) = start_thread(&fake, FORUM, message, name.clone()).await;
    assert_eq!((status, code(&answer)), (400, 50024));
    let dm = 7_000_000_000_000_002;
    let in_dm = fake.message("hi", json!([]), dm, USER, false);
    let (status, answer) = start_thread(&fake, dm, in_dm, name.clone()).await;
    assert_eq!((status, code(&answer)), (403, 50003));
    fake.deny(OTHER, CREATE_PUBLIC_THREADS);
    let (status, answer) = start_thread(&fake, OTHER, elsewhere, name.clone()).await;
    assert_eq!((status, code(&answer)), (403, 50013));
    assert!(fake.threads().is_empty());

    let (status, thread) = start_thread(&fake, CHANNEL, message, name.clone()).await;
    assert_eq!(status, 201, "{thread}");
    assert_eq!(
        thread["id"],
        message.to_string(),
        "the thread's id is the message's"
    );
    assert_eq!(thread["type"], 11);
    assert_eq!(thread["thread_metadata"]["auto_archive_duration"], 60);
    let created = fake
        .deliveries()
        .into_iter()
        .find(|d| d.event == "THREAD_CREATE");
    assert_eq!(created.expect("THREAD_CREATE").data["newly_created"], true);
    let threads = fake.threads();
    assert_eq!((threads.len(), threads[0].parent), (1, CHANNEL));
    let (status, answer) = start_thread(&fake, CHANNEL, message, name.clone()).await;
    assert_eq!(
        (status, code(&answer)),
        (400, 160004),
        "one thread per message"
    );
    let (status, answer) = start_thread(&fake, message, message, name).await;
    assert_eq!(
        (status, code(&answer)),
        (400, 50024),
        "no thread in a thread"
    );

    // Posting in a thread needs SEND_MESSAGES_IN_THREADS in its parent, not SEND_MESSAGES.
    fake.deny(CHANNEL, SEND_MESSAGES);
    assert_eq!(post(&fake, CHANNEL).await, 403);
    assert_eq!(post(&fake, message).await, 200);
    fake.deny(CHANNEL, SEND_MESSAGES_IN_THREADS);
    assert_eq!(post(&fake, message).await, 403);
    assert_eq!(fake.messages(message).len(), 1);
}

#[tokio::test]
async fn registrations_are_checked_to_every_depth() {
    let option = |name: &str, kind: u64, options: Value| json!({"name": name, "description": "d", "type": kind, "options": options});
    let command = |options: Value, permissions: Value| {
        json!({"name": "settings", "description": "d", "options": options,
               "default_member_permissions": permissions})
    };
    let channel = option("channel", 7, Value::Null);
    let add = option("add", 1, json!([channel]));
    let good = command(json!([option("channels", 2, json!([add]))]), json!("32"));
    assert_eq!(problems(&good), Vec::<String>::new());
    assert!(problems(&command(json!([]), json!(32))).is_empty());
    assert!(problems(&command(json!([]), Value::Null)).is_empty());
    assert!(!problems(&command(json!([]), json!("manage"))).is_empty());
    let bad_name = option("Add", 1, json!([]));
    assert!(!problems(&command(
        json!([option("g", 2, json!([bad_name]))]),
        Value::Null
    ))
    .is_empty());
    let plain_in_group = option("g", 2, json!([option("x", 3, Value::Null)]));
    assert!(!problems(&command(json!([plain_in_group]), Value::Null)).is_empty());
    let sub_in_sub = option("s", 1, json!([option("t", 1, json!([]))]));
    assert!(!problems(&command(json!([sub_in_sub]), Value::Null)).is_empty());
    let mut late = option("late", 3, Value::Null);
    late["required"] = json!(true);
    let order = option("s", 1, json!([option("x", 3, Value::Null), late]));
    assert!(!problems(&command(json!([order]), Value::Null)).is_empty());
    let many: Vec<Value> = (0..26)
        .map(|i| option(&format!("o{i}"), 3, Value::Null))
        .collect();
    assert!(!problems(&command(json!([option("s", 1, json!(many))]), Value::Null)).is_empty());

    let fake = FakeDiscord::start().await;
    let url = format!("{}/api/v10/applications/1/commands", fake.base_url());
    let body = json!([command(json!([]), json!(MANAGE_GUILD.to_string()))]);
    let response = reqwest::Client::new().put(url).json(&body).send().await;
    assert_eq!(response.expect("the fake answers").status().as_u16(), 200);
    let settings = fake.registered("settings").expect("registered");
    assert_eq!(settings["default_member_permissions"], "32");
    assert!(fake.registered("nothing").is_none());
}

type PoiseError = Box<dyn std::error::Error + Send + Sync>;
type Ctx<'a> = poise::Context<'a, (), PoiseError>;

/// A server's settings.
#[poise::command(
    slash_command,
    subcommands("channels"),
    default_member_permissions = "MANAGE_GUILD"
)]
async fn settings(_: Ctx<'_>) -> Result<(), PoiseError> {
    Ok(())
}

/// Where the bot listens.
#[poise::command(slash_command, subcommands("add"))]
async fn channels(_: Ctx<'_>) -> Result<(), PoiseError> {
    Ok(())
}

/// Listen in a channel.
#[poise::command(slash_command)]
async fn add(
    _: Ctx<'_>,
    #[description = "The channel"] channel: serenity::all::ChannelId,
    #[description = "Why"] note: Option<String>,
) -> Result<(), PoiseError> {
    let _ = (channel, note);
    Ok(())
}

/// What poise 0.7 registers for a group of subcommands with `default_member_permissions`
/// passes the fake's checks: the yardstick is no stricter than Discord for a valid command.
#[test]
fn poise_subcommands_pass_the_checks() {
    let commands = poise::builtins::create_application_commands(&[settings()]);
    let json = serde_json::to_value(&commands).expect("serializable");
    let settings = &json[0];
    assert_eq!(problems(settings), Vec::<String>::new(), "{settings:#}");
    assert_eq!(
        settings["default_member_permissions"],
        MANAGE_GUILD.to_string()
    );
    assert_eq!(settings["options"][0]["type"], 2, "{settings:#}");
    assert_eq!(settings["options"][0]["options"][0]["type"], 1);
}
