//! The shared error-model table (tests/error-model.json) lists exactly the core's kinds.

use dcskit::ErrorKind;

#[test]
fn shared_table_matches_core_kinds() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/error-model.json");
    let table: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let codes: Vec<&str> = table["kinds"].as_array().unwrap().iter().map(|k| k["code"].as_str().unwrap()).collect();
    let core: Vec<&str> = ErrorKind::ALL.iter().map(|k| k.code()).collect();
    assert_eq!(codes, core);
    for k in table["kinds"].as_array().unwrap() {
        let kind = ErrorKind::from_code(k["code"].as_str().unwrap()).unwrap();
        assert_eq!(k["service"].as_bool().unwrap_or(false), kind.is_service(), "{kind}");
    }
}
