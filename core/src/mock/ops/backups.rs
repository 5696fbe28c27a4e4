//! Backups that are real RDB files (the `--backup-file`, or one written from the instance's
//! seeded data), download links served by the emulator itself, and restores.

use std::path::PathBuf;

use bytes::Bytes;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use hyper::Response;
use serde_json::{json, Map, Value};

use super::super::dataset;
use super::super::rdb_writer::write_rdb;
use super::super::server::{error, App, Body, DOWNLOAD_PREFIX};
use super::super::state::{compact_time, iso_time, new_id, now_ms, parse_time, Backup, Pending};
use super::{instance_mut, page, ApiError, Ctx, OpResult};

pub fn handle(app: &App, ctx: &Ctx, op: &str) -> Option<OpResult> {
    Some(match op {
        "CopyInstance" => create_backup(app, ctx.param("instance_id"), ctx.body_str("remark").unwrap_or(""), "manual")
            .and_then(|id| ctx.ok(json!({"backup_id": id}), true)),
        "ListBackupRecords" => list(app, ctx),
        "ListBackupFileLinks" => links(app, ctx),
        "DeleteBackupFile" => delete(app, ctx),
        "RestoreInstance" => restore(app, ctx),
        "ListRestoreRecords" => list_restores(app, ctx),
        _ => return None,
    })
}

/// Backs up a RUNNING instance now; the record shows `backuping` until the task delay passed.
/// Returns the backup id.
pub fn create_backup(app: &App, instance_id: &str, remark: &str, backup_type: &str) -> Result<String, ApiError> {
    let keys = app.with_state(|s| {
        let i = s.instances.get(instance_id).ok_or_else(|| ApiError::instance_not_found(instance_id))?;
        if i.status() != "RUNNING" {
            return Err(ApiError::new(400, "DCS.4049", format!("The instance status is not running ({}).", i.status())));
        }
        Ok(i.keys)
    })?;
    let backup_id = new_id();
    let now = now_ms();
    let file: PathBuf = match &app.options.backup_file {
        Some(f) => f.clone(),
        None => {
            let data = dataset::generate(instance_id, keys, now);
            let path = app.data_dir.join(format!("{backup_id}.rdb"));
            std::fs::write(&path, write_rdb(&data, now / 1000))
                .map_err(|e| ApiError::new(500, "DCS.5000", format!("The emulator could not write the backup file: {e}")))?;
            path
        }
    };
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    let mut info = Map::new();
    for (k, v) in [
        ("backup_id", json!(backup_id)),
        ("backup_name", json!(format!("backup_{}", compact_time(now)))),
        ("instance_id", json!(instance_id)),
        ("size", json!(size)),
        ("backup_type", json!(backup_type)),
        ("created_at", json!(iso_time(now))),
        ("updated_at", json!(iso_time(now))),
        ("execution_at", json!(iso_time(now))),
        ("progress", json!("0.00")),
        ("error_code", json!("")),
        ("remark", json!(remark)),
        ("status", json!("backuping")),
        ("is_support_restore", json!("TRUE")),
        ("backup_format", json!("rdb")),
        ("period", json!("")),
    ] {
        info.insert(k.to_string(), v);
    }
    let backup = Backup {
        info,
        instance_id: instance_id.to_string(),
        file,
        ready_at_ms: now + app.options.task_delay.as_millis() as u64,
        link_token: new_id().replace('-', ""),
    };
    app.with_state(|s| {
        s.backups.insert(backup_id.clone(), backup);
        super::extras::record_task(s, instance_id, "backup", "SUCCESS", now);
    });
    Ok(backup_id)
}

