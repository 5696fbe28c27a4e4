//! Builds a valid input for any operation from the spec tables: every required parameter and
//! body field (or every one, with `full`) filled with a value that satisfies its type, enum and
//! range. Used by `dcskit api OP --skeleton` and by the request-recording tests.

use serde_json::{json, Map, Value};

use super::tables::{tables, Tables, TypeSpec};
use super::{find_operation, OperationInfo};
use crate::error::{Error, Result};

/// A valid input for `operation` (parameters by wire name, body under `"body"`).
pub fn sample_input(operation: &str, full: bool) -> Result<Value> {
    let op: &OperationInfo = find_operation(operation)
        .ok_or_else(|| Error::invalid_input("operation", format!("unknown operation {operation:?}")))?;
    let t = tables();
    let spec = t.op(op.name).ok_or_else(|| Error::invalid_input("operation", "no spec tables"))?;
    let mut input = Map::new();
    for p in &spec.params {
        if p.client_filled || !(p.required || full) {
            continue;
        }
        let v = if p.location == "path" {
            // Characters that must be percent-encoded in a path segment.
            Value::String(format!("{}-1 a/b+é", p.name))
        } else {
            sample(t, &p.schema, &p.name, full, 0)
        };
        input.insert(p.name.clone(), v);
    }
    if let Some(b) = &spec.body {
        if b.required || full {
            input.insert("body".into(), sample(t, &b.schema, "body", full, 0));
        }
    }
    Ok(Value::Object(input))
}

fn sample(t: &Tables, ty: &TypeSpec, name: &str, full: bool, depth: usize) -> Value {
    if let Some(first) = ty.allowed.as_ref().and_then(|a| a.first()) {
        return first.clone();
    }
    if let Some(d) = &ty.default {
        if !d.is_null() && super::validate::check(t, ty, d, name).is_ok() {
            return d.clone();
        }
    }
    match ty.kind.as_str() {
        "string" => {
            let mut s = format!("{name}-x");
            let min = ty.min_length.unwrap_or(0) as usize;
            while s.chars().count() < min {
                s.push('x');
            }
            if let Some(max) = ty.max_length {
                s = s.chars().take(max.max(min as u64) as usize).collect();
            }
            Value::String(s)
        }
        "integer" => {
            let lo = ty.minimum.map(|m| m.ceil() as i64).unwrap_or(1);
            let lo = if ty.exclusive_minimum.as_ref().and_then(Value::as_bool) == Some(true) { lo + 1 } else { lo };
            let v = match ty.maximum {
                Some(max) if (lo as f64) > max => max as i64,
                _ => lo,
            };
            json!(v)
        }
        "number" => json!(ty.minimum.unwrap_or(1.0).max(ty.exclusive_minimum.as_ref().and_then(Value::as_f64).map_or(f64::MIN, |m| m + 1.0))),
        "boolean" => json!(true),
        "array" => {
            let n = ty.min_items.unwrap_or(1).max(1) as usize;
            match &ty.items {
                Some(it) if depth < 6 => Value::Array((0..n).map(|_| sample(t, it, name, full, depth + 1)).collect()),
                _ => json!([]),
            }
        }
        "map" => match &ty.values {
            Some(vt) if depth < 6 => json!({ "k": sample(t, vt, name, full, depth + 1) }),
            _ => json!({}),
        },
        "ref" => {
            let mut obj = Map::new();
            if let Some(schema) = ty.reference.as_deref().and_then(|r| t.schemas.get(r)) {
                for p in &schema.properties {
                    if (p.required || (full && depth < 4)) && depth < 8 {
                        obj.insert(p.name.clone(), sample(t, &p.schema, &p.name, full, depth + 1));
                    }
                }
            }
            Value::Object(obj)
        }
        _ => json!("any"),
    }
}
