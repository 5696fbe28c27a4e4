//! Paginators, waiters, typed methods and deprecation warnings against a recording server.

#[path = "api_support/mod.rs"]
mod support;

use std::time::Duration;

use dcskit::api::{self, models, Client, WaitOptions};
use dcskit::auth::Credentials;
use dcskit::{Config, ErrorKind, RetryPolicy};
use futures::StreamExt;
use serde_json::{json, Value};
use support::Recorder;

fn client(url: &str) -> Client {
    Client::new(Config {
        endpoint: Some(url.to_string()),
        project_id: Some("p1".into()),
        credentials: Some(Credentials::aksk("AKTEST", "SKTEST")),
        retry: RetryPolicy { max_retries: 0, ..Default::default() },
        ..Default::default()
    })
    .unwrap()
}

fn instances(ids: &[u32], total: u32) -> String {
    let items: Vec<Value> = ids.iter().map(|i| json!({"instance_id": format!("i{i}"), "name": format!("n{i}")})).collect();
    json!({"instance_num": total, "instances": items}).to_string()
}

fn query_of(r: &support::Recorded, key: &str) -> Option<String> {
    support::decode_query(r.raw_query()).into_iter().find(|(k, _)| k == key).map(|(_, v)| v)
}

#[test]
fn offset_paginator_fetches_every_page_and_stops_on_short_page() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    rec.reply(200, &instances(&[1, 2], 99));
    rec.reply(200, &instances(&[3, 4], 99));
    rec.reply(200, &instances(&[5], 99));
    let items: Vec<Value> = c.paginate("ListInstances", json!({"limit": 2})).blocking_items().collect::<Result<_, _>>().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["instance_id"].as_str().unwrap()).collect();
    assert_eq!(ids, ["i1", "i2", "i3", "i4", "i5"]);
    let sent = rec.take();
    let offsets: Vec<_> = sent.iter().map(|r| query_of(r, "offset").unwrap()).collect();
    assert_eq!(offsets, ["0", "2", "4"]);
    assert!(sent.iter().all(|r| query_of(r, "limit").as_deref() == Some("2")));
}

#[test]
fn paginator_stops_when_total_is_reached_and_streams_async() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    rec.reply(200, &instances(&[1, 2], 4));
    rec.reply(200, &instances(&[3, 4], 4));
    let c2 = c.clone();
    let items: Vec<Value> = dcskit::runtime::block_on(async move {
        c2.paginate("list-instances", json!({"limit": 2})).into_stream().map(|r| r.unwrap()).collect::<Vec<_>>().await
    })
    .unwrap();
    assert_eq!(items.len(), 4);
    assert_eq!(rec.take().len(), 2, "no third request once total is reached");

    // Pages, and a start index that counts from 1 (v1.0 style).
    rec.reply(200, &instances(&[1, 2], 3));
    rec.reply(200, &instances(&[3], 3));
    let pages: Vec<Value> = c.paginate("ListInstancesV1", json!({"limit": 2})).blocking_pages().collect::<Result<_, _>>().unwrap();
    assert_eq!(pages.len(), 2);
    let starts: Vec<_> = rec.take().iter().map(|r| query_of(r, "start").unwrap()).collect();
    assert_eq!(starts, ["1", "3"]);
}

#[test]
fn paginator_errors_are_clear() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    let e = c.paginate("ShowInstance", json!({})).blocking_items().next().unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput);
    assert!(e.message().contains("not a paginated"), "{e}");
    rec.reply(500, r#"{"error_code":"DCS.5000","error_msg":"boom"}"#);
    let mut it = c.paginate("ListInstances", json!({})).blocking_items();
    assert_eq!(it.next().unwrap().unwrap_err().kind(), ErrorKind::ServerResponse);
    assert!(it.next().is_none(), "iteration ends after an error");
    // Every paginated operation of the table has a paginator that builds valid requests.
    for op in api::operations().iter().filter(|o| o.paginated) {
        rec.reply(200, "{}");
        let input = api::sample_input(op.name, false).unwrap();
        let pages: Vec<_> = c.paginate(op.name, input).blocking_pages().collect();
        assert_eq!(pages.len(), 1, "{}: an empty page ends pagination", op.name);
        assert!(pages[0].is_ok(), "{}: {:?}", op.name, pages[0]);
    }
    rec.take();
}

fn fast() -> WaitOptions {
    WaitOptions { timeout: Duration::from_secs(5), interval: Duration::from_millis(10) }
}

