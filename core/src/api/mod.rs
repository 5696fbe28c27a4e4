//! The DCS API surface generated from `spec/` (API surface issue).
//!
//! `generated/` is written by `codegen/generate.py`: the operations table, typed models and one
//! typed method per operation. Everything else here is the one hand-written engine both typed
//! and dynamic calls go through: validate → build the request → send → decode.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};
use crate::transport::{HttpRequest, HttpResponse, Transport};

mod generated;
#[doc(hidden)]
pub mod lenient;
mod paginate;
mod request;
mod sample;
mod tables;
mod validate;
mod wait;

pub use generated::models;
#[doc(hidden)]
pub use generated::roundtrip_response;
pub use paginate::{BlockingItems, BlockingPages, Paginator};
pub use sample::sample_input;

/// One operation of the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OperationInfo {
    /// Official name: `ListInstances`.
    pub name: &'static str,
    /// `list_instances`
    pub snake_name: &'static str,
    /// `listInstances`
    pub camel_name: &'static str,
    pub method: &'static str,
    pub path: &'static str,
    /// `v2` or `v1.0`.
    pub version: &'static str,
    pub deprecated: bool,
    /// The v2 operation that replaces a deprecated one.
    pub replacement: Option<&'static str>,
    pub paginated: bool,
}

/// A waiter of the spec: poll `operation` until `status_path` reaches a success value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaiterInfo {
    pub name: &'static str,
    pub operation: &'static str,
    /// Dotted path into the response (`status`, `tasks[id=$task_id].status`).
    pub status_path: &'static str,
    pub success: &'static [&'static str],
    pub failure: &'static [&'static str],
    /// Waiter-only input keys (not sent), used by selectors in `status_path`.
    pub extra_inputs: &'static [&'static str],
    /// Operations this waiter typically follows.
    pub after: &'static [&'static str],
    pub description: &'static str,
}

/// Every operation of the spec, in spec order.
pub fn operations() -> &'static [OperationInfo] {
    generated::operations::OPERATIONS
}

/// Every waiter of the spec.
pub fn waiters() -> &'static [WaiterInfo] {
    generated::operations::WAITERS
}

/// Finds an operation by official, snake_case, camelCase or kebab-case name.
pub fn find_operation(name: &str) -> Option<&'static OperationInfo> {
    // Compared without allocating: this runs on every call.
    let norm = |s: &'static str| s.bytes().filter(|b| *b != b'_' && *b != b'-').map(|b| b.to_ascii_lowercase());
    let wanted = name.bytes().filter(|b| *b != b'_' && *b != b'-').map(|b| b.to_ascii_lowercase());
    operations().iter().find(|op| norm(op.name).eq(wanted.clone()))
}

/// Finds a waiter by name (`instance_running`; kebab-case accepted).
pub fn find_waiter(name: &str) -> Option<&'static WaiterInfo> {
    let wanted = name.replace('-', "_");
    waiters().iter().find(|w| w.name == wanted)
}

#[derive(Debug, Clone)]
pub struct WaitOptions {
    pub timeout: Duration,
    pub interval: Duration,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions { timeout: Duration::from_secs(1800), interval: Duration::from_secs(10) }
    }
}

/// The DCS client. Cheap to clone; all clones share one transport (one connection pool).
#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
    transport: Arc<OnceLock<std::result::Result<Transport, Error>>>,
}

