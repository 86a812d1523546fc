//! The terminal front: lines on standard input are one user's messages in one channel, the
//! bot's messages go to standard output. It drives the very same engine as Discord.

use crate::engine::front::{Deliver, Front, FrontError, Link, MsgId};
use crate::engine::gui::Suggestion;
use crate::engine::{Actor, Card, Engine, Media, Request};
use crate::i18n::Lang;
use crate::tr;
use async_trait::async_trait;
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufRead, AsyncBufReadExt};

/// What the console shows for `/help`, in `lang`.
pub fn help(lang: Lang) -> String {
    tr!(lang, "console-help")
}

/// One parsed input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    /// Something for the engine.
    Request(Request),
    /// `/help`.
    Help,
    /// Blank.
    Empty,
    /// A line that could not be read, and why.
    Invalid(Invalid),
}

/// Why a console line could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Invalid {
    /// A command that takes no arguments was given some.
    TakesNoArguments(String),
    /// No such command.
    UnknownCommand(String),
    /// `/upload` with nothing to upload.
    UploadNeedsPath,
    /// `--file` at the end of the line.
    FileNeedsPath,
    /// A quote that does not pair up.
    UnclosedQuote,
}

impl Invalid {
    /// The sentence the user sees, in `lang`.
    pub fn sentence(&self, lang: Lang) -> String {
        match self {
            Invalid::TakesNoArguments(command) => {
                tr!(
                    lang,
                    "console-takes-no-arguments",
                    command = command.as_str()
                )
            }
            Invalid::UnknownCommand(command) => {
                tr!(lang, "console-unknown-command", command = command.as_str())
            }
            Invalid::UploadNeedsPath => tr!(lang, "console-upload-needs-path"),
            Invalid::FileNeedsPath => tr!(lang, "console-file-needs-path"),
            Invalid::UnclosedQuote => tr!(lang, "console-unclosed-quote"),
        }
    }
}

/// Reads one console line.
pub fn parse_line(line: &str) -> Line {
    let line = line.trim();
    if line.is_empty() {
        return Line::Empty;
    }
    let Some(command) = line.strip_prefix('/') else {
        return Line::Request(Request::Say(line.to_string()));
    };
    let (name, rest) = command
        .split_once(char::is_whitespace)
        .unwrap_or((command, ""));
    let command = name.to_ascii_lowercase();
    match command.as_str() {
        "upload" => return upload(rest),
        "musicvideo" => return music_video(rest),
        _ => {}
    }
    let words = match split_words(rest) {
        Ok(w) => w,
        Err(e) => return Line::Invalid(e),
    };
    let simple = |r: Request| {
        if words.is_empty() {
            Line::Request(r)
        } else {
            Line::Invalid(Invalid::TakesNoArguments(name.to_string()))
        }
    };
    match command.as_str() {
        "credits" => simple(Request::Credits),
        "status" => simple(Request::Status),
        "export" => simple(Request::Export),
        "open" => simple(Request::Open),
        "reset" => simple(Request::Reset),
        "help" => Line::Help,
        other => Line::Invalid(Invalid::UnknownCommand(other.to_string())),
    }
}

fn upload(args: &str) -> Line {
    match upload_media(args, Path::is_file) {
        Ok(media) if media.is_empty() => Line::Invalid(Invalid::UploadNeedsPath),
        Ok(media) => Line::Request(Request::Upload {
            media,
            text: String::new(),
        }),
        Err(why) => Line::Invalid(why),
    }
}

