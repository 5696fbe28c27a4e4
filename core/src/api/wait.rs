//! Waiters (`x-dcskit-waiters`): poll an operation until a status field reaches a success
//! value, fails (a failure value → error), or the timeout expires (→ `TIMEOUT`).

use std::time::Instant;

use serde_json::{Map, Value};

use super::{find_waiter, Client, WaitOptions};
use crate::error::{Error, ErrorKind, Result};

pub(crate) async fn wait(client: &Client, waiter: &str, input: Value, options: WaitOptions) -> Result<Value> {
    let w = find_waiter(waiter).ok_or_else(|| {
        let known = super::waiters().iter().map(|w| w.name).collect::<Vec<_>>().join(", ");
        Error::invalid_input("waiter", format!("unknown waiter {waiter:?}; known: {known}"))
    })?;
    if options.interval.is_zero() {
        return Err(Error::invalid_input("interval", "must be greater than zero"));
    }
    // Waiter-only keys select the element to watch; they are not parameters of the call.
    let mut call_input = match input {
        Value::Null => Map::new(),
        Value::Object(o) => o,
        _ => return Err(Error::invalid_input("input", "must be a JSON object")),
    };
    let mut vars = Map::new();
    for key in w.extra_inputs {
        match call_input.remove(*key) {
            Some(v) if !v.is_null() => {
                vars.insert(key.to_string(), v);
            }
            _ => return Err(Error::invalid_input(*key, format!("is required by waiter {}", w.name))),
        }
    }
    let call_input = Value::Object(call_input);
    let deadline = Instant::now() + options.timeout;
    loop {
        let response = client.call(w.operation, call_input.clone()).await?;
        let status = status_at(&response, w.status_path, &vars);
        if let Some(s) = status.as_deref() {
            if w.success.contains(&s) {
                return Ok(response);
            }
            if w.failure.contains(&s) {
                return Err(Error::new(
                    ErrorKind::ServerResponse,
                    format!("waiter {}: {} reports {} = {s}, a failure state", w.name, w.operation, w.status_path),
                ));
            }
        }
        let now = Instant::now();
        if now >= deadline {
            let last = status.unwrap_or_else(|| "(absent)".into());
            return Err(Error::new(
                ErrorKind::Timeout,
                format!("waiter {}: gave up after {:?}; last {} = {last}", w.name, options.timeout, w.status_path),
            ));
        }
        tokio::time::sleep(options.interval.min(deadline - now)).await;
    }
}

/// The value at a status path as text. Segments are separated by `.`; `name[field=$var]`
/// picks the element of array `name` whose `field` equals the waiter input `var` (or the
/// literal after `=`); a numeric segment indexes an array.
pub(crate) fn status_at(v: &Value, path: &str, vars: &Map<String, Value>) -> Option<String> {
    let mut cur = v;
    for part in path.split('.') {
        let (name, selector) = match part.split_once('[') {
            Some((n, rest)) => (n, Some(rest.strip_suffix(']')?)),
            None => (part, None),
        };
        cur = match cur {
            Value::Object(o) => o.get(name)?,
            Value::Array(a) => a.get(name.parse::<usize>().ok()?)?,
            _ => return None,
        };
        if let Some(sel) = selector {
            let (field, want) = sel.split_once('=')?;
            let want = match want.strip_prefix('$') {
                Some(var) => text(vars.get(var)?)?,
                None => want.to_string(),
            };
            cur = cur.as_array()?.iter().find(|item| item.get(field).and_then(text).as_deref() == Some(want.as_str()))?;
        }
    }
    text(cur)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn status_paths_with_selectors() {
        let r = json!({"status": "RUNNING", "tasks": [{"id": "a", "status": "RUNNING"}, {"id": 7, "status": "SUCCESS"}]});
        let mut vars = Map::new();
        assert_eq!(status_at(&r, "status", &vars).as_deref(), Some("RUNNING"));
        vars.insert("task_id".into(), json!("7"));
        assert_eq!(status_at(&r, "tasks[id=$task_id].status", &vars).as_deref(), Some("SUCCESS"));
        assert_eq!(status_at(&r, "tasks[id=a].status", &vars).as_deref(), Some("RUNNING"));
        assert_eq!(status_at(&r, "tasks.1.status", &vars).as_deref(), Some("SUCCESS"));
        vars.insert("task_id".into(), json!("missing"));
        assert_eq!(status_at(&r, "tasks[id=$task_id].status", &vars), None);
        assert_eq!(status_at(&r, "nope.status", &vars), None);
    }
}
