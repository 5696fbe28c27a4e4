//! Checks a request against its operation in the spec (path and query parameters, JSON body)
//! the way the service does: the first problem found is reported with the parameter's name.

use std::collections::HashMap;

use serde_json::Value;

use super::spec::{resolve, Route};

/// What was wrong, in the service's terms.
#[derive(Debug, Clone, PartialEq)]
pub enum Invalid {
    /// The body is required and empty (DCS.4004).
    EmptyBody,
    /// The body is not JSON (DCS.4005).
    NotJson(String),
    /// A parameter is missing or out of its documented range (DCS.4062).
    Param { name: String, reason: String },
}

/// Validates parameters and body; returns the parsed body (`Null` when there is none).
pub fn request(
    route: &Route,
    path_params: &HashMap<String, String>,
    query: &[(String, String)],
    body: &[u8],
) -> Result<Value, Invalid> {
    for p in route.parameters() {
        let (Some(name), Some(location)) = (p.get("name").and_then(Value::as_str), p.get("in").and_then(Value::as_str))
        else {
            continue;
        };
        let required = p.get("required").and_then(Value::as_bool).unwrap_or(false);
        let value = match location {
            "path" => path_params.get(name).cloned(),
            "query" => query.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()),
            _ => continue,
        };
        match value {
            None if required => return Err(param(name, "is required")),
            None => {}
            Some(v) => {
                if let Some(schema) = p.get("schema") {
                    scalar_from_text(name, &v, schema)?;
                }
            }
        }
    }
    let text_body = body.iter().all(|b| b.is_ascii_whitespace());
    match route.body_schema() {
        Some((schema, required)) => {
            if text_body {
                return if required { Err(Invalid::EmptyBody) } else { Ok(Value::Null) };
            }
            let parsed: Value = serde_json::from_slice(body).map_err(|e| Invalid::NotJson(e.to_string()))?;
            value("body", &parsed, schema, 0)?;
            Ok(parsed)
        }
        None if text_body => Ok(Value::Null),
        // A body the operation does not document is ignored, as the service does.
        None => Ok(serde_json::from_slice(body).unwrap_or(Value::Null)),
    }
}

fn param(name: &str, reason: impl Into<String>) -> Invalid {
    Invalid::Param { name: name.to_string(), reason: reason.into() }
}

/// Query and path values arrive as text: check them against a scalar schema.
fn scalar_from_text(name: &str, text: &str, schema: &Value) -> Result<(), Invalid> {
    let schema = resolve(schema);
    let parsed = match schema.get("type").and_then(Value::as_str) {
        Some("integer") => match text.parse::<i64>() {
            Ok(n) => Value::from(n),
            Err(_) => return Err(param(name, format!("must be an integer, got {text:?}"))),
        },
        Some("number") => match text.parse::<f64>() {
            Ok(n) => Value::from(n),
            Err(_) => return Err(param(name, format!("must be a number, got {text:?}"))),
        },
        Some("boolean") => match text {
            "true" | "false" => Value::Bool(text == "true"),
            _ => return Err(param(name, format!("must be true or false, got {text:?}"))),
        },
        // Arrays in a query string are comma-joined or repeated; check no further.
        Some("array") => return Ok(()),
        _ => Value::String(text.to_string()),
    };
    value(name, &parsed, schema, 0)
}

