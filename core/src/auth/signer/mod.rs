//! SDK-HMAC-SHA256 request signing, byte-identical to the official Huawei Cloud SDKs, plus
//! [`verify`] for servers (the emulator) that check incoming signatures the same way.
//! Two entries share one procedure: [`sign_for_wire`] (the transport: URL and headers only,
//! the canonical request hashed as it is written) and [`sign`] (also the canonical request and
//! string to sign, for `dcskit sign` and the conformance tests).
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
mod sha;
mod verify;

use sha2::{Digest, Sha256};

pub use date::{FormattedDate, SdkDate};
pub use key::SigningKey;
pub use verify::{verify, IncomingRequest, Verified, VerifyFailure};

use crate::auth::Credentials;
use crate::error::{Error, Result};
use encoding::{canonical_query_into, canonical_uri_into, hex_digest, hex_into, Sink};
use headers::{push_lower, HeaderDict, Value};
use indices::Indices;
use sha::HashSink;

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

/// Signs a request with AK/SK, or adds `X-Auth-Token` for token credentials, and explains it:
/// the result also holds the canonical request and the string to sign (for `dcskit sign` and
/// the conformance tests). The transport uses [`sign_for_wire`], which makes the same bytes
/// for the wire and nothing else. Adds `X-Project-Id` (when given), `X-Security-Token`
/// (temporary credentials), `X-Sdk-Content-Sha256: UNSIGNED-PAYLOAD` (non-JSON
/// `Content-Type`), `X-Sdk-Date` (unless the request has one: then it is used) and `Host`
/// (unless present). `date: None` means now.
pub fn sign(req: &SigningRequest<'_>, credentials: &Credentials, project_id: Option<&str>, date: Option<SdkDate>) -> Result<Signed> {
    let mut explained = Explained::default();
    let wire = sign_with(req, credentials, project_id, date, Some(&mut explained))?;
    Ok(Signed {
        url: wire.url().to_string(),
        headers: wire.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
        canonical_request: explained.canonical_request,
        string_to_sign: explained.string_to_sign,
        signed_headers: wire.signed_headers().to_string(),
        authorization: wire.authorization().map(str::to_string),
    })
}

/// Signs like [`sign`] but makes only what goes on the wire: the URL and the headers, which
/// borrow from the request, the credentials and `project_id` (the signer's own values live in
/// the result). The canonical request is hashed as it is written, never kept.
pub fn sign_for_wire<'a>(req: &SigningRequest<'a>, credentials: &'a Credentials, project_id: Option<&'a str>, date: Option<SdkDate>) -> Result<WireRequest<'a>> {
    sign_with(req, credentials, project_id, date, None)
}

/// A signed request as it goes on the wire. `Debug` hides the token headers' values.
pub struct WireRequest<'a> {
    /// The URL, then (AK/SK) the `Authorization` value: one allocation for both.
    text: String,
    url_end: usize,
    /// Where the signed-header list lies inside the `Authorization` value.
    signed_list: std::ops::Range<usize>,
    headers: Vec<(&'a str, Value<'a>)>,
    date: FormattedDate,
}

impl<'a> WireRequest<'a> {
    /// `scheme://host/path?canonical-query`: the URL to send.
    pub fn url(&self) -> &str {
        &self.text[..self.url_end]
    }

    /// `None` for token authentication.
    pub fn authorization(&self) -> Option<&str> {
        Some(&self.text[self.url_end..]).filter(|a| !a.is_empty())
    }

    /// The signed headers' lower-cased names joined with `;` (empty for token authentication).
    pub fn signed_headers(&self) -> &str {
        &self.text[self.signed_list.clone()]
    }

    /// Every header to send, in order (the caller's, then the ones the signer added).
    pub fn headers(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.headers.iter().map(|&(k, v)| (k, self.value(v)))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v)
    }

    fn value(&self, v: Value<'a>) -> &str {
        match v {
            Value::Text(s) => s,
            Value::Date => self.date.as_str(),
            Value::Authorization => &self.text[self.url_end..],
        }
    }
}

impl std::fmt::Debug for WireRequest<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let headers: Vec<(&str, &str)> = self.headers().map(|(k, v)| (k, if is_secret_header(k) { "[REDACTED]" } else { v })).collect();
        f.debug_struct("WireRequest").field("url", &self.url()).field("headers", &headers).finish()
    }
}

