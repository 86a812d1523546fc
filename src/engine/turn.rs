//! One agent turn: the prompt goes out once, the answer streams into a growing message, and a
//! turn that ends without text is explained from the change in the session's state.

mod answer;
mod meter;
mod stream;

use super::front::Front;
use super::gui::{translate_gui, Suggestion};
use super::reply::Reply;
use super::summary::{diff, Timeline};
use super::{text, Actor, EngineError, Parts};
use crate::i18n::Lang;
use crate::telemetry::metrics::TurnOutcome as Outcome;
use crate::tr;
use answer::Answer;
use meter::TurnMeter;
use std::sync::Arc;
use stream::{Reader, Stop};

/// How a turn ended.
#[derive(Debug, Default)]
pub struct TurnOutcome {
    /// The turn failed or timed out.
    pub failed: bool,
}

impl Parts {
    /// Runs one turn on the scope's session and shows it through `front`.
    pub(crate) async fn run_turn(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        prompt: &str,
    ) -> Result<TurnOutcome, EngineError> {
        let lang = actor.language();
        let mut meter = TurnMeter::start(&self.life);
        if let Err(e) = self.quotas.take_turn(actor, front.as_ref()).await {
            meter.end(Outcome::RefusedByQuota);
            return Err(e);
        }
        // What was heard in the songs since the last turn goes after the member's words.
        let prompt = match self.heard_note(actor).await {
            Some(note) => format!("{prompt}\n\n{note}"),
            None => prompt.to_string(),
        };
        let prompt = prompt.as_str();
        let before = self.accounts.timeline(actor, front.as_ref()).await.ok();
        let mut stream = self
            .accounts
            .with_session(actor, front.as_ref(), |nemo, t, s| async move {
                nemo.run_sse(&t, &s.session_id, prompt).await
            })
            .await?;
        let mut reply = Reply::new(front.clone());
        let mut answer = Answer::default();
        // While it streams, the answer's message carries a Cancel for the member who asked.
        let live = self.streaming.begin();
        front.streaming(Some(live.action(&actor.user)));
        let reader = Reader::new(lang, front, &mut reply, &mut answer, &mut meter);
        let stop = reader.read(&mut stream, &self.cfg, live.token()).await;
        // Dropping the stream closes its connection: a cancelled turn stops at NemoVideo too.
        drop(stream);
        front.streaming(None);
        drop(live);
        let failed = stop.is_some();
        let shown = show_answer(&mut reply, &answer, stop.as_ref(), lang, &mut meter).await;
        let (actions, offered) = shown;
        meter.end(outcome(stop.as_ref(), &answer));
        match stop {
            // The answer's last message says so (see `show_answer`), unless there was none.
            Some(Stop::Cancelled) if reply.is_shown() => {}
            Some(stop) => drop(front.send(&self.stop_message(lang, &stop), true).await?),
            // A turn that ended well but said nothing: tell what it changed. (A failed one
            // already said what happened and how to look.)
            None if answer.is_empty() => self.explain_change(actor, front, before.as_ref()).await,
            None => {}
        }
        if !failed && !offered {
            // Buttons are a convenience: the answer is out, so a failure is only logged.
            if let Err(e) = front.offer(&actions).await {
                tracing::warn!("could not offer the next actions: {e}");
            }
        }
        Ok(TurnOutcome { failed })
    }

    /// What the member is told of a turn that ended early.
    fn stop_message(&self, lang: Lang, stop: &Stop) -> String {
        let minutes = |ms: u64| ms.div_ceil(60_000);
        let cfg = &self.cfg;
        match stop {
            Stop::Agent => tr!(lang, "agent-failed"),
            Stop::Broken => tr!(lang, "stream-broken"),
            Stop::TooLarge => tr!(lang, "stream-too-large"),
            Stop::Timeout => tr!(lang, "turn-timeout", minutes = minutes(cfg.sse_timeout_ms)),
            Stop::Quiet => tr!(lang, "turn-quiet", minutes = minutes(cfg.idle_timeout_ms)),
            Stop::Cancelled => tr!(lang, "cancel-turn-note"),
        }
    }

    /// Tells the user what a turn without text changed on the timeline.
    async fn explain_change(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        before: Option<&Timeline>,
    ) {
        let lang = actor.language();
        let message = match self.accounts.timeline(actor, front.as_ref()).await {
            Ok(after) => change_message(lang, before, &after),
            Err(e) => {
                tracing::warn!("could not read the state after a silent turn: {e}");
                tr!(lang, "silent-unknown")
            }
        };
        // The turn worked: what follows it (the export of /musicvideo) goes on even when
        // this explanation cannot be shown.
        if let Err(e) = front.send(&message, true).await {
            tracing::warn!("could not explain a silent turn: {e}");
        }
    }
}

/// What a turn without text changed, from the timelines before and after it.
fn change_message(lang: Lang, before: Option<&Timeline>, after: &Timeline) -> String {
    match before.and_then(|b| diff(lang, b, after)) {
        Some(change) => text::silent_changed(lang, &change, &after.summary(lang)),
        None if before.is_none() => text::silent_changed(lang, "", &after.summary(lang)),
        None => tr!(lang, "silent-no-change"),
    }
}

/// `suggested` (the agent's suggestions), then the two actions every answer offers.
fn with_every_answers_actions(mut suggested: Vec<Suggestion>) -> Vec<Suggestion> {
    for a in [Suggestion::Export, Suggestion::Status] {
        if !suggested.contains(&a) {
            suggested.push(a);
        }
    }
    suggested
}

/// Shows the whole answer with the actions a turn that did not fail (`stop`) offers: what
/// the agent suggested first, then the two actions every answer offers; on the answer's last
/// message where there is one. A cancelled answer ends saying so, in `lang`. The actions, and
/// whether they were offered there.
async fn show_answer(
    reply: &mut Reply,
    answer: &Answer,
    stop: Option<&Stop>,
    lang: Lang,
    meter: &mut TurnMeter<'_>,
) -> (Vec<Suggestion>, bool) {
    let (mut shown, suggestions) = translate_gui(answer.text());
    if matches!(stop, Some(Stop::Cancelled)) && !answer.is_empty() {
        shown = format!("{shown}\n\n{}", tr!(lang, "cancel-turn-note"));
    }
    reply.set(shown);
    let actions = if stop.is_some() {
        Vec::new()
    } else {
        with_every_answers_actions(suggestions)
    };
    let mut offered = false;
    if reply.is_shown() || !answer.is_empty() {
        // Best-effort like every edit: the work is done either way, and what follows
        // (the export of /musicvideo) must not be skipped because a message failed.
        match reply.finish(&actions).await {
            Ok(done) => offered = done,
            Err(e) => tracing::warn!("could not show the whole answer: {e}"),
        }
        meter.shown(reply.is_shown());
    }
    (actions, offered)
}

/// How a turn that ended with `stop` (none: it ended well) and `answer` is counted.
fn outcome(stop: Option<&Stop>, answer: &Answer) -> Outcome {
    match stop {
        Some(Stop::Agent) => Outcome::AgentError,
        Some(Stop::Broken | Stop::TooLarge) => Outcome::Broken,
        Some(Stop::Timeout | Stop::Quiet) => Outcome::Timeout,
        Some(Stop::Cancelled) => Outcome::Cancelled,
        None if answer.is_empty() => Outcome::Silent,
        None => Outcome::Answered,
    }
}
