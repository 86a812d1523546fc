//! `conversations_completed_pg` and `pg_vs_sled_wall_ratio`: the conversations run over a
//! PostgreSQL store against the same run over sled, when `MVB_TEST_DATABASE_URL` names a
//! database (`.ci/run` starts one). Each PostgreSQL round gets a scratch schema of its own,
//! dropped after it.

use crate::conversations;
use music_video_bot::store::ScratchSchema;
use std::time::Duration;

/// The most wall time the PostgreSQL run may take, as a multiple of sled's (issue #10).
pub const MAX_PG_VS_SLED_WALL_RATIO: f64 = 3.0;
/// Conversations of each round, in both modes: the target is set at 1,000, and runs
/// this long (about 6 s each on the project's machine) keep the clock's noise small, where a
/// 200-conversation round (about a second) moved the ratio between 0.87 and 1.91.
pub const CONVERSATIONS: usize = 1000;
/// The name in the line that says the comparison was skipped.
const SKIP_NAME: &str = "bench: conversations_completed_pg, pg_vs_sled_wall_ratio";

/// What the comparison measured.
pub struct PgFigures {
    /// Conversations started in each round.
    pub asked: usize,
    /// Rounds on each backend.
    pub rounds: usize,
    /// Conversations completed on PostgreSQL in the round that completed fewest.
    pub done: usize,
    /// The median round's PostgreSQL wall time ÷ sled's.
    pub ratio: f64,
    /// The lowest and highest ratio of the rounds.
    pub spread: (f64, f64),
    /// Median wall time of sled's rounds.
    pub sled_wall: Duration,
    /// Median wall time of PostgreSQL's rounds.
    pub pg_wall: Duration,
}

/// `rounds` (odd, for a median) rounds of `n` conversations on each backend, the two taking
/// turns (and taking turns going first) so that both meet the same load on the machine;
/// `None`, after one line saying so, when no test database is set.
pub async fn pg_vs_sled(n: usize, rounds: usize) -> Option<PgFigures> {
    let (mut ratios, mut sled, mut pg) = (Vec::new(), Vec::new(), Vec::new());
    let mut done = n;
    for round in 0..rounds {
        let scratch = ScratchSchema::from_env(SKIP_NAME)
            .await
            .expect("a scratch schema of the test database")?;
        if round == 0 {
            eprintln!("bench: {n} conversations on sled and on PostgreSQL, {rounds} rounds…");
        }
        let (sled_wall, pg_load) = if round % 2 == 0 {
            let sled_wall = conversations(n, None).await.wall;
            (sled_wall, conversations(n, Some(&scratch.url)).await)
        } else {
            let pg_load = conversations(n, Some(&scratch.url)).await;
            (conversations(n, None).await.wall, pg_load)
        };
        scratch.finish().await.expect("dropping the scratch schema");
        eprintln!(
            "bench: round {}: {n} conversations in {:.2} s on sled, {:.2} s on PostgreSQL",
            round + 1,
            sled_wall.as_secs_f64(),
            pg_load.wall.as_secs_f64()
        );
        done = done.min(pg_load.done);
        ratios.push(pg_load.wall.as_secs_f64() / sled_wall.as_secs_f64().max(1e-9));
        sled.push(sled_wall);
        pg.push(pg_load.wall);
    }
    ratios.sort_by(f64::total_cmp);
    sled.sort();
    pg.sort();
    Some(PgFigures {
        asked: n,
        rounds,
        done,
        ratio: ratios[rounds / 2],
        spread: (ratios[0], ratios[rounds - 1]),
        sled_wall: sled[rounds / 2],
        pg_wall: pg[rounds / 2],
    })
}

impl PgFigures {
    /// The table's rows.
    pub fn print(&self) {
        let (n, rounds) = (self.asked, self.rounds);
        let secs = |d: Duration| d.as_secs_f64();
        println!(
            "| conversations completed on PostgreSQL (worst of {rounds} rounds) | {}/{n} | all |",
            self.done
        );
        println!(
            "| wall time, {n} conversations, median of {rounds} rounds, sled / PostgreSQL | {:.2} / {:.2} s | |",
            secs(self.sled_wall),
            secs(self.pg_wall)
        );
        println!(
            "| PostgreSQL wall time ÷ sled's, rounds' lowest–highest | {:.2}–{:.2} | |",
            self.spread.0, self.spread.1
        );
        println!(
            "| PostgreSQL wall time ÷ sled's | {:.2} | ≤ {MAX_PG_VS_SLED_WALL_RATIO:.2} |",
            self.ratio
        );
    }

    /// The `name: value` lines for scripts.
    pub fn print_lines(&self) {
        println!("conversations_completed_pg: {}/{}", self.done, self.asked);
        println!("pg_vs_sled_wall_ratio: {:.3}", self.ratio);
    }

    /// The targets this comparison missed, in words.
    pub fn misses(&self) -> Vec<String> {
        let mut misses = Vec::new();
        if self.done != self.asked {
            misses.push(format!(
                "{} of {} conversations completed on PostgreSQL",
                self.done, self.asked
            ));
        }
        if self.ratio.is_nan() || self.ratio > MAX_PG_VS_SLED_WALL_RATIO {
            misses.push(format!(
                "PostgreSQL's wall time ÷ sled's is {:.3} (target ≤ {MAX_PG_VS_SLED_WALL_RATIO:.2})",
                self.ratio
            ));
        }
        misses
    }
}
