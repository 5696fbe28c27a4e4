//! SDK-HMAC-SHA256 request signing, byte-identical to the official Huawei Cloud SDKs, plus
//! [`verify`] for servers (the emulator) that check incoming signatures the same way.
//!
//! canonical request = `METHOD\nURI/\nQUERY\nheaders\n\nsigned;headers\npayload-hash`
//! string to sign    = `SDK-HMAC-SHA256\n<X-Sdk-Date>\n<hex sha256(canonical request)>`
//! Authorization     = `SDK-HMAC-SHA256 Access=<AK>, SignedHeaders=<list>, Signature=<hex hmac>`
//!
//! Header handling follows the reference exactly, quirks included: headers behave like a
//! dictionary keyed by the exact name (a repeated name keeps its first position and last
//! value), only a header named exactly `Content-Type` decides `UNSIGNED-PAYLOAD`, names
//! containing `_` are sent but not signed, and values are trimmed of Python's whitespace.

mod date;
pub mod encoding;
mod verify;

use std::borrow::Cow;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub use date::{FormattedDate, SdkDate};
pub use verify::{verify, IncomingRequest, Verified, VerifyFailure};

use crate::auth::Credentials;
use crate::error::{Error, Result};
use encoding::{canonical_query_into, canonical_uri_into, hex_into, py_strip};

pub const ALGORITHM: &str = "SDK-HMAC-SHA256";
pub const HEADER_DATE: &str = "X-Sdk-Date";
pub const HEADER_CONTENT_SHA256: &str = "X-Sdk-Content-Sha256";
pub const HEADER_PROJECT_ID: &str = "X-Project-Id";
pub const HEADER_SECURITY_TOKEN: &str = "X-Security-Token";
pub const HEADER_AUTH_TOKEN: &str = "X-Auth-Token";
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// Hex SHA-256 of the empty string: the payload hash of a request without a body.
pub const EMPTY_HASH: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// What gets signed. `path` is as on the wire (percent-encoded); `query` holds decoded pairs
/// in any order (repeated keys allowed); `host` is `name[:port]`.
#[derive(Debug, Clone, Copy)]
pub struct SigningRequest<'a> {
    pub method: &'a str,
    pub scheme: &'a str,
    pub host: &'a str,
    pub path: &'a str,
    pub query: &'a [(String, String)],
    pub headers: &'a [(String, String)],
    pub body: &'a [u8],
}

/// The result of signing: what to send and the intermediate strings (for debugging).
/// `Debug` hides the token headers' values.
#[derive(Clone, PartialEq, Eq)]
pub struct Signed {
    /// `scheme://host/path?canonical-query`: the URL to send.
    pub url: String,
    /// Every header to send, in order (the caller's, then the ones the signer added).
    pub headers: Vec<(String, String)>,
    /// Empty for token authentication.
    pub canonical_request: String,
    pub string_to_sign: String,
    pub signed_headers: String,
    /// `None` for token authentication (`X-Auth-Token` is in `headers` instead).
    pub authorization: Option<String>,
}

