//! The local DCS emulator: a real HTTP server answering every operation of the spec, with
//! stateful instances, backups that are real RDB files, offline key analysis whose result is
//! the analyzer's report, AK/SK authentication like the service, and injectable faults.
//! Prints nothing: the CLI prints the URL once [`start`] returns.

mod auth;
mod dataset;
mod faults;
mod ops;
pub mod rdb_writer;
mod server;
mod spec;
mod state;
mod validate;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use tokio::net::TcpListener;
use tokio::sync::watch;

pub use faults::{Fault, ScriptedFaults};

use crate::error::{Error, ErrorKind, Result};

#[derive(Clone)]
pub struct MockOptions {
    pub bind: String,
    /// 0 picks a free port.
    pub port: u16,
    /// With `ak` and `sk`, requests must be signed with them (SDK-HMAC-SHA256).
    pub ak: Option<String>,
    pub sk: Option<String>,
    /// With a token, `X-Auth-Token: <token>` is accepted too. With neither keys nor a
    /// token, every request is accepted.
    pub token: Option<String>,
    /// Requests for another project id are refused (403); empty accepts any.
    pub project_id: String,
    /// Where the state is kept across restarts (written atomically after each change).
    pub state_file: Option<PathBuf>,
    /// Backups serve this RDB file instead of one written from the instance's seeded data.
    pub backup_file: Option<PathBuf>,
    /// Where generated backup files go (default: next to the state file, else a temp dir).
    pub data_dir: Option<PathBuf>,
    /// Added to every answer.
    pub latency: Duration,
    /// Fraction (0..=1) of requests answered with an injected fault (500, 503, 429, drop).
    pub fail_rate: f64,
    /// Seed for the fault choices (a fixed seed repeats the same sequence).
    pub seed: Option<u64>,
    /// Scripted faults per operation, consumed before the rate applies.
    pub faults: Vec<ScriptedFaults>,
    /// How long new instances stay CREATING (and restarts, resizes... take).
    pub running_delay: Duration,
    /// How long backups and analysis tasks take.
    pub task_delay: Duration,
}

impl Default for MockOptions {
    fn default() -> Self {
        MockOptions {
            bind: "127.0.0.1".into(),
            port: 0,
            ak: None,
            sk: None,
            token: None,
            project_id: "0123456789abcdef0123456789abcdef".into(),
            state_file: None,
            backup_file: None,
            data_dir: None,
            latency: Duration::ZERO,
            fail_rate: 0.0,
            seed: None,
            faults: Vec::new(),
            running_delay: Duration::from_millis(1500),
            task_delay: Duration::from_millis(500),
        }
    }
}

/// Secrets (the SK, the token) are redacted.
impl std::fmt::Debug for MockOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockOptions")
            .field("bind", &self.bind)
            .field("port", &self.port)
            .field("ak", &self.ak)
            .field("sk", &self.sk.as_ref().map(|_| "[REDACTED]"))
            .field("token", &self.token.as_ref().map(|_| "[REDACTED]"))
            .field("project_id", &self.project_id)
            .field("state_file", &self.state_file)
            .field("backup_file", &self.backup_file)
            .field("data_dir", &self.data_dir)
            .field("latency", &self.latency)
            .field("fail_rate", &self.fail_rate)
            .field("seed", &self.seed)
            .field("faults", &self.faults)
            .field("running_delay", &self.running_delay)
            .field("task_delay", &self.task_delay)
            .finish()
    }
}

/// A running emulator; stops when `shutdown` is called or the process ends.
#[derive(Debug)]
pub struct MockServer {
    url: String,
    stop: watch::Sender<bool>,
    done: Option<tokio::task::JoinHandle<()>>,
    /// A temporary backup directory this server made (removed on shutdown).
    temp_dir: Option<PathBuf>,
}

impl MockServer {
    /// `http://127.0.0.1:PORT` (no trailing slash): the endpoint to give clients.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn port(&self) -> u16 {
        self.url.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or(0)
    }

    /// Stops accepting, lets requests in flight finish (at most 5 s), then returns.
    pub async fn shutdown(mut self) {
        let _ = self.stop.send(true);
        if let Some(done) = self.done.take() {
            let _ = done.await;
        }
        if let Some(dir) = self.temp_dir.take() {
            let _ = std::fs::remove_dir_all(dir);
        }
    }
}

/// Starts an emulator; it accepts connections when this returns.
pub async fn start(options: MockOptions) -> Result<MockServer> {
    if !(0.0..=1.0).contains(&options.fail_rate) || options.fail_rate.is_nan() {
        return Err(Error::invalid_input("fail_rate", format!("must be between 0 and 1, got {}", options.fail_rate)));
    }
    if options.ak.is_some() != options.sk.is_some() {
        return Err(Error::invalid_input("ak", "give both the access key and the secret key, or neither"));
    }
    if let Some(f) = &options.backup_file {
        if !f.is_file() {
            return Err(Error::invalid_input("backup_file", format!("{}: no such file", f.display())));
        }
    }
    let state = match &options.state_file {
        Some(p) => state::State::load(p)?,
        None => state::State::default(),
    };
    let data_dir = match (&options.data_dir, &options.state_file) {
        (Some(d), _) => d.clone(),
        (None, Some(s)) => {
            let mut name = s.file_name().map(|n| n.to_os_string()).unwrap_or_default();
            name.push(".backups");
            s.with_file_name(name)
        }
        (None, None) => std::env::temp_dir().join(format!("dcskit-mock-{}-{}", std::process::id(), state::new_id())),
    };
    let temp_dir = (options.data_dir.is_none() && options.state_file.is_none()).then(|| data_dir.clone());
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| Error::new(ErrorKind::Io, format!("creating {}: {e}", data_dir.display())).with_source(e))?;

    let addr = format!("{}:{}", options.bind, options.port);
    // Bound here but registered with the core runtime, where the server runs, whichever
    // runtime (or none) the caller is on.
    let listener = std::net::TcpListener::bind(&addr)
        .and_then(|l| l.set_nonblocking(true).map(|_| l))
        .map_err(|e| Error::new(ErrorKind::Io, format!("cannot listen on {addr}: {e}")).with_source(e))?;
    let local = listener.local_addr()?;
    let host = if local.ip().is_unspecified() { "127.0.0.1".to_string() } else { local.ip().to_string() };
    let host = if host.contains(':') { format!("[{host}]") } else { host };
    let url = format!("http://{host}:{}", local.port());

    let app = Arc::new(server::App::new(options, state, data_dir));
    let resume_app = app.clone();
    let (stop, stop_rx) = watch::channel(false);
    let done = crate::runtime::handle().spawn(async move {
        match TcpListener::from_std(listener) {
            Ok(listener) => {
                ops::analysis::resume(&resume_app);
                server::serve(listener, app, stop_rx).await
            }
            Err(e) => tracing::error!("dcskit mock: cannot register the listener: {e}"),
        }
    });
    Ok(MockServer { url, stop, done: Some(done), temp_dir })
}
