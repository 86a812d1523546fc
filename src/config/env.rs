//! The environment's layer of the configuration: secrets, and what differs between the
//! processes of one deployment (the store, the shards), so one image serves them all.

use super::{Config, ConfigError, StoreBackend};
use crate::secret::Secret;

impl Config {
    /// Applies `NEMO_TOKEN`, `NEMO_API_BASE`, `DISCORD_TOKEN`, `DISCORD_API_BASE`,
    /// `DATABASE_URL`, `STORE_BACKEND`, `DISCORD_SHARD_RANGE` and `DISCORD_SHARD_COUNT` (empty
    /// values are ignored); a value that cannot be read is an error naming its variable.
    pub fn apply_env(&mut self, env: impl Fn(&str) -> Option<String>) -> Result<(), ConfigError> {
        let get = |name: &str| {
            env(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };
        if let Some(token) = get("NEMO_TOKEN") {
            self.nemo.token = Some(Secret::new(token));
        }
        if let Some(base) = get("NEMO_API_BASE") {
            self.nemo.api_base = base;
        }
        if let Some(token) = get("DISCORD_TOKEN") {
            self.discord.token = Some(Secret::new(token));
        }
        if let Some(base) = get("DISCORD_API_BASE") {
            self.discord.api_base = base;
        }
        if let Some(url) = get("DATABASE_URL") {
            self.store.url = Some(Secret::new(url));
        }
        if let Some(backend) = get("STORE_BACKEND") {
            self.store.backend = match backend.as_str() {
                "sled" => StoreBackend::Sled,
                "postgres" => StoreBackend::Postgres,
                _ => return Err(env_error("STORE_BACKEND", "must be sled or postgres")),
            };
        }
        if let Some(range) = get("DISCORD_SHARD_RANGE") {
            self.discord.shard_range = Some(range);
        }
        if let Some(count) = get("DISCORD_SHARD_COUNT") {
            let count = count
                .parse()
                .map_err(|_| env_error("DISCORD_SHARD_COUNT", "must be a whole number"))?;
            self.discord.shard_count = Some(count);
        }
        Ok(())
    }
}

fn env_error(name: &'static str, message: &str) -> ConfigError {
    ConfigError::Env {
        name,
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Sharding;

    #[test]
    fn the_environment_picks_the_store_and_the_shards() {
        let mut c = Config::default();
        c.apply_env(|k| match k {
            "STORE_BACKEND" => Some("postgres".into()),
            "DATABASE_URL" => Some("postgres://bot:pw@db/mvb".into()),
            "DISCORD_SHARD_RANGE" => Some("1-1".into()),
            "DISCORD_SHARD_COUNT" => Some(" 2 ".into()),
            "DISCORD_API_BASE" => Some("http://discord-proxy:80".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(c.store.backend, StoreBackend::Postgres);
        let want = Sharding::Range {
            first: 1,
            last: 1,
            count: 2,
        };
        assert_eq!(c.discord.sharding().unwrap(), want);
        assert_eq!(c.discord.api_base, "http://discord-proxy:80");
        c.validate().unwrap();
    }

    #[test]
    fn unreadable_values_name_their_variable() {
        for (name, value) in [("STORE_BACKEND", "mysql"), ("DISCORD_SHARD_COUNT", "two")] {
            let err = Config::default()
                .apply_env(|k| (k == name).then(|| value.to_string()))
                .unwrap_err()
                .to_string();
            assert!(err.contains(name), "{err}");
        }
    }
}
