//! THE error model. Every failure in dcskit is an [`Error`] with one [`ErrorKind`], whose
//! stable code string every binding exposes unchanged.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;

/// The kinds of failure; `code()` is the stable string bindings expose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorKind {
    /// Nothing was sent: a parameter is missing, mistyped or out of range.
    InvalidInput,
    /// Credentials are missing or unusable.
    Credentials,
    /// The connection could not be made or broke.
    Connection,
    /// TLS handshake or certificate failure.
    Tls,
    /// A connect, read or total timeout expired.
    Timeout,
    /// HTTP 429 from the service.
    Throttled,
    /// HTTP 4xx (other than 429) from the service.
    ClientRequest,
    /// HTTP 5xx from the service.
    ServerResponse,
    /// A response body could not be decoded.
    Decode,
    /// An RDB file could not be analysed (carries a byte offset).
    Analysis,
    /// Local I/O failed.
    Io,
    /// The caller cancelled the operation.
    Cancelled,
    /// A bug in dcskit.
    Internal,
}

impl ErrorKind {
    pub const ALL: [ErrorKind; 13] = [
        ErrorKind::InvalidInput,
        ErrorKind::Credentials,
        ErrorKind::Connection,
        ErrorKind::Tls,
        ErrorKind::Timeout,
        ErrorKind::Throttled,
        ErrorKind::ClientRequest,
        ErrorKind::ServerResponse,
        ErrorKind::Decode,
        ErrorKind::Analysis,
        ErrorKind::Io,
        ErrorKind::Cancelled,
        ErrorKind::Internal,
    ];

