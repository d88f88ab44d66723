//! The command line of the `tdb` binary: `serve`, `migrate`, `openapi`, `seed`, `token`, `import`, `finess`, `user`.

pub mod error;
pub mod finess;
pub mod import;

use clap::{ArgGroup, Parser, Subcommand};

pub use error::CliError;

use crate::auth::{Claims, Role, TokenService};
use crate::config::{Config, Secret};
use crate::services::sessions;
use crate::{db, openapi, seed, server};

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
    /// Load generated data (migrating first): `--demo`, or `--national --structures N`. Idempotent.
    Seed(SeedArgs),
    /// Import values from a JSON or CSV file, as the system actor `cli:<source>`; prints the summary.
    Import(import::ImportArgs),
    /// The FINESS referential: `import FILE [--dry-run]` (structures and managing bodies).
    Finess(finess::FinessArgs),
    /// Manage a person's account: `deactivate` (revokes every session) or `activate`.
    User(UserArgs),
}

/// What `tdb user` does.
#[derive(Debug, clap::Args)]
pub struct UserArgs {
    /// The action.
    #[command(subcommand)]
    pub action: UserAction,
}

/// The actions of `tdb user`.
#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Forbid the account to log in and revoke every session of it (its refresh cookies stop working;
    /// access tokens already issued expire within TDB_ACCESS_TOKEN_SECONDS).
    Deactivate(UserTarget),
    /// Allow the account to log in again (its revoked sessions stay revoked).
    Activate(UserTarget),
    /// Create an account by invitation (the only way to the first `national` account): the one-time
    /// link (7 days) is printed and the invitation mail queued (sent by `tdb serve`).
    Create(UserCreate),
}

/// What `tdb user create` creates.
#[derive(Debug, clap::Args)]
pub struct UserCreate {
    /// Email (login) of the person.
    #[arg(long)]
    pub email: String,
    /// Role: `national`, `ars`, `cd`, `og` or `esms`.
    #[arg(long)]
    pub role: String,
    /// Name shown (default: the part of the email before `@`).
    #[arg(long)]
    pub display_name: Option<String>,
    /// Region code (`ars`).
    #[arg(long)]
    pub region: Option<String>,
    /// Department code (`cd`).
    #[arg(long)]
    pub department: Option<String>,
    /// Managing body's FINESS EJ (`og`).
    #[arg(long)]
    pub organisation: Option<String>,
    /// Structures' FINESS ET (`esms`), comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub structures: Vec<String>,
    /// Database, public URL (for the link) and logging settings.
    #[command(flatten)]
    pub config: Config,
}

/// The account `tdb user` acts on.
#[derive(Debug, clap::Args)]
pub struct UserTarget {
    /// Email (login) of the account.
    #[arg(long)]
    pub email: String,
    /// Database and logging settings.
    #[command(flatten)]
    pub config: Config,
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

/// Options of `tdb seed`.
#[derive(Debug, clap::Args)]
#[command(group(ArgGroup::new("data").required(true).args(["demo", "national"])))]
pub struct SeedArgs {
    /// Demo data: Hauts-de-France, Île-de-France and Grand Est, every category, three campaigns, one
    /// user per role (credentials printed at the end).
    #[arg(long)]
    pub demo: bool,
    /// The day the demo is seen from (YYYY-MM-DD): its year's campaign is in collecte around that day.
    /// Default: today in Europe/Paris.
    #[arg(long, requires = "demo", value_name = "YYYY-MM-DD")]
    pub on: Option<chrono::NaiveDate>,
    /// National-scale data over every department, for load and performance work.
    #[arg(long)]
    pub national: bool,
    /// Number of structures of `--national`.
    #[arg(long, default_value_t = 22_000, requires = "national")]
    pub structures: usize,
    /// Database and logging settings.
    #[command(flatten)]
    pub config: Config,
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
        Command::Seed(args) => {
            init_tracing(&args.config.log);
            run_seed(&args)?;
        }
        Command::Import(args) => {
            init_tracing(&args.config.log);
            print_contract(&import::run(args)?);
        }
        Command::Finess(args) => match &args.action {
            finess::FinessAction::Import(import) => {
                init_tracing(&import.config.log);
                print_contract(&finess::run(import)?);
            }
        },
        Command::User(args) => print_contract(&run_user(&args.action)?),
    }
    Ok(())
}

