//! ONE runtime: napi's `async-runtime` hook with a backend that hands every `#[napi] async fn`
//! to the core's tokio runtime. napi's own `tokio_rt` is not enabled, so napi has no runtime
//! of its own to start.

use std::future::Future;
use std::pin::Pin;
use std::sync::OnceLock;

use napi::bindgen_prelude::{
    register_async_runtime, AsyncRuntime, AsyncRuntimeGuard, AsyncRuntimeRejection, AsyncRuntimeTask,
};
use napi_derive::napi;
use tokio::runtime::{EnterGuard, Handle};

/// The backend: borrows the core's handle; owns nothing.
struct CoreRuntime {
    handle: OnceLock<Handle>,
}

impl CoreRuntime {
    fn handle(&self) -> &Handle {
        self.handle.get_or_init(dcskit::runtime::handle)
    }
}

struct Entered<'a>(#[allow(dead_code)] EnterGuard<'a>);
impl AsyncRuntimeGuard for Entered<'_> {}

// SAFETY: the core runtime is leaked and lives until the process exits, so its threads may run
// after a Node environment shuts down. That is sound because the addon image is never unloaded:
// napi-build links it with `-z nodelete`. `shutdown` has nothing to stop: other environments
// (worker threads) keep using the same runtime.
unsafe impl AsyncRuntime for CoreRuntime {
    fn spawn(&self, task: AsyncRuntimeTask) -> Result<(), AsyncRuntimeRejection<AsyncRuntimeTask>> {
        // Detached: the task settles its promise itself (or rejects when dropped).
        drop(self.handle().spawn(task));
        Ok(())
    }

    fn block_on(&self, mut future: Pin<&mut dyn Future<Output = ()>>) -> napi::Result<()> {
        if Handle::try_current().is_ok() {
            return Err(napi::Error::from_reason("block_on called from inside the dcskit runtime"));
        }
        self.handle().block_on(future.as_mut());
        Ok(())
    }

    fn enter(&self) -> napi::Result<Box<dyn AsyncRuntimeGuard + '_>> {
        Ok(Box::new(Entered(self.handle().enter())))
    }

    fn shutdown(&self) -> napi::Result<()> {
        // The runtime belongs to the core, not to any one Node environment.
        Ok(())
    }

    fn spawn_blocking(
        &self,
        work: Box<dyn FnOnce() + Send + 'static>,
    ) -> Result<(), AsyncRuntimeRejection<Box<dyn FnOnce() + Send + 'static>>> {
        drop(self.handle().spawn_blocking(work));
        Ok(())
    }
}

#[napi_derive::module_init]
fn init() {
    register_async_runtime(CoreRuntime { handle: OnceLock::new() });
}

/// The id of the core's runtime.
#[napi]
pub fn runtime_id() -> String {
    dcskit::runtime::runtime_id()
}

/// The id of the runtime an `async` addon function actually runs on (the path every call,
/// paginator, waiter and analysis takes).
#[napi]
pub async fn async_runtime_id() -> String {
    dcskit::runtime::current_runtime_id().unwrap_or_default()
}

/// The id of a second, private runtime: the negative control of the one-runtime test.
#[napi]
pub fn foreign_runtime_id() -> napi::Result<String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .map_err(|e| napi::Error::from_reason(e.to_string()))?;
    let id = rt.block_on(async { dcskit::runtime::current_runtime_id().unwrap_or_default() });
    Ok(id)
}
