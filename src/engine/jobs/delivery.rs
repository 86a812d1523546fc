//! What an export shows the member: its progress card while it renders (its estimate timed by
//! the database's clock, like the job's start), and its link once rendered, posted only while
//! the job's claim is known to be held.

use super::{history, Exports, Step, Task};
use crate::engine::cards;
use crate::engine::claims::{Held, Saved};
use crate::engine::front::{Front, FrontError, Link, LinkKind};
use crate::engine::{CancelAction, Cancellable, TakeAction};
use crate::nemo::RenderStatus;
use crate::store::{JobRecord, JobStatus};
use crate::telemetry::metrics::ExportEnd;
use crate::tr;
use std::sync::Arc;

/// What to do after a failed post of a link.
#[derive(Debug, PartialEq, Eq)]
enum Delivery {
    /// Post it again at the next poll.
    Retry,
    /// Stop: the platform refused it for good, the place is gone, or the attempts are spent.
    GiveUp,
}

/// What to do after the `attempts`th post of a link failed with `error`, `limit` attempts in
/// all: a permanent refusal (Discord's 400/401/403/404) is final at once.
fn delivery_after(error: &FrontError, attempts: u32, limit: u32) -> Delivery {
    if error.is_retryable() && attempts < limit {
        Delivery::Retry
    } else {
        Delivery::GiveUp
    }
}

impl Exports {
    /// Posts the finished video's link. The job is marked `posting` (durably, under its
    /// claim) first, so that a crash before it is forgotten is known at the next claim: the
    /// link is then posted again, marked as possibly repeated (Discord drops the repeat by its
    /// nonce). A process that lost the job, or cannot tell whether it holds it still (the
    /// mark not saved, the claim not known to be held), posts nothing. A refused or gone
    /// place ends the job; other failures are tried again at later polls, up to
    /// `delivery_attempts` in all.
    pub(super) async fn deliver(&self, task: &mut Task, held: &Held, done: RenderStatus) -> Step {
        let job = &mut task.job;
        let again = job.status == JobStatus::Posting;
        if !again {
            let before = std::mem::replace(&mut job.status, JobStatus::Posting);
            match held.save(&self.inner.store, job).await {
                Saved::Yes => {}
                Saved::Lost => return Step::Lost,
                Saved::Failed => {
                    job.status = before;
                    return Step::Wait;
                }
            }
        }
        // The side effect itself: only while the claim is known to be held (the poll's
        // fence checks before every step too; this is the one that matters most).
        if !held.tenure.held() {
            return Step::Lost;
        }
        let lang = job.language();
        let video = history::video(job, &done, held.db_now_secs());
        let mut card = cards::finished(lang, &job.video, done.duration, done.size);
        card.take = job.video.request.clone().map(|request| {
            Box::new(TakeAction {
                request,
                by: job.requested_by.clone(),
                video: job.id.clone(),
            })
        });
        let link = Link {
            kind: LinkKind::Video,
            text: tr!(lang, "export-done"),
            url: done.url.unwrap_or_default(),
            key: job.id.clone(),
            again,
            card: Some(card),
        };
        task.posts += 1;
        match task.front.post_link(&link).await {
            Ok(()) => {
                task.finished = video;
                // The progress card above the video stops moving: done, not stuck at 90%.
                if let Err(e) = task.front.progress(&cards::rendered(lang)).await {
                    tracing::info!(job = %job.id, "could not close the progress card: {e}");
                }
                Step::End(ExportEnd::Completed)
            }
            Err(e) => match delivery_after(&e, task.posts, self.inner.cfg.delivery_attempts) {
                Delivery::Retry => {
                    tracing::warn!(job = %job.id, "posting the link failed, will retry: {e}");
                    // Not posted by this run, whatever the store says.
                    job.status = JobStatus::Nemo("completed".into());
                    Step::Wait
                }
                Delivery::GiveUp => {
                    tracing::error!(job = %job.id, attempts = task.posts, "posting the link failed, giving up: {e}");
                    Step::End(ExportEnd::Gone)
                }
            },
        }
    }
}

/// When the job should be ready, in unix seconds by the database's clock: its start is the
/// database's, so its pace is judged by the database's now (`held`'s), never by this process's
/// own clock, which may differ from the one of the process that started it.
pub(super) fn finish_at(job: &JobRecord, held: &Held) -> u64 {
    cards::finish_estimate(job.started, held.db_now_secs(), job.progress)
}

/// Shows the job's progress card, with when it should be ready; a front that cannot show it
/// is logged (the render goes on).
pub(super) async fn show_progress(front: &Arc<dyn Front>, job: &JobRecord, held: &Held) {
    let lang = job.language();
    let eta = front.eta(lang, finish_at(job, held));
    let mut card = cards::progress(lang, &job.status, job.progress, &eta);
    card.cancel = Some(CancelAction {
        what: Cancellable::Export(job.id.clone()),
        by: job.requested_by.clone(),
    });
    if let Err(e) = front.progress(&card).await {
        tracing::warn!(job = %job.id, "could not show the export's progress: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_or_gone_post_is_final_and_others_are_tried_up_to_the_limit() {
        let failed = || FrontError::Failed("503".into());
        let table = [
            (FrontError::Gone, 1, 5, Delivery::GiveUp),
            (
                FrontError::Refused("403 50013".into()),
                1,
                5,
                Delivery::GiveUp,
            ),
            (
                FrontError::Refused("400 50035".into()),
                1,
                5,
                Delivery::GiveUp,
            ),
            (failed(), 1, 5, Delivery::Retry),
            (failed(), 4, 5, Delivery::Retry),
            (failed(), 5, 5, Delivery::GiveUp),
            (failed(), 1, 1, Delivery::GiveUp),
        ];
        for (error, attempts, limit, expected) in table {
            let got = delivery_after(&error, attempts, limit);
            assert_eq!(got, expected, "{error} after {attempts} of {limit}");
        }
    }

    #[test]
    fn a_jobs_finish_is_estimated_by_the_databases_clock() {
        let claim = crate::store::Claim {
            id: "render_1".into(),
            epoch: 1,
        };
        let lease = std::time::Duration::from_secs(30);
        let now = tokio::time::Instant::now();
        // The database's clock far from this process's: the job's pace is judged by it.
        for (db_ms, started, progress, want) in [
            (1_020_000, 1_000, 50, 1_040),
            (1_000_000, 1_000, 0, 1_060),
            (5_000_000, 4_990, 10, 5_090),
        ] {
            let held = Held::new(claim.clone(), lease, now, db_ms);
            let job = JobRecord {
                id: claim.id.clone(),
                session_id: "s".into(),
                scope: "channel:1".into(),
                account: "a".into(),
                target: "t".into(),
                requested_by: "u".into(),
                group: None,
                started,
                status: JobStatus::Nemo("processing".into()),
                progress,
                lang: "en".into(),
                video: Default::default(),
            };
            assert_eq!(finish_at(&job, &held), want, "{db_ms} {started} {progress}");
        }
    }
}
