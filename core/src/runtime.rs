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
    // Started through the inbox rather than `Handle::spawn`: one worker wakes per call, not two.
    let (tx, rx) = tokio::sync::oneshot::channel();
    spawn_from_outside(async move {
        use futures::FutureExt;
        let _ = tx.send(std::panic::AssertUnwindSafe(future).catch_unwind().await);
    });
    match handle().block_on(rx) {
        Ok(Ok(output)) => Ok(output),
        Ok(Err(panic)) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".into());
            Err(Error::new(ErrorKind::Internal, format!("a dcskit task panicked: {what}")))
        }
        Err(_) => Err(Error::new(ErrorKind::Cancelled, "the operation was cancelled")),
    }
}

/// Starts `future` on the runtime from a thread that is not one of its workers (a Python or
/// Swift caller), detached; the returned handle aborts it. Same effect as `handle().spawn`,
/// with fewer thread wake-ups: a spawn from outside marks the woken worker as "searching",
/// and a searching worker that finds the task wakes a second worker to look for more, on
/// every call. Here the caller queues the future and, unless a wake-up is pending already,
/// writes one byte to a socket the runtime's reactor watches; the worker that wakes for it
/// spawns the queued futures as local tasks, which wakes nobody else unless there are
/// several to share.
pub fn spawn_from_outside<F>(future: F) -> Aborter
where
    F: Future<Output = ()> + Send + 'static,
{
    let (future, abort) = futures::future::abortable(future);
    let future = async move {
        let _ = future.await;
    };
    match inbox() {
        Some(inbox) => inbox.push(Box::pin(future)),
        None => {
            handle().spawn(future);
        }
    }
    Aborter(abort)
}

/// Aborts a future started with [`spawn_from_outside`] (it is dropped at its next poll).
#[derive(Debug, Clone)]
pub struct Aborter(futures::future::AbortHandle);

impl Aborter {
    pub fn abort(&self) {
        self.0.abort();
    }
}

type Job = std::pin::Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Futures queued by [`spawn_from_outside`], and the socket that wakes the task spawning them.
struct Inbox {
    queue: std::sync::Mutex<Queued>,
    wake: std::os::unix::net::UnixStream,
}

#[derive(Default)]
struct Queued {
    jobs: Vec<Job>,
    /// A wake-up byte was written and the jobs were not taken since: no need for another.
    armed: bool,
    /// The task stopped: spawn directly.
    closed: bool,
}

impl Inbox {
    fn push(&self, job: Job) {
        let wake = {
            let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
            if q.closed {
                drop(q);
                handle().spawn(job);
                return;
            }
            q.jobs.push(job);
            !std::mem::replace(&mut q.armed, true)
        };
        if wake {
            use std::io::Write;
            // WouldBlock: unread bytes are there, so the task will run anyway.
            let _ = (&self.wake).write(&[1]);
        }
    }

    fn take(&self) -> Vec<Job> {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        q.armed = false;
        std::mem::take(&mut q.jobs)
    }

    fn close(&self) -> Vec<Job> {
        let mut q = self.queue.lock().unwrap_or_else(|p| p.into_inner());
        q.closed = true;
        std::mem::take(&mut q.jobs)
    }
}

/// The inbox and its task, set up on first use; `None` if the socket pair could not be made
/// (then futures are spawned the ordinary way).
fn inbox() -> Option<&'static Inbox> {
    static INBOX: OnceLock<Option<&'static Inbox>> = OnceLock::new();
    *INBOX.get_or_init(|| {
        let (readable, wake) = std::os::unix::net::UnixStream::pair().ok()?;
        readable.set_nonblocking(true).ok()?;
        wake.set_nonblocking(true).ok()?;
        let h = handle();
        let readable = {
            let _in_runtime = h.enter();
            tokio::net::UnixStream::from_std(readable).ok()?
        };
        let inbox: &'static Inbox = Box::leak(Box::new(Inbox { queue: Default::default(), wake }));
        h.spawn(async move {
            let mut buf = [0u8; 64];
            'serve: while readable.readable().await.is_ok() {
                // Read until WouldBlock so the reactor reports the next byte again.
                loop {
                    match readable.try_read(&mut buf) {
                        Ok(0) => break 'serve,
                        Ok(_) => continue,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                        Err(_) => break 'serve,
                    }
                }
                for job in inbox.take() {
                    tokio::spawn(job);
                }
            }
            // Cannot happen while the write end lives (it is never dropped); if it does,
            // later futures are spawned directly and none queued is lost.
            for job in inbox.close() {
                tokio::spawn(job);
            }
        });
        Some(inbox)
    })
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
    fn spawn_from_outside_runs_every_future_on_the_runtime() {
        let id = runtime_id();
        let (tx, rx) = std::sync::mpsc::channel();
        let threads: Vec<_> = (0..4)
            .map(|t| {
                let tx = tx.clone();
                std::thread::spawn(move || {
                    for i in 0..250 {
                        let tx = tx.clone();
                        spawn_from_outside(async move {
                            tokio::task::yield_now().await;
                            let _ = tx.send((t * 1000 + i, current_runtime_id()));
                        });
                    }
                })
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        drop(tx);
        let mut seen: Vec<_> = rx.iter().collect();
        assert_eq!(seen.len(), 1000, "every queued future ran exactly once");
        assert!(seen.iter().all(|(_, rt)| rt.as_deref() == Some(id.as_str())));
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 1000);
    }

    #[test]
    fn spawn_from_outside_can_be_aborted() {
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
        let aborter = spawn_from_outside(async move {
            let _ = started_tx.send(());
            tokio::time::sleep(std::time::Duration::from_secs(30)).await;
            let _ = done_tx.send(());
        });
        started_rx.recv_timeout(std::time::Duration::from_secs(10)).expect("the future started");
        aborter.abort();
        // Dropping the aborted future drops its sender: the channel disconnects, no value.
        let got = done_rx.recv_timeout(std::time::Duration::from_secs(10));
        assert_eq!(got, Err(std::sync::mpsc::RecvTimeoutError::Disconnected));
    }

    #[test]
    fn block_on_runs_on_the_runtime_and_reports_a_panic_as_an_error() {
        assert_eq!(block_on(async { current_runtime_id() }).unwrap(), Some(runtime_id()));
        let e = block_on(async {
            if runtime_id().is_empty() {
                return 0;
            }
            panic!("boom in a task")
        })
        .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Internal);
        assert!(e.message().contains("boom in a task"), "{e}");
        // The runtime survives the panic.
        assert_eq!(block_on(async { 7 }).unwrap(), 7);
    }

    #[test]
    fn blocking_inside_runtime_is_an_error_not_a_panic() {
        let err = block_on(async { block_on(async { 1 }).unwrap_err() }).unwrap();
        assert_eq!(err.kind(), ErrorKind::Internal);
    }
}
