//! The reqwest client: rustls (ring), timeouts, proxies, extra CAs, User-Agent.

use std::sync::Once;

use crate::config::Config;
use crate::error::{Error, Result};

/// `dcskit/<version>`.
pub fn user_agent() -> String {
    format!("dcskit/{}", crate::VERSION)
}

/// rustls needs one process-wide crypto provider; dcskit uses ring (no C toolchain needed).
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // An error means the host application installed one already: use theirs.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Builds the pooled client. The total timeout is enforced per call by the transport (a
/// client-wide one would also cut long downloads short).
pub fn build(config: &Config) -> Result<reqwest::Client> {
    install_crypto_provider();
    let mut b = reqwest::Client::builder()
        .user_agent(user_agent())
        .connect_timeout(config.connect_timeout)
        .read_timeout(config.read_timeout)
        .pool_idle_timeout(std::time::Duration::from_secs(90))
        .tcp_nodelay(true);
    if let Some(proxy) = &config.proxy {
        let p = reqwest::Proxy::all(proxy.as_str())
            .map_err(|e| Error::invalid_input("proxy", format!("{proxy:?} is not a proxy URL: {e}")))?
            .no_proxy(reqwest::NoProxy::from_env());
        b = b.proxy(p);
    }
    // Without an explicit proxy, reqwest reads HTTPS_PROXY / HTTP_PROXY / NO_PROXY itself.
    if let Some(path) = &config.ca_bundle {
        let pem = std::fs::read(path).map_err(|e| Error::invalid_input("ca_bundle", format!("{}: {e}", path.display())))?;
        let certs = reqwest::Certificate::from_pem_bundle(&pem)
            .map_err(|e| Error::invalid_input("ca_bundle", format!("{}: not a PEM bundle: {e}", path.display())))?;
        if certs.is_empty() {
            return Err(Error::invalid_input("ca_bundle", format!("{}: no certificate in the file", path.display())));
        }
        b = b.tls_certs_merge(certs);
    }
    if config.insecure_skip_tls_verify {
        tracing::warn!("TLS certificate verification is turned OFF (insecure_skip_tls_verify): anyone on the path can read and change requests");
        b = b.tls_danger_accept_invalid_certs(true);
    }
    b.build().map_err(|e| Error::new(crate::ErrorKind::InvalidInput, format!("cannot build the HTTP client: {e}")).with_source(e))
}
