//! Runtime probes for the one-runtime test of the Swift suite.

/// The id of the core's tokio runtime.
#[uniffi::export]
pub fn native_core_runtime_id() -> String {
    dcskit::runtime::runtime_id()
}

/// The id of the runtime an async export's work runs on (the same path every call takes).
#[uniffi::export]
pub async fn native_runtime_id_of_calls() -> Option<String> {
    crate::bridge::run("probe", async { Ok(dcskit::runtime::current_runtime_id()) }, None, None)
        .await
        .ok()
        .flatten()
}

/// Negative control: the same probe without spawning onto the core runtime. The future is
/// polled by Swift's executor, outside any tokio runtime, so this is `nil`.
#[uniffi::export]
pub async fn native_runtime_id_unspawned() -> Option<String> {
    dcskit::runtime::current_runtime_id()
}