#[test]
fn waiter_polls_until_success_failure_or_timeout() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    for s in ["CREATING", "CREATING", "RUNNING"] {
        rec.reply(200, &json!({"instance_id": "i1", "status": s}).to_string());
    }
    let v = c.wait_blocking("instance_running", json!({"instance_id": "i1"}), fast()).unwrap();
    assert_eq!(v["status"], "RUNNING");
    let sent = rec.take();
    assert_eq!(sent.len(), 3);
    assert!(sent[0].path().ends_with("/instances/i1"), "{}", sent[0].target);

    rec.reply(200, r#"{"status": "CREATEFAILED"}"#);
    let e = c.wait_blocking("instance_running", json!({"instance_id": "i1"}), fast()).unwrap_err();
    assert!(e.message().contains("CREATEFAILED"), "{e}");
    assert_ne!(e.kind(), ErrorKind::Timeout);

    // The recorder answers `{}` when nothing is queued: the status never appears.
    rec.take();
    let opts = WaitOptions { timeout: Duration::from_millis(80), interval: Duration::from_millis(20) };
    let e = c.wait_blocking("instance_running", json!({"instance_id": "i1"}), opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    assert!(rec.take().len() >= 2, "polled more than once before giving up");
}

#[test]
fn waiter_selects_the_task_by_id() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    let w = api::find_waiter("background_task_finished").expect("waiter in spec");
    assert_eq!(w.extra_inputs, ["task_id"]);
    rec.reply(200, r#"{"task_count": "2", "tasks": [{"id": "t1", "status": "SUCCESS"}, {"id": "t2", "status": "RUNNING"}]}"#);
    rec.reply(200, r#"{"task_count": "2", "tasks": [{"id": "t1", "status": "SUCCESS"}, {"id": "t2", "status": "SUCCESS"}]}"#);
    c.wait_blocking("background-task-finished", json!({"instance_id": "i1", "task_id": "t2"}), fast()).unwrap();
    let sent = rec.take();
    assert_eq!(sent.len(), 2);
    assert!(query_of(&sent[0], "task_id").is_none(), "waiter-only input is not sent");
    let e = c.wait_blocking("background_task_finished", json!({"instance_id": "i1"}), fast()).unwrap_err();
    assert_eq!(e.param(), Some("task_id"));
    let e = c.wait_blocking("no_such_waiter", json!({}), fast()).unwrap_err();
    assert_eq!(e.param(), Some("waiter"));
}

#[test]
fn typed_methods_share_the_engine() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    rec.reply(200, &instances(&[7], 1));
    let resp = c
        .list_instances_blocking(models::ListInstancesRequest { limit: Some(5), status: Some("RUNNING".into()), ..Default::default() })
        .unwrap();
    assert_eq!(resp.instance_num, Some(1));
    let sent = rec.take();
    assert_eq!(query_of(&sent[0], "limit").as_deref(), Some("5"));
    assert_eq!(query_of(&sent[0], "status").as_deref(), Some("RUNNING"));

    // Typed input is validated like dynamic input: nothing is sent.
    let e = c.list_instances_blocking(models::ListInstancesRequest { limit: Some(-1), ..Default::default() });
    if let Err(e) = e {
        assert_eq!(e.param(), Some("limit"));
    }
    let e = c.show_instance_blocking(models::ShowInstanceRequest::default()).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::InvalidInput, "empty path parameter: {e}");
    assert!(rec.take().iter().all(|r| !r.target.contains("limit=-1")));

    // Async form from inside the runtime.
    rec.reply(200, r#"{"instance_id": "i9", "status": "RUNNING", "new_field": 1}"#);
    let c2 = c.clone();
    let r = dcskit::runtime::block_on(async move {
        c2.show_instance(models::ShowInstanceRequest { instance_id: "i9".into(), ..Default::default() }).await
    })
    .unwrap()
    .unwrap();
    assert_eq!(r.status.as_deref(), Some("RUNNING"));
    assert_eq!(r.extra.get("new_field"), Some(&json!(1)));
}

#[test]
fn deprecated_calls_warn_once_naming_the_replacement() {
    let rec = Recorder::start();
    let c = client(&rec.url);
    let op = api::find_operation("ListInstancesV1").unwrap();
    assert!(op.deprecated);
    assert_eq!(op.version, "v1.0");
    let notice = api::deprecation_notice(op).unwrap();
    assert!(notice.contains("ListInstances") && notice.contains("use ListInstances instead"), "{notice}");
    assert!(api::deprecation_notice(api::find_operation("ListInstances").unwrap()).is_none());
    assert!(!api::deprecation_warned("ListInstancesV1"));
    c.call_blocking("ListInstancesV1", json!({})).unwrap();
    assert!(api::deprecation_warned("ListInstancesV1"));
    assert!(!api::deprecation_warned("ListInstances"));
    // Every deprecated operation names an existing replacement or none.
    for op in api::operations().iter().filter(|o| o.deprecated) {
        if let Some(r) = op.replacement {
            assert!(api::find_operation(r).is_some_and(|o| !o.deprecated), "{}: replacement {r}", op.name);
        }
    }
    rec.take();
}
