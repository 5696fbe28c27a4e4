//! Signing typical DCS requests: a GET with 3 query parameters and a POST with a 1 KB JSON
//! body. scripts/bench/sign.sh runs this next to the official Python signer on the same requests.
//! The credentials are made once, as a transport does: their HMAC key state is derived then,
//! not per signature.

use std::hint::black_box;

use criterion::{criterion_group, Criterion};
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

struct Requests {
    creds: Credentials,
    date: SdkDate,
    headers: Vec<(String, String)>,
    query: Vec<(String, String)>,
    path: String,
    body: Vec<u8>,
}

impl Requests {
    fn new() -> Requests {
        Requests {
            creds: Credentials::aksk("HPUAEXAMPLEAK12345", "exampleSecretKey0123456789abcdef"),
            date: SdkDate::parse("20260315T081530Z", "date").unwrap(),
            headers: vec![("Content-Type".to_string(), "application/json".to_string())],
            query: vec![("offset".into(), "0".into()), ("limit".into(), "10".into()), ("name".into(), "dcs-demo".into())],
            path: format!("/v2/{PROJECT}/instances"),
            body: json_1k(),
        }
    }

    fn sign_get(&self) -> signer::Signed {
        let req = SigningRequest { method: "GET", scheme: "https", host: HOST, path: &self.path, query: &self.query, headers: &self.headers, body: b"" };
        signer::sign(black_box(&req), &self.creds, Some(PROJECT), Some(self.date)).unwrap()
    }

    fn sign_post(&self) -> signer::Signed {
        let req = SigningRequest { method: "POST", scheme: "https", host: HOST, path: &self.path, query: &[], headers: &self.headers, body: &self.body };
        signer::sign(black_box(&req), &self.creds, Some(PROJECT), Some(self.date)).unwrap()
    }
}

fn bench(c: &mut Criterion) {
    let r = Requests::new();
    let mut g = c.benchmark_group("sign");
    g.bench_function("get_3_query", |b| b.iter(|| black_box(r.sign_get())));
    g.bench_function("post_1k_json", |b| b.iter(|| black_box(r.sign_post())));
    g.finish();
}

/// CPU time of this thread in nanoseconds (utime + stime from /proc, 100 ticks per second),
/// so the figure does not depend on how busy the machine is.
fn thread_cpu_ns() -> Option<u64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    let after_comm = &stat[stat.rfind(')')? + 2..];
    let fields: Vec<&str> = after_comm.split(' ').collect();
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(ticks * 10_000_000)
}

/// Signs for about two CPU seconds and prints `cpu sign/<name> <ns per signature>`.
fn cpu_time_report() {
    let r = Requests::new();
    let cases: [(&str, &dyn Fn() -> signer::Signed); 2] = [("get_3_query", &|| r.sign_get()), ("post_1k_json", &|| r.sign_post())];
    for (name, f) in cases {
        let Some(start) = thread_cpu_ns() else { return };
        let mut n = 0u64;
        loop {
            for _ in 0..10_000 {
                black_box(f());
            }
            n += 10_000;
            let used = thread_cpu_ns().unwrap_or(start) - start;
            if used >= 2_000_000_000 {
                println!("cpu sign/{name} {:.1} ns/signature ({n} signatures)", used as f64 / n as f64);
                break;
            }
        }
    }
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo test --benches` runs this binary in test mode: skip the long CPU-time loop then.
    if !std::env::args().any(|a| a == "--test" || a == "--list") {
        cpu_time_report();
    }
}