impl Signed {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Headers whose values are secrets (shown as `[REDACTED]` in `Debug`).
pub fn is_secret_header(name: &str) -> bool {
    name.eq_ignore_ascii_case(HEADER_SECURITY_TOKEN) || name.eq_ignore_ascii_case(HEADER_AUTH_TOKEN)
}

/// The canonical request with the token lines' values hidden.
fn redact_canonical(canonical_request: &str) -> String {
    canonical_request
        .split('\n')
        .map(|line| match line.split_once(':') {
            Some((name, _)) if is_secret_header(name) => format!("{name}:[REDACTED]"),
            _ => line.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

impl std::fmt::Debug for Signed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> =
            self.headers.iter().map(|(k, v)| (k.as_str(), if is_secret_header(k) { "[REDACTED]" } else { v.as_str() })).collect();
        f.debug_struct("Signed")
            .field("url", &self.url)
            .field("headers", &headers)
            .field("canonical_request", &redact_canonical(&self.canonical_request))
            .field("string_to_sign", &self.string_to_sign)
            .field("authorization", &self.authorization)
            .finish()
    }
}

/// A URL split the way the signer needs it; the path keeps its encoding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUrl {
    pub scheme: String,
    pub host: String,
    pub path: String,
    pub query: Vec<(String, String)>,
}

impl ParsedUrl {
    /// Parses `http(s)://host[:port]/path?query` without normalising anything (a fragment is
    /// dropped). Errors name `param`.
    pub fn parse(url: &str, param: &str) -> Result<ParsedUrl> {
        let bad = |why: String| Error::invalid_input(param, why);
        if let Some(c) = url.chars().find(|c| c.is_ascii_whitespace() || c.is_control()) {
            return Err(bad(format!("{c:?} must be percent-encoded in a URL")));
        }
        let (scheme, rest) = url.split_once("://").ok_or_else(|| bad(format!("{url:?} is not an absolute URL (http:// or https://)")))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "http" && scheme != "https" {
            return Err(bad(format!("scheme {scheme:?} is not http or https")));
        }
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let host_end = rest.find(['/', '?']).unwrap_or(rest.len());
        let (host, rest) = rest.split_at(host_end);
        if host.is_empty() {
            return Err(bad(format!("{url:?} has no host")));
        }
        if host.contains('@') {
            return Err(bad("user information in the URL is not supported".into()));
        }
        if let Some((_, port)) = host.rsplit_once(':').filter(|_| !host.ends_with(']')) {
            if port.parse::<u16>().is_err() {
                return Err(bad(format!("port {port:?} is not a number from 0 to 65535")));
            }
        }
        let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
        Ok(ParsedUrl {
            scheme,
            host: host.to_string(),
            path: if path.is_empty() { "/".to_string() } else { path.to_string() },
            query: encoding::parse_query(query),
        })
    }

    pub fn request<'a>(&'a self, method: &'a str, headers: &'a [(String, String)], body: &'a [u8]) -> SigningRequest<'a> {
        SigningRequest { method, scheme: &self.scheme, host: &self.host, path: &self.path, query: &self.query, headers, body }
    }
}

/// Headers as the reference keeps them: a dictionary keyed by the exact name, in insertion order.
struct HeaderDict(Vec<(String, String)>);

impl HeaderDict {
    fn from_pairs(pairs: &[(String, String)]) -> Result<HeaderDict> {
        let mut d = HeaderDict(Vec::with_capacity(pairs.len() + 6));
        for (k, v) in pairs {
            if k.is_empty() || k.contains([':', '\r', '\n']) || k.chars().any(char::is_whitespace) {
                return Err(Error::invalid_input("headers", format!("{k:?} is not a valid header name")));
            }
            if v.contains(['\r', '\n']) {
                return Err(Error::invalid_input("headers", format!("the value of {k} contains a line break")));
            }
            d.insert(k, v.clone());
        }
        Ok(d)
    }

    fn insert(&mut self, name: &str, value: String) {
        match self.0.iter_mut().find(|(k, _)| k == name) {
            Some(entry) => entry.1 = value,
            None => self.0.push((name.to_string(), value)),
        }
    }

    fn get_exact(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }

    fn get_ignore_case(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// Signs a request with AK/SK, or adds `X-Auth-Token` for token credentials. Adds
/// `X-Project-Id` (when given), `X-Security-Token` (temporary credentials),
/// `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (non-JSON `Content-Type`), `X-Sdk-Date` (unless the
/// request has one: then it is used) and `Host` (unless present). `date: None` means now.
pub fn sign(req: &SigningRequest<'_>, credentials: &Credentials, project_id: Option<&str>, date: Option<SdkDate>) -> Result<Signed> {
    credentials.validate()?;
    if req.method.is_empty() || !req.method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(Error::invalid_input("method", format!("{:?} is not an HTTP method", req.method)));
    }
    if req.host.is_empty() {
        return Err(Error::invalid_input("url", "the host is empty"));
    }
    let mut headers = HeaderDict::from_pairs(req.headers)?;
    if let Some(p) = project_id.filter(|p| !p.is_empty()) {
        headers.insert(HEADER_PROJECT_ID, p.to_string());
    }
    let mut url = String::with_capacity(req.scheme.len() + req.host.len() + req.path.len() + 64);
    url.push_str(req.scheme);
    url.push_str("://");
    url.push_str(req.host);
    url.push_str(req.path);
    let query_at = url.len() + 1;
    url.push('?');
    canonical_query_into(&mut url, req.query);
    if url.len() == query_at {
        url.pop();
    }
    let canonical_query = url.get(query_at..).unwrap_or("");

    let Some(sk) = credentials.secret_key() else {
        if let Some(token) = credentials.auth_token() {
            headers.insert(HEADER_AUTH_TOKEN, token.to_string());
        }
        return Ok(Signed {
            url,
            headers: headers.0,
            canonical_request: String::new(),
            string_to_sign: String::new(),
            signed_headers: String::new(),
            authorization: None,
        });
    };
    if let Some(token) = credentials.security_token() {
        headers.insert(HEADER_SECURITY_TOKEN, token.to_string());
    }
    if let Some(ct) = headers.get_exact("Content-Type") {
        if !ct.is_empty() && !ct.starts_with("application/json") && !ct.starts_with("application/bson") {
            headers.insert(HEADER_CONTENT_SHA256, UNSIGNED_PAYLOAD.to_string());
        }
    }
    // A date the caller put in the headers wins (it is what the server will see).
    let date_text = match headers.get_ignore_case(HEADER_DATE) {
        Some(v) => SdkDate::parse(v, HEADER_DATE)?.format(),
        None => {
            let text = date.unwrap_or_else(SdkDate::now).format();
            headers.insert(HEADER_DATE, text.as_str().to_string());
            text
        }
    };
    if !headers.0.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        headers.insert("Host", req.host.to_string());
    }
    // Every value is sent trimmed, as the reference does.
    for (_, v) in headers.0.iter_mut() {
        let trimmed = py_strip(v);
        if trimmed.len() != v.len() {
            *v = trimmed.to_string();
        }
    }

    // Names compare and print lower-cased; only non-ASCII names need a lower-cased copy.
    let names: Vec<Cow<'_, str>> =
        headers.0.iter().map(|(k, _)| if k.is_ascii() { Cow::Borrowed(k.as_str()) } else { Cow::Owned(k.to_lowercase()) }).collect();
    let mut signed: Vec<usize> = (0..headers.0.len()).filter(|&i| !headers.0[i].0.contains('_')).collect();
    signed.sort_unstable_by(|&a, &b| cmp_lower(&names[a], &names[b]));
    let mut signed_headers = String::with_capacity(signed.len() * 16);
    for (n, &i) in signed.iter().enumerate() {
        if n > 0 {
            signed_headers.push(';');
        }
        push_lower(&mut signed_headers, &names[i]);
    }
    let mut canonical_request = String::with_capacity(256 + url.len() + headers.0.len() * 48);
    push_upper(&mut canonical_request, req.method);
    canonical_request.push('\n');
    canonical_uri_into(&mut canonical_request, req.path);
    canonical_request.push('\n');
    canonical_request.push_str(canonical_query);
    canonical_request.push('\n');
    for &i in &signed {
        // The value of a lower-cased name is that of the last header with that name in any case.
        let last = (0..names.len()).rev().find(|&j| names[j].eq_ignore_ascii_case(&names[i])).unwrap_or(i);
        push_lower(&mut canonical_request, &names[i]);
        canonical_request.push(':');
        canonical_request.push_str(&headers.0[last].1);
        canonical_request.push('\n');
    }
    canonical_request.push('\n');
    canonical_request.push_str(&signed_headers);
    canonical_request.push('\n');
    push_payload_hash(&mut canonical_request, &headers, req.body);