/// `/musicvideo`: the prompt as typed (an apostrophe or a `#` is words, not shell syntax),
/// then `--file PATH` pairs split as a shell would (quoted, escaped paths).
fn music_video(rest: &str) -> Line {
    // Where the first `--file` word starts (a word of `rest`, so the offset is within it).
    let at = rest
        .split_whitespace()
        .find(|w| *w == "--file")
        .map(|w| w.as_ptr() as usize - rest.as_ptr() as usize);
    let (typed, files_part) = rest.split_at(at.unwrap_or(rest.len()));
    let words = match split_words(files_part) {
        Ok(w) => w,
        Err(e) => return Line::Invalid(e),
    };
    let mut prompt = vec![typed.trim().to_string()];
    let mut files = Vec::new();
    let mut it = words.into_iter();
    while let Some(w) = it.next() {
        if w == "--file" {
            match it.next() {
                Some(path) => files.push(media(path)),
                None => return Line::Invalid(Invalid::FileNeedsPath),
            }
        } else {
            prompt.push(w);
        }
    }
    prompt.retain(|w| !w.is_empty());
    let prompt = (!prompt.is_empty()).then(|| prompt.join(" "));
    Line::Request(Request::MusicVideo {
        prompt,
        media: files,
    })
}

fn media(word: String) -> Media {
    if word.starts_with("http://") || word.starts_with("https://") {
        Media::Url(word)
    } else {
        Media::File(PathBuf::from(word))
    }
}

/// Splits `text` into words as a shell would: 'single', "double" quotes and backslash escapes,
/// as a terminal writes a dragged-in path.
fn split_words(text: &str) -> Result<Vec<String>, Invalid> {
    // The crate's one error is an unclosed quote; the user gets a sentence of ours.
    shell_words::split(text).map_err(|_| Invalid::UnclosedQuote)
}

/// What `/upload` takes from `args`: the whole of it, trimmed, when that names an existing file
/// (a path with spaces typed bare), else its words split as a shell would.
fn upload_media(args: &str, exists: impl Fn(&Path) -> bool) -> Result<Vec<Media>, Invalid> {
    let whole = args.trim();
    let words = if !whole.is_empty() && exists(Path::new(whole)) {
        vec![whole.to_string()]
    } else {
        split_words(whole)?
    };
    Ok(words.into_iter().map(media).collect())
}

/// The shortest time between two redraws of a streamed answer.
const REDRAW_INTERVAL: Duration = Duration::from_millis(50);

/// Where the console writes.
pub type Output = Arc<Mutex<dyn Write + Send>>;

/// The console as a [`Front`]. On a terminal, text is shown as it streams; otherwise each
/// message is printed once, in its final form, as soon as it is final.
pub struct ConsoleFront {
    out: Output,
    live: bool,
    target: String,
    next_id: AtomicU64,
    /// The text of each message still open (not final).
    open: Mutex<HashMap<String, String>>,
    /// The language of the console's own words.
    lang: Lang,
}

impl ConsoleFront {
    /// A console front writing to `out`; `live` when that is a terminal; its own words in
    /// `lang`.
    pub fn new(out: Output, live: bool, channel: &str, lang: Lang) -> ConsoleFront {
        ConsoleFront {
            out,
            live,
            target: format!("console:{channel}"),
            next_id: AtomicU64::new(1),
            open: Mutex::new(HashMap::new()),
            lang,
        }
    }

    fn print(&self, text: &str) {
        let mut out = self.out.lock();
        // A closed stdout (a pipe whose reader left) is not worth crashing the bot for.
        let _ = out.write_all(text.as_bytes()).and_then(|_| out.flush());
    }

    fn update(&self, id: &str, text: &str, done: bool) {
        let mut open = self.open.lock();
        let before = open
            .insert(id.to_string(), text.to_string())
            .unwrap_or_default();
        if self.live {
            match text.strip_prefix(before.as_str()) {
                Some(added) => self.print(added),
                None => self.print(&format!("\n{text}")),
            }
            if done {
                self.print("\n");
            }
        } else if done {
            self.print(&format!("{text}\n"));
        }
        if done {
            open.remove(id);
        }
    }
}

#[async_trait]
impl Front for ConsoleFront {
    fn max_len(&self) -> usize {
        100_000
    }

    /// A terminal is redrawn at most 20 times a second: nobody reads faster, and a long
    /// answer that never fills a message is not re-split and compared on every chunk. Through
    /// a pipe only final messages show, so no intermediate flush is worth doing more often.
    fn edit_interval(&self) -> Duration {
        REDRAW_INTERVAL
    }

