//! Instance lifecycle: create (CREATING → RUNNING after a delay), list with filters and
//! paging, show, modify, resize, restart/flush, passwords, delete, counts and statistics.

use serde_json::{json, Map, Value};

use super::super::dataset::stable_seed;
use super::super::server::App;
use super::super::state::{iso_time, new_id, now_ms, Instance, Pending};
use super::{instance_mut, page, ApiError, Ctx, OpResult};

/// The statuses `ListNumberOfInstancesInDifferentStatus` counts.
const COUNTED: &[&str] = &[
    "PAYING", "FREEZING", "MIGRATING", "FLUSHING", "UPGRADING", "RESTORING", "EXTENDING", "CREATING", "RUNNING",
    "ERROR", "FROZEN", "CREATEFAILED", "RESTARTING",
];

pub fn handle(app: &App, ctx: &Ctx, op: &str) -> Option<OpResult> {
    Some(match op {
        "CreateInstance" => create(app, ctx),
        "ListInstances" => list(app, ctx),
        "ShowInstance" => app.with_state(|s| instance_mut(s, ctx).map(|i| Value::Object(i.info.clone()))).and_then(|v| ctx.ok(v, false)),
        "UpdateInstance" => modify(app, ctx),
        "ResizeInstance" => resize(app, ctx),
        "RestartOrFlushInstances" => restart_or_flush(app, ctx),
        "UpdatePassword" => update_password(app, ctx),
        "ResetPassword" => reset_password(app, ctx),
        "DeleteSingleInstance" => {
            let id = ctx.param("instance_id").to_string();
            app.with_state(|s| {
                if s.instances.remove(&id).is_none() {
                    return Err(ApiError::instance_not_found(&id));
                }
                remove_dependents(s, &id);
                Ok(())
            })
            .and_then(|_| ctx.ok(json!({}), true))
        }
        "BatchDeleteInstances" => batch_delete(app, ctx),
        "ListNumberOfInstancesInDifferentStatus" => status_counts(app, ctx),
        "ListStatisticsOfRunningInstances" => statistics(app, ctx),
        "ShowNodesInformation" => app
            .with_state(|s| instance_mut(s, ctx).map(|i| nodes(i)))
            .and_then(|nodes| ctx.ok(json!({"instance_id": ctx.param("instance_id"), "total": nodes.len(), "nodes": nodes}), false)),
        _ => return None,
    })
}

fn remove_dependents(s: &mut super::super::state::State, id: &str) {
    s.backups.retain(|_, b| b.instance_id != id);
    s.offline_tasks.retain(|_, t| t.instance_id != id);
    s.bigkey_tasks.retain(|_, t| t.instance_id != id);
    s.hotkey_tasks.retain(|_, t| t.instance_id != id);
    s.background_tasks.retain(|_, t| t.get("instance_id").and_then(Value::as_str) != Some(id));
    s.restores.retain(|_, r| r.get("instance_id").and_then(Value::as_str) != Some(id));
}

