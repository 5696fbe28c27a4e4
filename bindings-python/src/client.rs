//! `NativeClient`: the core `api::Client` for Python. Blocking methods wait with the GIL
//! released; `*_async` methods return awaitables running on the core runtime.

use std::path::PathBuf;
use std::time::Duration;

use dcskit::api::{Client, WaitOptions};
use dcskit::auth::Credentials;
use dcskit::{Config, Error, ErrorKind};
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};
use serde_json::Value;

use crate::blocking;
use crate::bridge::{Completions, InFlight};
use crate::convert::{to_json, to_py, Json};
use crate::errors::IntoPyResult;
use crate::paginate::NativePaginator;

#[pyclass(module = "dcskit._native", frozen)]
pub struct NativeClient {
    inner: Client,
}

fn seconds(param: &str, v: Option<f64>) -> dcskit::Result<Option<Duration>> {
    match v {
        None => Ok(None),
        Some(s) if s.is_finite() && s > 0.0 && s < 1e9 => Ok(Some(Duration::from_secs_f64(s))),
        Some(s) => Err(Error::invalid_input(param, format!("must be a positive number of seconds, got {s}"))),
    }
}

fn credentials(
    ak: Option<String>,
    sk: Option<String>,
    security_token: Option<String>,
    token: Option<String>,
) -> dcskit::Result<Option<Credentials>> {
    match (ak, sk, token) {
        (Some(ak), Some(sk), _) => Ok(Some(match security_token {
            Some(t) => Credentials::temporary(ak, sk, t),
            None => Credentials::aksk(ak, sk),
        })),
        (Some(_), None, _) => Err(Error::new(ErrorKind::Credentials, "ak was given without sk")),
        (None, Some(_), _) => Err(Error::new(ErrorKind::Credentials, "sk was given without ak")),
        (None, None, Some(t)) => Ok(Some(Credentials::token(t))),
        (None, None, None) => Ok(None),
    }
}

fn input_value(input: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    match input {
        None => Ok(Value::Object(Default::default())),
        Some(obj) if obj.is_none() => Ok(Value::Object(Default::default())),
        Some(obj) => to_json(obj),
    }
}

