//! Server side: recompute the signature of a request as it arrived and compare.

use std::fmt;
use std::time::{Duration, SystemTime};

use super::encoding::{canonical_query_into, canonical_uri_into, parse_query, py_strip};
use super::{authorization, sha256_hex, signature, string_to_sign, SdkDate, ALGORITHM, EMPTY_HASH, HEADER_CONTENT_SHA256, HEADER_DATE, UNSIGNED_PAYLOAD};
use crate::auth::Credentials;

/// A request as received. `path` and `query` are raw (as on the wire, without the `?`);
/// a header may appear several times (its values are joined with `,`).
#[derive(Debug, Clone, Copy)]
pub struct IncomingRequest<'a> {
    pub method: &'a str,
    pub path: &'a str,
    pub query: &'a str,
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// A request whose signature checked out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub access_key: String,
    pub signed_headers: Vec<String>,
    pub date: SdkDate,
}

/// Why a request was rejected. `code()` is a short stable name; `Display` explains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyFailure {
    MissingAuthorization,
    MalformedAuthorization(String),
    UnsupportedAlgorithm(String),
    UnknownAccessKey(String),
    MissingDate,
    BadDate(String),
    ClockSkew { date: SdkDate, skew: Duration },
    MissingSignedHeader(String),
    PayloadHashMismatch,
    /// Carries our canonical request, to compare with the client's.
    SignatureMismatch { canonical_request: String },
}

impl VerifyFailure {
    pub fn code(&self) -> &'static str {
        match self {
            VerifyFailure::MissingAuthorization => "missing_authorization",
            VerifyFailure::MalformedAuthorization(_) => "malformed_authorization",
            VerifyFailure::UnsupportedAlgorithm(_) => "unsupported_algorithm",
            VerifyFailure::UnknownAccessKey(_) => "unknown_access_key",
            VerifyFailure::MissingDate => "missing_date",
            VerifyFailure::BadDate(_) => "bad_date",
            VerifyFailure::ClockSkew { .. } => "clock_skew",
            VerifyFailure::MissingSignedHeader(_) => "missing_signed_header",
            VerifyFailure::PayloadHashMismatch => "payload_hash_mismatch",
            VerifyFailure::SignatureMismatch { .. } => "signature_mismatch",
        }
    }
}

impl fmt::Display for VerifyFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            VerifyFailure::MissingAuthorization => write!(f, "no Authorization header"),
            VerifyFailure::MalformedAuthorization(why) => write!(f, "malformed Authorization header: {why}"),
            VerifyFailure::UnsupportedAlgorithm(a) => write!(f, "unsupported signing algorithm {a:?}"),
            VerifyFailure::UnknownAccessKey(ak) => write!(f, "unknown access key {ak:?}"),
            VerifyFailure::MissingDate => write!(f, "no {HEADER_DATE} header"),
            VerifyFailure::BadDate(v) => write!(f, "{HEADER_DATE} {v:?} is not YYYYMMDDTHHMMSSZ"),
            VerifyFailure::ClockSkew { date, skew } => write!(f, "{HEADER_DATE} {date} is {}s away from the server's clock", skew.as_secs()),
            VerifyFailure::MissingSignedHeader(h) => write!(f, "signed header {h:?} is not in the request"),
            VerifyFailure::PayloadHashMismatch => write!(f, "{HEADER_CONTENT_SHA256} does not match the body"),
            VerifyFailure::SignatureMismatch { .. } => write!(f, "the signature does not match"),
        }
    }
}

impl std::error::Error for VerifyFailure {}

