//! `dcskit api`: the operation list, calls against a recording server on 127.0.0.1, service
//! errors on stderr with a non-zero exit, and input validation.

#[path = "../../core/tests/api_support/mod.rs"]
mod support;

use std::process::{Command, Output};

use serde_json::Value;
use support::Recorder;

fn dcskit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dcskit"))
        .args(args)
        .env("CLOUD_SDK_AK", "AKCLI")
        .env("CLOUD_SDK_SK", "SKCLI")
        .env_remove("CLOUD_SDK_PROJECT_ID")
        .env_remove("CLOUD_SDK_SECURITY_TOKEN")
        .output()
        .expect("run dcskit")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn list_prints_every_operation() {
    let out = dcskit(&["api", "--list"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let list: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(list.len(), dcskit::api::operations().len());
    assert!(list.len() >= 164);
    for op in &list {
        let keys: Vec<&str> = op.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["name", "method", "path", "version", "deprecated"]);
    }
    let li = list.iter().find(|o| o["name"] == "ListInstances").unwrap();
    assert_eq!(li["method"], "GET");
    assert_eq!(li["path"], "/v2/{project_id}/instances");
    assert_eq!(li["deprecated"], false);
    assert!(list.iter().any(|o| o["version"] == "v1.0" && o["deprecated"] == true));
}

#[test]
fn call_prints_the_response_json() {
    let rec = Recorder::start();
    rec.reply(200, r#"{"instance_num": 1, "instances": [{"name": "a"}]}"#);
    let out = dcskit(&["api", "list-instances", "--input", r#"{"limit": 3}"#, "--endpoint", &rec.url, "--project-id", "p9"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["instances"][0]["name"], "a");
    let sent = rec.take();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].target, "/v2/p9/instances?limit=3");
    assert_eq!(sent[0].header("x-project-id"), Some("p9"));
    assert!(sent[0].header("authorization").unwrap().contains("Access=AKCLI"));

    // @FILE input and the official name; an empty response body prints {}.
    let dir = std::env::temp_dir().join(format!("dcskit-api-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("input.json");
    std::fs::write(&file, r#"{"instance_id": "id/1"}"#).unwrap();
    rec.reply(200, "");
    let arg = format!("@{}", file.display());
    let out = dcskit(&["api", "ShowInstance", "--input", &arg, "--endpoint", &rec.url, "--project-id", "p9"]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout).trim(), "{}");
    assert_eq!(rec.take()[0].target, "/v2/p9/instances/id%2F1");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn service_error_goes_to_stderr_with_nonzero_exit() {
    let rec = Recorder::start();
    rec.reply(400, r#"{"error_code": "DCS.4801", "error_msg": "bad things"}"#);
    let out = dcskit(&["api", "ShowInstance", "--input", r#"{"instance_id": "x"}"#, "--endpoint", &rec.url, "--project-id", "p"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = text(&out.stderr);
    for want in ["status: 400", "error_code: DCS.4801", "error_msg: bad things", "request_id: rid-400"] {
        assert!(err.contains(want), "missing {want:?} in {err}");
    }
}

#[test]
fn bad_input_names_the_parameter_and_sends_nothing() {
    let rec = Recorder::start();
    let cases: [(&[&str], &str); 4] = [
        (&["api", "ShowInstance", "--input", "{}"], "instance_id"),
        (&["api", "ShowInstance", "--input", "{not json"], "input"),
        (&["api", "NoSuchThing", "--input", "{}"], "operation"),
        (&["api", "ListInstances", "--input", r#"{"limit": "ten"}"#], "limit"),
    ];
    for (args, param) in cases {
        let mut all: Vec<&str> = args.to_vec();
        all.extend(["--endpoint", &rec.url, "--project-id", "p"]);
        let out = dcskit(&all);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = text(&out.stderr);
        assert!(err.contains("INVALID_INPUT") && err.contains(&format!("\"param\":\"{param}\"")), "{args:?}: {err}");
    }
    assert!(rec.take().is_empty());
    // Without any project id (flag or CLOUD_SDK_PROJECT_ID) nothing is sent either.
    let out = dcskit(&["api", "ShowInstance", "--input", r#"{"instance_id": "x"}"#, "--endpoint", &rec.url]);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("project_id"));
    assert!(rec.take().is_empty());
}
