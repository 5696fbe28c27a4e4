//! The local DCS emulator (emulator issue). The signatures below are the contract the CLI and
//! the bindings' tests use; the implementation replaces the bodies.

use crate::error::{Error, ErrorKind, Result};

#[derive(Debug, Clone)]
pub struct MockOptions {
    pub bind: String,
    /// 0 picks a free port.
    pub port: u16,
    pub ak: Option<String>,
    pub sk: Option<String>,
    pub project_id: String,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions { bind: "127.0.0.1".into(), port: 0, ak: None, sk: None, project_id: "0123456789abcdef0123456789abcdef".into() }
    }
}

/// A running emulator; stops when `shutdown` is called or the process ends.
#[derive(Debug)]
pub struct MockServer {
    url: String,
}

impl MockServer {
    pub fn url(&self) -> &str {
        &self.url
    }
    pub async fn shutdown(self) {}
}

pub async fn start(_options: MockOptions) -> Result<MockServer> {
    Err(Error::new(ErrorKind::Internal, "emulator not implemented yet"))
}
