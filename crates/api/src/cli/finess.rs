//! `tdb finess import FILE [--dry-run]`: the FINESS referential from the open-data extract, streamed
//! from the file; prints the report (JSON) and a one-line summary on standard error.

use std::io::BufReader;
use std::path::PathBuf;

use super::error::CliError;
use crate::config::Config;
use crate::db;
use crate::services::finess;

/// Arguments of `tdb finess`.
#[derive(Debug, clap::Args)]
pub struct FinessArgs {
    /// The action.
    #[command(subcommand)]
    pub action: FinessAction,
}

/// What `tdb finess` does.
#[derive(Debug, clap::Subcommand)]
pub enum FinessAction {
    /// Import the FINESS extract (`etalab-cs1100507-stock-*.csv`: `;`, Latin-1): create or update the
    /// managing bodies and the structures of the catalogue's categories, close the structures that left
    /// the file.
    Import(FinessImportArgs),
}

/// Arguments of `tdb finess import`.
#[derive(Debug, clap::Args)]
pub struct FinessImportArgs {
    /// The extract of the FINESS file.
    pub file: PathBuf,
    /// Compute the report, write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Database and settings.
    #[command(flatten)]
    pub config: Config,
}

/// Runs `tdb finess import`; returns the report (JSON).
pub fn run(args: &FinessImportArgs) -> Result<String, CliError> {
    let failed = |e: crate::error::ApiError| CliError::Import(e.to_problem().detail);
    let file = std::fs::File::open(&args.file)
        .map_err(|e| CliError::Import(format!("{}: {e}", args.file.display())))?;
    let pool = db::connect(&args.config.database_url)?;
    let mut conn = pool.get()?;
    let today = chrono::Utc::now().date_naive();
    let report = finess::import(
        &mut conn,
        BufReader::with_capacity(1 << 16, file),
        args.dry_run,
        today,
        &mut |lines| tracing::info!(lines, "FINESS lines read"),
    )
    .map_err(failed)?;
    eprintln!(
        "{}{} lignes : {} créées, {} mises à jour, {} fermées, {} ignorées, {} rejetées{}",
        if report.dry_run {
            "[essai, rien n'est écrit] "
        } else {
            ""
        },
        report.lines,
        report.created,
        report.updated,
        report.closed,
        report.ignored,
        report.rejected.len(),
        report
            .rejected
            .iter()
            .map(|r| format!("\n  ligne {} ({}) : {}", r.line, r.finess, r.reason))
            .collect::<String>()
    );
    Ok(serde_json::to_string_pretty(&report)?)
}
