//! dcskit: the Huawei Cloud Distributed Cache Service (DCS) API and an offline Redis RDB
//! analyzer, in one Rust core shared by the Python, Node.js and Swift bindings.
//!
//! - [`auth`]: credentials and the SDK-HMAC-SHA256 signer
//! - [`transport`]: HTTP with timeouts, retries, proxies and custom CAs
//! - [`api`]: every DCS operation, generated from `spec/`
//! - [`rdb`]: the streaming RDB decoder and the key analyzer
//! - [`mock`]: a local, stateful DCS emulator
//! - [`error`]: THE error model; [`runtime`]: THE tokio runtime

pub mod api;
pub mod auth;
pub mod cloud;
pub mod config;
pub mod error;
pub mod error_codes;
pub mod mock;
pub mod rdb;
pub mod report_html;
pub mod runtime;
pub mod transport;

pub use config::{Config, RetryPolicy};
pub use error::{Error, ErrorKind, Result, ServiceDetails};

/// dcskit's version, as sent in the `User-Agent`.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
