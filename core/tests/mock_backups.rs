//! Backups are real RDB files; their links download them; offline key analysis reports what
//! the analyzer finds in them; `cloud::analyze_instance` does the same in one call.

mod mock_support;

use std::time::Duration;

use dcskit::api::Client;
use dcskit::auth::Credentials;
use dcskit::mock::rdb_writer::crc64;
use dcskit::Config;
use mock_support::*;
use serde_json::{json, Value};

async fn backup_and_wait(base: &str, id: &str) -> String {
    let b = ok(base, "POST", &p(&format!("/instances/{id}/backups")), Some(json!({"remark": "test", "backup_format": "rdb"}))).await;
    let backup_id = b["backup_id"].as_str().expect("backup id").to_string();
    let list_path = p(&format!("/instances/{id}/backups"));
    assert!(
        eventually(Duration::from_secs(10), || async {
            ok(base, "GET", &list_path, None).await["backup_record_response"][0]["status"] == "succeed"
        })
        .await
    );
    backup_id
}

#[tokio::test]
async fn backup_link_download_and_offline_analysis() {
    let server = start(options()).await;
    let base = server.url().to_string();
    let id = create_running_instance(&base, "backup-a").await;
    let backup_id = backup_and_wait(&base, &id).await;

    let list = ok(&base, "GET", &p(&format!("/instances/{id}/backups")), None).await;
    assert_eq!(list["total_num"], 1);
    let size = list["backup_record_response"][0]["size"].as_u64().unwrap();

    // The link downloads a valid RDB file: magic, version 11, CRC-64 matching its contents.
    let links = ok(&base, "POST", &p(&format!("/instances/{id}/backups/{backup_id}/links")), Some(json!({"expiration": 600}))).await;
    let link = links["links"][0]["link"].as_str().unwrap().to_string();
    assert!(link.starts_with(&base), "{link}");
    let bytes = http().get(&link).send().await.unwrap().bytes().await.unwrap();
    assert_eq!(bytes.len() as u64, size);
    assert!(bytes.starts_with(b"REDIS0011"));
    let (body, crc) = bytes.split_at(bytes.len() - 8);
    assert_eq!(crc64(0, body).to_le_bytes(), crc);
    // Without its token, the link is refused.
    let bare = link.split('?').next().unwrap();
    assert_eq!(http().get(bare).send().await.unwrap().status().as_u16(), 403);

    // Redis itself accepts the file. An older redis-check-rdb (Debian's 7.0 reads RDB <= 10, 6.x
    // <= 9) gets the same records under its own version: every encoding written exists since RDB 8.
    if let Ok(out) = std::process::Command::new("redis-check-rdb").arg("--version").output() {
        let version = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let number = version.split_whitespace().find(|w| w.chars().next().is_some_and(|c| c.is_ascii_digit())).unwrap_or("0.0");
        let mut parts = number.split('.').map(|p| p.parse::<u32>().unwrap_or(0));
        let (major, minor) = (parts.next().unwrap_or(0), parts.next().unwrap_or(0));
        let mut file = body.to_vec();
        match (major, minor) {
            (m, n) if (m, n) >= (7, 2) => {}
            (7, _) => file[5..9].copy_from_slice(b"0010"),
            _ => file[5..9].copy_from_slice(b"0009"),
        }
        let crc = crc64(0, &file);
        file.extend_from_slice(&crc.to_le_bytes());
        let path = std::env::temp_dir().join(format!("dcskit-mock-{backup_id}.rdb"));
        std::fs::write(&path, &file).unwrap();
        let out = std::process::Command::new("redis-check-rdb").arg(&path).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success() && text.contains("RDB looks OK"), "{version}: {text}");
        std::fs::remove_file(&path).unwrap();
    }

    // Offline key analysis of that backup: the report is the analyzer's.
    let nodes = ok(&base, "GET", &p(&format!("/instances/{id}/logical-nodes")), None).await;
    let node_id = nodes["nodes"][0]["node_id"].as_str().unwrap().to_string();
    let created = ok(&base, "POST", &p(&format!("/instances/{id}/offline/key-analysis")), Some(json!({"node_id": node_id, "backup_id": backup_id}))).await;
    let task_id = created["task_id"].as_str().unwrap().to_string();
    let show_path = p(&format!("/instances/{id}/offline/key-analysis/{task_id}"));
    assert!(
        eventually(Duration::from_secs(20), || async {
            let r = ok(&base, "GET", &show_path, None).await;
            r["status"] == "success" || r["status"] == "failed"
        })
        .await
    );
    let report: Value = ok(&base, "GET", &show_path, None).await;
    assert_eq!(report["status"], "success", "{report}");
    let expected = dcskit::rdb::analyze_bytes("backup.rdb", &bytes, &Default::default()).unwrap().to_json();
    for field in ["total_num", "total_bytes", "type_num", "type_bytes", "largest_keys", "largest_key_prefixes"] {
        assert_eq!(report[field], expected[field], "{field}");
    }
    assert!(report["total_num"].as_u64().unwrap() > 100);
    assert_eq!(report["largest_keys"].as_array().unwrap().len().min(1), 1);
    let listed = ok(&base, "GET", &p(&format!("/instances/{id}/offline/key-analysis")), None).await;
    assert_eq!(listed["total"], 1);
    assert_eq!(listed["records"][0]["status"], "success");

    // The library function: latest successful backup, links, analyzer.
    let client = Client::new(Config {
        endpoint: Some(base.clone()),
        project_id: Some(PROJECT.into()),
        credentials: Some(Credentials::aksk(AK, SK)),
        ..Default::default()
    })
    .unwrap();
    let analysis = dcskit::cloud::analyze_instance(&client, &id, None, Default::default()).await.unwrap();
    assert_eq!(analysis.backup_id, backup_id);
    assert_eq!(analysis.shards.len(), 1);
    assert_eq!(analysis.report_json()["total_num"], expected["total_num"]);

    // Deleting the task and the backup: gone afterwards.
    ok(&base, "DELETE", &show_path, None).await;
    assert_eq!(send(&base, Call::new("GET", &show_path)).await.unwrap().status, 404);
    ok(&base, "DELETE", &p(&format!("/instances/{id}/backups/{backup_id}")), None).await;
    assert_eq!(http().get(&link).send().await.unwrap().status().as_u16(), 404);
    let e = dcskit::cloud::analyze_instance(&client, &id, None, Default::default()).await.unwrap_err();
    assert_eq!(e.param(), Some("backup_id"), "{e}");
    server.shutdown().await;
}

