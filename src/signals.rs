//! SIGTERM and SIGINT (Ctrl-C): the first asks for a clean stop, a second one ends the process
//! at once.

use tokio::signal::unix::{signal, Signal, SignalKind};

/// The process's stop signals, listened to from the moment they are installed.
pub struct StopSignals {
    term: Signal,
    int: Signal,
}

impl StopSignals {
    /// Starts listening (so a signal that comes early is not lost).
    pub fn install() -> std::io::Result<StopSignals> {
        Ok(StopSignals {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    /// Waits for the next signal and returns its name and the exit code of dying by it.
    pub async fn next(&mut self) -> (&'static str, u8) {
        tokio::select! {
            _ = self.term.recv() => ("SIGTERM", 128 + 15),
            _ = self.int.recv() => ("SIGINT", 128 + 2),
        }
    }

    /// After the first signal: a second one exits the process at once, without waiting for
    /// anything (writes that matter were flushed when they were made).
    pub fn exit_on_next(mut self) {
        tokio::spawn(async move {
            let (name, code) = self.next().await;
            eprintln!("{name} again: stopping at once");
            std::process::exit(i32::from(code));
        });
    }
}
