//! The generic client surface: call any operation by name with JSON input, wait on a waiter,
//! list the operations. The typed Swift layer (generated) encodes its structs to this JSON.

use std::sync::Arc;
use std::time::Duration;

use dcskit::api::{Client, Paginator, WaitOptions};
use dcskit::auth::Credentials;
use dcskit::{Config, Error, ErrorKind};

use crate::bridge::{self, CancelToken};
use crate::error::NativeError;

/// Client settings as Swift passes them (times in seconds). Unset credentials and project id
/// come from `CLOUD_SDK_*` in the environment, as in the core. No `Debug`: it holds secrets.
#[derive(Clone, uniffi::Record)]
pub struct NativeConfig {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub project_id: Option<String>,
    pub ak: Option<String>,
    pub sk: Option<String>,
    pub security_token: Option<String>,
    /// An IAM token (`X-Auth-Token`) instead of AK/SK.
    pub auth_token: Option<String>,
    pub connect_timeout: f64,
    pub read_timeout: f64,
    pub total_timeout: f64,
    pub max_retries: u32,
    pub proxy: Option<String>,
    pub ca_bundle: Option<String>,
    pub insecure_skip_tls_verify: bool,
}

impl NativeConfig {
    fn into_core(self) -> Result<Config, Error> {
        let credentials = match (self.ak, self.sk, self.auth_token) {
            (Some(ak), Some(sk), _) => Some(match self.security_token {
                Some(t) => Credentials::temporary(ak, sk, t),
                None => Credentials::aksk(ak, sk),
            }),
            (Some(_), None, _) => return Err(Error::new(ErrorKind::Credentials, "ak is set but sk is not")),
            (None, Some(_), _) => return Err(Error::new(ErrorKind::Credentials, "sk is set but ak is not")),
            (None, None, Some(token)) => Some(Credentials::token(token)),
            (None, None, None) => None,
        };
        let seconds = |name: &str, s: f64| -> Result<Duration, Error> {
            if !(s.is_finite() && s > 0.0) {
                return Err(Error::invalid_input(name, format!("must be a positive number of seconds, got {s}")));
            }
            Duration::try_from_secs_f64(s).map_err(|e| Error::invalid_input(name, e.to_string()))
        };
        let mut config = Config {
            endpoint: self.endpoint,
            region: self.region,
            project_id: self.project_id,
            credentials,
            connect_timeout: seconds("connectTimeout", self.connect_timeout)?,
            read_timeout: seconds("readTimeout", self.read_timeout)?,
            total_timeout: seconds("totalTimeout", self.total_timeout)?,
            proxy: self.proxy,
            ca_bundle: self.ca_bundle.map(Into::into),
            insecure_skip_tls_verify: self.insecure_skip_tls_verify,
            ..Config::default()
        };
        config.retry.max_retries = self.max_retries;
        // Fail early on an unusable endpoint/region rather than at the first call.
        config.base_url()?;
        Ok(config)
    }
}

/// One operation of the spec (the core's `OperationInfo`).
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct NativeOperation {
    pub name: String,
    pub snake_name: String,
    pub camel_name: String,
    pub method: String,
    pub path: String,
    pub version: String,
    pub deprecated: bool,
    pub replacement: Option<String>,
    pub paginated: bool,
}

/// Every operation of the spec, in spec order (Swift: `DcsClient.operations`).
#[uniffi::export]
pub fn native_operations() -> Vec<NativeOperation> {
    dcskit::api::operations()
        .iter()
        .map(|op| NativeOperation {
            name: op.name.into(),
            snake_name: op.snake_name.into(),
            camel_name: op.camel_name.into(),
            method: op.method.into(),
            path: op.path.into(),
            version: op.version.into(),
            deprecated: op.deprecated,
            replacement: op.replacement.map(Into::into),
            paginated: op.paginated,
        })
        .collect()
}

#[derive(uniffi::Object)]
pub struct NativeClient {
    inner: Client,
}