/// Checks an `SDK-HMAC-SHA256` signature. `lookup` maps an access key to its credentials
/// (`None`: unknown key); the date must be within `max_skew` of `now`.
pub fn verify(
    req: &IncomingRequest<'_>,
    lookup: impl FnOnce(&str) -> Option<Credentials>,
    now: SystemTime,
    max_skew: Duration,
) -> Result<Verified, VerifyFailure> {
    let header = |name: &str| -> Option<String> {
        let mut values = req.headers.iter().filter(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| py_strip(v));
        let first = values.next()?;
        Some(values.fold(first.to_string(), |mut acc, v| {
            acc.push(',');
            acc.push_str(v);
            acc
        }))
    };
    let auth = header("authorization").ok_or(VerifyFailure::MissingAuthorization)?;
    let (access_key, signed_list, claimed) = parse_authorization(&auth)?;

    let date_value = header(HEADER_DATE).ok_or(VerifyFailure::MissingDate)?;
    let date = SdkDate::parse(&date_value, HEADER_DATE).map_err(|_| VerifyFailure::BadDate(date_value.clone()))?;
    let now_s = SdkDate::from_system_time(now).unix_seconds();
    let skew = Duration::from_secs(now_s.abs_diff(date.unix_seconds()));
    if skew > max_skew {
        return Err(VerifyFailure::ClockSkew { date, skew });
    }

    let credentials = lookup(access_key).ok_or_else(|| VerifyFailure::UnknownAccessKey(access_key.to_string()))?;
    let key = credentials.signing_key().ok_or_else(|| VerifyFailure::UnknownAccessKey(access_key.to_string()))?;

    let mut canonical_request = String::with_capacity(512);
    canonical_request.extend(req.method.chars().map(|c| c.to_ascii_uppercase()));
    canonical_request.push('\n');
    canonical_uri_into(&mut canonical_request, req.path);
    canonical_request.push('\n');
    canonical_query_into(&mut canonical_request, &parse_query(req.query));
    canonical_request.push('\n');
    let mut signed_headers = Vec::new();
    for name in signed_list.split(';') {
        let value = header(name).ok_or_else(|| VerifyFailure::MissingSignedHeader(name.to_string()))?;
        canonical_request.push_str(name);
        canonical_request.push(':');
        canonical_request.push_str(&value);
        canonical_request.push('\n');
        signed_headers.push(name.to_string());
    }
    canonical_request.push('\n');
    canonical_request.push_str(signed_list);
    canonical_request.push('\n');
    canonical_request.push_str(&payload_hash(req.body, header(HEADER_CONTENT_SHA256))?);

    let expected = signature(key, &string_to_sign(date, &canonical_request));
    let expected_auth = authorization(access_key, signed_list, &expected);
    if !constant_time_eq(expected.as_bytes(), claimed.as_bytes()) || expected_auth.len() != auth.len() {
        return Err(VerifyFailure::SignatureMismatch { canonical_request });
    }
    Ok(Verified { access_key: access_key.to_string(), signed_headers, date })
}

fn payload_hash(body: &[u8], declared: Option<String>) -> Result<String, VerifyFailure> {
    if body.is_empty() {
        return Ok(EMPTY_HASH.to_string());
    }
    let actual = sha256_hex(body);
    match declared.filter(|d| !d.is_empty()) {
        None => Ok(actual),
        Some(d) if d == UNSIGNED_PAYLOAD => Ok(d),
        Some(d) if d.eq_ignore_ascii_case(&actual) => Ok(d),
        Some(_) => Err(VerifyFailure::PayloadHashMismatch),
    }
}

