//! Unit tests of request building and validation against the generated tables.

use serde_json::json;

use super::request::build;
use super::tables::{tables, TypeSpec};
use super::validate::check;
use super::*;

fn ty(v: serde_json::Value) -> TypeSpec {
    serde_json::from_value(v).unwrap()
}

#[test]
fn tables_cover_every_operation() {
    let t = tables();
    assert_eq!(t.operations.len(), operations().len());
    for op in operations() {
        let spec = t.op(op.name).unwrap_or_else(|| panic!("{} has no tables", op.name));
        assert_eq!(op.paginated, spec.pagination.is_some(), "{}", op.name);
        for p in &spec.params {
            if p.location == "path" {
                assert!(op.path.contains(&format!("{{{}}}", p.name)), "{}: {}", op.name, p.name);
            }
        }
    }
    for w in waiters() {
        assert!(find_operation(w.operation).is_some(), "waiter {}", w.name);
    }
}

#[test]
fn scalar_checks_name_the_path() {
    let t = tables();
    let int = ty(json!({"kind": "integer", "format": "int32", "minimum": 1, "maximum": 10}));
    assert!(check(t, &int, &json!(5), "limit").is_ok());
    for (bad, needle) in [(json!(0), "at least 1"), (json!(11), "at most 10"), (json!("5"), "must be an integer"),
                          (json!(1.5), "must be an integer"), (json!(5_000_000_000i64), "32-bit")] {
        let e = check(t, &int, &bad, "limit").unwrap_err();
        assert_eq!(e.param(), Some("limit"));
        assert!(e.message().contains(needle), "{bad}: {e}");
    }
    let s = ty(json!({"kind": "string", "enum": ["a", "b"], "maxLength": 3}));
    assert!(check(t, &s, &json!("a"), "x").is_ok());
    assert!(check(t, &s, &json!("c"), "x").unwrap_err().message().contains("not one of"));
    let len = ty(json!({"kind": "string", "minLength": 2, "maxLength": 3}));
    assert!(check(t, &len, &json!("é"), "n").is_err());
    assert!(check(t, &len, &json!("éé"), "n").is_ok(), "lengths count characters, not bytes");
    let arr = ty(json!({"kind": "array", "minItems": 1, "items": {"kind": "integer", "maximum": 7}}));
    assert_eq!(check(t, &arr, &json!([1, 8]), "body.backup_at").unwrap_err().param(), Some("body.backup_at[1]"));
    assert!(check(t, &arr, &json!([]), "a").unwrap_err().message().contains("at least 1 items"));
    let b = ty(json!({"kind": "boolean"}));
    assert!(check(t, &b, &json!("true"), "flag").is_err());
}

#[test]
fn nested_body_fields_are_checked_by_path() {
    // Find a body with a required field of a nested object, straight from the tables.
    let t = tables();
    let mut checked = 0;
    for op in operations() {
        let Some(body) = t.op(op.name).and_then(|o| o.body.as_ref()) else { continue };
        let Some(name) = body.schema.reference.as_deref() else { continue };
        let Some(schema) = t.schemas.get(name) else { continue };
        let Some(req) = schema.properties.iter().find(|p| p.required) else { continue };
        let mut input = sample_input(op.name, false).unwrap();
        input["body"].as_object_mut().unwrap().remove(&req.name);
        let e = build(op, &input, Some("p")).unwrap_err();
        assert_eq!(e.param(), Some(format!("body.{}", req.name).as_str()), "{}", op.name);
        checked += 1;
    }
    assert!(checked > 10);
}

#[test]
fn path_and_query_are_encoded_and_headers_set() {
    let op = find_operation("ShowInstance").unwrap();
    let req = build(op, &json!({"instance_id": "a b/ü?#%"}), Some("proj")).unwrap();
    assert_eq!(req.method, "GET");
    assert_eq!(req.path, "/v2/proj/instances/a%20b%2F%C3%BC%3F%23%25");
    assert!(req.idempotent);
    assert!(req.body.is_none());
    assert!(req.headers.contains(&("X-Project-Id".to_string(), "proj".to_string())));
    assert!(req.headers.iter().any(|(k, _)| k == "Content-Type"));
    // An explicit project_id wins over the configured one, in the path and the header.
    let req = build(op, &json!({"instance_id": "i", "project_id": "other"}), Some("proj")).unwrap();
    assert_eq!(req.path, "/v2/other/instances/i");
    assert!(req.headers.contains(&("X-Project-Id".to_string(), "other".to_string())));
    assert_eq!(build(op, &json!({"instance_id": "i"}), None).unwrap_err().param(), Some("project_id"));
    let e = build(op, &json!({"instance_id": ""}), Some("proj")).unwrap_err();
    assert_eq!(e.param(), Some("instance_id"));

    let list = find_operation("ListInstances").unwrap();
    let req = build(list, &json!({"limit": 5, "name": "x y", "status": null}), Some("proj")).unwrap();
    assert_eq!(req.query, vec![("name".to_string(), "x y".to_string()), ("limit".to_string(), "5".to_string())]);
    assert!(build(list, &json!([1]), Some("p")).unwrap_err().param() == Some("input"));
}

#[test]
fn post_body_is_json_and_not_idempotent() {
    let op = operations().iter().find(|o| o.method == "POST" && tables().op(o.name).unwrap().body.is_some()).unwrap();
    let input = sample_input(op.name, true).unwrap();
    let req = build(op, &input, Some("p")).unwrap();
    assert!(!req.idempotent);
    let body: serde_json::Value = serde_json::from_slice(req.body.as_ref().unwrap()).unwrap();
    assert_eq!(body, input["body"]);
}

#[test]
fn sample_inputs_validate_for_every_operation() {
    for op in operations() {
        for full in [false, true] {
            let input = sample_input(op.name, full).unwrap();
            build(op, &input, Some("p")).unwrap_or_else(|e| panic!("{} (full={full}): {e}", op.name));
        }
    }
}