#[uniffi::export]
impl NativeClient {
    #[uniffi::constructor]
    pub fn new(config: NativeConfig) -> Result<Arc<Self>, NativeError> {
        let inner = Client::new(config.into_core()?)?;
        Ok(Arc::new(NativeClient { inner }))
    }

    /// Calls `operation` with JSON input (parameters by wire name, body under `"body"`);
    /// returns the response JSON. `timeout` in seconds bounds the whole call.
    pub async fn call(
        &self,
        operation: String,
        input_json: String,
        timeout: Option<f64>,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<String, NativeError> {
        let input = parse_input(&input_json)?;
        let client = self.inner.clone();
        let what = operation.clone();
        let work = async move { client.call(&operation, input).await };
        let value = bridge::run(&what, work, bridge::deadline(timeout)?, cancel).await?;
        Ok(value.to_string())
    }

    /// Polls until the waiter's condition holds; returns the last response JSON.
    pub async fn wait(
        &self,
        waiter: String,
        input_json: String,
        timeout: f64,
        interval: f64,
        cancel: Option<Arc<CancelToken>>,
    ) -> Result<String, NativeError> {
        let input = parse_input(&input_json)?;
        let positive = |name: &str, s: f64| {
            bridge::deadline(Some(s))?
                .ok_or_else(|| NativeError::from(Error::invalid_input(name, format!("must be a positive number of seconds, got {s}"))))
        };
        let options = WaitOptions { timeout: positive("timeout", timeout)?, interval: positive("interval", interval)? };
        let client = self.inner.clone();
        let what = waiter.clone();
        // The waiter enforces its own timeout; the outer one is a backstop for a stuck poll.
        let backstop = options.timeout + options.timeout.min(Duration::from_secs(60));
        let work = async move { client.wait(&waiter, input, options).await };
        let value = bridge::run(&what, work, Some(backstop), cancel).await?;
        Ok(value.to_string())
    }

    /// A paginator over a list operation (the core's: offset, page or marker style). An
    /// unknown or unpaginated operation, or bad input, is reported by the first fetch.
    pub fn paginate(&self, operation: String, input_json: String) -> Result<Arc<NativePaginator>, NativeError> {
        let input = parse_input(&input_json)?;
        let paginator = self.inner.paginate(&operation, input);
        Ok(Arc::new(NativePaginator { operation, inner: Arc::new(tokio::sync::Mutex::new(paginator)) }))
    }

    /// The base URL requests go to.
    pub fn endpoint(&self) -> Result<String, NativeError> {
        Ok(self.inner.config().base_url()?)
    }
}

/// Pages or items of a list operation, fetched on demand on the core runtime.
#[derive(uniffi::Object)]
pub struct NativePaginator {
    operation: String,
    inner: Arc<tokio::sync::Mutex<Paginator>>,
}

#[uniffi::export]
impl NativePaginator {
    /// The next response page as JSON, or `nil` after the last one.
    pub async fn next_page(&self, timeout: Option<f64>, cancel: Option<Arc<CancelToken>>) -> Result<Option<String>, NativeError> {
        let inner = self.inner.clone();
        let work = async move { inner.lock().await.next_page().await };
        let page = bridge::run(&self.operation, work, bridge::deadline(timeout)?, cancel).await?;
        Ok(page.map(|v| v.to_string()))
    }

    /// The next item across pages as JSON, or `nil` after the last one.
    pub async fn next_item(&self, timeout: Option<f64>, cancel: Option<Arc<CancelToken>>) -> Result<Option<String>, NativeError> {
        let inner = self.inner.clone();
        let work = async move { inner.lock().await.next_item().await };
        let item = bridge::run(&self.operation, work, bridge::deadline(timeout)?, cancel).await?;
        Ok(item.map(|v| v.to_string()))
    }
}

fn parse_input(json: &str) -> Result<serde_json::Value, NativeError> {
    serde_json::from_str(json).map_err(|e| {
        Error::invalid_input("input", format!("not JSON at line {} column {}: {e}", e.line(), e.column())).into()
    })
}