/// What [`sign`] shows besides the wire request.
#[derive(Default)]
struct Explained {
    canonical_request: String,
    string_to_sign: String,
}

/// The one signing procedure behind [`sign`] and [`sign_for_wire`]; `explain` receives the
/// canonical request and the string to sign when given.
fn sign_with<'a>(
    req: &SigningRequest<'a>,
    credentials: &'a Credentials,
    project_id: Option<&'a str>,
    date: Option<SdkDate>,
    explain: Option<&mut Explained>,
) -> Result<WireRequest<'a>> {
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
        headers.insert(HEADER_PROJECT_ID, Value::Text(p));
    }
    let signed_names_len: usize = req.headers.iter().map(|(k, _)| k.len() + 1).sum::<usize>() + 64;
    let (text, query_at) = request_url(req, 96 + credentials.access_key().map_or(0, str::len) + signed_names_len + 64);
    let url_end = text.len();

    let Some(key) = credentials.signing_key() else {
        if let Some(token) = credentials.auth_token() {
            headers.insert(HEADER_AUTH_TOKEN, Value::Text(token));
        }
        let date = date.unwrap_or_else(SdkDate::now).format();
        return Ok(WireRequest { text, url_end, signed_list: url_end..url_end, headers: headers.0, date });
    };
    if let Some(token) = credentials.security_token() {
        headers.insert(HEADER_SECURITY_TOKEN, Value::Text(token));
    }
    if let Some(ct) = headers.get_exact("Content-Type") {
        let ct = ct.text("");
        if !ct.is_empty() && !ct.starts_with("application/json") && !ct.starts_with("application/bson") {
            headers.insert(HEADER_CONTENT_SHA256, Value::Text(UNSIGNED_PAYLOAD));
        }
    }
    // A date the caller put in the headers wins (it is what the server will see).
    let date_text = match headers.get_ignore_case(HEADER_DATE) {
        Some(v) => SdkDate::parse(v.text(""), HEADER_DATE)?.format(),
        None => {
            headers.insert(HEADER_DATE, Value::Date);
            date.unwrap_or_else(SdkDate::now).format()
        }
    };
    if !headers.contains_ignore_case("host") {
        headers.insert("Host", Value::Text(req.host));
    }
    headers.trim_values();

    let order = headers.signed_order();
    // The Authorization value up to the signature comes first: the canonical request reuses
    // its lower-cased signed-header list (and each name in it).
    let mut text = text;
    for part in [ALGORITHM, " Access=", credentials.access_key().unwrap_or(""), ", SignedHeaders="] {
        text.push_str(part);
    }
    let list_start = text.len();
    let name_ends = write_signed_list(&mut text, &headers, order.as_slice());
    let signed_list = list_start..text.len();

    let (explain_request, explain_sts) = match explain {
        Some(e) => (Some(&mut e.canonical_request), Some(&mut e.string_to_sign)),
        None => (None, None),
    };
    let mut canonical = HashSink::new(explain_request, credentials.security_token().is_some());
    let signed = SignedNames { list: &text[signed_list.clone()], ends: name_ends.as_slice() };
    write_canonical_request(&mut canonical, req, &text[query_at.min(url_end)..url_end], &headers, order.as_slice(), &signed, date_text.as_str());
    let request_hash = hex_digest(&canonical.finish());

    // `SDK-HMAC-SHA256\n<date>\n<hex hash>`: fixed length, on the stack.
    let mut string_to_sign = [0u8; ALGORITHM.len() + 1 + 16 + 1 + 64];
    let (alg, rest) = string_to_sign.split_at_mut(ALGORITHM.len());
    alg.copy_from_slice(ALGORITHM.as_bytes());
    rest[0] = b'\n';
    rest[1..17].copy_from_slice(date_text.as_str().as_bytes());
    rest[17] = b'\n';
    rest[18..].copy_from_slice(&request_hash);
    if let Some(sts) = explain_sts {
        sts.push_str(std::str::from_utf8(&string_to_sign).expect("ASCII"));
    }

    text.push_str(", Signature=");
    text.push_str(std::str::from_utf8(&hex_digest(&key.mac(&string_to_sign))).expect("hex digits are ASCII"));
    headers.insert("Authorization", Value::Authorization);
    Ok(WireRequest { text, url_end, signed_list, headers: headers.0, date: date_text })
}

