//! The transport against a real HTTP/1.1 server on 127.0.0.1 that can delay, drop
//! connections and answer 429/5xx. The server checks every signature with `signer::verify`.

use std::io::Read;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime};

use dcskit::auth::signer::{self, IncomingRequest, VerifyFailure};
use dcskit::auth::Credentials;
use dcskit::transport::{HttpRequest, Transport};
use dcskit::{Config, ErrorKind, RetryPolicy};
use futures::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

const AK: &str = "test-ak";
const SK: &str = "test-sk-not-so-secret";

#[derive(Debug, Clone)]
struct Recorded {
    method: String,
    target: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    verified: Result<String, VerifyFailure>,
}

impl Recorded {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

enum Action {
    Respond { status: u16, headers: Vec<(&'static str, String)>, body: Vec<u8> },
    Delay(Duration, Box<Action>),
    Drop,
}

fn respond(status: u16, body: &str) -> Action {
    Action::Respond { status, headers: vec![("Content-Type", "application/json".into())], body: body.as_bytes().to_vec() }
}

type Script = Arc<dyn Fn(usize, &Recorded) -> Action + Send + Sync>;

struct Server {
    port: u16,
    requests: Arc<Mutex<Vec<Recorded>>>,
    accepts: Arc<AtomicUsize>,
}

impl Server {
    async fn start(script: impl Fn(usize, &Recorded) -> Action + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let requests = Arc::new(Mutex::new(Vec::new()));
        let accepts = Arc::new(AtomicUsize::new(0));
        let script: Script = Arc::new(script);
        let (r, a) = (requests.clone(), accepts.clone());
        tokio::spawn(async move {
            loop {
                let Ok((sock, _)) = listener.accept().await else { return };
                a.fetch_add(1, Ordering::SeqCst);
                tokio::spawn(serve_connection(sock, script.clone(), r.clone()));
            }
        });
        Server { port, requests, accepts }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn count(&self) -> usize {
        self.requests.lock().unwrap().len()
    }

    fn request(&self, i: usize) -> Recorded {
        self.requests.lock().unwrap()[i].clone()
    }
}

async fn serve_connection(mut sock: TcpStream, script: Script, requests: Arc<Mutex<Vec<Recorded>>>) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i;
            }
            let mut chunk = [0u8; 8192];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let mut lines = head.split("\r\n");
        let mut first = lines.next().unwrap_or("").split(' ');
        let method = first.next().unwrap_or("").to_string();
        let target = first.next().unwrap_or("").to_string();
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_string(), v.trim().to_string())))
            .collect();
        let len: usize = headers.iter().find(|(k, _)| k.eq_ignore_ascii_case("content-length")).and_then(|(_, v)| v.parse().ok()).unwrap_or(0);
        buf.drain(..head_end + 4);
        while buf.len() < len {
            let mut chunk = [0u8; 8192];
            match sock.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body: Vec<u8> = buf.drain(..len).collect();
        // A proxy receives the absolute form: keep only the path and query.
        let origin = match target.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/".to_string(), |i| rest[i..].to_string()),
            None => target.clone(),
        };
        let (path, query) = origin.split_once('?').unwrap_or((&origin, ""));
        let incoming = IncomingRequest { method: &method, path, query, headers: &headers, body: &body };
        let verified = signer::verify(&incoming, |ak| (ak == AK).then(|| Credentials::aksk(AK, SK)), SystemTime::now(), Duration::from_secs(900))
            .map(|v| v.access_key);
        let rec = Recorded { method, target, headers, body, verified };
        let index = {
            let mut r = requests.lock().unwrap();
            r.push(rec.clone());
            r.len() - 1
        };
        let mut action = script(index, &rec);
        while let Action::Delay(d, next) = action {
            tokio::time::sleep(d).await;
            action = *next;
        }
        match action {
            Action::Drop | Action::Delay(..) => return,
            Action::Respond { status, headers, body } => {
                let mut out = format!("HTTP/1.1 {status} X\r\nContent-Length: {}\r\n", body.len());
                for (k, v) in headers {
                    out.push_str(&format!("{k}: {v}\r\n"));
                }
                out.push_str("\r\n");
                let mut bytes = out.into_bytes();
                bytes.extend_from_slice(&body);
                if sock.write_all(&bytes).await.is_err() {
                    return;
                }
            }
        }
    }
}

