//! `dcskit._native`: the pyo3 extension behind the `dcskit` Python package. It exposes a
//! small generic surface (call by name, paginate, wait, analyze); the typed per-operation
//! layer is generated Python on top of it (`dcskit/_generated.py`).

mod analyze;
mod blocking;
mod bridge;
mod client;
mod convert;
mod errors;
mod paginate;

use pyo3::prelude::*;

/// The id of the core's one tokio runtime.
#[pyfunction]
fn runtime_id() -> String {
    dcskit::runtime::runtime_id()
}

/// The id of a runtime built just for this probe: a negative control for the one-runtime
/// test (it must differ from `runtime_id()`).
#[pyfunction]
fn _foreign_runtime_id() -> PyResult<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| pyo3::exceptions::PyRuntimeError::new_err(e.to_string()))?;
    Ok(rt.block_on(async { dcskit::runtime::current_runtime_id().unwrap_or_default() }))
}

/// The id of the runtime an awaitable made by this module runs on.
#[pyfunction]
fn _async_runtime_id(py: Python<'_>) -> PyResult<Bound<'_, PyAny>> {
    pyo3_async_runtimes::tokio::future_into_py(py, async {
        Ok(dcskit::runtime::current_runtime_id().unwrap_or_default())
    })
}

/// The report as the core's self-contained HTML page (`compact` for notebooks).
#[pyfunction]
#[pyo3(signature = (report_json, compact = false))]
fn report_html(report_json: &str, compact: bool) -> PyResult<String> {
    let report: serde_json::Value = serde_json::from_str(report_json)
        .map_err(|e| pyo3::exceptions::PyValueError::new_err(format!("report_json: {e}")))?;
    Ok(if compact { dcskit::report_html::render_compact(&report) } else { dcskit::report_html::render(&report) })
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    // Must precede any future_into_py, or pyo3-async-runtimes builds a second runtime.
    // An Err means it was already set (module re-initialised): the runtime is still ours.
    let _ = pyo3_async_runtimes::tokio::init_with_runtime(dcskit::runtime::runtime());
    m.add("__version__", dcskit::VERSION)?;
    m.add_function(wrap_pyfunction!(runtime_id, m)?)?;
    m.add_function(wrap_pyfunction!(_foreign_runtime_id, m)?)?;
    m.add_function(wrap_pyfunction!(_async_runtime_id, m)?)?;
    m.add_function(wrap_pyfunction!(report_html, m)?)?;
    client::register(m)?;
    bridge::register(m)?;
    analyze::register(m)?;
    Ok(())
}
