//! `Client`: the native half of the JS client. The generated method table in
//! `generated/operations.js` turns each camelCase method into `call(name, input)`.

use std::sync::Arc;

use dcskit::api::{Paginator, WaitOptions};
use tokio::sync::Mutex;
use napi::Env;
use napi_derive::napi;
use serde_json::Value;

use crate::errors::{throw, Outcome};
use crate::options::{config_from_js, millis};

#[napi(js_name = "NativeClient")]
pub struct NativeClient {
    inner: dcskit::api::Client,
}

#[napi]
impl NativeClient {
    #[napi(constructor)]
    pub fn new(env: Env, options: Option<Value>) -> napi::Result<Self> {
        let built = config_from_js(options).and_then(dcskit::api::Client::new);
        match built {
            Ok(inner) => Ok(NativeClient { inner }),
            Err(e) => Err(throw(&env, e)),
        }
    }

    /// Calls an operation by name (`ListInstances`, `listInstances`, `list-instances`).
    #[napi(ts_return_type = "Promise<any>")]
    pub async fn call(&self, operation: String, input: Option<Value>) -> Outcome<Value> {
        let client = self.inner.clone();
        let input = input.unwrap_or_else(|| Value::Object(Default::default()));
        client.call(&operation, input).await.into()
    }

    /// A paginator over every item (or page) of a list operation.
    #[napi]
    pub fn paginate(&self, operation: String, input: Option<Value>) -> NativePaginator {
        let input = input.unwrap_or_else(|| Value::Object(Default::default()));
        NativePaginator { inner: Arc::new(Mutex::new(self.inner.paginate(&operation, input))) }
    }

    /// Polls the named waiter until its condition holds; `options`: `{timeoutMs, intervalMs}`.
    #[napi(ts_return_type = "Promise<any>")]
    pub async fn wait(&self, waiter: String, input: Option<Value>, options: Option<Value>) -> Outcome<Value> {
        let client = self.inner.clone();
        let run = async move {
            let opts = wait_options(options)?;
            let input = input.unwrap_or_else(|| Value::Object(Default::default()));
            client.wait(&waiter, input, opts).await
        };
        run.await.into()
    }

    /// The endpoint requests go to.
    #[napi(getter)]
    pub fn endpoint(&self, env: Env) -> napi::Result<String> {
        self.inner.config().base_url().map_err(|e| throw(&env, e))
    }
}

/// The native side of `client.paginate(...)`: one fetch at a time (calls are serialized).
#[napi]
pub struct NativePaginator {
    inner: Arc<Mutex<Paginator>>,
}

#[napi]
impl NativePaginator {
    /// `[item]` for the next item across pages; `null` after the last one (so a JSON `null`
    /// item is not mistaken for the end).
    #[napi(ts_return_type = "Promise<any>")]
    pub async fn next_item(&self) -> Outcome<Value> {
        let inner = self.inner.clone();
        let mut p = inner.lock().await;
        p.next_item().await.map(boxed).into()
    }

    /// `[page]` for the next whole response page; `null` after the last one.
    #[napi(ts_return_type = "Promise<any>")]
    pub async fn next_page(&self) -> Outcome<Value> {
        let inner = self.inner.clone();
        let mut p = inner.lock().await;
        p.next_page().await.map(boxed).into()
    }
}

fn boxed(v: Option<Value>) -> Value {
    v.map_or(Value::Null, |v| Value::Array(vec![v]))
}

fn wait_options(options: Option<Value>) -> dcskit::Result<WaitOptions> {
    let mut opts = WaitOptions::default();
    let map = match options {
        None | Some(Value::Null) => return Ok(opts),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(dcskit::Error::invalid_input("options", "must be an object")),
    };
    if let Some(k) = map.keys().find(|k| !matches!(k.as_str(), "timeoutMs" | "intervalMs")) {
        return Err(dcskit::Error::invalid_input(format!("options.{k}"), "unknown option; expected timeoutMs, intervalMs"));
    }
    if let Some(d) = millis(&map, "options", "timeoutMs")? {
        opts.timeout = d;
    }
    if let Some(d) = millis(&map, "options", "intervalMs")? {
        opts.interval = d;
    }
    Ok(opts)
}
