//! `analyze`: the offline RDB analyzer for Python, blocking and async. The progress callback
//! is called with `(bytes_read, total_bytes_or_None, keys)` at most every 50 ms and once at
//! the end; returning `False` from it stops the analysis (CancelledError).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dcskit::rdb::{AnalyzeOptions, Progress};
use pyo3::prelude::*;

use crate::blocking;
use crate::convert::{to_py, Json};
use crate::errors::IntoPyResult;

const TICK: Duration = Duration::from_millis(50);

/// What the analysis reports, and the callback that hears about it.
struct ProgressRelay {
    latest: Arc<Mutex<Option<Progress>>>,
    callback: Option<Py<PyAny>>,
    cancel: Arc<AtomicBool>,
}

impl ProgressRelay {
    /// Hands the latest progress (if any since last time) to the callback.
    fn tick(&self, py: Python<'_>) -> PyResult<()> {
        let Some(cb) = &self.callback else { return Ok(()) };
        let Some(p) = self.latest.lock().map(|mut g| g.take()).unwrap_or(None) else { return Ok(()) };
        let ret = cb.bind(py).call1((p.bytes_read, p.total_bytes, p.keys))?;
        if ret.is_instance_of::<pyo3::types::PyBool>() && !ret.extract::<bool>()? {
            self.cancel.store(true, Ordering::SeqCst);
        }
        Ok(())
    }
}

fn options(
    top: usize,
    prefix_top: usize,
    delimiters: String,
    progress: Option<Py<PyAny>>,
) -> (AnalyzeOptions, ProgressRelay) {
    let latest = Arc::new(Mutex::new(None));
    let cancel = Arc::new(AtomicBool::new(false));
    let sink = latest.clone();
    let progress_fn: Option<dcskit::rdb::ProgressFn> = progress.as_ref().map(|_| {
        Arc::new(move |p: Progress| {
            if let Ok(mut g) = sink.lock() {
                *g = Some(p);
            }
        }) as dcskit::rdb::ProgressFn
    });
    let opts = AnalyzeOptions {
        top,
        prefix_top,
        delimiters,
        progress: progress_fn,
        cancel: Some(cancel.clone()),
        ..AnalyzeOptions::default()
    };
    (opts, ProgressRelay { latest, callback: progress, cancel })
}

/// Sets the cancel flag when the analysis future is dropped (an asyncio task cancelled).
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

#[pyfunction]
#[pyo3(signature = (input, *, top=100, prefix_top=50, delimiters=":".to_string(), progress=None))]
fn analyze<'py>(
    py: Python<'py>,
    input: String,
    top: usize,
    prefix_top: usize,
    delimiters: String,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (opts, relay) = options(top, prefix_top, delimiters, progress);
    let cancel = relay.cancel.clone();
    let report = blocking::run(
        py,
        async move {
            let _guard = CancelOnDrop(cancel);
            dcskit::rdb::analyze(&input, opts).await
        },
        |py| relay.tick(py),
    )?;
    to_py(py, &report.to_json())
}

#[pyfunction]
#[pyo3(signature = (input, *, top=100, prefix_top=50, delimiters=":".to_string(), progress=None))]
fn analyze_async<'py>(
    py: Python<'py>,
    input: String,
    top: usize,
    prefix_top: usize,
    delimiters: String,
    progress: Option<Py<PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let (opts, relay) = options(top, prefix_top, delimiters, progress);
    pyo3_async_runtimes::tokio::future_into_py(py, async move {
        let _guard = CancelOnDrop(relay.cancel.clone());
        let work = dcskit::rdb::analyze(&input, opts);
        tokio::pin!(work);
        let mut ticker = tokio::time::interval(TICK);
        let report = loop {
            tokio::select! {
                r = &mut work => break r,
                _ = ticker.tick() => {
                    if relay.callback.is_some() {
                        // The callback runs on a runtime thread; an exception in it stops the work.
                        Python::attach(|py| relay.tick(py))?;
                    }
                }
            }
        };
        if relay.callback.is_some() {
            Python::attach(|py| relay.tick(py))?;
        }
        report.map(|r| Json(r.to_json())).py_err()
    })
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(analyze_async, m)?)?;
    Ok(())
}

