//! The REST client: serenity's `Http`, with its rate limiter on whenever the bot talks to
//! discord.com itself (directly, or through `rest_address`), so the path the tests drive is
//! the one production runs. Only behind a REST proxy (`api_base`) is the limiter off: the
//! proxy keeps the limits for every process behind it.

use crate::config::{DiscordConfig, DISCORD};
use poise::serenity_prelude as serenity;

/// Why the REST client could not be built (a configuration problem, named by its key).
#[derive(Debug, thiserror::Error)]
pub enum RestError {
    /// `discord.rest_ca_file` cannot be read or holds no PEM certificate.
    #[error("discord.rest_ca_file {path}: {why}")]
    Ca {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// The HTTP client could not be set up.
    #[error("the REST client: {0}")]
    Client(#[from] reqwest::Error),
}

/// The client for Discord's REST API as `config` says, authenticated with `token`.
pub fn http(config: &DiscordConfig, token: &str) -> Result<serenity::Http, RestError> {
    let base = config.api_base.trim_end_matches('/');
    let mut http = serenity::HttpBuilder::new(token);
    if base != DISCORD {
        // serenity sends through a proxy only with its own rate limiter off (its limiter
        // always addresses discord.com): the proxy is expected to rate-limit.
        return Ok(http.proxy(base).ratelimiter_disabled(true).build());
    }
    if config.rest_address.is_some() || config.rest_ca_file.is_some() {
        http = http.client(client(config)?);
    }
    Ok(http.build())
}

/// A client that reaches discord.com at `rest_address` and also trusts `rest_ca_file`.
fn client(config: &DiscordConfig) -> Result<reqwest::Client, RestError> {
    let mut builder = reqwest::Client::builder().use_rustls_tls();
    if let Some(address) = &config.rest_address {
        // Checked when the configuration was read.
        if let Ok(address) = address.parse() {
            builder = builder.resolve("discord.com", address);
        }
    }
    if let Some(path) = &config.rest_ca_file {
        let ca = |why: String| RestError::Ca {
            path: path.display().to_string(),
            why,
        };
        let pem = std::fs::read(path).map_err(|e| ca(e.to_string()))?;
        let cert = reqwest::Certificate::from_pem(&pem).map_err(|e| ca(e.to_string()))?;
        builder = builder.add_root_certificate(cert);
    }
    Ok(builder.build()?)
}
