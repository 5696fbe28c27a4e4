//! The emulator authenticates like the service: signatures recomputed from the wire.

mod mock_support;

use std::time::{Duration, SystemTime};

use dcskit::auth::signer::SdkDate;
use dcskit::mock::MockOptions;
use mock_support::*;
use serde_json::json;

fn body() -> serde_json::Value {
    create_body("auth-test", json!({}))
}

#[tokio::test]
async fn signed_requests_pass_and_altered_ones_are_refused() {
    let server = start(options()).await;
    let base = server.url().to_string();
    let path = p("/instances");

    // Correctly signed: accepted, with a request id.
    let a = send(&base, Call::new("POST", &path).body(body())).await.unwrap();
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.request_id.as_deref().is_some_and(|r| r.len() >= 16));

    // Wrong secret key.
    let mut c = Call::new("POST", &path).body(body());
    c.sk = "not-the-secret";
    let a = send(&base, c).await.unwrap();
    assert_eq!(a.status, 401);
    assert!(a.body["error_code"].as_str().unwrap().starts_with("APIGW.030"), "{}", a.body);
    assert!(a.body["error_msg"].as_str().unwrap().contains("signature"), "{}", a.body);
    assert!(a.request_id.is_some(), "401s carry a request id too");

    // Body changed after signing.
    let mut c = Call::new("POST", &path).body(body());
    c.tamper = Some(serde_json::to_vec(&create_body("auth-evil", json!({}))).unwrap());
    let a = send(&base, c).await.unwrap();
    assert_eq!(a.status, 401, "{}", a.body);

    // A date 20 minutes old.
    let mut c = Call::new("POST", &path).body(body());
    c.date = Some(SdkDate::from_system_time(SystemTime::now() - Duration::from_secs(20 * 60)));
    let a = send(&base, c).await.unwrap();
    assert_eq!(a.status, 401);
    assert!(a.body["error_msg"].as_str().unwrap().contains("expired"), "{}", a.body);

    // 10 minutes is within the window.
    let mut c = Call::new("GET", &path);
    c.date = Some(SdkDate::from_system_time(SystemTime::now() - Duration::from_secs(10 * 60)));
    assert_eq!(send(&base, c).await.unwrap().status, 200);

    // The same request, correctly signed again, passes and the state saw only the good one.
    let list = ok(&base, "GET", &p("/instances?name=auth-"), None).await;
    assert_eq!(list["instance_num"], 1, "{list}");
    assert_eq!(list["instances"][0]["name"], "auth-test");

    // No signature at all.
    let a = http().get(format!("{base}{path}")).send().await.unwrap();
    assert_eq!(a.status().as_u16(), 401);
    assert!(a.headers().get("x-request-id").is_some());
    server.shutdown().await;
}

#[tokio::test]
async fn token_auth_and_unknown_paths() {
    let server = start(MockOptions { token: Some("tok-123".into()), ..options() }).await;
    let base = server.url().to_string();
    let url = format!("{base}{}", p("/instances"));
    let a = http().get(&url).header("X-Auth-Token", "tok-123").send().await.unwrap();
    assert_eq!(a.status().as_u16(), 200);
    let a = http().get(&url).header("X-Auth-Token", "tok-999").send().await.unwrap();
    assert_eq!(a.status().as_u16(), 401);
    let body: serde_json::Value = serde_json::from_slice(&a.bytes().await.unwrap()).unwrap();
    assert_eq!(body["error_code"], "APIGW.0301");

    // Unknown operation: the gateway's 404.
    let a = send(&base, Call::new("GET", &p("/no-such-thing"))).await.unwrap();
    assert_eq!(a.status, 404);
    assert_eq!(a.body["error_code"], "APIGW.0101");
    // Another project: refused.
    let a = send(&base, Call::new("GET", "/v2/ffffffffffffffffffffffffffffffff/instances")).await.unwrap();
    assert_eq!(a.status, 403);
    server.shutdown().await;
}

#[test]
fn options_debug_hides_secrets() {
    let o = MockOptions { token: Some("tok-secret-1".into()), ..options() };
    let text = format!("{o:?}");
    assert!(text.contains(AK));
    assert!(!text.contains(SK) && !text.contains("tok-secret-1"), "{text}");
}
