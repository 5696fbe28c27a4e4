//! Coverage-guided fuzzing of the RDB decoder and analyzer: any input must give a report or
//! an error whose offset lies inside the input, never a panic, hang or huge allocation.
#![no_main]

use dcskit::rdb::{analyze_bytes, AnalyzeOptions};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    for detail in [false, true] {
        let opts = AnalyzeOptions { detail, verify_checksum: false, ..Default::default() };
        if let Err(e) = analyze_bytes("fuzz", data, &opts) {
            assert!(e.offset().unwrap_or(0) <= data.len() as u64, "{e}");
        }
    }
});
