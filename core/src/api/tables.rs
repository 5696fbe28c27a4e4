//! The compact spec tables generated into `generated/spec.json`: what the engine needs to
//! validate input and build requests. Parsed once, on first use.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde::Deserialize;
use serde_json::Value;

use super::generated::SPEC_TABLES;

#[derive(Debug, Deserialize)]
pub(crate) struct Tables {
    pub operations: HashMap<String, OpSpec>,
    pub schemas: HashMap<String, ObjectSpec>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct OpSpec {
    pub params: Vec<ParamSpec>,
    pub body: Option<BodySpec>,
    pub content_type: String,
    pub response_wrapped: bool,
    pub pagination: Option<Pagination>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ParamSpec {
    pub name: String,
    #[serde(rename = "in")]
    pub location: String,
    pub required: bool,
    pub client_filled: bool,
    pub schema: TypeSpec,
}

#[derive(Debug, Deserialize)]
pub(crate) struct BodySpec {
    pub required: bool,
    pub schema: TypeSpec,
}

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Pagination {
    pub style: String,
    #[serde(default)]
    pub offset_param: Option<String>,
    #[serde(default)]
    pub limit_param: Option<String>,
    #[serde(default)]
    pub marker_param: Option<String>,
    /// Response field holding the next marker (marker style).
    #[serde(default)]
    pub next_marker: Option<String>,
    pub items: String,
    #[serde(default)]
    pub total: Option<String>,
    #[serde(default)]
    pub page_base: i64,
}

#[derive(Debug, Deserialize)]
pub(crate) struct ObjectSpec {
    pub properties: Vec<PropertySpec>,
}

#[derive(Debug, Deserialize)]
pub(crate) struct PropertySpec {
    pub name: String,
    pub required: bool,
    pub schema: TypeSpec,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct TypeSpec {
    pub kind: String,
    #[serde(rename = "ref")]
    pub reference: Option<String>,
    pub items: Option<Box<TypeSpec>>,
    pub values: Option<Box<TypeSpec>>,
    pub format: Option<String>,
    #[serde(rename = "enum")]
    pub allowed: Option<Vec<Value>>,
    pub minimum: Option<f64>,
    pub maximum: Option<f64>,
    pub exclusive_minimum: Option<Value>,
    pub exclusive_maximum: Option<Value>,
    pub min_length: Option<u64>,
    pub max_length: Option<u64>,
    pub min_items: Option<u64>,
    pub max_items: Option<u64>,
    pub default: Option<Value>,
}

pub(crate) fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    // The tables are generated and checked by the generator's own run; a parse failure here
    // is a build defect, caught by every API test.
    TABLES.get_or_init(|| serde_json::from_str(SPEC_TABLES).expect("generated spec tables are valid JSON"))
}

impl Tables {
    pub fn op(&self, name: &str) -> Option<&OpSpec> {
        self.operations.get(name)
    }
}
