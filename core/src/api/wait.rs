//! Waiters (`x-dcskit-waiters`): poll an operation until a status field reaches a success
//! value, fails (a failure value → error), or the timeout expires (→ `TIMEOUT`).

use std::time::Instant;

use serde_json::Value;

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
    let deadline = Instant::now() + options.timeout;
    loop {
        let response = client.call(w.operation, input.clone()).await?;
        let status = status_at(&response, w.status_path);
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

/// The value at a dotted path (`status`, `task.status`, `instances.0.status`) as text.
pub(crate) fn status_at(v: &Value, path: &str) -> Option<String> {
    let mut cur = v;
    for part in path.split('.') {
        cur = match cur {
            Value::Object(o) => o.get(part)?,
            Value::Array(a) => a.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    match cur {
        Value::String(s) => Some(s.clone()),
        Value::Null => None,
        other => Some(other.to_string()),
    }
}