/// A name the service accepts: 4 to 64 letters, digits, `_` or `-`, starting with a letter.
fn valid_name(name: &str) -> bool {
    (4..=64).contains(&name.chars().count())
        && name.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// 8 to 64 characters with at least three of: lower, upper, digit, special.
fn strong_password(p: &str) -> bool {
    let classes = [
        p.chars().any(|c| c.is_ascii_lowercase()),
        p.chars().any(|c| c.is_ascii_uppercase()),
        p.chars().any(|c| c.is_ascii_digit()),
        p.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    (8..=64).contains(&p.chars().count()) && classes.iter().filter(|b| **b).count() >= 3
}

fn create(app: &App, ctx: &Ctx) -> OpResult {
    let b = &ctx.body;
    let name = ctx.body_str("name").unwrap_or("");
    if !valid_name(name) {
        return Err(ApiError::new(400, "DCS.4010", "Invalid DCS instance name. The name must be 4 to 64 characters in length. Only letters (case-insensitive), digits, underscores (_) ,and hyphens (-) are allowed."));
    }
    let engine = ctx.body_str("engine").unwrap_or("");
    if !engine.eq_ignore_ascii_case("redis") && !engine.eq_ignore_ascii_case("memcached") {
        return Err(ApiError::new(400, "DCS.4006", "The selected cache engine type is not supported."));
    }
    let capacity = b.get("capacity").and_then(Value::as_f64).filter(|c| *c > 0.0 && *c <= 1024.0);
    let Some(capacity) = capacity else {
        return Err(ApiError::new(400, "DCS.4012", "Invalid capacity parameter in the request."));
    };
    if b.get("description").and_then(Value::as_str).is_some_and(|d| d.chars().count() > 1024) {
        return Err(ApiError::new(400, "DCS.4011", "DCS instance description cannot exceed 1024 characters."));
    }
    let no_password = b.get("no_password_access").and_then(Value::as_bool).unwrap_or(false);
    let password = ctx.body_str("password").map(str::to_string);
    if let Some(p) = &password {
        if !strong_password(p) {
            return Err(ApiError::new(400, "DCS.4019", "The password does not meet complexity requirements."));
        }
    }
    let count = b.get("instance_num").and_then(Value::as_u64).unwrap_or(1).clamp(1, 100) as usize;
    let now = now_ms();
    let running_at = now + app.options.running_delay.as_millis() as u64;
    let engine_name = if engine.eq_ignore_ascii_case("redis") { "Redis" } else { "Memcached" };
    let mut created = Vec::new();
    app.with_state(|s| {
        for n in 0..count {
            let id = new_id();
            let inst_name = if count == 1 { name.to_string() } else { format!("{name}-{}", n + 1) };
            let seq = s.next_sequence();
            let ip = format!("192.168.{}.{}", (seq / 250) % 250, 2 + seq % 250);
            let port = b.get("port").and_then(Value::as_u64).unwrap_or(6379);
            let mut info = Map::new();
            let put = |info: &mut Map<String, Value>, k: &str, v: Value| {
                info.insert(k.to_string(), v);
            };
            put(&mut info, "instance_id", id.clone().into());
            put(&mut info, "name", inst_name.clone().into());
            put(&mut info, "engine", engine_name.into());
            put(&mut info, "engine_version", b.get("engine_version").cloned().unwrap_or_else(|| "6.0".into()));
            put(&mut info, "capacity", (capacity.floor() as i64).into());
            put(&mut info, "capacity_minor", if capacity.fract() > 0.0 { format!("{}", capacity.fract()).trim_start_matches('0').to_string().into() } else { "".into() });
            put(&mut info, "max_memory", ((capacity * 1024.0) as i64).into());
            put(&mut info, "used_memory", 2.into());
            put(&mut info, "spec_code", b.get("spec_code").cloned().unwrap_or_else(|| "redis.single.xu1.large.1".into()));
            put(&mut info, "status", "CREATING".into());
            put(&mut info, "ip", ip.clone().into());
            put(&mut info, "port", port.into());
            put(&mut info, "domain_name", format!("redis-{}.dcs.huaweicloud.com", id.chars().take(8).collect::<String>()).into());
            put(&mut info, "readonly_domain_name", "".into());
            put(&mut info, "description", b.get("description").cloned().unwrap_or_else(|| "".into()));
            put(&mut info, "vpc_id", b.get("vpc_id").cloned().unwrap_or_else(|| "".into()));
            put(&mut info, "vpc_name", "".into());
            put(&mut info, "subnet_id", b.get("subnet_id").cloned().unwrap_or_else(|| "".into()));
            put(&mut info, "security_group_id", b.get("security_group_id").cloned().unwrap_or_else(|| "".into()));
            put(&mut info, "az_codes", b.get("az_codes").cloned().unwrap_or_else(|| json!([])));
            put(&mut info, "available_zones", b.get("az_codes").cloned().unwrap_or_else(|| json!([])));
            put(&mut info, "enterprise_project_id", b.get("enterprise_project_id").cloned().unwrap_or_else(|| "0".into()));
            put(&mut info, "maintain_begin", b.get("maintain_begin").cloned().unwrap_or_else(|| "18:00:00".into()));
            put(&mut info, "maintain_end", b.get("maintain_end").cloned().unwrap_or_else(|| "19:00:00".into()));
            put(&mut info, "no_password_access", (if no_password || password.is_none() { "true" } else { "false" }).into());
            put(&mut info, "access_user", b.get("access_user").cloned().unwrap_or_else(|| "".into()));
            put(&mut info, "enable_ssl", b.get("enable_ssl").cloned().unwrap_or(Value::Bool(false)));
            put(&mut info, "enable_publicip", b.get("enable_publicip").cloned().unwrap_or(Value::Bool(false)));
            put(&mut info, "charging_mode", 0.into());
            put(&mut info, "cache_mode", "single".into());
            put(&mut info, "cpu_type", "x86_64".into());
            put(&mut info, "created_at", iso_time(now).into());
            put(&mut info, "launched_at", iso_time(running_at).into());
            put(&mut info, "update_at", iso_time(now).into());
            put(&mut info, "db_number", 256.into());
            put(&mut info, "replica_count", 1.into());
            put(&mut info, "sharding_count", 1.into());
            put(&mut info, "product_type", "generic".into());
            put(&mut info, "storage_type", "DRAM".into());
            put(&mut info, "tags", b.get("tags").cloned().unwrap_or_else(|| json!([])));
            if let Some(policy) = b.get("instance_backup_policy") {
                put(&mut info, "instance_backup_policy", json!({"backup_policy_id": new_id(), "created_at": iso_time(now), "updated_at": iso_time(now), "policy": policy}));
            }
            let tags = b.get("tags").and_then(Value::as_array).cloned().unwrap_or_default();
            let inst = Instance {
                info,
                pending: Some(Pending { status: "RUNNING".into(), at_ms: running_at }),
                password: password.clone(),
                tags,
                configs: Vec::new(),
                whitelist: None,
                accounts: Vec::new(),
                keys: 120 + (stable_seed(&id) % 400) as usize,
            };
            s.instances.insert(id.clone(), inst);
            super::extras::record_task(s, &id, "createInstance", "SUCCESS", now);
            created.push(json!({"instance_id": id, "instance_name": inst_name}));
        }
    });
    ctx.ok(json!({"instances": created, "order_id": ""}), true)
}

fn matches_filters(i: &Instance, ctx: &Ctx) -> bool {
    let status = i.status();
    if let Some(id) = ctx.query_str("instance_id") {
        if i.id() != id {
            return false;
        }
    }
    if let Some(name) = ctx.query_str("name") {
        let have = i.info.get("name").and_then(Value::as_str).unwrap_or("");
        let exact = ctx.query_bool("name_equal");
        if (exact && have != name) || (!exact && !have.contains(name)) {
            return false;
        }
    }
    if let Some(want) = ctx.query_str("status") {
        if status != want {
            return false;
        }
    } else if !ctx.query_bool("include_failure") && status == "CREATEFAILED" {
        return false;
    }
    if let Some(ip) = ctx.query_str("ip") {
        if i.info.get("ip").and_then(Value::as_str) != Some(ip) {
            return false;
        }
    }
    if let Some(tags) = ctx.query_str("tags") {
        for want in tags.split(',').filter(|t| !t.is_empty()) {
            let (k, v) = want.split_once('=').map_or((want, None), |(k, v)| (k, Some(v)));
            let hit = i.tags.iter().any(|t| {
                t.get("key").and_then(Value::as_str) == Some(k) && v.is_none_or(|v| t.get("value").and_then(Value::as_str) == Some(v))
            });
            if !hit {
                return false;
            }
        }
    }
    true
}

fn list(app: &App, ctx: &Ctx) -> OpResult {
    let all: Vec<Value> = app.with_state(|s| {
        let mut v: Vec<&Instance> = s.instances.values().filter(|i| matches_filters(i, ctx)).collect();
        // Newest first, as the service lists them.
        v.sort_by(|a, b| {
            let t = |i: &Instance| i.info.get("created_at").and_then(Value::as_str).unwrap_or("").to_string();
            t(b).cmp(&t(a)).then_with(|| a.id().cmp(b.id()))
        });
        v.into_iter()
            .map(|i| {
                let mut info = i.info.clone();
                info.insert("tags".into(), Value::Array(i.tags.clone()));
                Value::Object(info)
            })
            .collect()
    });
    let total = all.len();
    let items = page(&all, ctx.query_usize("offset"), ctx.query_usize("limit"), 10);
    ctx.ok(json!({"instance_num": total, "instances": items}), false)
}

fn modify(app: &App, ctx: &Ctx) -> OpResult {
    let b = ctx.body.clone();
    if let Some(name) = b.get("name").and_then(Value::as_str) {
        if !valid_name(name) {
            return Err(ApiError::new(400, "DCS.4010", "Invalid DCS instance name. The name must be 4 to 64 characters in length."));
        }
    }
    if b.get("description").and_then(Value::as_str).is_some_and(|d| d.chars().count() > 1024) {
        return Err(ApiError::new(400, "DCS.4011", "DCS instance description cannot exceed 1024 characters."));
    }
    app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        for field in ["name", "description", "port", "maintain_begin", "maintain_end", "security_group_id", "rename_commands"] {
            if let Some(v) = b.get(field).filter(|v| !v.is_null()) {
                i.set(field, v.clone());
            }
        }
        if let Some(p) = b.get("instance_backup_policy").filter(|v| !v.is_null()) {
            i.set("instance_backup_policy", json!({"backup_policy_id": new_id(), "updated_at": iso_time(now_ms()), "policy": p}));
        }
        i.set("update_at", iso_time(now_ms()));
        Ok(())
    })?;
    ctx.ok(json!({}), true)
}

