//! Chaos mode: a seeded share of requests meets a fault — a 5xx, an HTML page, a reset, a
//! stall, a cut-off JSON body, a slow upload, or an answer lost after the work was done — and
//! a share of agent streams stall, break or carry garbage. The n-th roll of a seed is always
//! the same, so a run with one request at a time is reproducible; concurrent runs get the same
//! mix in a different order.

use super::{Fault, Step};
use std::time::Duration;

/// What chaos mode does, and how often.
#[derive(Debug, Clone)]
pub struct Chaos {
    /// The seed of the rolls.
    pub seed: u64,
    /// The share of requests (and of streams) that meet a fault, 0.0–1.0.
    pub rate: f64,
    /// How long a stall lasts: make it longer than the client's timeouts.
    pub stall: Duration,
}

/// One kind of fault, as named in [`super::FakeNemo::chaos_log`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mishap {
    /// HTTP 500 with a JSON error.
    ServerError,
    /// An HTML 502 page.
    Html,
    /// The connection dies in the answer.
    Reset,
    /// No answer for `stall`, then a normal one.
    Stall,
    /// HTTP 200 with a JSON body cut off in the middle.
    Truncated,
    /// The body is read slowly (a quarter of `stall` before the first byte).
    SlowUpload,
    /// The request is carried out, then the answer is lost.
    LostReply,
    /// A stream that says nothing for `stall` before its first event.
    StreamStallBefore,
    /// A stream that goes quiet for `stall` halfway.
    StreamStallMiddle,
    /// A stream whose connection breaks halfway.
    StreamDrop,
    /// A stream with a cut-off JSON event halfway.
    StreamGarbage,
}

const REQUEST_MISHAPS: [Mishap; 7] = [
    Mishap::ServerError,
    Mishap::Html,
    Mishap::Reset,
    Mishap::Stall,
    Mishap::Truncated,
    Mishap::SlowUpload,
    Mishap::LostReply,
];

const STREAM_MISHAPS: [Mishap; 4] = [
    Mishap::StreamStallBefore,
    Mishap::StreamStallMiddle,
    Mishap::StreamDrop,
    Mishap::StreamGarbage,
];

impl Chaos {
    /// The `n`-th roll: a fault for a request, or none.
    pub fn request(&self, n: u64) -> Option<Mishap> {
        self.pick(n, &REQUEST_MISHAPS)
    }

    /// The `n`-th roll: a fault for an agent stream, or none.
    pub fn stream(&self, n: u64) -> Option<Mishap> {
        self.pick(n, &STREAM_MISHAPS)
    }

    fn pick(&self, n: u64, from: &[Mishap]) -> Option<Mishap> {
        let roll = splitmix(self.seed ^ splitmix(n));
        let hit = (roll % 1_000_000) as f64 / 1_000_000.0 < self.rate;
        hit.then(|| from[((roll >> 32) % from.len() as u64) as usize])
    }

    /// The scripted fault that acts out a request mishap.
    pub(super) fn fault(&self, mishap: Mishap) -> Fault {
        match mishap {
            Mishap::ServerError => Fault::Status {
                http: 500,
                body: serde_json::json!({"code": 500, "message": "internal server error"}),
            },
            Mishap::Html => Fault::Html(502),
            Mishap::Reset => Fault::Drop,
            Mishap::Truncated => Fault::Truncated,
            Mishap::SlowUpload => Fault::SlowBody(self.stall / 4),
            Mishap::LostReply => Fault::LostReply,
            _ => Fault::Delay(self.stall),
        }
    }

    /// The agent's script with the stream fault worked in.
    pub(super) fn spoil(&self, mishap: Mishap, mut steps: Vec<Step>) -> Vec<Step> {
        let middle = steps.len() / 2;
        match mishap {
            Mishap::StreamStallBefore => steps.insert(0, Step::Sleep(self.stall)),
            Mishap::StreamStallMiddle => steps.insert(middle, Step::Sleep(self.stall)),
            Mishap::StreamDrop => {
                steps.truncate(middle);
                steps.push(Step::Drop);
            }
            Mishap::StreamGarbage => steps.insert(
                middle,
                Step::Verbatim(r#"{"content":{"parts":[{"te"#.into()),
            ),
            _ => {}
        }
        steps
    }
}

/// SplitMix64: a well-mixed 64-bit hash, enough for fault rolls (and tests' other seeded
/// choices).
pub fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}
