//! One agent turn: the prompt goes out once, the answer streams into a growing message, and a
//! turn that ends without text is explained from the change in the session's state.

use super::front::Front;
use super::gui::{translate_gui, GuiStream, Suggestion};
use super::lifecycle::Lifecycle;
use super::reply::Reply;
use super::summary::{diff, Timeline};
use super::{text, Actor, Engine, EngineError};
use crate::i18n::Lang;
use crate::nemo::{NemoError, TurnEvent, TurnStream};
use crate::telemetry::metrics::{self, TurnOutcome as Outcome};
use crate::tr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{sleep_until, Instant};

/// How a turn ended.
#[derive(Debug, Default)]
pub struct TurnOutcome {
    /// The turn failed or timed out.
    pub failed: bool,
}

/// Why a turn stopped early.
enum Stop {
    /// The agent reported an error (logged where it arrived).
    Agent,
    Broken,
    /// One event was larger than the bot reads.
    TooLarge,
    /// Past the turn's total time.
    Timeout,
    /// No event for the idle time.
    Quiet,
}

/// The agent's text so far. ADK streams `partial` chunks and then repeats the whole part in a
/// final event, which replaces the chunks; the simple event form only sends chunks. The text
/// is the final parts and the chunks since, each trimmed, joined by blank lines, and is kept
/// whole as it grows, so that a chunk costs in proportion to its own length.
#[derive(Default)]
struct Answer {
    text: String,
    /// The bytes at the end of `text` that come from chunks (with the blank line before them).
    partial_len: usize,
    /// Whitespace at the end of the chunks, held back until more text follows it.
    held: String,
}

/// What a pushed piece of text did to the answer.
#[derive(Debug, PartialEq, Eq)]
enum Change {
    /// Nothing (the backend's stray "temporary issue" line).
    None,
    /// Text was appended; what was there before is unchanged.
    Grew,
    /// A final part replaced the chunks streamed before it.
    Replaced,
}

impl Answer {
    fn push(&mut self, text: &str, partial: bool) -> Change {
        if is_temporary_issue(text) && !self.is_empty() {
            // The backend sometimes tacks this on after a complete answer.
            return Change::None;
        }
        if !partial {
            let replaced = self.partial_len > 0;
            self.text.truncate(self.text.len() - self.partial_len);
            self.partial_len = 0;
            self.held.clear();
            self.append(text.trim());
            return if replaced {
                Change::Replaced
            } else {
                Change::Grew
            };
        }
        let mut chunk = std::mem::take(&mut self.held);
        chunk.push_str(if self.partial_len == 0 {
            text.trim_start()
        } else {
            text
        });
        let content = chunk.trim_end();
        if !content.is_empty() {
            let before = self.text.len();
            self.append(content);
            self.partial_len += self.text.len() - before;
        }
        if self.partial_len > 0 {
            self.held = chunk[content.len()..].to_string();
        }
        Change::Grew
    }

    /// Appends trimmed text: a new paragraph when it starts a part, else a continuation.
    fn append(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if !self.text.is_empty() && self.partial_len == 0 {
            self.text.push_str("\n\n");
        }
        self.text.push_str(text);
    }

    fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    fn text(&self) -> &str {
        &self.text
    }
}

/// Counts a turn from its start to its outcome. A turn dropped before it ended was cut
/// short by a shutdown, or failed on its way (an error before the agent answered).
struct TurnMeter<'a> {
    life: &'a Lifecycle,
    started: Instant,
    first_text: bool,
    ended: bool,
}

impl<'a> TurnMeter<'a> {
    fn start(life: &'a Lifecycle) -> TurnMeter<'a> {
        metrics::turn_started();
        TurnMeter {
            life,
            started: Instant::now(),
            first_text: false,
            ended: false,
        }
    }

    /// Notes the first time the reply shows text.
    fn shown(&mut self, shown: bool) {
        if shown && !self.first_text {
            self.first_text = true;
            metrics::first_text(self.started.elapsed());
        }
    }

    fn end(&mut self, outcome: Outcome) {
        self.ended = true;
        metrics::turn_finished(outcome);
    }
}

impl Drop for TurnMeter<'_> {
    fn drop(&mut self) {
        if !self.ended {
            let interrupted = self.life.is_interrupted();
            self.end(if interrupted {
                Outcome::Interrupted
            } else {
                Outcome::Failed
            });
        }
    }
}

