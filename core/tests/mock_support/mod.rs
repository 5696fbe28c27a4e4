//! Shared by the `mock_*` suites: start an emulator, send (signed) requests to it with a
//! plain HTTP client (no retries, so every injected fault is visible).

#![allow(dead_code)]

use std::time::Duration;

use dcskit::auth::signer::{sign, ParsedUrl, SdkDate};
use dcskit::auth::Credentials;
use dcskit::mock::{self, MockOptions, MockServer};
use serde_json::Value;

pub const AK: &str = "MOCKAKEXAMPLE0000001";
pub const SK: &str = "mock-secret-key-for-tests";
pub const PROJECT: &str = "0123456789abcdef0123456789abcdef";

pub fn options() -> MockOptions {
    MockOptions {
        ak: Some(AK.into()),
        sk: Some(SK.into()),
        running_delay: Duration::from_millis(300),
        task_delay: Duration::from_millis(200),
        ..Default::default()
    }
}

pub async fn start(options: MockOptions) -> MockServer {
    mock::start(options).await.expect("the emulator starts")
}

pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder().timeout(Duration::from_secs(20)).build().expect("client")
}

#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
    pub request_id: Option<String>,
    pub headers: reqwest::header::HeaderMap,
}

/// A request as the official SDKs sign it (with `sk`, at `date`), optionally altered after
/// signing (`tamper` replaces the body sent).
pub struct Call<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub body: Option<Value>,
    pub sk: &'a str,
    pub date: Option<SdkDate>,
    pub tamper: Option<Vec<u8>>,
}

impl<'a> Call<'a> {
    pub fn new(method: &'a str, path: &'a str) -> Call<'a> {
        Call { method, path, body: None, sk: SK, date: None, tamper: None }
    }
    pub fn body(mut self, v: Value) -> Self {
        self.body = Some(v);
        self
    }
}

pub async fn send(base: &str, call: Call<'_>) -> Result<Answer, reqwest::Error> {
    send_with(&http(), base, call).await
}

/// `send` on a given client (to reuse its connections).
pub async fn send_with(client: &reqwest::Client, base: &str, call: Call<'_>) -> Result<Answer, reqwest::Error> {
    let url = format!("{base}{}", call.path);
    let parsed = ParsedUrl::parse(&url, "url").expect("url");
    let body = call.body.as_ref().map(|b| serde_json::to_vec(b).unwrap()).unwrap_or_default();
    let mut headers = vec![];
    if call.body.is_some() {
        headers.push(("Content-Type".to_string(), "application/json;charset=UTF-8".to_string()));
    }
    let signed = sign(&parsed.request(call.method, &headers, &body), &Credentials::aksk(AK, call.sk), Some(PROJECT), call.date)
        .expect("signing");
    let mut req = client.request(call.method.parse().unwrap(), &signed.url);
    for (k, v) in &signed.headers {
        if k.eq_ignore_ascii_case("host") {
            continue;
        }
        req = req.header(k, v);
    }
    let sent = call.tamper.unwrap_or(body);
    if !sent.is_empty() {
        req = req.body(sent);
    }
    let resp = req.send().await?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let request_id = headers.get("x-request-id").and_then(|v| v.to_str().ok()).map(str::to_string);
    let bytes = resp.bytes().await?;
    let body = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned())) };
    Ok(Answer { status, body, request_id, headers })
}

/// A signed call that must succeed at the HTTP level.
pub async fn ok(base: &str, method: &str, path: &str, body: Option<Value>) -> Value {
    let mut c = Call::new(method, path);
    c.body = body;
    let a = send(base, c).await.expect("request sent");
    assert!((200..300).contains(&a.status), "{method} {path}: HTTP {} {}", a.status, a.body);
    a.body
}

pub fn p(path: &str) -> String {
    format!("/v2/{PROJECT}{path}")
}

/// Polls until `check` holds or the timeout passes.
pub async fn eventually<F, Fut>(timeout: Duration, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let end = tokio::time::Instant::now() + timeout;
    while tokio::time::Instant::now() < end {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

pub async fn create_running_instance(base: &str, name: &str) -> String {
    let v = ok(base, "POST", &p("/instances"), Some(create_body(name, serde_json::json!({"password": "Passw0rd!"}))))
    .await;
    let id = v["instances"][0]["instance_id"].as_str().expect("instance id").to_string();
    let path = p(&format!("/instances/{id}"));
    assert!(
        eventually(Duration::from_secs(10), || async { ok(base, "GET", &path, None).await["status"] == "RUNNING" }).await,
        "instance never became RUNNING"
    );
    id
}

/// A complete `CreateInstance` body (every field the spec requires) with `overrides` applied.
pub fn create_body(name: &str, overrides: serde_json::Value) -> serde_json::Value {
    let mut b = serde_json::json!({
        "name": name, "engine": "Redis", "engine_version": "6.0", "capacity": 1,
        "spec_code": "redis.single.xu1.large.1", "az_codes": ["az1"], "vpc_id": "vpc-1", "subnet_id": "subnet-1",
    });
    for (k, v) in overrides.as_object().cloned().unwrap_or_default() {
        b[k] = v;
    }
    b
}
