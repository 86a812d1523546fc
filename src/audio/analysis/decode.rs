//! The song as the analysis hears it: mono samples at [`RATE`], decoded by symphonia and
//! averaged down, at most the first minutes asked for.

use std::fs::File;
use std::path::Path;
use symphonia::core::codecs::audio::AudioDecoderOptions;
use symphonia::core::errors::Error;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::{FormatOptions, TrackType};
use symphonia::core::io::MediaSourceStream;
use symphonia::core::meta::MetadataOptions;

/// Samples per second the analysis works at: enough for a kick, a snare's body and the pitches
/// a key is read from (up to 5.5 kHz), a quarter of a CD's cost.
pub const RATE: u32 = 11_025;

/// Mono samples of the file at `path`, at [`RATE`], at most `max_seconds` of them; `None` when
/// the file cannot be read or decoded at all.
pub fn mono(path: &Path, max_seconds: f64) -> Option<Vec<f32>> {
    let stream = MediaSourceStream::new(Box::new(File::open(path).ok()?), Default::default());
    let mut reader = symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .ok()?;
    let track = reader.default_track(TrackType::Audio)?;
    let track_id = track.id;
    let params = track.codec_params.as_ref()?.audio()?.clone();
    let mut decoder = symphonia::default::get_codecs()
        .make_audio_decoder(&params, &AudioDecoderOptions::default())
        .ok()?;
    let mut down: Option<Downmix> = None;
    let mut interleaved: Vec<f32> = Vec::new();
    // The end, or a broken frame, ends it: what came before is the song heard.
    while let Ok(Some(packet)) = reader.next_packet() {
        if packet.track_id != track_id {
            continue;
        }
        let buf = match decoder.decode(&packet) {
            Ok(buf) => buf,
            Err(Error::DecodeError(_)) => continue,
            Err(_) => break,
        };
        let spec = buf.spec();
        let down = down
            .get_or_insert_with(|| Downmix::new(spec.rate(), spec.channels().count(), max_seconds));
        interleaved.resize(buf.samples_interleaved(), 0.0);
        buf.copy_to_slice_interleaved(&mut interleaved);
        if !down.push(&interleaved) {
            break;
        }
    }
    down.map(|d| d.out).filter(|out| !out.is_empty())
}

/// Averages interleaved frames of any rate and channel count into mono at [`RATE`].
pub struct Downmix {
    channels: usize,
    /// Input frames per output sample.
    step: f64,
    /// Input frames gathered towards the next output sample, and their sum.
    gathered: f64,
    sum: f32,
    count: u32,
    limit: usize,
    /// The samples so far.
    pub out: Vec<f32>,
}

impl Downmix {
    /// For input at `rate` with `channels`, keeping at most `max_seconds`.
    pub fn new(rate: u32, channels: usize, max_seconds: f64) -> Downmix {
        let limit = (max_seconds.max(0.0) * f64::from(RATE)) as usize;
        Downmix {
            channels: channels.max(1),
            step: (f64::from(rate) / f64::from(RATE)).max(1.0),
            gathered: 0.0,
            sum: 0.0,
            count: 0,
            limit,
            out: Vec::with_capacity(limit.min(RATE as usize * 600)),
        }
    }

    /// Adds interleaved frames; false once the limit is reached.
    pub fn push(&mut self, interleaved: &[f32]) -> bool {
        let scale = 1.0 / self.channels as f32;
        for frame in interleaved.chunks_exact(self.channels) {
            self.sum += frame.iter().sum::<f32>() * scale;
            self.count += 1;
            self.gathered += 1.0;
            if self.gathered >= self.step {
                self.gathered -= self.step;
                self.out.push(self.sum / self.count as f32);
                self.sum = 0.0;
                self.count = 0;
                if self.out.len() >= self.limit {
                    return false;
                }
            }
        }
        true
    }
}
