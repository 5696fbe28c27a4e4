//! `--state FILE` keeps instances, backups and analyses across restarts.

mod mock_support;

use std::time::Duration;

use dcskit::mock::MockOptions;
use mock_support::*;
use serde_json::json;

#[tokio::test]
async fn state_survives_a_restart() {
    let dir = std::env::temp_dir().join(format!("dcskit-mock-persist-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let opts = || MockOptions { state_file: Some(state.clone()), ..options() };

    let server = start(opts()).await;
    let base = server.url().to_string();
    let id = create_running_instance(&base, "persist-a").await;
    ok(&base, "POST", &p(&format!("/dcs/{id}/tags/action")), Some(json!({"action": "create", "tags": [{"key": "k", "value": "v"}]}))).await;
    let b = ok(&base, "POST", &p(&format!("/instances/{id}/backups")), Some(json!({"remark": "keep"}))).await;
    let backup_id = b["backup_id"].as_str().unwrap().to_string();
    server.shutdown().await;

    // The file is complete JSON and no temp file was left next to it.
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&state).unwrap()).unwrap();
    assert!(saved["instances"][&id].is_object());
    let leftovers: Vec<_> = std::fs::read_dir(&dir).unwrap().filter_map(|e| e.ok()).map(|e| e.file_name()).filter(|n| n.to_string_lossy().ends_with(".tmp")).collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");

    let server = start(opts()).await;
    let base = server.url().to_string();
    let shown = ok(&base, "GET", &p(&format!("/instances/{id}")), None).await;
    assert_eq!(shown["name"], "persist-a");
    assert_eq!(shown["status"], "RUNNING");
    assert_eq!(ok(&base, "GET", &p(&format!("/instances/{id}/tags")), None).await["tags"][0]["key"], "k");
    let list_path = p(&format!("/instances/{id}/backups"));
    assert!(eventually(Duration::from_secs(5), || async { ok(&base, "GET", &list_path, None).await["backup_record_response"][0]["status"] == "succeed" }).await);
    let links = ok(&base, "POST", &p(&format!("/instances/{id}/backups/{backup_id}/links")), Some(json!({"expiration": 60}))).await;
    let link = links["links"][0]["link"].as_str().unwrap();
    let bytes = http().get(link).send().await.unwrap().bytes().await.unwrap();
    assert!(bytes.starts_with(b"REDIS0011"), "the backup file survived too");
    ok(&base, "DELETE", &p(&format!("/instances/{id}")), None).await;
    server.shutdown().await;

    let server = start(opts()).await;
    let a = send(server.url(), Call::new("GET", &p(&format!("/instances/{id}")))).await.unwrap();
    assert_eq!(a.status, 404, "the deletion was saved");
    server.shutdown().await;

    // A state file that is not ours is an error naming it, not a crash or a silent reset.
    std::fs::write(&state, b"{not json").unwrap();
    let e = dcskit::mock::start(opts()).await.unwrap_err();
    assert_eq!(e.param(), Some("state"));
    std::fs::remove_dir_all(&dir).unwrap();
}
