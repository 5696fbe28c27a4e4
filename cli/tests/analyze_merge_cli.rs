//! `dcskit analyze --merge` over JSON reports of shards gives the report of analysing the shards
//! in one run; `--threads` changes nothing in the output.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_dcskit");

fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "stderr: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn merge_of_shard_reports_equals_one_run_over_the_shards() {
    let dir = std::env::temp_dir().join(format!("dcskit-cli-merge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sample = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../assets/sample.rdb");
    // Two shards with overlapping key names and a third, smaller one cut from nothing else.
    let (a, b) = (dir.join("a.rdb"), dir.join("b.rdb"));
    std::fs::copy(&sample, &a).unwrap();
    std::fs::copy(&sample, &b).unwrap();
    let now = ["--now-ms", "1800000000000", "--top", "10"];
    let path = |p: &PathBuf| p.to_str().unwrap().to_string();
    for (rdb, json) in [(&a, "a.json"), (&b, "b.json")] {
        let out = dir.join(json);
        let o = run(&[&["analyze", "--format", "json", &path(rdb), "--out", &path(&out)][..], &now[..]].concat());
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
    let whole = json_of(&run(&[&["analyze", "--format", "json", &path(&a), &path(&b)][..], &now[..]].concat()));
    let merged = json_of(&run(&["analyze", "--merge", "--format", "json", &path(&dir.join("a.json")), &path(&dir.join("b.json"))]));
    assert_eq!(merged, whole);
    assert!(merged["merge_state"]["prefixes"]["entries"].as_array().unwrap().len() > 1);
    assert_eq!(merged["total_num"].as_u64().unwrap(), 2 * json_of(&run(&["analyze", "--format", "json", &path(&a)]))["total_num"].as_u64().unwrap());
    // The table view of a merge works too.
    let table = run(&["analyze", "--merge", &path(&dir.join("a.json")), &path(&dir.join("b.json"))]);
    assert!(table.status.success() && String::from_utf8_lossy(&table.stdout).contains("Largest keys"));

    // Threads do not change the report.
    let one = json_of(&run(&[&["analyze", "--format", "json", "--threads", "1", &path(&a)][..], &now[..]].concat()));
    let two = json_of(&run(&[&["analyze", "--format", "json", "--threads", "2", &path(&a)][..], &now[..]].concat()));
    assert_eq!(one, two);

    // A file that is not a report: a clear error naming it.
    let bad = run(&["analyze", "--merge", &path(&dir.join("a.json")), &path(&a)]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("a.rdb") && err.contains("not a JSON report"), "{err}");
    // A report written without its merge state.
    let lean = dir.join("lean.json");
    let o = run(&["analyze", "--format", "json", "--no-merge-state", &path(&a), "--out", &path(&lean)]);
    assert!(o.status.success());
    let bad = run(&["analyze", "--merge", &path(&dir.join("a.json")), &path(&lean)]);
    assert!(String::from_utf8_lossy(&bad.stderr).contains("lean.json: the report has no merge_state"));
    std::fs::remove_dir_all(&dir).unwrap();
}
