//! Signing typical DCS requests: a GET with 3 query parameters and a POST with a 1 KB JSON
//! body. scripts/bench/sign.sh runs this next to the official Python signer on the same requests.
//! The credentials are made once, as a transport does: their HMAC key state is derived then,
//! not per signature.
//!
//! Lines per request:
//! - `sign/<request>`: `sign_for_wire`, what the transport calls (the headline figure);
//! - `sign/<request>_explained`: `sign`, which also returns the canonical request and string
//!   to sign (`dcskit sign`);
//! - `floor/<request>`: only the SHA-256 compressions such a signature cannot avoid (body,
//!   canonical request, HMAC inner and outer after the cached key blocks), with the same sha2
//!   in the same run: the lower bound for this CPU.

use std::hint::black_box;

use criterion::{criterion_group, Criterion};
use dcskit::auth::signer::{self, SdkDate, SigningRequest};
use dcskit::auth::Credentials;
use sha2::digest::generic_array::GenericArray;

const HOST: &str = "dcs.cn-north-4.myhuaweicloud.com";
const PROJECT: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
const REQUESTS: [&str; 2] = ["get_3_query", "post_1k_json"];

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

    fn request(&self, name: &str) -> SigningRequest<'_> {
        match name {
            "get_3_query" => SigningRequest { method: "GET", scheme: "https", host: HOST, path: &self.path, query: &self.query, headers: &self.headers, body: b"" },
            _ => SigningRequest { method: "POST", scheme: "https", host: HOST, path: &self.path, query: &[], headers: &self.headers, body: &self.body },
        }
    }

    /// What the transport calls. Returns the Authorization length so nothing is optimised away.
    fn sign_wire(&self, req: &SigningRequest<'_>) -> usize {
        let wire = signer::sign_for_wire(black_box(req), &self.creds, Some(PROJECT), Some(self.date)).unwrap();
        black_box(&wire);
        wire.url().len()
    }

    fn sign_explained(&self, req: &SigningRequest<'_>) -> usize {
        let signed = signer::sign(black_box(req), &self.creds, Some(PROJECT), Some(self.date)).unwrap();
        black_box(&signed);
        signed.url.len()
    }

    /// The SHA-256 blocks a signature of `req` must compress: the body's (when hashed), the
    /// canonical request's, and HMAC's inner and outer ones after the cached key block.
    fn blocks(&self, req: &SigningRequest<'_>) -> usize {
        let padded = |len: usize| (len + 9).div_ceil(64);
        let s = signer::sign(req, &self.creds, Some(PROJECT), Some(self.date)).unwrap();
        let body = if req.body.is_empty() { 0 } else { padded(req.body.len()) };
        body + padded(s.canonical_request.len()) + (padded(64 + s.string_to_sign.len()) - 1) + (padded(64 + 32) - 1)
    }
}

/// `n` dependent SHA-256 compressions: the floor of a signature that hashes `n` blocks.
fn compress_chain(state: &mut [u32; 8], blocks: &[GenericArray<u8, sha2::digest::consts::U64>]) {
    sha2::compress256(state, blocks);
}

fn bench(c: &mut Criterion) {
    let r = Requests::new();
    let mut g = c.benchmark_group("sign");
    for name in REQUESTS {
        let req = r.request(name);
        g.bench_function(name, |b| b.iter(|| r.sign_wire(&req)));
        g.bench_function(format!("{name}_explained"), |b| b.iter(|| r.sign_explained(&req)));
    }
    g.finish();
    let mut g = c.benchmark_group("floor");
    for name in REQUESTS {
        let n = r.blocks(&r.request(name));
        println!("floor/{name} hashes {n} SHA-256 blocks");
        let blocks = vec![GenericArray::from([0x5au8; 64]); n];
        let mut state = [0u32; 8];
        g.bench_function(name, |b| {
            b.iter(|| {
                compress_chain(black_box(&mut state), black_box(&blocks));
            })
        });
    }
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

/// Runs `f` for about two CPU seconds and prints `cpu <label> <ns per call>`.
fn cpu_time(label: &str, mut f: impl FnMut() -> usize) {
    let Some(start) = thread_cpu_ns() else { return };
    let mut n = 0u64;
    loop {
        for _ in 0..10_000 {
            black_box(f());
        }
        n += 10_000;
        let used = thread_cpu_ns().unwrap_or(start) - start;
        if used >= 2_000_000_000 {
            println!("cpu {label} {:.1} ns/signature ({n} signatures)", used as f64 / n as f64);
            return;
        }
    }
}

fn cpu_time_report() {
    let r = Requests::new();
    for name in REQUESTS {
        let req = r.request(name);
        cpu_time(&format!("sign/{name}"), || r.sign_wire(&req));
        cpu_time(&format!("sign/{name}_explained"), || r.sign_explained(&req));
        let blocks = vec![GenericArray::from([0x5au8; 64]); r.blocks(&req)];
        let mut state = [0u32; 8];
        cpu_time(&format!("floor/{name}"), || {
            compress_chain(black_box(&mut state), black_box(&blocks));
            state[0] as usize
        });
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
