//! The fake's REST API as discord.com itself: HTTPS with a certificate for `discord.com`
//! issued by a test CA, so the bot runs serenity's own rate limiter (which always addresses
//! `https://discord.com`) exactly as in production, told only where discord.com is
//! (`discord.rest_address`) and which CA to trust (`discord.rest_ca_file`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls;
use tokio_rustls::TlsAcceptor;

/// The test CA and discord.com's certificate, made once per test process.
struct Authority {
    ca_file: PathBuf,
    server: Arc<rustls::ServerConfig>,
}

fn authority() -> &'static Authority {
    static AUTHORITY: OnceLock<Authority> = OnceLock::new();
    AUTHORITY.get_or_init(|| {
        use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        ca.distinguished_name
            .push(DnType::CommonName, "fake Discord test CA");
        let ca_cert = ca.self_signed(&ca_key).expect("CA certificate");
        let key = KeyPair::generate().expect("server key");
        let params = CertificateParams::new(vec!["discord.com".to_string()]).expect("params");
        let issuer = Issuer::new(ca, ca_key);
        let cert = params.signed_by(&key, &issuer).expect("server certificate");
        let ca_file =
            std::env::temp_dir().join(format!("mvb-fake-discord-ca-{}.pem", std::process::id()));
        std::fs::write(&ca_file, ca_cert.pem()).expect("write the CA file");
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(vec![cert.der().clone()], key)
            .expect("server config");
        Authority {
            ca_file,
            server: Arc::new(server),
        }
    })
}

/// The PEM file of the CA that issued the fake's discord.com certificate.
pub fn ca_file() -> PathBuf {
    authority().ca_file.clone()
}

/// A listener on 127.0.0.1 port 0 that speaks TLS as discord.com.
pub struct TlsListener {
    tcp: TcpListener,
    acceptor: TlsAcceptor,
}

impl TlsListener {
    /// Binds it; returns it and its address.
    pub async fn bind() -> (TlsListener, SocketAddr) {
        let tcp = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = tcp.local_addr().expect("addr");
        let acceptor = TlsAcceptor::from(authority().server.clone());
        (TlsListener { tcp, acceptor }, address)
    }
}

impl axum::serve::Listener for TlsListener {
    type Io = tokio_rustls::server::TlsStream<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            let Ok((tcp, address)) = self.tcp.accept().await else {
                continue;
            };
            let _ = tcp.set_nodelay(true);
            // A client that fails the handshake is dropped; the next one is served.
            if let Ok(tls) = self.acceptor.accept(tcp).await {
                return (tls, address);
            }
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.tcp.local_addr()
    }
}
