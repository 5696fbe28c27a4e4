//! Blocking calls from Python: the future runs on the core runtime while the calling thread
//! waits with the GIL released, waking every few milliseconds to let Python handle signals,
//! so Ctrl-C (KeyboardInterrupt) stops a long call promptly.

use std::future::Future;
use std::sync::mpsc;
use std::time::Duration;

use pyo3::prelude::*;

use crate::errors::to_pyerr;

const SIGNAL_POLL: Duration = Duration::from_millis(50);

/// Runs `fut` on the core runtime and waits for it. `on_tick` runs with the GIL between
/// waits (progress reporting); an error from it or from a signal handler aborts the task.
pub fn run<F, T>(py: Python<'_>, fut: F, mut on_tick: impl FnMut(Python<'_>) -> PyResult<()>) -> PyResult<T>
where
    F: Future<Output = dcskit::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    if tokio::runtime::Handle::try_current().is_ok() {
        return Err(to_pyerr(dcskit::Error::new(
            dcskit::ErrorKind::Internal,
            "a blocking dcskit call was made from inside the dcskit runtime (e.g. from a callback); use the async API",
        )));
    }
    let (tx, rx) = mpsc::sync_channel(1);
    let task = dcskit::runtime::handle().spawn(async move {
        let _ = tx.send(fut.await);
    });
    // Aborts the task however we leave (result, interrupt, callback error).
    let _abort = AbortOnDrop(task.abort_handle());
    let mut rx = rx;
    loop {
        // The receiver is Send but not Sync: move it into the GIL-free closure and back.
        let (got, back) = py.detach(move || (rx.recv_timeout(SIGNAL_POLL), rx));
        rx = back;
        match got {
            Ok(result) => {
                on_tick(py)?;
                return result.map_err(to_pyerr);
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {
                py.check_signals()?;
                on_tick(py)?;
            }
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(to_pyerr(dcskit::Error::new(dcskit::ErrorKind::Internal, "a dcskit task ended without a result (it panicked)")));
            }
        }
    }
}

struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