/// `scheme://host/path?canonical-query` (no `?` without a query) in a buffer with `spare`
/// bytes more room, and where the query starts.
fn request_url(req: &SigningRequest<'_>, spare: usize) -> (String, usize) {
    let query_len: usize = req.query.iter().map(|(k, v)| 2 + 3 * (k.len() + v.len())).sum();
    let mut url = String::with_capacity(req.scheme.len() + 3 + req.host.len() + req.path.len() + query_len + spare);
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

/// Writes the signed headers' lower-cased names joined with `;`; returns where each name ends
/// (relative to the list's start: a name may itself hold a `;`).
fn write_signed_list(out: &mut String, headers: &HeaderDict<'_>, order: &[usize]) -> Indices {
    let start = out.len();
    Indices::new(order.iter().enumerate().map(|(n, &i)| {
        if n > 0 {
            out.push(';');
        }
        push_lower(out, headers.0[i].0);
        out.len() - start
    }))
}

/// The signed-header list and where each name in it ends.
struct SignedNames<'t> {
    list: &'t str,
    ends: &'t [usize],
}

impl<'t> SignedNames<'t> {
    fn names(&self) -> impl Iterator<Item = &'t str> + '_ {
        let mut start = 0;
        self.ends.iter().map(move |&end| {
            let name = self.list.get(start..end).unwrap_or("");
            start = end + 1;
            name
        })
    }
}

/// `METHOD\nURI/\nQUERY\nname:value\n…\n\nsigned;headers\npayload-hash`.
fn write_canonical_request(
    out: &mut HashSink<'_>,
    req: &SigningRequest<'_>,
    query: &str,
    headers: &HeaderDict<'_>,
    order: &[usize],
    signed: &SignedNames<'_>,
    date: &str,
) {
    if req.method.bytes().all(|b| b.is_ascii_uppercase()) {
        out.push_str(req.method);
    } else {
        out.push_str(&req.method.to_ascii_uppercase());
    }
    out.push_str("\n");
    canonical_uri_into(out, req.path);
    out.push_str("\n");
    out.push_str(query);
    out.push_str("\n");
    let sources = headers.value_sources(order);
    for (name, &source) in signed.names().zip(sources.as_slice()) {
        out.push_str(name);
        out.push_str(":");
        out.push_str(headers.0[source].1.text(date));
        out.push_str("\n");
    }
    out.push_str("\n");
    out.push_str(signed.list);
    out.push_str("\n");
    write_payload_hash(out, headers, req.body, date);
}

