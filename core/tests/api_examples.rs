//! Every documented success-response example in the spec deserializes into its typed response
//! model, and serializing it back gives the same JSON (unknown fields kept).

#[path = "api_support/mod.rs"]
mod support;

use dcskit::api;
use serde_json::Value;
use support::{spec, spec_operations};

/// A scalar where the typed model reads "absent": null, `{}`, `[]`.
fn absent(v: &Value) -> bool {
    v.is_null() || v.as_object().is_some_and(|o| o.is_empty()) || v.as_array().is_some_and(|a| a.is_empty())
}

/// Same JSON up to what lenient decoding normalises: dropped nulls / `{}` / `[]`, a number
/// and its string spelling, integer-vs-float spelling of the same number.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let xs: Vec<_> = x.iter().filter(|(_, v)| !absent(v)).collect();
            let ys: Vec<_> = y.iter().filter(|(_, v)| !absent(v)).collect();
            xs.len() == ys.len() && xs.iter().all(|(k, v)| y.get(*k).is_some_and(|w| same(v, w)))
        }
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(v, w)| same(v, w)),
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Number(n), Value::String(s)) | (Value::String(s), Value::Number(n)) => {
            s.parse::<f64>().ok() == n.as_f64()
        }
        (Value::Bool(x), Value::String(s)) | (Value::String(s), Value::Bool(x)) => s == &x.to_string(),
        _ => a == b,
    }
}

#[test]
fn documented_examples_parse_into_typed_responses() {
    let spec = spec();
    let (mut total, mut json_examples, mut parsed) = (0, 0, 0);
    let mut failures = Vec::new();
    for (_, _, op) in spec_operations(&spec) {
        let name = op["operationId"].as_str().unwrap();
        for (status, resp) in op["responses"].as_object().unwrap() {
            if !status.starts_with('2') {
                continue;
            }
            let Some(example) = resp.pointer("/content/application~1json/example") else { continue };
            total += 1;
            if example.is_string() {
                // Kept as text because the documentation's example is not valid JSON.
                continue;
            }
            json_examples += 1;
            match api::roundtrip_response(name, example.clone()).expect("operation known") {
                Ok(back) if same(example, &back) => parsed += 1,
                Ok(back) => failures.push(format!("{name} {status}: round trip changed the JSON:\n  {example}\n  {back}")),
                Err(e) => failures.push(format!("{name} {status}: {e}")),
            }
        }
    }
    println!("example responses: {total} documented, {json_examples} valid JSON, {parsed} parsed and round-tripped");
    // Every valid-JSON example must parse: a failure means the spec's types are wrong.
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.join("\n"));
    assert!(json_examples > 50, "only {json_examples} JSON examples in the spec");
    assert_eq!(parsed, json_examples, "every valid-JSON example parses and round-trips");
}

#[test]
fn unknown_response_fields_are_kept() {
    let op = api::operations().iter().find(|o| o.name == "ListInstances").expect("ListInstances");
    let v = serde_json::json!({"instance_num": 1, "instances": [{"name": "a", "brand_new": {"x": [1, 2]}}], "top_new": "t"});
    let back = api::roundtrip_response(op.name, v.clone()).unwrap().unwrap();
    assert!(same(&v, &back), "{back}");
    let typed: api::models::ListInstancesResponse = serde_json::from_value(v).unwrap();
    assert_eq!(typed.extra.get("top_new"), Some(&Value::String("t".into())));
    assert_eq!(typed.instance_num, Some(1));
}
