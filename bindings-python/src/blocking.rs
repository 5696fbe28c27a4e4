//! Blocking calls from Python: the future runs on a core runtime worker while the calling
//! thread waits with the GIL released, waking every few milliseconds to let Python handle
//! signals, so Ctrl-C (KeyboardInterrupt) stops a long call promptly.
//!
//! A short call (a request to a nearby endpoint) finishes in a few hundred microseconds.
//! Putting the calling thread to sleep and waking it again costs a good part of that on an
//! idle machine, so a call made while no other blocking call is waiting first polls briefly,
//! yielding the CPU, before it sleeps. Many threads calling at once just sleep: their polling
//! would take the CPU from the runtime that does the work.

use std::future::Future;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use pyo3::prelude::*;

use crate::errors::to_pyerr;

const SIGNAL_POLL: Duration = Duration::from_millis(50);
/// How long a wait polls for the result before sleeping: long enough for a local round trip,
/// short enough that a slow remote call wastes almost no CPU.
const SPIN: Duration = Duration::from_micros(500);

/// Blocking calls waiting right now, in any thread.
static WAITING: AtomicUsize = AtomicUsize::new(0);

/// Counts one waiting call for as long as it lives.
struct Waiting;

impl Waiting {
    /// Also tells whether this is the only waiting call.
    fn enter() -> (Waiting, bool) {
        let alone = WAITING.fetch_add(1, Ordering::Relaxed) == 0;
        (Waiting, alone)
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        WAITING.fetch_sub(1, Ordering::Relaxed);
    }
}

/// [`run`] without progress ticks: an API call, a page, a waiter.
pub fn call<F, T>(py: Python<'_>, fut: F) -> PyResult<T>
where
    F: Future<Output = dcskit::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    run(py, fut, |_| Ok(()))
}

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
    let task = dcskit::runtime::spawn_from_outside(async move {
        let _ = tx.send(fut.await);
    });
    // Aborts the task however we leave (result, interrupt, callback error).
    let _abort = AbortOnDrop(task);
    let mut rx = rx;
    let (_waiting, mut spin) = Waiting::enter();
    loop {
        // The receiver is Send but not Sync: move it into the GIL-free closure and back.
        let (got, back) = py.detach(move || (receive(&rx, std::mem::take(&mut spin)), rx));
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

/// Waits up to [`SIGNAL_POLL`] for the result, polling (and yielding) for [`SPIN`] first
/// when `spin`, and only while no other blocking call started waiting.
fn receive<T>(rx: &mpsc::Receiver<T>, spin: bool) -> Result<T, mpsc::RecvTimeoutError> {
    if spin {
        let start = Instant::now();
        while start.elapsed() < SPIN && WAITING.load(Ordering::Relaxed) == 1 {
            match rx.try_recv() {
                Ok(v) => return Ok(v),
                Err(mpsc::TryRecvError::Disconnected) => return Err(mpsc::RecvTimeoutError::Disconnected),
                Err(mpsc::TryRecvError::Empty) => std::thread::yield_now(),
            }
        }
    }
    rx.recv_timeout(SIGNAL_POLL)
}

struct AbortOnDrop(dcskit::runtime::Aborter);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}
