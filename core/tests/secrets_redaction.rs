//! Secrets (SK, security token, IAM token) never show in Debug output or errors, and their
//! storage is zeroized before it is freed.
//!
//! The zeroize check uses a global allocator that scans every block being freed for a canary
//! secret: a block still holding it was freed without being wiped. A negative control shows
//! the scanner does catch an ordinary `String`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use dcskit::auth::signer::{self, ParsedUrl, SdkDate};
use dcskit::auth::Credentials;
use dcskit::transport::{HttpRequest, Transport};
use dcskit::Config;

// Built at run time from two halves, so no heap block holds it by accident.
const CANARY_A: &str = "ZC9f3b-";
const CANARY_B: &str = "q7Lw2e-canary-secret";
static UNWIPED_FREES: AtomicUsize = AtomicUsize::new(0);

struct ScanningAllocator;

unsafe impl GlobalAlloc for ScanningAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
        let a = CANARY_A.as_bytes();
        let b = CANARY_B.as_bytes();
        let n = a.len() + b.len();
        if block.len() >= n && block.windows(n).any(|w| &w[..a.len()] == a && &w[a.len()..] == b) {
            UNWIPED_FREES.fetch_add(1, Ordering::SeqCst);
        }
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: ScanningAllocator = ScanningAllocator;

/// The zeroize checks share the counter: run them one at a time.
static SERIAL: Mutex<()> = Mutex::new(());

fn canary(spare_capacity: usize) -> String {
    let mut s = String::with_capacity(CANARY_A.len() + CANARY_B.len() + spare_capacity);
    s.push_str(CANARY_A);
    s.push_str(CANARY_B);
    // Keeps the optimiser from eliding the allocation in release builds.
    std::hint::black_box(s)
}

fn unwiped_frees_during(f: impl FnOnce()) -> usize {
    let before = UNWIPED_FREES.load(Ordering::SeqCst);
    f();
    UNWIPED_FREES.load(Ordering::SeqCst) - before
}

#[test]
fn scanner_catches_a_plain_string() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    assert_eq!(unwiped_frees_during(|| drop(canary(0))), 1, "negative control: an ordinary String is freed unwiped");
}

#[test]
fn credentials_are_zeroized_on_drop() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Exact capacity and spare capacity (which would make into_boxed_str reallocate).
    for spare in [0, 17] {
        assert_eq!(unwiped_frees_during(|| drop(Credentials::aksk("AK", canary(spare)))), 0, "sk, spare {spare}");
        assert_eq!(unwiped_frees_during(|| drop(Credentials::temporary("AK", "sk", canary(spare)))), 0, "token, spare {spare}");
        assert_eq!(unwiped_frees_during(|| drop(Credentials::token(canary(spare)))), 0, "iam token, spare {spare}");
    }
    let n = unwiped_frees_during(|| {
        let c = Credentials::aksk("AK", canary(3));
        let copy = c.clone();
        drop(c);
        drop(copy);
    });
    assert_eq!(n, 0, "clones are wiped too");
}

#[test]
fn signing_leaves_no_copy_of_the_secret_key() {
    let _g = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let n = unwiped_frees_during(|| {
        let creds = Credentials::aksk("AK", canary(0));
        let url = ParsedUrl::parse("https://dcs.cn-north-4.myhuaweicloud.com/v2/p/instances?limit=1", "url").unwrap();
        let headers = vec![("Content-Type".to_string(), "application/json".to_string())];
        let signed = signer::sign(&url.request("POST", &headers, b"{}"), &creds, Some("p"), Some(SdkDate::from_unix(0))).unwrap();
        assert!(signed.authorization.is_some());
        drop(signed);
        // The transport's entry too.
        let wire = signer::sign_for_wire(&url.request("POST", &headers, b"{}"), &creds, Some("p"), Some(SdkDate::from_unix(0))).unwrap();
        assert!(wire.authorization().is_some());
        drop(wire);
        drop(creds);
    });
    assert_eq!(n, 0);
}

fn secret_free(text: &str) -> bool {
    !text.contains(CANARY_B)
}

#[test]
fn debug_output_hides_secrets() {
    for c in [Credentials::aksk("AK", canary(0)), Credentials::temporary("AK", canary(0), canary(0)), Credentials::token(canary(0))] {
        assert!(secret_free(&format!("{c:?} {c:#?}")));
        let config = Config { endpoint: Some("http://127.0.0.1:1".into()), credentials: Some(c.clone()), ..Default::default() };
        assert!(secret_free(&format!("{config:?}")));
        let transport = Transport::new(&config).unwrap();
        assert!(secret_free(&format!("{transport:?}")));
        let url = ParsedUrl::parse("https://h/x", "url").unwrap();
        let signed = signer::sign(&url.request("GET", &[], b""), &c, None, None).unwrap();
        let shown = format!("{signed:?} {signed:#?}");
        assert!(secret_free(&shown), "{shown}");
        let wire = signer::sign_for_wire(&url.request("GET", &[], b""), &c, None, None).unwrap();
        let shown = format!("{wire:?} {wire:#?}");
        assert!(secret_free(&shown), "{shown}");
    }
}

#[test]
fn errors_never_carry_secrets() {
    let sk = canary(0);
    // Signer errors.
    let url = ParsedUrl::parse("https://h/x", "url").unwrap();
    let bad_date = vec![("X-Sdk-Date".to_string(), "not-a-date".to_string())];
    let e = signer::sign(&url.request("GET", &bad_date, b""), &Credentials::temporary("AK", sk.clone(), sk.clone()), None, None).unwrap_err();
    assert!(secret_free(&format!("{e} {e:?} {}", e.to_json())));
    // Empty-key validation.
    let e = Credentials::aksk("", sk.clone()).validate().unwrap_err();
    assert!(secret_free(&format!("{e} {e:?}")));
    // Transport errors (nothing listens on the port) with every kind of credential.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    for c in [Credentials::temporary("AK", sk.clone(), sk.clone()), Credentials::token(sk.clone())] {
        let mut config = Config { endpoint: Some(format!("http://127.0.0.1:{port}")), credentials: Some(c), ..Default::default() };
        config.retry.max_retries = 0;
        let t = Transport::new(&config).unwrap();
        let e = dcskit::runtime::block_on(async move { t.send(HttpRequest::new("GET", "/v2/x")).await }).unwrap().unwrap_err();
        assert_eq!(e.kind(), dcskit::ErrorKind::Connection);
        let mut chain = format!("{e} {e:?} {}", e.to_json());
        let mut src = std::error::Error::source(&e);
        while let Some(s) = src {
            chain.push_str(&s.to_string());
            src = s.source();
        }
        assert!(secret_free(&chain), "{chain}");
    }
    // A pre-signed download URL's query (its signature) stays out of the error.
    let config = Config::default();
    let url = format!("http://127.0.0.1:{port}/backup.rdb?Signature={sk}");
    let e = dcskit::runtime::block_on(async move { dcskit::transport::download_stream(&url, &config).await.map(|_| ()) }).unwrap().unwrap_err();
    let shown = format!("{e} {e:?} {}", e.to_json());
    assert!(secret_free(&shown), "{shown}");
}
