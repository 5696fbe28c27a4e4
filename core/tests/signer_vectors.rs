//! The signer against vectors produced by the official `huaweicloudsdkcore` signer
//! (tests/signing/vectors.jsonl, written by tests/signing/make_vectors.py), and `verify`
//! accepting what `sign` produces. The full randomised comparison runs in scripts/ci/20-signing.sh.

use std::time::Duration;

use dcskit::auth::signer::{self, IncomingRequest, ParsedUrl, SdkDate};
use dcskit::auth::Credentials;
use serde_json::Value;

fn vectors() -> Vec<Value> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/signing/vectors.jsonl");
    let text = std::fs::read_to_string(path).expect("tests/signing/vectors.jsonl");
    text.lines().filter(|l| !l.trim().is_empty()).map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

struct Case {
    name: String,
    method: String,
    url: ParsedUrl,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    credentials: Credentials,
    project_id: Option<String>,
    date: SdkDate,
    expected: Value,
}

fn case(v: &Value) -> Case {
    let s = |k: &str| v[k].as_str().map(str::to_string);
    let headers = v["headers"].as_array().unwrap().iter().map(|p| (p[0].as_str().unwrap().to_string(), p[1].as_str().unwrap().to_string())).collect();
    let (ak, sk) = (s("ak").unwrap(), s("sk").unwrap());
    Case {
        name: s("name").unwrap_or_default(),
        method: s("method").unwrap(),
        url: ParsedUrl::parse(&s("url").unwrap(), "url").unwrap(),
        headers,
        body: hex(v["body_hex"].as_str().unwrap()),
        credentials: match s("security_token") {
            Some(t) => Credentials::temporary(ak, sk, t),
            None => Credentials::aksk(ak, sk),
        },
        project_id: s("project_id"),
        date: SdkDate::parse(v["date"].as_str().unwrap(), "date").unwrap(),
        expected: v["expected"].clone(),
    }
}

#[test]
fn byte_identical_to_the_official_signer() {
    let all = vectors();
    assert!(all.len() >= 40, "only {} vectors", all.len());
    for v in &all {
        let c = case(v);
        let s = signer::sign(&c.url.request(&c.method, &c.headers, &c.body), &c.credentials, c.project_id.as_deref(), Some(c.date)).unwrap();
        let e = &c.expected;
        assert_eq!(s.canonical_request, e["canonical_request"].as_str().unwrap(), "{}: canonical request", c.name);
        assert_eq!(s.string_to_sign, e["string_to_sign"].as_str().unwrap(), "{}: string to sign", c.name);
        assert_eq!(s.authorization.as_deref(), e["authorization"].as_str(), "{}: authorization", c.name);
        assert_eq!(s.url, e["url"].as_str().unwrap(), "{}: url", c.name);
        let want: Vec<(String, String)> = e["headers"].as_object().unwrap().iter().map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string())).collect();
        let mut got = s.headers.clone();
        let mut want_sorted = want.clone();
        got.sort();
        want_sorted.sort();
        assert_eq!(got, want_sorted, "{}: headers", c.name);
    }
}

#[test]
fn verify_accepts_signed_vectors_and_rejects_altered_ones() {
    let mut checked = 0;
    for v in &vectors() {
        let c = case(v);
        let s = signer::sign(&c.url.request(&c.method, &c.headers, &c.body), &c.credentials, c.project_id.as_deref(), Some(c.date)).unwrap();
        // Two headers differing only in case arrive merged; a made-up payload hash is refused.
        let mut names: Vec<String> = s.headers.iter().map(|(k, _)| k.to_lowercase()).collect();
        names.sort();
        names.dedup();
        if names.len() != s.headers.len() || c.headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("x-sdk-content-sha256")) {
            continue;
        }
        let after_host = s.url.split_once("://").unwrap().1;
        let origin = after_host.find('/').map_or("/", |i| &after_host[i..]);
        let (path, query) = origin.split_once('?').unwrap_or((origin, ""));
        let creds = c.credentials.clone();
        let ak = creds.access_key().unwrap().to_string();
        let lookup = |k: &str| (k == ak).then(|| creds.clone());
        let req = IncomingRequest { method: &c.method, path, query, headers: &s.headers, body: &c.body };
        let now = c.date.to_system_time() + Duration::from_secs(60);
        let verified = signer::verify(&req, lookup, now, Duration::from_secs(300));
        assert!(verified.is_ok(), "{}: {:?}", c.name, verified);
        // One more byte in the body (or a different query) breaks it, unless the body is unsigned.
        let mut body = c.body.clone();
        body.push(b'!');
        let altered = IncomingRequest { body: &body, ..req };
        let unsigned = s.canonical_request.ends_with("UNSIGNED-PAYLOAD");
        if !unsigned {
            assert!(signer::verify(&altered, |_| Some(c.credentials.clone()), now, Duration::from_secs(300)).is_err(), "{}", c.name);
        }
        let altered = IncomingRequest { query: "zzz=1", ..req };
        assert!(signer::verify(&altered, |_| Some(c.credentials.clone()), now, Duration::from_secs(300)).is_err(), "{}", c.name);
        checked += 1;
    }
    assert!(checked >= 30, "only {checked} vectors verified");
}
