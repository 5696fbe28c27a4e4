//! `dcskit mock`: a local DCS emulator. Prints its URL (one line) once it accepts
//! connections; stops cleanly on SIGINT / SIGTERM.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use dcskit::mock::{self, MockOptions, ScriptedFaults};

#[derive(clap::Args)]
pub struct Args {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    bind: String,
    /// Port (0: a free one).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Access key requests must be signed with (with --sk). Without keys or a token, any
    /// request is accepted.
    #[arg(long, requires = "sk")]
    ak: Option<String>,
    /// Secret key (with --ak).
    #[arg(long, requires = "ak", env = "DCSKIT_MOCK_SK", hide_env_values = true)]
    sk: Option<String>,
    /// Accept `X-Auth-Token: TOKEN` too.
    #[arg(long, env = "DCSKIT_MOCK_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// Project id the emulator serves (requests for others get 403; "" accepts any).
    #[arg(long, default_value = "0123456789abcdef0123456789abcdef")]
    project_id: String,
    /// Keep the state in this JSON file across restarts (written atomically).
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Serve this RDB file as every backup (default: one written from the instance's data).
    #[arg(long, value_name = "RDB")]
    backup_file: Option<PathBuf>,
    /// Milliseconds added to every answer.
    #[arg(long, value_name = "MS", default_value_t = 0)]
    latency: u64,
    /// Fraction of requests (0..1) answered with an injected 500, 503, 429 or dropped connection.
    #[arg(long, value_name = "R", default_value_t = 0.0)]
    fail_rate: f64,
    /// Seed for --fail-rate (the same seed repeats the same faults).
    #[arg(long, value_name = "N")]
    seed: Option<u64>,
    /// Scripted faults for one operation, used before --fail-rate: `ListInstances=503,429:2,drop,ok`
    /// (500|502|503|504, 429[:SECS], drop, delay:MS, ok). Repeatable; `*` means any operation.
    #[arg(long = "fault", value_name = "OP=F,F,...")]
    faults: Vec<String>,
    /// Milliseconds a new instance stays CREATING (and restarts, resizes... take).
    #[arg(long, value_name = "MS", default_value_t = 1500)]
    running_delay: u64,
    /// Milliseconds backups and analysis tasks take.
    #[arg(long, value_name = "MS", default_value_t = 500)]
    task_delay: u64,
}

pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let faults = args.faults.iter().map(|f| ScriptedFaults::parse(f)).collect::<Result<Vec<_>, _>>()?;
    let options = MockOptions {
        bind: args.bind,
        port: args.port,
        ak: args.ak,
        sk: args.sk,
        token: args.token,
        project_id: args.project_id,
        state_file: args.state,
        backup_file: args.backup_file,
        data_dir: None,
        latency: Duration::from_millis(args.latency),
        fail_rate: args.fail_rate,
        seed: args.seed,
        faults,
        running_delay: Duration::from_millis(args.running_delay),
        task_delay: Duration::from_millis(args.task_delay),
    };
    let server = dcskit::runtime::block_on(mock::start(options))??;
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "{}", server.url())?;
        out.flush()?;
    }
    dcskit::runtime::block_on(async move {
        wait_for_signal().await;
        server.shutdown().await;
    })?;
    Ok(ExitCode::SUCCESS)
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
