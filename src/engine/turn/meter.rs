//! A turn's metrics: started, its first text shown, and how it ended.

use crate::engine::lifecycle::Lifecycle;
use crate::telemetry::metrics::{self, TurnOutcome as Outcome};
use tokio::time::Instant;

/// Counts a turn from its start to its outcome. A turn dropped before it ended was cut
/// short by a stop (interrupted), or failed on its way (an error before the agent answered).
pub(super) struct TurnMeter<'a> {
    life: &'a Lifecycle,
    started: Instant,
    first_text: bool,
    ended: bool,
}

impl<'a> TurnMeter<'a> {
    /// Counts a turn that starts now.
    pub(super) fn start(life: &'a Lifecycle) -> TurnMeter<'a> {
        metrics::turn_started();
        TurnMeter {
            life,
            started: Instant::now(),
            first_text: false,
            ended: false,
        }
    }

    /// Notes the first time the reply shows text.
    pub(super) fn shown(&mut self, shown: bool) {
        if shown && !self.first_text {
            self.first_text = true;
            metrics::first_text(self.started.elapsed());
        }
    }

    /// Counts the turn's outcome.
    pub(super) fn end(&mut self, outcome: Outcome) {
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
