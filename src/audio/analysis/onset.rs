//! How much new sound starts in each short frame (spectral flux on a log scale): the curve
//! tempo, beats and bars are read from.

use super::decode::RATE;
use realfft::RealFftPlanner;

/// Samples between frames: 172 frames a second, so a beat at 180 BPM spans 57 of them.
pub const HOP: usize = 64;
/// Samples in each frame's window (46 ms), enough to tell a kick's pitch region from a hat's.
const WIN: usize = 512;
/// The highest frequency counted in the body band, where kicks, snares' bodies, bass and most
/// notes live, and hats and cymbals mostly do not.
const BODY_HZ: f32 = 1_500.0;
/// The highest frequency counted in the bass band, where kicks and bass notes mark the bars.
const BASS_HZ: f32 = 150.0;

/// Seconds from a frame's start to where a sound starting in it is heard strongest: the
/// window's centre.
pub const LATENCY: f64 = WIN as f64 / 2.0 / RATE as f64;

/// Frames per second of the curves.
pub fn fps() -> f64 {
    f64::from(RATE) / HOP as f64
}

/// The curves, one value per frame.
pub struct Curves {
    /// Onset strength over the whole spectrum, local mean taken out.
    pub all: Vec<f32>,
    /// Onset strength below [`BODY_HZ`], local mean taken out: which pulses carry weight.
    pub body: Vec<f32>,
    /// Onset strength below [`BASS_HZ`], local mean taken out: where the bars begin.
    pub bass: Vec<f32>,
}

/// The curves of mono `samples` at [`RATE`].
pub fn curves(samples: &[f32]) -> Curves {
    let frames = samples.len().saturating_sub(WIN) / HOP;
    let fft = RealFftPlanner::<f32>::new().plan_fft_forward(WIN);
    let window: Vec<f32> = (0..WIN)
        .map(|i| 0.5 - 0.5 * (std::f32::consts::TAU * i as f32 / WIN as f32).cos())
        .collect();
    let bins = |hz: f32| (hz * WIN as f32 / RATE as f32).ceil() as usize;
    let (body_bins, bass_bins) = (bins(BODY_HZ), bins(BASS_HZ));
    let mut input = fft.make_input_vec();
    let mut spectrum = fft.make_output_vec();
    let mut previous = vec![0f32; spectrum.len()];
    let mut all = Vec::with_capacity(frames);
    let mut body = Vec::with_capacity(frames);
    let mut bass = Vec::with_capacity(frames);
    for f in 0..frames {
        let frame = &samples[f * HOP..f * HOP + WIN];
        for ((x, s), w) in input.iter_mut().zip(frame).zip(&window) {
            *x = s * w;
        }
        if fft.process(&mut input, &mut spectrum).is_err() {
            break;
        }
        let (mut total, mut low, mut lowest) = (0f32, 0f32, 0f32);
        for (bin, (c, prev)) in spectrum.iter().zip(previous.iter_mut()).enumerate() {
            let level = (1.0 + 100.0 * c.norm()).ln();
            let rise = (level - *prev).max(0.0);
            *prev = level;
            total += rise;
            if bin <= body_bins {
                low += rise;
            }
            if (1..=bass_bins).contains(&bin) {
                lowest += rise;
            }
        }
        all.push(total);
        body.push(low);
        bass.push(lowest);
    }
    Curves {
        all: detrend(&all),
        body: detrend(&body),
        bass: detrend(&bass),
    }
}

/// `curve` less its mean over the surrounding ~0.4 s, negative parts dropped: what stands out
/// from the texture around it.
fn detrend(curve: &[f32]) -> Vec<f32> {
    const HALF: usize = 35;
    let mut prefix = Vec::with_capacity(curve.len() + 1);
    prefix.push(0f64);
    for v in curve {
        prefix.push(prefix.last().copied().unwrap_or(0.0) + f64::from(*v));
    }
    (0..curve.len())
        .map(|i| {
            let (a, b) = (i.saturating_sub(HALF), (i + HALF + 1).min(curve.len()));
            let mean = (prefix[b] - prefix[a]) / (b - a) as f64;
            (curve[i] - mean as f32).max(0.0)
        })
        .collect()
}
