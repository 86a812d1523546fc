//! Typed answers of the NemoVideo API; every type tolerates unknown fields.

use crate::secret::Secret;
use serde::Deserialize;
use serde_json::Value;

/// `POST /api/auth/anonymous-token`.
#[derive(Debug, Clone, Deserialize)]
pub struct AnonToken {
    /// The new token.
    pub token: Secret,
    /// `anon_…`, the `bind` id for registration.
    #[serde(default)]
    pub user_id: Option<String>,
    /// RFC 3339 expiry.
    #[serde(default)]
    pub expires_at: Option<String>,
    /// Free credits granted.
    #[serde(default)]
    pub credits: Option<i64>,
}

/// `POST /api/tasks/me/with-session/nemo_agent`.
#[derive(Debug, Clone, Deserialize)]
pub struct NewSession {
    /// Nemo's task id.
    #[serde(deserialize_with = "opaque_id")]
    pub task_id: String,
    /// Nemo's session id (numeric string or UUID: opaque).
    #[serde(deserialize_with = "opaque_id")]
    pub session_id: String,
    /// Present on some answers.
    #[serde(default)]
    pub user_id: Option<String>,
}

/// `POST /api/auth/claim-token`.
#[derive(Debug, Clone, Deserialize)]
pub struct ClaimToken {
    /// Opens the session in the web editor.
    pub claim_token: Secret,
    /// Seconds.
    #[serde(default)]
    pub expires_in: Option<u64>,
}

/// One uploaded file, as Nemo describes it.
#[derive(Debug, Clone, Deserialize)]
pub struct UploadedFile {
    /// The file name.
    #[serde(default)]
    pub filename: String,
    /// `video`, `audio`, `image`…
    #[serde(default)]
    pub file_type: Option<String>,
    /// Seconds.
    #[serde(default)]
    pub duration: Option<f64>,
}

/// `POST /api/upload-video/…`.
#[derive(Debug, Clone, Deserialize)]
pub struct Uploaded {
    /// The files Nemo took.
    #[serde(default)]
    pub files: Vec<UploadedFile>,
}

/// `GET /api/credits/balance/simple`.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq)]
pub struct Credits {
    /// Spendable now.
    #[serde(default)]
    pub available: f64,
    /// Held by running jobs.
    #[serde(default)]
    pub frozen: f64,
    /// Both.
    #[serde(default)]
    pub total: f64,
}

/// Where a render job stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RenderState {
    /// Queued.
    Pending,
    /// Rendering.
    Processing,
    /// Done: the URL is set.
    Completed,
    /// Failed (or cancelled).
    Failed,
}

/// A render job's status, read from either documented answer shape.
#[derive(Debug, Clone, PartialEq)]
pub struct RenderStatus {
    /// The render id.
    pub id: String,
    /// Where it stands.
    pub state: RenderState,
    /// The raw status word, for messages.
    pub status: String,
    /// 0–100.
    pub progress: u8,
    /// The MP4 once completed.
    pub url: Option<String>,
    /// Why it failed.
    pub error: Option<String>,
    /// The MP4's length in seconds, when the answer says it (`output.duration`).
    pub duration: Option<f64>,
    /// The MP4's size in bytes, when the answer says it (`output.size`).
    pub size: Option<u64>,
}

impl RenderStatus {
    /// Reads `{"success","data":{id,status,progress,outputUrl,error}}` or
    /// `{"taskId","status","progress","output":{"url","duration","size"}}`.
    pub fn from_json(json: &Value) -> Option<RenderStatus> {
        let d = json.get("data").filter(|d| d.is_object()).unwrap_or(json);
        let text = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_string);
        let status = text(d.get("status"))?;
        let url = text(d.get("outputUrl"))
            .or_else(|| text(d.get("output").and_then(|o| o.get("url"))))
            .or_else(|| text(d.get("url")));
        let error = match d.get("error") {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Object(o)) => text(o.get("message")),
            _ => None,
        };
        let state = match status.to_ascii_lowercase().as_str() {
            "completed" | "complete" | "succeeded" | "success" | "done" => RenderState::Completed,
            "failed" | "error" | "cancelled" | "canceled" => RenderState::Failed,
            "processing" | "rendering" | "running" => RenderState::Processing,
            _ => RenderState::Pending,
        };
        let progress = d.get("progress").and_then(Value::as_f64).unwrap_or(0.0);
        let output = |key: &str| d.get("output").and_then(|o| o.get(key));
        Some(RenderStatus {
            id: text(d.get("id"))
                .or_else(|| text(d.get("taskId")))
                .unwrap_or_default(),
            state,
            status,
            progress: progress.clamp(0.0, 100.0) as u8,
            url,
            error,
            duration: output("duration")
                .and_then(Value::as_f64)
                .filter(|s| s.is_finite() && *s > 0.0),
            size: output("size").and_then(Value::as_u64),
        })
    }
}

/// Accepts ids sent as strings or as numbers.
fn opaque_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    match Value::deserialize(d)? {
        Value::String(s) => Ok(s),
        Value::Number(n) => Ok(n.to_string()),
        other => Err(serde::de::Error::custom(format!(
            "expected an id, got {other}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn render_status_reads_both_shapes() {
        let envelope = json!({"success":true,"data":{"id":"render_1","status":"completed","progress":100,"outputUrl":"https://x/a.mp4","error":null}});
        let bare = json!({"taskId":"render_1","status":"completed","progress":100,"output":{"url":"https://x/a.mp4","duration":30.5,"size":1}});
        for v in [envelope, bare] {
            let s = RenderStatus::from_json(&v).unwrap();
            assert_eq!(s.id, "render_1");
            assert_eq!(s.state, RenderState::Completed);
            assert_eq!(s.url.as_deref(), Some("https://x/a.mp4"));
        }
        let bare = RenderStatus::from_json(&json!({"taskId":"r","status":"completed","output":{"url":"u","duration":30.5,"size":15728640}})).unwrap();
        assert_eq!((bare.duration, bare.size), (Some(30.5), Some(15_728_640)));
        let envelope =
            RenderStatus::from_json(&json!({"data":{"status":"completed","outputUrl":"u"}}))
                .unwrap();
        assert_eq!((envelope.duration, envelope.size), (None, None));
        let failed = json!({"success":true,"data":{"id":"r","status":"failed","progress":40,"error":"boom"}});
        let s = RenderStatus::from_json(&failed).unwrap();
        assert_eq!(
            (s.state, s.error.as_deref()),
            (RenderState::Failed, Some("boom"))
        );
        assert!(RenderStatus::from_json(&json!({"data":{}})).is_none());
    }

    #[test]
    fn session_ids_are_opaque() {
        let a: NewSession = serde_json::from_value(
            json!({"task_id":"t","session_id":5529798706024415232u64,"extra":1}),
        )
        .unwrap();
        assert_eq!(a.session_id, "5529798706024415232");
        let b: NewSession =
            serde_json::from_value(json!({"task_id":"t","session_id":"5b7e-uuid"})).unwrap();
        assert_eq!(b.session_id, "5b7e-uuid");
    }
}