/// `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` → (AK, "a;b", hex).
fn parse_authorization(value: &str) -> Result<(&str, &str, &str), VerifyFailure> {
    let (algorithm, rest) = value.split_once(' ').ok_or_else(|| VerifyFailure::MalformedAuthorization("no algorithm".into()))?;
    if algorithm != ALGORITHM {
        return Err(VerifyFailure::UnsupportedAlgorithm(algorithm.to_string()));
    }
    let (mut access, mut signed, mut signature) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=').ok_or_else(|| VerifyFailure::MalformedAuthorization(format!("{:?} is not key=value", part.trim())))?;
        match k {
            "Access" => access = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => signature = Some(v),
            _ => return Err(VerifyFailure::MalformedAuthorization(format!("unknown field {k:?}"))),
        }
    }
    let missing = |f: &str| VerifyFailure::MalformedAuthorization(format!("no {f}"));
    let signed = signed.filter(|s| !s.is_empty()).ok_or_else(|| missing("SignedHeaders"))?;
    Ok((access.filter(|s| !s.is_empty()).ok_or_else(|| missing("Access"))?, signed, signature.ok_or_else(|| missing("Signature"))?))
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::super::{sign, ParsedUrl};
    use super::*;

    fn signed_request(url: &str, headers: &[(&str, &str)], body: &[u8]) -> super::super::Signed {
        let parsed = ParsedUrl::parse(url, "url").unwrap();
        let headers: Vec<(String, String)> = headers.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect();
        let date = SdkDate::parse("20260101T120000Z", "d").unwrap();
        let s = sign(&parsed.request("POST", &headers, body), &Credentials::temporary("AK1", "SK1", "T"), Some("proj"), Some(date)).unwrap();
        s
    }

    fn now() -> SystemTime {
        SdkDate::parse("20260101T120100Z", "d").unwrap().to_system_time()
    }

    fn lookup(ak: &str) -> Option<Credentials> {
        (ak == "AK1").then(|| Credentials::aksk("AK1", "SK1"))
    }

    fn check(s: &super::super::Signed, path: &str, body: &[u8], tweak: impl FnOnce(&mut Vec<(String, String)>)) -> Result<Verified, VerifyFailure> {
        let query = s.url.split_once('?').map_or("", |(_, q)| q);
        let mut headers = s.headers.clone();
        tweak(&mut headers);
        let req = IncomingRequest { method: "POST", path, query, headers: &headers, body };
        verify(&req, lookup, now(), Duration::from_secs(900))
    }

    #[test]
    fn accepts_what_sign_produces() {
        let body = br#"{"a":1}"#;
        let s = signed_request("http://127.0.0.1:1/v2/proj/instances/a%20b?z=1&a=x%2By&a=", &[("Content-Type", "application/json"), ("x_trace", "1")], body);
        let v = check(&s, "/v2/proj/instances/a%20b", body, |_| {}).unwrap();
        assert_eq!(v.access_key, "AK1");
        assert!(v.signed_headers.contains(&"x-security-token".to_string()));
        // Header names arrive lower-cased from HTTP/2 or proxies: still fine.
        let v = check(&s, "/v2/proj/instances/a%20b", body, |h| h.iter_mut().for_each(|(k, _)| *k = k.to_lowercase()));
        assert!(v.is_ok());
    }

    #[test]
    fn rejects_tampering() {
        let body = br#"{"a":1}"#;
        let s = signed_request("http://h/v2/x?limit=1", &[("Content-Type", "application/json")], body);
        let e = check(&s, "/v2/x", br#"{"a":2}"#, |_| {}).unwrap_err();
        assert_eq!(e.code(), "signature_mismatch");
        let e = check(&s, "/v2/y", body, |_| {}).unwrap_err();
        assert_eq!(e.code(), "signature_mismatch");
        let e = check(&s, "/v2/x", body, |h| h.retain(|(k, _)| k != "X-Project-Id")).unwrap_err();
        assert_eq!(e, VerifyFailure::MissingSignedHeader("x-project-id".into()));
        let e = check(&s, "/v2/x", body, |h| h.retain(|(k, _)| k != "Authorization")).unwrap_err();
        assert_eq!(e, VerifyFailure::MissingAuthorization);
        let e = check(&s, "/v2/x", body, |h| {
            h.iter_mut().filter(|(k, _)| k == "Authorization").for_each(|(_, v)| *v = v.replace("AK1", "AK2"))
        })
        .unwrap_err();
        assert_eq!(e, VerifyFailure::UnknownAccessKey("AK2".into()));
        let e = check(&s, "/v2/x", body, |h| {
            h.iter_mut().filter(|(k, _)| k == "X-Sdk-Date").for_each(|(_, v)| *v = "20250101T120000Z".into())
        })
        .unwrap_err();
        assert_eq!(e.code(), "clock_skew");
        let e = check(&s, "/v2/x", body, |h| {
            h.iter_mut().filter(|(k, _)| k == "Authorization").for_each(|(_, v)| *v = v.replace("SDK-HMAC-SHA256", "SDK-HMAC-SM3"))
        })
        .unwrap_err();
        assert_eq!(e.code(), "unsupported_algorithm");
    }

    #[test]
    fn unsigned_payload_accepts_any_body() {
        let s = signed_request("http://h/up", &[("Content-Type", "application/octet-stream")], b"\x00\x01");
        assert!(check(&s, "/up", b"\x00\x01", |_| {}).is_ok());
    }
}
