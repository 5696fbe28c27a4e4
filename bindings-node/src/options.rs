//! `new Client(options)`: the JS options object → the core's `Config`. Unknown keys and wrong
//! types are `INVALID_INPUT` naming the option, so a typo never goes unnoticed.

use std::path::PathBuf;
use std::time::Duration;

use dcskit::auth::Credentials;
use dcskit::{Config, Error, Result};
use serde_json::{Map, Value};

const TOP_KEYS: &[&str] = &[
    "region", "endpoint", "projectId", "credentials", "timeouts", "retries", "proxy", "caBundle",
    "insecureSkipTlsVerify",
];

pub fn config_from_js(options: Option<Value>) -> Result<Config> {
    let mut config = Config::default();
    let map = match options {
        None | Some(Value::Null) => return Ok(config),
        Some(Value::Object(m)) => m,
        Some(_) => return Err(Error::invalid_input("options", "must be an object")),
    };
    check_keys("options", &map, TOP_KEYS)?;
    config.region = string(&map, "options", "region")?;
    config.endpoint = string(&map, "options", "endpoint")?;
    config.project_id = string(&map, "options", "projectId")?;
    config.proxy = string(&map, "options", "proxy")?;
    config.ca_bundle = string(&map, "options", "caBundle")?.map(PathBuf::from);
    if let Some(b) = boolean(&map, "options", "insecureSkipTlsVerify")? {
        config.insecure_skip_tls_verify = b;
    }
    if let Some(c) = object(&map, "options", "credentials")? {
        config.credentials = Some(credentials(c)?);
    }
    if let Some(t) = object(&map, "options", "timeouts")? {
        check_keys("options.timeouts", t, &["connectMs", "readMs", "totalMs"])?;
        if let Some(d) = millis(t, "options.timeouts", "connectMs")? {
            config.connect_timeout = d;
        }
        if let Some(d) = millis(t, "options.timeouts", "readMs")? {
            config.read_timeout = d;
        }
        if let Some(d) = millis(t, "options.timeouts", "totalMs")? {
            config.total_timeout = d;
        }
    }
    match map.get("retries") {
        None | Some(Value::Null) => {}
        Some(Value::Number(_)) => config.retry.max_retries = count(&map, "options", "retries")?.unwrap_or(0),
        Some(Value::Object(r)) => {
            let ctx = "options.retries";
            check_keys(ctx, r, &["maxRetries", "initialBackoffMs", "maxBackoffMs", "retryNonIdempotent", "budgetMs"])?;
            if let Some(n) = count(r, ctx, "maxRetries")? {
                config.retry.max_retries = n;
            }
            if let Some(d) = millis(r, ctx, "initialBackoffMs")? {
                config.retry.initial_backoff = d;
            }
            if let Some(d) = millis(r, ctx, "maxBackoffMs")? {
                config.retry.max_backoff = d;
            }
            if let Some(d) = millis(r, ctx, "budgetMs")? {
                config.retry.budget = d;
            }
            if let Some(b) = boolean(r, ctx, "retryNonIdempotent")? {
                config.retry.retry_non_idempotent = b;
            }
        }
        Some(_) => return Err(Error::invalid_input("options.retries", "must be a number or an object")),
    }
    Ok(config)
}

fn credentials(c: &Map<String, Value>) -> Result<Credentials> {
    let ctx = "options.credentials";
    check_keys(ctx, c, &["ak", "sk", "securityToken", "token"])?;
    let ak = string(c, ctx, "ak")?;
    let sk = string(c, ctx, "sk")?;
    let st = string(c, ctx, "securityToken")?;
    let token = string(c, ctx, "token")?;
    let creds = match (ak, sk, token) {
        (Some(ak), Some(sk), None) => match st {
            Some(st) => Credentials::temporary(ak, sk, st),
            None => Credentials::aksk(ak, sk),
        },
        (None, None, Some(t)) => Credentials::token(t),
        _ => {
            return Err(Error::new(
                dcskit::ErrorKind::Credentials,
                "options.credentials: give either ak and sk (optionally securityToken) or token",
            ))
        }
    };
    creds.validate()?;
    Ok(creds)
}

fn check_keys(ctx: &str, map: &Map<String, Value>, allowed: &[&str]) -> Result<()> {
    match map.keys().find(|k| !allowed.contains(&k.as_str())) {
        Some(k) => Err(Error::invalid_input(format!("{ctx}.{k}"), format!("unknown option; expected one of {}", allowed.join(", ")))),
        None => Ok(()),
    }
}

fn string(map: &Map<String, Value>, ctx: &str, key: &str) -> Result<Option<String>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(_) => Err(Error::invalid_input(format!("{ctx}.{key}"), "must be a string")),
    }
}

fn boolean(map: &Map<String, Value>, ctx: &str, key: &str) -> Result<Option<bool>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(_) => Err(Error::invalid_input(format!("{ctx}.{key}"), "must be a boolean")),
    }
}

fn object<'m>(map: &'m Map<String, Value>, ctx: &str, key: &str) -> Result<Option<&'m Map<String, Value>>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(_) => Err(Error::invalid_input(format!("{ctx}.{key}"), "must be an object")),
    }
}

fn count(map: &Map<String, Value>, ctx: &str, key: &str) -> Result<Option<u32>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= u32::MAX as f64 => Ok(Some(f as u32)),
            _ => Err(Error::invalid_input(format!("{ctx}.{key}"), format!("must be a whole number >= 0, got {n}"))),
        },
        Some(_) => Err(Error::invalid_input(format!("{ctx}.{key}"), "must be a number")),
    }
}

/// A duration given in milliseconds (the unit is in every option's name).
pub fn millis(map: &Map<String, Value>, ctx: &str, key: &str) -> Result<Option<Duration>> {
    match map.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => match n.as_f64() {
            Some(f) if f.is_finite() && f >= 0.0 && f <= 1e12 => Ok(Some(Duration::from_secs_f64(f / 1000.0))),
            _ => Err(Error::invalid_input(format!("{ctx}.{key}"), format!("must be milliseconds >= 0, got {n}"))),
        },
        Some(_) => Err(Error::invalid_input(format!("{ctx}.{key}"), "must be a number of milliseconds")),
    }
}
