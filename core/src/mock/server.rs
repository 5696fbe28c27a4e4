//! The HTTP side of the emulator: accept loop, one request's path through routing,
//! authentication, faults, validation and the operation, and the response on the wire.

use std::collections::HashMap;
use std::convert::Infallible;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, Limited, StreamBody};
use hyper::body::{Frame, Incoming};
use hyper::header::{HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use serde_json::{json, Value};
use tokio::net::TcpListener;
use tokio::sync::watch;

use super::auth::Gate;
use super::faults::{Fault, FaultPlan};
use super::ops::{self, Ctx, Reply};
use super::spec::{self, RouteMatch};
use super::state::{now_ms, write_atomically, State};
use super::validate::{self, Invalid};
use super::MockOptions;
use crate::auth::signer::IncomingRequest;

pub type Body = BoxBody<Bytes, std::io::Error>;

/// Requests larger than this are refused (413) instead of being buffered.
const MAX_BODY: usize = 8 << 20;
/// Where backup files are served from (their links stand in for OBS pre-signed URLs).
pub const DOWNLOAD_PREFIX: &str = "/mock-obs/";

/// Everything a request handler can reach.
pub struct App {
    pub options: MockOptions,
    pub gate: Gate,
    pub state: std::sync::Mutex<State>,
    persist: tokio::sync::Mutex<()>,
    pub faults: FaultPlan,
    /// Where generated backup files are written.
    pub data_dir: PathBuf,
}

impl App {
    pub fn new(options: MockOptions, state: State, data_dir: PathBuf) -> App {
        let gate = Gate {
            aksk: match (&options.ak, &options.sk) {
                (Some(ak), Some(sk)) => Some((ak.clone(), sk.clone())),
                _ => None,
            },
            token: options.token.clone(),
        };
        let faults = FaultPlan::new(options.fail_rate, options.seed, &options.faults);
        App { options, gate, state: std::sync::Mutex::new(state), persist: tokio::sync::Mutex::new(()), faults, data_dir }
    }

    /// Runs `f` on the state (after due status changes were applied).
    pub fn with_state<R>(&self, f: impl FnOnce(&mut State) -> R) -> R {
        let mut s = self.state.lock().unwrap_or_else(|p| p.into_inner());
        s.settle(now_ms());
        f(&mut s)
    }

    /// Saves the state file, when there is one. Writers queue on a lock, and each writes the
    /// state as it is when its turn comes, so the file always ends with the latest state.
    pub async fn persist(&self) -> std::io::Result<()> {
        let Some(path) = self.options.state_file.clone() else { return Ok(()) };
        let _turn = self.persist.lock().await;
        let bytes = {
            let s = self.state.lock().unwrap_or_else(|p| p.into_inner());
            serde_json::to_vec_pretty(&*s).map_err(std::io::Error::other)?
        };
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes)).await.map_err(std::io::Error::other)?
    }
}

/// Accepts connections until `stop` turns true, then lets open requests finish (bounded).
pub async fn serve(listener: TcpListener, app: Arc<App>, mut stop: watch::Receiver<bool>) {
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _peer)) = accepted else { continue };
                let _ = stream.set_nodelay(true);
                let app = app.clone();
                let service = hyper::service::service_fn(move |req| {
                    let app = app.clone();
                    async move { Ok::<_, Infallible>(handle(app, req).await) }
                });
                let conn = hyper::server::conn::http1::Builder::new()
                    .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
                let conn = graceful.watch(conn);
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            _ = stop.changed() => break,
        }
    }
    drop(listener);
    let _ = tokio::time::timeout(Duration::from_secs(5), graceful.shutdown()).await;
}

fn new_request_id() -> String {
    let b: [u8; 16] = rand::random();
    hex::encode(b)
}

/// One request, start to finish. Never panics on input: every problem becomes a status.
pub async fn handle(app: Arc<App>, req: Request<Incoming>) -> Response<Body> {
    let request_id = new_request_id();
    let mut resp = handle_inner(&app, req).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    resp
}