    fn target(&self) -> String {
        self.target.clone()
    }

    async fn send(&self, text: &str, done: bool) -> Result<MsgId, FrontError> {
        let id = self.next_id.fetch_add(1, Ordering::SeqCst).to_string();
        self.update(&id, text, done);
        Ok(MsgId(id))
    }

    async fn edit(&self, id: &MsgId, text: &str, done: bool) -> Result<(), FrontError> {
        self.update(&id.0, text, done);
        Ok(())
    }

    async fn status(&self, text: &str) -> Result<(), FrontError> {
        self.print(&format!("{text}\n"));
        Ok(())
    }

    async fn progress(&self, card: &Card) -> Result<(), FrontError> {
        // A terminal cannot redraw a card: each step is one line of the card's content.
        let mut parts = vec![card.title.as_str()];
        parts.extend(card.lines.iter().map(String::as_str));
        self.print(&format!("{}\n", parts.join(" · ")));
        Ok(())
    }

    async fn post_link(&self, link: &Link) -> Result<(), FrontError> {
        // A terminal cannot take a line back: a possible repeat says what it is.
        let again = if link.again {
            format!(" {}", tr!(self.lang, "posted-again"))
        } else {
            String::new()
        };
        if let Some(card) = &link.card {
            self.print(&format!("{}\n", card.text()));
        }
        self.print(&format!("{} {}{again}\n", link.text, link.url));
        Ok(())
    }

    async fn offer(&self, actions: &[Suggestion]) -> Result<(), FrontError> {
        let words: Vec<&str> = actions
            .iter()
            .map(|a| match a {
                Suggestion::Export => "/export",
                Suggestion::Status => "/status",
            })
            .collect();
        let next = tr!(self.lang, "console-next", commands = words.join(", "));
        self.print(&format!("{next}\n"));
        Ok(())
    }
}

/// Every stored job posts to the one console there is.
struct ConsoleDeliver(Arc<ConsoleFront>);

impl Deliver for ConsoleDeliver {
    /// The console's own words stay in its `--lang`; the job's messages carry their language.
    fn front_for(&self, target: &str, _scope: &str, _lang: Lang) -> Option<Arc<dyn Front>> {
        target
            .starts_with("console:")
            .then(|| self.0.clone() as Arc<dyn Front>)
    }
}

/// Runs the console until end of input, then waits for work in flight (exports included);
/// returns early once the engine begins to stop.
pub async fn run<R: AsyncBufRead + Unpin>(
    engine: Engine,
    actor: Actor,
    input: R,
    out: Output,
    live: bool,
) -> std::io::Result<()> {
    let channel = actor.scope.trim_start_matches("channel:").to_string();
    // The console's own words follow `--lang`, like the engine's answers.
    let lang = actor.language();
    let front = Arc::new(ConsoleFront::new(out, live, &channel, lang));
    match engine
        .resume_jobs(Arc::new(ConsoleDeliver(front.clone())))
        .await
    {
        Ok(0) => {}
        Ok(n) => front.print(&format!("{}\n", tr!(lang, "console-resuming", count = n))),
        Err(e) => tracing::error!("could not resume exports: {e}"),
    }
    let mut lines = input.lines();
    let stopping = engine.stopping();
    tokio::pin!(stopping);
    loop {
        // Once a stop begins, no new line is read (the one being served may finish).
        let line = tokio::select! {
            biased;
            () = &mut stopping => return Ok(()),
            line = lines.next_line() => line?,
        };
        let Some(line) = line else { break };
        match parse_line(&line) {
            Line::Request(r) => engine.handle(&actor, r, front.clone()).await,
            Line::Help => front.print(&format!("{}\n", help(lang))),
            Line::Invalid(why) => front.print(&format!("{}\n", why.sentence(lang))),
            Line::Empty => {}
        }
    }
    engine.idle().await;
    Ok(())
}

#[cfg(test)]
mod tests;