    let string_to_sign = string_to_sign_with(date_text.as_str(), &canonical_request);
    let mut authorization = String::with_capacity(160 + signed_headers.len());
    for part in [ALGORITHM, " Access=", credentials.access_key().unwrap_or(""), ", SignedHeaders=", &signed_headers, ", Signature="] {
        authorization.push_str(part);
    }
    push_signature(&mut authorization, sk.as_bytes(), &string_to_sign);
    headers.insert("Authorization", authorization.clone());
    Ok(Signed { url, headers: headers.0, canonical_request, string_to_sign, signed_headers, authorization: Some(authorization) })
}

/// Orders names as their lower-cased forms (ASCII names are lower-cased on the fly).
fn cmp_lower(a: &str, b: &str) -> std::cmp::Ordering {
    a.bytes().map(|c| c.to_ascii_lowercase()).cmp(b.bytes().map(|c| c.to_ascii_lowercase()))
}

fn push_lower(out: &mut String, name: &str) {
    let start = out.len();
    out.push_str(name);
    if let Some(added) = out.get_mut(start..) {
        added.make_ascii_lowercase();
    }
}

fn push_upper(out: &mut String, method: &str) {
    out.extend(method.chars().map(|c| c.to_ascii_uppercase()));
}

/// Empty body: the empty hash. Else a non-empty `X-Sdk-Content-Sha256` value wins (read back
/// the way the reference stores header values: UTF-8 bytes taken as Latin-1), else the body's hash.
fn push_payload_hash(out: &mut String, headers: &HeaderDict, body: &[u8]) {
    if body.is_empty() {
        out.push_str(EMPTY_HASH);
        return;
    }
    match headers.get_ignore_case(HEADER_CONTENT_SHA256) {
        Some(v) if !v.is_empty() => out.extend(v.bytes().map(char::from)),
        _ => hex_into(out, &Sha256::digest(body)),
    }
}

pub fn sha256_hex(data: &[u8]) -> String {
    let mut s = String::with_capacity(64);
    hex_into(&mut s, &Sha256::digest(data));
    s
}

pub(crate) fn string_to_sign(date: SdkDate, canonical_request: &str) -> String {
    string_to_sign_with(date.format().as_str(), canonical_request)
}

fn string_to_sign_with(date: &str, canonical_request: &str) -> String {
    let mut s = String::with_capacity(ALGORITHM.len() + 18 + 64);
    s.push_str(ALGORITHM);
    s.push('\n');
    s.push_str(date);
    s.push('\n');
    hex_into(&mut s, &Sha256::digest(canonical_request.as_bytes()));
    s
}

pub(crate) fn signature(secret_key: &[u8], string_to_sign: &str) -> String {
    let mut s = String::with_capacity(64);
    push_signature(&mut s, secret_key, string_to_sign);
    s
}

fn push_signature(out: &mut String, secret_key: &[u8], string_to_sign: &str) {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret_key).expect("HMAC accepts keys of any length");
    mac.update(string_to_sign.as_bytes());
    hex_into(out, &mac.finalize().into_bytes());
}

