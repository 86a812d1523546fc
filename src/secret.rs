//! A string that must never be printed: tokens for Nemo and Discord, the database URL.

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use url::Url;

/// A secret value whose `Debug` and `Display` print `***`, wiped from memory when dropped.
#[derive(Clone)]
pub struct Secret(SecretString);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(SecretString::from(value.into()))
    }

    /// The real value, for the one place that must send it (an HTTP header).
    pub fn expose(&self) -> &str {
        self.0.expose_secret()
    }
}

// Records compare the tokens they carry (secrecy leaves equality to its users).
impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.expose() == other.expose()
    }
}

impl Eq for Secret {}

// The store keeps tokens as plain strings, as they were before they were wrapped.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.expose())
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Secret, D::Error> {
        String::deserialize(deserializer).map(Secret::new)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

/// Masks anything that looks like a Nemo token or claim token in text bound for a log or error.
pub fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((pos, prefix_len)) = find_secret_prefix(rest) {
        out.push_str(&rest[..pos]);
        let tail = &rest[pos + prefix_len..];
        let end = tail
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .unwrap_or(tail.len());
        out.push_str("***");
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}

/// Where the first secret starts, and the length of its prefix.
fn find_secret_prefix(text: &str) -> Option<(usize, usize)> {
    ["nmv_", "clm_", "Bearer "]
        .iter()
        .filter_map(|p| text.find(p).map(|i| (i, p.len())))
        .min()
}

/// A URL fit for a log line or an error: its password (`user:password@`, or a `password=`
/// parameter) shown as `***`. Text that does not parse as a URL is shown as `***` whole: where
/// its password would be cannot be told.
pub fn redact_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return "***".to_string();
    };
    if parsed.password().is_some() && parsed.set_password(Some("***")).is_err() {
        return "***".to_string();
    }
    if let Some(query) = parsed.query() {
        // Each parameter as written (not decoded and encoded again), the password's value masked.
        let masked: Vec<&str> = query
            .split('&')
            .map(|p| match p.split_once('=') {
                Some(("password", _)) => "password=***",
                _ => p,
            })
            .collect();
        let masked = masked.join("&");
        parsed.set_query(Some(&masked));
    }
    parsed.into()
}

/// The password in a URL's `user:password@` part, as written (percent-encoded).
pub fn url_password(url: &str) -> Option<String> {
    Url::parse(url).ok()?.password().map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_hide_the_value() {
        let s = Secret::new("nmv_usr_abc");
        assert_eq!(format!("{s:?} {s}"), "*** ***");
        assert_eq!(s.expose(), "nmv_usr_abc");
    }

    #[test]
    fn redact_masks_tokens() {
        let rows = [
            ("no secret here", "no secret here"),
            (r#"{"token":"nmv_usr_x1-2.3"}"#, r#"{"token":"***"}"#),
            ("a clm_9 b nmv_z", "a *** b ***"),
            ("Bearer abc.def", "***"),
        ];
        for (input, want) in rows {
            assert_eq!(redact(input), want, "{input}");
        }
    }

    #[test]
    fn urls_show_no_password() {
        let rows = [
            (
                "postgres://bot:s3cr%2Ft@db:5432/mvb",
                "postgres://bot:***@db:5432/mvb",
            ),
            ("postgres://bot@db/mvb", "postgres://bot@db/mvb"),
            (
                "postgres://db/mvb?user=bot&password=pw&x=1",
                "postgres://db/mvb?user=bot&password=***&x=1",
            ),
            ("postgres://u:p@ss@db/mvb", "postgres://u:***@db/mvb"),
            ("postgres://:pw@db/mvb", "postgres://:***@db/mvb"),
            ("postgres://bot:pw@db:5432,db2:5432/mvb", "***"),
            ("not a url", "***"),
        ];
        for (url, want) in rows {
            assert_eq!(redact_url(url), want, "{url}");
        }
        assert_eq!(
            url_password("postgres://bot:pw@db/x").as_deref(),
            Some("pw")
        );
        assert_eq!(
            url_password("postgres://bot:s3cr%2Ft@db/x").as_deref(),
            Some("s3cr%2Ft")
        );
        assert_eq!(url_password("postgres://bot@db/x"), None);
    }
}
