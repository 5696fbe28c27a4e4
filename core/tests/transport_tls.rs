//! TLS: verification is on by default, an extra CA bundle makes a private CA trusted, and
//! turning verification off is explicit. The server is rustls on 127.0.0.1 with a test
//! certificate for IP 127.0.0.1 issued by a test CA (tests/transport_tls/make.sh).

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dcskit::auth::Credentials;
use dcskit::transport::{HttpRequest, Transport};
use dcskit::{Config, ErrorKind};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transport_tls").join(name)
}

/// A one-request-per-connection HTTPS server answering `200 {"tls":true}`.
fn start_tls_server() -> u16 {
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(fixture("server.pem")).unwrap().map(|c| c.unwrap()).collect();
    let key = PrivateKeyDer::from_pem_file(fixture("server.key")).unwrap();
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(certs, key)
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for sock in listener.incoming() {
            let Ok(sock) = sock else { return };
            let config = config.clone();
            std::thread::spawn(move || {
                let _ = sock.set_read_timeout(Some(Duration::from_secs(5)));
                let conn = rustls::ServerConnection::new(config).unwrap();
                let mut tls = rustls::StreamOwned::new(conn, sock);
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match tls.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let body = br#"{"tls":true}"#;
                let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
                let _ = tls.write_all(head.as_bytes());
                let _ = tls.write_all(body);
                let _ = tls.flush();
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

fn config(endpoint: String) -> Config {
    let mut c = Config { endpoint: Some(endpoint), credentials: Some(Credentials::aksk("ak", "sk")), ..Default::default() };
    c.retry.max_retries = 0;
    c.total_timeout = Duration::from_secs(10);
    c
}

async fn call(c: &Config) -> dcskit::Result<dcskit::transport::HttpResponse> {
    Transport::new(c)?.send(HttpRequest::new("GET", "/v2/x")).await
}

#[tokio::test]
async fn private_ca_is_rejected_by_default() {
    let port = start_tls_server();
    let e = call(&config(format!("https://127.0.0.1:{port}"))).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
}

#[tokio::test]
async fn extra_ca_bundle_is_trusted() {
    let port = start_tls_server();
    let mut c = config(format!("https://127.0.0.1:{port}"));
    c.ca_bundle = Some(fixture("ca.pem"));
    let resp = call(&c).await.unwrap();
    assert_eq!(&resp.body[..], br#"{"tls":true}"#);
}

#[tokio::test]
async fn wrong_host_name_is_rejected_even_with_the_ca() {
    let port = start_tls_server();
    let mut c = config(format!("https://localhost:{port}"));
    c.ca_bundle = Some(fixture("ca.pem"));
    let e = call(&c).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
}

#[tokio::test]
async fn verification_off_is_explicit() {
    let port = start_tls_server();
    let mut c = config(format!("https://127.0.0.1:{port}"));
    c.insecure_skip_tls_verify = true;
    assert_eq!(call(&c).await.unwrap().status, 200);
}
