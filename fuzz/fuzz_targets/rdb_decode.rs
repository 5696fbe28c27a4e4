//! Coverage-guided fuzzing of the RDB decoder and analyzer: any input must give a report or
//! an error whose offset lies inside the input, never a panic, hang or huge allocation; and
//! decoding in place (the path large files take) must give what the streamed decode gives.
#![no_main]

use dcskit::rdb::{analyze_bytes, AnalyzeOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let outcome = |opts: &AnalyzeOptions| match analyze_bytes("fuzz", data, opts) {
        Ok(r) => r.to_json().to_string(),
        Err(e) => {
            assert!(e.offset().unwrap_or(0) <= data.len() as u64, "{e}");
            format!("{e} @ {:?}", e.offset())
        }
    };
    for detail in [false, true] {
        let streamed = AnalyzeOptions { detail, verify_checksum: false, in_place: false, now_ms: Some(0), ..Default::default() };
        let in_place = AnalyzeOptions { in_place: true, split_min_bytes: 0, threads: 1, ..streamed.clone() };
        assert_eq!(outcome(&in_place), outcome(&streamed), "in place vs streamed, detail {detail}");
    }
});
