//! The command line of the `tdb` binary: `serve`, `migrate`, `openapi`, `token`.

use clap::{Parser, Subcommand};

use crate::auth::{Claims, Role, TokenService};
use crate::config::{Config, Secret};
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
    /// Mint an access token with the server's key (operations, load tests). Needs TDB_JWT_SECRET.
    Token(TokenArgs),
    /// Import values from a JSON or CSV file, as the system actor `cli:<source>`; prints the summary.
    Import(crate::cli_import::ImportArgs),
}

/// What `tdb token` puts in the token.
#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// Role: esms, og, ars, cd, national or partner.
    #[arg(long)]
    pub role: String,
    /// Subject (email or client id).
    #[arg(long, default_value = "ops@tdb.local")]
    pub subject: String,
    /// Structures of an `esms` token (repeatable).
    #[arg(long = "structure")]
    pub structures: Vec<String>,
    /// Managing body of an `og` token.
    #[arg(long)]
    pub organisation: Option<String>,
    /// Region of an `ars` token.
    #[arg(long)]
    pub region: Option<String>,
    /// Department of a `cd` token.
    #[arg(long)]
    pub department: Option<String>,
    /// Scopes of a `partner` token (repeatable).
    #[arg(long = "scope")]
    pub scopes: Vec<String>,
    /// Key signing the token.
    #[arg(long, env = "TDB_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Secret,
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
    /// The token could not be minted.
    #[error("token: {0}")]
    Token(String),
    /// The import failed or was refused.
    #[error("import: {0}")]
    Import(String),
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
        Command::Token(args) => print_contract(&mint_token(args)?),
        Command::Import(args) => {
            init_tracing(&args.config.log);
            print_contract(&crate::cli_import::run(args)?);
        }
    }
    Ok(())
}

#[expect(
    clippy::print_stdout,
    reason = "the contract or the token is the command's output"
)]
fn print_contract(text: &str) {
    println!("{text}");
}

fn mint_token(args: TokenArgs) -> Result<String, CliError> {
    let role =
        Role::parse(&args.role).ok_or_else(|| CliError::Token(format!("unknown role {}", args.role)))?;
    let mut claims = Claims::new(args.subject, role);
    claims.structures = args.structures;
    claims.organisation = args.organisation;
    claims.region = args.region;
    claims.department = args.department;
    claims.scopes = args.scopes;
    TokenService::new(&args.jwt_secret)
        .sign(&claims)
        .map_err(|e| CliError::Token(e.to_string()))
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}
