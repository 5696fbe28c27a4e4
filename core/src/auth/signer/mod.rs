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
mod headers;
mod indices;
mod key;
mod verify;

use sha2::{Digest, Sha256};

pub use date::{FormattedDate, SdkDate};
pub use key::SigningKey;
pub use verify::{verify, IncomingRequest, Verified, VerifyFailure};

use crate::auth::Credentials;
use crate::error::{Error, Result};
use encoding::{canonical_query_into, canonical_uri_into, hex_into};
use headers::{push_lower, HeaderDict};
use indices::Indices;

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
    // Room for what the signer adds: project, token, content hash, date, host, authorization.
    let mut headers = HeaderDict::from_pairs(req.headers, 6)?;
    if let Some(p) = project_id.filter(|p| !p.is_empty()) {
        headers.insert(HEADER_PROJECT_ID, p.to_string());
    }
    let (url, query_at) = request_url(req);

    let Some(key) = credentials.signing_key() else {
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
    if !headers.contains_ignore_case("host") {
        headers.insert("Host", req.host.to_string());
    }
    headers.trim_values();

    let order = headers.signed_order();
    let signed = SignedNames::new(&headers, order.as_slice());
    let canonical_query = url.get(query_at..).unwrap_or("");
    let canonical_request = canonical_request(req, canonical_query, &headers, order.as_slice(), &signed);
    let signed_headers = signed.list;
    let string_to_sign = string_to_sign_with(date_text.as_str(), &canonical_request);
    let mut authorization = String::with_capacity(96 + signed_headers.len() + 64);
    for part in [ALGORITHM, " Access=", credentials.access_key().unwrap_or(""), ", SignedHeaders=", &signed_headers, ", Signature="] {
        authorization.push_str(part);
    }
    hex_into(&mut authorization, &key.mac(string_to_sign.as_bytes()));
    headers.insert("Authorization", authorization.clone());
    Ok(Signed { url, headers: headers.0, canonical_request, string_to_sign, signed_headers, authorization: Some(authorization) })
}

/// `scheme://host/path?canonical-query` (no `?` without a query), and where the query starts.
fn request_url(req: &SigningRequest<'_>) -> (String, usize) {
    let query_len: usize = req.query.iter().map(|(k, v)| 2 + 3 * (k.len() + v.len())).sum();
    let mut url = String::with_capacity(req.scheme.len() + 3 + req.host.len() + req.path.len() + query_len);
    for part in [req.scheme, "://", req.host, req.path, "?"] {
        url.push_str(part);
    }
    let query_at = url.len();
    canonical_query_into(&mut url, req.query);
    if url.len() == query_at {
        url.pop();
    }
    (url, query_at)
}

/// The signed headers' lower-cased names joined with `;`, and where each name ends in that
/// list: the canonical request reuses them, and a name may itself hold a `;`.
struct SignedNames {
    list: String,
    ends: Indices,
}

impl SignedNames {
    fn new(headers: &HeaderDict, order: &[usize]) -> SignedNames {
        let mut list = String::with_capacity(order.iter().map(|&i| headers.0[i].0.len() + 1).sum());
        let ends = Indices::new(order.iter().enumerate().map(|(n, &i)| {
            if n > 0 {
                list.push(';');
            }
            push_lower(&mut list, &headers.0[i].0);
            list.len()
        }));
        SignedNames { list, ends }
    }

    fn names(&self) -> impl Iterator<Item = &str> {
        let mut start = 0;
        self.ends.as_slice().iter().map(move |&end| {
            let name = self.list.get(start..end).unwrap_or("");
            start = end + 1;
            name
        })
    }
}

/// `METHOD\nURI/\nQUERY\nname:value\n…\n\nsigned;headers\npayload-hash`, built in one buffer.
fn canonical_request(req: &SigningRequest<'_>, query: &str, headers: &HeaderDict, order: &[usize], signed: &SignedNames) -> String {
    // Every header's length is a close upper bound for the signed lines (no exact count needed).
    let header_lines: usize = headers.0.iter().map(|(k, v)| k.len() + v.len() + 2).sum();
    let mut out = String::with_capacity(req.method.len() + 3 * req.path.len() + query.len() + header_lines + signed.list.len() + 72);
    if req.method.bytes().all(|b| b.is_ascii_uppercase()) {
        out.push_str(req.method);
    } else {
        out.extend(req.method.chars().map(|c| c.to_ascii_uppercase()));
    }
    out.push('\n');
    canonical_uri_into(&mut out, req.path);
    out.push('\n');
    out.push_str(query);
    out.push('\n');
    let sources = headers.value_sources(order);
    for (name, &source) in signed.names().zip(sources.as_slice()) {
        out.push_str(name);
        out.push(':');
        out.push_str(&headers.0[source].1);
        out.push('\n');
    }
    out.push('\n');
    out.push_str(&signed.list);
    out.push('\n');
    push_payload_hash(&mut out, headers, req.body);
    out
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
    let mut s = String::with_capacity(ALGORITHM.len() + 1 + date.len() + 1 + 64);
    s.push_str(ALGORITHM);
    s.push('\n');
    s.push_str(date);
    s.push('\n');
    hex_into(&mut s, &Sha256::digest(canonical_request.as_bytes()));
    s
}

/// Hex HMAC-SHA256 of the string to sign.
pub(crate) fn signature(key: &SigningKey, string_to_sign: &str) -> String {
    let mut s = String::with_capacity(64);
    hex_into(&mut s, &key.mac(string_to_sign.as_bytes()));
    s
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
    fn odd_header_names_sign_line_by_line() {
        let url = ParsedUrl::parse("https://h/x", "url").unwrap();
        let headers = pairs(&[("X-B;c", "1"), ("x-a", "2"), ("X-A", " 3 ")]);
        let date = SdkDate::parse("20240101T000000Z", "date").unwrap();
        let s = sign(&url.request("GET", &headers, b""), &Credentials::aksk("AK", "SK"), None, Some(date)).unwrap();
        assert_eq!(s.signed_headers, "host;x-a;x-a;x-b;c;x-sdk-date");
        assert!(s.canonical_request.contains("\nhost:h\nx-a:3\nx-a:3\nx-b;c:1\nx-sdk-date:20240101T000000Z\n\n"), "{}", s.canonical_request);
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
