//! What both fake servers need: a port on 127.0.0.1 and a server without Nagle delay.

use tokio::net::TcpListener;
use tokio::task::JoinHandle;

/// A listener on 127.0.0.1 port 0, and its `http://127.0.0.1:PORT` URL.
pub async fn bind() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    (listener, url)
}

/// Serves `app` on `listener` until the task is aborted. No Nagle delay: streamed events go
/// out as soon as they are written.
pub fn serve(listener: TcpListener, app: axum::Router) -> JoinHandle<()> {
    tokio::spawn(async move {
        use axum::serve::ListenerExt;
        let listener = listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        });
        let _ = axum::serve(listener, app).await;
    })
}