pub(crate) fn authorization(access_key: &str, signed_headers: &str, signature: &str) -> String {
    let mut s = String::with_capacity(64 + access_key.len() + signed_headers.len() + signature.len());
    for part in [ALGORITHM, " Access=", access_key, ", SignedHeaders=", signed_headers, ", Signature=", signature] {
        s.push_str(part);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn get_with_query_and_project() {
        let url = ParsedUrl::parse("https://dcs.cn-north-4.myhuaweicloud.com/v2/p1/instances?offset=0&limit=10&name=a%20b", "url").unwrap();
        let headers = pairs(&[("Content-Type", "application/json")]);
        let creds = Credentials::aksk("AK", "SK");
        let date = SdkDate::parse("20240101T000000Z", "date").unwrap();
        let s = sign(&url.request("get", &headers, b""), &creds, Some("p1"), Some(date)).unwrap();
        assert_eq!(s.url, "https://dcs.cn-north-4.myhuaweicloud.com/v2/p1/instances?limit=10&name=a%20b&offset=0");
        assert_eq!(
            s.canonical_request,
            "GET\n/v2/p1/instances/\nlimit=10&name=a%20b&offset=0\ncontent-type:application/json\nhost:dcs.cn-north-4.myhuaweicloud.com\nx-project-id:p1\nx-sdk-date:20240101T000000Z\n\ncontent-type;host;x-project-id;x-sdk-date\n".to_string() + EMPTY_HASH
        );
        assert!(s.string_to_sign.starts_with("SDK-HMAC-SHA256\n20240101T000000Z\n"));
        let auth = s.authorization.clone().unwrap();
        assert!(auth.starts_with("SDK-HMAC-SHA256 Access=AK, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature="));
        assert_eq!(s.header("authorization"), Some(auth.as_str()));
        // A different key gives a different signature.
        let other = sign(&url.request("GET", &headers, b""), &Credentials::aksk("AK", "SK2"), Some("p1"), Some(date)).unwrap();
        assert_ne!(other.authorization, s.authorization);
    }

    #[test]
    fn non_json_is_unsigned_payload_and_underscores_unsigned() {
        let url = ParsedUrl::parse("http://127.0.0.1:8080/a", "url").unwrap();
        let headers = pairs(&[("Content-Type", "text/plain"), ("X_Custom", " v ")]);
        let creds = Credentials::temporary("AK", "SK", "TOKEN");
        let s = sign(&url.request("PUT", &headers, b"hello"), &creds, None, None).unwrap();
        assert!(s.canonical_request.ends_with("\nUNSIGNED-PAYLOAD"));
        assert!(!s.signed_headers.contains("x_custom"));
        assert!(s.signed_headers.contains("x-security-token"));
        assert_eq!(s.header("X_Custom"), Some("v"));
        assert_eq!(s.header("X-Security-Token"), Some("TOKEN"));
        assert_eq!(s.header("Host"), Some("127.0.0.1:8080"));
    }

    #[test]
    fn token_auth_adds_header_only() {
        let url = ParsedUrl::parse("https://h/x", "url").unwrap();
        let s = sign(&url.request("GET", &[], b""), &Credentials::token("tok"), Some("p"), None).unwrap();
        assert_eq!(s.authorization, None);
        assert_eq!(s.header("X-Auth-Token"), Some("tok"));
        assert_eq!(s.header("X-Project-Id"), Some("p"));
    }

    #[test]
    fn bad_input_is_named() {
        assert_eq!(ParsedUrl::parse("ftp://h/", "url").unwrap_err().param(), Some("url"));
        assert_eq!(ParsedUrl::parse("https:///x", "url").unwrap_err().param(), Some("url"));
        assert_eq!(ParsedUrl::parse("https://h/a b", "url").unwrap_err().param(), Some("url"));
        assert_eq!(ParsedUrl::parse("https://h:99999/", "url").unwrap_err().param(), Some("url"));
        let url = ParsedUrl::parse("https://h/", "url").unwrap();
        let h = pairs(&[("X-Sdk-Date", "yesterday")]);
        let e = sign(&url.request("GET", &h, b""), &Credentials::aksk("a", "b"), None, None).unwrap_err();
        assert_eq!(e.param(), Some("X-Sdk-Date"));
        let e = sign(&url.request("G ET", &[], b""), &Credentials::aksk("a", "b"), None, None).unwrap_err();
        assert_eq!(e.param(), Some("method"));
    }
}
