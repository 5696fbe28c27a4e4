//! Tags, configuration parameters, ACL accounts, IP whitelists and background tasks, kept per
//! instance and answered from the state.

use serde_json::{json, Map, Value};

use super::super::server::App;
use super::super::state::{iso_time, new_id, now_ms, State};
use super::{instance_mut, page, ApiError, Ctx, OpResult};

pub fn handle(app: &App, ctx: &Ctx, op: &str) -> Option<OpResult> {
    Some(match op {
        "ShowTags" => app.with_state(|s| instance_mut(s, ctx).map(|i| i.tags.clone())).and_then(|t| ctx.ok(json!({"tags": t}), false)),
        "BatchCreateOrDeleteTags" => tags_action(app, ctx),
        "ListTagsOfTenant" => tenant_tags(app, ctx),
        "ListConfigurations" => app
            .with_state(|s| {
                let i = instance_mut(s, ctx)?;
                if i.configs.is_empty() {
                    i.configs = default_configs();
                }
                Ok(json!({
                    "instance_id": i.id(), "config_status": "SUCCESS", "status": i.status(),
                    "config_time": i.info.get("update_at").cloned().unwrap_or(Value::Null),
                    "redis_config": i.configs.clone(),
                }))
            })
            .and_then(|v| ctx.ok(v, false)),
        "UpdateConfigurations" => update_configs(app, ctx),
        "ListAclAccounts" => app.with_state(|s| instance_mut(s, ctx).map(|i| i.accounts.clone())).and_then(|a| ctx.ok(json!({"accounts": a}), false)),
        "CreateAclAccount" => create_account(app, ctx),
        "DeleteAclAccount" => with_account(app, ctx, |accounts, idx| {
            accounts.remove(idx);
        }),
        "UpdateAclAccount" => {
            let role = ctx.body_str("account_role").unwrap_or("").to_string();
            if !matches!(role.as_str(), "read" | "write") {
                return Some(Err(ApiError::bad_param("account_role", "must be read or write")));
            }
            with_account(app, ctx, |accounts, idx| {
                accounts[idx]["account_role"] = json!(role);
            })
            .and_then(|_| ctx.ok(json!({"instance_id": ctx.param("instance_id"), "job_id": new_id()}), true))
        }
        "UpdateAclAccountRemark" => {
            let remark = ctx.body_str("description").unwrap_or("").to_string();
            with_account(app, ctx, |accounts, idx| {
                accounts[idx]["description"] = json!(remark);
            })
        }
        "ResetAclAccountPassWord" | "UpdateAclAccountPassWord" => with_account(app, ctx, |_, _| {}),
        "ShowIpWhitelist" => app
            .with_state(|s| {
                let i = instance_mut(s, ctx)?;
                let w = i.whitelist.clone().unwrap_or_else(|| json!({"enable_whitelist": false, "whitelist": []}));
                Ok(json!({"instance_id": i.id(), "enable_whitelist": w["enable_whitelist"], "whitelist": w["whitelist"]}))
            })
            .and_then(|v| ctx.ok(v, false)),
        "UpdateIpWhitelist" | "UpdateIpWhitelistAsync" => update_whitelist(app, ctx),
        "ListBackgroundTask" => background_tasks(app, ctx),
        "DeleteBackgroundTask" => {
            let task_id = ctx.param("task_id").to_string();
            app.with_state(|s| {
                instance_mut(s, ctx)?;
                match s.background_tasks.get(&task_id) {
                    Some(t) if t.get("instance_id").and_then(Value::as_str) == Some(ctx.param("instance_id")) => {
                        s.background_tasks.remove(&task_id);
                        Ok(())
                    }
                    _ => Err(ApiError::not_found("task", &task_id)),
                }
            })
            .and_then(|_| ctx.ok(json!({"message": "success"}), true))
        }
        _ => return None,
    })
}

/// Records a background task of an instance (shown by `ListBackgroundTask`).
pub fn record_task(s: &mut State, instance_id: &str, name: &str, status: &str, now: u64) {
    let id = new_id();
    let seq = s.next_sequence();
    let mut t = Map::new();
    for (k, v) in [
        ("id", json!(id)),
        ("instance_id", json!(instance_id)),
        ("name", json!(name)),
        ("user_name", json!("mock-user")),
        ("user_id", json!("0123456789abcdef")),
        ("params", json!("")),
        ("status", json!(status)),
        ("created_at", json!(iso_time(now))),
        ("updated_at", json!(iso_time(now))),
        ("enable_show", json!(true)),
        ("sequence", json!(seq)),
    ] {
        t.insert(k.to_string(), v);
    }
    s.background_tasks.insert(id, t);
}

