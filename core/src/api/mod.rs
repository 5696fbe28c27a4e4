//! The DCS API surface generated from `spec/` (API surface issue). The signatures below are
//! the contract the CLI and the bindings use; the implementation replaces the bodies.

use std::time::Duration;

use serde_json::Value;

use crate::config::Config;
use crate::error::{Error, ErrorKind, Result};

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

/// Every operation of the spec, in spec order.
pub fn operations() -> &'static [OperationInfo] {
    &[]
}

/// Finds an operation by official, snake_case, camelCase or kebab-case name.
pub fn find_operation(name: &str) -> Option<&'static OperationInfo> {
    let norm = |s: &str| s.chars().filter(|c| *c != '_' && *c != '-').collect::<String>().to_ascii_lowercase();
    let wanted = norm(name);
    operations().iter().find(|op| norm(op.name) == wanted)
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

/// The DCS client. Cheap to clone; all clones share one connection pool.
#[derive(Debug, Clone)]
pub struct Client {
    config: Config,
}

impl Client {
    /// Builds a client; unset credentials and project id are read from the environment.
    pub fn new(config: Config) -> Result<Client> {
        let config = config.with_env_defaults()?;
        Ok(Client { config })
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Calls an operation by name with JSON input (path and query parameters by wire name at
    /// the top level, body under `"body"`); validated against the spec before sending.
    pub async fn call(&self, operation: &str, _input: Value) -> Result<Value> {
        Err(Error::new(ErrorKind::Internal, format!("{operation}: API layer not implemented yet")))
    }

    /// `call` for callers outside any async runtime.
    pub fn call_blocking(&self, operation: &str, input: Value) -> Result<Value> {
        let this = self.clone();
        let operation = operation.to_string();
        crate::runtime::block_on(async move { this.call(&operation, input).await })?
    }

    /// Waits until the named waiter's condition holds (e.g. `instance_running`).
    pub async fn wait(&self, waiter: &str, _input: Value, _options: WaitOptions) -> Result<Value> {
        Err(Error::new(ErrorKind::Internal, format!("{waiter}: waiters not implemented yet")))
    }
}
