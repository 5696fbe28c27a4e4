//! The emulator's route table, built at startup from the embedded spec: every operation of
//! `spec/dcs.openapi.json` at its method and path, with its parameters, body schema and
//! documented example response.

use std::collections::HashMap;
use std::sync::OnceLock;

use serde_json::Value;

const SPEC_JSON: &str = include_str!("../../../spec/dcs.openapi.json");

/// The parsed spec (parsed once per process).
pub fn document() -> &'static Value {
    static DOC: OnceLock<Value> = OnceLock::new();
    DOC.get_or_init(|| serde_json::from_str(SPEC_JSON).unwrap_or_else(|_| Value::Object(Default::default())))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Param(String),
}

/// One operation of the spec as the router sees it.
#[derive(Debug)]
pub struct Route {
    pub operation_id: String,
    pub method: String,
    pub path: String,
    segments: Vec<Segment>,
    /// The operation object of the spec.
    pub op: &'static Value,
    /// `example_response`, worked out on first use (it is needed on every request).
    example: OnceLock<(u16, Option<Value>)>,
}

impl Route {
    fn literal_count(&self) -> usize {
        self.segments.iter().filter(|s| matches!(s, Segment::Literal(_))).count()
    }

    /// The path parameters when `segments` (already percent-decoded) match this route.
    fn matches(&self, segments: &[String]) -> Option<HashMap<String, String>> {
        if segments.len() != self.segments.len() {
            return None;
        }
        // Check first, collect after: most routes are tried and refused on every request.
        let fits = self.segments.iter().zip(segments).all(|(want, got)| match want {
            Segment::Literal(l) => l == got,
            Segment::Param(_) => !got.is_empty(),
        });
        if !fits {
            return None;
        }
        let mut params = HashMap::new();
        for (want, got) in self.segments.iter().zip(segments) {
            if let Segment::Param(name) = want {
                params.insert(name.clone(), got.clone());
            }
        }
        Some(params)
    }

    /// The documented success status and example body (the first 2xx response).
    pub fn example_response(&self) -> (u16, Option<Value>) {
        self.documented_success().clone()
    }

    /// [`Route::example_response`] without copying the example.
    pub fn documented_success(&self) -> &(u16, Option<Value>) {
        self.example.get_or_init(|| self.first_success())
    }

    fn first_success(&self) -> (u16, Option<Value>) {
        let Some(responses) = self.op.get("responses").and_then(Value::as_object) else {
            return (200, Some(Value::Object(Default::default())));
        };
        let mut codes: Vec<(u16, &Value)> =
            responses.iter().filter_map(|(k, v)| k.parse::<u16>().ok().map(|c| (c, v))).collect();
        codes.sort_by_key(|(c, _)| *c);
        let Some((status, resp)) = codes.into_iter().find(|(c, _)| (200..300).contains(c)) else {
            return (200, Some(Value::Object(Default::default())));
        };
        let content = resp.pointer("/content/application~1json");
        let example = content.and_then(|c| c.get("example")).cloned();
        match (example, content) {
            (Some(e), _) => (status, Some(e)),
            (None, Some(c)) => (status, Some(c.get("schema").map(skeleton).unwrap_or(Value::Null))),
            (None, None) if status == 204 => (204, None),
            (None, None) => (status, Some(Value::Object(Default::default()))),
        }
    }

    /// The schema of the JSON request body and whether the body is required.
    pub fn body_schema(&self) -> Option<(&'static Value, bool)> {
        let body = self.op.get("requestBody")?;
        let schema = body.pointer("/content/application~1json/schema")?;
        let required = body.get("required").and_then(Value::as_bool).unwrap_or(true);
        Some((schema, required))
    }

    pub fn parameters(&self) -> impl Iterator<Item = &'static Value> {
        self.op.get("parameters").and_then(Value::as_array).into_iter().flatten()
    }
}

/// A minimal value shaped like a schema, for operations documented without an example.
fn skeleton(schema: &Value) -> Value {
    skeleton_depth(schema, 0)
}