fn tags_action(app: &App, ctx: &Ctx) -> OpResult {
    let action = ctx.body_str("action").unwrap_or("").to_string();
    let tags = ctx.body.get("tags").and_then(Value::as_array).cloned().unwrap_or_default();
    if !matches!(action.as_str(), "create" | "delete") {
        return Err(ApiError::bad_param("action", "must be create or delete"));
    }
    for (n, t) in tags.iter().enumerate() {
        let key = t.get("key").and_then(Value::as_str).unwrap_or("");
        if key.is_empty() || key.chars().count() > 36 {
            return Err(ApiError::bad_param(&format!("tags[{n}].key"), "must be 1 to 36 characters"));
        }
    }
    app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        for t in &tags {
            let key = t.get("key").and_then(Value::as_str).unwrap_or("").to_string();
            i.tags.retain(|have| have.get("key").and_then(Value::as_str) != Some(key.as_str()));
            if action == "create" {
                i.tags.push(json!({"key": key, "value": t.get("value").cloned().unwrap_or_else(|| json!(""))}));
            }
        }
        i.tags.sort_by(|a, b| a["key"].as_str().cmp(&b["key"].as_str()));
        let tags = Value::Array(i.tags.clone());
        i.set("tags", tags);
        Ok::<_, ApiError>(())
    })?;
    ctx.ok(json!({}), true)
}

fn tenant_tags(app: &App, ctx: &Ctx) -> OpResult {
    let mut by_key: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
    app.with_state(|s| {
        for i in s.instances.values() {
            for t in &i.tags {
                if let Some(k) = t.get("key").and_then(Value::as_str) {
                    by_key.entry(k.to_string()).or_default().insert(t.get("value").and_then(Value::as_str).unwrap_or("").to_string());
                }
            }
        }
    });
    let tags: Vec<Value> = by_key.into_iter().map(|(k, v)| json!({"key": k, "values": v.into_iter().collect::<Vec<_>>()})).collect();
    ctx.ok(json!({"tags": tags}), false)
}

/// The parameters a new instance starts with: (name, default, type, range).
const DEFAULT_CONFIGS: &[(&str, &str, &str, &str)] = &[
    ("timeout", "0", "Integer", "0-7200"),
    ("maxmemory-policy", "volatile-lru", "Enum", "volatile-lru,allkeys-lru,volatile-random,allkeys-random,volatile-ttl,noeviction,volatile-lfu,allkeys-lfu"),
    ("hash-max-ziplist-entries", "512", "Integer", "1-10000"),
    ("hash-max-ziplist-value", "64", "Integer", "1-10000"),
    ("set-max-intset-entries", "512", "Integer", "1-10000"),
    ("zset-max-ziplist-entries", "128", "Integer", "1-10000"),
    ("zset-max-ziplist-value", "64", "Integer", "1-10000"),
    ("latency-monitor-threshold", "0", "Integer", "0-86400000"),
    ("notify-keyspace-events", "Ex", "regular", "([KE]+([A]|[g$lshzxeA]+)){0,11}"),
    ("slowlog-log-slower-than", "10000", "Integer", "0-1000000"),
    ("slowlog-max-len", "128", "Integer", "0-1000"),
];

fn default_configs() -> Vec<Value> {
    DEFAULT_CONFIGS
        .iter()
        .enumerate()
        .map(|(n, (name, default, ty, range))| {
            json!({
                "param_id": (n + 1).to_string(), "param_name": name, "param_value": default,
                "default_value": default, "value_type": ty, "value_range": range,
                "description": format!("Redis parameter {name}."),
            })
        })
        .collect()
}

