//! Streaming downloads (backup files for the analyzer): a GET whose body arrives as a stream
//! of chunks, or as a blocking `std::io::Read` for decoders that run off the runtime.

use std::pin::Pin;
use std::time::{Duration, Instant, SystemTime};

use bytes::Bytes;
use futures::{Stream, StreamExt};

use super::{errors, retry, HttpClient};
use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};

pub type ByteStream = Pin<Box<dyn Stream<Item = Result<Bytes>> + Send + 'static>>;

/// An answered download: status < 400, the body still to be read.
pub struct Download {
    pub status: u16,
    /// From `Content-Length`, when the server sent one.
    pub content_length: Option<u64>,
    /// Lower-case names.
    pub headers: Vec<(String, String)>,
    pub stream: ByteStream,
}

impl std::fmt::Debug for Download {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Download").field("status", &self.status).field("content_length", &self.content_length).finish()
    }
}

impl Download {
    /// A `std::io::Read` over the body for code running outside the runtime's worker threads
    /// (plain threads, `spawn_blocking`). Do not read it on an async worker thread: it blocks.
    pub fn into_blocking_reader(self) -> BlockingReader {
        BlockingReader { stream: self.stream, chunk: Bytes::new(), done: false }
    }
}

/// Streaming GET of `url` (http or https) with the client settings of `config` (timeouts,
/// proxy, CA, retries of the initial request). Not signed: for pre-signed URLs. The connect and
/// read timeouts apply; the total timeout bounds getting the response head, not the whole body.
pub async fn download_stream(url: &str, config: &Config) -> Result<Download> {
    let client = HttpClient::new(config)?;
    get(&client, url).await
}

pub(crate) async fn get(client: &HttpClient, url: &str) -> Result<Download> {
    let parsed = url::Url::parse(url).map_err(|e| Error::invalid_input("url", format!("{url:?}: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::invalid_input("url", format!("{url:?}: only http and https URLs can be downloaded")));
    }
    let context = format!("GET {}", redact_query(&parsed));
    let started = Instant::now();
    let mut slept = Duration::ZERO;
    let mut attempt = 0u32;
    loop {
        let remaining = client.total_timeout.saturating_sub(started.elapsed());
        let sent = tokio::time::timeout(remaining, client.client.get(parsed.clone()).send()).await;
        let (err, retry_after) = match sent {
            Err(_) => {
                return Err(Error::new(ErrorKind::Timeout, format!("{context}: no response within {:.3}s", client.total_timeout.as_secs_f64())))
            }
            Ok(Ok(resp)) if resp.status().as_u16() < 400 => return Ok(into_download(resp, context)),
            Ok(Ok(resp)) => {
                let status = resp.status().as_u16();
                let request_id = resp.headers().get("x-request-id").map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned());
                let retry_after = resp
                    .headers()
                    .get("retry-after")
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| retry::parse_retry_after(v, SystemTime::now()));
                let body = resp.bytes().await.unwrap_or_default();
                let err = errors::service_error(status, &body, request_id, retry_after);
                if !(status == 429 || status >= 500) {
                    return Err(err);
                }
                (err, retry_after)
            }
            Ok(Err(e)) => {
                let err = errors::from_reqwest(e.without_url(), &context);
                if !matches!(err.kind(), ErrorKind::Connection | ErrorKind::Timeout) {
                    return Err(err);
                }
                (err, None)
            }
        };
        let Some(delay) = retry::next_delay(&client.retry, attempt, retry_after, slept) else { return Err(err) };
        if started.elapsed() + delay >= client.total_timeout {
            return Err(err);
        }
        tokio::time::sleep(delay).await;
        slept += delay;
        attempt += 1;
    }
}

/// Pre-signed URLs carry credentials in the query: keep them out of error messages.
fn redact_query(url: &url::Url) -> String {
    let mut u = url.clone();
    if u.query().is_some() {
        u.set_query(Some("…"));
    }
    u.to_string()
}

fn into_download(resp: reqwest::Response, context: String) -> Download {
    let status = resp.status().as_u16();
    let content_length = resp.content_length();
    let headers = resp
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let stream = resp.bytes_stream().map(move |r| r.map_err(|e| errors::from_reqwest(e.without_url(), &context)));
    Download { status, content_length, headers, stream: Box::pin(stream) }
}

/// See [`Download::into_blocking_reader`].
pub struct BlockingReader {
    stream: ByteStream,
    chunk: Bytes,
    done: bool,
}

impl std::io::Read for BlockingReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.chunk.is_empty() && !self.done {
            // The body's read timer needs a runtime context; the waiting itself is plain
            // blocking, which is why this must not run on an async worker thread.
            let _context = crate::runtime::handle().enter();
            match futures::executor::block_on(self.stream.next()) {
                Some(Ok(bytes)) => self.chunk = bytes,
                Some(Err(e)) => return Err(std::io::Error::other(e)),
                None => self.done = true,
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk[..n]);
        let _ = self.chunk.split_to(n);
        Ok(n)
    }
}
