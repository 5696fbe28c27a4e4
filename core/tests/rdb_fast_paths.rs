//! The decoder answers common records (short strings, small listpacks and intsets) straight
//! from its buffer. Every form those fast paths take or refuse gives the same report, or the
//! same error at the same offset, as the general path (forced by reading a few bytes at a time).

use dcskit::rdb::memory_model::Target;
use dcskit::rdb::{analyze_bytes, analyze_reader, AnalyzeOptions, Report};

mod common;
use common::rdb_v11 as rdb;

/// An RDB length: 6-bit, 14-bit or 32-bit form.
fn len(n: usize) -> Vec<u8> {
    if n < 64 {
        vec![n as u8]
    } else if n < 1 << 14 {
        vec![0x40 | (n >> 8) as u8, n as u8]
    } else {
        let mut v = vec![0x80];
        v.extend_from_slice(&(n as u32).to_be_bytes());
        v
    }
}

fn raw(s: &[u8]) -> Vec<u8> {
    let mut v = len(s.len());
    v.extend_from_slice(s);
    v
}

/// LZF made of literal runs only (valid LZF that any decompressor accepts).
fn lzf(s: &[u8]) -> Vec<u8> {
    lzf_first_run(s, 32)
}

/// [`lzf`] whose first literal run holds only `first` bytes (a blob header then spans runs).
fn lzf_first_run(s: &[u8], first: usize) -> Vec<u8> {
    let (head, rest) = s.split_at(first.min(s.len()));
    let mut z = Vec::new();
    for run in std::iter::once(head).chain(rest.chunks(32)).filter(|r| !r.is_empty()) {
        z.push(run.len() as u8 - 1);
        z.extend_from_slice(run);
    }
    let mut v = vec![0xc3];
    v.extend(len(z.len()));
    v.extend(len(s.len()));
    v.extend(z);
    v
}

/// A listpack of short strings and 7-bit integers; `count` overrides the header's count.
fn listpack(items: &[&[u8]], count: Option<u16>) -> Vec<u8> {
    let mut body = Vec::new();
    for it in items {
        match std::str::from_utf8(it)
            .ok()
            .and_then(|t| t.parse::<u8>().ok())
            .filter(|v| *v < 128)
        {
            Some(v) => body.extend_from_slice(&[v, 1]),
            None => {
                body.push(0x80 | it.len() as u8);
                body.extend_from_slice(it);
                body.push(1 + it.len() as u8);
            }
        }
    }
    let total = 6 + body.len() + 1;
    let mut lp = (total as u32).to_le_bytes().to_vec();
    lp.extend_from_slice(&count.unwrap_or(items.len() as u16).to_le_bytes());
    lp.extend(body);
    lp.push(0xff);
    lp
}

fn intset(enc: u32, values: &[i16]) -> Vec<u8> {
    let mut b = enc.to_le_bytes().to_vec();
    b.extend_from_slice(&(values.len() as u32).to_le_bytes());
    for v in values {
        b.extend_from_slice(&v.to_le_bytes());
    }
    b
}

fn record(t: u8, key: &[u8], value: Vec<u8>) -> Vec<u8> {
    let mut r = vec![t];
    r.extend(raw(key));
    r.extend(value);
    r
}

/// Reads a few bytes per call: the buffer never holds a whole record.
struct Dribble {
    data: Vec<u8>,
    at: usize,
    reads: usize,
}