fn list(app: &App, ctx: &Ctx) -> OpResult {
    let instance_id = ctx.param("instance_id").to_string();
    let begin = ctx.query_str("begin_time").and_then(parse_time);
    let end = ctx.query_str("end_time").and_then(parse_time);
    let all: Vec<Value> = app.with_state(|s| {
        instance_mut(s, ctx)?;
        let mut v: Vec<&Backup> = s
            .backups
            .values()
            .filter(|b| b.instance_id == instance_id)
            .filter(|b| {
                let at = b.info.get("created_at").and_then(Value::as_str).and_then(parse_time).unwrap_or(0);
                begin.is_none_or(|t| at >= t) && end.is_none_or(|t| at <= t)
            })
            .collect();
        v.sort_by(|a, b| b.info.get("created_at").and_then(Value::as_str).cmp(&a.info.get("created_at").and_then(Value::as_str)));
        Ok::<_, ApiError>(v.into_iter().map(|b| Value::Object(b.info.clone())).collect())
    })?;
    let items = page(&all, ctx.query_usize("offset"), ctx.query_usize("limit"), 10);
    ctx.ok(json!({"total_num": all.len(), "backup_record_response": items}), false)
}

fn file_name(b: &Backup) -> String {
    let name = b.info.get("backup_name").and_then(Value::as_str).unwrap_or("backup");
    format!("{name}.rdb")
}

fn links(app: &App, ctx: &Ctx) -> OpResult {
    let backup_id = ctx.param("backup_id").to_string();
    let expiration = ctx.body.get("expiration").and_then(Value::as_u64).unwrap_or(86_400).clamp(1, 7 * 86_400);
    let (name, token, instance_id) = app.with_state(|s| {
        instance_mut(s, ctx)?;
        let b = s
            .backups
            .get(&backup_id)
            .filter(|b| b.instance_id == ctx.param("instance_id"))
            .ok_or_else(|| ApiError::not_found("backup", &backup_id))?;
        if b.info.get("status").and_then(Value::as_str) != Some("succeed") {
            return Err(ApiError::new(400, "DCS.4096", "the instance is backuping."));
        }
        Ok((file_name(b), b.link_token.clone(), b.instance_id.clone()))
    })?;
    let expires = now_ms() / 1000 + expiration;
    let link = format!("http://{}{DOWNLOAD_PREFIX}{backup_id}/{name}?token={token}&expires={expires}", ctx.host);
    ctx.ok(
        json!({"file_path": format!("{instance_id}/{backup_id}/"), "bucket_name": "dcs-mock-backups", "links": [{"file_name": name, "link": link}]}),
        false,
    )
}

fn delete(app: &App, ctx: &Ctx) -> OpResult {
    let backup_id = ctx.param("backup_id").to_string();
    let removed = app.with_state(|s| {
        instance_mut(s, ctx)?;
        match s.backups.get(&backup_id) {
            Some(b) if b.instance_id == ctx.param("instance_id") => Ok(s.backups.remove(&backup_id)),
            _ => Err(ApiError::not_found("backup", &backup_id)),
        }
    })?;
    if let Some(b) = removed {
        // Generated files go with their record; a user's --backup-file is never touched.
        if app.options.backup_file.as_ref() != Some(&b.file) && b.file.starts_with(&app.data_dir) {
            let _ = std::fs::remove_file(&b.file);
        }
    }
    ctx.ok(json!({}), true)
}

