//! Latest-only updates of one message: at most one edit per interval, and a content (a line,
//! a card) superseded before its turn is never sent (so stale progress never arrives late).

use crate::engine::front::FrontError;
use parking_lot::Mutex;
use std::future::Future;
use tokio::time::{Duration, Instant};

/// The throttle of one message (a progress line or card), sending `T`s.
pub(crate) struct LatestOnly<T> {
    state: Mutex<State<T>>,
}

impl<T> Default for LatestOnly<T> {
    fn default() -> Self {
        LatestOnly {
            state: Mutex::new(State::default()),
        }
    }
}

struct State<T> {
    /// The newest content not yet sent.
    pending: Option<T>,
    /// Someone is sending (and will send what is pending before it stops).
    sending: bool,
    /// When the last edit went out.
    last: Option<Instant>,
}

impl<T> Default for State<T> {
    fn default() -> Self {
        State {
            pending: None,
            sending: false,
            last: None,
        }
    }
}

/// Lets the next update send again even if the sender was dropped (an interrupted request).
struct Sending<'a, T>(&'a Mutex<State<T>>);

impl<T> Drop for Sending<'_, T> {
    fn drop(&mut self) {
        self.0.lock().sending = false;
    }
}

impl<T> LatestOnly<T> {
    /// Shows `content` through `send` when its turn comes, `interval` after the last edit
    /// (the interval can widen as the bot gets busier). If another update is already waiting
    /// for its turn, this one replaces it and returns at once; otherwise this call waits and
    /// sends (also what others hand in meanwhile).
    pub(crate) async fn update<F, Fut>(
        &self,
        content: T,
        interval: Duration,
        send: F,
    ) -> Result<(), FrontError>
    where
        F: Fn(T) -> Fut,
        Fut: Future<Output = Result<(), FrontError>>,
    {
        {
            let mut st = self.state.lock();
            st.pending = Some(content);
            if st.sending {
                return Ok(());
            }
            st.sending = true;
        }
        let _sending = Sending(&self.state);
        loop {
            let due = self.state.lock().last.map(|l| l + interval);
            if let Some(due) = due {
                tokio::time::sleep_until(due).await;
            }
            let next = {
                let mut st = self.state.lock();
                match st.pending.take() {
                    Some(content) => content,
                    None => {
                        st.sending = false;
                        return Ok(());
                    }
                }
            };
            let sent = send(next).await;
            let mut st = self.state.lock();
            st.last = Some(Instant::now());
            // Done unless something new came meanwhile (checked under the same lock that
            // updates take, so none is left unsent).
            if st.pending.is_none() || sent.is_err() {
                st.sending = false;
                return sent;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    const GAP: Duration = Duration::from_millis(300);

    #[tokio::test(start_paused = true)]
    async fn superseded_lines_are_never_sent_and_edits_keep_their_distance() {
        let line = Arc::new(LatestOnly::default());
        let sent: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
        let start = Instant::now();
        let send = |sent: Arc<Mutex<Vec<(String, Instant)>>>| {
            move |t: String| {
                let sent = sent.clone();
                async move {
                    sent.lock().push((t, Instant::now()));
                    Ok(())
                }
            }
        };
        line.update(String::from("On it…"), GAP, send(sent.clone()))
            .await
            .unwrap();
        let waiting = {
            let (line, send) = (line.clone(), send(sent.clone()));
            tokio::spawn(async move { line.update(String::from("Uploading…"), GAP, send).await })
        };
        // Let it start waiting for its turn.
        tokio::time::sleep(Duration::from_millis(1)).await;
        line.update(String::from("Working…"), GAP, send(sent.clone()))
            .await
            .unwrap();
        line.update(String::from("Rendering 33%"), GAP, send(sent.clone()))
            .await
            .unwrap();
        waiting.await.unwrap().unwrap();
        let sent = sent.lock().clone();
        let texts: Vec<&str> = sent.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(texts, ["On it…", "Rendering 33%"]);
        assert_eq!(sent[0].1 - start, Duration::ZERO);
        assert_eq!(sent[1].1 - sent[0].1, Duration::from_millis(300));
    }

    #[tokio::test(start_paused = true)]
    async fn an_interrupted_sender_does_not_stop_later_updates() {
        let line = LatestOnly::default();
        let ok = |_: String| async { Ok(()) };
        line.update(String::from("a"), GAP, ok).await.unwrap();
        let dropped = tokio::time::timeout(
            Duration::from_millis(10),
            line.update(String::from("b"), GAP, ok),
        )
        .await;
        assert!(dropped.is_err(), "it was waiting for its turn");
        tokio::time::sleep(Duration::from_secs(1)).await;
        let sent = Arc::new(Mutex::new(Vec::new()));
        let record = |t: String| {
            let sent = sent.clone();
            async move {
                sent.lock().push(t);
                Ok(())
            }
        };
        line.update(String::from("c"), GAP, record).await.unwrap();
        assert_eq!(*sent.lock(), ["c"]);
    }
}
