//! Every operation of the spec is sent to a recording HTTP server on 127.0.0.1 with a valid
//! generated input; method, percent-encoded path, query, headers and body are checked against
//! the spec file itself. Invalid inputs must fail with INVALID_INPUT naming the parameter and
//! send nothing.

#[path = "api_support/mod.rs"]
mod support;

use dcskit::api::{self, Client};
use dcskit::auth::Credentials;
use dcskit::{Config, ErrorKind, RetryPolicy};
use serde_json::{json, Value};
use support::{deref, encode_segment, spec, spec_operations, Recorder};

const PROJECT: &str = "proj 1/x";

fn client(url: &str) -> Client {
    Client::new(Config {
        endpoint: Some(url.to_string()),
        project_id: Some(PROJECT.into()),
        credentials: Some(Credentials::aksk("AKTEST", "SKTEST")),
        retry: RetryPolicy { max_retries: 0, ..Default::default() },
        ..Default::default()
    })
    .unwrap()
}

fn scalar(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

#[test]
fn every_operation_is_sent_as_the_spec_says() {
    let spec = spec();
    let rec = Recorder::start();
    let c = client(&rec.url);
    let ops = spec_operations(&spec);
    assert_eq!(ops.len(), api::operations().len(), "operations table and spec disagree");
    let mut checked = 0;
    for (template, method, op) in &ops {
        let name = op["operationId"].as_str().unwrap();
        let input = api::sample_input(name, true).unwrap();
        c.call_blocking(name, input.clone()).unwrap_or_else(|e| panic!("{name}: {e}"));
        let got = rec.take();
        assert_eq!(got.len(), 1, "{name}: one request");
        let r = &got[0];
        assert_eq!(&r.method, method, "{name}: method");

        // Path: every placeholder replaced by its percent-encoded value.
        let mut want_path = template.clone();
        let mut want_query = Vec::new();
        let mut want_headers = Vec::new();
        for p in op["parameters"].as_array().into_iter().flatten() {
            let pname = p["name"].as_str().unwrap();
            let loc = p["in"].as_str().unwrap();
            let value = if loc == "path" && pname == "project_id" { json!(PROJECT) } else { input.get(pname).cloned().unwrap_or(Value::Null) };
            if value.is_null() {
                continue;
            }
            match loc {
                "path" => want_path = want_path.replace(&format!("{{{pname}}}"), &encode_segment(&scalar(&value))),
                "query" => match &value {
                    Value::Array(a) => want_query.extend(a.iter().map(|v| (pname.to_string(), scalar(v)))),
                    v => want_query.push((pname.to_string(), scalar(v))),
                },
                "header" => want_headers.push((pname.to_ascii_lowercase(), scalar(&value))),
                _ => {}
            }
        }
        assert_eq!(r.path(), want_path, "{name}: path");
        assert!(!r.path().contains(' ') && !r.raw_query().contains(' '), "{name}: unencoded space");
        let mut got_query = support::decode_query(r.raw_query());
        got_query.sort();
        want_query.sort();
        assert_eq!(got_query, want_query, "{name}: query");

        let ctype = op["x-dcskit-content-type"].as_str().unwrap_or("application/json");
        assert_eq!(r.header("content-type"), Some(ctype), "{name}: content-type");
        assert_eq!(r.header("x-project-id"), Some(PROJECT), "{name}: X-Project-Id");
        let auth = r.header("authorization").unwrap_or_else(|| panic!("{name}: no Authorization"));
        assert!(auth.starts_with("SDK-HMAC-SHA256 Access=AKTEST, SignedHeaders="), "{name}: {auth}");
        assert!(r.header("x-sdk-date").is_some(), "{name}: X-Sdk-Date");
        for (k, v) in &want_headers {
            assert_eq!(r.header(k), Some(v.as_str()), "{name}: header {k}");
        }

        // Body: exactly the input's body as JSON; none when the operation has no body.
        if op.get("requestBody").is_some() {
            let body: Value = serde_json::from_slice(&r.body).unwrap_or_else(|e| panic!("{name}: body not JSON: {e}"));
            assert_eq!(&body, &input["body"], "{name}: body");
            let schema = deref(&spec, &op["requestBody"]["content"]["application/json"]["schema"]);
            for req in schema["required"].as_array().into_iter().flatten() {
                assert!(body.get(req.as_str().unwrap()).is_some(), "{name}: body lacks required {req}");
            }
        } else {
            assert!(r.body.is_empty(), "{name}: unexpected body");
        }
        checked += 1;
    }
    println!("recorded and checked {checked} operations");
    assert!(checked >= 164, "only {checked} operations");
}

/// Sends nothing and names the parameter.
fn assert_rejected(c: &Client, rec: &Recorder, op: &str, input: Value, param: &str) {
    let e = c.call_blocking(op, input.clone()).expect_err(&format!("{op}: {input} must be rejected"));
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "{op}: {e}");
    assert_eq!(e.param(), Some(param), "{op}: {e}");
    assert!(rec.take().is_empty(), "{op}: something was sent for invalid input");
}

