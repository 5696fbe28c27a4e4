//! Checks a JSON value against a spec type before anything is sent. Errors name the
//! parameter by its path in the input (`body.bss_param.charging_mode`, `body.tags[1].key`).

use serde_json::Value;

use super::tables::{Tables, TypeSpec};
use crate::error::{Error, Result};

/// Validates `value` at `path` against `t`.
pub(crate) fn check(tables: &Tables, t: &TypeSpec, value: &Value, path: &str) -> Result<()> {
    if value.is_null() {
        // An explicit null means "not given" for optional fields; required ones are checked
        // by the caller before.
        return Ok(());
    }
    match t.kind.as_str() {
        "string" => {
            let s = value.as_str().ok_or_else(|| wrong_type(path, "a string", value))?;
            let n = s.chars().count() as u64;
            if let Some(min) = t.min_length {
                if n < min {
                    return Err(Error::invalid_input(path, format!("must be at least {min} characters long, got {n}")));
                }
            }
            if let Some(max) = t.max_length {
                if n > max {
                    return Err(Error::invalid_input(path, format!("must be at most {max} characters long, got {n}")));
                }
            }
            check_enum(t, value, path)
        }
        "integer" => {
            let ok = value.as_i64().is_some() || value.as_u64().is_some();
            if !ok {
                return Err(wrong_type(path, "an integer", value));
            }
            if t.format.as_deref() == Some("int32") && value.as_i64().is_none_or(|v| i32::try_from(v).is_err()) {
                return Err(Error::invalid_input(path, format!("{value} does not fit a 32-bit integer")));
            }
            check_range(t, value.as_f64().unwrap_or(f64::NAN), value, path)?;
            check_enum(t, value, path)
        }
        "number" => {
            let v = value.as_f64().ok_or_else(|| wrong_type(path, "a number", value))?;
            check_range(t, v, value, path)?;
            check_enum(t, value, path)
        }
        "boolean" => {
            value.as_bool().ok_or_else(|| wrong_type(path, "true or false", value))?;
            Ok(())
        }
        "array" => {
            let items = value.as_array().ok_or_else(|| wrong_type(path, "an array", value))?;
            let n = items.len() as u64;
            if let Some(min) = t.min_items {
                if n < min {
                    return Err(Error::invalid_input(path, format!("needs at least {min} items, got {n}")));
                }
            }
            if let Some(max) = t.max_items {
                if n > max {
                    return Err(Error::invalid_input(path, format!("takes at most {max} items, got {n}")));
                }
            }
            if let Some(it) = &t.items {
                for (i, v) in items.iter().enumerate() {
                    if v.is_null() {
                        return Err(Error::invalid_input(format!("{path}[{i}]"), "must not be null"));
                    }
                    check(tables, it, v, &format!("{path}[{i}]"))?;
                }
            }
            Ok(())
        }
        "map" => {
            let obj = value.as_object().ok_or_else(|| wrong_type(path, "an object", value))?;
            if let Some(vt) = &t.values {
                for (k, v) in obj {
                    check(tables, vt, v, &format!("{path}.{k}"))?;
                }
            }
            Ok(())
        }
        "ref" => {
            let name = t.reference.as_deref().unwrap_or_default();
            let Some(schema) = tables.schemas.get(name) else {
                // Not a request-side schema: nothing to check beyond being JSON.
                return Ok(());
            };
            let obj = value.as_object().ok_or_else(|| wrong_type(path, "an object", value))?;
            for p in &schema.properties {
                let sub = format!("{path}.{}", p.name);
                match obj.get(&p.name) {
                    None | Some(Value::Null) if p.required => {
                        return Err(Error::invalid_input(sub, "is required"));
                    }
                    None => {}
                    Some(v) => check(tables, &p.schema, v, &sub)?,
                }
            }
            // Unknown fields pass: the service documents new fields over time and the spec
            // may lag behind.
            Ok(())
        }
        _ => Ok(()),
    }
}

fn check_range(t: &TypeSpec, v: f64, raw: &Value, path: &str) -> Result<()> {
    if let Some(min) = t.minimum {
        let exclusive = t.exclusive_minimum.as_ref().and_then(Value::as_bool).unwrap_or(false);
        if v < min || (exclusive && v == min) {
            let rel = if exclusive { "greater than" } else { "at least" };
            return Err(Error::invalid_input(path, format!("must be {rel} {}, got {raw}", fmt_num(min))));
        }
    }
    if let Some(min) = t.exclusive_minimum.as_ref().and_then(Value::as_f64) {
        if v <= min {
            return Err(Error::invalid_input(path, format!("must be greater than {}, got {raw}", fmt_num(min))));
        }
    }
    if let Some(max) = t.maximum {
        let exclusive = t.exclusive_maximum.as_ref().and_then(Value::as_bool).unwrap_or(false);
        if v > max || (exclusive && v == max) {
            let rel = if exclusive { "less than" } else { "at most" };
            return Err(Error::invalid_input(path, format!("must be {rel} {}, got {raw}", fmt_num(max))));
        }
    }
    if let Some(max) = t.exclusive_maximum.as_ref().and_then(Value::as_f64) {
        if v >= max {
            return Err(Error::invalid_input(path, format!("must be less than {}, got {raw}", fmt_num(max))));
        }
    }
    Ok(())
}

fn check_enum(t: &TypeSpec, value: &Value, path: &str) -> Result<()> {
    let Some(allowed) = &t.allowed else { return Ok(()) };
    let hit = allowed.iter().any(|a| a == value || (a.is_number() && value.is_number() && a.as_f64() == value.as_f64()));
    if hit {
        return Ok(());
    }
    let list = allowed.iter().map(Value::to_string).collect::<Vec<_>>().join(", ");
    Err(Error::invalid_input(path, format!("{value} is not one of {list}")))
}

fn wrong_type(path: &str, expected: &str, got: &Value) -> Error {
    let kind = match got {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    Error::invalid_input(path, format!("must be {expected}, got {kind}"))
}

fn fmt_num(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}
