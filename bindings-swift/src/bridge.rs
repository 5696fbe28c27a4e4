//! How every async export runs: the work is spawned onto the core's one tokio runtime and the
//! uniffi future (polled by Swift's executor) only awaits the join handle. A uniffi future
//! cannot be cancelled from Swift, so each call carries a deadline and may carry a
//! [`CancelToken`] that the Swift side trips when its `Task` is cancelled.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use dcskit::{Error, ErrorKind};
use tokio::sync::Notify;

use crate::error::NativeError;

/// Cancels the calls it was handed to (they end with `NativeError.cancelled`).
#[derive(Debug, Default, uniffi::Object)]
pub struct CancelToken {
    flag: Arc<AtomicBool>,
    notify: Notify,
}

#[uniffi::export]
impl CancelToken {
    #[uniffi::constructor]
    pub fn new() -> Arc<Self> {
        Arc::new(CancelToken::default())
    }

    /// Stops every call using this token; calls started with it later fail at once.
    pub fn cancel(&self) {
        self.flag.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    pub fn is_cancelled(&self) -> bool {
        self.flag.load(Ordering::SeqCst)
    }
}

impl CancelToken {
    /// The flag the analyzer polls (its own cooperative cancellation).
    pub(crate) fn flag(&self) -> Arc<AtomicBool> {
        self.flag.clone()
    }

    async fn cancelled(&self) {
        loop {
            // Created before the check, so a `cancel` in between is not missed.
            let notified = self.notify.notified();
            if self.is_cancelled() {
                return;
            }
            notified.await;
        }
    }
}

/// A deadline in seconds from Swift (`TimeInterval`); `None`, zero, negative or infinite: none.
pub(crate) fn deadline(seconds: Option<f64>) -> Result<Option<Duration>, NativeError> {
    match seconds {
        None => Ok(None),
        Some(s) if s.is_nan() => Err(Error::invalid_input("timeout", "must be a number of seconds, got NaN").into()),
        Some(s) if s <= 0.0 || s.is_infinite() => Ok(None),
        Some(s) => Duration::try_from_secs_f64(s)
            .map(Some)
            .map_err(|e| Error::invalid_input("timeout", format!("{s} seconds: {e}")).into()),
    }
}

/// Runs `work` on the core runtime under an optional deadline and cancel token.
pub(crate) async fn run<F, T>(
    what: &str,
    work: F,
    timeout: Option<Duration>,
    cancel: Option<Arc<CancelToken>>,
) -> Result<T, NativeError>
where
    F: Future<Output = dcskit::Result<T>> + Send + 'static,
    T: Send + 'static,
{
    if cancel.as_ref().is_some_and(|c| c.is_cancelled()) {
        return Err(cancelled(what).into());
    }
    let what = what.to_string();
    let guarded = async move {
        let timed = async {
            match timeout {
                None => work.await,
                Some(limit) => match tokio::time::timeout(limit, work).await {
                    Ok(result) => result,
                    Err(_) => Err(Error::new(
                        ErrorKind::Timeout,
                        format!("{what}: no result within {:.3} s (the call's timeout)", limit.as_secs_f64()),
                    )),
                },
            }
        };
        match cancel {
            None => timed.await,
            Some(token) => tokio::select! {
                result = timed => result,
                _ = token.cancelled() => Err(cancelled(&what)),
            },
        }
    };
    Ok(dcskit::runtime::spawn(guarded).await??)
}

fn cancelled(what: &str) -> Error {
    Error::new(ErrorKind::Cancelled, format!("{what}: cancelled by the caller"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn block<T>(f: impl Future<Output = T>) -> T {
        // A foreign executor stand-in: a runtime that is not the core's.
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }

    #[test]
    fn work_runs_on_the_core_runtime() {
        let id = block(run("probe", async { Ok(dcskit::runtime::current_runtime_id()) }, None, None)).unwrap();
        assert_eq!(id, Some(dcskit::runtime::runtime_id()));
    }

    #[test]
    fn deadline_and_cancel_end_the_call() {
        let slow = || async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            Ok(())
        };
        let e = block(run("slow", slow(), Some(Duration::from_millis(50)), None)).unwrap_err();
        assert!(matches!(e, NativeError::Timeout { .. }), "{e}");
        let token = CancelToken::new();
        let t2 = token.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            t2.cancel();
        });
        let e = block(run("slow", slow(), None, Some(token.clone()))).unwrap_err();
        assert!(matches!(e, NativeError::Cancelled { .. }), "{e}");
        let e = block(run("late", async { Ok(()) }, None, Some(token))).unwrap_err();
        assert!(matches!(e, NativeError::Cancelled { .. }), "{e}");
    }

    #[test]
    fn deadline_parsing() {
        assert_eq!(deadline(None).unwrap(), None);
        assert_eq!(deadline(Some(0.0)).unwrap(), None);
        assert_eq!(deadline(Some(1.5)).unwrap(), Some(Duration::from_millis(1500)));
        assert!(matches!(deadline(Some(f64::NAN)), Err(NativeError::InvalidInput { .. })));
    }
}
