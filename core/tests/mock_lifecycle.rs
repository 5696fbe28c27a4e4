//! Instance lifecycle, filters, paging, validation, and every spec operation being served.

mod mock_support;

use std::time::Duration;

use dcskit::mock::MockOptions;
use mock_support::*;
use serde_json::{json, Value};

#[tokio::test]
async fn create_wait_list_modify_resize_restart_delete() {
    // Long enough for the checks made while an instance is EXTENDING, even on a busy machine.
    let server = start(MockOptions { running_delay: Duration::from_millis(3000), ..options() }).await;
    let base = server.url().to_string();

    let created = ok(&base, "POST", &p("/instances"), Some(create_body("life-a", json!({"capacity": 0.125, "tags": [{"key": "team", "value": "core"}]})))).await;
    let a = created["instances"][0]["instance_id"].as_str().unwrap().to_string();
    let shown = ok(&base, "GET", &p(&format!("/instances/{a}")), None).await;
    assert_eq!(shown["status"], "CREATING");
    assert_eq!(shown["max_memory"], 128);
    let b = create_running_instance(&base, "life-b").await;
    let shown = ok(&base, "GET", &p(&format!("/instances/{a}")), None).await;
    assert_eq!(shown["status"], "RUNNING", "the first instance settled too");

    // Filters and paging.
    let all = ok(&base, "GET", &p("/instances"), None).await;
    assert_eq!(all["instance_num"], 2);
    let page1 = ok(&base, "GET", &p("/instances?offset=0&limit=1"), None).await;
    let page2 = ok(&base, "GET", &p("/instances?offset=1&limit=1"), None).await;
    assert_eq!(page1["instances"].as_array().unwrap().len(), 1);
    assert_eq!(page1["instance_num"], 2);
    assert_ne!(page1["instances"][0]["instance_id"], page2["instances"][0]["instance_id"]);
    let by_name = ok(&base, "GET", &p("/instances?name=life-b&name_equal=true"), None).await;
    assert_eq!(by_name["instances"][0]["instance_id"], b.as_str());
    let by_tag = ok(&base, "GET", &p("/instances?tags=team%3Dcore"), None).await;
    assert_eq!(by_tag["instance_num"], 1);
    assert_eq!(by_tag["instances"][0]["instance_id"], a.as_str());
    let by_status = ok(&base, "GET", &p("/instances?status=CREATING"), None).await;
    assert_eq!(by_status["instance_num"], 0);

    // Modify, resize (EXTENDING → RUNNING), restart, counts.
    ok(&base, "PUT", &p(&format!("/instances/{b}")), Some(json!({"name": "life-b-renamed", "description": "hello"}))).await;
    let shown = ok(&base, "GET", &p(&format!("/instances/{b}")), None).await;
    assert_eq!(shown["name"], "life-b-renamed");
    assert_eq!(shown["description"], "hello");
    ok(&base, "POST", &p(&format!("/instances/{b}/resize")), Some(json!({"new_capacity": 2, "spec_code": "redis.single.xu1.large.2"}))).await;
    let shown = ok(&base, "GET", &p(&format!("/instances/{b}")), None).await;
    assert_eq!(shown["status"], "EXTENDING");
    assert_eq!(shown["capacity"], 2);
    let counts = ok(&base, "GET", &p("/instances/status"), None).await;
    assert_eq!(counts["extending_count"], 1);
    assert_eq!(counts["running_count"], 1);
    assert_eq!(counts["redis"]["running_count"], 1);
    let r = ok(&base, "PUT", &p("/instances/status"), Some(json!({"instances": [a, b], "action": "restart"}))).await;
    let results: Vec<&str> = r["results"].as_array().unwrap().iter().map(|x| x["result"].as_str().unwrap()).collect();
    assert_eq!(results, ["success", "failed"], "only the RUNNING one restarts: {r}");
    let stats = ok(&base, "GET", &p("/instances/statistic"), None).await;
    assert!(stats["statistics"].as_array().unwrap().is_empty() || stats["statistics"][0]["keys"].as_u64().unwrap() > 0);

    // Passwords.
    let bad = ok(&base, "PUT", &p(&format!("/instances/{b}/password")), Some(json!({"old_password": "wrong", "new_password": "N3w-Passw0rd"}))).await;
    assert_eq!(bad["result"], "Failed");
    let good = ok(&base, "PUT", &p(&format!("/instances/{b}/password")), Some(json!({"old_password": "Passw0rd!", "new_password": "N3w-Passw0rd"}))).await;
    assert_eq!(good["result"], "Success");

    // Tags, whitelist, configs, ACL accounts, background tasks: kept and returned.
    ok(&base, "POST", &p(&format!("/dcs/{b}/tags/action")), Some(json!({"action": "create", "tags": [{"key": "env", "value": "dev"}]}))).await;
    let tags = ok(&base, "GET", &p(&format!("/instances/{b}/tags")), None).await;
    assert_eq!(tags["tags"], json!([{"key": "env", "value": "dev"}]));
    let tenant = ok(&base, "GET", &p("/dcs/tags"), None).await;
    assert_eq!(tenant["tags"].as_array().unwrap().len(), 2, "{tenant}");
    ok(&base, "PUT", &p(&format!("/instance/{b}/whitelist")), Some(json!({"enable_whitelist": true, "whitelist": [{"group_name": "g1", "ip_list": ["10.0.0.0/24"]}]}))).await;
    let wl = ok(&base, "GET", &p(&format!("/instance/{b}/whitelist")), None).await;
    assert_eq!(wl["whitelist"][0]["ip_list"][0], "10.0.0.0/24");
    assert_eq!(wl["enable_whitelist"], true);
    let bad_ip = send(&base, Call::new("PUT", &p(&format!("/instance/{b}/whitelist"))).body(json!({"enable_whitelist": true, "whitelist": [{"group_name": "g", "ip_list": ["nope"]}]}))).await.unwrap();
    assert_eq!(bad_ip.status, 400);
    ok(&base, "PUT", &p(&format!("/instances/{b}/configs")), Some(json!({"redis_config": [{"param_id": "1", "param_name": "timeout", "param_value": "100"}]}))).await;
    let cfg = ok(&base, "GET", &p(&format!("/instances/{b}/configs")), None).await;
    let timeout = cfg["redis_config"].as_array().unwrap().iter().find(|c| c["param_name"] == "timeout").unwrap();
    assert_eq!(timeout["param_value"], "100");
    let bad_cfg = send(&base, Call::new("PUT", &p(&format!("/instances/{b}/configs"))).body(json!({"redis_config": [{"param_id": "1", "param_name": "timeout", "param_value": "99999"}]}))).await.unwrap();
    assert_eq!(bad_cfg.status, 400);
    assert_eq!(bad_cfg.body["error_code"], "DCS.4066");
    ok(&base, "POST", &p(&format!("/instances/{b}/accounts")), Some(json!({"account_name": "reader", "account_role": "read", "account_password": "Passw0rd!x"}))).await;
    let accounts = ok(&base, "GET", &p(&format!("/instances/{b}/accounts")), None).await;
    assert_eq!(accounts["accounts"][0]["account_name"], "reader");
    let acc_id = accounts["accounts"][0]["account_id"].as_str().unwrap().to_string();
    ok(&base, "DELETE", &p(&format!("/instances/{b}/accounts/{acc_id}")), None).await;
    assert_eq!(ok(&base, "GET", &p(&format!("/instances/{b}/accounts")), None).await["accounts"], json!([]));
    let tasks = ok(&base, "GET", &p(&format!("/instances/{b}/tasks")), None).await;
    let names: Vec<&str> = tasks["tasks"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap()).collect();
    assert!(names.contains(&"createInstance") && names.contains(&"extendInstance"), "{names:?}");

    // Delete one, batch-delete the other; then 404.
    ok(&base, "DELETE", &p(&format!("/instances/{a}")), None).await;
    let gone = send(&base, Call::new("GET", &p(&format!("/instances/{a}")))).await.unwrap();
    assert_eq!(gone.status, 404);
    assert_eq!(gone.body["error_code"], "DCS.3022");
    let r = ok(&base, "DELETE", &p("/instances"), Some(json!({"instances": [b, "missing"]}))).await;
    assert_eq!(r["results"][0]["result"], "success");
    assert_eq!(r["results"][1]["result"], "failed");
    assert_eq!(ok(&base, "GET", &p("/instances"), None).await["instance_num"], 0);
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_input_gets_dcs_error_codes() {
    let server = start(options()).await;
    let base = server.url().to_string();
    let path = p("/instances");
    let cases: &[(Value, &str)] = &[
        (create_body("ab", json!({})), "DCS.4010"),
        (create_body("good-name", json!({"engine": "Oracle"})), "DCS.4006"),
        (create_body("good-name", json!({"capacity": -1})), "DCS.4012"),
        (create_body("good-name", json!({"capacity": "big"})), "DCS.4062"),
        (create_body("good-name", json!({"password": "weak"})), "DCS.4019"),
        (json!({"name": "good-name", "engine": "Redis", "capacity": 1}), "DCS.4062"),
    ];
    for (body, code) in cases {
        let a = send(&base, Call::new("POST", &path).body(body.clone())).await.unwrap();
        assert_eq!(a.status, 400, "{body}");
        assert_eq!(a.body["error_code"], *code, "{body} → {}", a.body);
    }
    let mut c = Call::new("POST", &path).body(json!({}));
    c.tamper = None;
    c.body = None;
    let a = send(&base, c).await.unwrap();
    assert_eq!((a.status, a.body["error_code"].as_str()), (400, Some("DCS.4004")));
    let a = send(&base, Call::new("GET", &p("/instances?limit=abc"))).await.unwrap();
    assert_eq!(a.status, 400);
    assert!(a.body["error_msg"].as_str().unwrap().contains("limit"), "{}", a.body);
    server.shutdown().await;
}

/// Every operation of the spec answers at its method and path (2xx or a 4xx of the
/// service's own, never the gateway's "no such API").
#[tokio::test]
async fn every_spec_operation_is_served() {
    let server = start(MockOptions { ak: None, sk: None, ..options() }).await;
    let base = server.url().to_string();
    let spec: Value = serde_json::from_str(include_str!("../../spec/dcs.openapi.json")).unwrap();
    let mut served = 0;
    let http = http();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let concrete = path.replace("{project_id}", PROJECT);
            let concrete = regex_free_fill(&concrete);
            let req = http.request(method.to_uppercase().parse().unwrap(), format!("{base}{concrete}"));
            let req = if op.get("requestBody").is_some() { req.header("content-type", "application/json").body("{}") } else { req };
            let resp = req.send().await.unwrap();
            let status = resp.status().as_u16();
            assert!(resp.headers().get("x-request-id").is_some());
            let body: Value = serde_json::from_slice(&resp.bytes().await.unwrap()).unwrap_or(Value::Null);
            assert_ne!(body["error_code"], "APIGW.0101", "{method} {path} is not routed");
            assert!(status < 500, "{method} {path}: {status} {body}");
            served += 1;
        }
    }
    assert!(served >= 100, "only {served} operations in the spec");
    server.shutdown().await;
}

fn regex_free_fill(path: &str) -> String {
    let mut out = String::new();
    let mut in_param = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_param = true;
                out.push_str("x1");
            }
            '}' => in_param = false,
            _ if in_param => {}
            _ => out.push(c),
        }
    }
    out
}