fn config(server_url: &str) -> Config {
    Config {
        endpoint: Some(server_url.to_string()),
        project_id: Some("proj-1".into()),
        credentials: Some(Credentials::aksk(AK, SK)),
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(5),
        total_timeout: Duration::from_secs(20),
        retry: RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(100),
            retry_non_idempotent: false,
            budget: Duration::from_secs(5),
        },
        ..Default::default()
    }
}

fn get(path: &str) -> HttpRequest {
    HttpRequest::new("GET", path)
}

fn post(path: &str) -> HttpRequest {
    HttpRequest::new("POST", path).with_json_body(br#"{"name":"demo"}"#.to_vec())
}

#[tokio::test]
async fn signed_get_with_request_id_and_user_agent() {
    let server = Server::start(|_, _| Action::Respond {
        status: 200,
        headers: vec![("X-Request-Id", "rid-123".into()), ("Content-Type", "application/json".into())],
        body: br#"{"instances":[]}"#.to_vec(),
    })
    .await;
    let t = Transport::new(&config(&server.url())).unwrap();
    let resp = t.send(get("/v2/proj-1/instances").with_query("offset", "0").with_query("name", "a b")).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.request_id.as_deref(), Some("rid-123"));
    assert_eq!(&resp.body[..], br#"{"instances":[]}"#);
    let r = server.request(0);
    assert_eq!(r.verified, Ok(AK.to_string()), "the server accepts the signature");
    assert_eq!(r.target, "/v2/proj-1/instances?name=a%20b&offset=0");
    assert_eq!(r.header("user-agent"), Some(format!("dcskit/{}", dcskit::VERSION).as_str()));
    assert_eq!(r.header("x-project-id"), Some("proj-1"));
}

#[tokio::test]
async fn signed_post_body_verifies() {
    let server = Server::start(|_, _| respond(200, "{}")).await;
    let t = Transport::new(&config(&server.url())).unwrap();
    t.send(post("/v2/proj-1/instances")).await.unwrap();
    let r = server.request(0);
    assert_eq!(r.method, "POST");
    assert_eq!(r.body, br#"{"name":"demo"}"#);
    assert_eq!(r.verified, Ok(AK.to_string()));
}

#[tokio::test]
async fn wrong_key_is_rejected_by_the_server_side_check() {
    let server = Server::start(|_, r| if r.verified.is_ok() { respond(200, "{}") } else {
        respond(401, r#"{"error":{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}}"#)
    })
    .await;
    let mut c = config(&server.url());
    c.credentials = Some(Credentials::aksk(AK, "wrong-sk"));
    let e = Transport::new(&c).unwrap().send(get("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ClientRequest);
    assert_eq!(e.error_code(), Some("APIGW.0301"));
    assert_eq!(e.status_code(), Some(401));
    assert!(!e.to_string().contains("wrong-sk") && !format!("{e:?}").contains("wrong-sk"));
}

#[tokio::test]
async fn get_retries_5xx_then_succeeds() {
    let server = Server::start(|i, _| if i < 2 { respond(503, "{}") } else { respond(200, r#"{"ok":true}"#) }).await;
    let resp = Transport::new(&config(&server.url())).unwrap().send(get("/v2/x")).await.unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(server.count(), 3);
    // Each attempt is signed afresh and verifies.
    for i in 0..3 {
        assert!(server.request(i).verified.is_ok());
    }
}

#[tokio::test]
async fn gives_up_after_max_retries_with_the_last_error() {
    let server = Server::start(|_, _| Action::Respond {
        status: 502,
        headers: vec![("X-Request-Id", "rid-9".into())],
        body: br#"{"error":{"code":"DCS.5000","message":"backend down"}}"#.to_vec(),
    })
    .await;
    let e = Transport::new(&config(&server.url())).unwrap().send(get("/v2/x")).await.unwrap_err();
    assert_eq!(server.count(), 4, "1 attempt + 3 retries");
    assert_eq!(e.kind(), ErrorKind::ServerResponse);
    assert_eq!(e.error_code(), Some("DCS.5000"));
    assert_eq!(e.error_msg(), Some("backend down"));
    assert_eq!(e.request_id(), Some("rid-9"));
}

#[tokio::test]
async fn post_is_not_retried_unless_opted_in() {
    let server = Server::start(|_, _| respond(500, r#"{"error_code":"DCS.5001","error_msg":"boom"}"#)).await;
    let e = Transport::new(&config(&server.url())).unwrap().send(post("/v2/x")).await.unwrap_err();
    assert_eq!(server.count(), 1);
    assert_eq!(e.kind(), ErrorKind::ServerResponse);
    assert_eq!(e.error_code(), Some("DCS.5001"));

    let server = Server::start(|_, _| respond(500, "{}")).await;
    let mut c = config(&server.url());
    c.retry.retry_non_idempotent = true;
    let _ = Transport::new(&c).unwrap().send(post("/v2/x")).await.unwrap_err();
    assert_eq!(server.count(), 4);
}

#[tokio::test]
async fn throttled_honours_retry_after() {
    let server = Server::start(|i, _| {
        if i == 0 {
            Action::Respond { status: 429, headers: vec![("Retry-After", "1".into())], body: br#"{"error_code":"DCS.4291","error_msg":"slow down"}"#.to_vec() }
        } else {
            respond(200, "{}")
        }
    })
    .await;
    let t0 = Instant::now();
    Transport::new(&config(&server.url())).unwrap().send(get("/v2/x")).await.unwrap();
    assert!(t0.elapsed() >= Duration::from_millis(950), "waited {:?}", t0.elapsed());
    assert_eq!(server.count(), 2);

    // Without retries the error carries the code and the Retry-After.
    let server = Server::start(|_, _| Action::Respond { status: 429, headers: vec![("Retry-After", "7".into())], body: br#"{"error_code":"DCS.4291","error_msg":"slow down"}"#.to_vec() }).await;
    let mut c = config(&server.url());
    c.retry.max_retries = 0;
    let e = Transport::new(&c).unwrap().send(get("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Throttled);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(7)));
    assert_eq!(e.error_code(), Some("DCS.4291"));
}

#[tokio::test]
async fn retry_after_beyond_the_budget_is_not_waited_for() {
    let server = Server::start(|_, _| Action::Respond { status: 429, headers: vec![("Retry-After", "30".into())], body: b"{}".to_vec() }).await;
    let t0 = Instant::now();
    let e = Transport::new(&config(&server.url())).unwrap().send(get("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Throttled);
    assert_eq!(server.count(), 1);
    assert!(t0.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn dropped_connection_is_retried_for_get_not_for_post() {
    let server = Server::start(|i, _| if i == 0 { Action::Drop } else { respond(200, "{}") }).await;
    Transport::new(&config(&server.url())).unwrap().send(get("/v2/x")).await.unwrap();
    assert_eq!(server.count(), 2);

    let server = Server::start(|_, _| Action::Drop).await;
    let e = Transport::new(&config(&server.url())).unwrap().send(post("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
    assert_eq!(server.count(), 1, "a POST that may have arrived is never re-sent");
}

#[tokio::test]
async fn read_and_total_timeouts_are_timeout_errors() {
    let server = Server::start(|_, _| Action::Delay(Duration::from_secs(3), Box::new(respond(200, "{}")))).await;
    let mut c = config(&server.url());
    c.read_timeout = Duration::from_millis(200);
    c.retry.max_retries = 0;
    let t0 = Instant::now();
    let e = Transport::new(&c).unwrap().send(get("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(t0.elapsed() < Duration::from_secs(2));

    let mut c = config(&server.url());
    c.total_timeout = Duration::from_millis(300);
    let t0 = Instant::now();
    let e = Transport::new(&c).unwrap().send(get("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(e.to_string().contains("total timeout"), "{e}");
    assert!(t0.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn refused_connection_is_a_connection_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = config(&format!("http://127.0.0.1:{port}"));
    c.retry.max_retries = 1;
    let e = Transport::new(&c).unwrap().send(post("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Connection, "{e}");
}

#[tokio::test]
async fn not_tls_on_the_other_side_is_a_tls_error() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((mut s, _)) = listener.accept().await {
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n").await;
        }
    });
    let mut c = config(&format!("https://127.0.0.1:{port}"));
    c.retry.max_retries = 0;
    let e = Transport::new(&c).unwrap().send(get("/v2/x")).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Tls, "{e}");
}

#[tokio::test]
async fn connections_are_reused() {
    let server = Server::start(|_, _| respond(200, "{}")).await;
    let t = Transport::new(&config(&server.url())).unwrap();
    for _ in 0..5 {
        t.send(get("/v2/x")).await.unwrap();
    }
    assert_eq!(server.count(), 5);
    assert_eq!(server.accepts.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn explicit_proxy_carries_the_request() {
    let proxy = Server::start(|_, _| respond(200, r#"{"via":"proxy"}"#)).await;
    let mut c = config("http://dcs.example.invalid:8080");
    c.proxy = Some(proxy.url());
    let resp = Transport::new(&c).unwrap().send(get("/v2/proj-1/instances").with_query("limit", "5")).await.unwrap();
    assert_eq!(&resp.body[..], br#"{"via":"proxy"}"#);
    let r = proxy.request(0);
    assert_eq!(r.target, "http://dcs.example.invalid:8080/v2/proj-1/instances?limit=5");
    assert_eq!(r.header("host"), Some("dcs.example.invalid:8080"));
    assert_eq!(r.verified, Ok(AK.to_string()));
}

#[tokio::test]
async fn token_credentials_send_x_auth_token() {
    let server = Server::start(|_, _| respond(200, "{}")).await;
    let mut c = config(&server.url());
    c.credentials = Some(Credentials::token("iam-token-abc"));
    Transport::new(&c).unwrap().send(get("/v2/x")).await.unwrap();
    let r = server.request(0);
    assert_eq!(r.header("x-auth-token"), Some("iam-token-abc"));
    assert_eq!(r.header("authorization"), None);
}

#[tokio::test]
async fn bad_settings_are_invalid_input() {
    let mut c = config("http://127.0.0.1:1");
    c.ca_bundle = Some("/nonexistent/ca.pem".into());
    assert_eq!(Transport::new(&c).unwrap_err().param(), Some("ca_bundle"));
    let mut c = config("http://127.0.0.1:1");
    c.proxy = Some("::not a url::".into());
    assert_eq!(Transport::new(&c).unwrap_err().param(), Some("proxy"));
    let t = Transport::new(&config("http://127.0.0.1:1")).unwrap();
    assert_eq!(t.send(HttpRequest::new("GE T", "/x")).await.unwrap_err().param(), Some("method"));
    // Turning verification off is allowed (and logged), never the default.
    let mut c = config("https://127.0.0.1:1");
    c.insecure_skip_tls_verify = true;
    assert!(Transport::new(&c).is_ok());
    assert!(!Config::default().insecure_skip_tls_verify);
}

#[tokio::test]
async fn download_streams_the_body() {
    let payload: Vec<u8> = (0..3_000_000u32).map(|i| (i % 251) as u8).collect();
    let expected = payload.clone();
    let server = Server::start(move |_, r| {
        if r.target == "/missing" {
            respond(404, r#"{"error_code":"DCS.4404","error_msg":"no such backup"}"#)
        } else {
            Action::Respond { status: 200, headers: vec![], body: payload.clone() }
        }
    })
    .await;
    let mut c = Config::default();
    c.retry.initial_backoff = Duration::from_millis(10);
    let mut d = dcskit::transport::download_stream(&format!("{}/backup.rdb?sig=secret", server.url()), &c).await.unwrap();
    assert_eq!(d.content_length, Some(expected.len() as u64));
    let mut got = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = d.stream.next().await {
        got.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert_eq!(got, expected);
    assert!(chunks > 1, "arrives in several chunks");
    assert!(server.request(0).header("authorization").is_none(), "downloads are not signed");

    let e = dcskit::transport::download_stream(&format!("{}/missing", server.url()), &c).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ClientRequest);
    assert_eq!(e.error_code(), Some("DCS.4404"));

    // The blocking reader works from a plain thread.
    let d = dcskit::transport::download_stream(&format!("{}/backup.rdb", server.url()), &c).await.unwrap();
    let n = tokio::task::spawn_blocking(move || {
        let mut v = Vec::new();
        d.into_blocking_reader().read_to_end(&mut v).map(|_| v.len())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(n, expected.len());
}