#[tokio::test]
async fn auto_analysis_and_big_and_hot_key_tasks() {
    let server = start(options()).await;
    let base = server.url().to_string();
    let id = create_running_instance(&base, "scan-a").await;
    let nodes = ok(&base, "GET", &p(&format!("/instances/{id}/logical-nodes")), None).await;
    let node_id = nodes["nodes"][0]["node_id"].as_str().unwrap().to_string();
    // Without a backup id, the emulator backs up first.
    let created = ok(&base, "POST", &p(&format!("/instances/{id}/offline/key-analysis")), Some(json!({"node_id": node_id}))).await;
    let task = created["task_id"].as_str().unwrap().to_string();
    let path = p(&format!("/instances/{id}/offline/key-analysis/{task}"));
    assert!(eventually(Duration::from_secs(20), || async { ok(&base, "GET", &path, None).await["status"] == "success" }).await);
    let report = ok(&base, "GET", &path, None).await;
    assert_eq!(report["analysis_type"], "auto");
    assert!(report["largest_keys"].as_array().is_some_and(|k| !k.is_empty()));
    // A node of another instance is refused.
    let a = send(&base, Call::new("POST", &p(&format!("/instances/{id}/offline/key-analysis"))).body(json!({"node_id": "nope"}))).await.unwrap();
    assert_eq!(a.status, 400);

    for (create, list, show) in [("bigkey-task", "bigkey-tasks", "bigkey-task"), ("hotkey-task", "hotkey-tasks", "hotkey-task")] {
        let t = ok(&base, "POST", &p(&format!("/instances/{id}/{create}")), None).await;
        assert_eq!(t["status"], "waiting");
        let tid = t["id"].as_str().unwrap().to_string();
        let show_path = p(&format!("/instances/{id}/{show}/{tid}"));
        assert!(eventually(Duration::from_secs(10), || async { ok(&base, "GET", &show_path, None).await["status"] == "success" }).await);
        let done = ok(&base, "GET", &show_path, None).await;
        let keys = done["keys"].as_array().unwrap();
        assert_eq!(done["num"].as_u64().unwrap() as usize, keys.len());
        let names: Vec<&str> = keys.iter().filter_map(|k| k["name"].as_str()).collect();
        for big in ["blob:report:latest", "queue:events:all", "rank:global", "cart:whale"] {
            assert!(names.contains(&big), "{big} missing from {names:?}");
        }
        let listed = ok(&base, "GET", &p(&format!("/instances/{id}/{list}?status=success")), None).await;
        assert_eq!(listed["count"], 1);
    }
    server.shutdown().await;
}
