//! Uploads to a session: local files streamed from disk (and checked again as they go), or
//! media by URL.

use super::{decode_data, seg, NemoClient, NemoError, Uploaded};
use crate::files::CheckedFile;
use crate::secret::Secret;
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

impl NemoClient {
    /// Uploads local files, streamed from disk, as multipart parts named `files`.
    pub async fn upload_files(
        &self,
        token: &Secret,
        session_id: &str,
        files: &[CheckedFile],
    ) -> Result<Uploaded, NemoError> {
        let path = format!("/api/upload-video/nemo_agent/me/{}", seg(session_id));
        let endpoint = "POST /api/upload-video";
        // Bounded, but with room for big files: the usual timeout plus 1 s per MiB.
        let bytes: u64 = files.iter().map(|f| f.size).sum();
        let timeout = self.request_timeout + Duration::from_secs(bytes >> 20);
        let sent = self
            .call(endpoint, || async {
                let mut form = reqwest::multipart::Form::new();
                for f in files {
                    form = form.part("files", file_part(f).await?);
                }
                Ok(self
                    .request(Method::POST, &path, Some(token))
                    .timeout(timeout)
                    .multipart(form))
            })
            .await;
        match sent {
            Ok(json) => decode_data(endpoint, json),
            Err(e) => Err(changed_file(files).await.unwrap_or(e)),
        }
    }

    /// Uploads media by URL: `{"urls":[…],"source_type":"url"}`.
    pub async fn upload_urls(
        &self,
        token: &Secret,
        session_id: &str,
        urls: &[String],
    ) -> Result<Uploaded, NemoError> {
        let path = format!("/api/upload-video/nemo_agent/me/{}", seg(session_id));
        let body = json!({"urls": urls, "source_type": "url"});
        let endpoint = "POST /api/upload-video (urls)";
        self.call_data(endpoint, Method::POST, &path, Some(token), Some(body))
            .await
    }
}

async fn file_part(f: &CheckedFile) -> Result<reqwest::multipart::Part, NemoError> {
    use futures_util::StreamExt;
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::open(&f.path)
        .await
        .map_err(|source| NemoError::File {
            path: f.name.clone(),
            source,
        })?;
    // Exactly the checked length, then a last look at the file: if its size changed (it was
    // still being written), the body ends in an error, which aborts the upload rather than
    // sending a song cut short.
    let (path, expected) = (f.path.clone(), f.size);
    let end = futures_util::stream::once(async move {
        match tokio::fs::metadata(&path).await {
            Ok(m) if m.len() == expected => Ok(bytes::Bytes::new()),
            _ => Err(std::io::Error::other(
                "the file changed while being uploaded",
            )),
        }
    });
    // Large reads keep a 200 MB upload near disk speed (the default 4 KiB chunks are slow).
    let chunks =
        tokio_util::io::ReaderStream::with_capacity(file.take(f.size), 256 * 1024).chain(end);
    let body = reqwest::Body::wrap_stream(chunks);
    let part = reqwest::multipart::Part::stream_with_length(body, f.size).file_name(f.name.clone());
    part.mime_str(crate::files::mime_type(&f.name))
        .map_err(|source| NemoError::Http {
            endpoint: "POST /api/upload-video".into(),
            source,
        })
}

/// After a failed upload: the first file whose size is no longer the checked one.
async fn changed_file(files: &[CheckedFile]) -> Option<NemoError> {
    for f in files {
        let now = tokio::fs::metadata(&f.path).await.map_or(0, |m| m.len());
        if now != f.size {
            return Some(NemoError::FileChanged {
                path: f.name.clone(),
                expected: f.size,
                now,
            });
        }
    }
    None
}