fn run_user(action: &UserAction) -> Result<String, CliError> {
    let (target, activate) = match action {
        UserAction::Deactivate(target) => (target, false),
        UserAction::Activate(target) => (target, true),
        UserAction::Create(create) => return create_user(create),
    };
    init_tracing(&target.config.log);
    let pool = db::connect(&target.config.database_url)?;
    let mut conn = pool.get()?;
    let now = chrono::Utc::now().naive_utc();
    let failed = |e: crate::error::ApiError| CliError::User(e.to_string());
    // One writer at a time on SQLite, like the server's writes.
    let _turn = pool.write_turn();
    Ok(if activate {
        sessions::activate(&mut conn, &target.email, "cli", now).map_err(failed)?;
        format!("{} activated.", target.email)
    } else {
        let revoked = sessions::deactivate(&mut conn, &target.email, "cli", now).map_err(failed)?;
        format!("{} deactivated; {revoked} session(s) revoked.", target.email)
    })
}

fn create_user(create: &UserCreate) -> Result<String, CliError> {
    init_tracing(&create.config.log);
    let role =
        Role::parse(&create.role).ok_or_else(|| CliError::User(format!("unknown role {}", create.role)))?;
    let pool = db::connect(&create.config.database_url)?;
    let mut conn = pool.get()?;
    let _turn = pool.write_turn();
    let base = crate::services::passwords::LinkBase {
        origin: create.config.public_url().origin(),
    };
    let invite = tdb_domain::contract::UserInvite {
        email: create.email.clone(),
        display_name: create.display_name.clone(),
        role,
        organisation_finess: create.organisation.clone(),
        region_code: create.region.clone(),
        department_code: create.department.clone(),
        structures: create.structures.clone(),
    };
    let link = crate::services::accounts::create_by_operator(
        &mut conn,
        &base,
        &invite,
        chrono::Utc::now().naive_utc(),
    )
    .map_err(|e| match e {
        crate::error::ApiError::Validation(errors) => CliError::User(
            errors
                .iter()
                .map(|f| format!("{}: {}", f.path, f.message))
                .collect::<Vec<_>>()
                .join("; "),
        ),
        other => CliError::User(other.to_string()),
    })?;
    Ok(format!(
        "{} invited as {}. The invitation mail is queued (sent by `tdb serve`); the link, valid 7 days:\n{link}",
        create.email.trim().to_lowercase(),
        role.as_str()
    ))
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

fn run_seed(args: &SeedArgs) -> Result<(), CliError> {
    let pool = db::connect(&args.config.database_url)?;
    let mut conn = pool.get()?;
    let started = std::time::Instant::now();
    if args.demo {
        let calendar = args.on.map_or_else(seed::Calendar::today, seed::Calendar::on);
        let summary = seed::demo::run(&mut conn, calendar)?;
        report_demo(&summary, started.elapsed());
    } else {
        let summary = seed::national::run(&mut conn, args.structures, |done, total| {
            report_progress(done, total, started.elapsed());
        })?;
        report_national(&summary, started.elapsed());
    }
    Ok(())
}

#[expect(
    clippy::print_stdout,
    reason = "the summary and the credentials are the command's output"
)]
fn report_demo(summary: &seed::demo::DemoSummary, elapsed: std::time::Duration) {
    if summary.already_loaded {
        println!("Demo data already loaded: nothing written.");
    } else {
        println!(
            "Demo data loaded in {:.1} s: {} managing bodies, {} structures, {} forms, {} values.",
            elapsed.as_secs_f64(),
            summary.organisations,
            summary.structures,
            summary.forms,
            summary.values
        );
    }
    println!("Demo logins (role, login, password, scope):");
    for c in &summary.credentials {
        println!("  {:<9} {:<30} {:<24} {}", c.role, c.login, c.secret, c.scope);
    }
}

#[expect(clippy::print_stderr, reason = "a progress line for the person waiting")]
fn report_progress(done: usize, total: usize, elapsed: std::time::Duration) {
    eprint!(
        "\r{done}/{total} structures with their forms ({:.0} s)",
        elapsed.as_secs_f64()
    );
    if done == total {
        eprintln!();
    }
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
fn report_national(summary: &seed::national::NationalSummary, elapsed: std::time::Duration) {
    match summary.already_present {
        Some(present) => println!("The database already holds {present} structures: nothing written."),
        None => println!(
            "National data loaded in {:.1} s: {} managing bodies, {} structures, {} forms, {} values.",
            elapsed.as_secs_f64(),
            summary.organisations,
            summary.structures,
            summary.forms,
            summary.values
        ),
    }
}

fn init_tracing(filter: &str) {
    let filter = tracing_subscriber::EnvFilter::try_new(filter)
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_target(false)
        .init();
}
