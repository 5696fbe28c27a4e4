//! HTTP transport: reqwest + rustls, timeouts, retries with backoff, proxies, extra CAs.
//! The request/response types below are the contract the API layer uses.
//!
//! - [`Transport::send`]: signs (AK/SK) or adds `X-Auth-Token`, sends, retries, turns an
//!   error status into a service error with the DCS error body parsed.
//! - [`Transport::get_stream`] / [`download_stream`]: a streaming GET of an absolute URL
//!   (e.g. a pre-signed backup URL), unsigned, for downloads of any size.

mod client;
mod download;
pub mod errors;
pub mod retry;

use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::auth::signer::{self, SigningRequest};
use crate::auth::Credentials;
use crate::config::{Config, RetryPolicy};
use crate::error::{Error, ErrorKind, Result};

pub use client::user_agent;
pub use download::{download_stream, BlockingReader, ByteStream, Download};

/// A request as the API layer builds it; the transport signs and sends it.
#[derive(Debug, Clone, Default)]
pub struct HttpRequest {
    /// Upper-case method.
    pub method: String,
    /// Path already percent-encoded for the wire, starting with `/`.
    pub path: String,
    /// Query parameters, not encoded; order is kept, repeated keys allowed.
    pub query: Vec<(String, String)>,
    /// Extra headers (Content-Type among them when there is a body).
    pub headers: Vec<(String, String)>,
    pub body: Option<Vec<u8>>,
    /// Safe to re-send (GET, PUT, DELETE, HEAD); POST/PATCH are not unless the policy opts in.
    pub idempotent: bool,
}

impl HttpRequest {
    /// A request with `idempotent` set from the method (GET, HEAD, PUT, DELETE, OPTIONS).
    pub fn new(method: &str, path: impl Into<String>) -> HttpRequest {
        let method = method.to_ascii_uppercase();
        let idempotent = matches!(method.as_str(), "GET" | "HEAD" | "PUT" | "DELETE" | "OPTIONS");
        HttpRequest { method, path: path.into(), idempotent, ..Default::default() }
    }

    pub fn with_query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// A JSON body (sets `Content-Type: application/json`).
    pub fn with_json_body(mut self, body: Vec<u8>) -> Self {
        if !self.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("content-type")) {
            self.headers.push(("Content-Type".into(), "application/json".into()));
        }
        self.body = Some(body);
        self
    }
}

