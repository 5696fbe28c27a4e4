//! The RDB analyzer: `analyze(path, options)` returns the report as JSON, which the Swift
//! layer decodes into its `Report` structs.

use std::sync::Arc;

use dcskit::rdb::AnalyzeOptions;
use dcskit::Error;

use crate::bridge::{self, CancelToken};
use crate::error::NativeError;

#[derive(Debug, Clone, uniffi::Record)]
pub struct NativeAnalyzeOptions {
    /// How many of the largest keys to keep (DCS: 100).
    pub top: u32,
    /// How many prefixes to keep (DCS: 50).
    pub prefix_top: u32,
    /// Characters that split a key into prefix segments.
    pub delimiters: String,
    /// Seconds; `None` or 0: no limit.
    pub timeout: Option<f64>,
}

/// Analyzes an RDB input (a path, a .gz, a tar of RDB files, or an http(s) URL); returns the
/// report JSON. Cancelling `cancel` stops the analysis.
#[uniffi::export]
pub async fn native_analyze(
    input: String,
    options: NativeAnalyzeOptions,
    cancel: Option<Arc<CancelToken>>,
) -> Result<String, NativeError> {
    if input.is_empty() {
        return Err(Error::invalid_input("path", "is empty").into());
    }
    let core_options = AnalyzeOptions {
        top: options.top as usize,
        prefix_top: options.prefix_top as usize,
        delimiters: options.delimiters,
        cancel: cancel.as_ref().map(|c| c.flag()),
        ..AnalyzeOptions::default()
    };
    let timeout = bridge::deadline(options.timeout)?;
    let what = input.clone();
    let work = async move { dcskit::rdb::analyze(&input, core_options).await };
    let report = bridge::run(&what, work, timeout, cancel).await?;
    Ok(report.to_json().to_string())
}
