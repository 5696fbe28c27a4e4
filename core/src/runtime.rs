//! THE tokio runtime: one multi-threaded runtime per process, created lazily and never
//! dropped. Every async operation of dcskit runs on it, whichever language called.

use std::future::Future;
use std::sync::OnceLock;

use tokio::runtime::{Builder, Handle, Runtime};

use crate::error::{Error, ErrorKind, Result};

static RUNTIME: OnceLock<&'static Runtime> = OnceLock::new();
static INSTALLED: OnceLock<Handle> = OnceLock::new();

/// The core's own runtime (built on first use, leaked so it lives as long as the process).
pub fn runtime() -> &'static Runtime {
    RUNTIME.get_or_init(|| {
        let rt = Builder::new_multi_thread()
            .enable_all()
            .thread_name("dcskit-rt")
            .build()
            .expect("building the dcskit tokio runtime");
        Box::leak(Box::new(rt))
    })
}

/// Lets a host that owns a runtime of its own make dcskit use it instead. Must come before
/// the first call that needs a runtime; returns the handle back if one is already set.
pub fn install_handle(handle: Handle) -> std::result::Result<(), Handle> {
    if RUNTIME.get().is_some() {
        return Err(handle);
    }
    INSTALLED.set(handle)
}

/// The handle every dcskit future is spawned on.
pub fn handle() -> Handle {
    match INSTALLED.get() {
        Some(h) => h.clone(),
        None => runtime().handle().clone(),
    }
}

/// The id of the runtime dcskit uses, for tests that prove there is only one.
pub fn runtime_id() -> String {
    handle().id().to_string()
}

/// The id of the runtime the current task runs on, if any.
pub fn current_runtime_id() -> Option<String> {
    Handle::try_current().ok().map(|h| h.id().to_string())
}

/// Runs a future on the runtime and waits for it from a thread that is not a runtime worker.
pub fn block_on<F>(future: F) -> Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    if Handle::try_current().is_ok() {
        return Err(Error::new(
            ErrorKind::Internal,
            "a blocking dcskit call was made from inside an async runtime; use the async API",
        ));
    }
    let h = handle();
    h.block_on(async move { spawn(future).await })
}

/// Spawns onto the runtime; the result is an error only when the task panicked or was aborted.
pub async fn spawn<F>(future: F) -> Result<F::Output>
where
    F: Future + Send + 'static,
    F::Output: Send + 'static,
{
    handle().spawn(future).await.map_err(|e| {
        if e.is_cancelled() {
            Error::new(ErrorKind::Cancelled, "the operation was cancelled")
        } else {
            Error::new(ErrorKind::Internal, format!("a dcskit task panicked: {e}"))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_runtime_for_all_calls() {
        let id = runtime_id();
        let seen = block_on(async { current_runtime_id() }).unwrap();
        assert_eq!(seen.as_deref(), Some(id.as_str()));
        let other = Builder::new_current_thread().build().unwrap();
        assert_ne!(other.handle().id().to_string(), id, "negative control");
    }

    #[test]
    fn blocking_inside_runtime_is_an_error_not_a_panic() {
        let err = block_on(async { block_on(async { 1 }).unwrap_err() }).unwrap();
        assert_eq!(err.kind(), ErrorKind::Internal);
    }
}