/// Puts an instance in a transient status that turns RUNNING after the configured delay.
fn transition(app: &App, i: &mut Instance, transient: &str) {
    i.set("status", transient);
    i.pending = Some(Pending { status: "RUNNING".into(), at_ms: now_ms() + app.options.running_delay.as_millis() as u64 });
}

fn resize(app: &App, ctx: &Ctx) -> OpResult {
    let new_capacity = ctx.body.get("new_capacity").and_then(Value::as_f64).filter(|c| *c > 0.0 && *c <= 1024.0);
    let Some(new_capacity) = new_capacity else {
        return Err(ApiError::new(400, "DCS.4012", "Invalid capacity parameter in the request."));
    };
    let spec_code = ctx.body.get("spec_code").cloned();
    app.with_state(|s| {
        let now = now_ms();
        let i = instance_mut(s, ctx)?;
        if i.status() != "RUNNING" {
            return Err(ApiError::wrong_state(i.status()));
        }
        transition(app, i, "EXTENDING");
        i.set("capacity", new_capacity.floor() as i64);
        i.set("max_memory", (new_capacity * 1024.0) as i64);
        if let Some(code) = spec_code.filter(|v| !v.is_null()) {
            i.set("spec_code", code);
        }
        let id = i.id().to_string();
        super::extras::record_task(s, &id, "extendInstance", "SUCCESS", now);
        Ok(())
    })?;
    ctx.ok(json!({}), true)
}