/// Empty body: the empty hash. Else a non-empty `X-Sdk-Content-Sha256` value wins (read back
/// the way the reference stores header values: UTF-8 bytes taken as Latin-1), else the body's hash.
fn write_payload_hash(out: &mut HashSink<'_>, headers: &HeaderDict<'_>, body: &[u8], date: &str) {
    if body.is_empty() {
        out.push_str(EMPTY_HASH);
        return;
    }
    match headers.get_ignore_case(HEADER_CONTENT_SHA256).map(|v| v.text(date)) {
        Some(v) if v.is_ascii() && !v.is_empty() => out.push_str(v),
        Some(v) if !v.is_empty() => out.push_str(&v.bytes().map(char::from).collect::<String>()),
        _ => out.push_ascii(&hex_digest(&sha::digest(body))),
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

    #[test]
    fn wire_request_matches_the_explained_one() {
        let url = ParsedUrl::parse("https://h:8443/a%20b/c?z=1&a=%7E&a=", "url").unwrap();
        let headers = pairs(&[("Content-Type", "application/json"), ("X-Auth-Token", "not-mine")]);
        let creds = Credentials::temporary("AK", "SK", "TOKEN");
        let date = SdkDate::parse("20240101T000000Z", "date").unwrap();
        let req = url.request("POST", &headers, b"{}");
        let full = sign(&req, &creds, Some("p"), Some(date)).unwrap();
        let wire = sign_for_wire(&req, &creds, Some("p"), Some(date)).unwrap();
        assert_eq!(wire.url(), full.url);
        assert_eq!(wire.authorization(), full.authorization.as_deref());
        assert_eq!(wire.signed_headers(), full.signed_headers);
        assert_eq!(wire.header("x-sdk-date"), Some("20240101T000000Z"));
        let owned: Vec<(String, String)> = wire.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        assert_eq!(owned, full.headers);
        let shown = format!("{wire:?}");
        assert!(!shown.contains("TOKEN") && !shown.contains("not-mine"), "{shown}");
    }

    mod lean_equals_full {
        use super::*;
        use hmac::{Hmac, Mac};
        use proptest::prelude::*;

        fn text() -> impl Strategy<Value = String> {
            proptest::string::string_regex("[a-zA-Z0-9 ~%/_.:;=&+é€\t-]{0,12}").unwrap()
        }

        fn header() -> impl Strategy<Value = (String, String)> {
            let name = prop_oneof![
                Just("Content-Type".to_string()),
                Just("content-type".to_string()),
                Just("X-Sdk-Content-Sha256".to_string()),
                Just("Host".to_string()),
                Just("Authorization".to_string()),
                Just("X-Project-Id".to_string()),
                Just("X_Trace".to_string()),
                proptest::string::string_regex("[xX]-[a-cA-C;]{1,3}").unwrap(),
            ];
            let value = prop_oneof![
                Just("application/json".to_string()),
                Just(" text/plain ".to_string()),
                Just(String::new()),
                text(),
            ];
            (name, value)
        }

        fn credentials() -> impl Strategy<Value = Credentials> {
            prop_oneof![
                Just(Credentials::aksk("AK", "SK")),
                Just(Credentials::temporary("AK2", "a-secret-key-longer-than-one-sha256-block-of-sixty-four-bytes-xxxxxxxx", " tok ")),
                Just(Credentials::token("iam-token")),
            ]
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(400))]
            #[test]
            fn same_bytes_for_random_requests(
                method in prop_oneof![Just("GET"), Just("post"), Just("Delete")],
                path in proptest::string::string_regex("/[a-zA-Z0-9%/~ é_.-]{0,16}").unwrap(),
                query in proptest::collection::vec((text(), text()), 0..5),
                headers in proptest::collection::vec(header(), 0..6),
                date_header in proptest::option::of(Just(("X-Sdk-Date".to_string(), "20250102T030405Z".to_string()))),
                body in proptest::collection::vec(any::<u8>(), 0..300),
                creds in credentials(),
                project in proptest::option::of(prop_oneof![Just("p1"), Just(""), Just(" p2 ")]),
            ) {
                let mut headers = headers;
                headers.extend(date_header);
                let req = SigningRequest { method, scheme: "https", host: "h.example:443", path: &path, query: &query, headers: &headers, body: &body };
                let date = SdkDate::parse("20240101T000000Z", "date").unwrap();
                let full = sign(&req, &creds, project, Some(date));
                let wire = sign_for_wire(&req, &creds, project, Some(date));
                let (full, wire) = match (full, wire) {
                    (Ok(f), Ok(w)) => (f, w),
                    (Err(a), Err(b)) => { prop_assert_eq!(a.to_string(), b.to_string()); return Ok(()); }
                    (f, w) => { prop_assert!(false, "one failed: {:?} / {:?}", f.err(), w.err()); unreachable!() }
                };
                prop_assert_eq!(wire.url(), full.url.as_str());
                prop_assert_eq!(wire.authorization(), full.authorization.as_deref());
                prop_assert_eq!(wire.signed_headers(), full.signed_headers.as_str());
                let owned: Vec<(String, String)> = wire.headers().map(|(k, v)| (k.to_string(), v.to_string())).collect();
                prop_assert_eq!(&owned, &full.headers);
                // The canonical request was hashed while written: check the hash and the HMAC
                // against the shown text with independent implementations.
                if let Some(auth) = &full.authorization {
                    let hash = hex::encode(Sha256::digest(full.canonical_request.as_bytes()));
                    prop_assert!(full.string_to_sign.ends_with(&hash));
                    let sk = if creds.access_key() == Some("AK") { "SK" } else { "a-secret-key-longer-than-one-sha256-block-of-sixty-four-bytes-xxxxxxxx" };
                    let mut mac = Hmac::<Sha256>::new_from_slice(sk.as_bytes()).unwrap();
                    mac.update(full.string_to_sign.as_bytes());
                    let expected = hex::encode(mac.finalize().into_bytes());
                    prop_assert!(auth.ends_with(&format!("Signature={expected}")), "{}", auth);
                }
            }
        }
    }
}
