//! The native half of the Swift package `DcsKit` (uniffi, library mode).
//!
//! It exports a small generic surface: a client that calls any operation by name with JSON
//! input, waiters, the operation table, the RDB analyzer, and the runtime probes the tests
//! use. The typed Swift layer (structs, one method per operation) is generated from the spec
//! by `codegen/emit_swift.py` and sits on top, in Swift.
//!
//! Every async export runs its work on the core's one tokio runtime (`dcskit::runtime`):
//! see [`bridge`]. uniffi's own `tokio` feature stays off, since it would start a second one.

mod analyze;
mod bridge;
mod client;
mod error;
mod probe;

pub use analyze::{native_analyze, NativeAnalyzeOptions};
pub use bridge::CancelToken;
pub use client::{native_operations, NativeClient, NativeConfig, NativeOperation};
pub use error::{native_throw_sample_error, NativeError};

uniffi::setup_scaffolding!("dcskit");