fn restart_or_flush(app: &App, ctx: &Ctx) -> OpResult {
    let action = ctx.body_str("action").unwrap_or("");
    let transient = match action {
        "restart" | "soft_restart" => "RESTARTING",
        "flush" => "FLUSHING",
        _ => return Err(ApiError::new(400, "DCS.4064", "The action parameter in the request must be restart, soft_restart or flush.")),
    };
    let ids: Vec<String> = ctx
        .body
        .get("instances")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if ids.is_empty() {
        return Err(ApiError::new(400, "DCS.4065", "The instances parameter in the request cannot be a null value."));
    }
    let results = app.with_state(|s| {
        let now = now_ms();
        ids.iter()
            .map(|id| {
                let ok = match s.instances.get_mut(id) {
                    Some(i) if i.status() == "RUNNING" => {
                        transition(app, i, transient);
                        true
                    }
                    _ => false,
                };
                if ok {
                    super::extras::record_task(s, id, if transient == "FLUSHING" { "flushInstance" } else { "restartInstance" }, "SUCCESS", now);
                }
                json!({"instance": id, "result": if ok { "success" } else { "failed" }})
            })
            .collect::<Vec<_>>()
    });
    ctx.ok(json!({"results": results}), true)
}

fn update_password(app: &App, ctx: &Ctx) -> OpResult {
    let old = ctx.body_str("old_password").unwrap_or("").to_string();
    let new = ctx.body_str("new_password").unwrap_or("").to_string();
    if !strong_password(&new) {
        return Err(ApiError::new(400, "DCS.4019", "The password does not meet complexity requirements."));
    }
    let ok = app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        let matches = i.password.as_deref().unwrap_or("") == old;
        if matches {
            i.password = Some(new.clone());
            i.set("no_password_access", "false");
        }
        Ok::<_, ApiError>(matches)
    })?;
    let body = if ok {
        json!({"lock_time": "0", "result": "Success", "lock_time_left": "0", "retry_times_left": "5", "message": "Password changed."})
    } else {
        json!({"lock_time": "0", "result": "Failed", "lock_time_left": "0", "retry_times_left": "4", "message": "Instance password verify failed."})
    };
    ctx.ok(body, ok)
}

