//! The stateful operations. Anything not handled here answers its documented example.

pub mod analysis;
pub mod backups;
pub mod extras;
pub mod instances;

use std::collections::HashMap;

use serde_json::Value;

use super::server::App;
use super::spec::Route;
use super::state::{Instance, State};

/// One validated request.
pub struct Ctx {
    pub route: &'static Route,
    pub params: HashMap<String, String>,
    /// First value of each query parameter (decoded).
    pub query: HashMap<String, String>,
    /// The JSON body (`Null` when none).
    pub body: Value,
    /// The `Host` the client used, to build links back to this emulator.
    pub host: String,
}

impl Ctx {
    pub fn param(&self, name: &str) -> &str {
        self.params.get(name).map(String::as_str).unwrap_or("")
    }
    pub fn query_str(&self, name: &str) -> Option<&str> {
        self.query.get(name).map(String::as_str).filter(|s| !s.is_empty())
    }
    pub fn query_usize(&self, name: &str) -> Option<usize> {
        self.query_str(name).and_then(|s| s.parse().ok())
    }
    pub fn query_bool(&self, name: &str) -> bool {
        self.query_str(name) == Some("true")
    }
    pub fn body_str(&self, name: &str) -> Option<&str> {
        self.body.get(name).and_then(Value::as_str)
    }

    /// A success answer with the operation's documented status; the body is dropped when the
    /// spec documents none.
    pub fn ok(&self, body: Value, mutated: bool) -> Result<Reply, ApiError> {
        let (status, example) = self.route.documented_success();
        Ok(Reply { status: *status, body: example.is_some().then_some(body), mutated })
    }
}

pub struct Reply {
    pub status: u16,
    pub body: Option<Value>,
    /// The state changed: save it.
    pub mutated: bool,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    pub error_code: &'static str,
    pub error_msg: String,
}

impl ApiError {
    pub fn new(status: u16, error_code: &'static str, error_msg: impl Into<String>) -> ApiError {
        ApiError { status, error_code, error_msg: error_msg.into() }
    }
    pub fn bad_param(name: &str, why: &str) -> ApiError {
        ApiError::new(400, "DCS.4062", format!("Invalid {name} parameter in the request: {why}."))
    }
    pub fn instance_not_found(id: &str) -> ApiError {
        ApiError::new(404, "DCS.3022", format!("This DCS instance does not exist. ({id})"))
    }
    pub fn not_found(what: &str, id: &str) -> ApiError {
        ApiError::new(404, "DCS.4404", format!("The {what} does not exist. ({id})"))
    }
    pub fn wrong_state(status: &str) -> ApiError {
        ApiError::new(400, "DCS.4026", format!("This operation is not allowed when the DCS instance is in the current state ({status})."))
    }
}

pub type OpResult = Result<Reply, ApiError>;

/// The instance of the request's `instance_id`, or 404.
pub fn instance_mut<'s>(state: &'s mut State, ctx: &Ctx) -> Result<&'s mut Instance, ApiError> {
    let id = ctx.param("instance_id");
    state.instances.get_mut(id).ok_or_else(|| ApiError::instance_not_found(id))
}

/// `offset`/`limit` paging of a list (limit 0 or absent: the default).
pub fn page<T: Clone>(items: &[T], offset: Option<usize>, limit: Option<usize>, default_limit: usize) -> Vec<T> {
    let limit = limit.filter(|l| *l > 0).unwrap_or(default_limit);
    items.iter().skip(offset.unwrap_or(0)).take(limit).cloned().collect()
}

/// Routes the stateful operations; `None` for the others (they answer their example).
pub async fn dispatch(app: &std::sync::Arc<App>, ctx: &Ctx) -> Option<OpResult> {
    let op = ctx.route.operation_id.as_str();
    if let Some(r) = instances::handle(app, ctx, op) {
        return Some(r);
    }
    if let Some(r) = backups::handle(app, ctx, op) {
        return Some(r);
    }
    if let Some(r) = analysis::handle(app, ctx, op) {
        return Some(r);
    }
    extras::handle(app, ctx, op)
}
