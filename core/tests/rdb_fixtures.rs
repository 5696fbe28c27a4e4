//! Every RDB fixture in ../shared/fixtures/rdb decodes, with the keys per type its MANIFEST.tsv
//! lists; the deliberately broken ones fail with a clear error naming the offset.

use std::collections::BTreeMap;
use std::path::PathBuf;

use dcskit::rdb::{analyze_bytes, AnalyzeOptions};
use dcskit::ErrorKind;

mod common;

use common::fixtures_dir;

struct Row {
    file: String,
    covers: String,
}

fn manifest(dir: &PathBuf) -> Vec<Row> {
    let text = std::fs::read_to_string(dir.join("MANIFEST.tsv")).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split('\t').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let (fc, cc) = (col("file"), col("what_it_covers"));
    lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            Row { file: f[fc].to_string(), covers: f[cc].to_string() }
        })
        .collect()
}

/// "types: hash(hashtable) x1, list-ziplist x2; ..." → {"hash": 1, "list": 2}.
fn expected_types(covers: &str) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    let Some(start) = covers.find("types: ") else { return out };
    let rest = &covers[start + 7..];
    let end = rest.find(';').unwrap_or(rest.len());
    for item in rest[..end].split(", ") {
        let Some((label, n)) = item.rsplit_once(" x") else { continue };
        let n: u64 = n.trim().parse().unwrap();
        let label = label.trim();
        let ty = if label.starts_with("valkey-hash2") {
            "hash"
        } else if label.starts_with("zset") {
            "zset"
        } else if label.starts_with("module") {
            "module"
        } else {
            ["string", "list", "set", "hash", "stream"].into_iter().find(|t| label.starts_with(t)).unwrap_or_else(|| panic!("label {label}"))
        };
        *out.entry(ty.to_string()).or_default() += n;
    }
    out
}

fn type_nums(report: &serde_json::Value) -> BTreeMap<String, u64> {
    report["type_num"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| t["num"].as_u64().unwrap() > 0)
        .map(|t| (t["type"].as_str().unwrap().to_string(), t["num"].as_u64().unwrap()))
        .collect()
}

#[test]
fn every_fixture_decodes_as_the_manifest_says() {
    let Some(dir) = fixtures_dir() else { return };
    let rows = manifest(&dir);
    assert!(rows.len() > 100, "manifest lists {} files", rows.len());
    let mut checked = 0;
    for row in &rows {
        let data = std::fs::read(dir.join(&row.file)).unwrap();
        let result = analyze_bytes(&row.file, &data, &AnalyzeOptions::default());
        let broken = row.covers.contains("crc64 MISMATCH");
        if broken {
            let e = result.expect_err(&row.file);
            assert_eq!(e.kind(), ErrorKind::Analysis, "{}: {e}", row.file);
            let off = e.offset().unwrap();
            assert!(off <= data.len() as u64, "{}: offset {off}", row.file);
            if row.covers.contains("REDIS0099") {
                assert!(e.message().contains("unsupported RDB version 99"), "{}: {e}", row.file);
            } else {
                assert!(e.message().contains("checksum mismatch"), "{}: {e}", row.file);
                assert_eq!(off, data.len() as u64 - 8);
                let partial = e.partial_report().expect("partial report");
                assert_eq!(partial["total_num"], 3, "keys decoded before the trailer");
            }
            checked += 1;
            continue;
        }
        if row.file.ends_with("corrupt_ziplist.rdb") {
            // Its hash ziplist is 5 bytes, shorter than a ziplist header: Redis refuses it too.
            let e = result.expect_err(&row.file);
            assert!(e.message().contains("ziplist header") && e.message().contains("while decoding key \"key:"), "{e}");
            assert!(e.partial_report().unwrap()["total_num"].as_u64().unwrap() > 0);
            checked += 1;
            continue;
        }
        let report = result.unwrap_or_else(|e| panic!("{}: {e}", row.file)).to_json();
        let want = expected_types(&row.covers);
        assert_eq!(type_nums(&report), want, "{}: {}", row.file, row.covers);
        let total: u64 = want.values().sum();
        assert_eq!(report["total_num"], total, "{}", row.file);
        // Modules are reported as modules, with their type name.
        if let Some(i) = row.covers.find("module types: ") {
            let name = row.covers[i + 14..].split('(').next().unwrap();
            let mods = report["modules"].as_array().unwrap();
            assert!(mods.iter().any(|m| m["module"] == name), "{}: modules {mods:?}", row.file);
        }
        if row.covers.contains("trailing bytes") {
            assert_eq!(report["files"][0]["trailing_bytes"], 40, "{}", row.file);
            assert!(!report["warnings"].as_array().unwrap().is_empty());
        }
        let version: u64 = row.covers[5..].split_whitespace().next().unwrap().parse().unwrap_or(0);
        assert_eq!(report["files"][0]["rdb_version"], version, "{}", row.file);
        checked += 1;
    }
    assert_eq!(checked, rows.len());
}

