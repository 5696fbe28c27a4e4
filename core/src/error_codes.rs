//! The DCS error-code table (seed 004 §7.2) as data: `spec/error-codes.json`, produced by
//! the spec extractor. Lets an error show the documented meaning and handling of its code.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct ErrorCodeDoc {
    pub status_code: u16,
    pub error_code: String,
    /// The message the service sends with this code.
    pub message: String,
    /// What to do about it.
    #[serde(default)]
    pub handling: String,
}

const TABLE_JSON: &str = include_str!("../../spec/error-codes.json");

fn table() -> &'static HashMap<String, ErrorCodeDoc> {
    static TABLE: OnceLock<HashMap<String, ErrorCodeDoc>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let rows: Vec<ErrorCodeDoc> =
            serde_json::from_str(TABLE_JSON).expect("spec/error-codes.json is valid (checked by tests)");
        rows.into_iter().map(|r| (r.error_code.clone(), r)).collect()
    })
}

/// The documented entry for a DCS error code such as `DCS.4000`.
pub fn lookup(error_code: &str) -> Option<&'static ErrorCodeDoc> {
    table().get(error_code)
}

/// Every documented error code.
pub fn all() -> impl Iterator<Item = &'static ErrorCodeDoc> {
    table().values()
}
