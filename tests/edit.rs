//! The Edit button end to end: the real serenity/poise client against the fake Discord and the
//! fake NemoVideo. A click opens a form; the form's text is the next turn on the same project.

mod common;

use common::discord_bot::{
    answer_with_buttons, callbacks, start, wait_call, Running, CHANNEL, USER,
};
use common::fake_discord::Msg;
use common::fake_nemo::Body;
use common::wait::wait_until;
use serde_json::Value;

/// How long the bot has to answer.
const WITHIN: std::time::Duration = std::time::Duration::from_secs(10);

/// The bodies of the messages sent to the agent, in order.
fn prompts(bot: &Running) -> Vec<Value> {
    bot.nemo
        .requests_to("/run_sse")
        .into_iter()
        .map(|r| match r.body {
            Body::Json(v) => v,
            other => panic!("not JSON: {other:?}"),
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_restart_the_edit_forms_text_is_the_next_turn_on_the_same_session() {
    let mut bot = start().await;
    let answer = answer_with_buttons(&bot).await;
    // The button is clicked on a process that did not make it.
    bot.restart().await;
    let buttons = answer.components[0]["components"].as_array().unwrap();
    let labels: Vec<&str> = buttons.iter().filter_map(|b| b["label"].as_str()).collect();
    assert_eq!(
        labels,
        ["Export MP4", "Show timeline", "Edit"],
        "{buttons:?}"
    );
    let edit = buttons[2]["custom_id"].as_str().unwrap();
    assert_eq!(edit, format!("mvb:edit:channel:{CHANNEL}"));

    bot.discord.click(edit, &answer, USER);
    let form = wait_call(&bot, "with the form", |c| {
        c.path.ends_with("/callback") && c.body["type"] == 9
    })
    .await
    .body;
    assert_eq!(form["data"]["title"], "Edit this video");
    let field = &form["data"]["components"][0]["components"][0];
    assert_eq!(field["label"], "What should change?");
    assert_eq!(field["style"], 2, "a paragraph");
    let form_id = form["data"]["custom_id"].as_str().unwrap();
    assert_eq!(form_id, format!("mvb:edited:channel:{CHANNEL}"));

    let turns_before = prompts(&bot).len();
    let field_id = field["custom_id"].as_str().unwrap();
    let token = bot
        .discord
        .submit_form(form_id, field_id, "warmer colours, please", CHANNEL, USER);
    let deferred = wait_call(&bot, "answering the submit", |c| {
        c.path.ends_with("/callback") && c.path.contains(&format!("/{token}/"))
    })
    .await;
    assert_eq!(deferred.body["type"], 5, "deferred, as a command is");
    let sent = || async { prompts(&bot).len() > turns_before };
    wait_until("the form's text sent to the agent", WITHIN, sent).await;
    let all = prompts(&bot);
    let (first, last) = (&all[0], all.last().unwrap());
    assert_eq!(all.len(), turns_before + 1, "one more turn");
    assert_eq!(
        last["new_message"]["parts"][0]["text"],
        "warmer colours, please"
    );
    assert_eq!(last["session_id"], first["session_id"], "the same project");
    assert!(
        bot.discord.refused_callbacks().is_empty(),
        "{:?}",
        bot.discord.refused_callbacks()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_edit_button_and_form_are_refused_outside_their_scope() {
    let bot = start().await;
    let message = Msg::new(1, CHANNEL, "x");
    let someone_else = format!("user:{}", USER + 1);
    bot.discord
        .click(&format!("mvb:edit:{someone_else}"), &message, USER);
    bot.discord.submit_form(
        &format!("mvb:edited:{someone_else}"),
        "what",
        "delete everything",
        CHANNEL,
        USER,
    );
    let answered = || async { callbacks(&bot).len() >= 2 };
    wait_until("the click and the form answered", WITHIN, answered).await;
    let answers = callbacks(&bot);
    assert_eq!(answers.len(), 2, "{answers:?}");
    for answer in &answers {
        assert_eq!(answer["type"], 4, "a message, not a form: {answer:?}");
        assert_eq!(answer["data"]["flags"], 64, "ephemeral: {answer:?}");
        assert!(answer["data"]["content"]
            .as_str()
            .unwrap()
            .contains("belongs to someone else's project"));
    }
    assert!(bot.nemo.requests_to("/run_sse").is_empty(), "nothing ran");
    assert!(bot.discord.refused_callbacks().is_empty());
}
