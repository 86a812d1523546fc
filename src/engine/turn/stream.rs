//! Reading the agent's stream into the reply: text redrawn at most once a redraw, status
//! lines for tools and long silences, and the turn's time limits.

use super::answer::{Answer, Change};
use super::meter::TurnMeter;
use crate::config::NemoConfig;
use crate::engine::front::notify;
use crate::engine::front::Front;
use crate::engine::gui::GuiStream;
use crate::engine::reply::Reply;
use crate::engine::text;
use crate::i18n::Lang;
use crate::nemo::{NemoError, TurnEvent, TurnStream};
use crate::tr;
use std::sync::Arc;
use std::time::Duration;
use tokio::time::{sleep_until, Instant};
use tokio_util::sync::CancellationToken;

/// Why a turn ended early.
pub(super) enum Stop {
    /// The agent reported an error (logged where it arrived).
    Agent,
    /// The stream broke (logged where it did).
    Broken,
    /// One event was larger than the bot reads.
    TooLarge,
    /// Past the turn's total time.
    Timeout,
    /// No event for the idle time.
    Quiet,
    /// The member pressed Cancel.
    Cancelled,
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

/// One turn's reading: where it shows, what it has read, and its clocks.
pub(super) struct Reader<'r, 'm> {
    lang: Lang,
    front: &'r Arc<dyn Front>,
    reply: &'r mut Reply,
    answer: &'r mut Answer,
    meter: &'r mut TurnMeter<'m>,
    last_activity: Instant,
    last_news: Instant,
    last_tool: String,
    stop: Option<Stop>,
    gui: GuiStream,
    /// Whether the answer grew since the reply was last given its text.
    grown: bool,
}

/// What one event did to the reading.
enum Read {
    /// Read on.
    On,
    /// The stream ended, with this reason if early.
    End(Option<Stop>),
}

impl<'r, 'm> Reader<'r, 'm> {
    /// A reading that shows through `reply` (and `front`'s status line) in `lang`.
    pub(super) fn new(
        lang: Lang,
        front: &'r Arc<dyn Front>,
        reply: &'r mut Reply,
        answer: &'r mut Answer,
        meter: &'r mut TurnMeter<'m>,
    ) -> Reader<'r, 'm> {
        Reader {
            lang,
            front,
            reply,
            answer,
            meter,
            last_activity: Instant::now(),
            last_news: Instant::now(),
            last_tool: String::new(),
            stop: None,
            gui: GuiStream::default(),
            grown: false,
        }
    }

    /// Reads the stream into the reply until it ends, fails, times out (`cfg`'s limits) or
    /// is `cancelled`.
    pub(super) async fn read(
        mut self,
        stream: &mut TurnStream,
        cfg: &NemoConfig,
        cancelled: &CancellationToken,
    ) -> Option<Stop> {
        let still = Duration::from_millis(cfg.still_working_ms);
        let idle = Duration::from_millis(cfg.idle_timeout_ms);
        let deadline = Instant::now() + Duration::from_millis(cfg.sse_timeout_ms);
        // Set while the stream is left unread until a redraw that is owed later.
        let mut paused_until = None;
        // Set from the end of a pause until the stream has nothing to give even after the
        // other tasks had their turn (the connection's hands it its events one at a time):
        // the redraw waits for all that came during the pause.
        let mut draining = false;
        loop {
            let flush_at = self.reply.due();
            let pause = read_pause(flush_at, Instant::now());
            tokio::select! {
                biased;
                () = cancelled.cancelled() => return Some(Stop::Cancelled),
                event = stream.next(), if paused_until.is_none() => {
                    if let Read::End(stop) = self.event(event).await {
                        return stop;
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
                    self.redraw().await;
                }
                _ = sleep_until(self.last_news + still) => {
                    notify(self.front, &tr!(self.lang, "still-working")).await;
                    self.last_news = Instant::now();
                }
                _ = sleep_until(deadline.min(self.last_activity + idle)) => {
                    tracing::warn!("agent turn timed out");
                    let quiet = self.last_activity + idle < deadline;
                    return Some(if quiet { Stop::Quiet } else { Stop::Timeout });
                }
            }
        }
    }

    /// Takes in one event of the stream (`None`: it ended).
    async fn event(&mut self, event: Option<Result<TurnEvent, NemoError>>) -> Read {
        let now = Instant::now();
        match event {
            None | Some(Ok(TurnEvent::End)) => return Read::End(self.stop.take()),
            Some(Ok(TurnEvent::Heartbeat)) => {}
            Some(Ok(TurnEvent::Text { text, partial })) => {
                self.last_activity = now;
                self.text(&text, partial, now);
            }
            Some(Ok(TurnEvent::Tool { name })) => {
                self.last_activity = now;
                if self.answer.is_empty() && name != self.last_tool {
                    notify(self.front, &text::working_on(self.lang, &name)).await;
                    self.last_tool = name;
                }
            }
            Some(Ok(TurnEvent::Error { code, message })) => {
                tracing::warn!(?code, %message, "agent reported an error");
                self.last_activity = now;
                self.stop = Some(Stop::Agent);
            }
            Some(Err(e @ NemoError::TooLarge { .. })) => {
                tracing::error!(error = %e, "agent stream sent an oversized event");
                return Read::End(Some(self.stop.take().unwrap_or(Stop::TooLarge)));
            }
            Some(Err(e)) => {
                tracing::error!(error = %e, "agent stream broke");
                return Read::End(Some(self.stop.take().unwrap_or(Stop::Broken)));
            }
        }
        Read::On
    }

    /// Adds a piece of the answer's text, read at `now`.
    fn text(&mut self, text: &str, partial: bool, now: Instant) {
        let change = self.answer.push(text, partial);
        if change == Change::None {
            return;
        }
        self.last_news = now;
        if change == Change::Replaced {
            self.gui = GuiStream::default();
            self.reply.set(String::new());
        }
        // Rewritten when shown: once a redraw, not once an event.
        self.reply.stale();
        self.grown = true;
    }

    /// Shows the answer as it is now.
    async fn redraw(&mut self) {
        if std::mem::take(&mut self.grown) {
            let lines = self.gui.advance(self.answer.text());
            self.reply
                .extend(&lines, &self.gui.tail(self.answer.text()));
        }
        match self.reply.flush(false).await {
            Ok(()) => self.meter.shown(self.reply.is_shown()),
            Err(e) => tracing::warn!("could not update the streamed message: {e}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{read_pause, MAX_READ_PAUSE};
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
}
