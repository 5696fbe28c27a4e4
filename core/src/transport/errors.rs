//! Turning HTTP failures into dcskit errors: reqwest errors onto CONNECTION / TLS / TIMEOUT,
//! error statuses onto service errors with the DCS error body parsed.

use std::time::Duration;

use serde_json::Value;

use crate::error::{Error, ErrorKind, ServiceDetails};

/// Maps a reqwest failure; `context` says what was being done (e.g. `GET https://host/path`).
pub fn from_reqwest(e: reqwest::Error, context: &str) -> Error {
    let root = root_cause(&e);
    let (kind, what) = if e.is_timeout() {
        (ErrorKind::Timeout, "timed out")
    } else if is_tls(&e) {
        (ErrorKind::Tls, "TLS failure")
    } else if e.is_builder() {
        (ErrorKind::InvalidInput, "invalid request")
    } else if e.is_connect() {
        (ErrorKind::Connection, "could not connect")
    } else if e.is_decode() {
        (ErrorKind::Decode, "could not decode the response")
    } else {
        (ErrorKind::Connection, "connection failed")
    };
    Error::new(kind, format!("{context}: {what}: {root}")).with_source(e)
}

/// True when a connection attempt failed before any byte of the request was sent, so even a
/// non-idempotent request can be tried again.
pub fn nothing_sent(e: &reqwest::Error) -> bool {
    e.is_connect() && !is_tls(e)
}

fn root_cause(e: &(dyn std::error::Error + 'static)) -> String {
    let mut cur = e;
    while let Some(next) = cur.source() {
        cur = next;
    }
    cur.to_string()
}

fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut cur: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(err) = cur {
        if err.downcast_ref::<rustls::Error>().is_some() {
            return true;
        }
        // io::Error hides its payload from `source()`; rustls errors come wrapped twice.
        let mut io = err.downcast_ref::<std::io::Error>();
        while let Some(inner) = io.and_then(|e| e.get_ref()) {
            if inner.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
            io = inner.downcast_ref::<std::io::Error>();
        }
        let text = err.to_string().to_ascii_lowercase();
        if text.contains("certificate") || text.contains("tls handshake") || text.contains("invalid peer") {
            return true;
        }
        cur = err.source();
    }
    false
}

/// A service error from a status >= 400 and its body, in either DCS form:
/// `{"error_code": …, "error_msg": …}` or `{"error": {"code": …, "message": …}}`.
pub fn service_error(status: u16, body: &[u8], request_id: Option<String>, retry_after: Option<Duration>) -> Error {
    let (error_code, error_msg) = parse_error_body(body);
    Error::service(ServiceDetails { status_code: status, error_code, error_msg, request_id, retry_after })
}

pub fn parse_error_body(body: &[u8]) -> (Option<String>, Option<String>) {
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) => Some(s.clone()),
            Value::Null => None,
            other => Some(other.to_string()),
        }
    };
    match serde_json::from_slice::<Value>(body) {
        Ok(v) => {
            if let Some(inner) = v.get("error").filter(|e| e.is_object()) {
                (text(inner.get("code").or(inner.get("error_code"))), text(inner.get("message").or(inner.get("error_msg"))))
            } else {
                (
                    text(v.get("error_code").or(v.get("errorCode")).or(v.get("code"))),
                    text(v.get("error_msg").or(v.get("errorMsg")).or(v.get("message"))),
                )
            }
        }
        Err(_) => {
            // Not JSON (a gateway page, plain text): keep a short, single-line excerpt.
            let s = String::from_utf8_lossy(body);
            let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
            let excerpt: String = s.chars().take(300).collect();
            (None, (!excerpt.is_empty()).then_some(excerpt))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_body_forms() {
        assert_eq!(
            parse_error_body(br#"{"error_code":"DCS.4133","error_msg":"gone"}"#),
            (Some("DCS.4133".into()), Some("gone".into()))
        );
        assert_eq!(
            parse_error_body(br#"{"error":{"code":"APIGW.0301","message":"Incorrect IAM authentication information"}}"#),
            (Some("APIGW.0301".into()), Some("Incorrect IAM authentication information".into()))
        );
        assert_eq!(parse_error_body(b"<html>\n  Bad   Gateway</html>"), (None, Some("<html> Bad Gateway</html>".into())));
        assert_eq!(parse_error_body(b""), (None, None));
    }
}
