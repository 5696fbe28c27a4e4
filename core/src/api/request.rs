//! Dynamic input (parameters by wire name, body under `"body"`) → a validated `HttpRequest`.

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{Map, Value};

use super::tables::{tables, OpSpec};
use super::validate::check;
use super::OperationInfo;
use crate::error::{Error, Result};
use crate::transport::HttpRequest;

/// Everything but the unreserved characters (`A-Z a-z 0-9 - _ . ~`) is encoded in a path
/// segment, as the official SDKs do: a `/` inside an id never changes the route.
const PATH_SEGMENT: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');

/// Validates `input` against the operation and builds the request. Nothing is sent here.
pub(crate) fn build(op: &OperationInfo, input: &Value, project_id: Option<&str>) -> Result<HttpRequest> {
    let t = tables();
    let spec: &OpSpec = t
        .op(op.name)
        .ok_or_else(|| Error::new(crate::error::ErrorKind::Internal, format!("{}: no spec tables", op.name)))?;
    let empty = Map::new();
    let obj = match input {
        Value::Null => &empty,
        Value::Object(o) => o,
        _ => return Err(Error::invalid_input("input", "must be a JSON object (parameters by name, body under \"body\")")),
    };

    // Unknown top-level keys are typos: say so instead of silently dropping them.
    for key in obj.keys() {
        let known = key == "body" && spec.body.is_some() || key == "project_id" || spec.params.iter().any(|p| &p.name == key);
        if !known {
            let mut names: Vec<&str> = spec.params.iter().filter(|p| !p.client_filled).map(|p| p.name.as_str()).collect();
            if spec.body.is_some() {
                names.push("body");
            }
            let expected = if names.is_empty() { "none".to_string() } else { names.join(", ") };
            return Err(Error::invalid_input(key.as_str(), format!("is not a parameter of {}; expected: {expected}", op.name)));
        }
    }

    // An explicit `project_id` in the input wins over the configured one (path and header).
    let project_id = match obj.get("project_id") {
        Some(Value::String(p)) if !p.is_empty() => Some(p.as_str()),
        Some(Value::Null) | None => project_id,
        Some(_) => return Err(Error::invalid_input("project_id", "must be a non-empty string")),
    };
    let mut path = op.path.to_string();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for p in &spec.params {
        let mut value = obj.get(&p.name).filter(|v| !v.is_null()).cloned();
        if p.client_filled {
            value = match project_id {
                Some(pid) if !pid.is_empty() => Some(Value::String(pid.to_string())),
                _ => {
                    return Err(Error::invalid_input(
                        p.name.as_str(),
                        "no project id: set it in the client configuration or CLOUD_SDK_PROJECT_ID",
                    ))
                }
            };
        }
        let Some(value) = value else {
            if p.required {
                return Err(Error::invalid_input(p.name.as_str(), format!("is required by {}", op.name)));
            }
            continue;
        };
        check(t, &p.schema, &value, &p.name)?;
        match p.location.as_str() {
            "path" => {
                let raw = scalar_text(&value, &p.name)?;
                if raw.is_empty() {
                    return Err(Error::invalid_input(p.name.as_str(), "must not be empty (it is part of the URL path)"));
                }
                let encoded = utf8_percent_encode(&raw, PATH_SEGMENT).to_string();
                path = path.replace(&format!("{{{}}}", p.name), &encoded);
            }
            "query" => match &value {
                // Arrays repeat the key, as the official SDK sends them (`tags=a&tags=b`).
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        query.push((p.name.clone(), scalar_text(item, &format!("{}[{i}]", p.name))?));
                    }
                }
                _ => query.push((p.name.clone(), scalar_text(&value, &p.name)?)),
            },
            "header" => headers.push((p.name.clone(), scalar_text(&value, &p.name)?)),
            _ => {}
        }
    }

    let mut body = None;
    if let Some(b) = &spec.body {
        match obj.get("body").filter(|v| !v.is_null()) {
            Some(v) => {
                check(t, &b.schema, v, "body")?;
                body = Some(serde_json::to_vec(v).map_err(|e| Error::invalid_input("body", e.to_string()))?);
            }
            None if b.required => return Err(Error::invalid_input("body", format!("is required by {}", op.name))),
            None => {}
        }
    }

    headers.insert(0, ("Content-Type".to_string(), spec.content_type.clone()));
    if let Some(pid) = project_id.filter(|p| !p.is_empty()) {
        headers.push(("X-Project-Id".to_string(), pid.to_string()));
    }
    Ok(HttpRequest {
        method: op.method.to_string(),
        path,
        query,
        headers,
        body,
        idempotent: matches!(op.method, "GET" | "PUT" | "DELETE" | "HEAD"),
    })
}

/// A parameter value as URL/header text: strings as they are, numbers and booleans as JSON.
fn scalar_text(v: &Value, name: &str) -> Result<String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        _ => Err(Error::invalid_input(name, "must be a string, number or boolean")),
    }
}