#[derive(Debug, Clone)]
pub struct HttpResponse {
    pub status: u16,
    /// Lower-case header names.
    pub headers: Vec<(String, String)>,
    pub body: bytes::Bytes,
    /// From `X-Request-Id`.
    pub request_id: Option<String>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Sends signed requests to one endpoint. Cheap to clone: clones share the connection pool.
#[derive(Debug, Clone)]
pub struct Transport {
    base_url: String,
    /// `host[:port]` as the HTTP client will send it in `Host` (default ports left out).
    host: String,
    scheme: String,
    /// Path prefix of the endpoint (usually empty), without a trailing slash.
    base_path: String,
    http: HttpClient,
    credentials: Option<Credentials>,
    project_id: Option<String>,
}

/// The pooled client with the timeouts and retry policy shared by API calls and downloads.
#[derive(Debug, Clone)]
pub(crate) struct HttpClient {
    pub(crate) client: reqwest::Client,
    pub(crate) retry: RetryPolicy,
    pub(crate) total_timeout: Duration,
}

impl HttpClient {
    pub(crate) fn new(config: &Config) -> Result<HttpClient> {
        Ok(HttpClient { client: client::build(config)?, retry: config.retry.clone(), total_timeout: config.total_timeout })
    }
}

impl Transport {
    /// Uses `config.credentials` as given (`Client::new` fills them from the environment);
    /// without credentials requests go out unsigned (e.g. to an emulator without auth).
    pub fn new(config: &Config) -> Result<Transport> {
        let base_url = config.base_url()?;
        let url = url::Url::parse(&base_url).map_err(|e| Error::invalid_input("endpoint", format!("{base_url:?}: {e}")))?;
        let host = match (url.host_str(), url.port()) {
            (Some(h), Some(p)) => format!("{h}:{p}"),
            (Some(h), None) => h.to_string(),
            (None, _) => return Err(Error::invalid_input("endpoint", format!("{base_url:?} has no host"))),
        };
        if let Some(c) = &config.credentials {
            c.validate()?;
        }
        Ok(Transport {
            scheme: url.scheme().to_string(),
            host,
            base_path: url.path().trim_end_matches('/').to_string(),
            base_url,
            http: HttpClient::new(config)?,
            credentials: config.credentials.clone(),
            project_id: config.project_id.clone(),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Signs, sends, retries per policy; a status >= 400 becomes `Error::service`.
    ///
    /// Retried: connection errors, timeouts, 429 and 5xx, for idempotent requests (or all
    /// when `retry_non_idempotent`). A request whose connection could not even be opened is
    /// retried whatever its method: nothing was sent. The total timeout covers every attempt.
    pub async fn send(&self, mut request: HttpRequest) -> Result<HttpResponse> {
        if request.method.is_empty() || !request.method.bytes().all(|b| b.is_ascii_alphabetic()) {
            return Err(Error::invalid_input("method", format!("{:?} is not an HTTP method", request.method)));
        }
        if !request.path.starts_with('/') {
            return Err(Error::invalid_input("path", format!("{:?} must start with '/'", request.path)));
        }
        let method = reqwest::Method::from_bytes(request.method.to_ascii_uppercase().as_bytes())
            .map_err(|_| Error::invalid_input("method", format!("{:?} is not an HTTP method", request.method)))?;
        let resend_ok = request.idempotent || matches!(method, reqwest::Method::GET | reqwest::Method::HEAD) || self.http.retry.retry_non_idempotent;
        let body = Bytes::from(request.body.take().unwrap_or_default());
        let path = format!("{}{}", self.base_path, request.path);
        // Only errors need it: rendered on demand rather than on every call.
        let context = Context { method: &method, base_url: &self.base_url, path: &request.path };
        let total = self.http.total_timeout;
        let started = Instant::now();
        let mut slept = Duration::ZERO;
        let mut retry = 0u32;
        loop {
            let remaining = total.saturating_sub(started.elapsed());
            let attempt = tokio::time::timeout(remaining, self.attempt(&method, &path, &request, &body, &context)).await;
            let (err, retryable, retry_after) = match attempt {
                Err(_) => return Err(total_timeout_error(&context.to_string(), total, retry + 1)),
                Ok(Ok(resp)) if resp.status < 400 => return Ok(resp),
                Ok(Ok(resp)) => {
                    let retry_after = resp.header("retry-after").and_then(|v| retry::parse_retry_after(v, std::time::SystemTime::now()));
                    let retryable = (resp.status == 429 || resp.status >= 500) && resend_ok;
                    (errors::service_error(resp.status, &resp.body, resp.request_id.clone(), retry_after), retryable, retry_after)
                }
                Ok(Err((e, nothing_sent))) => {
                    let transient = matches!(e.kind(), ErrorKind::Connection | ErrorKind::Timeout);
                    (e, transient && (resend_ok || nothing_sent), None)
                }
            };
            if !retryable {
                return Err(err);
            }
            let Some(delay) = retry::next_delay(&self.http.retry, retry, retry_after, slept) else { return Err(err) };
            if started.elapsed() + delay >= total {
                return Err(err);
            }
            tracing::debug!(attempt = retry + 1, delay_ms = delay.as_millis() as u64, error = %err, "retrying");
            tokio::time::sleep(delay).await;
            slept += delay;
            retry += 1;
        }
    }

    /// One signed attempt. The error carries whether nothing at all was sent.
    async fn attempt(
        &self,
        method: &reqwest::Method,
        path: &str,
        request: &HttpRequest,
        body: &Bytes,
        context: &Context<'_>,
    ) -> std::result::Result<HttpResponse, (Error, bool)> {
        let sreq = SigningRequest {
            method: method.as_str(),
            scheme: &self.scheme,
            host: &self.host,
            path,
            query: &request.query,
            headers: &request.headers,
            body,
        };
        // The wire-only signer: no explanation strings, headers borrowed from the request.
        let (signed, plain);
        let (url, headers): (&str, Vec<(&str, &str)>) = match &self.credentials {
            Some(c) => {
                signed = signer::sign_for_wire(&sreq, c, self.project_id.as_deref(), None).map_err(|e| (e, true))?;
                (signed.url(), signed.headers().collect())
            }
            None => {
                plain = unsigned(&sreq, self.project_id.as_deref());
                (&plain.0, plain.1.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect())
            }
        };
        let mut rb = self.http.client.request(method.clone(), url);
        for (k, v) in headers {
            // reqwest derives Host from the URL: the same value the signer used.
            if k.eq_ignore_ascii_case("host") {
                continue;
            }
            rb = rb.header(k, v);
        }
        if !body.is_empty() {
            rb = rb.body(body.clone());
        }
        let resp = rb.send().await.map_err(|e| {
            let nothing_sent = errors::nothing_sent(&e);
            (errors::from_reqwest(e, &context.to_string()), nothing_sent)
        })?;
        collect(resp, context).await.map_err(|e| (e, false))
    }

    /// Streaming GET of an absolute URL through this transport's pool (not signed: meant for
    /// pre-signed download URLs). See [`download_stream`].
    pub async fn get_stream(&self, url: &str) -> Result<Download> {
        download::get(&self.http, url).await
    }
}

/// The URL and headers of a request sent without credentials.
fn unsigned(req: &SigningRequest<'_>, project_id: Option<&str>) -> (String, Vec<(String, String)>) {
    let mut url = format!("{}://{}{}", req.scheme, req.host, req.path);
    let q = signer::encoding::canonical_query(req.query);
    if !q.is_empty() {
        url.push('?');
        url.push_str(&q);
    }
    let mut headers = req.headers.to_vec();
    if let Some(p) = project_id.filter(|p| !p.is_empty()) {
        headers.push((signer::HEADER_PROJECT_ID.to_string(), p.to_string()));
    }
    (url, headers)
}

/// `METHOD base_url/path`: what a call's errors say was being done.
struct Context<'a> {
    method: &'a reqwest::Method,
    base_url: &'a str,
    path: &'a str,
}

impl std::fmt::Display for Context<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}{}", self.method, self.base_url, self.path)
    }
}

async fn collect(resp: reqwest::Response, context: &Context<'_>) -> Result<HttpResponse> {
    let status = resp.status().as_u16();
    let headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let request_id = headers.iter().find(|(k, _)| k == "x-request-id").map(|(_, v)| v.clone());
    let body = resp.bytes().await.map_err(|e| errors::from_reqwest(e, &context.to_string()))?;
    Ok(HttpResponse { status, headers, body, request_id })
}

fn total_timeout_error(context: &str, total: Duration, attempts: u32) -> Error {
    Error::new(ErrorKind::Timeout, format!("{context}: the total timeout of {:.3}s elapsed ({attempts} attempt(s))", total.as_secs_f64()))
}
