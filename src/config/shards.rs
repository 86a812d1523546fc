//! Which Discord gateway shards this process runs: every shard Discord recommends, or a range of
//! a fixed count when several processes split the shards between them.

use super::{invalid, ConfigError};
use serde::Deserialize;

/// `[discord] shards`: how the shard count is chosen when no range is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ShardMode {
    /// As many shards as Discord recommends (`GET /gateway/bot`), all in this process.
    #[default]
    Auto,
}

/// The shards this process runs, decided from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sharding {
    /// Discord's recommended count, all of them here.
    Auto,
    /// Shards `first..=last` of `count` shards in all.
    Range {
        /// The first shard id this process runs.
        first: u32,
        /// The last shard id this process runs (included).
        last: u32,
        /// How many shards the bot has across every process.
        count: u32,
    },
}

impl Sharding {
    /// Whether shard 0 runs here: DMs arrive on it, and its process registers the commands.
    pub fn runs_shard_zero(&self) -> bool {
        match self {
            Sharding::Auto => true,
            Sharding::Range { first, .. } => *first == 0,
        }
    }
}

/// Decides the shards from `discord.shard_range` (`"first-last"` or one id) and
/// `discord.shard_count`: neither is auto; a count alone is every shard of that count; a range
/// needs a count and must lie inside it.
pub fn sharding(range: Option<&str>, count: Option<u32>) -> Result<Sharding, ConfigError> {
    let count = match count {
        None if range.is_some() => {
            return Err(invalid(
                "discord.shard_count",
                "must be set when discord.shard_range is",
            ))
        }
        None => return Ok(Sharding::Auto),
        Some(0) => return Err(invalid("discord.shard_count", "must be greater than 0")),
        Some(n) => n,
    };
    let Some(range) = range else {
        return Ok(Sharding::Range {
            first: 0,
            last: count - 1,
            count,
        });
    };
    let (first, last) = parse_range(range).ok_or_else(|| {
        invalid(
            "discord.shard_range",
            "must be `first-last` shard ids such as \"0-3\" (or one id)",
        )
    })?;
    if last >= count {
        return Err(ConfigError::Invalid {
            key: "discord.shard_range",
            message: format!(
                "shard {last} is outside discord.shard_count = {count} (ids are 0 to {})",
                count - 1
            ),
        });
    }
    Ok(Sharding::Range { first, last, count })
}

/// `"2-5"` → (2, 5); `"3"` → (3, 3); a reversed or unreadable range → None.
fn parse_range(text: &str) -> Option<(u32, u32)> {
    let (first, last) = match text.split_once('-') {
        Some((a, b)) => (a.trim().parse().ok()?, b.trim().parse().ok()?),
        None => {
            let one = text.trim().parse().ok()?;
            (one, one)
        }
    };
    (first <= last).then_some((first, last))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What a row expects: the shards, or the key the error names.
    type Want = Result<Sharding, &'static str>;

    fn range(first: u32, last: u32, count: u32) -> Want {
        Ok(Sharding::Range { first, last, count })
    }

    #[test]
    fn ranges_and_counts_decide_the_shards() {
        let rows: [(Option<&str>, Option<u32>, Want); 14] = [
            (None, None, Ok(Sharding::Auto)),
            (Some("0-3"), Some(8), range(0, 3, 8)),
            (Some(" 4 - 7 "), Some(8), range(4, 7, 8)),
            (Some("1"), Some(2), range(1, 1, 2)),
            (Some("0-0"), Some(1), range(0, 0, 1)),
            (None, Some(4), range(0, 3, 4)),
            (Some("0-3"), None, Err("discord.shard_count")),
            (None, Some(0), Err("discord.shard_count")),
            (Some("0-8"), Some(8), Err("discord.shard_range")),
            (Some("2"), Some(2), Err("discord.shard_range")),
            (Some("3-1"), Some(8), Err("discord.shard_range")),
            (Some(""), Some(8), Err("discord.shard_range")),
            (Some("a-b"), Some(8), Err("discord.shard_range")),
            (Some("-1"), Some(8), Err("discord.shard_range")),
        ];
        for (text, count, want) in rows {
            let got = sharding(text, count).map_err(|e| match e {
                ConfigError::Invalid { key, .. } => key,
                other => panic!("{other}"),
            });
            assert_eq!(got, want, "{text:?} of {count:?}");
        }
    }

    #[test]
    fn only_a_range_from_zero_runs_shard_zero() {
        assert!(Sharding::Auto.runs_shard_zero());
        assert!(sharding(Some("0-1"), Some(4)).unwrap().runs_shard_zero());
        assert!(!sharding(Some("2-3"), Some(4)).unwrap().runs_shard_zero());
    }
}
