//! The `tdb` binary: parses the command line and hands over to the library.

use std::process::ExitCode;

use clap::Parser;
use tdb_api::cli::Cli;

/// mimalloc rather than the system allocator: a form's read and write allocate and free many small
/// strings and a response buffer of about 100 KB across worker threads, where glibc's malloc spent a
/// quarter of the server's time (`perf` under `scripts/bench-api.sh`).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
