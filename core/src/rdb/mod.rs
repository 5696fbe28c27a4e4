//! The streaming RDB decoder and the key analyzer (RDB analyzer issue). The signatures below
//! are the contract the CLI and the bindings use; the implementation replaces the bodies.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crate::error::{Error, ErrorKind, Result};

/// Progress of one analysis, reported from the runtime.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    pub bytes_read: u64,
    /// When known (files, HTTP with Content-Length).
    pub total_bytes: Option<u64>,
    pub keys: u64,
}

pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

#[derive(Clone)]
pub struct AnalyzeOptions {
    /// How many of the largest keys to keep (DCS: 100).
    pub top: usize,
    /// How many prefixes per type to keep (DCS: 50).
    pub prefix_top: usize,
    /// Characters that split a key into prefix segments.
    pub delimiters: String,
    pub progress: Option<ProgressFn>,
    /// Set to true to stop the analysis (it ends with a `CANCELLED` error).
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for AnalyzeOptions {
    fn default() -> Self {
        AnalyzeOptions { top: 100, prefix_top: 50, delimiters: ":".into(), progress: None, cancel: None }
    }
}

/// The analysis result: DCS's `ShowOfflineKeyAnalysisTask` report plus extras.
#[derive(Debug, Clone, Default)]
pub struct Report {
    json: serde_json::Value,
}

impl Report {
    pub fn to_json(&self) -> serde_json::Value {
        self.json.clone()
    }
}

/// Analyzes one input: a path, `-` (stdin), a .gz, a tar of RDB files, or an http(s) URL.
pub async fn analyze(input: &str, _options: AnalyzeOptions) -> Result<Report> {
    Err(Error::new(ErrorKind::Internal, format!("{input}: analyzer not implemented yet")))
}
