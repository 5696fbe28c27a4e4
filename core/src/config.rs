//! Client configuration: where to send requests, as whom, and how patiently.

use std::path::PathBuf;
use std::time::Duration;

use crate::auth::{Credentials, ENV_PROJECT_ID};
use crate::error::{Error, Result};

/// Regions where DCS is offered (any other region name is accepted too).
pub const KNOWN_REGIONS: &[&str] = &[
    "af-south-1", "ap-southeast-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4",
    "cn-east-2", "cn-east-3", "cn-east-4", "cn-north-1", "cn-north-4", "cn-north-9",
    "cn-south-1", "cn-south-2", "cn-southwest-2", "eu-west-0", "eu-west-101", "la-north-2",
    "la-south-2", "me-east-1", "na-mexico-1", "ru-northwest-2", "sa-brazil-1", "tr-west-1",
];

/// Retries: exponential backoff with jitter on connection errors, 429 and 5xx.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Attempts after the first; 0 disables retries.
    pub max_retries: u32,
    pub initial_backoff: Duration,
    pub max_backoff: Duration,
    /// Re-send non-idempotent requests (POST, PATCH) too. Off by default.
    pub retry_non_idempotent: bool,
    /// Upper bound of time spent sleeping between attempts of one call.
    pub budget: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            initial_backoff: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            retry_non_idempotent: false,
            budget: Duration::from_secs(30),
        }
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// Full endpoint URL (`https://…`, or `http://` for a local emulator). Wins over `region`.
    pub endpoint: Option<String>,
    /// Region name; the endpoint becomes `https://dcs.{region}.myhuaweicloud.com`.
    pub region: Option<String>,
    pub project_id: Option<String>,
    /// `None`: read from the environment when the client is built.
    pub credentials: Option<Credentials>,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub total_timeout: Duration,
    pub retry: RetryPolicy,
    /// Explicit proxy URL; otherwise `HTTPS_PROXY` / `NO_PROXY` from the environment apply.
    pub proxy: Option<String>,
    /// Extra PEM CA bundle to trust.
    pub ca_bundle: Option<PathBuf>,
    /// Turns TLS verification off (logged as a warning). Never the default.
    pub insecure_skip_tls_verify: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            endpoint: None,
            region: None,
            project_id: None,
            credentials: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            total_timeout: Duration::from_secs(120),
            retry: RetryPolicy::default(),
            proxy: None,
            ca_bundle: None,
            insecure_skip_tls_verify: false,
        }
    }
}

impl Config {
    /// Fills what is unset from the environment (credentials, project id).
    pub fn with_env_defaults(mut self) -> Result<Self> {
        if self.credentials.is_none() {
            self.credentials = Credentials::from_env()?;
        }
        if self.project_id.is_none() {
            self.project_id = std::env::var(ENV_PROJECT_ID).ok().filter(|p| !p.is_empty());
        }
        Ok(self)
    }

    /// The base URL requests go to, without a trailing slash.
    pub fn base_url(&self) -> Result<String> {
        if let Some(ep) = &self.endpoint {
            let ep = ep.trim_end_matches('/');
            if !(ep.starts_with("https://") || ep.starts_with("http://")) {
                return Err(Error::invalid_input("endpoint", format!("must start with https:// or http://, got {ep:?}")));
            }
            return Ok(ep.to_string());
        }
        match &self.region {
            Some(r) if valid_region_name(r) => Ok(format!("https://dcs.{r}.myhuaweicloud.com")),
            Some(r) => Err(Error::invalid_input("region", format!("{r:?} is not a region name"))),
            None => Err(Error::invalid_input("endpoint", "set either an endpoint or a region")),
        }
    }
}

fn valid_region_name(r: &str) -> bool {
    !r.is_empty() && r.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_from_region_or_explicit() {
        let c = Config { region: Some("cn-north-4".into()), ..Default::default() };
        assert_eq!(c.base_url().unwrap(), "https://dcs.cn-north-4.myhuaweicloud.com");
        let c = Config { region: Some("xx-new-9".into()), ..Default::default() };
        assert_eq!(c.base_url().unwrap(), "https://dcs.xx-new-9.myhuaweicloud.com");
        let c = Config { endpoint: Some("http://127.0.0.1:8080/".into()), ..Default::default() };
        assert_eq!(c.base_url().unwrap(), "http://127.0.0.1:8080");
        let e = Config { region: Some("bad/region".into()), ..Default::default() }.base_url().unwrap_err();
        assert_eq!(e.param(), Some("region"));
        let e = Config::default().base_url().unwrap_err();
        assert_eq!(e.param(), Some("endpoint"));
    }
}
