//! `dcskit mock`. Placeholder until its issue implements it.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`dcskit mock` is not available in this build yet")
}