#[test]
fn fixture_details_match_known_content() {
    let Some(dir) = fixtures_dir() else { return };
    let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
    let opts = AnalyzeOptions { detail: true, now_ms: Some(0), ..Default::default() };
    // Valkey 9 HASH_2: three fields, two with TTLs.
    let r = analyze_bytes("v", &read("HDT3213__rdb/valkey_hash2_with_hfe.rdb"), &opts).unwrap().to_json();
    assert_eq!(r["hash_field_ttl"]["fields"], 2);
    assert_eq!(r["largest_keys"][0]["key"], "hash2-hfe");
    assert_eq!(r["largest_keys"][0]["num_of_elem"], 3);
    assert_eq!(r["files"][0]["magic"], "VALKEY");
    // Redis 7.4 hash with field TTLs (GA format): 8 fields.
    let r = analyze_bytes("h", &read("HDT3213__rdb/hash_with_hfe.rdb"), &opts).unwrap().to_json();
    assert_eq!(r["largest_keys"][0]["num_of_elem"], 8);
    assert!(r["hash_field_ttl"]["fields"].as_u64().unwrap() >= 1);
    // Expiry: one key with a TTL.
    let r = analyze_bytes("e", &read("sripathikrishnan__redis-rdb-tools/keys_with_expiry.rdb"), &opts).unwrap().to_json();
    assert_eq!(r["expiry"]["keys_with_ttl"], 1);
    // Databases 0 and 2.
    let r = analyze_bytes("m", &read("sripathikrishnan__redis-rdb-tools/multiple_databases.rdb"), &opts).unwrap().to_json();
    let dbs: Vec<u64> = r["databases"].as_array().unwrap().iter().map(|d| d["db"].as_u64().unwrap()).collect();
    assert_eq!(dbs, vec![0, 2]);
    // A 10k-member zset with binary scores, 64-bit lengths.
    let r = analyze_bytes("z", &read("sripathikrishnan__redis-rdb-tools/rdb_version_8_with_64b_length_and_scores.rdb"), &opts)
        .unwrap()
        .to_json();
    let zset = r["largest_keys"].as_array().unwrap().iter().find(|k| k["type"] == "zset").unwrap();
    assert!(zset["num_of_elem"].as_u64().unwrap() > 1);
    // Functions and LFU/LRU summaries.
    let r = analyze_bytes("f", &read("redis__librdb/function.rdb"), &opts).unwrap().to_json();
    assert_eq!(r["functions"]["libraries"], 1);
    let r = analyze_bytes("l", &read("redis__librdb/mem_policy_lfu.rdb"), &opts).unwrap().to_json();
    assert_eq!(r["lfu"]["keys"], 1);
    let r = analyze_bytes("l", &read("redis__librdb/mem_policy_lru.rdb"), &opts).unwrap().to_json();
    assert_eq!(r["idle"]["keys"], 1);
    // Stream length comes from the header.
    let r = analyze_bytes("s", &read("redis__librdb/stream_v11.rdb"), &opts).unwrap().to_json();
    assert_eq!(r["type_num"].as_array().unwrap().iter().find(|t| t["type"] == "stream").unwrap()["num"], 1);
}

#[test]
fn every_fixture_also_decodes_in_detail_mode() {
    let Some(dir) = fixtures_dir() else { return };
    for row in manifest(&dir) {
        if row.covers.contains("MISMATCH") || row.file.contains("corrupt_ziplist") {
            continue;
        }
        let data = std::fs::read(dir.join(&row.file)).unwrap();
        let opts = AnalyzeOptions { detail: true, ..Default::default() };
        analyze_bytes(&row.file, &data, &opts).unwrap_or_else(|e| panic!("{}: {e}", row.file));
    }
}

/// Hands out a few bytes per read, so the decoder's buffer never holds a whole element and
/// its fast paths (which walk elements straight from the buffer) give way to the general one.
struct Dribble<'a> {
    data: &'a [u8],
    reads: usize,
}

impl std::io::Read for Dribble<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reads += 1;
        let n = (1 + self.reads % 5).min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Fast and general paths agree: every fixture read a few bytes at a time gives the same
/// report, or the same error at the same offset, as the whole file in memory.
#[test]
fn every_fixture_reads_the_same_a_few_bytes_at_a_time() {
    let Some(dir) = fixtures_dir() else { return };
    let outcome = |r: dcskit::Result<dcskit::rdb::Report>| match r {
        Ok(r) => {
            let mut j = r.to_json();
            j.as_object_mut().unwrap().remove("elapsed_ms");
            j
        }
        Err(e) => serde_json::json!({"error": e.to_string(), "offset": e.offset()}),
    };
    let opts = AnalyzeOptions { now_ms: Some(1_800_000_000_000), split_min_bytes: 0, ..Default::default() };
    let mut compared = 0;
    for row in manifest(&dir) {
        let data = std::fs::read(dir.join(&row.file)).unwrap();
        let whole = outcome(analyze_bytes(&row.file, &data, &opts));
        // Leaked: the reader must be 'static; a few KB per fixture in a test process.
        let leaked: &'static [u8] = Box::leak(data.into_boxed_slice());
        let dribbled = outcome(dcskit::rdb::analyze_reader(&row.file, Dribble { data: leaked, reads: 0 }, Some(leaked.len() as u64), &opts));
        assert_eq!(dribbled, whole, "{}", row.file);
        compared += 1;
    }
    assert!(compared > 100, "{compared} fixtures compared");
}
