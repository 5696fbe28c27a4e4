//! `dcskit analyze` end to end: the bundled sample, every output format, stdin, gzip, tar of
//! shards, an HTTP URL served on 127.0.0.1, and a broken input.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_dcskit");

fn sample() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/sample.rdb")
}

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn tmpdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("dcskit-cli-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn no_input_analyzes_the_bundled_sample() {
    let out = run(&["analyze"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Largest keys:") && text.contains("config:big"), "{text}");
    let j = json_of(&run(&["analyze", "--format", "json"]));
    for f in ["total_bytes", "total_num", "type_bytes", "type_num", "largest_keys", "largest_key_prefixes"] {
        assert!(j.get(f).is_some(), "missing {f}");
    }
    assert_eq!(j["total_num"], 122);
    assert_eq!(j["largest_keys"][0]["key"], "config:big");
    let j2 = json_of(&run(&["analyze", "--format", "json", sample().to_str().unwrap(), "--top", "3", "--prefix-top", "1"]));
    assert_eq!(j2["largest_keys"].as_array().unwrap().len(), 3);
    assert_eq!(j2["total_bytes"], j["total_bytes"]);
}

#[test]
fn csv_has_one_row_per_key() {
    let dir = tmpdir("csv");
    let out_file = dir.join("keys.csv");
    let out = run(&["analyze", "--format", "csv", "--out", out_file.to_str().unwrap(), sample().to_str().unwrap()]);
    assert!(out.status.success());
    let csv = std::fs::read_to_string(&out_file).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next().unwrap(), "database,type,key,size_in_bytes,encoding,num_elements,len_largest_element,expiry");
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 122);
    let big = rows.iter().find(|r| r.contains(",session:big,")).unwrap();
    let cols: Vec<&str> = big.split(',').collect();
    assert_eq!(cols[1], "string");
    assert_eq!(cols[5], "3000");
    assert_eq!(cols[6], "3000");
    assert!(cols[7].ends_with('Z'), "expiry {}", cols[7]);
    let many = rows.iter().find(|r| r.contains(",tags:many,")).unwrap();
    assert!(many.contains(",700,10,"), "{many}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn stdin_gzip_and_tar_of_shards() {
    let dir = tmpdir("inputs");
    let one = json_of(&run(&["analyze", "--format", "json", sample().to_str().unwrap()]));
    // stdin
    let mut child = Command::new(BIN)
        .args(["analyze", "--format", "json", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(&std::fs::read(sample()).unwrap()).unwrap();
    let j = json_of(&child.wait_with_output().unwrap());
    assert_eq!(j["total_num"], one["total_num"]);
    // gzip
    std::fs::copy(sample(), dir.join("shard1.rdb")).unwrap();
    std::fs::copy(sample(), dir.join("shard2.rdb")).unwrap();
    let gz = Command::new("gzip").args(["-k", "-f"]).arg(dir.join("shard1.rdb")).status().unwrap();
    assert!(gz.success());
    let j = json_of(&run(&["analyze", "--format", "json", dir.join("shard1.rdb.gz").to_str().unwrap()]));
    assert_eq!(j["total_bytes"], one["total_bytes"]);
    // tar.gz of two shards: a report per file plus the merged one
    let tgz = dir.join("cluster.tar.gz");
    let st = Command::new("tar").arg("czf").arg(&tgz).arg("-C").arg(&dir).args(["shard1.rdb", "shard2.rdb"]).status().unwrap();
    assert!(st.success());
    let j = json_of(&run(&["analyze", "--format", "json", tgz.to_str().unwrap()]));
    assert_eq!(j["total_num"], 2 * one["total_num"].as_u64().unwrap());
    assert_eq!(j["file_reports"].as_array().unwrap().len(), 2);
    assert_eq!(j["files"].as_array().unwrap().len(), 2);
    assert_eq!(j["file_reports"][0]["total_num"], one["total_num"]);
    // Two inputs on the command line merge the same way.
    let j = json_of(&run(&["analyze", "--format", "json", dir.join("shard1.rdb").to_str().unwrap(), dir.join("shard2.rdb").to_str().unwrap()]));
    assert_eq!(j["total_bytes"], 2 * one["total_bytes"].as_u64().unwrap());
    std::fs::remove_dir_all(dir).ok();
}

/// Serves one file over HTTP/1.1 on 127.0.0.1, once per connection.
fn serve(path: &Path) -> String {
    let data = std::fs::read(path).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut s) = conn else { continue };
            let mut req = [0u8; 4096];
            let _ = s.read(&mut req);
            let head = format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", data.len());
            let _ = s.write_all(head.as_bytes());
            for chunk in data.chunks(1000) {
                let _ = s.write_all(chunk);
            }
        }
    });
    format!("http://{addr}/backup/dump.rdb?sig=secret")
}

#[test]
fn http_url_is_streamed() {
    let url = serve(&sample());
    let out = run(&["analyze", "--format", "json", &url]);
    let j = json_of(&out);
    assert_eq!(j["total_num"], 122);
    let name = j["files"][0]["name"].as_str().unwrap();
    assert!(!name.contains("secret"), "query string leaked: {name}");
}

#[test]
fn broken_input_fails_with_offset_and_partial_report() {
    let dir = tmpdir("broken");
    let data = std::fs::read(sample()).unwrap();
    let cut = dir.join("cut.rdb");
    std::fs::write(&cut, &data[..data.len() / 2]).unwrap();
    let out = run(&["analyze", "--format", "json", cut.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("ANALYSIS") && err.contains("offset"), "{err}");
    let j: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(j["error"]["code"], "ANALYSIS");
    assert!(j["total_num"].as_u64().unwrap() > 0);
    let out = run(&["analyze", "/nonexistent/dump.rdb"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no such file"));
    std::fs::remove_dir_all(dir).ok();
}
