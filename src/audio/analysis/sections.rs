//! Where a song's loudness changes most (intro → verse → chorus or drop): the boundaries
//! between its sections, and the biggest rise among them, the drop.

/// Seconds per step of the loudness curve.
const STEP: f64 = 0.5;
/// Seconds of song compared on either side of a possible boundary.
const SIDE: f64 = 8.0;
/// Boundaries are at least this far apart, in seconds.
const APART: f64 = 12.0;
/// The least change in loudness (dB) that makes a boundary.
const CHANGE_DB: f64 = 3.0;
/// The most boundaries told.
const MOST: usize = 6;

/// A boundary between sections.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Boundary {
    /// Seconds from the start.
    pub at: f64,
    /// How much louder (positive) or quieter the song gets there, in dB.
    pub change_db: f64,
}

/// The boundaries of mono `samples` at `rate`, in time order.
pub fn boundaries(samples: &[f32], rate: u32) -> Vec<Boundary> {
    let per_step = (STEP * f64::from(rate)) as usize;
    if per_step == 0 {
        return Vec::new();
    }
    // Whole steps only: a last sliver of a step would read as a sudden silence.
    let loudness: Vec<f64> = samples
        .chunks_exact(per_step)
        .map(|c| {
            let power = c.iter().map(|s| f64::from(s * s)).sum::<f64>() / c.len() as f64;
            10.0 * (power + 1e-10).log10()
        })
        .collect();
    let side = (SIDE / STEP) as usize;
    if loudness.len() < 2 * side + 1 {
        return Vec::new();
    }
    let mean = |range: &[f64]| range.iter().sum::<f64>() / range.len() as f64;
    let changes: Vec<(usize, f64)> = (side..=loudness.len() - side)
        .map(|i| {
            (
                i,
                mean(&loudness[i..i + side]) - mean(&loudness[i - side..i]),
            )
        })
        .collect();
    let mut found: Vec<(usize, f64)> = Vec::new();
    let mut by_size = changes.clone();
    by_size.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let apart = (APART / STEP) as usize;
    for (i, change) in by_size {
        if change.abs() < CHANGE_DB || found.len() == MOST {
            break;
        }
        if found.iter().all(|(j, _)| i.abs_diff(*j) >= apart) {
            found.push((i, change));
        }
    }
    found.sort_by_key(|(i, _)| *i);
    found
        .into_iter()
        .map(|(i, change_db)| Boundary {
            at: i as f64 * STEP,
            change_db,
        })
        .collect()
}

/// The drop: the boundary where the song gets loudest, if it gets louder anywhere.
pub fn drop(boundaries: &[Boundary]) -> Option<f64> {
    boundaries
        .iter()
        .filter(|b| b.change_db > 0.0)
        .max_by(|a, b| a.change_db.total_cmp(&b.change_db))
        .map(|b| b.at)
}