/// JSON-schema subset the spec uses: type, properties, required, items, enum, ranges, lengths.
fn value(at: &str, v: &Value, schema: &Value, depth: usize) -> Result<(), Invalid> {
    if depth > 32 {
        return Ok(());
    }
    let schema = resolve(schema);
    if v.is_null() {
        // The service treats an explicit null like an absent field.
        return Ok(());
    }
    if let Some(options) = schema.get("enum").and_then(Value::as_array) {
        if !options.is_empty() && !options.iter().any(|o| o == v || loose_eq(o, v)) {
            return Err(param(at, format!("must be one of {}", Value::Array(options.clone()))));
        }
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") => {
            let Some(obj) = v.as_object() else { return Err(param(at, "must be an object")) };
            for req in schema.get("required").and_then(Value::as_array).into_iter().flatten() {
                if let Some(name) = req.as_str() {
                    if obj.get(name).is_none_or(Value::is_null) {
                        return Err(param(&join(at, name), "is required"));
                    }
                }
            }
            if let Some(props) = schema.get("properties").and_then(Value::as_object) {
                for (k, child) in obj {
                    if let Some(s) = props.get(k) {
                        value(&join(at, k), child, s, depth + 1)?;
                    }
                }
            }
        }
        Some("array") => {
            let Some(items) = v.as_array() else { return Err(param(at, "must be an array")) };
            if let Some(min) = schema.get("minItems").and_then(Value::as_u64) {
                if (items.len() as u64) < min {
                    return Err(param(at, format!("needs at least {min} item(s)")));
                }
            }
            if let Some(max) = schema.get("maxItems").and_then(Value::as_u64) {
                if items.len() as u64 > max {
                    return Err(param(at, format!("allows at most {max} item(s)")));
                }
            }
            if let Some(item_schema) = schema.get("items") {
                for (i, item) in items.iter().enumerate() {
                    value(&format!("{at}[{i}]"), item, item_schema, depth + 1)?;
                }
            }
        }
        Some("string") => {
            let Some(s) = v.as_str() else { return Err(param(at, "must be a string")) };
            let n = s.chars().count() as u64;
            if let Some(min) = schema.get("minLength").and_then(Value::as_u64) {
                if n < min {
                    return Err(param(at, format!("must be at least {min} characters")));
                }
            }
            if let Some(max) = schema.get("maxLength").and_then(Value::as_u64) {
                if n > max {
                    return Err(param(at, format!("must be at most {max} characters")));
                }
            }
        }
        Some("integer") | Some("number") => {
            let is_int = schema.get("type").and_then(Value::as_str) == Some("integer");
            let Some(n) = v.as_f64() else { return Err(param(at, "must be a number")) };
            if is_int && n.fract() != 0.0 {
                return Err(param(at, "must be an integer"));
            }
            if let Some(min) = schema.get("minimum").and_then(Value::as_f64) {
                if n < min {
                    return Err(param(at, format!("must be at least {min}")));
                }
            }
            if let Some(max) = schema.get("maximum").and_then(Value::as_f64) {
                if n > max {
                    return Err(param(at, format!("must be at most {max}")));
                }
            }
        }
        Some("boolean") if !v.is_boolean() => return Err(param(at, "must be true or false")),
        _ => {}
    }
    Ok(())
}

/// Enums of numbers documented as strings (and back) still match.
fn loose_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::String(s), Value::Number(n)) | (Value::Number(n), Value::String(s)) => s == &n.to_string(),
        _ => false,
    }
}

fn join(at: &str, name: &str) -> String {
    if at == "body" {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn schema_subset() {
        let s = json!({"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string", "minLength": 4},
            "capacity": {"type": "number", "minimum": 0.125},
            "tags": {"type": "array", "items": {"type": "object", "required": ["key"], "properties": {"key": {"type": "string"}}}},
            "engine": {"type": "string", "enum": ["Redis", "Memcached"]}
        }});
        assert!(value("body", &json!({"name": "abcd", "capacity": 1, "engine": "Redis"}), &s, 0).is_ok());
        assert_eq!(
            value("body", &json!({"capacity": 1}), &s, 0),
            Err(param("name", "is required"))
        );
        assert!(matches!(value("body", &json!({"name": "ab"}), &s, 0), Err(Invalid::Param { name, .. }) if name == "name"));
        assert!(matches!(value("body", &json!({"name": "abcd", "engine": "X"}), &s, 0), Err(Invalid::Param { name, .. }) if name == "engine"));
        assert!(matches!(value("body", &json!({"name": "abcd", "tags": [{}]}), &s, 0), Err(Invalid::Param { name, .. }) if name == "tags[0].key"));
        assert!(scalar_from_text("limit", "x", &json!({"type": "integer"})).is_err());
        assert!(scalar_from_text("limit", "2000", &json!({"type": "integer", "maximum": 1000})).is_err());
        assert!(scalar_from_text("limit", "20", &json!({"type": "integer", "maximum": 1000})).is_ok());
    }
}
