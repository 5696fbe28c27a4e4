//! `dcskit api`: list every DCS operation, or call one with JSON input.
//!
//! `dcskit api --list` prints `[{name, method, path, version, deprecated}]`;
//! `dcskit api OPERATION --input JSON|@FILE|@-` prints the response JSON. A service error goes
//! to stderr (status, error_code, error_msg, request id) with exit code 1; bad input exits 2.

use std::io::Read;
use std::process::ExitCode;

use dcskit::api::{self, Client};
use dcskit::{Config, Error, ErrorKind};
use serde_json::{json, Value};

#[derive(clap::Args)]
pub struct Args {
    /// Operation: official name (`ListInstances`), kebab-case or snake_case.
    #[arg(required_unless_present = "list")]
    operation: Option<String>,
    /// Print every operation as a JSON array and exit.
    #[arg(long, conflicts_with = "operation")]
    list: bool,
    /// Input JSON (parameters by wire name, body under "body"), `@FILE`, or `@-` for stdin.
    #[arg(long, value_name = "JSON|@FILE")]
    input: Option<String>,
    /// Endpoint URL (wins over --region).
    #[arg(long, value_name = "URL", env = "DCSKIT_ENDPOINT")]
    endpoint: Option<String>,
    /// Region (endpoint `https://dcs.{region}.myhuaweicloud.com`).
    #[arg(long, value_name = "R", env = "DCSKIT_REGION")]
    region: Option<String>,
    /// Project id (default: CLOUD_SDK_PROJECT_ID).
    #[arg(long, value_name = "P")]
    project_id: Option<String>,
    /// Validate and print the request that would be sent (unsigned), without sending it.
    #[arg(long)]
    dry_run: bool,
    /// Pretty-print the response JSON.
    #[arg(long)]
    pretty: bool,
    /// Print a valid sample input for OPERATION (every parameter and body field filled).
    #[arg(long)]
    sample: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.list {
        let list: Vec<Value> = api::operations()
            .iter()
            .map(|op| {
                json!({"name": op.name, "method": op.method, "path": op.path,
                       "version": op.version, "deprecated": op.deprecated})
            })
            .collect();
        println!("{}", serde_json::to_string_pretty(&Value::Array(list))?);
        return Ok(ExitCode::SUCCESS);
    }
    let operation = args.operation.clone().unwrap_or_default();
    match call(&args, &operation) {
        Ok(v) => {
            let text = if args.pretty { serde_json::to_string_pretty(&v)? } else { serde_json::to_string(&v)? };
            println!("{text}");
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            report(&e);
            Ok(ExitCode::from(if e.kind() == ErrorKind::InvalidInput { 2 } else { 1 }))
        }
    }
}

fn call(args: &Args, operation: &str) -> Result<Value, Error> {
    if args.sample {
        return api::sample_input(operation, true);
    }
    let input = read_input(args.input.as_deref())?;
    let config = Config {
        endpoint: args.endpoint.clone(),
        region: args.region.clone(),
        project_id: args.project_id.clone(),
        ..Config::default()
    };
    let client = Client::new(config)?;
    if args.dry_run {
        let (op, req) = client.build_request(operation, &input)?;
        let body = req.body.as_deref().map(|b| serde_json::from_slice::<Value>(b).unwrap_or(Value::Null));
        return Ok(json!({
            "operation": op.name, "method": req.method, "path": req.path,
            "query": req.query, "headers": req.headers, "body": body,
        }));
    }
    // The core logs the deprecation through `tracing`; a terminal user sees it here.
    if let Some(notice) = api::find_operation(operation).and_then(api::deprecation_notice) {
        eprintln!("dcskit: warning: {notice}");
    }
    client.call_blocking(operation, input)
}

fn read_input(arg: Option<&str>) -> Result<Value, Error> {
    let text = match arg {
        None => return Ok(json!({})),
        Some("@-") => {
            let mut s = String::new();
            std::io::stdin().read_to_string(&mut s).map_err(|e| Error::invalid_input("input", format!("stdin: {e}")))?;
            s
        }
        Some(a) if a.starts_with('@') => std::fs::read_to_string(&a[1..])
            .map_err(|e| Error::invalid_input("input", format!("{}: {e}", &a[1..])))?,
        Some(a) => a.to_string(),
    };
    serde_json::from_str(&text).map_err(|e| Error::invalid_input("input", format!("not valid JSON: {e}")))
}

/// One line for people, then the error as JSON (what scripts parse).
fn report(e: &Error) {
    eprintln!("dcskit: {e}");
    if let Some(s) = e.service_details() {
        eprintln!(
            "status: {}\nerror_code: {}\nerror_msg: {}\nrequest_id: {}",
            s.status_code,
            s.error_code.as_deref().unwrap_or("-"),
            s.error_msg.as_deref().unwrap_or("-"),
            s.request_id.as_deref().unwrap_or("-"),
        );
    }
    eprintln!("{}", e.to_json());
}