#[pymethods]
impl NativeClient {
    #[new]
    #[pyo3(signature = (*, endpoint=None, region=None, project_id=None, ak=None, sk=None,
        security_token=None, token=None, connect_timeout=None, read_timeout=None, timeout=None,
        max_retries=None, retry_non_idempotent=None, proxy=None, ca_bundle=None,
        insecure_skip_tls_verify=false))]
    #[allow(clippy::too_many_arguments)]
    fn new(
        endpoint: Option<String>,
        region: Option<String>,
        project_id: Option<String>,
        ak: Option<String>,
        sk: Option<String>,
        security_token: Option<String>,
        token: Option<String>,
        connect_timeout: Option<f64>,
        read_timeout: Option<f64>,
        timeout: Option<f64>,
        max_retries: Option<u32>,
        retry_non_idempotent: Option<bool>,
        proxy: Option<String>,
        ca_bundle: Option<PathBuf>,
        insecure_skip_tls_verify: bool,
    ) -> PyResult<Self> {
        let build = || -> dcskit::Result<Client> {
            let mut config = Config {
                endpoint,
                region,
                project_id,
                credentials: credentials(ak, sk, security_token, token)?,
                proxy,
                ca_bundle,
                insecure_skip_tls_verify,
                ..Config::default()
            };
            if let Some(d) = seconds("connect_timeout", connect_timeout)? {
                config.connect_timeout = d;
            }
            if let Some(d) = seconds("read_timeout", read_timeout)? {
                config.read_timeout = d;
            }
            if let Some(d) = seconds("timeout", timeout)? {
                config.total_timeout = d;
            }
            if let Some(n) = max_retries {
                config.retry.max_retries = n;
            }
            if let Some(b) = retry_non_idempotent {
                config.retry.retry_non_idempotent = b;
            }
            Client::new(config)
        };
        Ok(NativeClient { inner: build().py_err()? })
    }

    /// Where requests go (the configured endpoint or the region's).
    #[getter]
    fn base_url(&self) -> PyResult<String> {
        self.inner.config().base_url().py_err()
    }

    #[getter]
    fn project_id(&self) -> Option<String> {
        self.inner.config().project_id.clone()
    }

    #[pyo3(signature = (operation, input=None))]
    fn call<'py>(&self, py: Python<'py>, operation: String, input: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let input = input_value(input)?;
        let client = self.inner.clone();
        let out = blocking::call(py, async move { client.call(&operation, input).await })?;
        to_py(py, &out)
    }

    #[pyo3(signature = (operation, input=None))]
    fn call_async<'py>(&self, py: Python<'py>, operation: String, input: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let input = input_value(input)?;
        let client = self.inner.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            client.call(&operation, input).await.map(Json).py_err()
        })
    }

    /// Starts a call whose result settles the asyncio future `future` through `completions`
    /// (the event loop's queue; see `bridge`). `traced`: the result is `[output, runtime id]`.
    #[pyo3(signature = (completions, operation, input, future, traced=false))]
    fn submit(
        &self,
        completions: &Completions,
        operation: String,
        input: Option<&Bound<'_, PyAny>>,
        future: Py<PyAny>,
        traced: bool,
    ) -> PyResult<InFlight> {
        let input = input_value(input)?;
        let client = self.inner.clone();
        Ok(completions.submit(
            async move {
                let out = client.call(&operation, input).await?;
                Ok(if traced { Value::Array(vec![out, dcskit::runtime::current_runtime_id().unwrap_or_default().into()]) } else { out })
            },
            future,
        ))
    }

    /// `call` that also returns the id of the runtime the request ran on (one-runtime test).
    #[pyo3(signature = (operation, input=None))]
    fn _call_traced<'py>(&self, py: Python<'py>, operation: String, input: Option<&Bound<'py, PyAny>>) -> PyResult<(Bound<'py, PyAny>, String)> {
        let input = input_value(input)?;
        let client = self.inner.clone();
        let (out, rt) = blocking::call(py, async move {
            let out = client.call(&operation, input).await?;
            Ok((out, dcskit::runtime::current_runtime_id().unwrap_or_default()))
        })?;
        Ok((to_py(py, &out)?, rt))
    }

    #[pyo3(signature = (operation, input=None))]
    fn _call_traced_async<'py>(&self, py: Python<'py>, operation: String, input: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyAny>> {
        let input = input_value(input)?;
        let client = self.inner.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            let out = client.call(&operation, input).await.py_err()?;
            Ok((Json(out), dcskit::runtime::current_runtime_id().unwrap_or_default()))
        })
    }

    /// Items across pages of a list operation (`pages=True`: whole response pages).
    #[pyo3(signature = (operation, input=None, *, pages=false))]
    fn paginate(&self, operation: String, input: Option<&Bound<'_, PyAny>>, pages: bool) -> PyResult<NativePaginator> {
        let input = input_value(input)?;
        Ok(NativePaginator::new(self.inner.paginate(&operation, input), pages))
    }

    /// Benchmark helper: `n` sequential calls in a Rust loop on the runtime (no Python per
    /// call); returns the seconds taken. The binding's overhead is the difference to `call`.
    fn _bench_core(&self, py: Python<'_>, operation: String, input: &Bound<'_, PyAny>, n: u32) -> PyResult<f64> {
        let input = to_json(input)?;
        let client = self.inner.clone();
        blocking::call(py, async move {
            let t0 = std::time::Instant::now();
            for _ in 0..n {
                client.call(&operation, input.clone()).await?;
            }
            Ok(t0.elapsed().as_secs_f64())
        })
    }

    #[pyo3(signature = (waiter, input=None, *, timeout=None, interval=None))]
    fn wait<'py>(&self, py: Python<'py>, waiter: String, input: Option<&Bound<'py, PyAny>>, timeout: Option<f64>, interval: Option<f64>) -> PyResult<Bound<'py, PyAny>> {
        let input = input_value(input)?;
        let options = wait_options(timeout, interval).py_err()?;
        let client = self.inner.clone();
        let out = blocking::call(py, async move { client.wait(&waiter, input, options).await })?;
        to_py(py, &out)
    }

    #[pyo3(signature = (waiter, input=None, *, timeout=None, interval=None))]
    fn wait_async<'py>(&self, py: Python<'py>, waiter: String, input: Option<&Bound<'py, PyAny>>, timeout: Option<f64>, interval: Option<f64>) -> PyResult<Bound<'py, PyAny>> {
        let input = input_value(input)?;
        let options = wait_options(timeout, interval).py_err()?;
        let client = self.inner.clone();
        pyo3_async_runtimes::tokio::future_into_py(py, async move {
            client.wait(&waiter, input, options).await.map(Json).py_err()
        })
    }
}

fn wait_options(timeout: Option<f64>, interval: Option<f64>) -> dcskit::Result<WaitOptions> {
    let mut o = WaitOptions::default();
    if let Some(t) = seconds("timeout", timeout)? {
        o.timeout = t;
    }
    if let Some(i) = seconds("interval", interval)? {
        o.interval = i;
    }
    Ok(o)
}

/// Every operation of the spec: `name`, `snake_name`, `camel_name`, `method`, `path`,
/// `version`, `deprecated`, `replacement`, `paginated`.
#[pyfunction]
fn operations(py: Python<'_>) -> PyResult<Bound<'_, PyList>> {
    let list = PyList::empty(py);
    for op in dcskit::api::operations() {
        let d = PyDict::new(py);
        d.set_item("name", op.name)?;
        d.set_item("snake_name", op.snake_name)?;
        d.set_item("camel_name", op.camel_name)?;
        d.set_item("method", op.method)?;
        d.set_item("path", op.path)?;
        d.set_item("version", op.version)?;
        d.set_item("deprecated", op.deprecated)?;
        d.set_item("replacement", op.replacement)?;
        d.set_item("paginated", op.paginated)?;
        list.append(d)?;
    }
    Ok(list)
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<NativeClient>()?;
    m.add_class::<NativePaginator>()?;
    m.add_function(wrap_pyfunction!(operations, m)?)?;
    Ok(())
}
