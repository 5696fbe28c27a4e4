//! Async results that reach asyncio without the GIL on runtime threads.
//!
//! A finished call is queued with its asyncio future, and the event loop is woken through a
//! socket it watches (`loop.add_reader`); the loop thread, which holds the GIL anyway, turns
//! the queued results into Python objects and settles the futures in one batch. Runtime
//! workers never wait for the GIL, so many calls in flight keep them busy with I/O.

use std::io::{ErrorKind, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::net::UnixStream;
use std::sync::{Arc, Mutex};

use pyo3::prelude::*;
use serde_json::Value;

use crate::convert::to_py;
use crate::errors::to_pyerr;

type Finished = (Py<PyAny>, dcskit::Result<Value>);

struct Shared {
    queue: Mutex<Vec<Finished>>,
    /// Written (one byte) when the queue stops being empty.
    wake: UnixStream,
}

impl Shared {
    fn push(&self, done: Finished) {
        let was_empty = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            q.push(done);
            q.len() == 1
        };
        if was_empty {
            // WouldBlock means unread wake-ups are pending already: the loop will drain.
            let _ = (&self.wake).write(&[1]);
        }
    }
}

/// The results of one event loop's calls (one per loop; see `dcskit/client.py`).
#[pyclass(module = "dcskit._native", frozen)]
pub struct Completions {
    shared: Arc<Shared>,
    /// The end the event loop watches.
    readable: UnixStream,
}

#[pymethods]
impl Completions {
    #[new]
    fn new() -> PyResult<Self> {
        let (readable, wake) = UnixStream::pair()?;
        readable.set_nonblocking(true)?;
        wake.set_nonblocking(true)?;
        Ok(Completions { shared: Arc::new(Shared { queue: Mutex::new(Vec::new()), wake }), readable })
    }

    /// The descriptor to pass to `loop.add_reader`.
    fn fileno(&self) -> i32 {
        self.readable.as_raw_fd()
    }

    /// Settles every finished call's future (skipping cancelled ones). Runs on the loop thread.
    fn drain(&self, py: Python<'_>) -> PyResult<()> {
        let mut buf = [0u8; 64];
        loop {
            match (&self.readable).read(&mut buf) {
                Ok(0) => break,
                Ok(_) => continue,
                Err(e) if e.kind() == ErrorKind::Interrupted => continue,
                Err(_) => break, // WouldBlock: nothing more to read
            }
        }
        let batch = std::mem::take(&mut *self.shared.queue.lock().unwrap_or_else(|p| p.into_inner()));
        for (fut, result) in batch {
            let fut = fut.bind(py);
            if fut.call_method0("done")?.is_truthy()? {
                continue; // cancelled while in flight
            }
            let settled = match result.map_err(to_pyerr).and_then(|v| to_py(py, &v)) {
                Ok(v) => fut.call_method1("set_result", (v,)),
                Err(e) => fut.call_method1("set_exception", (e.into_value(py),)),
            };
            // One future that cannot be settled must not strand the rest of the batch.
            if let Err(e) = settled {
                e.write_unraisable(py, Some(fut));
            }
        }
        Ok(())
    }
}

impl Completions {
    /// Runs `fut` on the core runtime; its result settles `py_future` through this queue.
    pub fn submit<F>(&self, fut: F, py_future: Py<PyAny>) -> InFlight
    where
        F: std::future::Future<Output = dcskit::Result<Value>> + Send + 'static,
    {
        let shared = self.shared.clone();
        let task = dcskit::runtime::spawn_from_outside(async move {
            let out = fut.await;
            shared.push((py_future, out));
        });
        InFlight(task)
    }
}

/// A call in flight; `abort()` stops it (the awaiting coroutine was cancelled).
#[pyclass(module = "dcskit._native", frozen)]
pub struct InFlight(dcskit::runtime::Aborter);

#[pymethods]
impl InFlight {
    fn abort(&self) {
        self.0.abort();
    }
}

pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Completions>()?;
    m.add_class::<InFlight>()?;
    Ok(())
}
