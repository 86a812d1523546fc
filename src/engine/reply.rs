//! A reply that grows as the agent's text arrives: one message edited in place, at most one
//! edit per the front's interval (only the latest text is kept between edits, so no backlog
//! of edits builds up), continued in new messages past the platform's length limit.

use super::front::{Front, FrontError, MsgId};
use super::split::split_message;
use std::sync::Arc;
use tokio::time::Instant;

/// One streamed answer, possibly spread over several messages.
pub struct Reply {
    front: Arc<dyn Front>,
    /// Messages sent so far: id, the text they show, and whether they were final.
    sent: Vec<(MsgId, String, bool)>,
    text: String,
    dirty: bool,
    last_edit: Option<Instant>,
}

impl Reply {
    /// A reply with nothing sent yet.
    pub fn new(front: Arc<dyn Front>) -> Reply {
        Reply {
            front,
            sent: Vec::new(),
            text: String::new(),
            dirty: false,
            last_edit: None,
        }
    }

    /// The whole text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the whole text; it is shown at the next flush.
    pub fn set(&mut self, text: String) {
        if text != self.text {
            self.text = text;
            self.dirty = true;
        }
    }

    /// When the next flush is owed, if the shown text is behind.
    pub fn due(&self) -> Option<Instant> {
        if !self.dirty {
            return None;
        }
        Some(match self.last_edit {
            Some(t) => t + self.front.edit_interval(),
            None => Instant::now(),
        })
    }

    /// Shows the current text: edits messages whose chunk changed, sends new ones past the limit.
    /// `done` marks every message final.
    pub async fn flush(&mut self, done: bool) -> Result<(), FrontError> {
        let chunks = split_message(&self.text, self.front.max_len());
        let count = chunks.len();
        for (i, chunk) in chunks.into_iter().enumerate() {
            let final_chunk = done || i + 1 < count;
            match self.sent.get_mut(i) {
                Some((_, shown, was_final)) if *shown == chunk && *was_final == final_chunk => {}
                Some((id, shown, was_final)) => {
                    self.front.edit(id, &chunk, final_chunk).await?;
                    *shown = chunk;
                    *was_final = final_chunk;
                }
                None => {
                    let id = self.front.send(&chunk, final_chunk).await?;
                    self.sent.push((id, chunk, final_chunk));
                }
            }
        }
        self.dirty = false;
        self.last_edit = Some(Instant::now());
        Ok(())
    }

    /// Whether any message was sent.
    pub fn is_shown(&self) -> bool {
        !self.sent.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use async_trait::async_trait;
    use std::sync::Mutex;
    use std::time::Duration;

    /// Counts sends and edits, with the (paused) time of each edit.
    struct Counter {
        calls: Mutex<Vec<(String, String, Instant)>>,
        max_len: usize,
    }

    #[async_trait]
    impl Front for Counter {
        fn max_len(&self) -> usize {
            self.max_len
        }
        fn edit_interval(&self) -> Duration {
            Duration::from_millis(1500)
        }
        fn target(&self) -> String {
            "t".into()
        }
        async fn send(&self, text: &str, _done: bool) -> Result<MsgId, FrontError> {
            let mut calls = self.calls.lock().unwrap();
            let id = calls.iter().filter(|c| c.0 == "send").count();
            calls.push(("send".into(), text.into(), Instant::now()));
            Ok(MsgId(id.to_string()))
        }
        async fn edit(&self, id: &MsgId, text: &str, _done: bool) -> Result<(), FrontError> {
            let call = format!("edit {}", id.0);
            self.calls
                .lock()
                .unwrap()
                .push((call, text.into(), Instant::now()));
            Ok(())
        }
        async fn status(&self, _text: &str) -> Result<(), FrontError> {
            Ok(())
        }
        async fn post_link(&self, _link: &super::super::front::Link) -> Result<(), FrontError> {
            Ok(())
        }
    }

    fn counter(max_len: usize) -> Arc<Counter> {
        Arc::new(Counter {
            calls: Mutex::new(Vec::new()),
            max_len,
        })
    }

    /// Feeds a word every 100 ms for 10 s, flushing whenever the reply says a flush is due,
    /// the way a turn does.
    #[tokio::test(start_paused = true)]
    async fn edits_are_throttled_and_keep_only_the_latest_text() {
        let front = counter(2000);
        let mut reply = Reply::new(front.clone());
        let mut text = String::new();
        for i in 0..100 {
            text.push_str(&format!("w{i} "));
            reply.set(text.clone());
            if reply.due().is_some_and(|d| d <= Instant::now()) {
                reply.flush(false).await.unwrap();
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        reply.flush(true).await.unwrap();
        let calls = front.calls.lock().unwrap().clone();
        let edits: Vec<&(String, String, Instant)> =
            calls.iter().filter(|c| c.0.starts_with("edit")).collect();
        assert_eq!(calls[0].0, "send");
        // 10 s at one edit per 1.5 s: at most 7 edits, plus the final one.
        assert!(edits.len() <= 8, "{} edits", edits.len());
        for pair in edits.windows(2).take(edits.len().saturating_sub(2)) {
            assert!(pair[1].2 - pair[0].2 >= Duration::from_millis(1500));
        }
        assert_eq!(
            calls.last().unwrap().1.trim_end(),
            text.trim_end(),
            "the final text is shown"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn long_text_continues_in_new_messages() {
        let front = counter(2000);
        let mut reply = Reply::new(front.clone());
        let words: Vec<String> = (0..900).map(|i| format!("word{i}")).collect();
        reply.set(words.join(" "));
        reply.flush(true).await.unwrap();
        let calls = front.calls.lock().unwrap().clone();
        let sends: Vec<&String> = calls
            .iter()
            .filter(|c| c.0 == "send")
            .map(|c| &c.1)
            .collect();
        assert!(sends.len() >= 3, "{} messages", sends.len());
        for s in &sends {
            assert!(s.encode_utf16().count() <= 2000);
        }
        let rejoined: Vec<&str> = sends.iter().flat_map(|s| s.split_whitespace()).collect();
        assert_eq!(
            rejoined,
            words.iter().map(String::as_str).collect::<Vec<_>>(),
            "no word cut"
        );
    }
}
