//! A TCP proxy between one bot process and PostgreSQL, which a test can cut: every open
//! connection is dropped and new ones are hung up on at once, as a network blip or a database
//! restart looks to the process (its statements fail; its pool cannot reconnect) while other
//! processes go on using the database.

use music_video_bot::secret::Secret;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

/// The running proxy; stops when dropped.
pub struct PgProxy {
    url: Secret,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    task: JoinHandle<()>,
}

impl Drop for PgProxy {
    fn drop(&mut self) {
        self.task.abort();
        self.drop_links();
    }
}

impl PgProxy {
    /// A proxy on 127.0.0.1 to the server of `db` (a `postgres://…@host:port/…` URL).
    pub async fn start(db: &Secret) -> PgProxy {
        let url = db.expose();
        let at = url.find('@').expect("a URL with credentials") + 1;
        let end = at + url[at..].find('/').expect("a database path");
        let server = url[at..end].to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let proxied = format!(
            "{}{}{}",
            &url[..at],
            listener.local_addr().unwrap(),
            &url[end..]
        );
        let cut = Arc::new(AtomicBool::new(false));
        let links = Arc::new(Mutex::new(Vec::new()));
        let task = tokio::spawn(serve(listener, server, cut.clone(), links.clone()));
        PgProxy {
            url: Secret::new(proxied),
            cut,
            links,
            task,
        }
    }

    /// The URL that goes through the proxy.
    pub fn url(&self) -> Secret {
        self.url.clone()
    }

    /// Cuts every connection and hangs up on new ones (`true`), or lets them through again.
    pub fn cut(&self, cut: bool) {
        self.cut.store(cut, Ordering::SeqCst);
        if cut {
            self.drop_links();
        }
    }

    fn drop_links(&self) {
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }
}

async fn serve(
    listener: TcpListener,
    server: String,
    cut: Arc<AtomicBool>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
) {
    while let Ok((mut client, _)) = listener.accept().await {
        if cut.load(Ordering::SeqCst) {
            drop(client);
            continue;
        }
        let server = server.clone();
        let link = tokio::spawn(async move {
            if let Ok(mut upstream) = TcpStream::connect(&server).await {
                let _ = tokio::io::copy_bidirectional(&mut client, &mut upstream).await;
            }
        });
        links.lock().unwrap().push(link);
    }
}
