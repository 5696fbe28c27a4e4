//! Features that combine the API and the analyzer: analyze a cloud backup in one step, the
//! local equivalent of `CreateOfflineKeyAnalysis` + `ShowOfflineKeyAnalysisTask`.

use serde_json::{json, Value};

use crate::api::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::rdb::{self, AnalyzeOptions, Report};

/// One backup file (one shard for a cluster) and its report.
#[derive(Debug, Clone)]
pub struct ShardReport {
    pub file_name: String,
    pub report: Report,
}

/// The analysis of one backup of an instance.
#[derive(Debug, Clone)]
pub struct InstanceAnalysis {
    pub instance_id: String,
    pub backup_id: String,
    pub shards: Vec<ShardReport>,
    /// All shards combined, when there are several.
    pub merged: Option<Value>,
}

impl InstanceAnalysis {
    /// The report to show: the merged one for several shards, else the only shard's.
    pub fn report_json(&self) -> Value {
        match (&self.merged, self.shards.as_slice()) {
            (Some(m), _) => m.clone(),
            (None, [one]) => one.report.to_json(),
            (None, _) => Value::Null,
        }
    }

    /// `{instance_id, backup_id, report, shards: [{file_name, report}]}` (shards only when
    /// there are several).
    pub fn to_json(&self) -> Value {
        let mut v = json!({ "instance_id": self.instance_id, "backup_id": self.backup_id, "report": self.report_json() });
        if self.shards.len() > 1 {
            v["shards"] = self
                .shards
                .iter()
                .map(|s| json!({"file_name": s.file_name, "report": s.report.to_json()}))
                .collect();
        }
        v
    }
}

/// Picks the backup (the latest successful one when `backup_id` is `None`), asks for its
/// download links (`ListBackupFileLinks`) and streams each file through the analyzer.
pub async fn analyze_instance(
    client: &Client,
    instance_id: &str,
    backup_id: Option<&str>,
    options: AnalyzeOptions,
) -> Result<InstanceAnalysis> {
    if instance_id.trim().is_empty() {
        return Err(Error::invalid_input("instance_id", "is empty"));
    }
    let backup_id = match backup_id {
        Some(b) if b.trim().is_empty() => return Err(Error::invalid_input("backup_id", "is empty")),
        Some(b) => b.to_string(),
        None => latest_successful_backup(client, instance_id).await?,
    };
    let links = client
        .call(
            "ListBackupFileLinks",
            json!({"instance_id": instance_id, "backup_id": backup_id, "body": {"expiration": 3600}}),
        )
        .await?;
    let items = links.get("links").and_then(Value::as_array).cloned().unwrap_or_default();
    if items.is_empty() {
        return Err(Error::new(ErrorKind::ServerResponse, format!("backup {backup_id} of instance {instance_id} has no download links")));
    }
    let mut shards = Vec::with_capacity(items.len());
    for item in &items {
        let link = item
            .get("link")
            .and_then(Value::as_str)
            .ok_or_else(|| Error::new(ErrorKind::Decode, format!("a link of backup {backup_id} has no `link` field: {item}")))?;
        let file_name = item.get("file_name").and_then(Value::as_str).unwrap_or(link).to_string();
        let report = rdb::analyze(link, options.clone()).await?;
        shards.push(ShardReport { file_name, report });
    }
    let merged = if shards.len() > 1 { merge(&shards) } else { None };
    Ok(InstanceAnalysis { instance_id: instance_id.to_string(), backup_id, shards, merged })
}

/// Combines the shards' statistics into one report (the analyzer's own merge).
fn merge(shards: &[ShardReport]) -> Option<Value> {
    let reports: Vec<Report> = shards.iter().map(|s| s.report.clone()).collect();
    rdb::merge_reports(&reports).map(|r| r.to_json())
}

/// [`analyze_instance`] with a client built from `config` (credentials and project id from
/// the environment when unset), for callers without a client at hand (the CLI).
pub async fn analyze_instance_with(
    config: crate::Config,
    instance_id: &str,
    backup_id: Option<&str>,
    options: AnalyzeOptions,
) -> Result<InstanceAnalysis> {
    let client = Client::new(config)?;
    analyze_instance(&client, instance_id, backup_id, options).await
}

/// The id of the newest backup whose status is `succeed`.
async fn latest_successful_backup(client: &Client, instance_id: &str) -> Result<String> {
    let mut best: Option<(String, String)> = None;
    let mut offset = 0u64;
    const LIMIT: u64 = 100;
    loop {
        let page = client
            .call("ListBackupRecords", json!({"instance_id": instance_id, "offset": offset, "limit": LIMIT}))
            .await?;
        let records = page.get("backup_record_response").and_then(Value::as_array).cloned().unwrap_or_default();
        for r in &records {
            if r.get("status").and_then(Value::as_str) != Some("succeed") {
                continue;
            }
            let (Some(id), created) = (r.get("backup_id").and_then(Value::as_str), r.get("created_at").and_then(Value::as_str).unwrap_or(""))
            else {
                continue;
            };
            if best.as_ref().is_none_or(|(_, at)| created > at.as_str()) {
                best = Some((id.to_string(), created.to_string()));
            }
        }
        let total = page.get("total_num").and_then(Value::as_u64).unwrap_or(0);
        offset += records.len() as u64;
        if records.is_empty() || offset >= total {
            break;
        }
    }
    best.map(|(id, _)| id)
        .ok_or_else(|| Error::invalid_input("backup_id", format!("instance {instance_id} has no successful backup; back it up first or pass a backup id")))
}