fn skeleton_depth(schema: &Value, depth: usize) -> Value {
    let schema = resolve(schema);
    if depth > 6 {
        return Value::Null;
    }
    if let Some(d) = schema.get("default") {
        return d.clone();
    }
    if let Some(e) = schema.get("enum").and_then(Value::as_array).and_then(|e| e.first()) {
        return e.clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("object") | None if schema.get("properties").is_some() => {
            let mut out = serde_json::Map::new();
            for (k, v) in schema["properties"].as_object().into_iter().flatten() {
                out.insert(k.clone(), skeleton_depth(v, depth + 1));
            }
            Value::Object(out)
        }
        Some("array") => Value::Array(vec![]),
        Some("string") => Value::String(String::new()),
        Some("integer") | Some("number") => Value::from(0),
        Some("boolean") => Value::Bool(false),
        _ => Value::Object(Default::default()),
    }
}

/// Follows `$ref` to `#/components/schemas/Name` (one level at a time, bounded).
pub fn resolve(schema: &Value) -> &Value {
    let mut s = schema;
    for _ in 0..16 {
        match s.get("$ref").and_then(Value::as_str) {
            Some(r) => match r.strip_prefix('#').and_then(|p| document().pointer(p)) {
                Some(target) => s = target,
                None => return s,
            },
            None => return s,
        }
    }
    s
}

/// Every operation of the spec; more literal segments win over parameters when matching.
pub fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let mut out = Vec::new();
        for (path, item) in document().get("paths").and_then(Value::as_object).into_iter().flatten() {
            for (method, op) in item.as_object().into_iter().flatten() {
                let Some(id) = op.get("operationId").and_then(Value::as_str) else { continue };
                let segments = path
                    .trim_start_matches('/')
                    .split('/')
                    .map(|s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                        Some(name) => Segment::Param(name.to_string()),
                        None => Segment::Literal(s.to_string()),
                    })
                    .collect();
                out.push(Route {
                    operation_id: id.to_string(),
                    method: method.to_ascii_uppercase(),
                    path: path.clone(),
                    segments,
                    op,
                    example: OnceLock::new(),
                });
            }
        }
        out.sort_by(|a, b| b.literal_count().cmp(&a.literal_count()).then(a.path.cmp(&b.path)));
        out
    })
}

pub enum RouteMatch {
    Found(&'static Route, HashMap<String, String>),
    /// The path exists with other methods.
    MethodNotAllowed,
    NotFound,
}

/// Finds the operation for a method and a raw (still percent-encoded) path.
pub fn find(method: &str, raw_path: &str) -> RouteMatch {
    let segments: Vec<String> = raw_path
        .trim_start_matches('/')
        .trim_end_matches('/')
        .split('/')
        .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
        .collect();
    // The method is compared first (cheap): only a miss needs to know whether the path
    // exists under another method.
    for route in routes().iter().filter(|r| r.method == method) {
        if let Some(params) = route.matches(&segments) {
            return RouteMatch::Found(route, params);
        }
    }
    if routes().iter().any(|r| r.method != method && r.matches(&segments).is_some()) {
        RouteMatch::MethodNotAllowed
    } else {
        RouteMatch::NotFound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_is_routable_at_its_own_path() {
        assert!(!routes().is_empty(), "the spec has operations");
        for r in routes() {
            let concrete: String = r
                .segments
                .iter()
                .map(|s| match s {
                    Segment::Literal(l) => l.clone(),
                    Segment::Param(p) => format!("x-{p}"),
                })
                .collect::<Vec<_>>()
                .join("/");
            match find(&r.method, &format!("/{concrete}")) {
                RouteMatch::Found(found, _) => assert_eq!(found.path, r.path, "{} routed elsewhere", r.operation_id),
                _ => panic!("{} {} not routable", r.method, r.path),
            }
        }
    }

    #[test]
    fn literal_segments_win_over_parameters() {
        if let RouteMatch::Found(r, _) = find("GET", "/v2/p/instances/status") {
            assert_eq!(r.operation_id, "ListNumberOfInstancesInDifferentStatus");
        } else {
            panic!("status route missing");
        }
        assert!(matches!(find("GET", "/v2/p/nothing-here/x"), RouteMatch::NotFound));
    }
}