    pub const fn code(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "INVALID_INPUT",
            ErrorKind::Credentials => "CREDENTIALS",
            ErrorKind::Connection => "CONNECTION",
            ErrorKind::Tls => "TLS",
            ErrorKind::Timeout => "TIMEOUT",
            ErrorKind::Throttled => "THROTTLED",
            ErrorKind::ClientRequest => "CLIENT_REQUEST",
            ErrorKind::ServerResponse => "SERVER_RESPONSE",
            ErrorKind::Decode => "DECODE",
            ErrorKind::Analysis => "ANALYSIS",
            ErrorKind::Io => "IO",
            ErrorKind::Cancelled => "CANCELLED",
            ErrorKind::Internal => "INTERNAL",
        }
    }

    pub fn from_code(code: &str) -> Option<ErrorKind> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    /// True for the kinds that come from an HTTP answer of the service.
    pub const fn is_service(self) -> bool {
        matches!(self, ErrorKind::Throttled | ErrorKind::ClientRequest | ErrorKind::ServerResponse)
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What the service said when it answered with an error status.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ServiceDetails {
    pub status_code: u16,
    pub error_code: Option<String>,
    pub error_msg: Option<String>,
    pub request_id: Option<String>,
    /// From `Retry-After` on a 429.
    pub retry_after: Option<Duration>,
}

/// The one error type of dcskit.
#[derive(Clone)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    service: Option<Box<ServiceDetails>>,
    param: Option<String>,
    offset: Option<u64>,
    partial_report: Option<Arc<serde_json::Value>>,
    source: Option<Arc<dyn std::error::Error + Send + Sync + 'static>>,
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            service: None,
            param: None,
            offset: None,
            partial_report: None,
            source: None,
        }
    }

    /// `INVALID_INPUT` naming the offending parameter.
    pub fn invalid_input(param: impl Into<String>, message: impl Into<String>) -> Self {
        let param = param.into();
        let mut e = Error::new(ErrorKind::InvalidInput, format!("{param}: {}", message.into()));
        e.param = Some(param);
        e
    }

    /// `ANALYSIS` at a byte offset of the input.
    pub fn analysis(offset: u64, message: impl Into<String>) -> Self {
        let mut e = Error::new(ErrorKind::Analysis, format!("at byte offset {offset}: {}", message.into()));
        e.offset = Some(offset);
        e
    }

    /// A service error from an HTTP status; the kind follows from the status.
    pub fn service(details: ServiceDetails) -> Self {
        let kind = match details.status_code {
            429 => ErrorKind::Throttled,
            500..=599 => ErrorKind::ServerResponse,
            _ => ErrorKind::ClientRequest,
        };
        let mut message = format!("HTTP {}", details.status_code);
        if let Some(code) = &details.error_code {
            message.push_str(&format!(" {code}"));
        }
        if let Some(msg) = &details.error_msg {
            message.push_str(&format!(": {msg}"));
        }
        if let Some(rid) = &details.request_id {
            message.push_str(&format!(" (request id {rid})"));
        }
        let mut e = Error::new(kind, message);
        e.service = Some(Box::new(details));
        e
    }

    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    pub fn with_partial_report(mut self, report: serde_json::Value) -> Self {
        self.partial_report = Some(Arc::new(report));
        self
    }

    pub fn with_offset(mut self, offset: u64) -> Self {
        self.offset = Some(offset);
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }
    pub fn message(&self) -> &str {
        &self.message
    }
    pub fn service_details(&self) -> Option<&ServiceDetails> {
        self.service.as_deref()
    }
    pub fn status_code(&self) -> Option<u16> {
        self.service.as_ref().map(|s| s.status_code)
    }
    pub fn error_code(&self) -> Option<&str> {
        self.service.as_ref().and_then(|s| s.error_code.as_deref())
    }
    pub fn error_msg(&self) -> Option<&str> {
        self.service.as_ref().and_then(|s| s.error_msg.as_deref())
    }
    pub fn request_id(&self) -> Option<&str> {
        self.service.as_ref().and_then(|s| s.request_id.as_deref())
    }
    pub fn retry_after(&self) -> Option<Duration> {
        self.service.as_ref().and_then(|s| s.retry_after)
    }
    pub fn param(&self) -> Option<&str> {
        self.param.as_deref()
    }
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }
    pub fn partial_report(&self) -> Option<&serde_json::Value> {
        self.partial_report.as_deref()
    }

    /// The documented meaning and handling of this error's DCS error code, when the
    /// error-code table (seed 004 §7.2, kept as data in `spec/error-codes.json`) has it.
    pub fn documented(&self) -> Option<&'static crate::error_codes::ErrorCodeDoc> {
        crate::error_codes::lookup(self.error_code()?)
    }

    /// Everything as JSON (what bindings and the CLI print); never holds secrets.
    pub fn to_json(&self) -> serde_json::Value {
        let mut v = serde_json::json!({ "code": self.code(), "message": self.message });
        let o = v.as_object_mut().expect("object");
        if let Some(s) = &self.service {
            o.insert("status_code".into(), s.status_code.into());
            o.insert("error_code".into(), s.error_code.clone().into());
            o.insert("error_msg".into(), s.error_msg.clone().into());
            o.insert("request_id".into(), s.request_id.clone().into());
            if let Some(r) = s.retry_after {
                o.insert("retry_after".into(), r.as_secs_f64().into());
            }
        }
        if let Some(p) = &self.param {
            o.insert("param".into(), p.clone().into());
        }
        if let Some(off) = self.offset {
            o.insert("offset".into(), off.into());
        }
        v
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[{}] {}", self.kind.code(), self.message)
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("Error");
        d.field("kind", &self.kind).field("message", &self.message);
        if let Some(s) = &self.service {
            d.field("service", s);
        }
        if let Some(p) = &self.param {
            d.field("param", p);
        }
        if let Some(o) = &self.offset {
            d.field("offset", o);
        }
        if let Some(s) = &self.source {
            d.field("source", &s.to_string());
        }
        d.finish()
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_ref().map(|s| s.as_ref() as &(dyn std::error::Error + 'static))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Io, e.to_string()).with_source(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut seen = std::collections::HashSet::new();
        for k in ErrorKind::ALL {
            assert!(seen.insert(k.code()));
            assert_eq!(ErrorKind::from_code(k.code()), Some(k));
        }
        assert_eq!(ErrorKind::from_code("NOPE"), None);
    }

    #[test]
    fn service_kind_follows_status() {
        let e = Error::service(ServiceDetails { status_code: 429, ..Default::default() });
        assert_eq!(e.kind(), ErrorKind::Throttled);
        let e = Error::service(ServiceDetails { status_code: 503, ..Default::default() });
        assert_eq!(e.kind(), ErrorKind::ServerResponse);
        let e = Error::service(ServiceDetails {
            status_code: 404,
            error_code: Some("DCS.4133".into()),
            error_msg: Some("not found".into()),
            request_id: Some("rid-1".into()),
            retry_after: None,
        });
        assert_eq!(e.kind(), ErrorKind::ClientRequest);
        assert_eq!(e.request_id(), Some("rid-1"));
        assert!(e.to_string().contains("DCS.4133"));
        assert!(e.to_string().contains("rid-1"));
    }

    #[test]
    fn invalid_input_names_parameter() {
        let e = Error::invalid_input("limit", "must be at most 1000");
        assert_eq!(e.param(), Some("limit"));
        assert!(e.to_string().starts_with("[INVALID_INPUT] limit:"));
    }
}
