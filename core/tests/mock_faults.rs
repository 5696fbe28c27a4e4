//! Injected faults: scripted per operation, by seeded rate, latency, dropped connections.

mod mock_support;

use std::time::{Duration, Instant};

use dcskit::api::Client;
use dcskit::auth::Credentials;
use dcskit::mock::{MockOptions, ScriptedFaults};
use dcskit::{Config, ErrorKind, RetryPolicy};
use mock_support::*;

#[tokio::test]
async fn scripted_faults_then_normal_answers() {
    let server = start(MockOptions {
        faults: vec![ScriptedFaults::parse("ListInstances=503,429:7,drop,500,ok").unwrap()],
        ..options()
    })
    .await;
    let base = server.url().to_string();
    let path = p("/instances");
    let a = send(&base, Call::new("GET", &path)).await.unwrap();
    assert_eq!(a.status, 503);
    assert!(a.request_id.is_some());
    let a = send(&base, Call::new("GET", &path)).await.unwrap();
    assert_eq!(a.status, 429);
    assert_eq!(a.headers.get("retry-after").unwrap(), "7");
    // Dropped mid-response: the client sees a broken body, not an answer.
    assert!(send(&base, Call::new("GET", &path)).await.is_err());
    assert_eq!(send(&base, Call::new("GET", &path)).await.unwrap().status, 500);
    assert_eq!(send(&base, Call::new("GET", &path)).await.unwrap().status, 200);
    assert_eq!(send(&base, Call::new("GET", &path)).await.unwrap().status, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn the_core_client_retries_through_injected_faults() {
    let server = start(MockOptions {
        faults: vec![ScriptedFaults::parse("ListInstances=503,429:0,500").unwrap()],
        ..options()
    })
    .await;
    let client = Client::new(Config {
        endpoint: Some(server.url().into()),
        project_id: Some(PROJECT.into()),
        credentials: Some(Credentials::aksk(AK, SK)),
        retry: RetryPolicy { max_retries: 4, initial_backoff: Duration::from_millis(10), ..Default::default() },
        ..Default::default()
    })
    .unwrap();
    let v = client.call("ListInstances", serde_json::json!({})).await.unwrap();
    assert_eq!(v["instance_num"], 0);
    // Without retries the first fault surfaces with its kind and request id.
    let server2 = start(MockOptions { faults: vec![ScriptedFaults::parse("ListInstances=503").unwrap()], ..options() }).await;
    let client = Client::new(Config {
        endpoint: Some(server2.url().into()),
        project_id: Some(PROJECT.into()),
        credentials: Some(Credentials::aksk(AK, SK)),
        retry: RetryPolicy { max_retries: 0, ..Default::default() },
        ..Default::default()
    })
    .unwrap();
    let e = client.call("ListInstances", serde_json::json!({})).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ServerResponse);
    assert_eq!(e.status_code(), Some(503));
    assert!(e.request_id().is_some());
    server.shutdown().await;
    server2.shutdown().await;
}

#[tokio::test]
async fn rate_and_latency() {
    let server = start(MockOptions { fail_rate: 0.5, seed: Some(42), latency: Duration::from_millis(30), ..options() }).await;
    let base = server.url().to_string();
    let path = p("/instances");
    let started = Instant::now();
    let mut failures = 0;
    for _ in 0..40 {
        match send(&base, Call::new("GET", &path)).await {
            Ok(a) if a.status == 200 => {}
            _ => failures += 1,
        }
    }
    assert!((8..=32).contains(&failures), "{failures} of 40 failed at rate 0.5");
    assert!(started.elapsed() >= Duration::from_millis(30 * (40 - failures as u64)), "latency applied to answers");
    server.shutdown().await;
    assert!(dcskit::mock::start(MockOptions { fail_rate: 1.5, ..options() }).await.is_err());
}
