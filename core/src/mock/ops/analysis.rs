//! Offline key analysis (the analyzer's real report of a backup) and big key / hot key scan
//! tasks: waiting → running → success.

use std::sync::Arc;

use serde_json::{json, Map, Value};

use super::super::dataset;
use super::super::rdb_writer::RdbValue;
use super::super::server::App;
use super::super::state::{iso_time, new_id, now_ms, State, Task};
use super::{instance_mut, page, ApiError, Ctx, OpResult};

/// Which of the three task tables an operation works on.
#[derive(Clone, Copy)]
enum Kind {
    Offline,
    Bigkey,
    Hotkey,
}

fn table(s: &mut State, kind: Kind) -> &mut std::collections::BTreeMap<String, Task> {
    match kind {
        Kind::Offline => &mut s.offline_tasks,
        Kind::Bigkey => &mut s.bigkey_tasks,
        Kind::Hotkey => &mut s.hotkey_tasks,
    }
}

pub fn handle(app: &Arc<App>, ctx: &Ctx, op: &str) -> Option<OpResult> {
    Some(match op {
        "CreateOfflineKeyAnalysis" => create_offline(app, ctx),
        "ListOfflineKeyAnalysisTask" => list(app, ctx, Kind::Offline),
        "ShowOfflineKeyAnalysisTask" => show(app, ctx, Kind::Offline, "task_id"),
        "DeleteOfflineKeyAnalysisTask" => delete(app, ctx, Kind::Offline, "task_id").and_then(|_| ctx.ok(json!({"task_id": ctx.param("task_id")}), true)),
        "CreateBigkeyScanTask" => create_scan(app, ctx, Kind::Bigkey),
        "ListBigkeyScanTasks" => list(app, ctx, Kind::Bigkey),
        "ShowBigkeyScanTaskDetails" => show(app, ctx, Kind::Bigkey, "bigkey_id"),
        "DeleteBigkeyScanTask" => delete(app, ctx, Kind::Bigkey, "bigkey_id").and_then(|t| ctx.ok(t, true)),
        "CreateHotkeyScanTask" => create_scan(app, ctx, Kind::Hotkey),
        "ListHotKeyScanTasks" => list(app, ctx, Kind::Hotkey),
        "ShowHotkeyTaskDetails" => show(app, ctx, Kind::Hotkey, "hotkey_id"),
        "DeleteHotkeyScanTask" => delete(app, ctx, Kind::Hotkey, "hotkey_id").and_then(|t| ctx.ok(t, true)),
        _ => return None,
    })
}

fn create_offline(app: &Arc<App>, ctx: &Ctx) -> OpResult {
    let instance_id = ctx.param("instance_id").to_string();
    let node_id = ctx.body_str("node_id").map(str::to_string);
    let (nodes, status) = app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        Ok::<_, ApiError>((super::instances::nodes(i), i.status().to_string()))
    })?;
    if status != "RUNNING" {
        return Err(ApiError::new(400, "DCS.4049", format!("The instance status is not running ({status}).")));
    }
    let node = match &node_id {
        Some(id) => nodes
            .iter()
            .find(|n| n["node_id"].as_str() == Some(id) || n["logical_node_id"].as_str() == Some(id))
            .cloned()
            .ok_or_else(|| ApiError::bad_param("node_id", &format!("{id} is not a node of instance {instance_id}")))?,
        None => nodes[0].clone(),
    };
    // Without a backup id the service backs the node up first ("auto" analysis).
    let (backup_id, analysis_type) = match ctx.body_str("backup_id") {
        Some(b) => {
            let known = app.with_state(|s| s.backups.get(b).is_some_and(|r| r.instance_id == instance_id));
            if !known {
                return Err(ApiError::not_found("backup", b));
            }
            (b.to_string(), "manual")
        }
        None => (super::backups::create_backup(app, &instance_id, "offline key analysis", "auto")?, "auto"),
    };
    let id = new_id();
    let now = now_ms();
    let delay = app.options.task_delay.as_millis() as u64;
    let mut info = Map::new();
    for (k, v) in [
        ("id", json!(id)),
        ("instance_id", json!(instance_id)),
        ("node_id", node["node_id"].clone()),
        ("backup_id", json!(backup_id)),
        ("group_name", node["group_name"].clone()),
        ("node_ip", node["node_ip"].clone()),
        ("node_ipv6", json!("")),
        ("node_type", node["node_type"].clone()),
        ("analysis_type", json!(analysis_type)),
        ("status", json!("waiting")),
        ("created_at", json!(iso_time(now))),
        ("started_at", json!("")),
        ("finished_at", json!("")),
    ] {
        info.insert(k.to_string(), v);
    }
    let task = Task { info, instance_id, start_at_ms: now + delay / 2, finish_at_ms: now + delay, result: None, failure: None };
    app.with_state(|s| {
        s.offline_tasks.insert(id.clone(), task);
    });
    spawn_analysis(app.clone(), id.clone());
    ctx.ok(json!({"task_id": id}), true)
}

