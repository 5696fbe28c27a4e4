//! `dcskit sign` as a user runs it: JSON and curl output, one-line errors with a non-zero exit.

use std::process::{Command, Output};

use serde_json::Value;

fn dcskit(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dcskit"));
    cmd.arg("sign").args(args);
    for k in ["CLOUD_SDK_AK", "CLOUD_SDK_SK", "CLOUD_SDK_SECURITY_TOKEN", "CLOUD_SDK_PROJECT_ID", "CLOUD_SDK_AUTH_TOKEN"] {
        cmd.env_remove(k);
    }
    cmd.envs(env.iter().copied());
    cmd.output().unwrap()
}

const CREDS: &[(&str, &str)] = &[("CLOUD_SDK_AK", "HPUAEXAMPLEAK12345"), ("CLOUD_SDK_SK", "exampleSecretKey0123456789abcdef"), ("CLOUD_SDK_PROJECT_ID", "0a1b2c3d4e5f60718293a4b5c6d7e8f9")];

#[test]
fn json_output_matches_the_official_signer() {
    // Expected values: the "list instances" vector, computed by huaweicloudsdkcore's signer.
    let out = dcskit(
        &[
            "--method", "GET",
            "--url", "https://dcs.cn-north-4.myhuaweicloud.com/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/instances?offset=0&limit=10&name=dcs-a",
            "--header", "Content-Type: application/json",
            "--date", "20260315T081530Z",
            "--json",
        ],
        CREDS,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["url"], "https://dcs.cn-north-4.myhuaweicloud.com/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/instances?limit=10&name=dcs-a&offset=0");
    assert_eq!(
        v["authorization"],
        "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK12345, SignedHeaders=content-type;host;x-project-id;x-sdk-date, Signature=20182a776c0320aea1692a7f175a7d1f1f03c4fb0de7a6111669fdb2010d8e11"
    );
    assert_eq!(v["headers"]["Authorization"], v["authorization"]);
    assert_eq!(v["headers"]["X-Sdk-Date"], "20260315T081530Z");
    assert_eq!(v["headers"]["Host"], "dcs.cn-north-4.myhuaweicloud.com");
    assert!(v["canonical_request"].as_str().unwrap().starts_with("GET\n/v2/0a1b2c3d4e5f60718293a4b5c6d7e8f9/instances/\nlimit=10&name=dcs-a&offset=0\n"));
    assert!(v["string_to_sign"].as_str().unwrap().starts_with("SDK-HMAC-SHA256\n20260315T081530Z\n"));
    // The secret key is never printed.
    assert!(!String::from_utf8_lossy(&out.stdout).contains("exampleSecretKey"));
}

#[test]
fn curl_output_with_body_and_token() {
    let mut env = CREDS.to_vec();
    env.push(("CLOUD_SDK_SECURITY_TOKEN", "sts-token-1"));
    let out = dcskit(&["--method", "post", "--url", "http://127.0.0.1:8080/v2/p/instances", "-H", "Content-Type: application/json", "--body", r#"{"name":"it's"}"#], &env);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("curl -X POST 'http://127.0.0.1:8080/v2/p/instances'"), "{text}");
    assert!(text.contains("-H 'X-Security-Token: sts-token-1'"));
    assert!(text.contains("-H 'Authorization: SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK12345, SignedHeaders=content-type;host;x-project-id;x-sdk-date;x-security-token, Signature="));
    assert!(text.contains(r#"--data-binary '{"name":"it'\''s"}'"#), "{text}");
}

#[test]
fn body_file_is_read_and_unsigned_for_non_json() {
    let dir = std::env::temp_dir().join(format!("dcskit-sign-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let f = dir.join("body.bin");
    std::fs::write(&f, [0u8, 159, 146, 150]).unwrap();
    let out = dcskit(&["--method", "PUT", "--url", "https://h/x", "-H", "Content-Type: application/octet-stream", "--body-file", f.to_str().unwrap(), "--json"], CREDS);
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["headers"]["X-Sdk-Content-Sha256"], "UNSIGNED-PAYLOAD");
    assert!(v["canonical_request"].as_str().unwrap().ends_with("\nUNSIGNED-PAYLOAD"));
    let _ = std::fs::remove_dir_all(&dir);
}

fn assert_one_line_error(out: &Output, needle: &str) {
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(err.contains(needle), "{needle:?} in {err}");
    assert!(!err.contains("exampleSecretKey"));
    assert!(out.stdout.is_empty());
}

#[test]
fn bad_input_is_one_line_and_non_zero() {
    assert_one_line_error(&dcskit(&["--method", "GET", "--url", "not a url"], CREDS), "url");
    assert_one_line_error(&dcskit(&["--method", "GET", "--url", "ftp://h/x"], CREDS), "url");
    assert_one_line_error(&dcskit(&["--method", "GET", "--url", "https://h/", "--date", "2026-03-15"], CREDS), "date");
    assert_one_line_error(&dcskit(&["--method", "GET", "--url", "https://h/", "-H", "NoColon"], CREDS), "header");
    assert_one_line_error(&dcskit(&["--method", "GET", "--url", "https://h/", "--body-file", "/nonexistent/x"], CREDS), "body-file");
    assert_one_line_error(&dcskit(&["--method", "GET", "--url", "https://h/"], &[]), "CLOUD_SDK_AK");
    assert_one_line_error(&dcskit(&["--method", "GET", "--url", "https://h/"], &[("CLOUD_SDK_AK", "a")]), "CLOUD_SDK_SK");
}
