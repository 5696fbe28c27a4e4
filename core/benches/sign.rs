//! Signing typical DCS requests: a GET with 3 query parameters and a POST with a 1 KB JSON
//! body. scripts/bench/sign.sh runs this next to the official Python signer on the same requests.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use dcskit::auth::signer::{self, SdkDate, SigningRequest};
use dcskit::auth::Credentials;

const HOST: &str = "dcs.cn-north-4.myhuaweicloud.com";
const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";

/// Exactly 1024 bytes of JSON (the same formula as tests/signing/bench_official.py).
fn json_1k() -> Vec<u8> {
    let prefix = r#"{"name":"dcs-bench","padding":""#;
    let mut s = String::from(prefix);
    s.push_str(&"a".repeat(1024 - prefix.len() - 2));
    s.push_str("\"}");
    assert_eq!(s.len(), 1024);
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let creds = Credentials::aksk("HPUAEXAMPLEAK12345", "exampleSecretKey0123456789abcdef");
    let date = SdkDate::parse("20260315T081530Z", "date").unwrap();
    let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
    let query = vec![("offset".to_string(), "0".to_string()), ("limit".to_string(), "10".to_string()), ("name".to_string(), "dcs-demo".to_string())];
    let get_path = format!("/v2/{PROJECT}/instances");
    let body = json_1k();

    let mut g = c.benchmark_group("sign");
    g.bench_function("get_3_query", |b| {
        b.iter(|| {
            let req = SigningRequest { method: "GET", scheme: "https", host: HOST, path: &get_path, query: &query, headers: &headers, body: b"" };
            black_box(signer::sign(black_box(&req), &creds, Some(PROJECT), Some(date)).unwrap())
        })
    });
    g.bench_function("post_1k_json", |b| {
        b.iter(|| {
            let req = SigningRequest { method: "POST", scheme: "https", host: HOST, path: &get_path, query: &[], headers: &headers, body: &body };
            black_box(signer::sign(black_box(&req), &creds, Some(PROJECT), Some(date)).unwrap())
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