/// Runs the analyzer on the task's backup file and stores its report as the task's result.
fn spawn_analysis(app: Arc<App>, task_id: String) {
    tokio::spawn(async move {
        let file = app.with_state(|s| {
            let t = s.offline_tasks.get(&task_id)?;
            let backup_id = t.info.get("backup_id")?.as_str()?;
            s.backups.get(backup_id).map(|b| b.file.clone())
        });
        let outcome = match file {
            None => Err("the backup of this task no longer exists".to_string()),
            Some(path) => match crate::rdb::analyze(&path.to_string_lossy(), crate::rdb::AnalyzeOptions::default()).await {
                Ok(report) => match report.to_json() {
                    Value::Object(o) => Ok(o),
                    other => Err(format!("the analyzer returned {other} instead of a report")),
                },
                Err(e) => Err(e.to_string()),
            },
        };
        app.with_state(|s| {
            if let Some(t) = s.offline_tasks.get_mut(&task_id) {
                match outcome {
                    Ok(report) => {
                        // The task's own fields (id, status, times...) stay; the report adds the rest.
                        let result: Map<String, Value> = report.into_iter().filter(|(k, _)| !t.info.contains_key(k)).collect();
                        t.result = Some(result);
                    }
                    Err(e) => t.failure = Some(e),
                }
            }
        });
        let _ = app.persist().await;
    });
}

/// After a restart, analyses that were in flight run again.
pub fn resume(app: &Arc<App>) {
    let pending: Vec<String> = app.with_state(|s| {
        s.offline_tasks.iter().filter(|(_, t)| t.result.is_none() && t.failure.is_none()).map(|(k, _)| k.clone()).collect()
    });
    for id in pending {
        spawn_analysis(app.clone(), id);
    }
}