async fn handle_inner(app: &Arc<App>, req: Request<Incoming>) -> Response<Body> {
    let method = req.method().as_str().to_ascii_uppercase();
    let raw_path = req.uri().path().to_string();
    let raw_query = req.uri().query().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = req
        .headers()
        .iter()
        .map(|(k, v)| (k.as_str().to_string(), String::from_utf8_lossy(v.as_bytes()).into_owned()))
        .collect();
    let host = headers.iter().find(|(k, _)| k == "host").map(|(_, v)| v.clone()).unwrap_or_default();
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return error(413, "DCS.4004", "The request body is too large or was cut off."),
    };

    if method == "GET" {
        if let Some(rest) = raw_path.strip_prefix(DOWNLOAD_PREFIX) {
            return ops::backups::download(app, rest, &raw_query).await;
        }
    }

    let (route, path_params) = match spec::find(&method, &raw_path) {
        RouteMatch::Found(r, p) => (r, p),
        RouteMatch::MethodNotAllowed | RouteMatch::NotFound => {
            return error(404, "APIGW.0101", "The API does not exist or has not been published in the environment.");
        }
    };

    let incoming = IncomingRequest { method: &method, path: &raw_path, query: &raw_query, headers: &headers, body: &body };
    if let Err(refused) = app.gate.check(&incoming, SystemTime::now()) {
        return error(401, refused.error_code, &refused.error_msg);
    }

    let fault = app.faults.next(&route.operation_id);
    match fault {
        Fault::Status(s) => return error(s, "DCS.5000", "Internal service error (injected by dcskit mock)."),
        Fault::Throttle { retry_after_secs } => {
            let mut r = error(429, "APIGW.0308", "The throttling threshold has been reached (injected by dcskit mock).");
            if let Ok(v) = HeaderValue::from_str(&retry_after_secs.to_string()) {
                r.headers_mut().insert("retry-after", v);
            }
            return r;
        }
        Fault::Delay(d) => tokio::time::sleep(d).await,
        Fault::None | Fault::Drop => {}
    }
    if !app.options.latency.is_zero() {
        tokio::time::sleep(app.options.latency).await;
    }

    if let Some(p) = path_params.get("project_id") {
        if !app.options.project_id.is_empty() && p != &app.options.project_id {
            return error(403, "DCS.2003", "This role does not have the permission to perform this operation.");
        }
    }

    let query = crate::auth::signer::encoding::parse_query(&raw_query);
    let parsed = match validate::request(route, &path_params, &query, &body) {
        Ok(v) => v,
        Err(Invalid::EmptyBody) => return error(400, "DCS.4004", "Empty request body."),
        Err(Invalid::NotJson(why)) => {
            return error(400, "DCS.4005", &format!("The message body contains invalid characters or is not in JSON format. ({why})"))
        }
        Err(Invalid::Param { name, reason }) => {
            return error(400, "DCS.4062", &format!("Invalid {name} parameter in the request: {name} {reason}."))
        }
    };

    let ctx = Ctx { route, params: path_params, query: query_map(query), body: parsed, host };
    let reply = match ops::dispatch(app, &ctx).await {
        Some(Ok(reply)) => reply,
        Some(Err(e)) => return error(e.status, e.error_code, &e.error_msg),
        None => {
            let (status, example) = route.example_response();
            Reply { status, body: example, mutated: false }
        }
    };
    if reply.mutated {
        if let Err(e) = app.persist().await {
            return error(500, "DCS.5000", &format!("The emulator could not save its state: {e}"));
        }
    }
    let mut resp = json_response(reply.status, reply.body.as_ref());
    if fault == Fault::Drop {
        resp = truncate(resp).await;
    }
    resp
}

fn query_map(pairs: Vec<(String, String)>) -> HashMap<String, String> {
    let mut m = HashMap::new();
    for (k, v) in pairs {
        m.entry(k).or_insert(v);
    }
    m
}

pub fn full(bytes: impl Into<Bytes>) -> Body {
    Full::new(bytes.into()).map_err(|never: Infallible| match never {}).boxed()
}

pub fn json_response(status: u16, body: Option<&Value>) -> Response<Body> {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
    let mut b = Response::builder().status(status);
    match body {
        Some(v) if status != StatusCode::NO_CONTENT => {
            let bytes = serde_json::to_vec(v).unwrap_or_default();
            b = b.header(CONTENT_TYPE, "application/json;charset=UTF-8");
            b.body(full(bytes)).unwrap_or_else(|_| Response::new(full(Bytes::new())))
        }
        _ => b.body(full(Bytes::new())).unwrap_or_else(|_| Response::new(full(Bytes::new()))),
    }
}

/// The service's error body.
pub fn error(status: u16, code: &str, msg: &str) -> Response<Body> {
    json_response(status, Some(&json!({ "error_code": code, "error_msg": msg })))
}

/// The same response announcing its full length but sending half of it, then an error that
/// makes the server close the connection: the client sees a connection dropped mid-response.
async fn truncate(resp: Response<Body>) -> Response<Body> {
    let (mut parts, body) = resp.into_parts();
    let bytes = body.collect().await.map(|c| c.to_bytes()).unwrap_or_default();
    let total = bytes.len().max(2);
    let half = bytes.slice(..bytes.len() / 2);
    if let Ok(v) = HeaderValue::from_str(&total.to_string()) {
        parts.headers.insert(CONTENT_LENGTH, v);
    }
    let frames: Vec<Result<Frame<Bytes>, std::io::Error>> = vec![
        Ok(Frame::data(half)),
        Err(std::io::Error::new(std::io::ErrorKind::ConnectionAborted, "dropped by dcskit mock")),
    ];
    Response::from_parts(parts, StreamBody::new(futures::stream::iter(frames)).boxed())
}
