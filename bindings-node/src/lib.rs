//! The Node.js addon of dcskit: a small generic surface (call an operation by name, paginate,
//! wait, analyze) that `index.js` and the generated method table build the public API on.
//! Every async function runs on the core's one tokio runtime (see `runtime.rs`).

mod analyze;
mod client;
mod errors;
mod options;
mod runtime;

use napi_derive::napi;

/// Every operation of the spec as `{name, camelName, snakeName, method, path, version,
/// deprecated, replacement, paginated}` (the core's table, for introspection).
#[napi(ts_return_type = "Array<Record<string, unknown>>")]
pub fn operations() -> serde_json::Value {
    dcskit::api::operations()
        .iter()
        .map(|op| {
            serde_json::json!({
                "name": op.name,
                "camelName": op.camel_name,
                "snakeName": op.snake_name,
                "method": op.method,
                "path": op.path,
                "version": op.version,
                "deprecated": op.deprecated,
                "replacement": op.replacement,
                "paginated": op.paginated,
            })
        })
        .collect()
}

/// The version of the Rust core this addon was built from.
#[napi]
pub fn core_version() -> &'static str {
    dcskit::VERSION
}
