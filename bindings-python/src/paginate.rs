//! `NativePaginator`: the core paginator as a Python iterator (`for`) and async iterator
//! (`async for`). Items (or whole pages) come back as plain dicts.

use std::sync::Arc;

use dcskit::api::Paginator;
use pyo3::exceptions::{PyStopAsyncIteration, PyStopIteration};
use pyo3::prelude::*;
use tokio::sync::Mutex;

use crate::blocking;
use crate::convert::{to_py, Json};
use crate::errors::IntoPyResult;

#[pyclass(module = "dcskit._native", frozen)]
pub struct NativePaginator {
    inner: Arc<Mutex<Paginator>>,
    pages: bool,
}

impl NativePaginator {
    pub fn new(p: Paginator, pages: bool) -> Self {
        NativePaginator { inner: Arc::new(Mutex::new(p)), pages }
    }
}

async fn step(inner: Arc<Mutex<Paginator>>, pages: bool) -> dcskit::Result<Option<serde_json::Value>> {
    let mut p = inner.lock().await;
    if pages {
        p.next_page().await
    } else {
        p.next_item().await
    }
}

#[pymethods]
impl NativePaginator {
    fn __iter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __next__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (inner, pages) = (self.inner.clone(), self.pages);
        match blocking::call(py, step(inner, pages))? {
            Some(v) => to_py(py, &v),
            None => Err(PyStopIteration::new_err(())),
        }
    }

    fn __aiter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    fn __anext__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        let (inner, pages) = (self.inner.clone(), self.pages);
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            match step(inner, pages).await.py_err()? {
                Some(v) => Ok(Json(v)),
                None => Err(PyStopAsyncIteration::new_err(())),
            }
        })
    }
}
