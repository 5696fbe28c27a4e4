//! HTTP_PROXY / NO_PROXY from the environment. The only test of its binary (it changes the
//! process environment), with two real servers on 127.0.0.1: a "proxy" and a direct target.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use dcskit::transport::{HttpRequest, Transport};
use dcskit::Config;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// Answers every request with `name` and records the request targets it saw.
async fn server(name: &'static str) -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    tokio::spawn(async move {
        while let Ok((mut sock, _)) = listener.accept().await {
            let s = s.clone();
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
                    match sock.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&buf).into_owned();
                s.lock().unwrap().push(head.split(' ').nth(1).unwrap_or("").to_string());
                let reply = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{name}", name.len());
                let _ = sock.write_all(reply.as_bytes()).await;
            });
        }
    });
    (port, seen)
}

#[tokio::test]
async fn environment_proxy_and_no_proxy_are_honoured() {
    let (proxy_port, proxy_seen) = server("proxy").await;
    let (direct_port, direct_seen) = server("direct").await;
    for k in ["http_proxy", "https_proxy", "all_proxy", "no_proxy", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY"] {
        std::env::remove_var(k);
    }
    std::env::set_var("HTTP_PROXY", format!("http://127.0.0.1:{proxy_port}"));
    let config = Config { endpoint: Some(format!("http://127.0.0.1:{direct_port}")), total_timeout: Duration::from_secs(10), ..Default::default() };

    let resp = Transport::new(&config).unwrap().send(HttpRequest::new("GET", "/v2/via")).await.unwrap();
    assert_eq!(&resp.body[..], b"proxy");
    assert_eq!(proxy_seen.lock().unwrap().as_slice(), [format!("http://127.0.0.1:{direct_port}/v2/via")]);

    std::env::set_var("NO_PROXY", "127.0.0.1");
    let resp = Transport::new(&config).unwrap().send(HttpRequest::new("GET", "/v2/direct")).await.unwrap();
    assert_eq!(&resp.body[..], b"direct");
    assert_eq!(direct_seen.lock().unwrap().as_slice(), ["/v2/direct".to_string()]);
    assert_eq!(proxy_seen.lock().unwrap().len(), 1);
}