fn reset_password(app: &App, ctx: &Ctx) -> OpResult {
    let no_password = ctx.body.get("no_password_access").and_then(Value::as_bool).unwrap_or(false);
    let new = ctx.body_str("new_password").map(str::to_string);
    match (&new, no_password) {
        (Some(_), true) => return Err(ApiError::new(400, "DCS.4849", "The request parameter new_password should not exist.")),
        (Some(p), false) if !strong_password(p) => {
            return Err(ApiError::new(400, "DCS.4019", "The password does not meet complexity requirements."))
        }
        (None, false) => return Err(ApiError::new(400, "DCS.4845", "The password parameter is missing or its value is invalid.")),
        _ => {}
    }
    app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        i.password = new.clone();
        i.set("no_password_access", if no_password { "true" } else { "false" });
        Ok::<_, ApiError>(())
    })?;
    ctx.ok(json!({"code": "", "message": "", "ext_message": "", "lock_time": "0", "lock_time_left": "0", "retry_times_left": "5"}), true)
}

fn batch_delete(app: &App, ctx: &Ctx) -> OpResult {
    let all_failure = ctx.query_bool("all_failure");
    let ids: Vec<String> = ctx
        .body
        .get("instances")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect())
        .unwrap_or_default();
    if ids.is_empty() && !all_failure {
        return Err(ApiError::new(400, "DCS.4065", "The instances parameter in the request cannot be a null value."));
    }
    let results = app.with_state(|s| {
        let targets: Vec<String> = if all_failure {
            s.instances.values().filter(|i| i.status() == "CREATEFAILED").map(|i| i.id().to_string()).collect()
        } else {
            ids.clone()
        };
        targets
            .iter()
            .map(|id| {
                let ok = s.instances.remove(id).is_some();
                if ok {
                    remove_dependents(s, id);
                }
                json!({"instance": id, "result": if ok { "success" } else { "failed" }})
            })
            .collect::<Vec<_>>()
    });
    ctx.ok(json!({"results": results}), true)
}

