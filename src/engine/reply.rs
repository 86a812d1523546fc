//! A reply that grows as the agent's text arrives: one message edited in place, at most one
//! edit per the front's interval (only the latest text is kept between edits, so no backlog
//! of edits builds up), continued in new messages past the platform's length limit.

use super::front::{Front, FrontError, MsgId};
use super::gui::Suggestion;
use super::split::split_pieces;
use std::sync::Arc;
use tokio::time::Instant;

/// One streamed answer, possibly spread over several messages.
pub struct Reply {
    front: Arc<dyn Front>,
    /// Messages sent so far: id, the text they show, and whether they were final.
    sent: Vec<(MsgId, String, bool)>,
    text: String,
    /// `text[..stable]` will not change any more (until [`Reply::set`] replaces it all).
    stable: usize,
    /// The first `settled` messages are final and cannot change: their part of the text,
    /// `text[..settled_at]`, lies within the stable part, so it is not split again.
    settled: usize,
    settled_at: usize,
    /// The code block the last settled message left open, to reopen in the next.
    reopen: Option<String>,
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
            stable: 0,
            settled: 0,
            settled_at: 0,
            reopen: None,
            dirty: false,
            last_edit: None,
        }
    }

    /// The whole text so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Replaces the whole text; it is shown at the next flush (messages that read the same are
    /// left alone).
    pub fn set(&mut self, text: String) {
        if text != self.text {
            self.text = text;
            self.stable = 0;
            self.unsettle();
            self.dirty = true;
        }
    }

    /// Appends `stable` text that will not change, and replaces the end after it (which may)
    /// with `tail`. Costs in proportion to the two, not to the whole text.
    pub fn extend(&mut self, stable: &str, tail: &str) {
        if stable.is_empty() && self.text.get(self.stable..) == Some(tail) {
            return;
        }
        self.text.truncate(self.stable);
        self.text.push_str(stable);
        self.stable = self.text.len();
        self.text.push_str(tail);
        self.dirty = true;
    }

    /// Owes a flush: the text is about to change, and is given (by [`Reply::extend`]) just
    /// before the flush, so that text arriving in many pieces is prepared once a flush.
    pub fn stale(&mut self) {
        self.dirty = true;
    }

    /// Forgets which messages were settled: all of the text is split (and compared) again.
    fn unsettle(&mut self) {
        self.settled = 0;
        self.settled_at = 0;
        self.reopen = None;
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
    /// `done` marks every message final. Only the text after the settled messages is split.
    pub async fn flush(&mut self, done: bool) -> Result<(), FrontError> {
        self.draw(done, &[]).await.map(drop)
    }

    /// Shows the whole text for good, the last message with the follow-up `actions` (in the
    /// same call where the front can). Whether they were offered: not when there is no text
    /// (then the caller offers them on whatever it shows instead).
    pub async fn finish(&mut self, actions: &[Suggestion]) -> Result<bool, FrontError> {
        self.draw(true, actions).await
    }

    /// [`Reply::flush`], the last message concluded with `actions` when `done` and there are
    /// any; whether they were offered.
    async fn draw(&mut self, done: bool, actions: &[Suggestion]) -> Result<bool, FrontError> {
        // Counted from the attempt: a refused edit is tried again after an interval, not in a
        // busy loop against a platform that is refusing (or rate-limiting) it.
        self.last_edit = Some(Instant::now());
        let from = self.settled_at;
        let pieces = split_pieces(
            &self.text[from..],
            self.front.max_len(),
            self.reopen.clone(),
        );
        let count = pieces.len();
        let mut offered = false;
        for (j, piece) in pieces.iter().enumerate() {
            let i = self.settled + j;
            if done && j + 1 == count && !actions.is_empty() {
                self.conclude(i, &piece.text, actions).await?;
                offered = true;
            } else {
                let final_chunk = done || j + 1 < count;
                self.show(i, &piece.text, final_chunk).await?;
            }
        }
        // Messages followed by another, decided by stable text alone, never change again.
        for piece in pieces.iter().take(count.saturating_sub(1)) {
            if from + piece.seen > self.stable {
                break;
            }
            self.settled += 1;
            self.settled_at = from + piece.end;
            self.reopen = piece.reopen.clone();
        }
        self.dirty = false;
        Ok(offered)
    }

    /// Makes message `i` show `chunk` for good, with `actions` on it (sent or edited even when
    /// it reads the same: the actions are new).
    async fn conclude(
        &mut self,
        i: usize,
        chunk: &str,
        actions: &[Suggestion],
    ) -> Result<(), FrontError> {
        let id = self.sent.get(i).map(|(id, _, _)| id.clone());
        let id = self.front.conclude(id.as_ref(), chunk, actions).await?;
        let shown = (id, chunk.to_string(), true);
        match self.sent.get_mut(i) {
            Some(sent) => *sent = shown,
            None => self.sent.push(shown),
        }
        Ok(())
    }

    /// Makes message `i` show `chunk`: sent if new, edited if it differs.
    async fn show(&mut self, i: usize, chunk: &str, final_chunk: bool) -> Result<(), FrontError> {
        match self.sent.get_mut(i) {
            Some((_, shown, was_final)) if *shown == chunk && *was_final == final_chunk => {}
            Some((id, shown, was_final)) => {
                self.front.edit(id, chunk, final_chunk).await?;
                *shown = chunk.to_string();
                *was_final = final_chunk;
            }
            None => {
                let id = self.front.send(chunk, final_chunk).await?;
                self.sent.push((id, chunk.to_string(), final_chunk));
            }
        }
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
    use parking_lot::Mutex;
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
            let mut calls = self.calls.lock();
            let id = calls.iter().filter(|c| c.0 == "send").count();
            calls.push(("send".into(), text.into(), Instant::now()));
            Ok(MsgId(id.to_string()))
        }
        async fn edit(&self, id: &MsgId, text: &str, _done: bool) -> Result<(), FrontError> {
            let call = format!("edit {}", id.0);
            self.calls.lock().push((call, text.into(), Instant::now()));
            Ok(())
        }
        async fn conclude(
            &self,
            id: Option<&MsgId>,
            text: &str,
            actions: &[Suggestion],
        ) -> Result<MsgId, FrontError> {
            let mut calls = self.calls.lock();
            let id = match id {
                Some(id) => id.clone(),
                None => MsgId(calls.iter().filter(|c| c.0 == "send").count().to_string()),
            };
            let call = format!("conclude {} {actions:?}", id.0);
            calls.push((call, text.into(), Instant::now()));
            Ok(id)
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
        let calls = front.calls.lock().clone();
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

    /// The text of each message at the end, from the calls made.
    fn final_messages(front: &Counter) -> Vec<String> {
        let mut shown: Vec<String> = Vec::new();
        for (call, text, _) in front.calls.lock().iter() {
            match call.strip_prefix("edit ") {
                Some(id) => shown[id.parse::<usize>().unwrap()] = text.clone(),
                None => shown.push(text.clone()),
            }
        }
        shown
    }

    /// Streamed line by line (each line first half-shown as a changing tail), flushed after
    /// every piece: the messages end as the whole text split at once, and all but the last
    /// few were settled, so the streamed text was not split again from its start.
    #[tokio::test(start_paused = true)]
    async fn a_streamed_reply_ends_as_the_whole_text_split() {
        let front = counter(100);
        let mut reply = Reply::new(front.clone());
        let lines: Vec<String> = (0..300)
            .map(|i| match i % 9 {
                0 => "```rust\n".to_string(),
                _ => format!("line {i} has some words in it\n"),
            })
            .collect();
        for line in &lines {
            reply.extend("", &line[..line.len() / 2]);
            reply.flush(false).await.unwrap();
            reply.extend(line, "");
            reply.flush(false).await.unwrap();
        }
        reply.flush(true).await.unwrap();
        let want = super::super::split::split_message(&lines.concat(), 100);
        assert_eq!(final_messages(&front), want);
        assert!(reply.settled + 3 >= want.len(), "{} settled", reply.settled);
    }

    /// The answer's last message is concluded with the actions in one call — edited when it
    /// was streamed, sent when the text came at once, the last of several when it is long —
    /// and an empty answer offers nothing (its caller offers them elsewhere).
    #[tokio::test(start_paused = true)]
    async fn the_last_message_is_concluded_with_the_actions() {
        let actions = [Suggestion::Export, Suggestion::Status];
        let long: String = (0..900).map(|i| format!("word{i} ")).collect();
        let pieces = super::super::split::split_message(&long, 2000).len();
        assert!(pieces > 1);
        let last_of_long = format!("conclude {}", pieces - 1);
        for (streamed, text, last) in [
            (true, "A neon city.", "conclude 0"),
            (false, "A neon city.", "conclude 0"),
            (false, long.as_str(), last_of_long.as_str()),
        ] {
            let front = counter(2000);
            let mut reply = Reply::new(front.clone());
            if streamed {
                reply.set("A neon".into());
                reply.flush(false).await.unwrap();
            }
            reply.set(text.to_string());
            assert!(reply.finish(&actions).await.unwrap(), "{text:.20}");
            let calls = front.calls.lock().clone();
            let (call, shown, _) = calls.last().unwrap();
            assert_eq!(call, &format!("{last} {actions:?}"), "{text:.20}");
            assert!(text.trim_end().ends_with(shown.trim_end()), "{text:.20}");
            let concluded = calls.iter().filter(|c| c.0.starts_with("conclude"));
            assert_eq!(concluded.count(), 1, "{text:.20}");
        }
        let front = counter(2000);
        let mut reply = Reply::new(front.clone());
        assert!(!reply.finish(&actions).await.unwrap());
        assert!(front.calls.lock().is_empty());
    }

    #[tokio::test(start_paused = true)]
    async fn long_text_continues_in_new_messages() {
        let front = counter(2000);
        let mut reply = Reply::new(front.clone());
        let words: Vec<String> = (0..900).map(|i| format!("word{i}")).collect();
        reply.set(words.join(" "));
        reply.flush(true).await.unwrap();
        let calls = front.calls.lock().clone();
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
