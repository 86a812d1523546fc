//! The beats on a known tempo (Ellis' dynamic programming: each beat as strong an onset as can
//! be, each gap as close to the period as can be), and the bars on them: the meter whose first
//! beats carry the most bass, and where the first downbeat falls.

/// How much a gap off the period costs against onset strength (librosa's `tightness`).
const TIGHTNESS: f64 = 100.0;
/// Leading and trailing beats weaker than this share of the median beat are silence, not beats.
const QUIET: f32 = 0.15;
/// A meter is told only when its first beats carry this much more bass than beats on average,
/// and this much more than the other meter's best (tests' drums: 1.23–1.64 against 1.03–1.08).
const ACCENTED: f64 = 1.15;
const MARGIN: f64 = 0.1;

/// Frames of the beats in `onset` at a period of `period` frames.
pub fn track(onset: &[f32], period: f64) -> Vec<usize> {
    if onset.is_empty() || period < 2.0 {
        return Vec::new();
    }
    let n = onset.len();
    let mut score = vec![0f64; n];
    let mut back = vec![usize::MAX; n];
    let (near, far) = (
        (period / 2.0).round() as usize,
        (period * 2.0).round() as usize,
    );
    for t in 0..n {
        let mut best: Option<(f64, usize)> = None;
        if t >= near.max(1) {
            let from = t.saturating_sub(far);
            for (prev, earlier) in score[from..=t - near.max(1)].iter().enumerate() {
                let prev = from + prev;
                let gap = ((t - prev) as f64 / period).ln();
                let candidate = earlier - TIGHTNESS * gap * gap;
                if best.is_none_or(|(b, _)| candidate > b) {
                    best = Some((candidate, prev));
                }
            }
        }
        score[t] = f64::from(onset[t]);
        // A chain is joined only when it adds: a beat can also start one.
        if let Some((gain, prev)) = best.filter(|(gain, _)| *gain > 0.0) {
            score[t] += gain;
            back[t] = prev;
        }
    }
    // The last beat: the best score within a period of the end.
    let tail = n.saturating_sub(period.ceil() as usize);
    let Some(mut t) = (tail..n).max_by(|&a, &b| score[a].total_cmp(&score[b])) else {
        return Vec::new();
    };
    let mut beats = vec![t];
    while back[t] != usize::MAX {
        t = back[t];
        beats.push(t);
    }
    beats.reverse();
    trim(onset, beats)
}

/// `beats` without the leading and trailing ones that fall in silence.
fn trim(onset: &[f32], mut beats: Vec<usize>) -> Vec<usize> {
    let strength = |t: usize| near(onset, t);
    let mut strengths: Vec<f32> = beats.iter().map(|&t| strength(t)).collect();
    strengths.sort_by(f32::total_cmp);
    let floor = strengths.get(strengths.len() / 2).copied().unwrap_or(0.0) * QUIET;
    while beats.first().is_some_and(|&t| strength(t) < floor) {
        beats.remove(0);
    }
    while beats.last().is_some_and(|&t| strength(t) < floor) {
        beats.pop();
    }
    beats
}

/// The strongest value of `curve` within two frames of `t`: a beat's onset, allowing for the
/// frame it was placed on.
fn near(curve: &[f32], t: usize) -> f32 {
    curve[t.saturating_sub(2)..(t + 3).min(curve.len())]
        .iter()
        .fold(0f32, |a, b| a.max(*b))
}

/// Bars on the beats: the meter (3 or 4) and the index of the first downbeat among `beats`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bars {
    /// Beats in a bar.
    pub meter: usize,
    /// The first beat that begins a bar.
    pub first: usize,
}

/// The bars of `beats`, read from the bass onsets at them; `None` when no meter stands out.
pub fn bars(bass: &[f32], beats: &[usize]) -> Option<Bars> {
    let weights: Vec<f64> = beats.iter().map(|&t| f64::from(near(bass, t))).collect();
    let mean = weights.iter().sum::<f64>() / weights.len().max(1) as f64;
    if mean <= 0.0 {
        return None;
    }
    // Each meter's best phase: how much more bass its first beats carry than beats do.
    let best = |meter: usize| {
        (0..meter)
            .filter(|_| weights.len() >= 2 * meter)
            .map(|first| {
                let downbeats: Vec<f64> =
                    weights.iter().skip(first).step_by(meter).copied().collect();
                let accent = downbeats.iter().sum::<f64>() / downbeats.len() as f64 / mean;
                (accent, Bars { meter, first })
            })
            .max_by(|a, b| a.0.total_cmp(&b.0))
    };
    let (four, three) = (best(4)?, best(3)?);
    let (won, lost) = if three.0 > four.0 {
        (three, four)
    } else {
        (four, three)
    };
    (won.0 >= ACCENTED && won.0 - lost.0 >= MARGIN).then_some(won.1)
}
