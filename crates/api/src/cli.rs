//! The command line of the `tdb` binary: `serve`, `migrate`, `openapi`.

use clap::{Parser, Subcommand};

use crate::config::Config;
use crate::{db, openapi, server};

/// tdb — tableau de bord de la performance des ESMS.
#[derive(Debug, Parser)]
#[command(name = "tdb", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands of `tdb`.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run pending migrations, then serve the API and the web app.
    Serve(#[command(flatten)] Config),
    /// Run pending migrations and exit.
    Migrate(#[command(flatten)] Config),
    /// Print the OpenAPI contract (JSON) on standard output.
    Openapi,
}

/// Errors a command can end with.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// The database could not be opened or migrated.
    #[error(transparent)]
    Database(#[from] db::DbError),
    /// The HTTP server failed.
    #[error("server: {0}")]
    Server(#[from] std::io::Error),
    /// The OpenAPI document could not be serialised.
    #[error("openapi: {0}")]
    Openapi(#[from] serde_json::Error),
}

/// Runs one command.
pub fn run(cli: Cli) -> Result<(), CliError> {
    match cli.command {
        Command::Serve(config) => {
            init_tracing(&config.log);
            server::run(config)?;
        }
        Command::Migrate(config) => {
            init_tracing(&config.log);
            let pool = db::connect(&config.database_url)?;
            tracing::info!(backend = ?pool.backend(), "database migrated");
        }
        Command::Openapi => print_contract(&openapi::to_pretty_json()?),
    }
    Ok(())
}

#[expect(clippy::print_stdout, reason = "the contract is the command's output")]
fn print_contract(json: &str) {
    println!("{json}");
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}
