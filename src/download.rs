//! Streaming an HTTP download to disk, never holding the whole body in memory.

use futures_util::StreamExt;
use std::path::Path;
use tokio::io::AsyncWriteExt;

/// Downloads `url` to `path` through a `.part` file, removed if anything fails.
pub async fn to_file(url: &str, path: &Path) -> Result<(), String> {
    let resp = reqwest::get(url).await.map_err(|e| e.to_string())?;
    if !resp.status().is_success() {
        return Err(format!("HTTP {}", resp.status()));
    }
    let tmp = path.with_extension("part");
    let result = async {
        let mut file = tokio::fs::File::create(&tmp)
            .await
            .map_err(|e| e.to_string())?;
        let mut body = resp.bytes_stream();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(|e| e.to_string())?;
            file.write_all(&chunk).await.map_err(|e| e.to_string())?;
        }
        file.flush().await.map_err(|e| e.to_string())?;
        tokio::fs::rename(&tmp, path)
            .await
            .map_err(|e| e.to_string())
    }
    .await;
    if result.is_err() {
        let _ = tokio::fs::remove_file(&tmp).await;
    }
    result
}