fn create_scan(app: &App, ctx: &Ctx, kind: Kind) -> OpResult {
    let instance_id = ctx.param("instance_id").to_string();
    let (keys, status, shard) = app.with_state(|s| {
        let i = instance_mut(s, ctx)?;
        let shard = format!(
            "{}:{}",
            i.info.get("ip").and_then(Value::as_str).unwrap_or(""),
            i.info.get("port").map(|p| p.to_string()).unwrap_or_default()
        );
        Ok::<_, ApiError>((i.keys, i.status().to_string(), shard))
    })?;
    if status != "RUNNING" {
        return Err(ApiError::new(400, "DCS.4049", format!("The instance status is not running ({status}).")));
    }
    let now = now_ms();
    let id = new_id();
    let delay = app.options.task_delay.as_millis() as u64;
    let data = dataset::generate(&instance_id, keys, now);
    let mut sized: Vec<(String, &'static str, u64, &'static str)> = data
        .iter()
        .map(|e| {
            let (t, size, unit) = match &e.value {
                RdbValue::String(v) => ("string", v.len() as u64, "byte"),
                RdbValue::List(v) => ("list", v.len() as u64, "count"),
                RdbValue::Set(v) => ("set", v.len() as u64, "count"),
                RdbValue::Hash(v) => ("hash", v.len() as u64, "count"),
                RdbValue::ZSet(v) => ("zset", v.len() as u64, "count"),
            };
            (String::from_utf8_lossy(&e.key).into_owned(), t, size, unit)
        })
        .collect();
    sized.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let found: Vec<Value> = sized
        .iter()
        .take(20)
        .enumerate()
        .map(|(n, (name, t, size, unit))| {
            let mut k = json!({"name": name, "type": t, "shard": shard, "db": 0, "size": size, "unit": unit});
            if matches!(kind, Kind::Hotkey) {
                // Access counts are not in the data; a stable, decreasing count stands in for them.
                k["freq"] = json!(255u64.saturating_sub(n as u64 * 9));
            }
            k
        })
        .collect();
    let mut info = Map::new();
    for (k, v) in [
        ("id", json!(id)),
        ("instance_id", json!(instance_id)),
        ("status", json!("waiting")),
        ("scan_type", json!("manual")),
        ("created_at", json!(iso_time(now))),
        ("started_at", json!("")),
        ("finished_at", json!("")),
        ("num", json!(0)),
        ("keys", json!([])),
    ] {
        info.insert(k.to_string(), v);
    }
    let mut result = Map::new();
    result.insert("num".into(), json!(found.len()));
    result.insert("keys".into(), Value::Array(found));
    let task = Task { info: info.clone(), instance_id, start_at_ms: now + delay / 2, finish_at_ms: now + delay, result: Some(result), failure: None };
    app.with_state(|s| {
        table(s, kind).insert(id.clone(), task);
    });
    ctx.ok(Value::Object(info), true)
}

fn list(app: &App, ctx: &Ctx, kind: Kind) -> OpResult {
    let instance_id = ctx.param("instance_id").to_string();
    let status = ctx.query_str("status").map(str::to_string);
    let all: Vec<Value> = app.with_state(|s| {
        instance_mut(s, ctx)?;
        let mut v: Vec<&Task> = table(s, kind)
            .values()
            .filter(|t| t.instance_id == instance_id)
            .filter(|t| status.as_deref().is_none_or(|st| t.info.get("status").and_then(Value::as_str) == Some(st)))
            .collect();
        v.sort_by(|a, b| b.info.get("created_at").and_then(Value::as_str).cmp(&a.info.get("created_at").and_then(Value::as_str)));
        Ok::<_, ApiError>(
            v.into_iter()
                .map(|t| {
                    let mut r = Map::new();
                    for k in ["id", "status", "scan_type", "created_at", "started_at", "finished_at"] {
                        if let Some(v) = t.info.get(k) {
                            r.insert(k.to_string(), v.clone());
                        }
                    }
                    Value::Object(r)
                })
                .collect(),
        )
    })?;
    let items = page(&all, ctx.query_usize("offset"), ctx.query_usize("limit"), 10);
    let body = match kind {
        Kind::Offline => json!({"instance_id": instance_id, "total": all.len(), "records": items}),
        _ => json!({"instance_id": instance_id, "count": all.len(), "records": items}),
    };
    ctx.ok(body, false)
}

fn show(app: &App, ctx: &Ctx, kind: Kind, id_param: &str) -> OpResult {
    let id = ctx.param(id_param).to_string();
    let info = app.with_state(|s| {
        instance_mut(s, ctx)?;
        table(s, kind)
            .get(&id)
            .filter(|t| t.instance_id == ctx.param("instance_id"))
            .map(|t| Value::Object(t.info.clone()))
            .ok_or_else(|| ApiError::not_found("task", &id))
    })?;
    ctx.ok(info, false)
}

fn delete(app: &App, ctx: &Ctx, kind: Kind, id_param: &str) -> Result<Value, ApiError> {
    let id = ctx.param(id_param).to_string();
    app.with_state(|s| {
        instance_mut(s, ctx)?;
        let t = table(s, kind);
        match t.get(&id) {
            Some(task) if task.instance_id == ctx.param("instance_id") => {
                let removed = t.remove(&id).map(|t| Value::Object(t.info)).unwrap_or(Value::Null);
                Ok(removed)
            }
            _ => Err(ApiError::not_found("task", &id)),
        }
    })
}
