//! HTTP transport: reqwest + rustls, timeouts, retries with backoff, proxies, extra CAs.
//! (Foundation issue.) The request/response types below are the contract the API layer uses.

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};

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

/// Sends signed requests to one endpoint.
#[derive(Debug, Clone)]
pub struct Transport {
    base_url: String,
}

impl Transport {
    pub fn new(config: &Config) -> Result<Transport> {
        Ok(Transport { base_url: config.base_url()? })
    }

    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// Signs, sends, retries per policy; a status >= 400 becomes `Error::service`.
    pub async fn send(&self, _request: HttpRequest) -> Result<HttpResponse> {
        Err(Error::new(ErrorKind::Internal, "transport not implemented yet"))
    }
}
