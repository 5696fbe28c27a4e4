//! `analyze(input, options, onProgress, cancel)`: the RDB analyzer on the core runtime.
//! Progress goes to JS through a thread-safe function (throttled: the event loop only sees
//! a few calls per second); cancellation is a flag the analyzer polls.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use dcskit::rdb::{AnalyzeOptions, Progress};
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi::Status;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::Outcome;

/// How often progress may reach JS at most.
const PROGRESS_EVERY: Duration = Duration::from_millis(50);

/// Progress of an analysis as JS sees it.
#[napi(object)]
pub struct AnalyzeProgress {
    pub bytes_read: f64,
    pub total_bytes: Option<f64>,
    pub keys: f64,
}

/// A cancellation flag shared with one analysis (`AbortSignal` sets it from `index.js`).
#[napi]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
}

#[napi]
impl CancelToken {
    #[napi(constructor)]
    #[allow(clippy::new_without_default)]
    pub fn new() -> Self {
        CancelToken { flag: Arc::new(AtomicBool::new(false)) }
    }

    #[napi]
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
    }

    #[napi(getter)]
    pub fn cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

type ProgressTsfn = ThreadsafeFunction<AnalyzeProgress, (), AnalyzeProgress, Status, false, true>;

/// `options`: `{top, prefixTop, delimiters}`; resolves to the report object.
#[napi(js_name = "nativeAnalyze", ts_return_type = "Promise<any>")]
pub async fn native_analyze(
    input: String,
    options: Option<Value>,
    on_progress: Option<ProgressTsfn>,
    cancel: Option<&CancelToken>,
) -> Outcome<Value> {
    let cancel = cancel.map(|c| c.flag.clone());
    async move {
        let mut opts = analyze_options(options)?;
        opts.cancel = cancel;
        if let Some(tsfn) = on_progress {
            opts.progress = Some(throttled(tsfn));
        }
        let report = dcskit::rdb::analyze(&input, opts).await?;
        Ok(report.to_json())
    }
    .await
    .into()
}

fn throttled(tsfn: ProgressTsfn) -> dcskit::rdb::ProgressFn {
    let last: Mutex<Option<Instant>> = Mutex::new(None);
    Arc::new(move |p: Progress| {
        let now = Instant::now();
        {
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            let done = p.total_bytes.is_some_and(|t| p.bytes_read >= t);
            if !done && last.is_some_and(|t| now.duration_since(t) < PROGRESS_EVERY) {
                return;
            }
            *last = Some(now);
        }
        let info = AnalyzeProgress {
            bytes_read: p.bytes_read as f64,
            total_bytes: p.total_bytes.map(|t| t as f64),
            keys: p.keys as f64,
        };
        // Never blocks the analysis: a full queue drops this report, the next one follows.
        tsfn.call(info, ThreadsafeFunctionCallMode::NonBlocking);
    })
}

fn analyze_options(options: Option<Value>) -> dcskit::Result<AnalyzeOptions> {
    let mut opts = AnalyzeOptions::default();
    let map = match options {
        None | Some(Value::Null) => return Ok(opts),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(dcskit::Error::invalid_input("options", "must be an object")),
    };
    for (k, v) in &map {
        let param = format!("options.{k}");
        match k.as_str() {
            "top" | "prefixTop" => {
                let n = v
                    .as_f64()
                    .filter(|f| *f >= 1.0 && f.fract() == 0.0 && *f <= 1e9)
                    .ok_or_else(|| dcskit::Error::invalid_input(&param, format!("must be a whole number >= 1, got {v}")))?;
                if k == "top" {
                    opts.top = n as usize;
                } else {
                    opts.prefix_top = n as usize;
                }
            }
            "delimiters" => {
                opts.delimiters = v
                    .as_str()
                    .map(str::to_string)
                    .ok_or_else(|| dcskit::Error::invalid_input(&param, "must be a string of delimiter characters"))?;
            }
            _ => {
                return Err(dcskit::Error::invalid_input(param, "unknown option; expected top, prefixTop, delimiters, onProgress, signal"))
            }
        }
    }
    Ok(opts)
}