fn restore(app: &App, ctx: &Ctx) -> OpResult {
    let backup_id = ctx.body_str("backup_id").unwrap_or("").to_string();
    let remark = ctx.body_str("remark").unwrap_or("").to_string();
    let delay = app.options.running_delay.as_millis() as u64;
    let restore_id = app.with_state(|s| {
        let now = now_ms();
        let backup = s
            .backups
            .get(&backup_id)
            .filter(|b| b.instance_id == ctx.param("instance_id"))
            .cloned()
            .ok_or_else(|| ApiError::not_found("backup", &backup_id))?;
        if backup.info.get("status").and_then(Value::as_str) != Some("succeed") {
            return Err(ApiError::new(400, "DCS.4087", "the backup record status is err when restore this instance"));
        }
        let i = instance_mut(s, ctx)?;
        if i.status() != "RUNNING" {
            return Err(ApiError::wrong_state(i.status()));
        }
        i.set("status", "RESTORING");
        i.pending = Some(Pending { status: "RUNNING".into(), at_ms: now + delay });
        let id = new_id();
        let rec = json!({
            "restore_id": id, "backup_id": backup_id, "restore_remark": remark,
            "backup_remark": backup.info.get("remark").cloned().unwrap_or(Value::Null),
            "created_at": iso_time(now), "updated_at": iso_time(now + delay),
            "restore_name": format!("restore_{}", compact_time(now)),
            "backup_name": backup.info.get("backup_name").cloned().unwrap_or(Value::Null),
            "status": "succeed", "progress": "100.00", "error_code": "",
            "instance_id": ctx.param("instance_id"),
        });
        if let Value::Object(o) = rec {
            s.restores.insert(id.clone(), o);
        }
        super::extras::record_task(s, ctx.param("instance_id"), "restore", "SUCCESS", now);
        Ok(id)
    })?;
    ctx.ok(json!({"restore_id": restore_id}), true)
}

fn list_restores(app: &App, ctx: &Ctx) -> OpResult {
    let all: Vec<Value> = app.with_state(|s| {
        instance_mut(s, ctx)?;
        let mut v: Vec<Value> = s
            .restores
            .values()
            .filter(|r| r.get("instance_id").and_then(Value::as_str) == Some(ctx.param("instance_id")))
            .map(|r| Value::Object(r.clone()))
            .collect();
        v.sort_by(|a, b| b["created_at"].as_str().cmp(&a["created_at"].as_str()));
        Ok::<_, ApiError>(v)
    })?;
    let items = page(&all, ctx.query_usize("offset"), ctx.query_usize("limit"), 10);
    ctx.ok(json!({"total_num": all.len(), "restore_record_response": items}), false)
}

/// `GET /mock-obs/{backup_id}/{file}?token=..&expires=..`: the backup file, streamed.
pub async fn download(app: &App, rest: &str, raw_query: &str) -> Response<Body> {
    let query = crate::auth::signer::encoding::parse_query(raw_query);
    let get = |k: &str| query.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
    let backup_id = rest.split('/').next().unwrap_or("");
    let found = app.with_state(|s| s.backups.get(backup_id).map(|b| (b.file.clone(), b.link_token.clone(), file_name(b))));
    let Some((path, token, name)) = found else {
        return error(404, "OBS.NoSuchKey", "The specified key does not exist.");
    };
    if rest != format!("{backup_id}/{name}") {
        return error(404, "OBS.NoSuchKey", "The specified key does not exist.");
    }
    if get("token") != Some(token.as_str()) {
        return error(403, "OBS.AccessDenied", "Request has invalid token.");
    }
    if get("expires").and_then(|e| e.parse::<u64>().ok()).is_none_or(|e| e < now_ms() / 1000) {
        return error(403, "OBS.AccessDenied", "Request has expired.");
    }
    let file = match tokio::fs::File::open(&path).await {
        Ok(f) => f,
        Err(e) => return error(500, "DCS.5000", &format!("The backup file cannot be read: {e}")),
    };
    let len = file.metadata().await.map(|m| m.len()).unwrap_or(0);
    let stream = futures::stream::unfold(file, |mut f| async move {
        use tokio::io::AsyncReadExt;
        let mut buf = vec![0u8; 64 * 1024];
        match f.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((Ok(Frame::data(Bytes::from(buf))), f))
            }
            Err(e) => Some((Err(e), f)),
        }
    });
    Response::builder()
        .status(200)
        .header("content-type", "application/octet-stream")
        .header("content-length", len.to_string())
        .body(StreamBody::new(stream).boxed())
        .unwrap_or_else(|_| error(500, "DCS.5000", "response"))
}
