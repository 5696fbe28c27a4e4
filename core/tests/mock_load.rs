//! Load on the emulator (run by scripts/bench/mock-load.sh, not CI: it is `#[ignore]`d).
//! 50 concurrent clients, each with its own connection pool, send 10,000 requests signed by
//! the core signer; none may fail. Prints p50/p99 latency, throughput and the server's RSS.
//! With MOCK_BIN set, the server is that `dcskit` binary in its own process (so its RSS is
//! the server's alone); otherwise an in-process emulator.

mod mock_support;

use std::time::{Duration, Instant};

use mock_support::*;
use serde_json::json;

fn rss_kib(pid: u32, field: &str) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "load benchmark: scripts/bench/mock-load.sh"]
async fn load_signed_requests() {
    let total: usize = std::env::var("LOAD_REQUESTS").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000);
    let clients: usize = std::env::var("LOAD_CLIENTS").ok().and_then(|v| v.parse().ok()).unwrap_or(50);
    let (base, pid, child, server) = match std::env::var("MOCK_BIN") {
        Ok(bin) => {
            use std::io::BufRead;
            let mut child = std::process::Command::new(bin)
                .args(["mock", "--ak", AK, "--sk", SK, "--project-id", PROJECT, "--running-delay", "0"])
                .stdout(std::process::Stdio::piped())
                .spawn()
                .expect("dcskit mock starts");
            let mut line = String::new();
            std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
            let pid = child.id();
            (line.trim().to_string(), pid, Some(child), None)
        }
        Err(_) => {
            let s = start(dcskit::mock::MockOptions { running_delay: Duration::ZERO, ..options() }).await;
            (s.url().to_string(), std::process::id(), None, Some(s))
        }
    };
    let mut ids = Vec::new();
    for n in 0..20 {
        let v = ok(&base, "POST", &p("/instances"), Some(create_body(&format!("load-{n}"), json!({})))).await;
        ids.push(v["instances"][0]["instance_id"].as_str().unwrap().to_string());
    }
    let run = |count: usize| {
        let (base, ids) = (base.clone(), ids.clone());
        async move {
            let per = count / clients;
            let mut tasks = Vec::new();
            for c in 0..clients {
                let (base, ids) = (base.clone(), ids.clone());
                tasks.push(tokio::spawn(async move {
                    let http = http();
                    let mut lat = Vec::with_capacity(per);
                    let mut errors = 0;
                    for i in 0..per {
                        let n = c * per + i;
                        let id = &ids[n % ids.len()];
                        let (method, path, body) = match n % 10 {
                            0..=6 => ("GET", p(&format!("/instances/{id}")), None),
                            7 | 8 => ("GET", p("/instances?limit=10"), None),
                            _ => (
                                "POST",
                                p(&format!("/dcs/{id}/tags/action")),
                                Some(json!({"action": if (n / 10) % 2 == 0 { "create" } else { "delete" }, "tags": [{"key": "load", "value": "1"}]})),
                            ),
                        };
                        let t = Instant::now();
                        let mut call = Call::new(method, &path);
                        call.body = body;
                        match send_with(&http, &base, call).await {
                            Ok(a) if a.status < 300 => lat.push(t.elapsed()),
                            _ => errors += 1,
                        }
                    }
                    (lat, errors)
                }));
            }
            let mut lat = Vec::new();
            let mut errors = 0;
            for t in tasks {
                let (l, e) = t.await.unwrap();
                lat.extend(l);
                errors += e;
            }
            (lat, errors)
        }
    };
    run(clients * 10).await; // warm-up
    let rss_warm = rss_kib(pid, "VmRSS:");
    let started = Instant::now();
    let (mut lat, errors) = run(total).await;
    let wall = started.elapsed();
    let (rss_end, rss_peak) = (rss_kib(pid, "VmRSS:"), rss_kib(pid, "VmHWM:"));
    lat.sort();
    let pct = |q: f64| lat[((lat.len() as f64 * q) as usize).min(lat.len() - 1)].as_secs_f64() * 1000.0;
    println!(
        "rust clients: {} requests, {clients} clients: errors {errors}, p50 {:.2} ms, p99 {:.2} ms, {:.0} req/s, server RSS warm {:.1} MiB -> end {:.1} MiB, peak {:.1} MiB{}",
        lat.len() + errors,
        pct(0.5),
        pct(0.99),
        (lat.len() + errors) as f64 / wall.as_secs_f64(),
        rss_warm as f64 / 1024.0,
        rss_end as f64 / 1024.0,
        rss_peak as f64 / 1024.0,
        if child.is_some() { "" } else { " (in-process: client included)" }
    );
    if let Some(mut c) = child {
        let _ = c.kill();
        let _ = c.wait();
    }
    if let Some(s) = server {
        s.shutdown().await;
    }
    assert_eq!(errors, 0);
}
