//! The RDB analyzer: `native_analyze(input, options)` returns the report as JSON, which the
//! Swift layer decodes into its `Report` structs.

use std::sync::Arc;

use dcskit::rdb::{AnalyzeOptions, SizeMetric};
use dcskit::Error;

use crate::bridge::{self, CancelToken};
use crate::error::NativeError;

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeAnalyzeOptions {
    /// How many of the largest keys to keep (DCS: 100).
    pub top: u32,
    /// How many prefixes per type to keep (DCS: 50).
    pub prefix_top: u32,
    /// Characters that split a key into prefix segments.
    pub delimiters: String,
    /// How many prefix levels each key contributes.
    pub prefix_depth: u32,
    /// `memory` (estimated in-memory size, what DCS reports) or `serialized`.
    pub size_metric: String,
    /// Compare CRC-64 trailers.
    pub verify_checksum: bool,
    /// Trailing bytes after the end of the RDB are an error instead of a warning.
    pub strict: bool,
    /// "Now" for TTL statistics, Unix milliseconds (`nil`: the current time).
    pub now_ms: Option<i64>,
    /// Seconds; `nil` or 0: no limit.
    pub timeout: Option<f64>,
}

impl NativeAnalyzeOptions {
    fn into_core(self, cancel: Option<&Arc<CancelToken>>) -> Result<AnalyzeOptions, Error> {
        let size_metric = match self.size_metric.as_str() {
            "memory" => SizeMetric::Memory,
            "serialized" => SizeMetric::Serialized,
            other => {
                return Err(Error::invalid_input("sizeMetric", format!("must be \"memory\" or \"serialized\", got {other:?}")))
            }
        };
        if self.top == 0 {
            return Err(Error::invalid_input("top", "must be at least 1"));
        }
        if self.prefix_depth == 0 {
            return Err(Error::invalid_input("prefixDepth", "must be at least 1"));
        }
        Ok(AnalyzeOptions {
            top: self.top as usize,
            prefix_top: self.prefix_top as usize,
            delimiters: self.delimiters,
            prefix_depth: self.prefix_depth as usize,
            size_metric,
            verify_checksum: self.verify_checksum,
            strict: self.strict,
            now_ms: self.now_ms,
            cancel: cancel.map(|c| c.flag()),
            ..AnalyzeOptions::default()
        })
    }
}

/// Analyzes an RDB input (a path, a .gz, a tar of RDB files, or an http(s) URL) on the core
/// runtime; returns the report JSON. Tripping `cancel` stops the analysis.
#[uniffi::export]
pub async fn native_analyze(
    input: String,
    options: NativeAnalyzeOptions,
    cancel: Option<Arc<CancelToken>>,
) -> Result<String, NativeError> {
    if input.is_empty() {
        return Err(Error::invalid_input("path", "is empty").into());
    }
    let timeout = bridge::deadline(options.timeout)?;
    let core_options = options.into_core(cancel.as_ref())?;
    let what = input.clone();
    let work = async move { dcskit::rdb::analyze(&input, core_options).await };
    let report = bridge::run(&what, work, timeout, cancel).await?;
    Ok(report.to_json().to_string())
}
