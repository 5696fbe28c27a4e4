//! `dcskit sign`: signs one request with SDK-HMAC-SHA256 (credentials from the environment)
//! and prints a ready-to-paste `curl` command, or with `--json` everything the signer produced.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use dcskit::auth::signer::{self, ParsedUrl, SdkDate, Signed};
use dcskit::auth::{Credentials, ENV_AK, ENV_PROJECT_ID, ENV_SK};
use dcskit::Error;
use serde_json::{json, Map, Value};

#[derive(clap::Args)]
pub struct Args {
    /// HTTP method (GET, POST, PUT, DELETE, ...).
    #[arg(long, required_unless_present = "batch")]
    method: Option<String>,
    /// The URL as it goes on the wire (path and query percent-encoded as needed).
    #[arg(long, required_unless_present = "batch")]
    url: Option<String>,
    /// A header to send and sign, `Name: value` (repeatable).
    #[arg(long = "header", short = 'H', value_name = "NAME: VALUE")]
    headers: Vec<String>,
    /// The request body.
    #[arg(long, conflicts_with = "body_file")]
    body: Option<String>,
    /// Read the request body from a file.
    #[arg(long, value_name = "FILE")]
    body_file: Option<std::path::PathBuf>,
    /// Sign as of this UTC time instead of now.
    #[arg(long, value_name = "YYYYMMDDTHHMMSSZ")]
    date: Option<String>,
    /// Print one JSON object: url, headers, canonical_request, string_to_sign, authorization.
    #[arg(long)]
    json: bool,
    /// Also print the canonical request and the string to sign on stderr.
    #[arg(long)]
    verbose: bool,
    /// Test hook: sign JSON lines from stdin, each with its own credentials, one JSON line out.
    #[arg(long, hide = true)]
    batch: bool,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.batch {
        return run_batch();
    }
    let (Some(method), Some(url)) = (&args.method, &args.url) else {
        anyhow::bail!("--method and --url are required");
    };
    let credentials = Credentials::from_env()?
        .ok_or_else(|| Error::new(dcskit::ErrorKind::Credentials, format!("no credentials: set {ENV_AK} and {ENV_SK}")))?;
    let project_id = std::env::var(ENV_PROJECT_ID).ok();
    let headers = args.headers.iter().map(|h| parse_header(h)).collect::<Result<Vec<_>, _>>()?;
    let body = match (&args.body, &args.body_file) {
        (Some(b), _) => b.clone().into_bytes(),
        (None, Some(f)) => std::fs::read(f).map_err(|e| Error::invalid_input("body-file", format!("{}: {e}", f.display())))?,
        (None, None) => Vec::new(),
    };
    let date = args.date.as_deref().map(|d| SdkDate::parse(d, "date")).transpose()?;
    let parsed = ParsedUrl::parse(url, "url")?;
    let signed = signer::sign(&parsed.request(method, &headers, &body), &credentials, project_id.as_deref(), date)?;

    if args.verbose {
        eprintln!("canonical request:\n{}\n\nstring to sign:\n{}\n", signed.canonical_request, signed.string_to_sign);
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        writeln!(out, "{}", serde_json::to_string_pretty(&to_json(method, &signed))?)?;
    } else {
        writeln!(out, "{}", curl_command(method, &signed, &args))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `Name: value` → (name, trimmed value).
fn parse_header(h: &str) -> Result<(String, String), Error> {
    let (name, value) = h.split_once(':').ok_or_else(|| Error::invalid_input("header", format!("{h:?} is not of the form 'Name: value'")))?;
    let name = name.trim();
    if name.is_empty() {
        return Err(Error::invalid_input("header", format!("{h:?} has an empty name")));
    }
    Ok((name.to_string(), value.trim().to_string()))
}

fn to_json(method: &str, s: &Signed) -> Value {
    let headers: Map<String, Value> = s.headers.iter().map(|(k, v)| (k.clone(), Value::String(v.clone()))).collect();
    json!({
        "method": method.to_ascii_uppercase(),
        "url": s.url,
        "headers": headers,
        "canonical_request": s.canonical_request,
        "string_to_sign": s.string_to_sign,
        "signed_headers": s.signed_headers,
        "authorization": s.authorization,
    })
}

fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn curl_command(method: &str, s: &Signed, args: &Args) -> String {
    let mut cmd = format!("curl -X {} {}", method.to_ascii_uppercase(), shell_quote(&s.url));
    for (k, v) in &s.headers {
        cmd.push_str(" \\\n  -H ");
        cmd.push_str(&shell_quote(&format!("{k}: {v}")));
    }
    if let Some(b) = &args.body {
        cmd.push_str(" \\\n  --data-binary ");
        cmd.push_str(&shell_quote(b));
    } else if let Some(f) = &args.body_file {
        cmd.push_str(" \\\n  --data-binary ");
        cmd.push_str(&shell_quote(&format!("@{}", f.display())));
    }
    cmd
}

/// One case per line: {method, url, headers: [[k, v]...], body_hex, ak, sk, security_token,
/// project_id, date}. Answers {..the --json fields..} or {"error": "..."} per line.
fn run_batch() -> anyhow::Result<ExitCode> {
    let stdin = std::io::stdin().lock();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for line in stdin.lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        let answer = match sign_case(&line) {
            Ok(v) => v,
            Err(e) => json!({ "error": e.to_string() }),
        };
        writeln!(out, "{answer}")?;
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn sign_case(line: &str) -> anyhow::Result<Value> {
    let case: Value = serde_json::from_str(line)?;
    let text = |k: &str| case.get(k).and_then(Value::as_str);
    let method = text("method").unwrap_or("GET");
    let headers: Vec<(String, String)> = match case.get("headers").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|pair| Some((pair.get(0)?.as_str()?.to_string(), pair.get(1)?.as_str()?.to_string())))
            .collect::<Option<_>>()
            .ok_or_else(|| anyhow::anyhow!("headers must be [[name, value], ...]"))?,
        None => Vec::new(),
    };
    let body = decode_hex(text("body_hex").unwrap_or(""))?;
    let credentials = match text("security_token") {
        Some(t) => Credentials::temporary(text("ak").unwrap_or(""), text("sk").unwrap_or(""), t),
        None => Credentials::aksk(text("ak").unwrap_or(""), text("sk").unwrap_or("")),
    };
    let date = text("date").map(|d| SdkDate::parse(d, "date")).transpose()?;
    let parsed = ParsedUrl::parse(text("url").unwrap_or(""), "url")?;
    let signed = signer::sign(&parsed.request(method, &headers, &body), &credentials, text("project_id"), date)?;
    Ok(to_json(method, &signed))
}

fn decode_hex(s: &str) -> anyhow::Result<Vec<u8>> {
    anyhow::ensure!(s.len() % 2 == 0, "body_hex has an odd length");
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2).unwrap_or("zz"), 16).map_err(|_| anyhow::anyhow!("body_hex is not hex")))
        .collect()
}
