//! Opening analyzer inputs: a path, `-` (stdin), or an http(s) URL streamed while it is
//! analysed; and recognising what the bytes are (RDB, gzip, tar) by their first bytes.

use std::io::{self, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use futures::StreamExt;

use crate::error::{Error, ErrorKind, Result};

/// A byte stream to analyse, with its size when known.
pub struct Opened {
    pub name: String,
    pub reader: Box<dyn Read + Send>,
    pub total: Option<u64>,
}

/// What the first bytes say the stream is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Rdb,
    Gzip,
    Tar,
    Unknown,
}

/// Reads up to `n` leading bytes and gives back a reader that replays them.
pub fn sniff<'a>(mut r: Box<dyn Read + 'a>, n: usize) -> io::Result<(Kind, Vec<u8>, Box<dyn Read + 'a>)> {
    let mut head = vec![0u8; n];
    let mut got = 0;
    while got < n {
        match r.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(got);
    let kind = if head.starts_with(b"REDIS") || head.starts_with(b"VALKEY") {
        Kind::Rdb
    } else if head.starts_with(&[0x1f, 0x8b]) {
        Kind::Gzip
    } else if head.len() >= 262 && &head[257..262] == b"ustar" {
        Kind::Tar
    } else {
        Kind::Unknown
    };
    let replay = io::Cursor::new(head.clone()).chain(r);
    Ok((kind, head, Box::new(replay)))
}

/// Counts bytes as they are read (progress for compressed inputs and URLs).
pub struct Counting<R> {
    pub inner: R,
    pub count: Arc<AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

pub fn is_url(input: &str) -> bool {
    input.starts_with("http://") || input.starts_with("https://")
}

/// Opens a path or `-`.
pub fn open_local(input: &str) -> Result<Opened> {
    if input == "-" {
        return Ok(Opened { name: "<stdin>".into(), reader: Box::new(io::stdin()), total: None });
    }
    let f = std::fs::File::open(input).map_err(|e| {
        let kind = if e.kind() == io::ErrorKind::NotFound { "no such file" } else { "cannot open" };
        Error::invalid_input("input", format!("{input}: {kind}: {e}"))
    })?;
    let meta = f.metadata()?;
    if meta.is_dir() {
        return Err(Error::invalid_input("input", format!("{input} is a directory, expected an RDB file")));
    }
    Ok(Opened { name: input.to_string(), reader: Box::new(f), total: Some(meta.len()) })
}

/// Starts a streaming GET; the body arrives through a bounded channel while decoding runs.
pub async fn open_url(url: &str) -> Result<Opened> {
    // rustls needs a process-wide crypto provider; installing twice is harmless.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .build()
        .map_err(|e| Error::new(ErrorKind::Internal, format!("HTTP client: {e}")))?;
    let resp = client.get(url).send().await.map_err(|e| {
        let kind = if e.is_timeout() { ErrorKind::Timeout } else { ErrorKind::Connection };
        Error::new(kind, format!("GET {}: {e}", redact(url)))
    })?;
    let status = resp.status();
    if !status.is_success() {
        return Err(Error::service(crate::error::ServiceDetails {
            status_code: status.as_u16(),
            error_msg: Some(format!("GET {} failed", redact(url))),
            ..Default::default()
        }));
    }
    let total = resp.content_length();
    let (tx, rx) = tokio::sync::mpsc::channel::<std::result::Result<Bytes, String>>(16);
    let mut body = resp.bytes_stream();
    tokio::spawn(async move {
        while let Some(chunk) = body.next().await {
            let item = chunk.map_err(|e| e.to_string());
            let failed = item.is_err();
            if tx.send(item).await.is_err() || failed {
                break;
            }
        }
    });
    Ok(Opened { name: redact(url), reader: Box::new(ChannelReader { rx, cur: Bytes::new() }), total })
}

/// Backup links carry signatures in the query string: never show it.
fn redact(url: &str) -> String {
    match url.split_once('?') {
        Some((base, _)) => format!("{base}?…"),
        None => url.to_string(),
    }
}

/// Blocking `Read` over chunks sent from the runtime (used from a blocking thread).
struct ChannelReader {
    rx: tokio::sync::mpsc::Receiver<std::result::Result<Bytes, String>>,
    cur: Bytes,
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.cur.is_empty() {
            match self.rx.blocking_recv() {
                None => return Ok(0),
                Some(Ok(b)) => self.cur = b,
                Some(Err(e)) => return Err(io::Error::other(format!("download failed: {e}"))),
            }
        }
        let n = buf.len().min(self.cur.len());
        buf[..n].copy_from_slice(&self.cur[..n]);
        let _ = self.cur.split_to(n);
        Ok(n)
    }
}
