//! The `tdb` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use tdb_api::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match tdb_api::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("tdb: {error}");
            ExitCode::FAILURE
        }
    }
}
