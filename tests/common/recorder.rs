//! A front that records everything the engine shows a user, for assertions.

use async_trait::async_trait;
use music_video_bot::engine::front::{Deliver, Front, FrontError, Link, MsgId};
use music_video_bot::engine::gui::Suggestion;
use music_video_bot::i18n::Lang;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::time::Instant;

/// One thing the front was asked to do.
#[derive(Debug, Clone)]
pub enum Ev {
    /// A new message.
    Send { id: usize, text: String, done: bool },
    /// An edit, with when it happened.
    Edit {
        id: usize,
        text: String,
        done: bool,
        at: Instant,
    },
    /// A status line.
    Status(String),
    /// A posted link.
    Link(Link),
    /// Offered actions.
    Offer(Vec<Suggestion>),
}

/// A front call that a test can make fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `send`.
    Send,
    /// `edit`.
    Edit,
    /// `status`.
    Status,
    /// `post_link`.
    PostLink,
    /// `offer` (buttons).
    Offer,
}

/// How a failing call fails (see `FrontError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// `FrontError::Failed`: may work later.
    Retryable,
    /// `FrontError::Gone`: the place is gone.
    Gone,
    /// `FrontError::Refused`: refused for good (Discord's 400/401/403).
    Refused,
}

/// Records every call; messages are numbered from 0.
pub struct Recorder {
    pub events: Mutex<Vec<Ev>>,
    /// Calls still to fail, per operation, with how.
    failures: Mutex<Vec<(Op, Failure)>>,
    /// Every call made, failed ones included.
    attempts: Mutex<Vec<Op>>,
    max_len: usize,
    interval: Duration,
    target: String,
}

impl Recorder {
    /// A recorder with Discord's 2,000 limit and no edit throttle.
    pub fn new() -> Arc<Recorder> {
        Recorder::with(2000, Duration::ZERO, "rec:1")
    }

    /// A recorder with the given limits and target.
    pub fn with(max_len: usize, interval: Duration, target: &str) -> Arc<Recorder> {
        Arc::new(Recorder {
            events: Mutex::new(Vec::new()),
            failures: Mutex::new(Vec::new()),
            attempts: Mutex::new(Vec::new()),
            max_len,
            interval,
            target: target.into(),
        })
    }

    /// Makes the next `times` calls of `op` fail with `how` (queued after earlier orders).
    pub fn fail_next(&self, op: Op, times: usize, how: Failure) {
        let mut failures = self.failures.lock().unwrap();
        failures.extend(std::iter::repeat_n((op, how), times));
    }

    /// How many calls of `op` were made, failed ones included.
    pub fn attempts(&self, op: Op) -> usize {
        self.attempts
            .lock()
            .unwrap()
            .iter()
            .filter(|o| **o == op)
            .count()
    }

    /// Counts a call of `op`, and fails it if a test asked for that.
    fn call(&self, op: Op) -> Result<(), FrontError> {
        self.attempts.lock().unwrap().push(op);
        let mut failures = self.failures.lock().unwrap();
        let Some(i) = failures.iter().position(|(o, _)| *o == op) else {
            return Ok(());
        };
        Err(match failures.remove(i).1 {
            Failure::Retryable => FrontError::Failed(format!("{op:?} failed on purpose")),
            Failure::Gone => FrontError::Gone,
            Failure::Refused => FrontError::Refused(format!("{op:?} refused: 403 50013")),
        })
    }

    /// Every event so far.
    pub fn events(&self) -> Vec<Ev> {
        self.events.lock().unwrap().clone()
    }

    /// [`Recorder::messages`] without the first contact's greeting, for tests of what comes
    /// after it.
    pub fn answers(&self) -> Vec<String> {
        let greetings =
            music_video_bot::i18n::LANGUAGES.map(music_video_bot::engine::welcome::connected);
        self.messages()
            .into_iter()
            .filter(|m| !greetings.contains(m))
            .collect()
    }

    /// The final text of each message, in the order they were created.
    pub fn messages(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for ev in self.events() {
            match ev {
                Ev::Send { text, .. } => out.push(text),
                Ev::Edit { id, text, .. } => out[id] = text,
                _ => {}
            }
        }
        out
    }

    /// Status lines.
    pub fn statuses(&self) -> Vec<String> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Ev::Status(s) => Some(s),
                _ => None,
            })
            .collect()
    }

    /// Posted links.
    pub fn links(&self) -> Vec<Link> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Ev::Link(l) => Some(l),
                _ => None,
            })
            .collect()
    }

    /// Everything a user saw, one line per event, final message texts included.
    pub fn transcript(&self) -> String {
        let mut lines = self.messages();
        lines.extend(self.statuses());
        lines.extend(
            self.links()
                .into_iter()
                .map(|l| format!("{} {}", l.text, l.url)),
        );
        lines.join("\n")
    }

    /// Number of edits per message id.
    pub fn edits_of(&self, id: usize) -> Vec<Instant> {
        self.events()
            .into_iter()
            .filter_map(|e| match e {
                Ev::Edit { id: i, at, .. } if i == id => Some(at),
                _ => None,
            })
            .collect()
    }
}

#[async_trait]
impl Front for Recorder {
    fn max_len(&self) -> usize {
        self.max_len
    }

    fn edit_interval(&self) -> Duration {
        self.interval
    }

    fn target(&self) -> String {
        self.target.clone()
    }

    async fn send(&self, text: &str, done: bool) -> Result<MsgId, FrontError> {
        self.call(Op::Send)?;
        let mut ev = self.events.lock().unwrap();
        let id = ev.iter().filter(|e| matches!(e, Ev::Send { .. })).count();
        ev.push(Ev::Send {
            id,
            text: text.into(),
            done,
        });
        Ok(MsgId(id.to_string()))
    }

    async fn edit(&self, id: &MsgId, text: &str, done: bool) -> Result<(), FrontError> {
        self.call(Op::Edit)?;
        let id: usize = id.0.parse().map_err(|_| FrontError::Gone)?;
        let at = Instant::now();
        self.events.lock().unwrap().push(Ev::Edit {
            id,
            text: text.into(),
            done,
            at,
        });
        Ok(())
    }

    async fn status(&self, text: &str) -> Result<(), FrontError> {
        self.call(Op::Status)?;
        self.events.lock().unwrap().push(Ev::Status(text.into()));
        Ok(())
    }

    async fn post_link(&self, link: &Link) -> Result<(), FrontError> {
        self.call(Op::PostLink)?;
        self.events.lock().unwrap().push(Ev::Link(link.clone()));
        Ok(())
    }

    async fn offer(&self, actions: &[Suggestion]) -> Result<(), FrontError> {
        self.call(Op::Offer)?;
        self.events
            .lock()
            .unwrap()
            .push(Ev::Offer(actions.to_vec()));
        Ok(())
    }
}

/// Delivers every stored job to one recorder.
pub struct ToRecorder(pub Arc<Recorder>);

impl Deliver for ToRecorder {
    fn front_for(&self, _target: &str, _scope: &str, _lang: Lang) -> Option<Arc<dyn Front>> {
        Some(self.0.clone())
    }
}
