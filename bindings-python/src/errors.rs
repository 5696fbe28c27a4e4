//! The core's one error type as Python exceptions. The classes live in `dcskit/errors.py`
//! (so they can also subclass builtins such as ValueError); this builds one from a core
//! error's JSON (`code`, `message`, service fields, `param`, `offset`).

use pyo3::exceptions::PyRuntimeError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;

static FACTORY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();

fn factory(py: Python<'_>) -> PyResult<&Py<PyAny>> {
    FACTORY.get_or_try_init(py, || Ok(py.import("dcskit.errors")?.getattr("_from_native")?.unbind()))
}

/// Converts a core error into the matching `dcskit` exception.
pub fn to_pyerr(err: dcskit::Error) -> PyErr {
    Python::attach(|py| {
        let build = || -> PyResult<PyErr> {
            let details = crate::convert::to_py(py, &err.to_json())?;
            let exc = factory(py)?.bind(py).call1((details,))?;
            Ok(PyErr::from_value(exc))
        };
        build().unwrap_or_else(|e| PyRuntimeError::new_err(format!("{err} (and mapping it failed: {e})")))
    })
}

/// `Result<T, dcskit::Error>` -> `PyResult<T>`.
pub trait IntoPyResult<T> {
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPyResult<T> for dcskit::Result<T> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_pyerr)
    }
}