fn status_counts(app: &App, ctx: &Ctx) -> OpResult {
    let include_failure = ctx.query_bool("include_failure") || ctx.query_str("include_failure").is_none();
    let (all, redis, memcached) = app.with_state(|s| {
        let mut all = Map::new();
        let mut redis = Map::new();
        let mut memcached = Map::new();
        for st in COUNTED {
            let key = format!("{}_count", st.to_ascii_lowercase());
            for m in [&mut all, &mut redis, &mut memcached] {
                m.insert(key.clone(), 0.into());
            }
        }
        for i in s.instances.values() {
            let st = i.status();
            if st == "CREATEFAILED" && !include_failure {
                continue;
            }
            let key = format!("{}_count", st.to_ascii_lowercase());
            let engine_map = if i.info.get("engine").and_then(Value::as_str) == Some("Memcached") { &mut memcached } else { &mut redis };
            for m in [&mut all, engine_map] {
                if let Some(n) = m.get_mut(&key) {
                    *n = (n.as_u64().unwrap_or(0) + 1).into();
                }
            }
        }
        (all, redis, memcached)
    });
    let mut body = all;
    body.insert("redis".into(), Value::Object(redis));
    body.insert("memcached".into(), Value::Object(memcached));
    ctx.ok(Value::Object(body), false)
}

fn statistics(app: &App, ctx: &Ctx) -> OpResult {
    let stats: Vec<Value> = app.with_state(|s| {
        s.instances
            .values()
            .filter(|i| i.status() == "RUNNING")
            .map(|i| {
                let keys = i.keys + 4;
                json!({
                    "instance_id": i.id(),
                    "keys": keys,
                    "used_memory": 2 + keys as u64 / 100,
                    "max_memory": i.info.get("max_memory").cloned().unwrap_or(Value::from(0)),
                    "cmd_get_count": 0, "cmd_set_count": 0,
                    "used_cpu": "0.1", "input_kbps": "0.0", "output_kbps": "0.0"
                })
            })
            .collect()
    });
    ctx.ok(json!({"statistics": stats}), false)
}

/// The instance's nodes: one master, and its replica. Ids are stable per instance.
pub fn nodes(i: &Instance) -> Vec<Value> {
    let id = i.id();
    let ip = i.info.get("ip").and_then(Value::as_str).unwrap_or("192.168.0.2").to_string();
    let port = i.info.get("port").map(|p| p.to_string()).unwrap_or_else(|| "6379".into());
    let az = i.info.get("az_codes").and_then(|a| a.get(0)).cloned().unwrap_or_else(|| "az1".into());
    let group_id = format!("{:016x}", stable_seed(&format!("{id}/group")));
    ["master", "slave"]
        .iter()
        .enumerate()
        .map(|(n, role)| {
            json!({
                "logical_node_id": format!("{:032x}", (stable_seed(&format!("{id}/node/{n}")) as u128) << 64 | n as u128),
                "node_id": node_id(id, n),
                "name": format!("{}-{}", id.chars().take(8).collect::<String>(), n),
                "status": "Active", "az_code": az, "node_role": "redis-server",
                "node_type": role, "node_ip": ip, "node_port": port, "priority_weight": 100,
                "is_access": *role == "master", "group_id": group_id, "group_name": "group-0",
                "is_remove_ip": false, "replication_id": node_id(id, n), "dimensions": []
            })
        })
        .collect()
}

pub fn node_id(instance_id: &str, n: usize) -> String {
    format!("{:016x}{:016x}", stable_seed(&format!("{instance_id}/node/{n}")), n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_passwords() {
        assert!(valid_name("dcs-demo_1"));
        assert!(!valid_name("abc"));
        assert!(!valid_name("1abc"));
        assert!(!valid_name("with space"));
        assert!(strong_password("Abcdef12"));
        assert!(!strong_password("abcdefgh"));
        assert!(!strong_password("Ab1!"));
    }
}
