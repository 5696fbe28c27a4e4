//! `dcskit analyze`. Placeholder until its issue implements it.

use std::process::ExitCode;

#[derive(clap::Args)]
pub struct Args {}

pub fn run(_args: Args) -> anyhow::Result<ExitCode> {
    anyhow::bail!("`dcskit analyze` is not available in this build yet")
}
