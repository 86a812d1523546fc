//! A TCP proxy between one bot process and PostgreSQL, which a test can cut: every open
//! connection is dropped and new ones are hung up on at once, as a network blip or a database
//! restart looks to the process (its statements fail; its pool cannot reconnect) while other
//! processes go on using the database. Or hold: from the moment the process sends a given
//! statement, everything it sends is kept back (a slow network, retransmissions) and delivered
//! late, when the test lets it go.

use music_video_bot::secret::Secret;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The running proxy; stops when dropped.
pub struct PgProxy {
    url: Secret,
    cut: Arc<AtomicBool>,
    held: Arc<Held>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
    task: JoinHandle<()>,
}

/// Whether the process's bytes are held back, and what became of those that were.
struct Held {
    on: watch::Sender<bool>,
    /// Bytes that, once sent, start the hold (when armed).
    trigger: Mutex<Option<Vec<u8>>>,
    /// Connections whose bytes were held back, and of them those the server has answered
    /// since they were let go (or closed: it has nothing more to say to them).
    links: AtomicUsize,
    answered: AtomicUsize,
}

impl Held {
    /// Whether `chunk` (what the process sent) starts the hold; disarmed once it has.
    fn triggered_by(&self, chunk: &[u8]) -> bool {
        let mut trigger = self.trigger.lock().unwrap();
        let hit = trigger
            .as_ref()
            .is_some_and(|t| chunk.windows(t.len()).any(|w| w == t.as_slice()));
        if hit {
            *trigger = None;
            self.on.send_replace(true);
        }
        hit
    }
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
        let held = Arc::new(Held {
            on: watch::channel(false).0,
            trigger: Mutex::new(None),
            links: AtomicUsize::new(0),
            answered: AtomicUsize::new(0),
        });
        let links = Arc::new(Mutex::new(Vec::new()));
        let proxy = Proxy {
            server,
            cut: cut.clone(),
            held: held.clone(),
            links: links.clone(),
        };
        let task = tokio::spawn(proxy.serve(listener));
        PgProxy {
            url: Secret::new(proxied),
            cut,
            held,
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

    /// Holds back everything the process sends from the moment it sends `text` (a piece of
    /// a statement or of the values bound to it; the bytes that carry it held too).
    pub fn hold_from(&self, text: &str) {
        *self.held.trigger.lock().unwrap() = Some(text.as_bytes().to_vec());
    }

    /// Lets what was held back go, and what follows through.
    pub fn release(&self) {
        *self.held.trigger.lock().unwrap() = None;
        self.held.on.send_replace(false);
    }

    /// Whether the server has answered, on every connection, what was held back and let go.
    pub fn held_answered(&self) -> bool {
        let links = self.held.links.load(Ordering::SeqCst);
        links > 0 && self.held.answered.load(Ordering::SeqCst) == links
    }

    fn drop_links(&self) {
        for link in self.links.lock().unwrap().drain(..) {
            link.abort();
        }
    }
}

/// The proxy's side of the connections.
struct Proxy {
    server: String,
    cut: Arc<AtomicBool>,
    held: Arc<Held>,
    links: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn serve(self, listener: TcpListener) {
        let proxy = Arc::new(self);
        while let Ok((client, _)) = listener.accept().await {
            if proxy.cut.load(Ordering::SeqCst) {
                drop(client);
                continue;
            }
            let link = tokio::spawn(proxy.clone().link(client));
            proxy.links.lock().unwrap().push(link);
        }
    }

    /// Carries one connection: the server's bytes as they come, the process's unless held.
    async fn link(self: Arc<Self>, client: TcpStream) {
        let Ok(upstream) = TcpStream::connect(&self.server).await else {
            return;
        };
        let ((mut from_client, mut to_client), (mut from_server, mut to_server)) =
            (client.into_split(), upstream.into_split());
        let (was_held, settled) = (AtomicBool::new(false), AtomicBool::new(false));
        // The server has answered (or closed) a connection whose bytes were held back.
        let settle = || {
            if was_held.load(Ordering::SeqCst) && !settled.swap(true, Ordering::SeqCst) {
                self.held.answered.fetch_add(1, Ordering::SeqCst);
            }
        };
        let up = async {
            let mut on = self.held.on.subscribe();
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = from_client.read(&mut buf).await?;
                if n == 0 {
                    // The server still answers (or closes on) what reached it.
                    return to_server.shutdown().await;
                }
                let hold = self.held.triggered_by(&buf[..n]) || *on.borrow_and_update();
                if hold && !was_held.swap(true, Ordering::SeqCst) {
                    self.held.links.fetch_add(1, Ordering::SeqCst);
                }
                on.wait_for(|on| !*on).await.ok();
                if let Err(e) = to_server.write_all(&buf[..n]).await {
                    settle();
                    return Err(e);
                }
            }
        };
        let down = async {
            let mut buf = vec![0u8; 16 * 1024];
            loop {
                let n = match from_server.read(&mut buf).await {
                    Ok(n) if n > 0 => n,
                    _ => {
                        settle();
                        return to_client.shutdown().await.ok();
                    }
                };
                to_client.write_all(&buf[..n]).await.ok()?;
                if !*self.held.on.borrow() {
                    settle();
                }
            }
        };
        // Each side's close is passed on, as TCP does; the link ends when both have closed.
        let _ = tokio::join!(up, down);
    }
}
