//! A string that must never be printed: tokens for Nemo and Discord, the database URL.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A secret value whose `Debug` and `Display` print `***`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret value.
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }

    /// The real value, for the one place that must send it (an HTTP header).
    pub fn expose(&self) -> &str {
        &self.0
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
/// parameter) shown as `***`.
pub fn redact_url(url: &str) -> String {
    let mut out = match password_span(url) {
        Some((start, end)) => format!("{}***{}", &url[..start], &url[end..]),
        None => url.to_string(),
    };
    if let Some(query) = out.find('?') {
        let (head, params) = out.split_at(query + 1);
        let params: Vec<String> = params
            .split('&')
            .map(|p| match p.split_once('=') {
                Some((name, _)) if name == "password" => format!("{name}=***"),
                _ => p.to_string(),
            })
            .collect();
        out = format!("{head}{}", params.join("&"));
    }
    out
}

/// The password in a URL's `user:password@` part, as written (percent-encoded).
pub fn url_password(url: &str) -> Option<&str> {
    password_span(url).map(|(start, end)| &url[start..end])
}

/// Where the password of `scheme://user:password@host…` starts and ends.
fn password_span(url: &str) -> Option<(usize, usize)> {
    let start = url.find("://")? + 3;
    let rest = &url[start..];
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let at = authority.rfind('@')?;
    let colon = authority[..at].find(':')?;
    Some((start + colon + 1, start + at))
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
            ("not a url", "not a url"),
        ];
        for (url, want) in rows {
            assert_eq!(redact_url(url), want, "{url}");
        }
        assert_eq!(url_password("postgres://bot:pw@db/x"), Some("pw"));
        assert_eq!(url_password("postgres://bot@db/x"), None);
    }
}