fn update_configs(app: &App, ctx: &Ctx) -> OpResult {
    let changes = ctx.body.get("redis_config").and_then(Value::as_array).cloned().unwrap_or_default();
    if changes.is_empty() {
        return Err(ApiError::bad_param("redis_config", "needs at least one parameter"));
    }
    app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        if i.configs.is_empty() {
            i.configs = default_configs();
        }
        for (n, c) in changes.iter().enumerate() {
            let name = c.get("param_name").and_then(Value::as_str).unwrap_or("");
            let value = c.get("param_value").and_then(Value::as_str).unwrap_or("");
            let Some(have) = i.configs.iter_mut().find(|have| have["param_name"].as_str() == Some(name)) else {
                return Err(ApiError::new(400, "DCS.4066", format!("Invalid value of the configure parameter redis_config[{n}].param_name ({name}).")));
            };
            if have["value_type"] == "Integer" {
                let range = have["value_range"].as_str().unwrap_or("").to_string();
                let (lo, hi) = range.split_once('-').map(|(a, b)| (a.parse::<i64>().ok(), b.parse::<i64>().ok())).unwrap_or((None, None));
                let ok = value.parse::<i64>().ok().is_some_and(|v| lo.is_none_or(|lo| v >= lo) && hi.is_none_or(|hi| v <= hi));
                if !ok {
                    return Err(ApiError::new(400, "DCS.4066", format!("Invalid value of the configure parameter {name}: {value:?} is not in {range}.")));
                }
            } else if have["value_type"] == "Enum" && !have["value_range"].as_str().unwrap_or("").split(',').any(|o| o == value) {
                return Err(ApiError::new(400, "DCS.4066", format!("Invalid value of the configure parameter {name}: {value:?}.")));
            }
            have["param_value"] = json!(value);
        }
        i.set("update_at", iso_time(now_ms()));
        Ok(())
    })?;
    ctx.ok(json!({}), true)
}

fn create_account(app: &App, ctx: &Ctx) -> OpResult {
    let name = ctx.body_str("account_name").unwrap_or("").to_string();
    let role = ctx.body_str("account_role").unwrap_or("read").to_string();
    if name.is_empty() {
        return Err(ApiError::bad_param("account_name", "is required"));
    }
    if !matches!(role.as_str(), "read" | "write") {
        return Err(ApiError::bad_param("account_role", "must be read or write"));
    }
    let description = ctx.body_str("description").unwrap_or("").to_string();
    app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        if i.accounts.iter().any(|a| a["account_name"].as_str() == Some(name.as_str())) {
            return Err(ApiError::bad_param("account_name", "an account with this name exists"));
        }
        let id = i.id().to_string();
        i.accounts.push(json!({
            "account_id": new_id(), "account_name": name, "account_type": "normal", "instance_id": id,
            "status": "AVAILABLE", "account_role": role, "description": description, "error_code": ""
        }));
        Ok(())
    })?;
    ctx.ok(json!({}), true)
}

fn with_account(app: &App, ctx: &Ctx, f: impl FnOnce(&mut Vec<Value>, usize)) -> OpResult {
    let account_id = ctx.param("account_id").to_string();
    app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        let idx = i
            .accounts
            .iter()
            .position(|a| a["account_id"].as_str() == Some(account_id.as_str()))
            .ok_or_else(|| ApiError::not_found("account", &account_id))?;
        f(&mut i.accounts, idx);
        Ok(())
    })?;
    ctx.ok(json!({}), true)
}

fn update_whitelist(app: &App, ctx: &Ctx) -> OpResult {
    let enable = ctx.body.get("enable_whitelist").and_then(Value::as_bool).unwrap_or(true);
    let groups = ctx.body.get("whitelist").and_then(Value::as_array).cloned().unwrap_or_default();
    for (n, g) in groups.iter().enumerate() {
        for (m, ip) in g.get("ip_list").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let text = ip.as_str().unwrap_or("");
            let addr = text.split('/').next().unwrap_or("");
            if addr.parse::<std::net::IpAddr>().is_err() {
                return Err(ApiError::bad_param(&format!("whitelist[{n}].ip_list[{m}]"), &format!("{text:?} is not an IP address or CIDR block")));
            }
        }
    }
    app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        i.whitelist = Some(json!({"enable_whitelist": enable, "whitelist": groups}));
        Ok::<_, ApiError>(())
    })?;
    ctx.ok(json!({}), true)
}

fn background_tasks(app: &App, ctx: &Ctx) -> OpResult {
    let instance_id = ctx.param("instance_id").to_string();
    let all: Vec<Value> = app.with_state(|s| {
        instance_mut(s, ctx)?;
        let mut v: Vec<&Map<String, Value>> =
            s.background_tasks.values().filter(|t| t.get("instance_id").and_then(Value::as_str) == Some(instance_id.as_str())).collect();
        v.sort_by_key(|t| std::cmp::Reverse(t.get("sequence").and_then(Value::as_u64).unwrap_or(0)));
        Ok::<_, ApiError>(
            v.into_iter()
                .map(|t| {
                    let mut t = t.clone();
                    t.remove("sequence");
                    t.remove("instance_id");
                    Value::Object(t)
                })
                .collect(),
        )
    })?;
    let items = page(&all, ctx.query_usize("offset"), ctx.query_usize("limit"), 10);
    ctx.ok(json!({"task_count": all.len().to_string(), "tasks": items}), false)
}
