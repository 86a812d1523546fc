//! What a song's file tells on its own: its length, read from the container's headers through
//! symphonia's probe. Nothing is decoded; at most an MP3's frames are walked.

pub mod analysis;

use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::Duration;
use symphonia::core::formats::probe::Hint;
use symphonia::core::formats::well_known::FORMAT_ID_MP3;
use symphonia::core::formats::{FormatOptions, FormatReader, Track, TrackType};
use symphonia::core::io::{MediaSource, MediaSourceStream, ReadOnlySource};
use symphonia::core::meta::MetadataOptions;
use symphonia::core::units::{Duration as Ticks, TimeBase};

/// Songs longer than this many seconds get the tip that shorter tracks give more cohesive
/// visuals.
pub const TIP_ABOVE_SECONDS: f64 = 90.0;

/// The most of an MP3 without a frame count that is walked frame by frame; a larger (or
/// hostile) file takes symphonia's estimate from the bitrate of its first frames instead.
const MAX_WALK_BYTES: u64 = 32 << 20;

/// Whether a song of `seconds` gets the tip that shorter tracks give more cohesive visuals.
pub fn needs_length_tip(seconds: f64) -> bool {
    seconds > TIP_ABOVE_SECONDS
}

/// The playing time of the audio file at `path` from its headers (WAV, FLAC STREAMINFO, MP4
/// track, MP3 Xing/Info/VBRI); an MP3 without such a header has its frames counted, up to
/// 32 MiB. `None` for a file that cannot be read or recognised.
pub fn duration(path: &Path) -> Option<Duration> {
    let reader = probe(Box::new(File::open(path).ok()?))?;
    let track = reader.first_track(TrackType::Audio)?;
    if reader.format_info().format != FORMAT_ID_MP3 {
        return track_length(track);
    }
    // A seekable MP3 without a Xing/Info/VBRI header gets a length estimated from the bitrate of
    // its first frames, which is wrong for VBR. Probed again without seeking, the reader reports
    // only a header's count, and a missing one is made up by walking the frames.
    let estimate = track_length(track);
    let file = File::open(path).ok()?;
    if file.metadata().ok()?.len() > MAX_WALK_BYTES {
        return estimate;
    }
    let capped = ReadOnlySource::new(file.take(MAX_WALK_BYTES));
    let mut reader = probe(Box::new(capped))?;
    let track = reader.first_track(TrackType::Audio)?;
    let time_base = track.time_base?;
    track_length(track).or_else(|| walk(reader.as_mut(), time_base))
}

fn probe(source: Box<dyn MediaSource>) -> Option<Box<dyn FormatReader>> {
    let stream = MediaSourceStream::new(source, Default::default());
    symphonia::default::get_probe()
        .probe(
            &Hint::new(),
            stream,
            FormatOptions::default(),
            MetadataOptions::default(),
        )
        .ok()
}

/// The track's length as its container states it.
fn track_length(track: &Track) -> Option<Duration> {
    seconds(track.time_base?, track.duration?)
}

/// Sums the durations of the packets left in `reader` (demuxing only); `None` when none is
/// readable.
fn walk(reader: &mut dyn FormatReader, time_base: TimeBase) -> Option<Duration> {
    let mut total = Ticks::ZERO;
    // A broken frame ends the walk: what was read before it is the playable length.
    while let Ok(Some(packet)) = reader.next_packet() {
        total = total.checked_add(packet.dur)?;
    }
    if total.is_zero() {
        return None;
    }
    seconds(time_base, total)
}

fn seconds(time_base: TimeBase, ticks: Ticks) -> Option<Duration> {
    let time = time_base.calc_duration(ticks)?;
    Duration::try_from_secs_f64(time.as_secs_f64()).ok()
}

#[cfg(test)]
mod tests;
