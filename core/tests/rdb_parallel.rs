//! Several inputs analyzed at once give exactly the report of analyzing them one by one.

use dcskit::rdb::{self, AnalyzeOptions};

fn inputs() -> Vec<String> {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut v = vec![format!("{root}/assets/sample.rdb")];
    let fixtures = std::env::var("DCSKIT_FIXTURES").unwrap_or_else(|_| format!("{root}/../shared/fixtures/rdb"));
    for f in ["redis__redis/encodings.rdb", "redis__librdb/100_lists.rdb", "sripathikrishnan__redis-rdb-tools/parser_filters.rdb"] {
        let p = format!("{fixtures}/{f}");
        if std::path::Path::new(&p).exists() {
            v.push(p);
        }
    }
    v.push(format!("{root}/assets/sample.rdb"));
    v
}

#[test]
fn parallel_inputs_match_sequential_runs() {
    let inputs = inputs();
    let options = AnalyzeOptions { now_ms: Some(1_800_000_000_000), ..AnalyzeOptions::default() };
    let parallel: Vec<rdb::Report> = dcskit::runtime::block_on({
        let (inputs, options) = (inputs.clone(), options.clone());
        async move { rdb::analyze_many(&inputs, options).await }
    })
    .unwrap()
    .into_iter()
    .collect::<Result<_, _>>()
    .unwrap();
    let mut sequential = Vec::new();
    for input in &inputs {
        let (input, options) = (input.clone(), options.clone());
        sequential.push(dcskit::runtime::block_on(async move { rdb::analyze(&input, options).await }).unwrap().unwrap());
    }
    assert_eq!(parallel.len(), inputs.len());
    for (p, s) in parallel.iter().zip(&sequential) {
        assert_eq!(p.to_json(), s.to_json());
    }
    let merged_parallel = rdb::merge_reports(&parallel).unwrap().to_json();
    let merged_sequential = rdb::merge_reports(&sequential).unwrap().to_json();
    assert_eq!(merged_parallel, merged_sequential);
    let total: u64 = sequential.iter().map(|r| r.to_json()["total_num"].as_u64().unwrap()).sum();
    assert_eq!(merged_parallel["total_num"].as_u64().unwrap(), total);
}

#[test]
fn one_bad_input_is_reported_in_its_place() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let inputs = vec![format!("{root}/assets/sample.rdb"), format!("{root}/no/such/file.rdb")];
    let results = dcskit::runtime::block_on(async move { rdb::analyze_many(&inputs, AnalyzeOptions::default()).await }).unwrap();
    assert!(results[0].is_ok());
    let err = results[1].as_ref().unwrap_err();
    assert!(err.to_string().contains("no/such/file.rdb"), "{err}");
}
