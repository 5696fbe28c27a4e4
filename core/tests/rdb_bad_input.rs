//! Bad input never panics, hangs or over-allocates: random bytes, mutated and truncated real
//! dumps, and hand-made corruptions each give an ANALYSIS error naming an offset.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use dcskit::rdb::{analyze_bytes, AnalyzeOptions};
use dcskit::ErrorKind;
use proptest::prelude::*;

const SAMPLE: &[u8] = include_bytes!("../../assets/sample.rdb");

mod common;
use common::rdb_v11 as rdb;

fn err(data: &[u8]) -> dcskit::Error {
    analyze_bytes("t", data, &AnalyzeOptions::default()).expect_err("should fail")
}

#[test]
fn hand_made_files() {
    // A valid one first: string key "k" = "v".
    let ok = rdb(&[0, 1, b'k', 1, b'v']);
    let r = analyze_bytes("t", &ok, &AnalyzeOptions::default()).unwrap().to_json();
    assert_eq!(r["total_num"], 1);

    let e = err(b"RIDES0011\xff");
    assert!(e.message().contains("not an RDB file"), "{e}");
    assert_eq!(e.kind(), ErrorKind::Analysis);

    let e = err(b"REDIS0042\xff");
    assert!(e.message().contains("unsupported RDB version 42"), "{e}");

    let e = err(&rdb(&[40, 1, b'k', 1, b'v']));
    assert!(e.message().contains("unknown RDB type or opcode byte 40"), "{e}");
    assert_eq!(e.offset(), Some(9));

    // Corrupt length: 0xbf is no valid length encoding.
    let e = err(&rdb(&[2, 1, b'k', 0xbf]));
    assert!(e.message().contains("corrupt length") && e.message().contains("while decoding key \"k\""), "{e}");

    // A string longer than the file.
    let e = err(&rdb(&[0, 1, b'k', 0x80, 0x7f, 0xff, 0xff, 0xff, b'v']));
    assert!(e.message().contains("string value"), "{e}");
    assert!(e.offset().unwrap() <= 30);

    // LZF bomb: 2 compressed bytes claiming 1 GB, as a packed blob that must be expanded.
    let mut rec = vec![16, 1, b'h', 0xc3, 2, 0x80];
    rec.extend_from_slice(&(1u32 << 30).to_be_bytes());
    rec.extend_from_slice(&[0, b'x']);
    let e = err(&rdb(&rec));
    assert!(e.message().contains("cannot expand"), "{e}");

    // A set declaring 2^62 members ends at the end of input, not in a long loop.
    let mut rec = vec![2, 1, b's', 0x81];
    rec.extend_from_slice(&(1u64 << 62).to_be_bytes());
    let e = err(&rdb(&rec));
    assert!(e.message().contains("set member"), "{e}");

    // Checksum mismatch.
    let mut bad = ok.clone();
    let n = bad.len();
    bad[n - 1] ^= 1;
    let e = err(&bad);
    assert!(e.message().contains("checksum mismatch"), "{e}");
    assert_eq!(e.partial_report().unwrap()["total_num"], 1);

    // Trailing garbage: a warning by default, an error with `strict`.
    let mut trailing = ok.clone();
    trailing.extend_from_slice(b"garbage");
    let r = analyze_bytes("t", &trailing, &AnalyzeOptions::default()).unwrap().to_json();
    assert_eq!(r["files"][0]["trailing_bytes"], 7);
    let strict = AnalyzeOptions { strict: true, ..Default::default() };
    let e = analyze_bytes("t", &trailing, &strict).unwrap_err();
    assert!(e.message().contains("trailing garbage"), "{e}");

    // Missing EOF.
    let e = err(&ok[..ok.len() - 9]);
    assert!(e.message().contains("truncated"), "{e}");

    // Not an RDB at all.
    let e = err(b"hello world, this is not a dump");
    assert!(e.message().contains("not an RDB file"), "{e}");
}

#[test]
fn cancellation_stops_with_partial_report() {
    let mut records = Vec::new();
    for i in 0..10_000u32 {
        let k = format!("key:{i}");
        records.push(0);
        records.push(k.len() as u8);
        records.extend_from_slice(k.as_bytes());
        records.extend_from_slice(&[1, b'v']);
    }
    let data = rdb(&records);
    let opts = AnalyzeOptions { cancel: Some(Arc::new(AtomicBool::new(true))), ..Default::default() };
    let e = analyze_bytes("t", &data, &opts).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Cancelled);
    let opts = AnalyzeOptions::default();
    assert_eq!(analyze_bytes("t", &data, &opts).unwrap().to_json()["total_num"], 10_000);
}

#[test]
fn truncation_at_every_offset_is_an_error_inside_the_file() {
    for cut in 0..SAMPLE.len() {
        let e = analyze_bytes("cut", &SAMPLE[..cut], &AnalyzeOptions::default()).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Analysis, "cut {cut}: {e}");
        let off = e.offset().unwrap();
        assert!(off <= cut as u64, "cut {cut}: offset {off}: {e}");
        if cut > 9 {
            assert!(e.partial_report().is_some());
        }
    }
}

proptest! {
    // PROPTEST_CASES raises the count (scripts/ci/40-rdb.sh runs a deeper pass).
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(512),
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic(tail in proptest::collection::vec(any::<u8>(), 0..512), v in 1u32..16) {
        let mut data = format!("REDIS{v:04}").into_bytes();
        data.extend_from_slice(&tail);
        let opts = AnalyzeOptions { detail: true, ..Default::default() };
        if let Err(e) = analyze_bytes("p", &data, &opts) {
            prop_assert!(e.offset().unwrap_or(0) <= data.len() as u64);
        }
    }

    #[test]
    fn mutated_sample_never_panics(flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8)) {
        let mut data = SAMPLE.to_vec();
        for (at, b) in flips {
            let i = 9 + at % (data.len() - 9);
            data[i] = b;
        }
        for detail in [false, true] {
            let opts = AnalyzeOptions { detail, verify_checksum: false, ..Default::default() };
            if let Err(e) = analyze_bytes("p", &data, &opts) {
                prop_assert!(e.offset().unwrap_or(0) <= data.len() as u64, "{}", e);
            }
        }
    }
}

/// Gzip inside gzip unwraps a few levels deep (same report), and deeper nesting is refused
/// with a clear error instead of recursing without bound.
#[test]
fn gzip_nested_too_deep_is_refused() {
    use std::io::Write;
    let sample = std::fs::read(concat!(env!("CARGO_MANIFEST_DIR"), "/../assets/sample.rdb")).unwrap();
    let opts = AnalyzeOptions { now_ms: Some(1_800_000_000_000), ..AnalyzeOptions::default() };
    let want = analyze_bytes("sample.rdb", &sample, &opts).unwrap().to_json()["total_num"].clone();
    let mut data = sample;
    for level in 1..=6u32 {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(&data).unwrap();
        data = gz.finish().unwrap();
        let got = analyze_bytes("nested.gz", &data, &opts);
        if level <= 4 {
            assert_eq!(got.unwrap().to_json()["total_num"], want, "{level} levels");
        } else {
            let e = got.expect_err("too deep");
            assert!(e.to_string().contains("gzip inside gzip more than 4 levels deep"), "{level} levels: {e}");
        }
    }
}