impl std::io::Read for Dribble {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.reads += 1;
        let n = (1 + self.reads % 4)
            .min(buf.len())
            .min(self.data.len() - self.at);
        buf[..n].copy_from_slice(&self.data[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

fn outcome(r: dcskit::Result<Report>) -> serde_json::Value {
    match r {
        Ok(r) => {
            let mut j = r.to_json();
            j.as_object_mut().unwrap().remove("elapsed_ms");
            j
        }
        Err(e) => serde_json::json!({"error": e.to_string(), "offset": e.offset()}),
    }
}

/// Both paths, under every memory model; returns the default model's in-memory outcome after
/// checking the dribbled one equals it.
fn same_both_ways(data: &[u8]) -> serde_json::Value {
    let mut first = None;
    for memory_target in Target::ALL {
        let opts = AnalyzeOptions {
            now_ms: Some(1_800_000_000_000),
            split_min_bytes: 0,
            memory_target,
            ..Default::default()
        };
        let whole = outcome(analyze_bytes("t", data, &opts));
        let dribbled = outcome(analyze_reader(
            "t",
            Dribble {
                data: data.to_vec(),
                at: 0,
                reads: 0,
            },
            Some(data.len() as u64),
            &opts,
        ));
        assert_eq!(dribbled, whole, "{}", memory_target.name());
        first.get_or_insert(whole);
    }
    first.expect("at least one model")
}

#[test]
fn every_fast_form_reports_what_the_general_path_reports() {
    let long = vec![b'x'; 100];
    let hash = listpack(&[b"f1", b"alpha", b"f2", b"7"], None);
    let zset = listpack(&[b"m1", b"1", b"m2", b"2", b"m3", b"3"], None);
    let set = listpack(&[b"a", b"b", b"c"], None);
    let mut records = Vec::new();
    let mut add =
        |t: u8, key: &str, value: Vec<u8>| records.extend(record(t, key.as_bytes(), value));
    add(0, "s:raw", raw(b"v"));
    add(0, "s:raw14", raw(&long));
    add(0, "s:int8", vec![0xc0, 0x85]);
    add(0, "s:int16", vec![0xc1, 0x34, 0x82]);
    add(0, "s:int32", vec![0xc2, 1, 2, 3, 0x84]);
    add(0, "s:digits", raw(b"12345"));
    add(0, "s:notcanonical", raw(b"012345"));
    add(0, "s:lzf40", lzf(&long[..40]));
    add(0, "s:lzf100", lzf(&long));
    add(16, "h:raw", raw(&hash));
    add(16, "h:lzf", lzf(&hash));
    add(16, "h:lzf-split-header", lzf_first_run(&hash, 3));
    add(11, "i:lzf-split-header", lzf_first_run(&intset(2, &[4, 5]), 7));
    add(17, "z:raw", raw(&zset));
    add(17, "z:lzf", lzf(&zset));
    add(20, "set:raw", raw(&set));
    add(20, "set:lzf", lzf(&set));
    add(11, "i:raw", raw(&intset(2, &[1, 2, 300])));
    add(11, "i:lzf", lzf(&intset(2, &[-5, 9])));
    // Forms the fast paths leave to the general one.
    add(
        16,
        "h:saturated",
        raw(&listpack(&[b"f", b"v"], Some(u16::MAX))),
    );
    add(0, &"k".repeat(70), raw(b"long name"));
    records.extend([0, 0xc0, 7, 1, b'v']); // an int-encoded name
                                           // Expiry, idle and frequency before fast records.
    records.extend([0xfc]);
    records.extend(1_900_000_000_000i64.to_le_bytes());
    records.extend(record(0, b"s:ttl", raw(b"v")));
    records.extend([0xf8, 5]);
    records.extend(record(16, b"h:idle", raw(&hash)));
    records.extend([0xf9, 3]);
    records.extend(record(11, b"i:freq", raw(&intset(2, &[1]))));

    let report = same_both_ways(&rdb(&records));
    assert_eq!(report["total_num"], 25, "{report}");
    let top = report["largest_keys"].as_array().expect("top keys listed");
    assert_eq!(top.len(), 25);
}

#[test]
fn damaged_fast_forms_fail_at_the_same_offset_both_ways() {
    let hash = listpack(&[b"f1", b"v1", b"f2"], None); // odd: not field/value pairs
    let cases: Vec<Vec<u8>> = vec![
        record(16, b"h", raw(&hash)),
        record(16, b"h", lzf(&hash)),
        record(11, b"i", raw(&intset(3, &[1, 2]))),
        // LZF lengths no data could have: 1 compressed byte said to expand to 1000.
        record(0, b"s", vec![0xc3, 1, 0x43, 0xe8, 0]),
        // A listpack blob shorter than its header.
        record(20, b"set", raw(&[6, 0, 0])),
        // A string running past the end of the file.
        record(0, b"s", vec![10, b'a']),
    ];
    for (i, c) in cases.iter().enumerate() {
        let o = same_both_ways(&rdb(c));
        assert!(o.get("error").is_some(), "case {i}: {o}");
        assert!(o["offset"].as_u64().is_some(), "case {i}: {o}");
    }
}

/// Skiplist zsets (type 5: members with binary scores) load as listpacks when they are small,
/// and then their scores decide the size; past the listpack limit (128 members) the decoder
/// does not look at scores. Both facts, on both paths, under every model.
#[test]
fn zset_scores_count_only_while_a_zset_may_load_as_a_listpack() {
    let zset = |members: usize, fractional: bool| {
        let mut v = len(members);
        for i in 0..members {
            v.extend(raw(format!("m{i}").as_bytes()));
            let score = i as f64 + if fractional { 0.123_456_789 } else { 0.0 };
            v.extend(score.to_le_bytes());
        }
        v
    };
    let mut records = Vec::new();
    // The last one is larger than the 256 KiB the in-place reader shows at a time: its walk
    // resumes from the buffer after each member the general path takes.
    for (key, members, fractional) in [("z128:int", 128, false), ("z128:frac", 128, true), ("z129:int", 129, false), ("z129:frac", 129, true), ("z:big", 30_000, true)] {
        records.extend(record(5, key.as_bytes(), zset(members, fractional)));
    }
    let report = same_both_ways(&rdb(&records));
    let bytes = |key: &str| {
        report["largest_keys"].as_array().expect("top keys").iter().find(|k| k["key"] == key).map(|k| k["bytes"].as_u64().expect("bytes")).unwrap_or_else(|| panic!("{key} missing: {report}"))
    };
    // 128 members: a listpack, where "0.123456789"-like scores take more than small integers.
    assert!(bytes("z128:frac") > bytes("z128:int"), "{report}");
    // 129 members: a skiplist, whose size the scores do not change.
    assert_eq!(bytes("z129:frac"), bytes("z129:int"), "{report}");
    assert!(bytes("z129:int") > bytes("z128:frac"), "{report}");
    let big = report["largest_keys"][0].clone();
    assert_eq!((big["key"].as_str(), big["num_of_elem"].as_u64()), (Some("z:big"), Some(30_000)), "{big}");
}
