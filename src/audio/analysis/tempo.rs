//! Tempo from the onset curve: autocorrelation, weighted towards moderate tempi, the metrical
//! level chosen by how evenly the pulses carry.

/// Tempi considered, in BPM, and the range a tempo is told in.
const SLOWEST: f64 = 40.0;
const FASTEST: f64 = 240.0;
const TOLD: (f64, f64) = (70.0, 180.0);
/// How far past the told range a level may land (a song at 70 BPM measures 69.9 as often).
const SLACK: f64 = 1.04;

/// A tempo and how sure of it the analysis is (0–1).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Tempo {
    /// Beats per minute.
    pub bpm: f64,
    /// How far the winning period stands above the others, 0 (no pulse) to 1.
    pub confidence: f64,
}

/// The tempo of `onset` (frames at `fps`), its metrical level chosen on `body` (the same
/// curve without the brightest sounds), `None` without any pulse.
pub fn estimate(onset: &[f32], body: &[f32], fps: f64) -> Option<Tempo> {
    let shortest = (60.0 * fps / FASTEST).floor() as usize;
    let longest = ((60.0 * fps / SLOWEST).ceil() as usize).min(onset.len() / 2);
    if longest <= shortest + 2 {
        return None;
    }
    let acf = autocorrelation(onset, longest + 1);
    let weighted = |lag: usize| acf[lag] * prior(60.0 * fps / lag as f64);
    let best = (shortest..=longest).max_by(|&a, &b| weighted(a).total_cmp(&weighted(b)))?;
    if acf[best] <= 0.0 {
        return None;
    }
    let mean = acf[shortest..=longest].iter().sum::<f64>() / (longest - shortest + 1) as f64;
    let confidence = (1.0 - mean / acf[best]).clamp(0.0, 1.0);
    let lag = refine(&acf, best);
    let lag = level(body, fps, lag);
    Some(Tempo {
        bpm: fold(60.0 * fps / lag),
        confidence,
    })
}

/// Σ onset[i]·onset[i+lag] / overlap, for lags below `lags`.
fn autocorrelation(onset: &[f32], lags: usize) -> Vec<f64> {
    (0..lags)
        .map(|lag| {
            let n = onset.len() - lag;
            let sum: f64 = onset[..n]
                .iter()
                .zip(&onset[lag..])
                .map(|(a, b)| f64::from(a * b))
                .sum();
            sum / n.max(1) as f64
        })
        .collect()
}

/// Listeners' preference for moderate tempi: log-normal around 120 BPM, one octave wide.
fn prior(bpm: f64) -> f64 {
    let octaves = (bpm / 120.0).log2();
    (-0.5 * octaves * octaves).exp()
}

/// The peak's lag between frames (a parabola through it and its neighbours).
fn refine(acf: &[f64], lag: usize) -> f64 {
    let (a, b, c) = (
        acf[lag - 1],
        acf[lag],
        acf.get(lag + 1).copied().unwrap_or(acf[lag]),
    );
    let denominator = a - 2.0 * b + c;
    if denominator.abs() < 1e-12 {
        return lag as f64;
    }
    lag as f64 + (0.5 * (a - c) / denominator).clamp(-0.5, 0.5)
}

/// The metrical level: half the period when the pulses between the beats carry nearly as much
/// as the beats (a fast beat heard at half speed), double it when every other beat is much
/// weaker (off-beats heard as beats), as long as the tempo stays in the told range.
fn level(onset: &[f32], fps: f64, lag: f64) -> f64 {
    let bpm = |lag: f64| 60.0 * fps / lag;
    if bpm(lag / 2.0) <= TOLD.1 * SLACK && evenness(onset, lag) > EVEN {
        return lag / 2.0;
    }
    if bpm(lag * 2.0) >= TOLD.0 / SLACK && evenness(onset, lag * 2.0) < EVEN {
        return lag * 2.0;
    }
    lag
}

/// Above this, the pulse between two beats is a beat too; below it over two beats, every other
/// beat is an off-beat. Over the body band, the drum patterns of the bench's set
/// (`tests/common/songs.rs`) put true beats at 0.05–0.33 and beats heard at half speed at
/// 0.51–0.99, but for noise as loud as the drums at 152 BPM: its snares drown, 0.24 at half
/// speed, and it is heard at 76 (no threshold parts it from the true beats).
const EVEN: f64 = 0.45;

/// How alike the two halves of a cycle of `period` frames are: the curve folded over the
/// cycle, the mean at its strongest phase's opposite over the mean at its strongest phase.
fn evenness(onset: &[f32], period: f64) -> f64 {
    let bins = period.round().max(2.0) as usize;
    let mut profile = vec![0f64; bins];
    let cycles = (onset.len() as f64 / period).floor() as usize;
    if cycles < 2 {
        return 0.0;
    }
    for k in 0..cycles {
        for (p, slot) in profile.iter_mut().enumerate() {
            let i = (k as f64 * period + p as f64).round() as usize;
            *slot += f64::from(onset.get(i).copied().unwrap_or(0.0));
        }
    }
    let peak = |centre: usize| {
        (0..5)
            .map(|d| profile[(centre + bins + d - 2) % bins])
            .fold(0f64, f64::max)
    };
    let strongest = (0..bins)
        .max_by(|&a, &b| profile[a].total_cmp(&profile[b]))
        .unwrap_or(0);
    let top = peak(strongest);
    if top <= 0.0 {
        return 0.0;
    }
    peak((strongest + bins / 2) % bins) / top
}

/// `bpm` doubled or halved into the told range.
fn fold(mut bpm: f64) -> f64 {
    while bpm < TOLD.0 / SLACK {
        bpm *= 2.0;
    }
    while bpm > TOLD.1 * SLACK {
        bpm /= 2.0;
    }
    bpm
}
