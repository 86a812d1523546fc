//! Side downloads (Discord attachments, the finished MP4, `render -o`): one shared client whose
//! connects and reads are bounded, so a stalled server fails the download instead of hanging
//! it, and bodies streamed to disk or bounded in memory.

use futures_util::StreamExt;
use std::path::Path;
use std::sync::LazyLock;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// How long connecting may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long the server may send nothing, mid-download.
const READ_TIMEOUT: Duration = Duration::from_secs(30);

static CLIENT: LazyLock<Result<reqwest::Client, String>> =
    LazyLock::new(|| client_with(CONNECT_TIMEOUT, READ_TIMEOUT));

fn client_with(connect: Duration, read: Duration) -> Result<reqwest::Client, String> {
    reqwest::Client::builder()
        .connect_timeout(connect)
        .read_timeout(read)
        .build()
        .map_err(|e| format!("cannot make an HTTP client: {e}"))
}

fn client() -> Result<&'static reqwest::Client, String> {
    CLIENT.as_ref().map_err(Clone::clone)
}

async fn get(client: &reqwest::Client, url: &str) -> Result<reqwest::Response, String> {
    let resp = client.get(url).send().await.map_err(|e| e.to_string())?;
    match resp.status().is_success() {
        true => Ok(resp),
        false => Err(format!("HTTP {}", resp.status())),
    }
}

/// Downloads `url` to `path` through a `.part` file, removed if anything fails.
pub async fn to_file(url: &str, path: &Path) -> Result<(), String> {
    let resp = get(client()?, url).await?;
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

/// Downloads `url` if it is at most `limit` bytes, stopping as soon as it is larger.
pub async fn bounded(url: &str, limit: u64) -> Result<Vec<u8>, String> {
    bounded_with(client()?, url, limit).await
}

async fn bounded_with(client: &reqwest::Client, url: &str, limit: u64) -> Result<Vec<u8>, String> {
    let resp = get(client, url).await?;
    let too_large = || format!("larger than {limit} bytes");
    if resp.content_length().is_some_and(|n| n > limit) {
        return Err(too_large());
    }
    let mut body = resp.bytes_stream();
    let mut bytes = Vec::new();
    while let Some(chunk) = body.next().await {
        bytes.extend_from_slice(&chunk.map_err(|e| e.to_string())?);
        if bytes.len() as u64 > limit {
            return Err(too_large());
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    /// A server that sends headers and half a body, then nothing.
    async fn stalling_server() -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut buf = [0u8; 1024];
                    let _ = socket.read(&mut buf).await;
                    let head = "HTTP/1.1 200 OK\r\ncontent-length: 100\r\n\r\n0123456789";
                    let _ = socket.write_all(head.as_bytes()).await;
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                });
            }
        });
        format!("http://{addr}/video.mp4")
    }

    #[tokio::test]
    async fn a_stalled_download_fails_instead_of_hanging() {
        let url = stalling_server().await;
        let client = client_with(Duration::from_secs(1), Duration::from_millis(200)).unwrap();
        let outcome =
            tokio::time::timeout(Duration::from_secs(20), bounded_with(&client, &url, 1_000))
                .await
                .expect("the read timeout ended it");
        assert!(outcome.is_err(), "{outcome:?}");
    }

    #[tokio::test]
    async fn a_body_over_the_limit_is_refused_as_it_arrives() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            let (mut socket, _) = listener.accept().await.unwrap();
            let mut buf = [0u8; 1024];
            let _ = socket.read(&mut buf).await;
            // No length announced: the limit is found while reading.
            let _ = socket
                .write_all(b"HTTP/1.1 200 OK\r\nconnection: close\r\n\r\n")
                .await;
            let _ = socket.write_all(&[7u8; 5_000]).await;
        });
        let client = client_with(Duration::from_secs(1), Duration::from_secs(5)).unwrap();
        let got = bounded_with(&client, &format!("http://{addr}/v.mp4"), 1_000).await;
        assert_eq!(got.unwrap_err(), "larger than 1000 bytes");
    }
}
