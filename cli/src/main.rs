//! `dcskit`: analyze | api | sign | mock. Each subcommand lives in its own module under `cmd/`.

use std::process::ExitCode;

use clap::{Parser, Subcommand};

mod cmd;

#[derive(Parser)]
#[command(name = "dcskit", version, about = "Huawei Cloud DCS API client, RDB analyzer and emulator")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Analyze RDB backups (files, stdin, .gz, tar, URLs) like DCS's offline key analysis.
    Analyze(cmd::analyze::Args),
    /// Call any DCS API operation, or list them.
    Api(cmd::api::Args),
    /// Sign a request with SDK-HMAC-SHA256 (credentials from CLOUD_SDK_AK / CLOUD_SDK_SK).
    Sign(cmd::sign::Args),
    /// Run a local DCS emulator.
    Mock(cmd::mock::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Analyze(a) => cmd::analyze::run(a),
        Command::Api(a) => cmd::api::run(a),
        Command::Sign(a) => cmd::sign::run(a),
        Command::Mock(a) => cmd::mock::run(a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("dcskit: {e:#}");
            ExitCode::from(2)
        }
    }
}
