//! Errors of the NemoVideo API boundary, one variant per code of the contract's table.

use crate::secret::redact;
use serde_json::Value;

/// What went wrong talking to Nemo, with the context to debug it (never a token).
#[derive(Debug, thiserror::Error)]
pub enum NemoError {
    /// The request did not complete (connect, reset, timeout).
    #[error("{endpoint}: request failed: {source}")]
    Http {
        /// The endpoint, e.g. `POST /run_sse`.
        endpoint: String,
        /// reqwest's error (its URL carries no secret).
        source: reqwest::Error,
    },
    /// A non-JSON answer such as an HTML 502 page.
    #[error("{endpoint}: HTTP {status} with a non-JSON body: {snippet}")]
    Transport {
        /// The endpoint.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// The start of the body, redacted.
        snippet: String,
    },
    /// Code 1001 (or HTTP 401): bad or expired token.
    #[error("{endpoint}: bad or expired token: {message}")]
    BadToken {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// Code 1002: the session does not exist (any more).
    #[error("{endpoint}: session not found: {message}")]
    SessionNotFound {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// Code 2001: no credits left.
    #[error("{endpoint}: no credits: {message}")]
    NoCredits {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// Code 4001: unsupported file.
    #[error("{endpoint}: unsupported file: {message}")]
    UnsupportedFile {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// Code 4002: file too large.
    #[error("{endpoint}: file too large: {message}")]
    FileTooLarge {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// HTTP 400 from the anonymous-token endpoint, the one request that sends `X-Client-Id`.
    #[error("{endpoint}: missing client id: {message}")]
    MissingClientId {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// HTTP 409: the id sent (a render id) is already taken; a new id may be used.
    #[error("{endpoint}: id already taken: {message}")]
    DuplicateId {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// HTTP 402: the plan cannot export (not a credits problem).
    #[error("{endpoint}: plan does not allow export: {message}")]
    ExportBlocked {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
    },
    /// HTTP 429, after the one retry.
    #[error("{endpoint}: rate limited: {message}")]
    RateLimited {
        /// The endpoint.
        endpoint: String,
        /// Nemo's words.
        message: String,
        /// The wait the server asked for (`Retry-After`), if it gave one.
        retry_after: Option<std::time::Duration>,
    },
    /// Any other error answer.
    #[error("{endpoint}: HTTP {status}, code {code}: {message}")]
    Api {
        /// The endpoint.
        endpoint: String,
        /// HTTP status.
        status: u16,
        /// Business code, or -1 when the body had none.
        code: i64,
        /// Nemo's words, redacted.
        message: String,
    },
    /// A JSON answer of the wrong shape.
    #[error("{endpoint}: cannot decode answer ({source}): {body}")]
    Decode {
        /// The endpoint.
        endpoint: String,
        /// The body, redacted and shortened.
        body: String,
        /// serde's words.
        source: serde_json::Error,
    },
    /// The agent's stream broke after the request reached the server.
    #[error("{endpoint}: the stream broke: {reason}")]
    StreamBroken {
        /// The endpoint.
        endpoint: String,
        /// What happened.
        reason: String,
    },
    /// No answer within the allowed time, after the request may have reached the server.
    #[error("{endpoint}: no answer within {after_ms} ms")]
    Timeout {
        /// The endpoint.
        endpoint: String,
        /// How long we waited.
        after_ms: u64,
    },
    /// An answer (or one event of the agent's stream) larger than the bot reads.
    #[error("{endpoint}: answer larger than {limit} bytes")]
    TooLarge {
        /// The endpoint.
        endpoint: String,
        /// The limit that was passed.
        limit: usize,
    },
    /// A local file's size changed while it was being uploaded (it was still being written).
    #[error("{path} changed while being uploaded: {expected} bytes, now {now}")]
    FileChanged {
        /// The file's display name.
        path: String,
        /// Its size when checked.
        expected: u64,
        /// Its size afterwards.
        now: u64,
    },
    /// A local file could not be read for upload.
    #[error("reading {path}: {source}")]
    File {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
}

impl NemoError {
    /// A rate-limited error with the wait the server asked for (others unchanged).
    pub fn with_retry_after(self, hint: Option<std::time::Duration>) -> NemoError {
        match self {
            NemoError::RateLimited {
                endpoint, message, ..
            } => NemoError::RateLimited {
                endpoint,
                message,
                retry_after: hint,
            },
            other => other,
        }
    }

    /// The wait a rate-limited answer asked for.
    pub fn retry_after(&self) -> Option<std::time::Duration> {
        match self {
            NemoError::RateLimited { retry_after, .. } => *retry_after,
            _ => None,
        }
    }

    /// The HTTP status of the answer, where there was one and the error keeps it.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            NemoError::Transport { status, .. } | NemoError::Api { status, .. } => Some(*status),
            NemoError::RateLimited { .. } => Some(429),
            NemoError::ExportBlocked { .. } => Some(402),
            _ => None,
        }
    }

    /// Whether trying the same request again later may succeed (for idempotent requests only).
    pub fn is_retryable(&self) -> bool {
        match self {
            NemoError::Http { .. } | NemoError::RateLimited { .. } | NemoError::Timeout { .. } => {
                true
            }
            // A body cut off mid-JSON is a broken connection, not a wrong shape.
            NemoError::Decode { source, .. } => source.is_eof(),
            NemoError::Transport { status, .. } => *status >= 500 || *status == 0,
            NemoError::Api { status, .. } => *status >= 500,
            _ => false,
        }
    }
}

/// Reads an answer body: the business code first (with any HTTP status), then the status.
pub fn classify(endpoint: &str, status: u16, body: &str) -> Result<Value, NemoError> {
    let ok_status = (200..300).contains(&status);
    let json: Value = match serde_json::from_str(body) {
        Ok(v) => v,
        Err(source) if ok_status => {
            return Err(NemoError::Decode {
                endpoint: endpoint.into(),
                body: snippet(body),
                source,
            })
        }
        Err(_) => {
            return Err(NemoError::Transport {
                endpoint: endpoint.into(),
                status,
                snippet: snippet(body),
            })
        }
    };
    let message = message_of(&json);
    let ep = endpoint.to_string();
    let code = json.get("code").and_then(as_code).unwrap_or(0);
    let failed = json.get("success") == Some(&Value::Bool(false));
    match code {
        0 if ok_status && !failed => Ok(json),
        0 => Err(by_status(ep, status, -1, message)),
        1001 => Err(NemoError::BadToken {
            endpoint: ep,
            message,
        }),
        1002 => Err(NemoError::SessionNotFound {
            endpoint: ep,
            message,
        }),
        2001 => Err(NemoError::NoCredits {
            endpoint: ep,
            message,
        }),
        4001 => Err(NemoError::UnsupportedFile {
            endpoint: ep,
            message,
        }),
        4002 => Err(NemoError::FileTooLarge {
            endpoint: ep,
            message,
        }),
        other => Err(by_status(ep, status, other, message)),
    }
}

/// The endpoint whose 400 means "missing `X-Client-Id`" (the contract's Token section).
pub const ANONYMOUS_TOKEN: &str = "POST /api/auth/anonymous-token";

/// Decided by status (and which endpoint answered), never by Nemo's words, which may change.
fn by_status(endpoint: String, status: u16, code: i64, message: String) -> NemoError {
    match status {
        400 if endpoint == ANONYMOUS_TOKEN => NemoError::MissingClientId { endpoint, message },
        401 => NemoError::BadToken { endpoint, message },
        402 => NemoError::ExportBlocked { endpoint, message },
        409 => NemoError::DuplicateId { endpoint, message },
        429 => NemoError::RateLimited {
            endpoint,
            message,
            retry_after: None,
        },
        _ => NemoError::Api {
            endpoint,
            status,
            code,
            message,
        },
    }
}

fn as_code(v: &Value) -> Option<i64> {
    v.as_i64()
        .or_else(|| v.as_str().and_then(|s| s.trim().parse().ok()))
}

/// The human words of an error answer, from whichever field carries them.
fn message_of(json: &Value) -> String {
    let text = ["message", "error", "msg", "detail"]
        .iter()
        .find_map(|k| match json.get(*k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Object(o)) => o.get("message").and_then(Value::as_str).map(String::from),
            _ => None,
        })
        .unwrap_or_default();
    shorten(&redact(&text), 300)
}

/// The start of a body, safe for a log.
pub fn snippet(body: &str) -> String {
    shorten(&redact(body.trim()), 200)
}

fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests;