impl Client {
    /// Builds a client; unset credentials and project id are read from the environment.
    pub fn new(config: Config) -> Result<Client> {
        let config = config.with_env_defaults()?;
        Ok(Client { config, transport: Arc::new(OnceLock::new()) })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    fn transport(&self) -> Result<&Transport> {
        self.transport.get_or_init(|| Transport::new(&self.config)).as_ref().map_err(Clone::clone)
    }

    /// Validates `input` for `operation` and builds the HTTP request without sending it
    /// (the unsigned request; the transport adds signature headers).
    pub fn build_request(&self, operation: &str, input: &Value) -> Result<(&'static OperationInfo, HttpRequest)> {
        let op = lookup(operation)?;
        let request = request::build(op, input, self.config.project_id.as_deref())?;
        Ok((op, request))
    }

    /// Calls an operation by name with JSON input (path and query parameters by wire name at
    /// the top level, body under `"body"`); validated against the spec before sending.
    pub async fn call(&self, operation: &str, input: Value) -> Result<Value> {
        let (op, request) = self.build_request(operation, &input)?;
        warn_if_deprecated(op);
        let response = self.transport()?.send(request).await?;
        decode_json(op, &response)
    }

    /// `call` for callers outside any async runtime.
    pub fn call_blocking(&self, operation: &str, input: Value) -> Result<Value> {
        let this = self.clone();
        let operation = operation.to_string();
        crate::runtime::block_on(async move { this.call(&operation, input).await })?
    }

    /// The typed methods' path: the request model becomes the dynamic input, the response
    /// JSON becomes the response model.
    pub(crate) async fn call_typed<Req: Serialize, Resp: DeserializeOwned>(&self, operation: &str, request: &Req) -> Result<Resp> {
        let input = serde_json::to_value(request)
            .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("{operation}: request does not serialize: {e}")))?;
        let output = self.call(operation, input).await?;
        typed_response(operation, output)
    }

    pub(crate) fn call_typed_blocking<Req: Serialize, Resp: DeserializeOwned + Send + 'static>(
        &self,
        operation: &str,
        request: &Req,
    ) -> Result<Resp> {
        let input = serde_json::to_value(request)
            .map_err(|e| Error::new(ErrorKind::InvalidInput, format!("{operation}: request does not serialize: {e}")))?;
        let output = self.call_blocking(operation, input)?;
        typed_response(operation, output)
    }

    /// Every page (or item) of a paginated list operation.
    pub fn paginate(&self, operation: &str, input: Value) -> Paginator {
        Paginator::new(self.clone(), operation, input)
    }

    /// Waits until the named waiter's condition holds (e.g. `instance_running`).
    pub async fn wait(&self, waiter: &str, input: Value, options: WaitOptions) -> Result<Value> {
        wait::wait(self, waiter, input, options).await
    }

    /// `wait` for callers outside any async runtime.
    pub fn wait_blocking(&self, waiter: &str, input: Value, options: WaitOptions) -> Result<Value> {
        let this = self.clone();
        let waiter = waiter.to_string();
        crate::runtime::block_on(async move { this.wait(&waiter, input, options).await })?
    }
}

fn lookup(operation: &str) -> Result<&'static OperationInfo> {
    find_operation(operation).ok_or_else(|| {
        Error::invalid_input("operation", format!("unknown operation {operation:?} (see `dcskit api --list`)"))
    })
}

/// Decodes a response body: JSON as it is, an empty body as `{}`.
pub(crate) fn decode_json(op: &OperationInfo, response: &HttpResponse) -> Result<Value> {
    let body = response.body.as_ref();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(Default::default()));
    }
    serde_json::from_slice(body).map_err(|e| {
        let mut msg = format!("{}: response (HTTP {}) is not JSON: {e}", op.name, response.status);
        if let Some(rid) = &response.request_id {
            msg.push_str(&format!(" (request id {rid})"));
        }
        Error::new(ErrorKind::Decode, msg)
    })
}

fn typed_response<Resp: DeserializeOwned>(operation: &str, output: Value) -> Result<Resp> {
    let name = find_operation(operation).map(|o| o.name).unwrap_or(operation);
    let wrapped = tables::tables().op(name).is_some_and(|o| o.response_wrapped);
    let output = if wrapped { serde_json::json!({ "body": output }) } else { output };
    serde_json::from_value(output)
        .map_err(|e| Error::new(ErrorKind::Decode, format!("{name}: response does not match the spec: {e}")))
}

static DEPRECATION_WARNED: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();

/// v1.0 calls log one warning per operation and process, naming the v2 replacement.
fn warn_if_deprecated(op: &'static OperationInfo) {
    if !op.deprecated {
        return;
    }
    let mut warned = DEPRECATION_WARNED.get_or_init(Default::default).lock().unwrap_or_else(|p| p.into_inner());
    if warned.insert(op.name) {
        if let Some(notice) = deprecation_notice(op) {
            tracing::warn!(operation = op.name, replacement = op.replacement, "{notice}");
        }
    }
}

/// The warning a deprecated operation logs (once per process), naming its replacement.
pub fn deprecation_notice(op: &OperationInfo) -> Option<String> {
    if !op.deprecated {
        return None;
    }
    Some(match op.replacement {
        Some(r) => format!("{} is an out-of-date {} API; use {r} instead", op.name, op.version),
        None => format!("{} is an out-of-date {} API with no direct replacement", op.name, op.version),
    })
}

/// Whether this process already logged the deprecation warning of `operation`.
pub fn deprecation_warned(operation: &str) -> bool {
    let Some(op) = find_operation(operation) else { return false };
    DEPRECATION_WARNED.get().is_some_and(|w| w.lock().unwrap_or_else(|p| p.into_inner()).contains(op.name))
}

#[cfg(test)]
mod tests;