fn is_temporary_issue(text: &str) -> bool {
    text.to_lowercase()
        .contains("i encountered a temporary issue")
}

impl Engine {
    /// Runs one turn on the scope's session and shows it through `front`.
    pub(crate) async fn run_turn(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        prompt: &str,
    ) -> Result<TurnOutcome, EngineError> {
        let lang = actor.language();
        let mut meter = TurnMeter::start(&self.inner.life);
        if let Err(e) = self.inner.quotas.take_turn(actor, front.as_ref()).await {
            meter.end(Outcome::RefusedByQuota);
            return Err(e);
        }
        let before = self.timeline(actor, front.as_ref()).await.ok();
        let nemo = &self.inner.nemo;
        let mut stream = self
            .inner
            .accounts
            .with_session(actor, front.as_ref(), |t, s| async move {
                nemo.run_sse(&t, &s.session_id, prompt).await
            })
            .await?;
        let mut reply = Reply::new(front.clone());
        let mut answer = Answer::default();
        let stop = self
            .read_stream(
                lang,
                &mut stream,
                front,
                &mut reply,
                &mut answer,
                &mut meter,
            )
            .await;
        drop(stream);
        let (shown, suggestions) = translate_gui(answer.text());
        reply.set(shown);
        let failed = stop.is_some();
        // A turn that ended well offers what the agent suggested first, then the two actions
        // every answer offers; on the answer's last message where there is one.
        let actions = if failed {
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
        meter.end(match &stop {
            Some(Stop::Agent) => Outcome::AgentError,
            Some(Stop::Broken | Stop::TooLarge) => Outcome::Broken,
            Some(Stop::Timeout | Stop::Quiet) => Outcome::Timeout,
            None if answer.is_empty() => Outcome::Silent,
            None => Outcome::Answered,
        });
        let minutes = |ms: u64| ms.div_ceil(60_000);
        let why = match stop {
            Some(Stop::Agent) => Some(tr!(lang, "agent-failed")),
            Some(Stop::Broken) => Some(tr!(lang, "stream-broken")),
            Some(Stop::TooLarge) => Some(tr!(lang, "stream-too-large")),
            Some(Stop::Timeout) => Some(tr!(
                lang,
                "turn-timeout",
                minutes = minutes(self.inner.cfg.sse_timeout_ms)
            )),
            Some(Stop::Quiet) => Some(tr!(
                lang,
                "turn-quiet",
                minutes = minutes(self.inner.cfg.idle_timeout_ms)
            )),
            None => None,
        };
        match why {
            Some(why) => drop(front.send(&why, true).await?),
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

    /// Reads the stream into the reply until it ends, fails or times out.
    async fn read_stream(
        &self,
        lang: Lang,
        stream: &mut TurnStream,
        front: &Arc<dyn Front>,
        reply: &mut Reply,
        answer: &mut Answer,
        meter: &mut TurnMeter<'_>,
    ) -> Option<Stop> {
        let cfg = &self.inner.cfg;
        let still = Duration::from_millis(cfg.still_working_ms);
        let idle = Duration::from_millis(cfg.idle_timeout_ms);
        let deadline = Instant::now() + Duration::from_millis(cfg.sse_timeout_ms);
        let (mut last_activity, mut last_news) = (Instant::now(), Instant::now());
        let mut last_tool = String::new();
        let mut stop = None;
        let mut gui = GuiStream::default();
        // Set while the stream is left unread until a redraw that is owed later.
        let mut paused_until = None;
        // Set from the end of a pause until the stream has nothing to give even after the
        // other tasks had their turn (the connection's hands it its events one at a time):
        // the redraw waits for all that came during the pause.
        let mut draining = false;
        // Whether the answer grew since the reply was last given its text.
        let mut grown = false;
        loop {
            let flush_at = reply.due();
            let pause = read_pause(flush_at, Instant::now());
            tokio::select! {
                biased;
                event = stream.next(), if paused_until.is_none() => {
                    let now = Instant::now();
                    match event {
                        None | Some(Ok(TurnEvent::End)) => return stop,
                        Some(Ok(TurnEvent::Heartbeat)) => {}
                        Some(Ok(TurnEvent::Text { text, partial })) => {
                            last_activity = now;
                            let change = answer.push(&text, partial);
                            if change != Change::None {
                                last_news = now;
                                if change == Change::Replaced {
                                    gui = GuiStream::default();
                                    reply.set(String::new());
                                }
                                // Rewritten when shown: once a redraw, not once an event.
                                reply.stale();
                                grown = true;
                            }
                        }
                        Some(Ok(TurnEvent::Tool { name })) => {
                            last_activity = now;
                            if answer.is_empty() && name != last_tool {
                                notify(front, &text::working_on(lang, &name)).await;
                                last_tool = name;
                            }
                        }
                        Some(Ok(TurnEvent::Error { code, message })) => {
                            tracing::warn!(?code, %message, "agent reported an error");
                            last_activity = now;
                            stop = Some(Stop::Agent);
                        }
                        Some(Err(e @ NemoError::TooLarge { .. })) => {
                            tracing::error!(error = %e, "agent stream sent an oversized event");
                            return Some(stop.unwrap_or(Stop::TooLarge));
                        }
                        Some(Err(e)) => {
                            tracing::error!(error = %e, "agent stream broke");
                            return Some(stop.unwrap_or(Stop::Broken));
                        }
                    }
                }
                () = tokio::task::yield_now(), if draining => draining = false,
                // Nothing to read now and a redraw owed later: what arrives meanwhile is read
                // in one go then, not woken for event by event (a few a millisecond).
                () = std::future::ready(()), if !draining && paused_until.is_none() && pause.is_some() => {
                    paused_until = pause;
                }
                _ = sleep_until(paused_until.unwrap_or(deadline)), if paused_until.is_some() => {
                    // Read all that came first, so that the redraw shows it.
                    paused_until = None;
                    draining = true;
                }
                _ = sleep_until(flush_at.unwrap_or(deadline)), if flush_at.is_some() && !draining && paused_until.is_none() => {
                    if std::mem::take(&mut grown) {
                        let lines = gui.advance(answer.text());
                        reply.extend(&lines, &gui.tail(answer.text()));
                    }
                    match reply.flush(false).await {
                        Ok(()) => meter.shown(reply.is_shown()),
                        Err(e) => tracing::warn!("could not update the streamed message: {e}"),
                    }
                }
                _ = sleep_until(last_news + still) => {
                    notify(front, &tr!(lang, "still-working")).await;
                    last_news = Instant::now();
                }
                _ = sleep_until(deadline.min(last_activity + idle)) => {
                    tracing::warn!("agent turn timed out");
                    let quiet = last_activity + idle < deadline;
                    return Some(if quiet { Stop::Quiet } else { Stop::Timeout });
                }
            }
        }
    }

    /// The session's timeline now.
    pub(crate) async fn timeline(
        &self,
        actor: &Actor,
        front: &dyn Front,
    ) -> Result<Timeline, EngineError> {
        Ok(Timeline::from_draft(&self.draft(actor, front).await?))
    }

    /// The session's draft now (null when it has none).
    pub(crate) async fn draft(
        &self,
        actor: &Actor,
        front: &dyn Front,
    ) -> Result<serde_json::Value, EngineError> {
        let mut data = self.state(actor, front).await?;
        Ok(data
            .pointer_mut("/state/draft")
            .map(serde_json::Value::take)
            .unwrap_or_default())
    }

    /// The session's state (`data`, with `state` inside), read with bounded retries.
    pub(crate) async fn state(
        &self,
        actor: &Actor,
        front: &dyn Front,
    ) -> Result<serde_json::Value, EngineError> {
        let nemo = &self.inner.nemo;
        self.inner
            .accounts
            .with_session(actor, front, |t, s| async move {
                retry_reads(|| nemo.state(&t, &s.session_id)).await
            })
            .await
    }

    /// Tells the user what a turn without text changed on the timeline.
    async fn explain_change(
        &self,
        actor: &Actor,
        front: &Arc<dyn Front>,
        before: Option<&Timeline>,
    ) {
        let lang = actor.language();
        let message = match self.timeline(actor, front.as_ref()).await {
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

/// The longest the agent's stream is left unread while a redraw is owed: how much later the
/// end of an answer (or a tool's status) may be noticed than it arrived.
const MAX_READ_PAUSE: Duration = Duration::from_millis(50);

/// Until when to leave the stream unread, at `now`, when nothing is ready to read: until the
/// redraw owed at `flush_at` (it shows the text that came by then, read in one go), at most
/// [`MAX_READ_PAUSE`]. Not at all when no redraw is owed, or one is owed already.
fn read_pause(flush_at: Option<Instant>, now: Instant) -> Option<Instant> {
    flush_at
        .filter(|&at| at > now)
        .map(|at| at.min(now + MAX_READ_PAUSE))
}

/// Sends a transient status, logging (not failing) when the front cannot.
pub(crate) async fn notify(front: &Arc<dyn Front>, status: &str) {
    if let Err(e) = front.status(status).await {
        tracing::warn!("could not show a status line: {e}");
    }
}

/// Retries an idempotent read on transient failures, three tries with growing, jittered waits.
pub(crate) async fn retry_reads<T, F, Fut>(read: F) -> Result<T, NemoError>
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, NemoError>>,
{
    use backon::Retryable;
    read.retry(crate::retry::reads())
        .when(NemoError::is_retryable)
        .notify(|e, wait| tracing::warn!("read failed, retrying in {wait:?}: {e}"))
        .await
}

#[cfg(test)]
mod tests {
    use super::{read_pause, Answer, Change, MAX_READ_PAUSE};
    use std::time::Duration;
    use tokio::time::Instant;

    #[test]
    fn the_stream_is_left_unread_until_the_redraw_at_most_the_pause() {
        let now = Instant::now();
        let ms = |n: u64| Duration::from_millis(n);
        let rows = [
            (None, None),
            (Some(now - ms(1)), None),
            (Some(now), None),
            (Some(now + ms(20)), Some(now + ms(20))),
            (Some(now + MAX_READ_PAUSE), Some(now + MAX_READ_PAUSE)),
            (Some(now + ms(1500)), Some(now + MAX_READ_PAUSE)),
        ];
        for (flush_at, want) in rows {
            assert_eq!(read_pause(flush_at, now), want, "{flush_at:?}");
        }
    }

    /// The answer as it was computed before, from scratch: final parts and the trimmed chunks
    /// since, joined by blank lines.
    fn joined(parts: &[String], partial: &str) -> String {
        let mut all: Vec<&str> = parts.iter().map(|p| p.trim()).collect();
        all.push(partial.trim());
        all.retain(|p| !p.is_empty());
        all.join("\n\n")
    }

    #[test]
    fn the_answer_grows_as_its_parts_and_chunks_joined() {
        let pieces = [
            "Here ",
            " ",
            "\n",
            "is",
            " your\n\n",
            "draft.",
            "  ",
            "\t",
            "🎵",
        ];
        let mut seed = 5u64;
        for _ in 0..300 {
            let (mut answer, mut parts, mut partial) =
                (Answer::default(), Vec::new(), String::new());
            for _ in 0..(seed % 30) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let text = pieces[(seed >> 33) as usize % pieces.len()];
                let is_partial = (seed >> 40) % 4 != 0;
                let change = answer.push(text, is_partial);
                let before = joined(&parts, &partial);
                if is_partial {
                    partial.push_str(text);
                } else {
                    // A final part replaces the chunks before it.
                    partial.clear();
                    parts.push(text.to_string());
                }
                let now = joined(&parts, &partial);
                assert_eq!(answer.text(), now, "{parts:?} {partial:?}");
                if change == Change::Grew {
                    assert!(now.starts_with(&before), "grew means appended");
                }
            }
        }
    }
}
