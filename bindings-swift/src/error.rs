//! The core's one error model as a uniffi error enum: Swift sees `enum NativeError: Error` with
//! one case per core kind (tests/error-model.json, column `swift`). The three service kinds
//! share the case `service`, whose `code` says which one it is.

use dcskit::{Error, ErrorKind};

#[derive(Debug, Clone, PartialEq, thiserror::Error, uniffi::Error)]
pub enum NativeError {
    /// `INVALID_INPUT`: nothing was sent; `param` names the offending parameter.
    #[error("[INVALID_INPUT] {message}")]
    InvalidInput { message: String, param: Option<String> },
    #[error("[CREDENTIALS] {message}")]
    Credentials { message: String },
    #[error("[CONNECTION] {message}")]
    Connection { message: String },
    #[error("[TLS] {message}")]
    Tls { message: String },
    #[error("[TIMEOUT] {message}")]
    Timeout { message: String },
    /// `CLIENT_REQUEST` (4xx), `SERVER_RESPONSE` (5xx) or `THROTTLED` (429), in `code`.
    #[error("[{code}] {message}")]
    Service {
        code: String,
        message: String,
        status_code: u16,
        error_code: Option<String>,
        error_msg: Option<String>,
        request_id: Option<String>,
        /// Seconds, from `Retry-After` on a 429.
        retry_after: Option<f64>,
    },
    #[error("[DECODE] {message}")]
    Decode { message: String },
    /// `ANALYSIS`: the RDB input is broken at byte `offset`.
    #[error("[ANALYSIS] {message}")]
    Analysis { message: String, offset: Option<u64> },
    #[error("[IO] {message}")]
    Io { message: String },
    #[error("[CANCELLED] {message}")]
    Cancelled { message: String },
    #[error("[INTERNAL] {message}")]
    Internal { message: String },
}

impl From<Error> for NativeError {
    fn from(e: Error) -> Self {
        let message = e.message().to_string();
        match e.kind() {
            ErrorKind::InvalidInput => NativeError::InvalidInput { message, param: e.param().map(str::to_string) },
            ErrorKind::Credentials => NativeError::Credentials { message },
            ErrorKind::Connection => NativeError::Connection { message },
            ErrorKind::Tls => NativeError::Tls { message },
            ErrorKind::Timeout => NativeError::Timeout { message },
            ErrorKind::Throttled | ErrorKind::ClientRequest | ErrorKind::ServerResponse => {
                let d = e.service_details().cloned().unwrap_or_default();
                NativeError::Service {
                    code: e.code().to_string(),
                    message,
                    status_code: d.status_code,
                    error_code: d.error_code,
                    error_msg: d.error_msg,
                    request_id: d.request_id,
                    retry_after: d.retry_after.map(|r| r.as_secs_f64()),
                }
            }
            ErrorKind::Decode => NativeError::Decode { message },
            ErrorKind::Analysis => NativeError::Analysis { message, offset: e.offset() },
            ErrorKind::Io => NativeError::Io { message },
            ErrorKind::Cancelled => NativeError::Cancelled { message },
            ErrorKind::Internal => NativeError::Internal { message },
        }
    }
}

/// Throws the error a core error of kind `code` becomes, through the same conversion as every
/// real call; the Swift suite checks each against tests/error-model.json. Service kinds get a
/// status that fits them and sample details; an unknown code is `INVALID_INPUT`.
#[uniffi::export]
pub fn native_throw_sample_error(code: String) -> Result<(), NativeError> {
    let kind = ErrorKind::from_code(&code)
        .ok_or_else(|| Error::invalid_input("code", format!("{code:?} is not an error code")))?;
    let err = match kind {
        ErrorKind::InvalidInput => Error::invalid_input("sample_param", "sample"),
        ErrorKind::Analysis => Error::analysis(42, "sample"),
        k if k.is_service() => {
            let status_code = match k {
                ErrorKind::Throttled => 429,
                ErrorKind::ServerResponse => 503,
                _ => 404,
            };
            Error::service(dcskit::ServiceDetails {
                status_code,
                error_code: Some("DCS.4000".into()),
                error_msg: Some("sample".into()),
                request_id: Some("sample-request-id".into()),
                retry_after: (k == ErrorKind::Throttled).then(|| std::time::Duration::from_secs(2)),
            })
        }
        k => Error::new(k, "sample"),
    };
    Err(err.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_maps_and_service_details_survive() {
        for k in ErrorKind::ALL {
            let e = native_throw_sample_error(k.code().to_string()).unwrap_err();
            assert!(e.to_string().starts_with(&format!("[{}]", k.code())), "{e}");
            if k.is_service() {
                let NativeError::Service { code, request_id, error_code, .. } = e else { panic!("{k:?}") };
                assert_eq!(code, k.code());
                assert_eq!(request_id.as_deref(), Some("sample-request-id"));
                assert_eq!(error_code.as_deref(), Some("DCS.4000"));
            }
        }
        assert!(matches!(
            native_throw_sample_error("NOPE".into()).unwrap_err(),
            NativeError::InvalidInput { param: Some(p), .. } if p == "code"
        ));
    }
}
