//! Reports of shards analysed separately, written as JSON and merged, equal the report of one
//! run over all the shards: merge(parts) == whole.

use std::path::PathBuf;

use dcskit::rdb::{self, analyze_bytes, AnalyzeOptions, Report};

fn shards() -> Vec<(String, Vec<u8>)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut v = vec![("sample.rdb".to_string(), std::fs::read(root.join("assets/sample.rdb")).unwrap())];
    let fixtures = std::env::var_os("DCSKIT_FIXTURES").map(PathBuf::from).unwrap_or_else(|| root.join("../shared/fixtures/rdb"));
    for f in ["redis__redis/encodings.rdb", "redis__librdb/100_lists.rdb", "sripathikrishnan__redis-rdb-tools/non_ascii_values.rdb", "redis__redis/hash-zipmap.rdb", "sripathikrishnan__redis-rdb-tools/redis_60_with_module_aux.rdb", "sripathikrishnan__redis-rdb-tools/multiple_databases.rdb", "sripathikrishnan__redis-rdb-tools/parser_filters.rdb", "redis__redis/scriptbackup.rdb"] {
        if let Ok(data) = std::fs::read(fixtures.join(f)) {
            v.push((f.to_string(), data));
        } else if std::env::var("CI").as_deref() == Ok("true") {
            panic!("fixture {f} missing (required when CI=true)");
        }
    }
    // The sample again under another name: equal keys in two shards must not collapse.
    v.push(("sample-copy.rdb".to_string(), v[0].1.clone()));
    v
}

fn analyze_all(shards: &[(String, Vec<u8>)], o: &AnalyzeOptions) -> Vec<Report> {
    shards.iter().map(|(n, d)| analyze_bytes(n, d, o).unwrap()).collect()
}

/// Each part through JSON text and back, as files written by `dcskit analyze --format json`.
fn via_text(parts: &[Report]) -> Vec<(String, serde_json::Value)> {
    parts
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let text = serde_json::to_string_pretty(&r.to_json_with_state()).unwrap();
            (format!("part{i}.json"), serde_json::from_str(&text).unwrap())
        })
        .collect()
}

fn check(o: &AnalyzeOptions) -> serde_json::Value {
    let shards = shards();
    let parts = analyze_all(&shards, o);
    // The whole: what `dcskit analyze a.rdb b.rdb ...` reports.
    let whole = rdb::merge_reports(&parts).unwrap();
    let merged = rdb::merge_json_reports(&via_text(&parts)).unwrap();
    assert_eq!(merged.to_json(), whole.to_json());
    assert_eq!(merged.to_json_with_state(), whole.to_json_with_state());
    // Merging merged reports (shards of shards) is exact too, up to the file_reports list,
    // while the prefix table is within its budget (beyond it, grouping changes what is pruned).
    if whole.to_json()["prefix_stats"]["approximate"] == true {
        return whole.to_json();
    }
    let (a, b) = parts.split_at(2);
    let left = rdb::merge_json_reports(&via_text(a)).unwrap();
    let right = rdb::merge_json_reports(&via_text(b)).unwrap();
    let nested = rdb::merge_json_reports(&via_text(&[left, right])).unwrap();
    let (mut n, mut w) = (nested.to_json_with_state(), whole.to_json_with_state());
    n.as_object_mut().unwrap().remove("file_reports");
    w.as_object_mut().unwrap().remove("file_reports");
    assert_eq!(n, w);
    whole.to_json()
}

#[test]
fn merged_json_reports_equal_one_run_over_all_shards() {
    let o = AnalyzeOptions { now_ms: Some(1_700_000_000_000), top: 7, ..AnalyzeOptions::default() };
    let whole = check(&o);
    assert!(whole["total_num"].as_u64().unwrap() > 100);
    assert_eq!(whole["largest_keys"].as_array().unwrap().len(), 7);
    assert_eq!(whole["prefix_stats"]["approximate"], false);
    assert!(whole["files"].as_array().unwrap().len() >= 2);
}

#[test]
fn merge_stays_exact_when_the_prefix_table_had_to_approximate() {
    // A budget so small every shard prunes: the merged result must still equal the whole run.
    let o = AnalyzeOptions { now_ms: Some(1_700_000_000_000), prefix_memory_budget: 1500, prefix_depth: 3, delimiters: ":_-".into(), ..AnalyzeOptions::default() };
    let whole = check(&o);
    assert_eq!(whole["prefix_stats"]["approximate"], true);
}

#[test]
fn bad_merge_inputs_name_the_file_and_field() {
    let shards = shards();
    let o = AnalyzeOptions { now_ms: Some(1_700_000_000_000), ..AnalyzeOptions::default() };
    let parts = via_text(&analyze_all(&shards[..2], &o));
    let msg = |parts: &[(String, serde_json::Value)]| rdb::merge_json_reports(parts).unwrap_err().to_string();

    let mut no_state = parts.clone();
    no_state[1].1.as_object_mut().unwrap().remove("merge_state");
    assert!(msg(&no_state).contains("part1.json: the report has no merge_state"), "{}", msg(&no_state));

    let mut bad = parts.clone();
    bad[1].1["merge_state"]["types"]["hash"]["elements"]["buckets"] = serde_json::json!([[99999, 1]]);
    let m = msg(&bad);
    assert!(m.contains("part1.json") && m.contains("merge_state.types.hash.elements"), "{m}");

    let mut version = parts.clone();
    version[0].1["merge_state"]["version"] = 99.into();
    assert!(msg(&version).contains("part0.json: merge_state.version: 99 is not supported"));

    let other = AnalyzeOptions { delimiters: "/".into(), ..o.clone() };
    let mut mixed = parts.clone();
    mixed[1] = via_text(&analyze_all(&shards[1..2], &other)).remove(0);
    mixed[1].0 = "other.json".into();
    let m = msg(&mixed);
    assert!(m.contains("other.json: merge_state.settings.delimiters differs"), "{m}");
}