#[test]
fn invalid_input_names_the_parameter_and_sends_nothing() {
    let spec = spec();
    let rec = Recorder::start();
    let c = client(&rec.url);
    let (mut missing, mut ranges, mut enums, mut types, mut body_fields) = (0, 0, 0, 0, 0);
    for (_, _, op) in spec_operations(&spec) {
        let name = op["operationId"].as_str().unwrap();
        let valid = api::sample_input(name, true).unwrap();
        for p in op["parameters"].as_array().into_iter().flatten() {
            let pname = p["name"].as_str().unwrap();
            if pname == "project_id" {
                continue;
            }
            let schema = deref(&spec, &p["schema"]);
            if p["required"].as_bool() == Some(true) || p["in"] == "path" {
                let mut input = valid.clone();
                input.as_object_mut().unwrap().remove(pname);
                assert_rejected(&c, &rec, name, input, pname);
                missing += 1;
            }
            if schema["type"] == "integer" {
                let mut input = valid.clone();
                input[pname] = json!("not-a-number");
                assert_rejected(&c, &rec, name, input, pname);
                types += 1;
                if let Some(max) = schema["maximum"].as_f64() {
                    let mut input = valid.clone();
                    input[pname] = json!(max as i64 + 1);
                    assert_rejected(&c, &rec, name, input, pname);
                    ranges += 1;
                }
                if let Some(min) = schema["minimum"].as_f64() {
                    let mut input = valid.clone();
                    input[pname] = json!(min as i64 - 1);
                    assert_rejected(&c, &rec, name, input, pname);
                    ranges += 1;
                }
            }
            if schema.get("enum").is_some() {
                let mut input = valid.clone();
                input[pname] = json!("surely-not-in-the-enum");
                assert_rejected(&c, &rec, name, input, pname);
                enums += 1;
            }
        }
        // Required body fields, one level down.
        if let Some(rb) = op.get("requestBody") {
            let schema = deref(&spec, &rb["content"]["application/json"]["schema"]);
            for req in schema["required"].as_array().into_iter().flatten() {
                let field = req.as_str().unwrap();
                let mut input = valid.clone();
                if let Some(b) = input["body"].as_object_mut() {
                    b.remove(field);
                    assert_rejected(&c, &rec, name, input, &format!("body.{field}"));
                    body_fields += 1;
                }
            }
        }
    }
    println!("rejected: {missing} missing, {types} wrong type, {ranges} out of range, {enums} enum, {body_fields} body fields");
    assert!(missing > 50 && types > 5 && body_fields > 20, "too few cases exercised");
    // The unknown operation and a non-object input.
    assert_rejected(&c, &rec, "NoSuchOperation", json!({}), "operation");
}

#[test]
fn unknown_parameter_and_missing_project_id_are_rejected() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    let op = api::operations().iter().find(|o| o.path.contains("{project_id}") && !o.deprecated).unwrap();
    let mut input = api::sample_input(op.name, false).unwrap();
    input["no_such_param"] = json!(1);
    assert_rejected(&c, &rec, op.name, input, "no_such_param");

    let no_project = Client::new(Config {
        endpoint: Some(rec.url.clone()),
        project_id: Some(String::new()),
        credentials: Some(Credentials::aksk("AKTEST", "SKTEST")),
        ..Default::default()
    })
    .unwrap();
    let input = api::sample_input(op.name, false).unwrap();
    assert_rejected(&no_project, &rec, op.name, input, "project_id");
}

#[test]
fn names_resolve_in_every_form() {
    for op in api::operations() {
        let kebab = op.snake_name.replace('_', "-");
        for form in [op.name, op.snake_name, op.camel_name, kebab.as_str()] {
            assert_eq!(api::find_operation(form).map(|o| o.name), Some(op.name), "{form}");
        }
    }
}

#[test]
fn service_error_keeps_status_code_and_request_id() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    rec.reply(404, r#"{"error_code":"DCS.4133","error_msg":"instance not found"}"#);
    let op = api::operations().iter().find(|o| o.method == "GET" && !o.deprecated).unwrap();
    let e = c.call_blocking(op.name, api::sample_input(op.name, false).unwrap()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::ClientRequest);
    assert_eq!(e.status_code(), Some(404));
    assert_eq!(e.error_code(), Some("DCS.4133"));
    assert_eq!(e.request_id(), Some("rid-404"));
    assert_eq!(rec.take().len(), 1);
}
